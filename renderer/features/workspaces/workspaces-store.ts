// Workspaces the host knows, their run status, and the details of the ones the user opened.
// Kept live by `workspaces.changed` (refetch) and `workspace.updated` (run status).
import { createStore } from 'zustand/vanilla';
import type { HostClient } from '../../../electron/api/contract';
import type { WorkspaceDetail, WorkspaceSummary } from '../../../electron/api/types';
import { errorMessage } from '../../api/host-call-error';

export interface WorkspacesState {
  list: WorkspaceSummary[] | null;
  listError: string | null;
  details: Record<string, WorkspaceDetail>;
  detailErrors: Record<string, string>;
  refresh(): Promise<void>;
  loadDetail(workspaceId: string): Promise<void>;
  /** Put a summary the host returned (add, create, update) into the list right away. */
  upsert(summary: WorkspaceSummary): void;
}

export function createWorkspacesStore(client: HostClient) {
  const store = createStore<WorkspacesState>()((set, get) => ({
    list: null,
    listError: null,
    details: {},
    detailErrors: {},

    async refresh() {
      try {
        const list = await client.call('workspaces.list', {});
        set({ list, listError: null });
      } catch (error) {
        set({ listError: errorMessage(error) });
      }
    },

    async loadDetail(workspaceId) {
      try {
        const detail = await client.call('workspaces.get', { workspaceId });
        const detailErrors = { ...get().detailErrors };
        delete detailErrors[workspaceId];
        set({ details: { ...get().details, [workspaceId]: detail }, detailErrors });
      } catch (error) {
        set({ detailErrors: { ...get().detailErrors, [workspaceId]: errorMessage(error) } });
      }
    },

    upsert(summary) {
      const list = get().list ?? [];
      const at = list.findIndex((item) => item.id === summary.id);
      set({ list: at === -1 ? [...list, summary] : list.map((item, i) => (i === at ? summary : item)) });
    },
  }));

  client.onEvent((event) => {
    if (event.type === 'workspaces.changed') {
      void store.getState().refresh();
      for (const id of Object.keys(store.getState().details)) void store.getState().loadDetail(id);
    } else if (event.type === 'workspace.updated') {
      const { list, details } = store.getState();
      const runStatus = event.runStatus;
      store.setState({
        list: list?.map((item) => (item.id === event.workspaceId ? { ...item, runStatus } : item)) ?? null,
        details: details[event.workspaceId]
          ? { ...details, [event.workspaceId]: { ...details[event.workspaceId], runStatus } }
          : details,
      });
    }
  });

  return store;
}

export type WorkspacesStore = ReturnType<typeof createWorkspacesStore>;
