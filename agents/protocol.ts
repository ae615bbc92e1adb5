// The agent ⇄ host protocol. One agent process serves one agent key of one run and hosts many
// instances (conversations). Both sides validate every message with these schemas; an unknown or
// malformed message is reported, never trusted.
import * as z from 'zod';

export const INSTANCE_STATES = ['idle', 'generating', 'waiting_for_agent', 'waiting_for_inquiry'] as const;
export const instanceStateSchema = z.enum(INSTANCE_STATES);
export type InstanceState = z.infer<typeof instanceStateSchema>;

/**
 * Size bounds of the protocol, in string length (UTF-16 code units). An agent is untrusted code: a
 * message over a bound is refused whole, so nothing oversized reaches the store. The SDK keeps
 * legitimate output inside them (it splits long text into deltas and shortens logs and records).
 */
export const PROTOCOL_LIMITS = {
  /** Message, activity, turn, request and inquiry ids (a UUIDv7 is 36). */
  id: 200,
  /** Agent keys, peer names, model names, the SDK version. */
  name: 200,
  /** One message's content or delta, a talk_to text or reply: the host's own input limit. */
  text: 1_000_000,
  /** One activity's `data`, serialized as JSON. */
  activityData: 1_000_000,
  /** What one streamed message or activity may grow to over all its deltas; the rest is cut. */
  streamed: 8_000_000,
  markdown: 100_000,
  suggestion: 2_000,
  files: 100,
  path: 4_096,
  /** A log line, or the error of a failed turn or wait. */
  log: 32_000,
  /** The longest an inquiry may wait before it expires (a year). */
  inquiryTimeoutHours: 24 * 366,
  /** Token counts of one usage report. */
  tokens: 1e12,
} as const;

/** `text` shortened to at most `max` characters, saying how much was left out. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = (left: number) => `… [${left} more characters cut: over the ${max}-character limit]`;
  // The note's length depends on the count it names; the first estimate is long enough.
  const keep = Math.max(0, max - note(text.length).length);
  return text.slice(0, endOfWholeChar(text, keep)) + note(text.length - keep);
}

/** `text` in pieces of at most `max` characters, never splitting a surrogate pair. */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (text.length - start > max) {
    const end = endOfWholeChar(text, start + max);
    pieces.push(text.slice(start, end));
    start = end;
  }
  pieces.push(text.slice(start));
  return pieces;
}

/** `index`, or one less when it would cut a surrogate pair in two. */
function endOfWholeChar(text: string, index: number): number {
  const code = text.charCodeAt(index - 1);
  return index > 0 && index < text.length && code >= 0xd800 && code <= 0xdbff ? index - 1 : index;
}

/** JSON length of a value, or null when it is not JSON (cyclic, a BigInt, too deep). */
export function jsonLength(value: unknown): number | null {
  try {
    return JSON.stringify(value)?.length ?? null;
  } catch {
    return null;
  }
}

const id = z.string().min(1).max(PROTOCOL_LIMITS.id);
const name = z.string().max(PROTOCOL_LIMITS.name);
const text = z.string().max(PROTOCOL_LIMITS.text);
const logText = z.string().max(PROTOCOL_LIMITS.log);
const tokens = z.number().int().nonnegative().max(PROTOCOL_LIMITS.tokens);

export const INQUIRY_PRIORITIES = ['normal', 'high', 'urgent'] as const;
export const inquiryPrioritySchema = z.enum(INQUIRY_PRIORITIES);
export type InquiryPriority = z.infer<typeof inquiryPrioritySchema>;

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

// History replayed on spawn is the host's own store, not bounded here: a long stored reply must replay.
const instanceSpawn = z.object({
  type: z.literal('instance.spawn'),
  instanceId: id,
  history: z.array(chatMessageSchema).optional(),
});
/** Rewinds an instance's conversation to `history` (the host's, after a retry, regenerate or edit) before its next input. */
const instanceReset = z.object({
  type: z.literal('instance.reset'),
  instanceId: id,
  history: z.array(chatMessageSchema),
});
/** An inquiry of a subordinate agent handed to its supervisor (see electron/host/inquiry-router.ts). */
export const forwardedInquirySchema = z.object({
  inquiryId: id,
  /** The agent key of the agent that asked. */
  fromAgent: name,
  markdown: z.string().max(PROTOCOL_LIMITS.markdown),
  suggestions: z.array(z.string().max(PROTOCOL_LIMITS.suggestion)).max(4),
  files: z.array(z.string().max(PROTOCOL_LIMITS.path)).max(PROTOCOL_LIMITS.files),
});
export type ForwardedInquiry = z.infer<typeof forwardedInquirySchema>;

/**
 * What a supervisor reads for a subordinate's inquiry: as its next input when idle (the host), or from
 * receive_incoming_inquiry after an interrupted wait (the SDK). One text, so both say the same.
 */
