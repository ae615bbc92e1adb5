// What every view needs: the host client and the app-wide stores, created once per page.
import { createContext, useContext, useEffect, useState } from 'react';
import type { HostClient, HostEvent } from '../electron/api/contract';
import type { AppInfo } from '../electron/api/types';
import { createInquiriesStore } from './features/inquiries/inquiries-store';
import { createSessionsStore } from './features/workspaces/sessions-store';
import { createWorkspacesStore } from './features/workspaces/workspaces-store';

export interface AppServices {
  client: HostClient;
  transport: 'bridge' | 'ws';
  workspaces: ReturnType<typeof createWorkspacesStore>;
  sessions: ReturnType<typeof createSessionsStore>;
  inquiries: ReturnType<typeof createInquiriesStore>;
  /** Fetched once at start; null until then. */
  appInfo: Promise<AppInfo | null>;
}

export function createServices(client: HostClient, transport: 'bridge' | 'ws'): AppServices {
  return {
    client,
    transport,
    workspaces: createWorkspacesStore(client),
    sessions: createSessionsStore(client),
    inquiries: createInquiriesStore(client),
    appInfo: client.call('app.info', {}).catch(() => null),
  };
}

const ServicesContext = createContext<AppServices | null>(null);
export const ServicesProvider = ServicesContext.Provider;

export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices outside ServicesProvider');
  return services;
}

export function useClient(): HostClient {
  return useServices().client;
}

/** Subscribe to host events for the lifetime of the component. Pass a stable (memoized) listener. */
export function useHostEvent(listener: (event: HostEvent) => void): void {
  const client = useClient();
  useEffect(() => client.onEvent(listener), [client, listener]);
}

/** App info (version, mode, data dir, where secrets are kept); null until it arrives. */
export function useAppInfo(): AppInfo | null {
  const { appInfo } = useServices();
  const [info, setInfo] = useState<AppInfo | null>(null);
  useEffect(() => {
    let cancelled = false;
    void appInfo.then((value) => {
      if (!cancelled) setInfo(value);
    });
    return () => {
      cancelled = true;
    };
  }, [appInfo]);
  return info;
}
