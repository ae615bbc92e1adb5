// The base agent context: what every agent function receives as `ctx`. It turns calls like
// `ctx.message(...)` into protocol messages for the current turn, and blocks on inquiries and
// talk_to requests until the host answers.
import { jsonLength, newId, PROTOCOL_LIMITS, splitText, truncateText, type ActivityKind, type AgentOutgoing, type ChatMessage, type InstanceState, type LogLevel } from '../protocol';
import { INQUIRY_PRIORITIES, LOG_LEVELS, type InquiryPriority } from '../protocol';
import { InquiryDesk, type IncomingInquiry, type ReplyOutcome, type WaitOutcome } from './inquiry-desk';

/** What the process knows about its agent, from the env the host set. */
export interface AgentEnvironment {
  agentKey: string;
  workspaceDir: string;
  /** Agent keys this agent may talk to. */
  peers: string[];
  /** Template fields, keyed by lower-case name: system_prompt, authority, … */
  fields: Record<string, string>;
}

export interface InquiryAnswer {
  text: string;
  /** Set when the user picked one of the suggestions. */
  suggestionIndex?: number;
  /** True when nobody answered before `timeoutHours`: `text` says so, and the agent decides alone. */
  expired?: boolean;
  /** The agent key of the supervisor agent that answered; absent: the user did. */
  answeredBy?: string;
}

/** `ctx.inquire(markdown, options)`: d:spatch's `inquire(content, suggestions, file_paths, priority, timeout_hours)`. */
export interface InquiryOptions {
  /** 2–4 instructions to the agent, the recommended one first. */
  suggestions: string[];
  /** Paths of files the reader should look at. */
  files?: string[];
  /** `high` and `urgent` notify the user at once. Default `normal`. */
  priority?: InquiryPriority;
  /** Unanswered after this many hours, the inquiry expires and resolves with `expired: true`. Default: no limit. */
  timeoutHours?: number;
}

export interface UsageReport {
  model: string;
  requests?: number;
  inputTokens: number;
  cachedInputTokens?: number;
  outputTokens: number;
  reasoningTokens?: number;
}

/** Thrown into a pending inquiry or talk_to when the user stops the turn. */
export class TurnInterruptedError extends Error {
  constructor() {
    super('The turn was stopped by the user.');
    this.name = 'TurnInterruptedError';
  }
}

/** What the host answered to an inquiry, a talk_to or an approval request. */
export interface WaitAnswer {
  text?: string;
  suggestionIndex?: number;
  error?: string;
  decision?: 'approve' | 'reject';
  /** With a rejection: what the model is told. */
  message?: string;
  /** An inquiry nobody answered before its timeout: `text` says so. */
  expired?: boolean;
  /** An inquiry answered by a supervisor agent: its key. */
  answeredBy?: string;
}

/** The host's decision on a tool call that needs approval. */
export interface ApprovalDecision {
  approved: boolean;
  /** For a rejection: what the model is told instead of the tool's result. */
  message?: string;
}

interface PendingWait {
  resolve(value: WaitAnswer): void;
  reject(error: Error): void;
}

interface ActiveTurn {
  id: string;
  controller: AbortController;
  closed: boolean;
  failure: string | null;
  emittedMessage: boolean;
  /**
   * Assistant text by message id, in order, kept for history replay: as pieces joined once at the
   * end, because a string grown by `+=` per token stays a chain of one node per token.
   */
  assistantText: Map<string, string[]>;
}

export interface ContextInit {
  instanceId: string;
  environment: AgentEnvironment;
  history: ChatMessage[];
  emit(message: AgentOutgoing): void;
  setState(state: InstanceState): void;
}

export class Context {
  /**
   * Whether agents of this context take the inquiries of their subordinates: as input
   * (`[INQUIRY FROM SUBORDINATE AGENT …]`, answered with `replyToInquiry`) and by interrupting a
   * wait made with `waitInterruptibly`. False here, so the host passes them on to the next
   * supervisor or the user; a subclass that handles them sets it to true (OpenAiAgentContext does).
   */
  static readonly handlesInquiries: boolean = false;
  readonly instanceId: string;
  readonly #environment: AgentEnvironment;
  readonly #emit: (message: AgentOutgoing) => void;
  readonly #setState: (state: InstanceState) => void;
  readonly #history: ChatMessage[];
  readonly #waits = new Map<string, PendingWait>();
  readonly #desk: InquiryDesk;
  #turn: ActiveTurn | null = null;