export function describeForwardedInquiry(inquiry: ForwardedInquiry, replyTool: string, escalateTool: string): string {
  const suggestions = inquiry.suggestions.map((suggestion, index) => `${index + 1}. ${suggestion}${index === 0 ? ' (recommended)' : ''}`);
  return [
    `[INQUIRY FROM SUBORDINATE AGENT '${inquiry.fromAgent}']`,
    '',
    inquiry.markdown,
    '',
    ...(suggestions.length ? ['Suggestions:', ...suggestions, ''] : []),
    ...(inquiry.files.length ? ['Files:', ...inquiry.files.map((file) => `- ${file}`), ''] : []),
    `'${inquiry.fromAgent}' is waiting for your decision. Answer it with \`${replyTool}\` (a suggestion's text or your own ` +
      `instruction). If you cannot decide it yourself, ask whoever oversees you with \`${escalateTool}\` first, then pass ` +
      `that answer on with \`${replyTool}\`.`,
  ].join('\n');
}
const input = z.object({
  type: z.literal('input'),
  instanceId: id,
  turnId: id,
  content: text,
  /** The agent key of the peer that sent this, absent for the user. */
  sender: name.optional(),
  /** This input is a subordinate's inquiry for this agent to answer with reply_to_inquiry. */
  inquiry: forwardedInquirySchema.optional(),
});
const talkToResponse = z.object({
  type: z.literal('talk_to.response'),
  instanceId: id,
  requestId: id,
  /** The peer's reply: the host shortens it to the text bound. */
  response: text.optional(),
  error: logText.optional(),
});
const inquiryResponse = z.object({
  type: z.literal('inquiry.response'),
  instanceId: id,
  inquiryId: id,
  text: text.optional(),
  suggestionIndex: z.number().int().nonnegative().optional(),
  error: logText.optional(),
  /** Nobody answered before the inquiry's timeout: `text` says so. */
  expired: z.boolean().optional(),
  /** The agent key of the supervisor agent that answered; absent: the user. */
  answeredBy: name.optional(),
});
/** The host's decision on a tool call that needs approval: only the host sends it (the user, or a standing rule). */
const approvalResponse = z.object({
  type: z.literal('approval.response'),
  instanceId: id,
  approvalId: id,
  decision: z.enum(['approve', 'reject']),
  /** For a rejection: what the model is told instead of the tool's result. */
  message: logText.optional(),
  /** The approval could not be asked (the tool call is rejected). */
  error: logText.optional(),
});
/** A subordinate's inquiry that interrupts the wait this instance is blocked in (talk_to or its own inquiry). */
const inquiryForward = z.object({ type: z.literal('inquiry.forward'), instanceId: id, inquiry: forwardedInquirySchema });
/** The host's verdict on an `inquiry.reply`: absent error, the asking agent got the answer. */
const inquiryReplyResult = z.object({ type: z.literal('inquiry.reply.result'), instanceId: id, inquiryId: id, error: logText.optional() });
const signalInterrupt = z.object({ type: z.literal('signal.interrupt'), instanceId: id });
const signalTerminate = z.object({
  type: z.literal('signal.terminate'),
  /** Absent: the whole process shuts down. */
  instanceId: id.optional(),
});

export const hostToAgentSchema = z.discriminatedUnion('type', [
  instanceSpawn,
  instanceReset,
  input,
  talkToResponse,
  inquiryResponse,
  approvalResponse,
  inquiryForward,
  inquiryReplyResult,
  signalInterrupt,
  signalTerminate,
]);
export type HostToAgent = z.infer<typeof hostToAgentSchema>;

// ── agent → host ────────────────────────────────────────────────────────────────────────────────

