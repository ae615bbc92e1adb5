// A small hash router: the place lives in the URL hash so a reload (or a link) keeps it, and it
// works the same under app:// in Electron and over HTTP in browser mode.
import { useSyncExternalStore } from 'react';
import { feedFilterQuery, parseFeedFilter, type FeedFilter } from '../activity/feed-filter';

export type WorkspaceTab = 'overview' | 'secrets' | 'config' | 'tasks' | 'tools';
const WORKSPACE_TABS: readonly WorkspaceTab[] = ['overview', 'secrets', 'config', 'tasks', 'tools'];

/** The host's pseudo-workspace of the sessions stored through the Acontext API (electron/store/workspace-repo.ts). */
export const EXTERNAL_WORKSPACE_ID = 'external';

/** What a conversation link points at inside the conversation: one timeline entry, or a task's messages. */
export type SessionFocus = { kind: 'entry' | 'task'; id: string };

export type Route =
  | { page: 'workspaces' }
  | {
      page: 'workspace';
      workspaceId: string;
      tab: WorkspaceTab;
      focusKey: string | null;
    }
  | { page: 'session'; workspaceId: string; sessionId: string; focus: SessionFocus | null }
  /** A conversation by its id alone: the link that stays right whatever page shows it. */
  | { page: 'session-link'; sessionId: string; focus: SessionFocus | null }
  | { page: 'external' }
  | { page: 'external-session'; sessionId: string; focus: SessionFocus | null }
  | { page: 'new' }
  | { page: 'inquiries' }
  /** The Activity feed's filters live in the URL: a view can be reloaded and shared. */
  | { page: 'activity'; filter: FeedFilter }
  /** `query`: the dashboard's range and view (renderer/features/usage/usage-range.ts reads it). */
  | { page: 'usage'; query: string }
  /** `model`: a model to prefill in Settings → Prices (the Usage page's "Add a price"). */
  | { page: 'settings'; section: string | null; model: string | null };

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path, query = ''] = raw.split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean).map(safeDecode);
  switch (parts[0]) {
    case 'new':
      return { page: 'new' };
    case 'inquiries':
      return { page: 'inquiries' };
    case 'activity':
      return { page: 'activity', filter: parseFeedFilter(params) };
    case 'usage':
      return { page: 'usage', query };
    case 'settings':
      return { page: 'settings', section: parts[1] ?? null, model: params.get('model') };
    case 'sessions':
      return parts[1] ? { page: 'session-link', sessionId: parts[1], focus: sessionFocus(params) } : { page: 'workspaces' };
    case 'external':
      return parts[1]
        ? { page: 'external-session', sessionId: parts[1], focus: sessionFocus(params) }
        : { page: 'external' };
    case 'workspaces': {
      const workspaceId = parts[1];
      if (!workspaceId) return { page: 'workspaces' };
      if (parts[2] === 'sessions' && parts[3]) {
        return { page: 'session', workspaceId, sessionId: parts[3], focus: sessionFocus(params) };
      }
      const tab = WORKSPACE_TABS.find((name) => name === parts[2]) ?? 'overview';
      return { page: 'workspace', workspaceId, tab, focusKey: params.get('focus') };
    }
    default:
      return { page: 'workspaces' };
  }
}

function sessionFocus(params: URLSearchParams): SessionFocus | null {
  const entry = params.get('entry');
  if (entry) return { kind: 'entry', id: entry };
  const task = params.get('task');
  return task ? { kind: 'task', id: task } : null;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

const enc = encodeURIComponent;

function focusQuery(focus: SessionFocus | undefined): string {
  return focus ? `?${focus.kind}=${enc(focus.id)}` : '';
}

function externalSession(sessionId: string, focus?: SessionFocus): string {
  return `#/external/${enc(sessionId)}${focusQuery(focus)}`;
}

export const paths = {
  workspaces: () => '#/workspaces',
  workspace: (workspaceId: string) => `#/workspaces/${enc(workspaceId)}`,
  secrets: (workspaceId: string, focusKey?: string) =>
    `#/workspaces/${enc(workspaceId)}/secrets${focusKey ? `?focus=${enc(focusKey)}` : ''}`,
  config: (workspaceId: string) => `#/workspaces/${enc(workspaceId)}/config`,
  tasks: (workspaceId: string) => `#/workspaces/${enc(workspaceId)}/tasks`,
  tools: (workspaceId: string) => `#/workspaces/${enc(workspaceId)}/tools`,
  // External sessions have no workspace page: their links (e.g. from a Tools table) lead to their own.
  session: (workspaceId: string, sessionId: string, focus?: SessionFocus) =>
    workspaceId === EXTERNAL_WORKSPACE_ID
      ? externalSession(sessionId, focus)
      : `#/workspaces/${enc(workspaceId)}/sessions/${enc(sessionId)}${focusQuery(focus)}`,
  /** Opens a conversation knowing only its id (it finds the workspace); the place to link from anywhere. */
  sessionLink: (sessionId: string, focus?: SessionFocus) => `#/sessions/${enc(sessionId)}${focusQuery(focus)}`,
  externalSessions: () => '#/external',
  externalSession,
  newWorkspace: () => '#/new',
  inquiries: () => '#/inquiries',
  activity: (filter?: FeedFilter) => `#/activity${filter ? feedFilterQuery(filter) : ''}`,
  usage: (query?: string) => `#/usage${query ? `?${query}` : ''}`,
  settings: (section?: 'tasks' | 'acontext' | 'prices' | 'budgets' | 'providers' | 'approvals') => `#/settings${section ? `/${section}` : ''}`,
  addPrice: (model: string) => `#/settings/prices?model=${enc(model)}`,
};

export function navigate(hash: string): void {
  if (window.location.hash === hash) return;
  window.location.hash = hash;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