  constructor(init: ContextInit) {
    this.instanceId = init.instanceId;
    this.#environment = init.environment;
    this.#emit = init.emit;
    this.#setState = init.setState;
    this.#history = [...init.history];
    this.#desk = new InquiryDesk({
      sendReply: (inquiryId, text, suggestionIndex) => this.#send({ type: 'inquiry.reply', inquiryId, text: truncateText(text, PROTOCOL_LIMITS.text), suggestionIndex }),
      setState: (state) => {
        if (this.#turn && !this.#turn.closed) this.#setState(state);
      },
    });
  }

  get agentKey(): string {
    return this.#environment.agentKey;
  }
  get workspaceDir(): string {
    return this.#environment.workspaceDir;
  }
  /** Peers this agent may call with `talkTo`. */
  get availableAgents(): readonly string[] {
    return this.#environment.peers;
  }
  get fields(): Readonly<Record<string, string>> {
    return this.#environment.fields;
  }
  /** The conversation so far, in OpenAI chat format (restored from the store after a restart). */
  get messages(): readonly ChatMessage[] {
    return this.#history;
  }
  get turnId(): string | null {
    return this.#turn && !this.#turn.closed ? this.#turn.id : null;
  }
  /** Aborts when the user stops the current turn. */
  get signal(): AbortSignal {
    return this.#turn && !this.#turn.closed ? this.#turn.controller.signal : AbortSignal.abort();
  }

  log(message: string, level: LogLevel = 'info'): void {
    if (!(LOG_LEVELS as readonly string[]).includes(level)) {
      throw new Error(`Unknown log level "${String(level)}": use one of ${LOG_LEVELS.join(', ')}.`);
    }
    // The seed's `except: ctx.log(f"Error: {e}")` would log again what reportError already logged.
    const failure = this.#turn?.failure;
    if (level === 'error' && failure && String(message).replace(/^(?:\w*Error:\s*)+/, '') === failure) return;
    this.#send({ type: 'log', level, message: truncateText(String(message), PROTOCOL_LIMITS.log) });
  }

  newMessageId(): string {
    return newId();
  }

  /**
   * Sends text to the timeline. Deltas with the same id append to one message. Returns the id.
   * Text over the protocol's per-message bound goes as several deltas of the same message.
   */
  message(content: string, options: { id?: string; isDelta?: boolean; role?: 'assistant' | 'user' } = {}): string {
    const messageId = options.id ?? newId();
    const role = options.role ?? 'assistant';
    const isDelta = options.isDelta ?? false;
    const turn = this.#turn;
    const turnId = this.#openTurnId();
    if (turnId === undefined) return messageId;
    if (turn && role === 'assistant') {
      turn.emittedMessage = true;
      const parts = isDelta ? turn.assistantText.get(messageId) : undefined;
      if (parts) parts.push(content);
      else turn.assistantText.set(messageId, [content]);
    }
    // Called once per token: the message is built whole here, not spread into a copy by #send.
    const pieces = splitText(content, PROTOCOL_LIMITS.text);
    for (let index = 0; index < pieces.length; index++) {
      const message = { type: 'message', instanceId: this.instanceId, turnId, messageId, role, content: pieces[index], isDelta: index > 0 || isDelta } as const;
      this.#emit(message);
    }
    return messageId;
  }

  /**
   * Records a tool call, tool result, reasoning, … Deltas append `data.text`. Returns the id. Data
   * over the protocol's bound (a huge tool result) is recorded with its longest texts shortened.
   */
  activity(kind: ActivityKind, data: Record<string, unknown>, options: { id?: string; isDelta?: boolean } = {}): string {
    const activityId = options.id ?? newId();
    this.#send({ type: 'activity', activityId, kind, data: fitActivityData(data), isDelta: options.isDelta ?? false });
    return activityId;
  }

  usage(report: UsageReport): void {
    this.#send({
      type: 'usage',
      model: truncateText(report.model, PROTOCOL_LIMITS.name),
      requests: report.requests ?? 1,
      inputTokens: report.inputTokens,
      cachedInputTokens: report.cachedInputTokens ?? 0,
      outputTokens: report.outputTokens,
      reasoningTokens: report.reasoningTokens ?? 0,
    });
  }

  /**
   * Marks the current turn as failed with a message the user can act on, and shows it in the
   * timeline. The agent keeps running and takes the next message.
   */
  reportError(message: string): void {
    // A reported error rethrown out of the agent function comes back as "The agent failed: <it>": once is enough.
    const failure = this.#turn?.failure;
    if (failure && message.endsWith(failure)) return;
    this.activity('error', { message });
    this.log(message, 'error');
    // Set after logging it: log() drops error lines that repeat the turn's failure.
    if (this.#turn) this.#turn.failure = message;
  }

  /**
   * Asks the user (or a supervisor) a question and waits for the answer:
   * `inquire(markdown, { suggestions, files?, priority?, timeoutHours? })`, or the short form
   * `inquire(markdown, suggestions, files?)`.
   */
  async inquire(markdown: string, options: InquiryOptions | string[], legacyFiles: string[] = []): Promise<InquiryAnswer> {
    const { suggestions, files = legacyFiles, priority = 'normal', timeoutHours } = Array.isArray(options) ? { suggestions: options } : options;
    if (!INQUIRY_PRIORITIES.includes(priority)) throw new Error(`An inquiry's priority is one of ${INQUIRY_PRIORITIES.join(', ')}, not "${String(priority)}".`);
    if (timeoutHours !== undefined && !(timeoutHours > 0 && timeoutHours <= PROTOCOL_LIMITS.inquiryTimeoutHours)) {
      throw new Error(`An inquiry's timeoutHours is a number of hours above 0 and at most ${PROTOCOL_LIMITS.inquiryTimeoutHours}; it was ${String(timeoutHours)}.`);
    }
    if (suggestions.length < 2 || suggestions.length > 4) {
      throw new Error('An inquiry needs 2 to 4 suggestions, the recommended one first.');
    }
    tooLong('The inquiry text', markdown, PROTOCOL_LIMITS.markdown);
    for (const suggestion of suggestions) tooLong('A suggestion', suggestion, PROTOCOL_LIMITS.suggestion);
    for (const file of files) tooLong('A file path', file, PROTOCOL_LIMITS.path);
    if (files.length > PROTOCOL_LIMITS.files) {
      throw new Error(`An inquiry may name at most ${PROTOCOL_LIMITS.files} files; it named ${files.length}. Name the most relevant ones.`);
    }
    const inquiryId = newId();
    this.activity('inquiry.request', { inquiryId, markdown, suggestions, files, priority, timeoutHours: timeoutHours ?? null }, { id: inquiryId });
    const answer = await this.#wait(inquiryId, 'waiting_for_inquiry', () =>
      this.#send({ type: 'inquiry.request', inquiryId, markdown, suggestions, files, priority, timeoutHours }),
    );
    if (answer.error) throw new Error(`The inquiry failed: ${answer.error}`);
    const text = answer.text ?? (answer.suggestionIndex !== undefined ? suggestions[answer.suggestionIndex] : '');
    if (answer.expired) {
      this.activity('inquiry.response', { inquiryId, text, suggestionIndex: null, expired: true });
      return { text: text ?? '', expired: true };
    }
    this.activity('inquiry.response', { inquiryId, text, suggestionIndex: answer.suggestionIndex ?? null, answeredBy: answer.answeredBy ?? null });
    return { text: text ?? '', suggestionIndex: answer.suggestionIndex, ...(answer.answeredBy ? { answeredBy: answer.answeredBy } : {}) };
  }

  /** Sends `text` to a peer agent and waits for its reply. */
  async talkTo(peer: string, text: string, options: { continue?: boolean } = {}): Promise<string> {
    if (!this.availableAgents.includes(peer) || peer === this.agentKey) {
      throw new Error(`"${peer}" is not a peer of ${this.agentKey}; peers: ${this.availableAgents.join(', ') || 'none'}.`);
    }
    tooLong(`The message to ${peer}`, text, PROTOCOL_LIMITS.text);
    const requestId = newId();
    // As in d:spatch (`continue_conversation=False`): a fresh conversation unless asked to continue.
    const continueConversation = options.continue ?? false;
    this.activity('talk_to.request', { requestId, peer, text, continueConversation }, { id: requestId });
    const answer = await this.#wait(requestId, 'waiting_for_agent', () =>
      this.#send({ type: 'talk_to.request', requestId, peer, text, continueConversation }),
    );
    if (answer.error) throw new Error(`Could not talk to ${peer}: ${answer.error}`);
    this.activity('talk_to.response', { requestId, peer, response: answer.text ?? '' });
    return answer.text ?? '';
  }

  /**
   * @internal Asks the host whether a tool call that needs approval may run, and waits for the
   * decision. Only the host decides (the user, or a standing "always approve" rule of the workspace).
   */
  async requestApproval(tool: string, args: string, callId: string): Promise<ApprovalDecision> {
    const approvalId = newId();
    const answer = await this.#wait(approvalId, 'waiting_for_inquiry', () =>
      this.#send({
        type: 'approval.request',
        approvalId,
        callId: truncateText(callId, PROTOCOL_LIMITS.id),
        tool: truncateText(tool, PROTOCOL_LIMITS.name),
        arguments: truncateText(args, PROTOCOL_LIMITS.markdown),
      }),
    );
    if (answer.decision === 'approve' && !answer.error) return { approved: true };
    return { approved: false, message: answer.message ?? rejectionText(tool, answer.error) };
  }

  // ── a supervisor's side of its subordinates' inquiries (see inquiry-desk.ts) ─────────────────

  /**
   * Awaits a `talkTo` or `inquire` promise unless a subordinate's inquiry interrupts the wait:
   * then `{ interrupted: true, inquiry }` comes back at once and the wait is kept for
   * `continueWaitingForAgentResponse()`. A wait awaited directly is never interrupted (the
   * inquiry then goes past this agent, to its own supervisor or the user).
   */
  waitInterruptibly<T>(promise: Promise<T>, state: 'waiting_for_agent' | 'waiting_for_inquiry' = 'waiting_for_agent'): Promise<WaitOutcome<T>> {
    return this.#desk.waitInterruptibly(promise, state);
  }

  /** The inquiry that interrupted a wait (or the one this turn's input is), or null. */
  receiveIncomingInquiry(): IncomingInquiry | null {
    return this.#desk.receive();
  }

  /** Answers the subordinate's inquiry; the asking agent continues with `text` and learns this agent answered. */
  replyToInquiry(text: string, suggestionIndex?: number): Promise<ReplyOutcome> {
    return this.#desk.reply(text, suggestionIndex);
  }

  /** Goes back to the latest interrupted wait; null when no wait was interrupted. */
  continueWaitingForAgentResponse(): Promise<WaitOutcome<unknown>> | null {
    return this.#desk.continueWaiting();
  }

  /** @internal The desk of forwarded inquiries, for the runtime. */
  get inquiryDesk(): InquiryDesk {
    return this.#desk;
  }

  // ── used by the runtime ─────────────────────────────────────────────────────────────────────

  /** @internal */
  beginTurn(turnId: string, prompt: string, sender: string | undefined): AbortSignal {
    this.#turn = {
      id: turnId,
      controller: new AbortController(),
      closed: false,
      failure: null,
      emittedMessage: false,
      assistantText: new Map(),
    };
    this.#history.push({ role: 'user', content: prompt, ...(sender ? { name: sender } : {}) });
    return this.#turn.controller.signal;
  }

  /**
   * @internal Ends the turn. The closed turn stays current until the next one begins, so anything
   * the agent still emits for it (late deltas of an aborted stream) is dropped.
   */
  endTurn(): { failure: string | null; emittedMessage: boolean } {
    const turn = this.#turn;
    if (!turn || turn.closed) return { failure: null, emittedMessage: false };
    turn.closed = true;
    this.#desk.reset();
    for (const pieces of turn.assistantText.values()) {
      const text = pieces.join('');
      if (text) this.#history.push({ role: 'assistant', content: text });
    }
    turn.assistantText.clear();
    return { failure: turn.failure, emittedMessage: turn.emittedMessage };
  }

  /** @internal Rewinds the conversation to `history` (the host's, after a retry, regenerate or edit). */
  resetHistory(history: readonly ChatMessage[]): void {
    this.#history.splice(0, this.#history.length, ...history);
  }

  /** @internal Stops the running turn: aborts streams and fails pending waits. */
  interrupt(): void {
    this.#turn?.controller.abort();
    for (const wait of this.#waits.values()) wait.reject(new TurnInterruptedError());
    this.#waits.clear();
    this.#desk.reset();
  }

  /** @internal Routes an inquiry or talk_to answer to the wait that asked for it. */
  settleWait(id: string, value: WaitAnswer): boolean {
    const wait = this.#waits.get(id);
    if (!wait) return false;
    this.#waits.delete(id);
    wait.resolve(value);
    return true;
  }

  #wait(
    id: string,
    state: InstanceState,
    send: () => void,
  ): Promise<WaitAnswer> {
    const turn = this.#turn;
    if (!turn || turn.controller.signal.aborted) return Promise.reject(new TurnInterruptedError());
    const pending = new Promise<WaitAnswer>((resolve, reject) => {
      this.#waits.set(id, { resolve, reject });
    });
    this.#setState(state);
    send();
    return pending.finally(() => {
      if (this.#turn === turn && !turn.closed) this.#setState('generating');
    });
  }

  #send(message: DistributiveOmit<AgentOutgoing, 'instanceId' | 'turnId'>): void {
    const turnId = this.#openTurnId();
    if (turnId === undefined) return;
    this.#emit({ ...message, instanceId: this.instanceId, turnId } as AgentOutgoing);
  }

  /** The turn id output carries (null outside a turn); undefined when the turn is closed. */
  #openTurnId(): string | null | undefined {
    const turn = this.#turn;
    // Output of a stopped turn arrives late from aborted streams; the host has closed that turn.
    if (turn?.closed) return undefined;
    return turn?.id ?? null;
  }
}