/** Every agent message carries these. Process-level messages (`ready`, a log outside any turn) use null. */
const envelope = {
  instanceId: id.nullable(),
  turnId: id.nullable(),
  /** Per process, +1 for each message from 1; the host refuses a repeat or a jump. */
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

const ready = z.object({
  type: z.literal('ready'),
  ...envelope,
  sdkVersion: name,
  /** The agent's context takes its subordinates' inquiries (reply_to_inquiry …); absent: it does not. */
  handlesInquiries: z.boolean().optional(),
});
/** Sent by the runtime while a turn runs, so the host can tell a slow turn from a stuck process. */
const heartbeat = z.object({ type: z.literal('heartbeat'), ...envelope });
const state = z.object({ type: z.literal('state'), ...envelope, state: instanceStateSchema });
const message = z.object({
  type: z.literal('message'),
  ...envelope,
  /** Stable for one text segment: deltas with the same id append to one message. */
  messageId: id,
  role: z.enum(['assistant', 'user']),
  content: text,
  isDelta: z.boolean(),
});
const activity = z.object({
  type: z.literal('activity'),
  ...envelope,
  activityId: id,
  kind: activityKindSchema,
  /** Non-delta: replaces the activity's data. Delta: `data.text` is appended to the stored text. */
  data: z.record(z.string(), z.unknown()).superRefine((data, ctx) => {
    const length = jsonLength(data);
    if (length === null) ctx.addIssue({ code: 'custom', message: 'must be JSON data' });
    else if (length > PROTOCOL_LIMITS.activityData) {
      ctx.addIssue({ code: 'custom', message: `is ${length} characters as JSON, over the limit of ${PROTOCOL_LIMITS.activityData}` });
    }
  }),
  isDelta: z.boolean(),
});
const usage = z.object({
  type: z.literal('usage'),
  ...envelope,
  model: name,
  requests: tokens,
  inputTokens: tokens,
  cachedInputTokens: tokens,
  outputTokens: tokens,
  reasoningTokens: tokens,
});
const log = z.object({ type: z.literal('log'), ...envelope, level: logLevelSchema, message: logText });
const talkToRequest = z.object({
  type: z.literal('talk_to.request'),
  ...envelope,
  requestId: id,
  peer: name.min(1),
  text,
  continueConversation: z.boolean(),
});
const inquiryRequest = z.object({
  type: z.literal('inquiry.request'),
  ...envelope,
  inquiryId: id,
  markdown: z.string().max(PROTOCOL_LIMITS.markdown),
  suggestions: z.array(z.string().max(PROTOCOL_LIMITS.suggestion)).min(2).max(4),
  files: z.array(z.string().max(PROTOCOL_LIMITS.path)).max(PROTOCOL_LIMITS.files),
  /** `high` and `urgent` notify the user; absent: normal. */
  priority: inquiryPrioritySchema.optional(),
  /** After this many hours unanswered the host answers "no answer"; absent: it waits until answered. */
  timeoutHours: z.number().positive().max(PROTOCOL_LIMITS.inquiryTimeoutHours).optional(),
});
/** A tool call that needs approval (`needsApproval`): the run pauses until the host sends `approval.response`. */
const approvalRequest = z.object({
  type: z.literal('approval.request'),
  ...envelope,
  approvalId: id,
  /** The model's id of the tool call. */
  callId: id,
  tool: name.min(1),
  /** The tool call's arguments, as the model wrote them (JSON text). */
  arguments: z.string().max(PROTOCOL_LIMITS.markdown),
});
/** A supervisor's answer to a subordinate's inquiry it was given (`reply_to_inquiry`). */
const inquiryReply = z.object({
  type: z.literal('inquiry.reply'),
  ...envelope,
  inquiryId: id,
  text,
  suggestionIndex: z.number().int().nonnegative().optional(),
});
/** The instance was not blocked in an interruptible wait when `inquiry.forward` arrived: the host routes it on. */
const inquiryForwardDeclined = z.object({ type: z.literal('inquiry.forward.declined'), ...envelope, inquiryId: id });
const turnDone = z.object({
  type: z.literal('turn.done'),
  ...envelope,
  status: z.enum(['completed', 'interrupted', 'failed']),
  error: logText.optional(),
});

export const agentToHostSchema = z.discriminatedUnion('type', [
  ready,
  heartbeat,
  state,
  message,
  activity,
  usage,
  log,
  talkToRequest,
  inquiryRequest,
  approvalRequest,
  inquiryReply,
  inquiryForwardDeclined,
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
  /** How often (ms) the runtime sends `heartbeat` while a turn runs; set by the host. */
  heartbeatMs: 'DSPATCH_HEARTBEAT_MS',
  /** Prefix of template fields: DSPATCH_FIELD_SYSTEM_PROMPT etc. (plain text, not base64). */
  fieldPrefix: 'DSPATCH_FIELD_',
  /** The model the workspace chose for the agent (`model:`); a model the agent code sets wins. */
  model: 'DSPATCH_MODEL',
  /** `chat` or `responses`: the API style of the agent's provider (`provider:`). */
  openaiApi: 'DSPATCH_OPENAI_API',
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

// ── provider hints: the same words in a turn's error (agents/sdk/errors.ts) and in providers.test ──

/** `baseUrl` + `/path`, without a doubled slash. */
export function providerEndpoint(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/**
 * Nothing answered at `url`. `code`: the system error (ECONNREFUSED, ENOTFOUND, …), when known;
 * `retried`: how often the client tried again (' after 2 retries'), or ''.
 */
export function unreachableHint(url: string, code?: string, retried = ''): string {
  const why =
    code === 'ECONNREFUSED'
      ? 'the connection was refused'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'its host name was not found'
        : code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'TimeoutError'
          ? 'it did not answer in time'
          : 'it could not be reached';
  return `Could not connect to ${url}${retried}: ${why}. Check that the server is running and that the provider's base URL is right.`;
}

/** A 404 from `{baseUrl}/responses`: the server speaks Chat Completions only (Ollama, vLLM, LM Studio, …). */
export function noResponsesApiHint(url: string): string {
  return `${url} answered 404: the server has no Responses API. If it serves Chat Completions (as Ollama, vLLM and LM Studio do), set the provider's API style to "chat" (api: chat).`;
}
