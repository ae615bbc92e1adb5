// Browser mode: serves the built renderer over HTTP, the HostApi over one WebSocket at /api, and the
// Acontext-compatible API at /api/v1 (acontext-http.ts, with its own key instead of the token).
// Every request passes the access policy first (Host, Origin, and for /api the token), before any
// WebSocket handshake, so a caller without the token never gets a socket to send frames on. Every
// socket and server error is handled: nothing a client sends can end the host.
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pipeline, type Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Host } from '../host/host';
import type { Logger } from '../host/logger';
import { createAccessPolicy, parsePublicUrl, type Refusal } from './access-policy';
import { API_V1, createAcontextHandler, isApiV1, sendRefusal } from './acontext-http';
import { ApiSocket, MAX_FRAME_BYTES, serveClient } from './host-socket';

/** The frame limits of /api, shared with the control socket. */
export { MAX_FRAME_BYTES, MAX_REQUEST_ID_CHARS } from './host-socket';

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
const API_PATH = '/api';
export interface WebServerOptions {
  host: Host;
  rendererDir: string;
  bindHost: string;
  port: number;
  token?: string;
  /** The address people open when it is not this machine's loopback, e.g. http://192.168.1.5:7450. */
  publicUrl?: string;
}

export interface WebServer {
  /** The URL to open, with the access token. */
  url: string;
  port: number;
  token: string;
  /** Something the person starting the server must know about who can reach it, or null. */
  warning: string | null;
  close(): Promise<void>;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const publicUrl = options.publicUrl === undefined ? null : parsePublicUrl(options.publicUrl);
  const rendererDir = resolve(options.rendererDir);
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(
      `The renderer is not built (${join(rendererDir, 'index.html')} is missing). Run \`npm run build\` first.`,
    );
  }
  const logger = options.host.services.logger;
  const server = createServer();
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new Error(
            `Port ${options.port} on ${options.bindHost} is already in use. Pick another with --port N (0 picks a free one).`,
          ),
        );
      } else if (error.code === 'EACCES') {
        reject(
          new Error(`Not allowed to listen on ${options.bindHost}:${options.port}. Use a port above 1024.`),
        );
      } else reject(error);
    });
    server.listen(options.port, options.bindHost, () => resolvePromise());
  });
  // A listening server's errors (e.g. too many open files on accept) are logged, not fatal.
  server.on('error', (error) =>
    logger.error({ err: error }, 'The browser-mode HTTP server reported an error'),
  );
  const port = (server.address() as { port: number }).port;
  // The handlers below are attached in the same turn as listening ends, before any request is read.
  const policy = createAccessPolicy({ bindHost: options.bindHost, port, token, publicUrl });

  const acontext = createAcontextHandler(options.host);
  options.host.services.acontext.servedAt(`${policy.origin}${API_V1}`);

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const { pathname, token: given } = parseTarget(request.url);
    if (isApiV1(pathname)) {
      // The Acontext API: the same Host allow-list, then its own key; it refuses any Origin itself.
      const refusal = policy.checkRequest({ host: request.headers.host });
      if (refusal) sendRefusal(response, refusal.status, refusal.reason);
      else acontext(request, response, pathname, request.url?.split('?')[1] ?? '');
      return;
    }
    const refusal =
      policy.checkRequest(request.headers) ?? (pathname === API_PATH ? policy.checkToken(given) : null);
    if (refusal) {
      response.writeHead(refusal.status, PLAIN_TEXT).end(`${refusal.reason}\n`);
    } else if (pathname === API_PATH) {
      // The renderer asks here why its WebSocket failed: a browser hides the status of a refused upgrade.
      response
        .writeHead(426, { ...PLAIN_TEXT, Upgrade: 'websocket' })
        .end('This address takes WebSocket connections only.\n');
    } else {
      serveStatic(
        rendererDir,
        pathname,
        request,
        response,
        policy.contentSecurityPolicy(request.headers),
        logger,
      );
    }
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, WebSocket: ApiSocket });
  sockets.on('error', (error) => logger.warn({ err: error }, 'The WebSocket server reported an error'));
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node gives an upgrading socket no error listener; a reset mid-handshake must not end the host.
    socket.on('error', (error: NodeJS.ErrnoException) =>
      logger.debug({ code: error.code }, 'A connection failed during the WebSocket handshake'),
    );
    const { pathname, token: given } = parseTarget(request.url);
    const refusal =
      policy.checkRequest(request.headers) ??
      (pathname === API_PATH
        ? policy.checkToken(given)
        : { status: 404, reason: `WebSocket connections are served only at ${API_PATH}.` });
    if (refusal) {
      writeRawResponse(socket, refusal.status, refusal.reason);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => serveClient(options.host, ws, logger, socket));
  });

  // Malformed HTTP (garbage bytes, oversized headers, resets): answer as Node would, and log it.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    logger.debug({ code: error.code }, 'Refused a malformed HTTP request');
    const answered = socket instanceof Socket && socket.bytesWritten > 0;
    if (!socket.writable || answered || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const status =
      error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    writeRawResponse(socket, status, 'The request was not valid HTTP.');
  });

  return {
    url: `${policy.origin}/?token=${token}`,
    port,
    token,
    warning: policy.warning,
    async close() {
      options.host.services.acontext.servedAt(null);
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await closed;
    },
  };
}

const PLAIN_TEXT = { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' };

/** An HTTP answer written straight to a socket that has no response object (upgrades, parse errors). */
function writeRawResponse(socket: Duplex, status: Refusal['status'] | 400 | 408 | 431, reason: string): void {
  const body = `${reason}\n`;
  // Closing right after the answer is flushed, as ws does for the handshakes it refuses.
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** The path and access token of a request target, without URL parsing that could throw on a hostile one. */
function parseTarget(target = '/'): { pathname: string; token: string | null } {
  const mark = target.indexOf('?');
  if (mark === -1) return { pathname: target, token: null };
  return { pathname: target.slice(0, mark), token: new URLSearchParams(target.slice(mark + 1)).get('token') };
}

function serveStatic(
  rendererDir: string,
  rawPath: string,
  request: IncomingMessage,
  response: ServerResponse,
  csp: string,
  logger: Logger,
): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const pathname = decodeURIComponentSafe(rawPath);
  const relativePath = pathname === '/' ? 'index.html' : normalize(pathname ?? '').replace(/^([/\\])+/, '');
  const file = resolve(rendererDir, relativePath);
  if (pathname === null || !file.startsWith(rendererDir + sep) || !isFile(file)) {
    response.writeHead(404, PLAIN_TEXT).end('Not found');
    return;
  }
  response.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
  });
  if (request.method === 'HEAD') response.end();
  else {
    pipeline(createReadStream(file), response, (error) => {
      if (error)
        logger.debug(
          { code: (error as NodeJS.ErrnoException).code, file },
          'A static file was not sent completely',
        );
    });
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function decodeURIComponentSafe(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
