// The sessions agents outside the app stored through the Acontext API, and their spaces, kept live:
// reloaded when the host says sessions or spaces changed, or after a reconnect (events may have been
// missed); a new title (the first user message) arrives as `session.updated`.
import { useEffect } from 'react';
import type { AcontextOverview } from '../../../electron/api/types';
import { useClient } from '../../app-context';
import { useHostQuery, type HostQuery } from '../../components/use-host-query';

export type ExternalSession = AcontextOverview['sessions'][number];
export type ExternalSpace = AcontextOverview['spaces'][number];

export function useExternalSessions(): HostQuery<AcontextOverview> {
  const client = useClient();
  const query = useHostQuery(() => client.call('acontext.sessions', {}), 'acontext.sessions');
  const { reload, setData } = query;

  useEffect(() => {
    const offEvent = client.onEvent((event) => {
      if (event.type === 'acontext.changed') reload();
      if (event.type === 'session.updated') {
        const { id, title, updatedAt } = event.session;
        setData((overview) =>
          overview && overview.sessions.some((session) => session.sessionId === id)
            ? {
                ...overview,
                sessions: overview.sessions.map((session) =>
                  session.sessionId === id ? { ...session, title, updatedAt } : session,
                ),
              }
            : overview,
        );
      }
    });
    const offConnection = client.onConnectionChange?.((connected) => {
      if (connected) reload();
    });
    return () => {
      offEvent();
      offConnection?.();
    };
  }, [client, reload, setData]);

  return query;
}

/** A space's name: the `name` its configs give (a common convention); spaces have no other. */
export function spaceName(space: ExternalSpace): string {
  const name = space.configs?.name;
  return typeof name === 'string' && name.trim() ? name : 'Unnamed space';
}

/** The title the list and the page show: the first user message, or a placeholder before there is one. */
export function sessionTitle(session: ExternalSession): string {
  return session.title || 'Untitled session';
}
