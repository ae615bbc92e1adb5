// Data shapes the renderer sees. Plain JSON: every field survives structured clone and JSON.
// No type here ever carries a secret's value.
import type { ActivityKind, ChatMessage, InstanceState, LogLevel } from '../../agents/protocol';

export type SessionState = InstanceState | 'stopped' | 'crashed';
export type RunStatus = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

export interface AppInfo {
  version: string;
  mode: 'desktop' | 'browser';
  dataDir: string;
  secrets: SecretBackendInfo;
}

export interface SecretBackendInfo {
  /** e.g. 'safeStorage:gnome_libsecret', 'safeStorage:basic_text', 'aes-256-gcm-file'. */
  backend: string;
  /** False when values are not protected by an OS keychain. */
  osProtected: boolean;
  /** One sentence for the user about where secrets are kept. */
  note: string;
}

export interface WorkspaceSummary {
  id: string;
  name: string;
  dir: string;
  createdAt: number;
  updatedAt: number;
  runStatus: RunStatus | null;
  /** Set when dspatch.workspace.yml cannot be read or is invalid. */
  configError: string | null;
}

export interface AgentNode {
  key: string;
  /** Dotted path from the root, e.g. 'lead.coder'. Unique within the workspace. */
  path: string;
  template: string;
  peers: string[];
  autoStart: boolean;
  children: AgentNode[];
}

export interface SecretStatus {
  key: string;
  isSet: boolean;
  /** Last characters of the value, at most 4, or null. */
  hint: string | null;
  /** Agent paths whose templates require this key. */
  requiredBy: string[];
}

export interface WorkspaceDetail extends WorkspaceSummary {
  agents: AgentNode[];
  secrets: SecretStatus[];
  yaml: string | null;
}

export interface SessionSummary {
  id: string;
  workspaceId: string;
  agentKey: string;
  parentSessionId: string | null;
  title: string;
  state: SessionState;
  createdAt: number;
  updatedAt: number;
  /** When the user pinned it (pinned ones list first), or null. */
  pinnedAt: number | null;
  /** When the user archived it (lists leave it out unless asked), or null. */
  archivedAt: number | null;
}

export type MessageStatus = 'streaming' | 'done' | 'interrupted' | 'cut' | 'failed';

export interface TimelineMessage {
  kind: 'message';
  id: string;
  sessionId: string;
  turnId: string | null;
  role: 'user' | 'assistant';
  text: string;
  status: MessageStatus;
  /** For a prompt from another agent: its key. */
  sender: string | null;
  createdAt: number;
  /** On the last assistant message of a finished turn: what the turn's model calls used and took. */
  usage?: TurnUsage;
}

/** A turn's model calls, summed, and how long the turn took. */
export interface TurnUsage {
  /** Every model the turn called, in the order first used. */
  models: string[];
  requests: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** USD; null when a call's model has no price (unknown, never $0). */
  costUsd: number | null;
  /** From the turn's first message to its last. */
  durationMs: number;
}

export interface TimelineActivity {
  kind: 'activity';
  id: string;
  sessionId: string;
  turnId: string | null;
  activityKind: ActivityKind;
  data: Record<string, unknown>;
  createdAt: number;
}

export type TimelineEntry = TimelineMessage | TimelineActivity;

export interface SessionSnapshot {
  session: SessionSummary;
  entries: TimelineEntry[];
  /** Entries older than the first one exist. */
  hasMore: boolean;
  /** Events with seq <= this are already reflected in the snapshot. */
  seq: number;
}

/** One change to a session's timeline, applied in seq order. */
export type SessionChange =
  | { type: 'entry'; entry: TimelineEntry }
  | { type: 'append'; entryId: string; text: string }
  | { type: 'state'; state: SessionState }
  /** Entries that left the timeline: a retried, regenerated or edited turn and everything after it. */
  | { type: 'removed'; entryIds: string[] };

export interface LogEntry {
  id: number;
  workspaceId: string | null;
  sessionId: string | null;
  agentKey: string | null;
  level: LogLevel;
  source: 'agent' | 'host' | 'stdout' | 'stderr' | 'tasks';
  message: string;
  createdAt: number;
  /** Set when the line records an agent's lifecycle. */
  event?: LifecycleEvent | null;
}

/** An agent's lifecycle, as a log line records it (the Activity feed's `lifecycle` kind). */
export type LifecycleEvent = 'launch' | 'stop' | 'crash' | 'restart';

/** What an Activity feed row is about; `error`: an error an agent reported (a model error, a crash notice). */
export type FeedKind = 'tool' | 'reasoning' | 'inquiry' | 'talk' | 'error' | 'lifecycle' | 'task' | 'log';

