// Session lists per workspace, archived ones included (the list hides them unless asked), kept live
// by `session.updated` (new sessions, state, title and flag changes), `session.deleted`, and the
// state changes of `session.event` (the live agent tree follows those as they stream).
import { createStore } from 'zustand/vanilla';
import type { HostClient } from '../../../electron/api/contract';
import type { SessionState, SessionSummary } from '../../../electron/api/types';
import { errorMessage } from '../../api/host-call-error';

export interface SessionsState {
  byWorkspace: Record<string, SessionSummary[]>;
  errors: Record<string, string>;
  load(workspaceId: string): Promise<void>;
  upsert(session: SessionSummary): void;
  remove(workspaceId: string, sessionId: string): void;
  /** A live state change of a session already listed; unknown sessions are left to `session.updated`. */
  setState(sessionId: string, state: SessionState): void;
}

function upsertInto(list: SessionSummary[], session: SessionSummary): SessionSummary[] {
  const at = list.findIndex((item) => item.id === session.id);
  if (at === -1) return [...list, session];
  // An older summary must not undo a newer one.
  if (list[at].updatedAt > session.updatedAt) return list;
  return list.map((item, i) => (i === at ? session : item));
}

export function createSessionsStore(client: HostClient) {
  const store = createStore<SessionsState>()((set, get) => ({
    byWorkspace: {},
    errors: {},

    async load(workspaceId) {
      try {
        const sessions = await client.call('sessions.list', { workspaceId, includeArchived: true });
        const errors = { ...get().errors };
        delete errors[workspaceId];
        set({ byWorkspace: { ...get().byWorkspace, [workspaceId]: sessions }, errors });
      } catch (error) {
        set({ errors: { ...get().errors, [workspaceId]: errorMessage(error) } });
      }
    },

    upsert(session) {
      const current = get().byWorkspace[session.workspaceId] ?? [];
      set({ byWorkspace: { ...get().byWorkspace, [session.workspaceId]: upsertInto(current, session) } });
    },

    setState(sessionId, state) {
      const byWorkspace = get().byWorkspace;
      for (const [workspaceId, list] of Object.entries(byWorkspace)) {
        const at = list.findIndex((item) => item.id === sessionId);
        if (at === -1) continue;
        if (list[at].state === state) return;
        const next = list.map((item, i) => (i === at ? { ...item, state } : item));
        set({ byWorkspace: { ...byWorkspace, [workspaceId]: next } });
        return;
      }
    },

    remove(workspaceId, sessionId) {
      const current = get().byWorkspace[workspaceId] ?? [];
      set({ byWorkspace: { ...get().byWorkspace, [workspaceId]: current.filter((item) => item.id !== sessionId) } });
    },
  }));

  client.onEvent((event) => {
    if (event.type === 'session.updated') store.getState().upsert(event.session);
    else if (event.type === 'session.deleted') store.getState().remove(event.workspaceId, event.sessionId);
    else if (event.type === 'session.event' && event.change.type === 'state') store.getState().setState(event.sessionId, event.change.state);
  });

  return store;
}

export type SessionsStore = ReturnType<typeof createSessionsStore>;
