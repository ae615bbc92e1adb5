// The HostApi over a WebSocket, as JSON frames, for every socket client of the host:
//   client → host  {id, method, params}
//   host → client  {id, result} | {id, error} | {event}
// Browser mode carries it at /api (web-server.ts); the control endpoint carries it for other dspatch
// processes on this machine: the CLI, while the desktop app or `dspatch serve` holds the data folder,
// uses that host instead of opening the database beside it (ARCHITECTURE §2, control-client.ts).
//
// The control endpoint is <dataDir>/host.sock (mode 0600, in the 0700 data folder), on Windows a named
// pipe named after the data folder. Its file permissions are the authentication: only this user can
// connect, so no token is asked. No browser can reach a local socket, and a request that carries an
// Origin header (a browser's mark) is refused all the same.
import { createHash } from 'node:crypto';
import { chmodSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import * as z from 'zod';
import type { HostEvent } from '../api/contract';
import type { Host } from '../host/host';
import type { Logger } from '../host/logger';

/**
 * The largest message a client may send. contract.ts bounds every request field so that the largest
 * valid request, JSON-encoded with every character escaped (6 bytes a UTF-16 unit), fits; the
 * hostile WebSocket test computes that bound over the whole request table and checks it.
 */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** Ids are echoed in replies, so they are bounded too. */
export const MAX_REQUEST_ID_CHARS = 100;
/** A client that reads slower than the host writes gets dropped, not buffered without bound. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
/** The close code ws uses when a message exceeds maxPayload. */
const CLOSE_TOO_LARGE = 1009;
const TOO_LARGE_REPLY = JSON.stringify({
  id: null,
  error: {
    code: 'too_large',
    message: `A request was larger than ${MAX_FRAME_BYTES / (1024 * 1024)} MiB, the most dspatch accepts in one message, so the connection was closed. Send less at once (a shorter prompt or file).`,
  },
});

const requestFrame = z.object({
  id: z.union([z.number().int().safe(), z.string().min(1).max(MAX_REQUEST_ID_CHARS)]),
  method: z.string(),
  params: z.unknown(),
});

/** ws ends a connection whose message is over maxPayload with close(1009) and no word to the client: say why first. */
export class ApiSocket extends WebSocket {
  override close(code?: number, reason?: string | Buffer): void {
    if (code === CLOSE_TOO_LARGE && this.readyState === WebSocket.OPEN) this.send(TOO_LARGE_REPLY);
    super.close(code, reason);
  }
}

/** Where the host holding `dataDir` listens for other dspatch processes. */
export function controlEndpoint(dataDir: string): string {
  if (process.platform === 'win32') {
    const digest = createHash('sha256').update(resolve(dataDir).toLowerCase()).digest('hex').slice(0, 32);
    return `\\\\.\\pipe\\dspatch-${digest}`;
  }
  return join(resolve(dataDir), 'host.sock');
}

/** Each event's frame, encoded once however many clients it goes to. */
const eventFrames = new WeakMap<HostEvent, string>();

function eventFrame(event: HostEvent): string {
  let frame = eventFrames.get(event);
  if (frame === undefined) eventFrames.set(event, (frame = JSON.stringify({ event })));
  return frame;
}

/**
 * Relays requests from one socket client to the host, and every host event to the client. `raw` is the
 * connection under `ws`: the events of one tick (a write tick sends one per streaming session) are
 * corked on it and leave in one write, not one system call each.
 */
export function serveClient(host: Host, ws: WebSocket, logger: Logger, raw: Duplex): void {
  // ws has already closed the connection with the matching code (1002 protocol, 1007 bad UTF-8, 1009 too large).
  ws.on('error', (error: Error & { code?: string }) =>
    logger.warn({ code: error.code, reason: error.message }, 'A WebSocket client broke the protocol; its connection was closed'),
  );
  let corked = false;
  const uncork = () => {
    corked = false;
    raw.uncork();
  };
  const sendText = (text: string) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.close(1013, 'Client too slow');
      return;
    }
    ws.send(text);
  };
  const send = (payload: unknown) => sendText(JSON.stringify(payload));
  const unsubscribe = host.onEvent((event: HostEvent) => {
    if (!corked && ws.readyState === WebSocket.OPEN) {
      corked = true;
      raw.cork();
      process.nextTick(uncork);
    }
    sendText(eventFrame(event));
  });
  ws.on('close', unsubscribe);

  const answer = async (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      send({ id: null, error: { code: 'bad_request', message: 'Requests are text frames holding JSON; a binary frame was ignored.' } });
      return;
    }
    let frame: unknown;
    try {
      frame = JSON.parse(data.toString());
    } catch {
      send({ id: null, error: { code: 'bad_request', message: 'A frame was not valid JSON.' } });
      return;
    }
    const request = requestFrame.safeParse(frame);
    if (!request.success) {
      const id = requestFrame.shape.id.safeParse((frame as { id?: unknown } | null)?.id);
      send({
        id: id.success ? id.data : null,
        error: {
          code: 'bad_request',
          message: `A request is a JSON object {id, method, params}, its id a number or a string of at most ${MAX_REQUEST_ID_CHARS} characters.`,
        },
      });
      return;
    }
    const { id, method, params } = request.data;
    const envelope = await host.handle(method, params ?? {});
    send(envelope.ok ? { id, result: envelope.result } : { id, error: envelope.error });
  };
  ws.on('message', (data, isBinary) => {
    answer(data, isBinary).catch((error: unknown) => logger.error({ err: error }, 'Answering a WebSocket request failed'));
  });
}

export interface ControlServer {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Opens the control endpoint of `host`, which holds `dataDir`. A socket file already there was left by
 * a host that died (the data folder's lock is ours), so it is replaced.
 */
export async function startControlServer(host: Host, dataDir: string): Promise<ControlServer> {
  const endpoint = controlEndpoint(dataDir);
  const posix = process.platform !== 'win32';
  if (posix) rmSync(endpoint, { force: true });
  const server = createServer((_request, response) => {
    response.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8' }).end('This socket speaks the HostApi over WebSocket only.');
  });
  const logger = host.services.logger;
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, WebSocket: ApiSocket });
  sockets.on('error', (error) => logger.warn({ err: error }, 'The control socket server reported an error'));
  server.on('upgrade', (request, socket: Duplex, head: Buffer) => {
    socket.on('error', (error: NodeJS.ErrnoException) => logger.debug({ code: error.code }, 'A control connection failed during its handshake'));
    if (request.headers.origin !== undefined) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\nBrowsers may not use the control socket.\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => serveClient(host, ws, logger, socket));
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`Could not open the control socket ${endpoint} (${error.code ?? error.message}).`)),
    );
    server.listen(endpoint, () => resolvePromise());
  });
  // The socket is created with the umask's mode; the 0700 folder already keeps others out meanwhile.
  if (posix) chmodSync(endpoint, 0o600);
  return {
    endpoint,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      // Closing removes the socket file.
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
