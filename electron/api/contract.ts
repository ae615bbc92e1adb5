// The HostApi: every method the renderer may call, its request schema and response type, and the
// events the host pushes. Both transports (Electron IPC, WebSocket) carry exactly this table.
import * as z from 'zod';
import type {
  AcontextApiStatus,
  AcontextOverview,
  AgentNode,
  ApiKeySummary,
  ApprovalRule,
  AppInfo,
  FeedKind,
  FeedPage,
  Budget,
  BudgetStatus,
  ChatMessage,
  InquirySettings,
  InquirySummary,
  LaunchConsent,
  LogEntry,
  ModelPrice,
  ProviderInfo,
  ProviderTestResult,
  SessionChange,
  SessionExportPage,
  SessionSnapshot,
  SessionState,
  SessionSummary,
  TaskBoard,
  TaskExtractionStatus,
  TemplateSummary,
  TimelineEntry,
  SearchGroup,
  ToolStats,
  UsageBreakdownRow,
  UsageDailyRow,
  UsageRecord,
  UsageSummaryRow,
  WorkspaceDetail,
  WorkspaceSummary,
  RunStatus,
} from './types';

const id = z.string().min(1).max(200);
const text = z.string().max(1_000_000);
// Every field has a maximum so the largest valid request, fully escaped, fits in one WebSocket frame
// (MAX_FRAME_BYTES in electron/serve/host-socket.ts; test/integration/hostile/ws-server.test.ts checks it).
const secretValue = z.string().min(1).max(16_384);
const envKey = z.string().max(128).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a valid environment variable name');
export const MAX_SECRETS_PER_REQUEST = 64;
const secretMap = z
  .record(envKey, secretValue)
  .refine((secrets) => Object.keys(secrets).length <= MAX_SECRETS_PER_REQUEST, `must hold at most ${MAX_SECRETS_PER_REQUEST} secrets`);

const providerName = z
  .string()
  .trim()
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1–64 letters, digits, "_", "." or "-", starting with a letter or digit');
const epochMs = z.number().int().min(0).max(8_640_000_000_000_000);
const modelName = z.string().trim().min(1, 'must name a model').max(200);
// A price is a non-negative, finite number of dollars (zod refuses NaN and Infinity).
const perMTok = z.number().min(0, 'must not be negative').max(1_000_000);
const calendarDay = z
  .string()
  .max(10)
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((day) => {
    const ms = Date.parse(`${day}T00:00:00Z`);
    return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(day);
  }, 'must be a real date');

// The dashboard's range: both ends in ms, `until` exclusive, at most about three years so a daily
// chart stays a few thousand points.
export const MAX_USAGE_RANGE_DAYS = 1100;
const usageRange = z.object({ workspaceId: id.optional(), since: epochMs, until: epochMs });
const boundedRange: [(range: { since: number; until: number }) => boolean, { message: string; path: string[] }] = [
  (range) => range.until > range.since && range.until - range.since <= MAX_USAGE_RANGE_DAYS * 86_400_000,
  { message: `until must be after since, at most ${MAX_USAGE_RANGE_DAYS} days later`, path: ['until'] },
];
const usageCallFilter = z.object({
  model: z.string().min(1).max(200).optional(),
  workspaceId: id.optional(),
  agentKey: z.string().min(1).max(200).optional(),
  source: z.enum(['agent', 'tasks']).optional(),
  sessionId: id.nullable().optional(),
  taskId: id.nullable().optional(),
});

export const FEED_KINDS = ['tool', 'reasoning', 'inquiry', 'talk', 'error', 'lifecycle', 'task', 'log'] as const satisfies readonly FeedKind[];
/** An Activity feed cursor, `<createdAt>.<row id>`: the row id's first letter names its source table. */
export const FEED_CURSOR = /^(\d{1,16})\.([atkl][0-9A-Za-z-]{1,200})$/;

/**
 * Request schemas, one per method. Every request is parsed with its schema before a service sees it.
 * Each is built on its method's first call, not at import: building them all was a good part of a cold start.
 */
