// Picks the transport: the preload bridge inside Electron, the WebSocket in a browser.
import type { HostClient } from '../../electron/api/contract';
import { createBridgeClient } from './bridge-client';
import { takeAccessToken } from './access-token';
import { WsHostClient, apiSocketUrl } from './ws-client';

export type Connection =
  | { kind: 'bridge'; client: HostClient }
  | { kind: 'ws'; client: HostClient; ws: WsHostClient }
  | { kind: 'no-token' };

export function connect(): Connection {
  if (window.dspatch) return { kind: 'bridge', client: createBridgeClient(window.dspatch) };
  const token = takeAccessToken();
  if (!token) return { kind: 'no-token' };
  const ws = new WsHostClient(apiSocketUrl(window.location, token));
  return { kind: 'ws', client: ws, ws };
}
