// One open session: snapshot + live events, with no gap and no duplicate.
//
// Opening calls `sessions.open`, which answers with the entries and the `seq` they reflect. Events
// for the session that arrive while that call is in flight are buffered; once the snapshot is in,
// only events with `seq > snapshot.seq` are applied, in order. After a reconnect the session is
// re-opened the same way while the current entries stay on screen.
//
// Plain zustand/vanilla with the HostClient passed in, so tests drive it without React or a socket.
import { createStore } from 'zustand/vanilla';
import type { HostClient, HostEvent } from '../../../electron/api/contract';
import type { SessionChange, SessionSummary, TimelineEntry } from '../../../electron/api/types';
import { errorMessage } from '../../api/host-call-error';
import { loadQueued, saveQueued } from './queued-storage';
import { appendToEntry, prependEntries, sortEntries, upsertEntry } from './timeline-entries';

export const HISTORY_PAGE = 200;
/**
 * The snapshot's size: enough to fill the window, scroll back a while and hold a long last turn
 * whole (its prompt decides Edit and Retry). Smaller than a history page, since it is on the open's
 * critical path: in a long coding session a page of 200 is 300 KB of JSON, which took 25–80 ms to
 * get from the host into the page.
 */
export const SNAPSHOT_ENTRIES = 100;

/** Entries shown highlighted (a task's messages, a linked tool call); the timeline scrolls to `target`. */
export interface Highlight {
  ids: ReadonlySet<string>;
  /** The oldest highlighted entry that is loaded; null when none of them is. */
  target: string | null;
  /** Changes on every focus, so focusing the same entries again scrolls again. */
  key: number;
}

export interface SessionViewState {
  sessionId: string | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  session: SessionSummary | null;
  entries: TimelineEntry[];
  /** The newest change reflected in `entries`. */
  seq: number;
  hasMore: boolean;
  loadingEarlier: boolean;
  /** Tool calls and reasoning blocks the user opened; kept here so virtualized rows remember. */
  expanded: Record<string, boolean>;
  highlight: Highlight | null;
  /** Oldest first; the first is sent each time the session becomes idle. Kept in localStorage per session, so a reload keeps it. */
  queued: QueuedMessage[];

  open(sessionId: string): Promise<void>;
  /** Re-open the current session (after a reconnect), keeping what is shown until the snapshot lands. */
  reload(): Promise<void>;
  close(): void;
  loadEarlier(): Promise<void>;
  send(text: string): Promise<void>;
  /** Retry, Regenerate, or (with text) Edit: the user's last message is sent again in place of its turn. */
  resend(text?: string): Promise<void>;
  interrupt(): Promise<void>;
  /** Queues a message; sent at once if the session is already idle. */
  queue(text: string): void;
  unqueue(id: number): void;
  toggleExpanded(entryId: string): void;
  /**
   * Highlights these entries (oldest first) and scrolls to the oldest one loaded, loading earlier
   * pages until the first id is in or there is nothing earlier. Resolves with whether any is shown.
   */
  focusEntries(ids: readonly string[]): Promise<boolean>;
  clearHighlight(): void;
}

type Buffered = { seq: number; change: SessionChange };

/** A message written while the agent worked, sent when the session is next idle. */
export interface QueuedMessage {
  id: number;
  text: string;
}

const idleState = {
  sessionId: null,
  status: 'idle' as const,
  error: null,
  session: null,
  entries: [],
  seq: 0,
  hasMore: false,
  loadingEarlier: false,
  expanded: {},
  highlight: null,
  queued: [],
};

