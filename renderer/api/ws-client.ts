// Browser-mode transport: one WebSocket carrying the HostApi as JSON frames.
//   client → host  {id, method, params}
//   host → client  {id, result} | {id, error} | {event}
// The socket reconnects with backoff. Calls already sent when it drops are rejected (their outcome
// is unknown); calls made while it is down wait for the next connection, for a while.
import type {
  HostClient,
  HostErrorPayload,
  HostEvent,
  HostMethod,
  HostRequest,
  HostResponses,
} from '../../electron/api/contract';
import { HostCallError } from './host-call-error';

/** The host closes with this code after a message over its size limit. */
const CLOSE_TOO_LARGE = 1009;

const BACKOFF_MS = [300, 1000, 2000, 4000, 8000, 12000];
/** How long a call made while disconnected waits for the connection to come back. */
const QUEUED_CALL_TIMEOUT_MS = 20_000;

interface PendingCall {
  id: number;
  frame: string;
  resolve: (value: unknown) => void;
  reject: (error: HostCallError) => void;
  timer: ReturnType<typeof setTimeout> | null;
}

export function apiSocketUrl(location: Location, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/api?token=${encodeURIComponent(token)}`;
}

export class WsHostClient implements HostClient {
  private socket: WebSocket | null = null;
  private connected = false;
  private authFailed = false;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private nextId = 1;
  /** Sent, waiting for a reply. */
  private readonly inflight = new Map<number, PendingCall>();
  /** Not sent yet because the socket is not open. */
  private readonly queued = new Map<number, PendingCall>();
  private readonly eventListeners = new Set<(event: HostEvent) => void>();
  private readonly connectionListeners = new Set<(connected: boolean) => void>();
  private readonly authListeners = new Set<() => void>();

  constructor(private readonly url: string) {
    this.open();
    // A laptop waking up or a network coming back should not wait out the backoff.
    window.addEventListener('online', () => this.reconnectNow());
  }

  call<M extends HostMethod>(method: M, request: HostRequest<M>): Promise<HostResponses[M]> {
    if (this.authFailed) {
      return Promise.reject(
        new HostCallError('unauthorized', 'This page is not authorized to talk to dspatch.'),
      );
    }
    const id = this.nextId++;
    const frame = JSON.stringify({ id, method, params: request });
    return new Promise<HostResponses[M]>((resolve, reject) => {
      const pending: PendingCall = {
        id,
        frame,
        resolve: resolve as (value: unknown) => void,
        reject,
        timer: null,
      };
      if (this.connected && this.socket?.readyState === WebSocket.OPEN) {
        this.inflight.set(id, pending);
        this.socket.send(frame);
        return;
      }
      pending.timer = setTimeout(() => {
        this.queued.delete(id);
        reject(
          new HostCallError('disconnected', 'dspatch is not reachable right now. Try again in a moment.'),
        );
      }, QUEUED_CALL_TIMEOUT_MS);
      this.queued.set(id, pending);
    });
  }

  onEvent(listener: (event: HostEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onConnectionChange(listener: (connected: boolean) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  /** Fires once when the host refuses the token; the client then stops reconnecting. */
  onAuthFailure(listener: () => void): () => void {
    this.authListeners.add(listener);
    if (this.authFailed) listener();
    return () => this.authListeners.delete(listener);
  }

  isConnected(): boolean {
    return this.connected;
  }

  private open(): void {
    if (this.authFailed) return;
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      opened = true;
      this.attempt = 0;
      this.setConnected(true);
      for (const pending of this.queued.values()) {
        if (pending.timer) clearTimeout(pending.timer);
        pending.timer = null;
        this.inflight.set(pending.id, pending);
        socket.send(pending.frame);
      }
      this.queued.clear();
    };
    socket.onmessage = (message) => {
      if (this.socket === socket) this.receive(message.data);
    };
    socket.onclose = (close) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.dropInflight(close.code === CLOSE_TOO_LARGE);
      this.setConnected(false);
      if (opened) this.scheduleReconnect();
      else void this.reconnectUnlessRefused();
    };
    // onclose always follows onerror; nothing to do here.
    socket.onerror = () => undefined;
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (!frame || typeof frame !== 'object') return;
    const record = frame as Record<string, unknown>;
    if (typeof record.id === 'number') {
      const pending = this.inflight.get(record.id);
      if (!pending) return;
      this.inflight.delete(record.id);
      if (record.error && typeof record.error === 'object') {
        pending.reject(HostCallError.fromPayload(record.error as HostErrorPayload));
      } else {
        pending.resolve(record.result);
      }
      return;
    }
    if (record.event && typeof record.event === 'object') {
      const event = record.event as HostEvent;
      for (const listener of [...this.eventListeners]) {
        try {
          listener(event);
        } catch (error) {
          // One broken view must not stop the others from seeing the event.
          console.error('event listener failed', error);
        }
      }
    }
  }

  /**
   * The host refuses a bad token with HTTP 401 before the WebSocket handshake, and a browser reports
   * that only as a failed connection. The same URL over plain HTTP shows the status.
   */
  private async reconnectUnlessRefused(): Promise<void> {
    try {
      const response = await fetch(this.url.replace(/^ws/, 'http'), { cache: 'no-store' });
      if (response.status === 401) {
        this.failAuth();
        return;
      }
    } catch {
      // The host is not reachable: keep trying.
    }
    this.scheduleReconnect();
  }

  private dropInflight(tooLarge: boolean): void {
    const lost = tooLarge
      ? new HostCallError(
          'too_large',
          'dspatch refused a request this large. Send less at once, e.g. a shorter prompt or file.',
        )
      : new HostCallError(
          'disconnected',
          'The connection to dspatch was lost before it answered. Try again.',
        );
    for (const pending of this.inflight.values()) pending.reject(lost);
    this.inflight.clear();
  }

  private failAuth(): void {
    this.authFailed = true;
    this.setConnected(false);
    const refused = new HostCallError('unauthorized', 'This page is not authorized to talk to dspatch.');
    for (const pending of this.queued.values()) {
      if (pending.timer) clearTimeout(pending.timer);
      pending.reject(refused);
    }
    this.queued.clear();
    for (const listener of [...this.authListeners]) listener();
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    for (const listener of [...this.connectionListeners]) listener(connected);
  }

  private scheduleReconnect(): void {
    if (this.authFailed || this.reconnectTimer) return;
    const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt++;
    const delay = base + Math.floor(Math.random() * 250);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.open();
    }, delay);
  }

  private reconnectNow(): void {
    if (this.connected || this.authFailed || !this.reconnectTimer) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.open();
  }
}
