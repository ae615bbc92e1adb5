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
  | { type: 'state'; state: SessionState };

export interface LogEntry {
  id: number;
  workspaceId: string | null;
  sessionId: string | null;
  agentKey: string | null;
  level: LogLevel;
  source: 'agent' | 'host' | 'stdout' | 'stderr' | 'tasks';
  message: string;
  createdAt: number;
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

/** A model's price in USD per million tokens, from the UTC day `validFrom` (YYYY-MM-DD) on. */
export interface ModelPrice {
  model: string;
  validFrom: string;
  inputPerMTok: number;
  cachedInputPerMTok: number;
  outputPerMTok: number;
  updatedAt: number;
}

export interface InquirySummary {
  id: string;
  workspaceId: string;
  sessionId: string;
  agentKey: string;
  markdown: string;
  suggestions: string[];
  files: string[];
  status: 'pending' | 'answered' | 'cancelled';
  responseText: string | null;
  createdAt: number;
  answeredAt: number | null;
}

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