/** One row of the Activity feed: something that happened in any session, newest first. */
export interface FeedItem {
  /** Unique in the feed, and its order's tiebreak after `createdAt`. */
  id: string;
  kind: FeedKind;
  level: LogLevel;
  createdAt: number;
  workspaceId: string | null;
  sessionId: string | null;
  agentKey: string | null;
  /** The timeline entry it shows: the link is `#/sessions/<sessionId>?entry=<entryId>`. */
  entryId: string | null;
  /** For a task: the link is `#/sessions/<sessionId>?task=<taskId>`. */
  taskId: string | null;
  /** One line: a tool's name, who talked to whom, a task's number and status, a lifecycle event. */
  title: string;
  /** What happened (arguments, reasoning, a question, a message), cut to a few thousand characters. */
  text: string;
  /** A tool's result or error, an answer; null when there is none (yet). */
  detail: string | null;
  /** tool: running | ok | error; task: its status; lifecycle: its event; else null. */
  status: string | null;
}

export interface FeedPage {
  items: FeedItem[];
  /** Pass as `before` for the next (older) page; null at the end. */
  nextCursor: string | null;
}

/** Who made a model call: an agent, or the task extractor watching its conversation. */
export type UsageSource = 'agent' | 'tasks';

export interface UsageRecord {
  id: string;
  sessionId: string | null;
  agentKey: string;
  source: UsageSource;
  model: string;
  requests: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  createdAt: number;
  /** USD at the price valid when the call was made; null when the model has no price (unknown, never $0). */
  costUsd: number | null;
}

export interface UsageSummaryRow {
  model: string;
  /** Absent on the total row. */
  source?: UsageSource;
  requests: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** USD; null when any of its calls' models has no price. */
  costUsd: number | null;
}

/** How the Usage dashboard groups calls. A task is the one the user message of the call's turn belongs to. */
export type UsageGroupBy = 'model' | 'workspace' | 'agent' | 'session' | 'task';

/** Which calls a breakdown row stands for: an absent field matches any value, null matches none. */
export interface UsageCallFilter {
  model?: string;
  workspaceId?: string;
  agentKey?: string;
  source?: UsageSource;
  sessionId?: string | null;
  taskId?: string | null;
}

export interface UsageCounts {
  requests: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** USD; null when any of the calls' models has no price (unknown, never $0). */
  costUsd: number | null;
}

/** One group's calls in a range, and the filter that lists them (usage.calls). */
export interface UsageBreakdownRow extends UsageCounts {
  key: string;
  label: string;
  /** Where it belongs, e.g. a session's workspace; null when nothing to add. */
  detail: string | null;
  filter: UsageCallFilter;
  /** Models without a price among the calls: each one can get "Add a price". */
  unpricedModels: string[];
}

/** One UTC day's calls of one model or workspace. */
export interface UsageDailyRow extends UsageCounts {
  /** YYYY-MM-DD, UTC. */
  day: string;
  key: string;
  label: string;
}

/** A model's price in USD per million tokens, from the UTC day `validFrom` (YYYY-MM-DD) on. */
export interface ModelPrice {
  model: string;
  validFrom: string;
  inputPerMTok: number;
  cachedInputPerMTok: number;
  outputPerMTok: number;
  updatedAt: number;
}

/** How an OpenAI-compatible server is spoken to: the Responses API or Chat Completions. */
export type ProviderApi = 'responses' | 'chat';

/** A provider from Settings → Providers (or the built-in `openai`), usable by any workspace's agents. */
export interface ProviderInfo {
  name: string;
  baseUrl: string;
  api: ProviderApi;
  /** 'none', '{{apikey:Name}}', or null = the agent's OPENAI_API_KEY. */
  apiKey: string | null;
  defaultModel: string | null;
  builtIn: boolean;
}

/** providers.test: the server's models (sorted), or what went wrong, written for the user. */
export type ProviderTestResult = { ok: true; models: string[] } | { ok: false; message: string };

/** A monthly spending limit in USD: the global one (workspaceId null) or one workspace's. */
export interface Budget {
  workspaceId: string | null;
  /** Null for the global budget. */
  workspaceName: string | null;
  monthlyUsd: number;
  updatedAt: number;
}

/** ok below 80 %, warning from 80 %, exceeded from 100 % (new turns are refused). */
export type BudgetLevel = 'ok' | 'warning' | 'exceeded';

/** A budget against the spending of the current calendar month in UTC, priced like the Usage page. */
export interface BudgetStatus extends Budget {
  /** 'YYYY-MM', UTC. */
  month: string;
  /** USD of the calls whose model has a price; calls without one are not counted (see unpricedModels). */
  spentUsd: number;
  /** spentUsd / monthlyUsd × 100, not capped at 100. */
  percent: number;
  level: BudgetLevel;
  /** Models used this month that have no price: their cost is left out of spentUsd. */
  unpricedModels: string[];
}