const schemaBuilders = {
  'app.info': () => z.object({}),
  /** Desktop only: the native folder picker. */
  'app.pickDirectory': () => z.object({ title: z.string().max(200).optional() }),
  /** Desktop only: the native save dialog, then the conversation's export written to the chosen file. */
  'app.saveExport': () => z.object({ sessionId: id, format: z.enum(['md', 'json']) }),

  'workspaces.list': () => z.object({}),
  'workspaces.get': () => z.object({ workspaceId: id }),
  /** Register an existing directory that holds a dspatch.workspace.yml. */
  'workspaces.add': () => z.object({ dir: z.string().min(1).max(4096) }),
  /** Validate workspace YAML without writing anything. */
  'workspaces.validate': () => z.object({ yaml: text }),
  /** The new-workspace wizard's step 1: whether a workspace can be created in this folder. */
  'workspaces.checkDir': () => z.object({ dir: z.string().max(4096) }),
  'workspaces.create': () => z.object({
    dir: z.string().min(1).max(4096),
    yaml: text,
    secrets: secretMap,
    overwrite: z.boolean(),
  }),
  'workspaces.update': () => z.object({ workspaceId: id, yaml: text, secrets: secretMap }),
  'workspaces.remove': () => z.object({ workspaceId: id }),
  /** Refused with consent_required until workspaces.consent confirmed what launchConsent lists. */
  'workspaces.launch': () => z.object({
    workspaceId: id,
    /** false: start the agent processes but open no conversation (the CLI opens its own). */
    autoStart: z.boolean().optional(),
    /** Values for required keys that are not stored, for this launch only (the CLI's shell env); never stored. */
    env: z.record(envKey, secretValue).optional(),
  }),
  /** What the user must still confirm before the workspace runs: its code, where its secrets go. */
  'workspaces.launchConsent': () => z.object({ workspaceId: id }),
  /** Confirms the items launchConsent (or a consent_required error) listed under this fingerprint. */
  'workspaces.consent': () => z.object({ workspaceId: id, fingerprint: z.string().max(64).regex(/^[0-9a-f]{64}$/, 'must be a fingerprint from launchConsent') }),
  'workspaces.stop': () => z.object({ workspaceId: id }),

  'secrets.set': () => z.object({ workspaceId: id, key: envKey, value: secretValue }),
  'secrets.remove': () => z.object({ workspaceId: id, key: envKey }),

  'apiKeys.list': () => z.object({}),
  'apiKeys.set': () => z.object({ name: z.string().max(64).regex(/^[A-Za-z0-9_.-]{1,64}$/), value: secretValue }),
  'apiKeys.remove': () => z.object({ name: z.string().min(1).max(64) }),

  'templates.list': () => z.object({}),
  'templates.readme': () => z.object({ name: z.string().min(1).max(200) }),
  /** `confirm`: the user agreed that this folder's code runs with their rights; without it, consent_required. */
  'templates.add': () => z.object({ dir: z.string().min(1).max(4096), confirm: z.boolean().optional() }),
  'templates.remove': () => z.object({ name: z.string().min(1).max(200) }),
  /** Writes a new template folder (dspatch.agent.yml, agent.ts, README.md, tsconfig.json); DIR must be new or empty. */
  'templates.scaffold': () => z.object({ name: z.string().min(1).max(200), dir: z.string().min(1).max(4096) }),

  /** Pinned first, then the most recently updated; archived ones only with includeArchived. */
  'sessions.list': () => z.object({ workspaceId: id, includeArchived: z.boolean().optional() }),
  'sessions.open': () => z.object({ sessionId: id, limit: z.number().int().min(1).max(5000).optional() }),
  'sessions.history': () => z.object({ sessionId: id, beforeEntryId: id, limit: z.number().int().min(1).max(5000) }),
  /** The whole conversation in OpenAI chat format, oldest first (`dspatch sessions show`). */
  'sessions.messages': () => z.object({ sessionId: id }),
  'sessions.create': () => z.object({ workspaceId: id, agentKey: z.string().min(1).max(200) }),
  'sessions.send': () => z.object({ sessionId: id, text: text.min(1) }),
  'sessions.interrupt': () => z.object({ sessionId: id }),
  'sessions.rename': () => z.object({ sessionId: id, title: z.string().trim().min(1).max(200) }),
  /** Refused (conflict) while its agent is generating or waiting. */
  'sessions.delete': () => z.object({ sessionId: id }),
  /** Leaves out what is not given. */
  'sessions.setFlags': () => z.object({ sessionId: id, pinned: z.boolean().optional(), archived: z.boolean().optional() }),
  'sessions.restart': () => z.object({ sessionId: id }),
  /**
   * The conversation as a file, redacted, a page at a time (each fits one WebSocket frame): the first
   * call renders it; while nextOffset is not null, ask again with its exportId and offset.
   */
  'sessions.export': () => z.object({
    sessionId: id,
    format: z.enum(['md', 'json']),
    exportId: id.optional(),
    offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  }),
  /** Retry, Regenerate, and (with text) Edit: the user's last message is sent again in place of its turn. */
  'sessions.resend': () => z.object({ sessionId: id, text: text.min(1).optional() }),

  'inquiries.list': () => z.object({ status: z.enum(['pending', 'answered', 'all']).optional() }),
  'inquiries.answer': () => z.object({
    inquiryId: id,
    text: text.min(1),
    suggestionIndex: z.number().int().min(0).max(3).optional(),
  }),
  /** A tool approval: approve, reject, or approve and always approve that tool in the workspace. */
  'inquiries.decide': () => z.object({ inquiryId: id, decision: z.enum(['approve', 'reject', 'always']) }),
  /** How long a supervisor agent has to answer a subordinate's inquiry before it moves one level up. */
  'inquiries.settings': () => z.object({}),
  'inquiries.updateSettings': () => z.object({ forwardTimeoutSeconds: z.number().positive().max(86_400) }),
  /** The tools each workspace always approves (Settings → Approvals). */
  'approvals.rules': () => z.object({ workspaceId: id.optional() }),
  'approvals.removeRule': () => z.object({ workspaceId: id, tool: z.string().min(1).max(200) }),

  'logs.list': () => z.object({
    workspaceId: id.optional(),
    level: z.enum(['debug', 'info', 'warn', 'error']).optional(),
    query: z.string().max(500).optional(),
    limit: z.number().int().min(1).max(5000).optional(),
  }),
  /**
   * The Activity feed across all sessions, newest first, a page at a time: pass a page's nextCursor
   * as `before` for the next. `since` inclusive, `until` exclusive, in ms.
   */
  'activity.feed': () => z.object({
    workspaceId: id.optional(),
    agentKey: z.string().min(1).max(200).optional(),
    sessionId: id.optional(),
    kinds: z.array(z.enum(FEED_KINDS)).max(FEED_KINDS.length).optional(),
    level: z.enum(['debug', 'info', 'warn', 'error']).optional(),
    since: epochMs.optional(),
    until: epochMs.optional(),
    query: z.string().max(500).optional(),
    before: z.string().max(256).regex(FEED_CURSOR, 'must be a nextCursor from an earlier page').optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  }),
  'usage.list': () => z.object({ workspaceId: id.optional(), limit: z.number().int().min(1).max(5000).optional() }),
  /** `since` (inclusive) and `until` (exclusive) are ms; omitted, the range is open on that side. */
  'usage.summary': () => z.object({ workspaceId: id.optional(), since: epochMs.optional(), until: epochMs.optional() }),
  /** The Usage dashboard: per UTC day and model or workspace, for the chart. */
  'usage.daily': () => usageRange.extend({ by: z.enum(['model', 'workspace']) }).refine(...boundedRange),
  /** Totals per model, workspace, agent, session or task, most tokens first. */
  'usage.breakdown': () => usageRange
    .extend({ by: z.enum(['model', 'workspace', 'agent', 'session', 'task']), limit: z.number().int().min(1).max(1000).optional() })
    .refine(...boundedRange),
  /** The calls of one breakdown row (its `filter`), newest first. */
  'usage.calls': () => usageRange
    .extend({ filter: usageCallFilter, limit: z.number().int().min(1).max(1000).optional() })
    .refine(...boundedRange),

  /**
   * Full-text search across all workspaces (or one): the best `limit` hits, grouped by conversation.
   * The query is searched as text (FTS5 syntax in it is not syntax).
   */
  'search.query': () => z.object({ query: z.string().max(500), limit: z.number().int().min(1).max(200).optional(), workspaceId: id.optional() }),

  /** The price table, USD per million tokens per model and the UTC day it applies from. */
  'prices.list': () => z.object({}),
  /** Without validFrom, a model's first price covers all its calls and a later one applies from today. */
  'prices.set': () => z.object({
    model: modelName,
    inputPerMTok: perMTok,
    cachedInputPerMTok: perMTok,
    outputPerMTok: perMTok,
    validFrom: calendarDay.optional(),
  }),
  /** Without validFrom, every price of the model. */
  'prices.remove': () => z.object({ model: modelName, validFrom: calendarDay.optional() }),

  /** Monthly limits in USD (calendar month, UTC): workspaceId absent is the global budget. */
  'budgets.list': () => z.object({}),
  /** Replaces the budget; answers its status at once, so a limit below this month's spending shows. */
  'budgets.set': () => z.object({
    workspaceId: id.optional(),
    // zod refuses NaN, Infinity and strings; zero would refuse every turn, so the least is a cent.
    monthlyUsd: z.number().min(0.01, 'must be at least $0.01 (remove the budget for no limit)').max(1_000_000_000),
  }),
  'budgets.remove': () => z.object({ workspaceId: id.optional() }),
  /** Spent, limit and percent of every budget this month. */
  'budgets.status': () => z.object({}),

  /** Providers from Settings (plus the built-in `openai`), for any workspace's agents (`provider:`). */
  'providers.list': () => z.object({}),
  /** Adds or replaces a provider by name. */
  'providers.save': () => z.object({
    name: providerName,
    baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL, such as http://127.0.0.1:11434/v1' }).max(2000),
    api: z.enum(['responses', 'chat'], { error: 'must be "responses" or "chat"' }),
    apiKey: z
      .string()
      .trim()
      .max(100)
      .regex(/^(none|\{\{\s*apikey\s*:\s*[A-Za-z0-9_.-]{1,64}\s*\}\})$/, 'must be "none" or a saved key written {{apikey:Name}}')
      .nullable()
      .optional(),
    defaultModel: z.string().trim().min(1, 'must name a model').max(200).nullable().optional(),
  }),
  'providers.remove': () => z.object({ name: providerName }),
  /** GET {baseUrl}/models with the provider's key: its models, or what to change. */
  'providers.test': () => z.object({ name: providerName }),

  /** A conversation's tasks, progress, preferences and extraction status. */
  'tasks.board': () => z.object({ sessionId: id }),
  /** Runs the pending extraction now; resolves when it has finished. */
  'tasks.flush': () => z.object({ sessionId: id }),
  /** Failed messages go back to pending and are extracted now. */
  'tasks.retry': () => z.object({ sessionId: id }),
  'tasks.settings': () => z.object({}),
  'tasks.updateSettings': () => z.object({
    enabled: z.boolean().optional(),
    model: z.string().trim().min(1).max(200).optional(),
    baseUrl: z.url({ protocol: /^https?$/ }).max(2000).nullable().optional(),
    apiKeyName: z.string().max(64).regex(/^[A-Za-z0-9_.-]{1,64}$/).nullable().optional(),
    maxPending: z.number().int().min(1).max(256).optional(),
    idleSeconds: z.number().min(0.1).max(3600).optional(),
  }),
  /** Calls, errors and durations per tool, for one conversation or a whole workspace. */
  'tools.stats': () => z.union([z.object({ sessionId: id }).strict(), z.object({ workspaceId: id }).strict()]),

  /** The Acontext-compatible API: where it is served; on desktop, its own listener's setting. */
  'acontext.settings': () => z.object({}),
  'acontext.updateSettings': () => z.object({ enabled: z.boolean().optional(), port: z.number().int().min(1024).max(65535).optional() }),
  /** The API key (sk-ac-…) for agents outside the app; made on first use. */
  'acontext.apiKey': () => z.object({}),
  /** Spaces and sessions of the API, for "External sessions". */
  'acontext.sessions': () => z.object({}),
} as const;

