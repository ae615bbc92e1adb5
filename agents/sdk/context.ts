// The base agent context: what every agent function receives as `ctx`. It turns calls like
// `ctx.message(...)` into protocol messages for the current turn, and blocks on inquiries and
// talk_to requests until the host answers.
import { jsonLength, newId, PROTOCOL_LIMITS, splitText, truncateText, type ActivityKind, type AgentOutgoing, type ChatMessage, type InstanceState, type LogLevel } from '../protocol';
import { LOG_LEVELS } from '../protocol';

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

interface PendingWait {
  resolve(value: { text?: string; suggestionIndex?: number; error?: string }): void;
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
  readonly instanceId: string;
  readonly #environment: AgentEnvironment;
  readonly #emit: (message: AgentOutgoing) => void;
  readonly #setState: (state: InstanceState) => void;
  readonly #history: ChatMessage[];
  readonly #waits = new Map<string, PendingWait>();
  #turn: ActiveTurn | null = null;

  constructor(init: ContextInit) {
    this.instanceId = init.instanceId;
    this.#environment = init.environment;
    this.#emit = init.emit;
    this.#setState = init.setState;
    this.#history = [...init.history];
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

  /** Asks the user (or a supervisor) a question and waits for the answer. */
  async inquire(markdown: string, suggestions: string[], files: string[] = []): Promise<InquiryAnswer> {
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
    this.activity('inquiry.request', { inquiryId, markdown, suggestions, files }, { id: inquiryId });
    const answer = await this.#wait(inquiryId, 'waiting_for_inquiry', () =>
      this.#send({ type: 'inquiry.request', inquiryId, markdown, suggestions, files }),
    );
    if (answer.error) throw new Error(`The inquiry failed: ${answer.error}`);
    const text = answer.text ?? (answer.suggestionIndex !== undefined ? suggestions[answer.suggestionIndex] : '');
    this.activity('inquiry.response', { inquiryId, text, suggestionIndex: answer.suggestionIndex ?? null });
    return { text: text ?? '', suggestionIndex: answer.suggestionIndex };
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
  }

  /** @internal Routes an inquiry or talk_to answer to the wait that asked for it. */
  settleWait(id: string, value: { text?: string; suggestionIndex?: number; error?: string }): boolean {
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
  ): Promise<{ text?: string; suggestionIndex?: number; error?: string }> {
    const turn = this.#turn;
    if (!turn || turn.controller.signal.aborted) return Promise.reject(new TurnInterruptedError());
    const pending = new Promise<{ text?: string; suggestionIndex?: number; error?: string }>((resolve, reject) => {
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
