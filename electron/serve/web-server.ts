// Browser mode: serves the built renderer over HTTP and the HostApi over one WebSocket at /api.
// The WebSocket needs the access token printed with the URL, and browsers must come from our origin.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { HostEvent } from '../api/contract';
import type { Host } from '../host/host';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors 'none'";
/** A frame larger than this is refused: no request needs more than a long prompt. */
const MAX_FRAME_BYTES = 4 * 1024 * 1024;
/** A client that reads slower than the host writes gets dropped, not buffered without bound. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
export const CLOSE_UNAUTHORIZED = 4401;

export interface WebServerOptions {
  host: Host;
  rendererDir: string;
  bindHost: string;
  port: number;
  token?: string;
}

export interface WebServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const rendererDir = resolve(options.rendererDir);
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`The renderer is not built (${join(rendererDir, 'index.html')} is missing). Run \`npm run build\` first.`);
  }
  const server = createServer((request, response) => serveStatic(rendererDir, request, response));
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  let allowedOrigins = new Set<string>();

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const origin = request.headers.origin;
    // Non-browser clients send no Origin; browsers always do, and only our page may connect.
    if (url.pathname !== '/api' || (origin !== undefined && !allowedOrigins.has(origin))) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      if (!sameToken(url.searchParams.get('token'), token)) {
        ws.close(CLOSE_UNAUTHORIZED, 'A valid access token is required');
        return;
      }
      serveClient(options.host, ws);
    });
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(new Error(`Port ${options.port} on ${options.bindHost} is already in use. Pick another with --port N (0 picks a free one).`));
      } else if (error.code === 'EACCES') {
        reject(new Error(`Not allowed to listen on ${options.bindHost}:${options.port}. Use a port above 1024.`));
      } else reject(error);
    });
    server.listen(options.port, options.bindHost, () => resolvePromise());
  });
  const port = (server.address() as { port: number }).port;
  const displayHost = options.bindHost === '0.0.0.0' || options.bindHost === '::' ? '127.0.0.1' : options.bindHost;
  const base = `http://${displayHost.includes(':') ? `[${displayHost}]` : displayHost}:${port}`;
  allowedOrigins = new Set([base, `http://localhost:${port}`, `http://127.0.0.1:${port}`]);

  return {
    url: `${base}/?token=${token}`,
    port,
    token,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

function serveClient(host: Host, ws: WebSocket): void {
  const send = (payload: unknown) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.close(1013, 'Client too slow');
      return;
    }
    ws.send(JSON.stringify(payload));
  };
  const unsubscribe = host.onEvent((event: HostEvent) => send({ event }));
  ws.on('close', unsubscribe);
  ws.on('message', async (data) => {
    let frame: unknown;
    try {
      frame = JSON.parse(data.toString());
    } catch {
      send({ id: null, error: { code: 'bad_request', message: 'A frame was not valid JSON.' } });
      return;
    }
    const { id, method, params } = (frame ?? {}) as { id?: unknown; method?: unknown; params?: unknown };
    if ((typeof id !== 'number' && typeof id !== 'string') || typeof method !== 'string') {
      send({ id: typeof id === 'number' || typeof id === 'string' ? id : null, error: { code: 'bad_request', message: 'A request needs an id and a method.' } });
      return;
    }
    const envelope = await host.handle(method, params ?? {});
    send(envelope.ok ? { id, result: envelope.result } : { id, error: envelope.error });
  });
}

function serveStatic(rendererDir: string, request: IncomingMessage, response: ServerResponse): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const pathname = decodeURIComponentSafe(new URL(request.url ?? '/', 'http://localhost').pathname);
  const relativePath = pathname === '/' || pathname === null ? 'index.html' : normalize(pathname).replace(/^([/\\])+/, '');
  const file = resolve(rendererDir, relativePath);
  if (!file.startsWith(rendererDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
    return;
  }
  response.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
  });
  if (request.method === 'HEAD') response.end();
  else createReadStream(file).pipe(response);
}

function decodeURIComponentSafe(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

function sameToken(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