export type RequestSchemas = { [M in keyof typeof schemaBuilders]: ReturnType<(typeof schemaBuilders)[M]> };
const builtSchemas = new Map<HostMethod, z.ZodType>();

/** The request schema of `method`; undefined for a name that is not a method. */
export function requestSchema<M extends HostMethod>(method: M): RequestSchemas[M];
export function requestSchema(method: string): z.ZodType | undefined;
export function requestSchema(method: string): z.ZodType | undefined {
  if (!Object.hasOwn(schemaBuilders, method)) return undefined;
  let schema = builtSchemas.get(method as HostMethod);
  if (!schema) builtSchemas.set(method as HostMethod, (schema = schemaBuilders[method as HostMethod]()));
  return schema;
}

export type HostMethod = keyof typeof schemaBuilders;
export type HostRequest<M extends HostMethod> = z.input<RequestSchemas[M]>;

export interface HostResponses {
  'app.info': AppInfo;
  'app.pickDirectory': { path: string | null };
  /** null when the dialog was cancelled. */
  'app.saveExport': { path: string | null };
  'workspaces.list': WorkspaceSummary[];
  'workspaces.get': WorkspaceDetail;
  'workspaces.add': WorkspaceSummary;
  'workspaces.validate': WorkspaceValidation;
  /** `problem`: what is wrong, written for the user; null when the folder will do. */
  'workspaces.checkDir': { problem: string | null; exists: boolean; hasConfig: boolean };
  'workspaces.create': WorkspaceSummary;
  'workspaces.update': WorkspaceSummary;
  'workspaces.remove': { ok: true };
  'workspaces.launch': { runId: string; sessions: SessionSummary[] };
  'workspaces.launchConsent': LaunchConsent;
  'workspaces.consent': { ok: true };
  'workspaces.stop': { ok: true };
  'secrets.set': { ok: true };
  'secrets.remove': { ok: true };
  'apiKeys.list': ApiKeySummary[];
  'apiKeys.set': { ok: true };
  'apiKeys.remove': { ok: true };
  'templates.list': TemplateSummary[];
  'templates.readme': { markdown: string };
  'templates.add': TemplateSummary;
  'templates.remove': { ok: true };
  'templates.scaffold': { name: string; dir: string; files: string[] };
  'sessions.list': SessionSummary[];
  'sessions.open': SessionSnapshot;
  'sessions.history': { entries: TimelineEntry[]; hasMore: boolean };
  'sessions.messages': { session: SessionSummary; messages: ChatMessage[] };
  'sessions.create': SessionSummary;
  'sessions.send': { turnId: string };
  'sessions.interrupt': { ok: true };
  'sessions.rename': SessionSummary;
  'sessions.delete': { ok: true };
  'sessions.setFlags': SessionSummary;
  /** The session after its agent was started again (launching the workspace if it had stopped). */
  'sessions.restart': SessionSummary;
  'sessions.export': SessionExportPage;
  'sessions.resend': { turnId: string };
  'inquiries.list': InquirySummary[];
  'inquiries.answer': { ok: true };
  'inquiries.decide': { ok: true };
  'inquiries.settings': InquirySettings;
  'inquiries.updateSettings': InquirySettings;
  'approvals.rules': ApprovalRule[];
  'approvals.removeRule': { ok: true };
  'logs.list': LogEntry[];
  'activity.feed': FeedPage;
  'usage.list': UsageRecord[];
  'usage.summary': { byModel: UsageSummaryRow[]; total: UsageSummaryRow };
  'usage.daily': UsageDailyRow[];
  'usage.breakdown': { rows: UsageBreakdownRow[]; more: number };
  'usage.calls': UsageRecord[];
  'search.query': SearchGroup[];
  'prices.list': ModelPrice[];
  'prices.set': ModelPrice;
  'prices.remove': { ok: true };
  'budgets.list': Budget[];
  'budgets.set': BudgetStatus;
  'budgets.remove': { ok: true };
  'budgets.status': BudgetStatus[];
  'providers.list': ProviderInfo[];
  'providers.save': ProviderInfo;
  'providers.remove': { ok: true };
  'providers.test': ProviderTestResult;
  'tasks.board': TaskBoard;
  'tasks.flush': TaskBoard;
  'tasks.retry': TaskBoard;
  'tasks.settings': TaskExtractionStatus;
  'tasks.updateSettings': TaskExtractionStatus;
  'tools.stats': ToolStats[];
  'acontext.settings': AcontextApiStatus;
  'acontext.updateSettings': AcontextApiStatus;
  'acontext.apiKey': { apiKey: string };
  'acontext.sessions': AcontextOverview;
}