export interface InquirySummary {
  id: string;
  workspaceId: string;
  sessionId: string;
  agentKey: string;
  markdown: string;
  suggestions: string[];
  files: string[];
  status: 'pending' | 'answered' | 'cancelled' | 'expired';
  responseText: string | null;
  createdAt: number;
  answeredAt: number | null;
  /** `high` and `urgent` notify the user. */
  priority: InquiryPriority;
  /** When an unanswered inquiry expires (the agent goes on with no answer); null: it waits until answered. */
  expiresAt: number | null;
  /** Set when this asks to approve a tool call (`needsApproval`) rather than a question. */
  approval?: ToolApproval;
  /** Where the inquiry went, in order: supervisor agents first, finally the user (inquiry-router.ts). */
  forwarding?: InquiryHop[];
  /** The supervisor agent that answered it; null when the user did (or nobody yet). */
  answeredByAgent?: string | null;
}

/** One step of an inquiry's way up: to a supervisor agent's conversation, or to the user. */
export interface InquiryHop {
  /** The supervisor's agent key; null: the user. */
  agentKey: string | null;
  /** The supervisor's conversation (null for the user). */
  sessionId: string | null;
  /** When it was handed over. */
  at: number;
  /**
   * How: `interrupt` — it interrupted the supervisor's wait on a talk_to or an inquiry; `input` — the idle
   * supervisor got it as its next message; `queued` — held for the busy supervisor until it waits or is idle;
   * `skipped` — the supervisor could not take it (see movedOn); `user`.
   */
  delivery: 'interrupt' | 'input' | 'queued' | 'skipped' | 'user';
  /** Why it moved on to the next one; null while it is here, or when it was answered here. */
  movedOn: { at: number; reason: InquiryMoveReason } | null;
}

/**
 * `timeout`: no answer within the forward timeout (Settings → Inquiries); `crashed`/`stopped`: the
 * supervisor's conversation ended; `busy`: it was generating or could not be interrupted; `not_running`:
 * its conversation has no running agent; `unsupported`: its agent's context does not take inquiries
 * (Context.handlesInquiries).
 */
export type InquiryMoveReason = 'timeout' | 'crashed' | 'stopped' | 'busy' | 'not_running' | 'cycle' | 'unsupported';

/** A tool call waiting for the user's approval: the tool, and its arguments as the model wrote them (redacted). */
export interface ToolApproval {
  tool: string;
  arguments: string;
}

/** A tool a workspace always approves ("Always approve <tool> in this workspace"). */
export interface ApprovalRule {
  workspaceId: string;
  workspaceName: string;
  tool: string;
  createdAt: number;
}

/** What the user decided about a tool approval; `always` approves it and every later call of the tool in the workspace. */
export type ApprovalDecisionKind = 'approve' | 'reject' | 'always';

export type InquiryPriority = 'normal' | 'high' | 'urgent';

export interface TemplateSummary {
  name: string;
  description: string;
  dir: string;
  builtIn: boolean;
  requiredEnv: string[];
  fields: Record<string, string>;
  /** Set when the template's dspatch.agent.yml is invalid; the template is listed anyway. */
  error: string | null;
}

/** One thing the user confirms before a workspace runs; `text` says it in words, e.g. "sends saved key 'Work' to api.example.com". */
export type ConsentItem =
  | { kind: 'code'; dir: string; text: string }
  /** `host` null: the agent's default endpoint. */
  | { kind: 'key'; secret: string; savedKey: boolean; host: string | null; text: string };

export interface LaunchConsent {
  workspaceId: string;
  /** What is not confirmed yet; empty when the workspace may launch. */
  items: ConsentItem[];
  /** Sent back with workspaces.consent to confirm exactly these items. */
  fingerprint: string;
  /** The items in one sentence, e.g. for the command line; '' when there are none. */
  summary: string;
}

export interface ApiKeySummary {
  name: string;
  hint: string | null;
  createdAt: number;
}

export type { ChatMessage };

export type TaskStatus = 'pending' | 'running' | 'success' | 'failed';
export type ExtractionStatus = 'pending' | 'running' | 'success' | 'failed';

/** A request of the user's, as the task extractor keeps it for one conversation. */
export interface TaskSummary {
  id: string;
  sessionId: string;
  /** 1-based place in the session's list. */
  order: number;
  description: string;
  status: TaskStatus;
  progresses: string[];
  userPreferences: string[];
  /** Ids of the conversation's messages that belong to this task, oldest first. */
  messageIds: string[];
  createdAt: number;
  updatedAt: number;
}

