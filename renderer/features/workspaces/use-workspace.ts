// The open workspace: its detail (agents, secrets, yaml) and its sessions, loaded on open and
// kept live by the stores.
import { useEffect } from 'react';
import { useStore } from 'zustand';
import type { SessionSummary, WorkspaceDetail, WorkspaceSummary } from '../../../electron/api/types';
import { useServices } from '../../app-context';

const NO_SESSIONS: SessionSummary[] = [];

export interface OpenWorkspace {
  summary: WorkspaceSummary | null;
  detail: WorkspaceDetail | null;
  detailError: string | null;
  sessions: SessionSummary[];
  sessionsLoaded: boolean;
  sessionsError: string | null;
}

export function useWorkspace(workspaceId: string): OpenWorkspace {
  const { workspaces, sessions } = useServices();
  useEffect(() => {
    void workspaces.getState().loadDetail(workspaceId);
    void sessions.getState().load(workspaceId);
  }, [workspaceId, workspaces, sessions]);

  const summary = useStore(workspaces, (s) => s.list?.find((item) => item.id === workspaceId) ?? null);
  const detail = useStore(workspaces, (s) => s.details[workspaceId] ?? null);
  const detailError = useStore(workspaces, (s) => s.detailErrors[workspaceId] ?? null);
  const list = useStore(sessions, (s) => s.byWorkspace[workspaceId]);
  const sessionsError = useStore(sessions, (s) => s.errors[workspaceId] ?? null);
  return {
    summary,
    detail,
    detailError,
    sessions: list ?? NO_SESSIONS,
    sessionsLoaded: list !== undefined,
    sessionsError,
  };
}