/** What the model reads when a tool call was not approved. */
function rejectionText(tool: string, error: string | undefined): string {
  return error
    ? `The tool call to ${tool} was not run: its approval could not be asked (${error}).`
    : `The user rejected this call to ${tool}; it was not run. Do not call it again for this; go on without it or ask the user.`;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Refuses text the host would refuse, with a message the model can act on. */
function tooLong(what: string, text: string, max: number): void {
  if (text.length > max) throw new Error(`${what} is ${text.length} characters; the limit is ${max}. Shorten it.`);
}

/**
 * Activity data within the protocol's bound: while it is over, its longest string field is
 * shortened (with a note). Data that is still over, or not JSON, is replaced by a note.
 */
function fitActivityData(data: Record<string, unknown>): Record<string, unknown> {
  const max = PROTOCOL_LIMITS.activityData;
  let length = jsonLength(data);
  if (length !== null && length <= max) return data;
  const fitted = { ...data };
  for (let round = 0; length !== null && length > max && round < 8; round++) {
    const longest = Object.entries(fitted)
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
      .sort((a, b) => b[1].length - a[1].length)[0];
    if (!longest) break;
    // JSON escaping can make a string longer than its length: keep a margin.
    fitted[longest[0]] = truncateText(longest[1], Math.max(0, Math.floor((longest[1].length - (length - max)) * 0.9)));
    length = jsonLength(fitted);
  }
  if (length !== null && length <= max) return fitted;
  return { note: `This record was too large to keep (over ${max} characters as JSON, or not JSON).` };
}
