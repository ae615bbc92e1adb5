// The one write path: agent output → SQLite → events. Output is queued as it arrives and written
// once per tick in a single transaction; runs of text deltas to the same entry are coalesced into
// one appended chunk (folded into the entry at turn end, so a tick costs the same however long the
// message grows) and one `append` event. Every event carries the session's next seq (kept in the
// sessions table, so it stays monotonic across restarts), and a client that loaded a snapshot at
// seq N applies exactly the events after N. Agents are untrusted: an agent writes only the entries
// it created in its own session's open turn, and every text is redacted before it is stored or sent.
import { newId, type LogLevel } from '../../agents/protocol';
import type { HostEvent } from '../api/contract';
import type { LifecycleEvent, LogEntry, MessageStatus, SessionChange, SessionState, TimelineEntry } from '../api/types';
import type { Redactor } from './redactor';
import type { Store } from '../store/store';
import { withTurnUsage } from '../store/turn-usage';

/**
 * The longest output waits before it is written. Output after a quiet spell is written on the next
 * timer turn (with whatever else arrived meanwhile); under a steady stream, every BATCH_MS at most,
 * so the transactions per second stay bounded however many deltas arrive.
 */
export const BATCH_MS = 5;

/**
 * Seqs are reserved in the sessions table this many at a time, so a tick stores none of them, and a
 * host started after a crash continues above every seq the one before could have handed out.
 */
const SEQ_RESERVATION = 1000;

export interface SessionRef {
  sessionId: string;
  workspaceId: string;
  agentKey: string;
  runId: string | null;
}

type Op =
  | { kind: 'text'; ref: SessionRef; turnId: string | null; messageId: string; role: 'assistant' | 'user'; text: string; isDelta: boolean }
  | { kind: 'activity'; ref: SessionRef; turnId: string | null; activityId: string; activityKind: string; data: Record<string, unknown>; isDelta: boolean }
  | { kind: 'usage'; ref: SessionRef; turnId: string | null; model: string; requests: number; inputTokens: number; cachedInputTokens: number; outputTokens: number; reasoningTokens: number }
  | { kind: 'log'; entry: Omit<LogEntry, 'id'> }
  | { kind: 'state'; ref: SessionRef; state: SessionState }
  | { kind: 'turn.done'; ref: SessionRef; turnId: string; status: MessageStatus };

type Change = { sessionId: string; change: SessionChange };

export class SessionWriter {
  readonly #queue: Op[] = [];
  /** The last seq published per session, loaded from the store on first use. */
  readonly #seq = new Map<string, number>();
  /** The highest seq reserved in the store per session; #seq never passes it without storing a new one. */
  readonly #reservedSeq = new Map<string, number>();
  /** Entries (messages and activities) the agent created in a session's open turn: the only ones it may change. */
  readonly #openEntries = new Map<string, Set<string>>();
  /** Coalesced deltas not yet written, by message or activity id, in arrival order. */
  readonly #pendingAppends = new Map<string, { sessionId: string; text: string }>();
  /** Streamed text held back because it could still become a secret, by entry id. */
  readonly #held = new Map<string, { sessionId: string; text: string }>();
  #timer: NodeJS.Timeout | null = null;
  /** When the last transaction of queued output started (performance.now()). */
  #lastWrite = -Infinity;
  #closed = false;

  constructor(
    private readonly store: Store,
    private readonly redactor: Redactor,
    private readonly emit: (event: HostEvent) => void,
  ) {}

  /** The seq of the last event emitted for a session; a snapshot taken now reflects all of them. */
  seqOf(sessionId: string): number {
    let seq = this.#seq.get(sessionId);
    if (seq === undefined) {
      seq = this.store.sessions.eventSeq(sessionId);
      this.#seq.set(sessionId, seq);
      this.#reservedSeq.set(sessionId, seq);
    }
    return seq;
  }

  /**
   * Writes a message that does not come from the session's agent (the user's input, a peer's
   * talk_to) at once, after everything queued, and publishes it.
   */
  writeMessage(message: { sessionId: string; turnId: string; role: 'user'; text: string; sender: string | null }): TimelineEntry | undefined {
    this.flush();
    const id = newId();
    this.store.sessions.insertMessage({
      ...message,
      id,
      text: this.redactor.redact(message.text),
      status: 'done',
      position: this.store.sessions.nextPosition(message.sessionId),
      now: Date.now(),
    });
    const entry = this.store.sessions.getMessage(id);
    if (entry) this.publish(message.sessionId, { type: 'entry', entry });
    return entry;
  }

