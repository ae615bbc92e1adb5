// A small hash router: the place lives in the URL hash so a reload (or a link) keeps it, and it
// works the same under app:// in Electron and over HTTP in browser mode.
import { useSyncExternalStore } from 'react';

export type Route =
  | { page: 'workspaces' }
  | {
      page: 'workspace';
      workspaceId: string;
      tab: 'overview' | 'secrets' | 'config';
      focusKey: string | null;
    }
  | { page: 'session'; workspaceId: string; sessionId: string }
  | { page: 'new' }
  | { page: 'inquiries' }
  | { page: 'activity' }
  | { page: 'usage' }
  | { page: 'settings' };

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
      return { page: 'activity' };
    case 'usage':
      return { page: 'usage' };
    case 'settings':
      return { page: 'settings' };
    case 'workspaces': {
      const workspaceId = parts[1];
      if (!workspaceId) return { page: 'workspaces' };
      if (parts[2] === 'sessions' && parts[3]) return { page: 'session', workspaceId, sessionId: parts[3] };
      const tab = parts[2] === 'secrets' || parts[2] === 'config' ? parts[2] : 'overview';
      return { page: 'workspace', workspaceId, tab, focusKey: params.get('focus') };
    }
    default:
      return { page: 'workspaces' };
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

const enc = encodeURIComponent;

export const paths = {
  workspaces: () => '#/workspaces',
  workspace: (workspaceId: string) => `#/workspaces/${enc(workspaceId)}`,
  secrets: (workspaceId: string, focusKey?: string) =>
    `#/workspaces/${enc(workspaceId)}/secrets${focusKey ? `?focus=${enc(focusKey)}` : ''}`,
  config: (workspaceId: string) => `#/workspaces/${enc(workspaceId)}/config`,
  session: (workspaceId: string, sessionId: string) =>
    `#/workspaces/${enc(workspaceId)}/sessions/${enc(sessionId)}`,
  newWorkspace: () => '#/new',
  inquiries: () => '#/inquiries',
  activity: () => '#/activity',
  usage: () => '#/usage',
  settings: () => '#/settings',
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