export interface ValidationProblem {
  message: string;
  /** 1-based line in the YAML, when known. */
  line: number | null;
  /** Dotted path, e.g. 'agents.coder.peers[1]'. */
  path: string;
  severity: 'error' | 'warning';
}

export interface WorkspaceValidation {
  problems: ValidationProblem[];
  /** Parsed tree when the YAML is valid enough to show it. */
  agents: AgentNode[] | null;
  /** Every env key a chosen template requires, with the agent paths that need it. */
  requiredSecrets: { key: string; requiredBy: string[] }[];
}

/** Events the host pushes to every connected renderer. */
export type HostEvent =
  | { type: 'session.event'; sessionId: string; seq: number; change: SessionChange }
  | { type: 'session.updated'; session: SessionSummary }
  | { type: 'session.deleted'; sessionId: string; workspaceId: string }
  | { type: 'workspace.updated'; workspaceId: string; runStatus: RunStatus | null }
  | { type: 'workspaces.changed' }
  | { type: 'inquiry.updated'; inquiry: InquirySummary }
  | { type: 'log.appended'; entry: LogEntry }
  | { type: 'task.updated'; board: TaskBoard }
  /** An API session or space was created, deleted or moved: refetch acontext.sessions. */
  | { type: 'acontext.changed' }
  /**
   * Budgets or this month's spending changed. `alerts`: the budgets that just reached 80 % or 100 %
   * for the first time this month (each is alerted once per level per month): notify about those.
   */
  | { type: 'budget.updated'; statuses: BudgetStatus[]; alerts: BudgetStatus[] };