  text(ref: SessionRef, turnId: string | null, messageId: string, role: 'assistant' | 'user', text: string, isDelta: boolean): void {
    this.#push({ kind: 'text', ref, turnId, messageId, role, text, isDelta });
  }

  activity(ref: SessionRef, turnId: string | null, activityId: string, activityKind: string, data: Record<string, unknown>, isDelta: boolean): void {
    this.#push({ kind: 'activity', ref, turnId, activityId, activityKind, data, isDelta });
  }

  usage(ref: SessionRef, usage: Omit<Extract<Op, { kind: 'usage' }>, 'kind' | 'ref'>): void {
    this.#push({ kind: 'usage', ref, ...usage });
  }

  log(entry: { workspaceId: string | null; sessionId: string | null; agentKey: string | null; level: LogLevel; source: LogEntry['source']; message: string; event?: LifecycleEvent }): void {
    this.#push({ kind: 'log', entry: { ...entry, createdAt: Date.now() } });
  }

  state(ref: SessionRef, state: SessionState): void {
    this.#push({ kind: 'state', ref, state });
  }

  turnDone(ref: SessionRef, turnId: string, status: MessageStatus): void {
    this.#push({ kind: 'turn.done', ref, turnId, status });
  }

  /** Emits a change that the caller has already written, under the session's next seq. */
  publish(sessionId: string, change: SessionChange): void {
    if (change.type === 'state' && (change.state === 'crashed' || change.state === 'stopped')) this.#endTurn(sessionId, 'drop');
    const seq = this.#nextSeq(sessionId);
    // The host's emit redacts every event; redacting here too would walk each change twice.
    this.emit({ type: 'session.event', sessionId, seq, change });
  }

