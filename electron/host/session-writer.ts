// The one write path: agent output → SQLite → events. Output is queued as it arrives and written
// once per tick in a single transaction; runs of text deltas to the same message are coalesced into
// one UPDATE and one `append` event. Every event carries the session's next seq, so a client that
// loaded a snapshot at seq N applies exactly the events after N.
import { newId, type LogLevel } from '../../agents/protocol';
import type { HostEvent } from '../api/contract';
import type { LogEntry, MessageStatus, SessionChange, SessionState, TimelineEntry } from '../api/types';
import type { Redactor } from './redactor';
import type { Store } from '../store/store';

export const TICK_MS = 16;

export interface SessionRef {
  sessionId: string;
  workspaceId: string;
  agentKey: string;
  runId: string | null;
}

type Op =
  | { kind: 'text'; ref: SessionRef; turnId: string | null; messageId: string; role: 'assistant' | 'user'; text: string; isDelta: boolean }
  | { kind: 'activity'; ref: SessionRef; turnId: string | null; activityId: string; activityKind: string; data: Record<string, unknown>; isDelta: boolean }
  | { kind: 'usage'; ref: SessionRef; model: string; requests: number; inputTokens: number; cachedInputTokens: number; outputTokens: number; reasoningTokens: number }
  | { kind: 'log'; entry: Omit<LogEntry, 'id'> }
  | { kind: 'state'; ref: SessionRef; state: SessionState }
  | { kind: 'turn.done'; ref: SessionRef; turnId: string; status: MessageStatus };

export class SessionWriter {
  readonly #queue: Op[] = [];
  readonly #seq = new Map<string, number>();
  /** Message ids already written, by session: a delta to one of these appends. Cleared at turn end. */
  readonly #openMessages = new Map<string, Set<string>>();
  /** Coalesced deltas not yet written, by message or activity id, in arrival order. */
  readonly #pendingAppends = new Map<string, { sessionId: string; target: 'message' | 'activity'; text: string }>();
  #timer: NodeJS.Timeout | null = null;
  #position: number;
  #closed = false;

  constructor(
    private readonly store: Store,
    private readonly redactor: Redactor,
    private readonly emit: (event: HostEvent) => void,
  ) {
    this.#position = store.sessions.maxPosition();
  }

  /** The seq of the last event emitted for a session; a snapshot taken now reflects all of them. */
  seqOf(sessionId: string): number {
    return this.#seq.get(sessionId) ?? 0;
  }

