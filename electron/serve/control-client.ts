// The CLI's side of the control endpoint (host-socket.ts): the HostApi of the host that holds a data
// folder, reached over its local socket, with the same call/onEvent interface as an in-process host.
import { connect } from 'node:net';
import { WebSocket } from 'ws';
import type { HostClient, HostErrorPayload, HostEvent, HostMethod, HostRequest, HostResponses } from '../api/contract';
import { HostError } from '../host/errors';
import { controlEndpoint, MAX_FRAME_BYTES } from './host-socket';

const HANDSHAKE_TIMEOUT_MS = 10_000;

export interface RemoteHost extends HostClient {
  onConnectionChange(listener: (connected: boolean) => void): () => void;
  close(): Promise<void>;
}

interface Frame {
  id?: unknown;
  result?: unknown;
  error?: HostErrorPayload;
  event?: HostEvent;
}

/**
 * Connects to the host holding `dataDir`, or resolves null when none answers there (no socket, or a
 * socket left by a host that died): the caller then runs its own host, which takes the folder's lock.
 */
export async function connectToHost(dataDir: string): Promise<RemoteHost | null> {
  const endpoint = controlEndpoint(dataDir);
  const ws = new WebSocket('ws://dspatch-host/', {
    createConnection: () => connect(endpoint),
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    // A host that holds the folder but does not answer: the caller's own host is then refused by the
    // folder's lock, with a message naming that host.
    handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
  });
  const opened = await new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true));
    ws.once('error', () => resolve(false));
  });
  if (!opened) return null;

  let nextId = 1;
  const pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  const eventListeners = new Set<(event: HostEvent) => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));

  // An error is always followed by 'close', which settles everything.
  ws.on('error', () => undefined);
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Frame;
    if (frame.event) {
      for (const listener of [...eventListeners]) listener(frame.event);
      return;
    }
    const call = typeof frame.id === 'number' ? pending.get(frame.id) : undefined;
    if (!call) return;
    pending.delete(frame.id as number);
    if (frame.error) call.reject(new HostError(frame.error.code, frame.error.message, frame.error.details));
    else call.resolve(frame.result);
  });
  ws.once('close', () => {
    const lost = new HostError('not_running', 'The dspatch host serving this data folder stopped before it answered.');
    for (const call of pending.values()) call.reject(lost);
    pending.clear();
    for (const listener of [...connectionListeners]) listener(false);
  });

  return {
    call<M extends HostMethod>(method: M, request: HostRequest<M>): Promise<HostResponses[M]> {
      if (ws.readyState !== ws.OPEN) {
        return Promise.reject(new HostError('not_running', 'The dspatch host serving this data folder has stopped.'));
      }
      const id = nextId++;
      return new Promise<HostResponses[M]>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
        ws.send(JSON.stringify({ id, method, params: request }));
      });
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    async close() {
      ws.close();
      await closed;
    },
  };
}
