import { describe, expect, it } from 'vitest';
import type {
  HostClient,
  HostEvent,
  HostMethod,
  HostRequest,
  HostResponses,
} from '../../../electron/api/contract';
import type {
  SessionChange,
  SessionSnapshot,
  SessionSummary,
  TimelineEntry,
  TimelineMessage,
} from '../../../electron/api/types';
import { createSessionStore } from '../../../renderer/features/chat/session-store';

// An in-memory stand-in for the transport: calls are answered by handlers the test controls,
// events are pushed by the test.
class MemoryClient implements HostClient {
  readonly calls: { method: HostMethod; request: unknown }[] = [];
  private readonly listeners = new Set<(event: HostEvent) => void>();
  private readonly connectionListeners = new Set<(connected: boolean) => void>();
  handlers: Partial<{ [M in HostMethod]: (request: HostRequest<M>) => Promise<HostResponses[M]> }> = {};

  call<M extends HostMethod>(method: M, request: HostRequest<M>): Promise<HostResponses[M]> {
    this.calls.push({ method, request });
    const handler = this.handlers[method] as
      ((request: HostRequest<M>) => Promise<HostResponses[M]>) | undefined;
    if (!handler) return Promise.reject(new Error(`no handler for ${method}`));
    return handler(request);
  }
  onEvent(listener: (event: HostEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  onConnectionChange(listener: (connected: boolean) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }
  emit(event: HostEvent): void {
    for (const listener of this.listeners) listener(event);
  }
  change(sessionId: string, seq: number, change: SessionChange): void {
    this.emit({ type: 'session.event', sessionId, seq, change });
  }
  setConnected(connected: boolean): void {
    for (const listener of this.connectionListeners) listener(connected);
  }
  get listenerCount(): number {
    return this.listeners.size;
  }
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const SID = 'session-1';

function summary(overrides: Partial<SessionSummary> = {}): SessionSummary {
  return {
    id: SID,
    workspaceId: 'ws-1',
    agentKey: 'lead',
    parentSessionId: null,
    title: 'Chat',
    state: 'idle',
    createdAt: 1,
    updatedAt: 1,
    pinnedAt: null,
    archivedAt: null,
    ...overrides,
  };
}

function message(
  id: string,
  createdAt: number,
  text: string,
  role: 'user' | 'assistant' = 'assistant',
  status: TimelineMessage['status'] = role === 'assistant' ? 'streaming' : 'done',
): TimelineMessage {
  return {
    kind: 'message',
    id,
    sessionId: SID,
    turnId: 't1',
    role,
    text,
    status,
    sender: null,
    createdAt,
  };
}

function thinking(id: string, createdAt: number, text: string): TimelineEntry {
  return {
    kind: 'activity',
    id,
    sessionId: SID,
    turnId: 't1',
    activityKind: 'thinking',
    data: { text },
    createdAt,
  };
}

function snapshot(entries: TimelineEntry[], seq: number, hasMore = false): SessionSnapshot {
  return { session: summary(), entries, seq, hasMore };
}

function textOf(entry: TimelineEntry | undefined): string | undefined {
  if (!entry) return undefined;
  return entry.kind === 'message' ? entry.text : (entry.data.text as string | undefined);
}

describe('session store', () => {
  it('buffers events that arrive before the snapshot and applies only the newer ones, in order', async () => {
    const client = new MemoryClient();
    const snap = deferred<SessionSnapshot>();
    client.handlers['sessions.open'] = () => snap.promise;
    const store = createSessionStore(client);

    const opening = store.getState().open(SID);
    expect(store.getState().status).toBe('loading');

    // seq 2 is already in the snapshot; 4 arrives before 3.
    client.change(SID, 2, { type: 'append', entryId: 'm1', text: ' world' });
    client.change(SID, 4, { type: 'append', entryId: 'm1', text: '!' });
    client.change(SID, 3, { type: 'append', entryId: 'm1', text: ' again' });
    // Another session's events never land here.
    client.change('other', 5, { type: 'append', entryId: 'm1', text: 'NOPE' });
    expect(store.getState().entries).toEqual([]);

    snap.resolve(snapshot([message('m1', 10, 'Hello world')], 2));
    await opening;

    const state = store.getState();
    expect(state.status).toBe('ready');
    expect(state.seq).toBe(4);
    expect(textOf(state.entries[0])).toBe('Hello world again!');
  });

  it('drops live events with seq <= the snapshot seq and duplicates', async () => {
    const client = new MemoryClient();
    client.handlers['sessions.open'] = async () => snapshot([message('m1', 10, 'abc')], 7);
    const store = createSessionStore(client);
    await store.getState().open(SID);

    client.change(SID, 6, { type: 'append', entryId: 'm1', text: 'OLD' });
    client.change(SID, 7, { type: 'append', entryId: 'm1', text: 'SAME' });
    client.change(SID, 8, { type: 'append', entryId: 'm1', text: 'd' });
    client.change(SID, 8, { type: 'append', entryId: 'm1', text: 'd' });
    expect(textOf(store.getState().entries[0])).toBe('abcd');
    expect(store.getState().seq).toBe(8);
  });

  it('appends to message text and to the text of a thinking activity', async () => {
    const client = new MemoryClient();
    client.handlers['sessions.open'] = async () =>
      snapshot([thinking('a1', 5, 'Let me'), message('m1', 6, '')], 1);
    const store = createSessionStore(client);
    await store.getState().open(SID);

    client.change(SID, 2, { type: 'append', entryId: 'a1', text: ' think' });
    client.change(SID, 3, { type: 'append', entryId: 'm1', text: 'Hi' });
    client.change(SID, 4, { type: 'append', entryId: 'm1', text: ' there' });
    // An append for an unknown entry is ignored but still consumes its seq.
    client.change(SID, 5, { type: 'append', entryId: 'ghost', text: 'x' });

    const { entries, seq } = store.getState();
    expect(textOf(entries[0])).toBe('Let me think');
    expect(textOf(entries[1])).toBe('Hi there');
    expect(seq).toBe(5);
  });

  it('inserts new entries in createdAt order and replaces an entry with the same id in place', async () => {
    const client = new MemoryClient();
    client.handlers['sessions.open'] = async () =>
      snapshot([message('u1', 1, 'hi', 'user'), message('m1', 3, 'par')], 1);
    const store = createSessionStore(client);
    await store.getState().open(SID);

    client.change(SID, 2, { type: 'entry', entry: message('m2', 5, 'later') });
    client.change(SID, 3, { type: 'entry', entry: thinking('a1', 2, 'between') });
    client.change(SID, 4, { type: 'entry', entry: message('m1', 3, 'partial answer', 'assistant', 'cut') });
    // Same createdAt as m2: arrival order wins.
    client.change(SID, 5, { type: 'entry', entry: message('m3', 5, 'same time') });

    const { entries } = store.getState();
    expect(entries.map((entry) => entry.id)).toEqual(['u1', 'a1', 'm1', 'm2', 'm3']);
    const replaced = entries[2];
    expect(replaced.kind === 'message' && replaced.text).toBe('partial answer');
    expect(replaced.kind === 'message' && replaced.status).toBe('cut');
  });

  it('applies state changes and newer session summaries', async () => {
    const client = new MemoryClient();
    client.handlers['sessions.open'] = async () => snapshot([], 3);
    const store = createSessionStore(client);
    await store.getState().open(SID);
    expect(store.getState().session?.state).toBe('idle');

    client.change(SID, 4, { type: 'state', state: 'generating' });
    expect(store.getState().session?.state).toBe('generating');
    client.change(SID, 3, { type: 'state', state: 'crashed' });
    expect(store.getState().session?.state).toBe('generating');

    client.emit({
      type: 'session.updated',
      session: summary({ title: 'Renamed', state: 'waiting_for_inquiry', updatedAt: 9 }),
    });
    expect(store.getState().session?.title).toBe('Renamed');
    expect(store.getState().session?.state).toBe('waiting_for_inquiry');
  });

  it('uses a state change that arrives while the snapshot is loading', async () => {
    const client = new MemoryClient();
    const snap = deferred<SessionSnapshot>();
    client.handlers['sessions.open'] = () => snap.promise;
    const store = createSessionStore(client);
    const opening = store.getState().open(SID);
    client.change(SID, 11, { type: 'state', state: 'generating' });
    snap.resolve(snapshot([], 10));
    await opening;
    expect(store.getState().session?.state).toBe('generating');
  });

  it('ignores a snapshot for a session that is no longer open', async () => {
    const client = new MemoryClient();
    const first = deferred<SessionSnapshot>();
    client.handlers['sessions.open'] = ({ sessionId }) =>
      sessionId === SID
        ? first.promise
        : Promise.resolve({ ...snapshot([], 1), session: summary({ id: 'b' }) });
    const store = createSessionStore(client);
    const a = store.getState().open(SID);
    await store.getState().open('b');
    first.resolve(snapshot([message('m1', 1, 'stale')], 1));
    await a;
    expect(store.getState().sessionId).toBe('b');
    expect(store.getState().entries).toEqual([]);
  });

  it('loads earlier entries in front without duplicates', async () => {
    const client = new MemoryClient();
    client.handlers['sessions.open'] = async () =>
      snapshot([message('m3', 30, 'c'), message('m4', 40, 'd')], 1, true);
    client.handlers['sessions.history'] = async () => ({
      entries: [message('m1', 10, 'a'), message('m2', 20, 'b'), message('m3', 30, 'c')],
      hasMore: false,
    });
    const store = createSessionStore(client);
    await store.getState().open(SID);
    await store.getState().loadEarlier();

    expect(client.calls.at(-1)).toEqual({
      method: 'sessions.history',
      request: { sessionId: SID, beforeEntryId: 'm3', limit: 200 },
    });
    expect(store.getState().entries.map((entry) => entry.id)).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(store.getState().hasMore).toBe(false);
  });

  it('focuses entries: loads earlier pages until the first one is in, highlights them and targets the oldest', async () => {
    const client = new MemoryClient();
    client.handlers['sessions.open'] = async () =>
      snapshot([message('m5', 50, 'e'), message('m6', 60, 'f')], 1, true);
    const pages: Record<string, { entries: TimelineEntry[]; hasMore: boolean }> = {
      m5: { entries: [message('m3', 30, 'c'), message('m4', 40, 'd')], hasMore: true },
      m3: { entries: [message('m1', 10, 'a'), message('m2', 20, 'b')], hasMore: true },
      // A page with nothing new: the search stops there.
      m1: { entries: [message('m1', 10, 'a')], hasMore: true },
    };
    client.handlers['sessions.history'] = async (request) => pages[request.beforeEntryId];
    const store = createSessionStore(client);
    await store.getState().open(SID);

    // m2 is two pages back; 'tool-msg' is a tool-call message, never a timeline entry.
    expect(await store.getState().focusEntries(['m2', 'tool-msg', 'm5'])).toBe(true);
    expect(client.calls.filter((call) => call.method === 'sessions.history')).toHaveLength(2);
    const first = store.getState().highlight!;
    expect(first.target).toBe('m2');
    expect([...first.ids]).toEqual(['m2', 'tool-msg', 'm5']);

    // Focusing again scrolls again (a new key); ids that are nowhere are reported, not searched forever.
    expect(await store.getState().focusEntries(['tool-only'])).toBe(false);
    expect(store.getState().highlight).toMatchObject({ target: null });
    expect(store.getState().error).toBeNull();
    expect(store.getState().highlight!.key).toBeGreaterThan(first.key);
    store.getState().clearHighlight();
    expect(store.getState().highlight).toBeNull();
  });

  it('focuses entries asked for while the snapshot is loading once it is in', async () => {
    const client = new MemoryClient();
    const snap = deferred<SessionSnapshot>();
    client.handlers['sessions.open'] = () => snap.promise;
    const store = createSessionStore(client);
    const opening = store.getState().open(SID);
    const focusing = store.getState().focusEntries(['m1']);
    snap.resolve(snapshot([message('m1', 10, 'a', 'user')], 1));
    await opening;
    expect(await focusing).toBe(true);
    expect(store.getState().highlight?.target).toBe('m1');
  });

  it('re-opens the session after a reconnect and fills the gap', async () => {
    const client = new MemoryClient();
    let text = 'one';
    let seq = 1;
    client.handlers['sessions.open'] = async () => snapshot([message('m1', 1, text)], seq);
    const store = createSessionStore(client);
    await store.getState().open(SID);

    client.setConnected(false);
    // Missed while disconnected:
    text = 'one two';
    seq = 5;
    client.setConnected(true);
    await new Promise((resolve) => setTimeout(resolve, 0));

    expect(textOf(store.getState().entries[0])).toBe('one two');
    expect(store.getState().seq).toBe(5);
    client.change(SID, 5, { type: 'append', entryId: 'm1', text: ' DUP' });
    client.change(SID, 6, { type: 'append', entryId: 'm1', text: ' three' });
    expect(textOf(store.getState().entries[0])).toBe('one two three');
  });

  it('stops listening when closed', async () => {
    const client = new MemoryClient();
    client.handlers['sessions.open'] = async () => snapshot([], 1);
    const store = createSessionStore(client);
    await store.getState().open(SID);
    expect(client.listenerCount).toBe(1);
    store.getState().close();
    expect(client.listenerCount).toBe(0);
    expect(store.getState().sessionId).toBeNull();
  });

  it('reports a failed open', async () => {
    const client = new MemoryClient();
    const store = createSessionStore(client);
    await store.getState().open(SID);
    expect(store.getState().status).toBe('error');
    expect(store.getState().error).toMatch(/no handler/);
  });

  it('sends queued messages one per return to idle, oldest first, and keeps one whose send failed', async () => {
    const client = new MemoryClient();
    client.handlers['sessions.open'] = () =>
      Promise.resolve({ session: summary({ state: 'generating' }), entries: [], seq: 1, hasMore: false });
    const sent: string[] = [];
    let refuse = false;
    client.handlers['sessions.send'] = (request) => {
      if (refuse) return Promise.reject(new Error('host is busy'));
      sent.push(request.text);
      return Promise.resolve({ turnId: 't2' });
    };
    const store = createSessionStore(client);
    await store.getState().open(SID);

    store.getState().queue('first');
    store.getState().queue('second');
    store.getState().queue('dropped');
    store.getState().unqueue(store.getState().queued[2].id);
    expect(sent).toEqual([]);

    client.change(SID, 2, { type: 'state', state: 'idle' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sent).toEqual(['first']);
    expect(store.getState().queued.map((item) => item.text)).toEqual(['second']);

    // Still the old idle until the host says the new turn started: the second waits for its end.
    client.change(SID, 3, { type: 'entry', entry: message('m1', 5, 'first', 'user', 'done') });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sent).toEqual(['first']);
    client.change(SID, 4, { type: 'state', state: 'generating' });
    refuse = true;
    client.change(SID, 5, { type: 'state', state: 'idle' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sent).toEqual(['first']);
    expect(store.getState().queued.map((item) => item.text)).toEqual(['second']);
    expect(store.getState().error).toMatch(/queued message could not be sent: .*host is busy/);
  });
});