  nextPosition(): number {
    return ++this.#position;
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

  log(entry: { workspaceId: string | null; sessionId: string | null; agentKey: string | null; level: LogLevel; source: LogEntry['source']; message: string }): void {
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
    const seq = (this.#seq.get(sessionId) ?? 0) + 1;
    this.#seq.set(sessionId, seq);
    this.emit({ type: 'session.event', sessionId, seq, change });
  }

  /** Writes everything queued now. Called by the tick, and before anything reads the store. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#queue.length === 0) return;
    const ops = this.#queue.splice(0);
    const changes: { sessionId: string; change: SessionChange }[] = [];
    const logs: LogEntry[] = [];
    const failures: string[] = [];
    this.store.transaction(() => {
      const now = Date.now();
      for (const op of ops) {
        // One bad op must not roll back the tick: everything else in it was acknowledged too.
        try {
          this.#apply(op, now, changes, logs);
        } catch (error) {
          failures.push(`${op.kind}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      this.#applyAppends(now, changes);
    });
    for (const failure of failures) this.log({ workspaceId: null, sessionId: null, agentKey: null, level: 'error', source: 'host', message: `Could not store agent output (${failure})` });
    for (const { sessionId, change } of changes) {
      this.publish(sessionId, change);
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
  }

  #push(op: Op): void {
    if (this.#closed) return;
    this.#queue.push(op);
    this.#timer ??= setTimeout(() => this.flush(), TICK_MS);
  }

  #apply(op: Op, now: number, changes: { sessionId: string; change: SessionChange }[], logs: LogEntry[]): void {
    const sessions = this.store.sessions;
    switch (op.kind) {
      case 'text': {
        const sessionId = op.ref.sessionId;
        const text = this.redactor.redact(op.text);
        const open = this.#openMessagesOf(sessionId);
        if (!open.has(op.messageId) && sessions.getMessage(op.messageId)) open.add(op.messageId);
        if (open.has(op.messageId)) {
          if (op.isDelta) return this.#queueAppend(op.messageId, sessionId, 'message', text);
          this.#applyAppends(now, changes);
          sessions.setMessageText(op.messageId, text, now);
        } else {
          this.#applyAppends(now, changes);
          sessions.insertMessage({
            id: op.messageId,
            sessionId,
            turnId: op.turnId,
            role: op.role,
            text,
            sender: null,
            status: op.isDelta ? 'streaming' : 'done',
            position: this.nextPosition(),
            now,
          });
          open.add(op.messageId);
        }
        pushEntry(changes, sessions.getMessage(op.messageId));
        return;
      }
      case 'activity': {
        const data = this.redactor.redactDeep(op.data);
        if (op.isDelta && this.#pendingAppends.has(op.activityId)) {
          return this.#queueAppend(op.activityId, op.ref.sessionId, 'activity', typeof data.text === 'string' ? data.text : '');
        }
        this.#applyAppends(now, changes);
        const existing = sessions.getActivity(op.activityId);
        if (!existing) {
          sessions.insertActivity({
            id: op.activityId,
            sessionId: op.ref.sessionId,
            turnId: op.turnId,
            kind: op.activityKind,
            data,
            position: this.nextPosition(),
            now,
          });
          this.#recordToolMessage(op, data, now);
          pushEntry(changes, sessions.getActivity(op.activityId));
        } else if (op.isDelta) {
          this.#queueAppend(op.activityId, op.ref.sessionId, 'activity', typeof data.text === 'string' ? data.text : '');
        } else {
          sessions.setActivityData(op.activityId, data, now);
          pushEntry(changes, sessions.getActivity(op.activityId));
        }
        return;
      }
      case 'usage':
        this.store.usage.insert({
          id: newId(),
          workspaceId: op.ref.workspaceId,
          sessionId: op.ref.sessionId,
          runId: op.ref.runId,
          agentKey: op.ref.agentKey,
          model: op.model,
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
        this.#applyAppends(now, changes);
        sessions.setState(op.ref.sessionId, op.state, now);
        changes.push({ sessionId: op.ref.sessionId, change: { type: 'state', state: op.state } });
        return;
      case 'turn.done': {
        this.#applyAppends(now, changes);
        for (const id of sessions.finishTurnMessages(op.ref.sessionId, op.turnId, op.status, now)) {
          pushEntry(changes, sessions.getMessage(id));
        }
        this.#openMessages.delete(op.ref.sessionId);
        return;
      }
    }
  }

  /** Tool calls and results are also kept as OpenAI-format messages, so the conversation replays whole. */
  #recordToolMessage(op: Extract<Op, { kind: 'activity' }>, data: Record<string, unknown>, now: number): void {
    const callId = typeof data.callId === 'string' ? data.callId : null;
    if (!callId) return;
    const base = { sessionId: op.ref.sessionId, turnId: op.turnId, sender: null, status: 'done' as const, now };
    if (op.activityKind === 'tool_call') {
      const name = typeof data.tool === 'string' ? data.tool : 'tool';
      const args = typeof data.arguments === 'string' ? data.arguments : JSON.stringify(data.arguments ?? {});
      this.store.sessions.insertMessage({
        ...base,
        id: newId(),
        role: 'assistant',
        text: '',
        toolCalls: [{ id: callId, type: 'function', function: { name, arguments: args } }],
        position: this.nextPosition(),
      });
    } else if (op.activityKind === 'tool_result') {
      const output = typeof data.output === 'string' ? data.output : JSON.stringify(data.output ?? null);
      this.store.sessions.insertMessage({ ...base, id: newId(), role: 'tool', text: output, toolCallId: callId, position: this.nextPosition() });
    }
  }

  #queueAppend(id: string, sessionId: string, target: 'message' | 'activity', text: string): void {
    const pending = this.#pendingAppends.get(id);
    if (pending) pending.text += text;
    else this.#pendingAppends.set(id, { sessionId, target, text });
  }

  #applyAppends(now: number, changes: { sessionId: string; change: SessionChange }[]): void {
    const sessions = this.store.sessions;
    for (const [id, { sessionId, target, text }] of this.#pendingAppends) {
      if (target === 'message') {
        sessions.appendMessageText(id, text, now);
      } else {
        const data = sessions.getActivity(id)?.data ?? {};
        const before = typeof data.text === 'string' ? data.text : '';
        sessions.setActivityData(id, { ...data, text: before + text }, now);
      }
      changes.push({ sessionId, change: { type: 'append', entryId: id, text } });
    }
    this.#pendingAppends.clear();
  }

  #openMessagesOf(sessionId: string): Set<string> {
    let open = this.#openMessages.get(sessionId);
    if (!open) this.#openMessages.set(sessionId, (open = new Set()));
    return open;
  }
}

function pushEntry(changes: { sessionId: string; change: SessionChange }[], entry: TimelineEntry | undefined): void {
  if (entry) changes.push({ sessionId: entry.sessionId, change: { type: 'entry', entry } });
}
