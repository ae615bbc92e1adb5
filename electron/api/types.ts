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
  source: 'agent' | 'host' | 'stdout' | 'stderr';
  message: string;
  createdAt: number;
}

export interface UsageRecord {
  id: string;
  sessionId: string | null;
  agentKey: string;
  model: string;
  requests: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  createdAt: number;
}

export interface UsageSummaryRow {
  model: string;
  requests: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
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

export interface ApiKeySummary {
  name: string;
  hint: string | null;
  createdAt: number;
}

export type { ChatMessage };
