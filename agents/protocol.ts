// The agent ⇄ host protocol. One agent process serves one agent key of one run and hosts many
// instances (conversations). Both sides validate every message with these schemas; an unknown or
// malformed message is reported, never trusted.
import { z } from 'zod';

export const INSTANCE_STATES = ['idle', 'generating', 'waiting_for_agent', 'waiting_for_inquiry'] as const;
export const instanceStateSchema = z.enum(INSTANCE_STATES);
export type InstanceState = z.infer<typeof instanceStateSchema>;

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export const logLevelSchema = z.enum(LOG_LEVELS);
export type LogLevel = z.infer<typeof logLevelSchema>;

/** A message of the conversation in OpenAI Chat Completions format, as replayed on resume. */
export const chatMessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string().nullable(),
  name: z.string().optional(),
  tool_calls: z
    .array(
      z.object({
        id: z.string(),
        type: z.literal('function'),
        function: z.object({ name: z.string(), arguments: z.string() }),
      }),
    )
    .optional(),
  tool_call_id: z.string().optional(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

// ── host → agent ────────────────────────────────────────────────────────────────────────────────

const instanceSpawn = z.object({
  type: z.literal('instance.spawn'),
  instanceId: z.string().min(1),
  history: z.array(chatMessageSchema).optional(),
});
const input = z.object({
  type: z.literal('input'),
  instanceId: z.string().min(1),
  turnId: z.string().min(1),
  content: z.string(),
  /** The agent key of the peer that sent this, absent for the user. */
  sender: z.string().optional(),
});
const talkToResponse = z.object({
  type: z.literal('talk_to.response'),
  instanceId: z.string().min(1),
  requestId: z.string().min(1),
  response: z.string().optional(),
  error: z.string().optional(),
});
const inquiryResponse = z.object({
  type: z.literal('inquiry.response'),
  instanceId: z.string().min(1),
  inquiryId: z.string().min(1),
  text: z.string().optional(),
  suggestionIndex: z.number().int().nonnegative().optional(),
  error: z.string().optional(),
});
const signalInterrupt = z.object({ type: z.literal('signal.interrupt'), instanceId: z.string().min(1) });
const signalTerminate = z.object({
  type: z.literal('signal.terminate'),
  /** Absent: the whole process shuts down. */
  instanceId: z.string().min(1).optional(),
});

export const hostToAgentSchema = z.discriminatedUnion('type', [
  instanceSpawn,
  input,
  talkToResponse,
  inquiryResponse,
  signalInterrupt,
  signalTerminate,
]);
export type HostToAgent = z.infer<typeof hostToAgentSchema>;

// ── agent → host ────────────────────────────────────────────────────────────────────────────────

/** Every agent message carries these. Process-level messages (`ready`, a log outside any turn) use null. */
const envelope = {
  instanceId: z.string().nullable(),
  turnId: z.string().nullable(),
  /** Per process, strictly increasing from 1. */
  seq: z.number().int().positive(),
};

export const ACTIVITY_KINDS = [
  'tool_call',
  'tool_result',
  'thinking',
  'talk_to.request',
  'talk_to.response',
  'inquiry.request',
  'inquiry.response',
  'error',
] as const;
export const activityKindSchema = z.enum(ACTIVITY_KINDS);
export type ActivityKind = z.infer<typeof activityKindSchema>;

const ready = z.object({ type: z.literal('ready'), ...envelope, sdkVersion: z.string() });
const state = z.object({ type: z.literal('state'), ...envelope, state: instanceStateSchema });
const message = z.object({
  type: z.literal('message'),
  ...envelope,
  /** Stable for one text segment: deltas with the same id append to one message. */
  messageId: z.string().min(1),
  role: z.enum(['assistant', 'user']),
  content: z.string(),
  isDelta: z.boolean(),
});
const activity = z.object({
  type: z.literal('activity'),
  ...envelope,
  activityId: z.string().min(1),
  kind: activityKindSchema,
  /** Non-delta: replaces the activity's data. Delta: `data.text` is appended to the stored text. */
  data: z.record(z.string(), z.unknown()),
  isDelta: z.boolean(),
});
const usage = z.object({
  type: z.literal('usage'),
  ...envelope,
  model: z.string(),
  requests: z.number().int().nonnegative(),
  inputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  reasoningTokens: z.number().int().nonnegative(),
});
const log = z.object({ type: z.literal('log'), ...envelope, level: logLevelSchema, message: z.string() });
const talkToRequest = z.object({
  type: z.literal('talk_to.request'),
  ...envelope,
  requestId: z.string().min(1),
  peer: z.string().min(1),
  text: z.string(),
  continueConversation: z.boolean(),
});
const inquiryRequest = z.object({
  type: z.literal('inquiry.request'),
  ...envelope,
  inquiryId: z.string().min(1),
  markdown: z.string(),
  suggestions: z.array(z.string()).min(2).max(4),
  files: z.array(z.string()),
});
const turnDone = z.object({
  type: z.literal('turn.done'),
  ...envelope,
  status: z.enum(['completed', 'interrupted', 'failed']),
  error: z.string().optional(),
});

export const agentToHostSchema = z.discriminatedUnion('type', [
  ready,
  state,
  message,
  activity,
  usage,
  log,
  talkToRequest,
  inquiryRequest,
  turnDone,
]);
export type AgentToHost = z.infer<typeof agentToHostSchema>;
export type AgentToHostType = AgentToHost['type'];

/** What an agent sends before the runtime stamps the envelope's seq. */
export type AgentOutgoing = AgentToHost extends infer M
  ? M extends AgentToHost
    ? Omit<M, 'seq'>
    : never
  : never;

/** Env names the host sets for every agent process; templates and workspaces may not declare them. */
export const AGENT_ENV = {
  agentKey: 'DSPATCH_AGENT_KEY',
  workspaceDir: 'DSPATCH_WORKSPACE_DIR',
  /** JSON array of peer agent keys this agent may talk to. */
  peers: 'DSPATCH_PEERS',
  /** Prefix of template fields: DSPATCH_FIELD_SYSTEM_PROMPT etc. (plain text, not base64). */
  fieldPrefix: 'DSPATCH_FIELD_',
} as const;

/**
 * A UUIDv7 (RFC 9562): 48-bit millisecond timestamp, then random bits, so ids sort by creation time.
 * Ids of messages, activities, turns, sessions and rows all use it.
 */
export function newId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  const ms = Date.now();
  bytes[0] = Math.floor(ms / 2 ** 40) & 0xff;
  bytes[1] = Math.floor(ms / 2 ** 32) & 0xff;
  bytes[2] = (ms >>> 24) & 0xff;
  bytes[3] = (ms >>> 16) & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