export function createSessionStore(client: HostClient) {
  /** Bumped on every open/close so a late answer for another session is ignored. */
  let generation = 0;
  /** Non-null while a snapshot is being fetched: events wait here. */
  let buffer: Buffered[] | null = null;
  /** A `session.updated` seen while buffering; applied if newer than the snapshot. */
  let bufferedSummary: SessionSummary | null = null;
  let unsubscribe: (() => void) | null = null;
  let highlightKey = 0;
  let queueKey = 0;
  /** A queued message's `sessions.send` is in flight. */
  let sendingQueued = false;
  /** Set by a queued send; cleared when the session is seen busy, so each queued message gets its own turn. */
  let waitForTurn = false;

  const store = createStore<SessionViewState>()((set, get) => {
    function applyChange(seq: number, change: SessionChange): void {
      const state = get();
      if (seq <= state.seq) return; // already in the snapshot, or a duplicate
      switch (change.type) {
        case 'entry':
          set({ seq, entries: upsertEntry(state.entries, change.entry) });
          return;
        case 'append': {
          const entries = appendToEntry(state.entries, change.entryId, change.text);
          set(entries ? { seq, entries } : { seq });
          return;
        }
        case 'state':
          set({ seq, session: state.session ? { ...state.session, state: change.state } : null });
          return;
        case 'removed': {
          const gone = new Set(change.entryIds);
          set({ seq, entries: state.entries.filter((entry) => !gone.has(entry.id)) });
          return;
        }
      }
    }

    function onEvent(event: HostEvent): void {
      const current = get().sessionId;
      if (!current) return;
      if (event.type === 'session.event' && event.sessionId === current) {
        if (buffer) buffer.push({ seq: event.seq, change: event.change });
        else applyChange(event.seq, event.change);
      } else if (event.type === 'session.updated' && event.session.id === current) {
        if (buffer) bufferedSummary = event.session;
        else set({ session: mergeSummary(get().session, event.session) });
      }
    }

    function subscribe(): void {
      if (unsubscribe) return;
      const offEvent = client.onEvent(onEvent);
      let wasDown = false;
      const offConnection = client.onConnectionChange?.((connected) => {
        if (!connected) wasDown = true;
        else if (wasDown) {
          wasDown = false;
          void get().reload();
        }
      });
      unsubscribe = () => {
        offEvent();
        offConnection?.();
      };
    }

    async function fetchSnapshot(sessionId: string, keepShown: boolean): Promise<void> {
      const mine = ++generation;
      buffer = [];
      bufferedSummary = null;
      subscribe();
      try {
        const snapshot = await client.call('sessions.open', { sessionId, limit: SNAPSHOT_ENTRIES });
        if (mine !== generation) return;
        const pending = buffer ?? [];
        buffer = null;
        let entries = sortEntries(snapshot.entries);
        let hasMore = snapshot.hasMore;
        if (keepShown) {
          // Keep older pages the user already loaded in front of the fresh snapshot.
          const first = entries[0];
          const fresh = new Set(entries.map((entry) => entry.id));
          const older = get().entries.filter(
            (entry) => !fresh.has(entry.id) && (!first || entry.createdAt <= first.createdAt),
          );
          if (older.length && snapshot.hasMore) {
            entries = [...older, ...entries];
            hasMore = get().hasMore;
          }
        }
        let session = snapshot.session;
        // Assigned by onEvent while awaiting; TypeScript cannot see that.
        const seenWhileLoading = bufferedSummary as SessionSummary | null;
        if (seenWhileLoading && seenWhileLoading.updatedAt >= session.updatedAt) session = seenWhileLoading;
        bufferedSummary = null;
        set({ status: 'ready', error: null, session, entries, seq: snapshot.seq, hasMore });
        pending.sort((a, b) => a.seq - b.seq);
        for (const event of pending) applyChange(event.seq, event.change);
      } catch (error) {
        if (mine !== generation) return;
        buffer = null;
        if (keepShown && get().status === 'ready') {
          // The old timeline is still useful; say that it may be stale.
          set({ error: errorMessage(error) });
        } else {
          set({ status: 'error', error: errorMessage(error) });
        }
      }
    }

    return {
      ...idleState,

      async open(sessionId) {
        const queued = loadQueued(sessionId).map((text) => ({ id: ++queueKey, text }));
        set({ ...idleState, sessionId, status: 'loading', queued });
        await fetchSnapshot(sessionId, false);
      },

      async reload() {
        const { sessionId } = get();
        if (!sessionId) return;
        await fetchSnapshot(sessionId, true);
      },

      close() {
        generation++;
        buffer = null;
        bufferedSummary = null;
        unsubscribe?.();
        unsubscribe = null;
        set({ ...idleState });
      },

      async loadEarlier() {
        const { sessionId, entries, hasMore, loadingEarlier } = get();
        if (!sessionId || !hasMore || loadingEarlier || entries.length === 0) return;
        const mine = generation;
        set({ loadingEarlier: true });
        try {
          const page = await client.call('sessions.history', {
            sessionId,
            beforeEntryId: entries[0].id,
            limit: HISTORY_PAGE,
          });
          if (mine !== generation) return;
          set({
            entries: prependEntries(get().entries, page.entries),
            hasMore: page.hasMore,
            loadingEarlier: false,
          });
        } catch (error) {
          if (mine !== generation) return;
          set({ loadingEarlier: false, error: errorMessage(error) });
        }
      },

      async send(text) {
        const { sessionId } = get();
        if (!sessionId) return;
        await client.call('sessions.send', { sessionId, text });
      },

      async resend(text) {
        const { sessionId } = get();
        if (!sessionId) return;
        try {
          await client.call('sessions.resend', { sessionId, text });
        } catch (error) {
          set({ error: `The message could not be sent again: ${errorMessage(error)}` });
        }
      },

      queue(text) {
        // Sent at once (by the subscription) if the session is idle by now.
        set({ queued: [...get().queued, { id: ++queueKey, text }] });
      },

      unqueue(id) {
        set({ queued: get().queued.filter((item) => item.id !== id) });
      },

      async interrupt() {
        const { sessionId } = get();
        if (!sessionId) return;
        await client.call('sessions.interrupt', { sessionId });
      },

      async focusEntries(ids) {
        const mine = generation;
        // Asked for before the snapshot is in (a link to a task opens both at once): wait for it.
        if (get().status === 'loading') {
          await new Promise<void>((resolve) => {
            const off = store.subscribe((state) => {
              if (state.status !== 'loading') {
                off();
                resolve();
              }
            });
          });
        }
        if (mine !== generation || get().status !== 'ready') return false;
        const loaded = () => get().entries.some((entry) => entry.id === ids[0]);
        // A task's first message is usually its user request; ids that are tool-call messages never
        // load (they show as activities), so stop when a page brings nothing new.
        while (ids.length > 0 && !loaded() && get().hasMore) {
          const before = get().entries.length;
          await get().loadEarlier();
          if (mine !== generation) return false;
          if (get().entries.length === before) break;
        }
        const wanted = new Set(ids);
        const target = get().entries.find((entry) => wanted.has(entry.id))?.id ?? null;
        set({ highlight: { ids: wanted, target, key: ++highlightKey } });
        return target !== null;
      },

      clearHighlight() {
        set({ highlight: null });
      },

      toggleExpanded(entryId) {
        const expanded = { ...get().expanded };
        if (expanded[entryId]) delete expanded[entryId];
        else expanded[entryId] = true;
        set({ expanded });
      },
    };
  });

  /** Sends the first queued message when the session is idle and no queued one is still starting. */
  async function sendQueued(): Promise<void> {
    const { session, queued } = store.getState();
    const [first, ...rest] = queued;
    if (!first || session?.state !== 'idle' || sendingQueued || waitForTurn) return;
    sendingQueued = true;
    waitForTurn = true;
    const mine = generation;
    store.setState({ queued: rest });
    try {
      await store.getState().send(first.text);
    } catch (error) {
      // Back to the front; it waits for the next idle (or the user removes it) rather than retrying in a loop.
      if (mine === generation) {
        store.setState({
          queued: [first, ...store.getState().queued],
          error: `The queued message could not be sent: ${errorMessage(error)}`,
        });
      }
    } finally {
      sendingQueued = false;
    }
    // The turn may already have started and ended while the call was answered.
    if (mine === generation) void sendQueued();
  }

  store.subscribe((state, previous) => {
    // Closing empties the view's queue, not the stored one: only a change within one session is saved.
    if (state.sessionId && state.sessionId === previous.sessionId && state.queued !== previous.queued) {
      saveQueued(state.sessionId, state.queued.map((item) => item.text));
    }
    // The idle seen right after a send is the old one; only once the agent was busy again is it the new.
    if (state.session && state.session.state !== 'idle') waitForTurn = false;
    else void sendQueued();
  });
  return store;
}

export type SessionStore = ReturnType<typeof createSessionStore>;

/** A summary event may be older than a state change already applied; never move state backwards in time. */
function mergeSummary(current: SessionSummary | null, incoming: SessionSummary): SessionSummary {
  if (current && incoming.updatedAt < current.updatedAt) return { ...incoming, state: current.state };
  return incoming;
}