/** Where a session's task extraction stands. */
export interface TaskBoard {
  sessionId: string;
  tasks: TaskSummary[];
  /** Preferences of the user seen in this conversation, with or without a task. */
  userPreferences: string[];
  /** Messages by extraction status. */
  messages: Record<ExtractionStatus, number>;
  /** Whether a pass is running now. */
  extracting: boolean;
  /** Why the last pass failed, while its messages wait for a retry. */
  lastError: string | null;
}

/** Settings → Inquiries. */
export interface InquirySettings {
  /** How long a supervisor agent has to answer a forwarded inquiry before it moves one level up (default 60). */
  forwardTimeoutSeconds: number;
}

export interface TaskSettings {
  enabled: boolean;
  model: string;
  /** An OpenAI-compatible base URL (Chat Completions); null for the OpenAI API. */
  baseUrl: string | null;
  /** The saved API key (Settings → API keys) the extractor uses. */
  apiKeyName: string | null;
  /** A pass runs at once when this many messages are pending… */
  maxPending: number;
  /** …otherwise this long after the last message. */
  idleSeconds: number;
}

export interface TaskExtractionStatus {
  settings: TaskSettings;
  /** Settings the host's environment overrides (DSPATCH_TASKS_*). */
  overridden: (keyof TaskSettings)[];
  active: boolean;
  /** Why extraction is off and how to turn it on; null while it is on. */
  inactiveReason: string | null;
}

/** One tool's record in a session or a workspace. */
export interface ToolStats {
  tool: string;
  calls: number;
  /** Calls with a result (the rest are running, or were cut off). */
  finished: number;
  errors: number;
  /** errors / finished. */
  errorRate: number;
  p50Ms: number | null;
  p95Ms: number | null;
  /** Where in its conversation the last failure is. */
  lastError: { message: string; sessionId: string; activityId: string; at: number } | null;
  lastCall: { sessionId: string; activityId: string; at: number };
}

/** Where the Acontext-compatible API (/api/v1) is served, for Settings. */
export interface AcontextApiStatus {
  /** 'listener': the desktop app's own 127.0.0.1 listener, turned on here; 'app': served with the app on its port (browser mode). */
  servedBy: 'listener' | 'app';
  enabled: boolean;
  /** The listener's port (desktop). */
  port: number;
  /** What clients set as ACONTEXT_BASE_URL, e.g. http://127.0.0.1:8029/api/v1; null while nothing serves it. */
  baseUrl: string | null;
  /** Why the listener is not serving although it is turned on (e.g. the port is taken). */
  error: string | null;
}

/** The sessions agents outside the app keep through the Acontext API, and their spaces. */
export interface AcontextOverview {
  /** The pseudo-workspace that holds them: sessions.list, usage, tools.stats and logs take it. */
  workspaceId: string;
  spaces: { id: string; configs: Record<string, unknown> | null; createdAt: number }[];
  sessions: {
    sessionId: string;
    /** null: in no space. */
    spaceId: string | null;
    title: string;
    configs: Record<string, unknown> | null;
    disableTaskTracking: boolean;
    createdAt: number;
    updatedAt: number;
  }[];
}

/** What a search hit is: a message's role, an activity's kind, or a task's description. */
export type SearchHitKind = 'user' | 'assistant' | ActivityKind | 'task';

/** One match of `search.query`. */
export interface SearchHit {
  /** The message, activity or task the text belongs to. */
  id: string;
  kind: SearchHitKind;
  /** The timeline entry to open (`#/sessions/<sessionId>?entry=<entryId>`); null for a task. */
  entryId: string | null;
  /** The task to open (`?task=<taskId>`) for a task description; otherwise null. */
  taskId: string | null;
  /** Plain text around the match, with "…" where it was cut. Never markup. */
  snippet: string;
  /** The matched words in `snippet`: [start, end) UTF-16 offsets, in order, not overlapping. */
  marks: [number, number][];
  /** bm25 of the match: lower is better. */
  rank: number;
  /** When the entry was written (ms). */
  at: number;
}

/** The hits of one conversation, best first; conversations are ordered by their best hit. */
export interface SearchGroup {
  sessionId: string;
  workspaceId: string;
  workspaceName: string;
  agentKey: string;
  title: string;
  hits: SearchHit[];
}

/** One page of a conversation's export (sessions.export); the file is the pages' content joined. */
export interface SessionExportPage {
  /** A name to save it under, e.g. `fix-the-build-0193ab12.md`. */
  filename: string;
  mimeType: string;
  content: string;
  /** Names the rendered file for the next pages; null when this page is the whole file. */
  exportId: string | null;
  offset: number;
  totalChars: number;
  /** Where the next page starts; null after the last one. */
  nextOffset: number | null;
}