export type { SessionState };

/** Error codes a request can fail with. The message is written for the user. */
export type HostErrorCode =
  | 'bad_request'
  | 'not_found'
  | 'conflict'
  | 'invalid_config'
  | 'missing_secret'
  | 'consent_required'
  | 'not_running'
  | 'not_supported'
  /** An agent process exited while its workspace was starting; the message holds its last output. */
  | 'agent_failed'
  /** A budget is used up this month: no new turn starts. details: { budget: BudgetStatus }. */
  | 'budget_exceeded'
  | 'internal';

export interface HostErrorPayload {
  code: HostErrorCode;
  message: string;
  /**
   * For missing_secret: { workspaceId, key, agent }. For invalid_config: { problems }. For
   * consent_required: a LaunchConsent (workspaces), or { items } (templates.add without confirm).
   */
  details?: Record<string, unknown>;
}

/** The client interface both transports implement for the renderer. */
export interface HostClient {
  call<M extends HostMethod>(method: M, request: HostRequest<M>): Promise<HostResponses[M]>;
  /** Returns an unsubscribe function. */
  onEvent(listener: (event: HostEvent) => void): () => void;
  /** Connection status for transports that can drop (WebSocket). */
  onConnectionChange?(listener: (connected: boolean) => void): () => void;
}

export const HOST_METHODS = Object.keys(schemaBuilders) as HostMethod[];