  /** Writes everything queued now. Called by the tick, and before anything reads the store. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#queue.length === 0) return;
    this.#lastWrite = performance.now();
    const ops = this.#queue.splice(0);
    const changes: Change[] = [];
    const logs: LogEntry[] = [];
    const failures: { op: Op; problem: string }[] = [];
    const events = this.store.transaction(() => {
      const now = Date.now();
      for (const op of ops) {
        // One bad op must not roll back the tick: everything else in it was acknowledged too.
        try {
          this.#apply(op, now, changes, logs);
        } catch (error) {
          failures.push({ op, problem: error instanceof Error ? error.message : String(error) });
        }
      }
      this.#applyAppends(changes);
      return changes.map(({ sessionId, change }) => ({ sessionId, seq: this.#nextSeq(sessionId), change }));
    });
    // Written now, not queued: a flush must leave nothing behind (close() relies on it).
    for (const { op, problem } of failures) {
      const ref = 'ref' in op ? op.ref : null;
      const message = this.redactor.redact(`Could not store agent output (${op.kind}): ${problem}`);
      const entry = { workspaceId: ref?.workspaceId ?? null, sessionId: ref?.sessionId ?? null, agentKey: ref?.agentKey ?? null, level: 'error' as const, source: 'host' as const, message, createdAt: Date.now() };
      try {
        logs.push(this.store.logs.insert(entry));
      } catch {
        // Its session or workspace is gone (the usual reason the op failed): log it unattached.
        logs.push(this.store.logs.insert({ ...entry, workspaceId: null, sessionId: null }));
      }
    }
    for (const { sessionId, seq, change } of events) {
      this.emit({ type: 'session.event', sessionId, seq, change });
      if (change.type === 'state') {
        const session = this.store.sessions.getSession(sessionId);
        if (session) this.emit({ type: 'session.updated', session });
      }
    }
    for (const entry of logs) this.emit({ type: 'log.appended', entry });
  }

  close(): void {
    this.flush();
    this.#closed = true;
    // A clean stop stores the seqs handed out, not the reservations: the next host continues each
    // session's numbering without a gap, so a client's snapshot from before the restart still fits.
    this.store.transaction(() => {
      for (const [sessionId, seq] of this.#seq) {
        if (seq === this.#reservedSeq.get(sessionId)) continue;
        this.store.sessions.releaseEventSeqs(sessionId, seq);
        this.#reservedSeq.set(sessionId, seq);
      }
    });
  }

  #push(op: Op): void {
    if (this.#closed) return;
    this.#queue.push(op);
    this.#timer ??= setTimeout(() => this.flush(), this.#lastWrite + BATCH_MS - performance.now());
  }

  /** The next seq of a session; past the reservation, the next one is stored first. */
  #nextSeq(sessionId: string): number {
    const seq = this.seqOf(sessionId) + 1;
    this.#seq.set(sessionId, seq);
    if (seq > this.#reservedSeq.get(sessionId)!) {
      const reserved = seq + SEQ_RESERVATION - 1;
      this.store.sessions.setEventSeq(sessionId, reserved);
      this.#reservedSeq.set(sessionId, reserved);
    }
    return seq;
  }

  #apply(op: Op, now: number, changes: Change[], logs: LogEntry[]): void {
    const sessions = this.store.sessions;
    switch (op.kind) {
      case 'text': {
        const sessionId = op.ref.sessionId;
        const open = this.#openEntriesOf(sessionId);
        const exists = open.has(op.messageId);
        if (!exists) this.#refuseForeign(op.messageId, sessions.getMessage(op.messageId) ?? sessions.getActivity(op.messageId));
        if (!op.isDelta) this.#held.delete(op.messageId);
        const text = op.isDelta ? this.#redactPiece(op.messageId, sessionId, op.text) : this.redactor.redact(op.text);
        if (exists && op.isDelta) return this.#queueAppend(op.messageId, sessionId, text);
        this.#applyAppends(changes);
        if (exists) {
          sessions.setMessageText(op.messageId, text, now);
        } else {
          sessions.insertMessage({
            id: op.messageId,
            sessionId,
            turnId: op.turnId,
            role: op.role,
            text,
            sender: null,
            status: op.isDelta ? 'streaming' : 'done',
            position: sessions.nextPosition(sessionId),
            now,
          });
          open.add(op.messageId);
        }
        pushEntry(changes, sessions.getMessage(op.messageId));
        return;
      }
      case 'activity': {
        const sessionId = op.ref.sessionId;
        const open = this.#openEntriesOf(sessionId);
        const exists = open.has(op.activityId);
        if (!exists) this.#refuseForeign(op.activityId, sessions.getActivity(op.activityId) ?? sessions.getMessage(op.activityId));
        if (op.isDelta && exists) {
          const piece = typeof op.data.text === 'string' ? op.data.text : '';
          return this.#queueAppend(op.activityId, sessionId, this.#redactPiece(op.activityId, sessionId, piece));
        }
        // A new or replaced activity: its `text` may be the start of a stream of deltas.
        this.#held.delete(op.activityId);
        const data = this.redactor.redactDeep(op.data);
        if (typeof op.data.text === 'string') data.text = this.#redactPiece(op.activityId, sessionId, op.data.text);
        this.#applyAppends(changes);
        if (exists) {
          sessions.setActivityData(op.activityId, data, now);
        } else {
          sessions.insertActivity({ id: op.activityId, sessionId, turnId: op.turnId, kind: op.activityKind, data, position: sessions.nextPosition(sessionId), now });
          open.add(op.activityId);
          this.#recordToolMessage(op, data, now);
        }
        pushEntry(changes, sessions.getActivity(op.activityId));
        return;
      }
      case 'usage':
        this.store.usage.insert({
          id: newId(),
          workspaceId: op.ref.workspaceId,
          sessionId: op.ref.sessionId,
          runId: op.ref.runId,
          turnId: op.turnId,
          agentKey: op.ref.agentKey,
          source: 'agent',
          model: this.redactor.redact(op.model),
          requests: op.requests,
          inputTokens: op.inputTokens,
          cachedInputTokens: op.cachedInputTokens,
          outputTokens: op.outputTokens,
          reasoningTokens: op.reasoningTokens,
          createdAt: now,
        });
        return;
      case 'log':
        logs.push(this.store.logs.insert({ ...op.entry, message: this.redactor.redact(op.entry.message) }));
        return;
      case 'state':
        this.#applyAppends(changes);
        sessions.setState(op.ref.sessionId, op.state, now);
        changes.push({ sessionId: op.ref.sessionId, change: { type: 'state', state: op.state } });
        return;
      case 'turn.done': {
        this.#endTurn(op.ref.sessionId, 'release');
        this.#applyAppends(changes);
        const closed = sessions.finishTurnMessages(op.ref.sessionId, op.turnId, op.status, now);
        // The turn's last reply is sent again, now with the turn's usage and duration.
        const last = sessions.turnEnds(op.ref.sessionId, [op.turnId]).get(op.turnId)?.lastAssistantId;
        const ids = last && !closed.includes(last) ? [...closed, last] : closed;
        const entries = ids.flatMap((id) => sessions.getMessage(id) ?? []);
        for (const entry of withTurnUsage(this.store, op.ref.sessionId, entries)) pushEntry(changes, entry);
        return;
      }
    }
  }

  /** An id the agent did not create in this turn — another session's, the user's, a finished one — is not its to write. */
  #refuseForeign(id: string, existing: TimelineEntry | undefined): void {
    if (existing) throw new Error(`the id ${id} belongs to an entry the agent did not create in this turn; refused`);
  }

  /** Redacts a streamed piece of an entry's text, holding back what could still become a secret. */
  #redactPiece(id: string, sessionId: string, piece: string): string {
    const { text, held } = this.redactor.redactPiece(this.#held.get(id)?.text ?? '', piece);
    if (held) this.#held.set(id, { sessionId, text: held });
    else this.#held.delete(id);
    return text;
  }

  /**
   * A turn ended: its entries close to the agent, and text held back for redaction is released
   * (at a normal end) or dropped (the process died: it never reached a client either).
   */
  #endTurn(sessionId: string, held: 'release' | 'drop'): void {
    for (const [id, entry] of this.#held) {
      if (entry.sessionId !== sessionId) continue;
      this.#held.delete(id);
      if (held === 'release') this.#queueAppend(id, sessionId, this.redactor.release(entry.text));
    }
    this.#openEntries.delete(sessionId);
  }

  /**
   * Tool calls and results are also kept as OpenAI-format messages, so the conversation replays
   * whole, and as one row per call for the Tools view.
   */
  #recordToolMessage(op: Extract<Op, { kind: 'activity' }>, data: Record<string, unknown>, now: number): void {
    const callId = typeof data.callId === 'string' ? data.callId : null;
    if (!callId) return;
    const { sessionId, workspaceId, agentKey } = op.ref;
    const base = { sessionId, turnId: op.turnId, sender: null, status: 'done' as const, now };
    if (op.activityKind === 'tool_call') {
      const name = typeof data.tool === 'string' ? data.tool : 'tool';
      const args = typeof data.arguments === 'string' ? data.arguments : JSON.stringify(data.arguments ?? {});
      this.store.sessions.insertMessage({
        ...base,
        id: newId(),
        role: 'assistant',
        text: '',
        toolCalls: [{ id: callId, type: 'function', function: { name, arguments: args } }],
        position: this.store.sessions.nextPosition(sessionId),
      });
      this.store.toolCalls.start({ sessionId, callId, workspaceId, agentKey, tool: name, arguments: args, activityId: op.activityId, at: now });
    } else if (op.activityKind === 'tool_result') {
      const output = typeof data.output === 'string' ? data.output : JSON.stringify(data.output ?? null);
      this.store.sessions.insertMessage({ ...base, id: newId(), role: 'tool', text: output, toolCallId: callId, position: this.store.sessions.nextPosition(sessionId) });
      const isError = data.isError === true || typeof data.error === 'string';
      this.store.toolCalls.end({ sessionId, callId, result: typeof data.error === 'string' ? data.error : output, isError, activityId: op.activityId, at: now });
    }
  }

  #queueAppend(id: string, sessionId: string, text: string): void {
    if (!text) return;
    const pending = this.#pendingAppends.get(id);
    if (pending) pending.text += text;
    else this.#pendingAppends.set(id, { sessionId, text });
  }

  #applyAppends(changes: Change[]): void {
    for (const [id, { sessionId, text }] of this.#pendingAppends) {
      this.store.sessions.appendChunk(sessionId, id, text);
      changes.push({ sessionId, change: { type: 'append', entryId: id, text } });
    }
    this.#pendingAppends.clear();
  }

  #openEntriesOf(sessionId: string): Set<string> {
    let open = this.#openEntries.get(sessionId);
    if (!open) this.#openEntries.set(sessionId, (open = new Set()));
    return open;
  }
}

function pushEntry(changes: Change[], entry: TimelineEntry | undefined): void {
  if (entry) changes.push({ sessionId: entry.sessionId, change: { type: 'entry', entry } });
}
