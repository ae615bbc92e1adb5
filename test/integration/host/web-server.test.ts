// Browser mode's server with a real host, a real HTTP listener and real WebSocket clients (`ws`):
// token, Host and Origin checks, the request/response frames, events, bad frames, static files, CSP.
// Hostile input (raw frames, floods of bad requests) is in test/integration/hostile/ws-server.test.ts.
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebServer, type WebServer } from '../../../electron/serve/web-server';
import {
  cleanupHarness,
  scratchDir,
  singleAgentYaml,
  startHost,
  workspaceDir,
  type TestHost,
} from '../../helpers/host-harness';

const INDEX_HTML = '<!doctype html><title>dspatch test</title><p>renderer stand-in</p>';
const TOKEN = 'test-token-0123456789';

let t: TestHost;
let server: WebServer;
let rendererDir: string;

beforeEach(async () => {
  t = await startHost();
  const root = scratchDir('dspatch-it-web-');
  rendererDir = join(root, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), INDEX_HTML);
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("app")');
  // A file beside the renderer folder that no URL may reach.
  writeFileSync(join(root, 'secret.txt'), 'outside the renderer');
  server = await startWebServer({ host: t.host, rendererDir, bindHost: '127.0.0.1', port: 0, token: TOKEN });
});

afterEach(async () => {
  await server.close();
  await cleanupHarness();
});

interface Frame {
  id?: string | number | null;
  result?: unknown;
  error?: { code: string; message: string };
  event?: { type: string };
}

/** A connected client that collects frames and can wait for one. */
async function connect(token = TOKEN): Promise<{
  ws: WebSocket;
  frames: Frame[];
  next(test: (frame: Frame) => boolean): Promise<Frame>;
  call(method: string, params?: unknown): Promise<Frame>;
}> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${encodeURIComponent(token)}`);
  const frames: Frame[] = [];
  const waiters: { test: (frame: Frame) => boolean; resolve: (frame: Frame) => void }[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Frame;
    frames.push(frame);
    for (const waiter of [...waiters]) {
      if (waiter.test(frame)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = (test: (frame: Frame) => boolean) =>
    new Promise<Frame>((resolve) => {
      const found = frames.find(test);
      if (found) resolve(found);
      else waiters.push({ test, resolve });
    });
  let lastId = 0;
  const call = (method: string, params?: unknown) => {
    const id = ++lastId;
    ws.send(JSON.stringify({ id, method, params }));
    return next((frame) => frame.id === id);
  };
  return { ws, frames, next, call };
}

/** How the server ended an attempt: a close code after upgrade, or an HTTP status instead of one. */
function attempt(
  url: string,
  options: WebSocket.ClientOptions = {},
): Promise<{ closeCode?: number; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, options);
    ws.on('unexpected-response', (_request, response) => {
      resolve({ status: response.statusCode });
      ws.terminate();
    });
    ws.on('close', (code) => resolve({ closeCode: code }));
    ws.on('error', () => undefined);
  });
}

function get(
  path: string,
  headers: Record<string, string> = {},
  port = server.port,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    // http.request sends the path as written: `..` is not normalized away by the client.
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web server: WebSocket /api', () => {
  it('refuses an upgrade without a token or with a wrong one with HTTP 401, before any WebSocket exists', async () => {
    expect(await attempt(`ws://127.0.0.1:${server.port}/api`)).toEqual({ status: 401 });
    expect(await attempt(`ws://127.0.0.1:${server.port}/api?token=wrong`)).toEqual({ status: 401 });
    expect(await attempt(`ws://127.0.0.1:${server.port}/api?token=${TOKEN.slice(0, -1)}`)).toEqual({
      status: 401,
    });
  });

  it('tells a plain HTTP request to /api whether its token is good (the renderer asks after a failed connection)', async () => {
    const refused = await get('/api?token=wrong');
    expect(refused.status).toBe(401);
    expect(refused.body).toMatch(/access token is required.*dspatch serve/);
    expect((await get('/api')).status).toBe(401);
    const accepted = await get(`/api?token=${TOKEN}`);
    expect(accepted.status).toBe(426);
    expect(accepted.headers.upgrade).toBe('websocket');
  });

  it('refuses an upgrade from a foreign Origin with 403, even with the right token', async () => {
    const url = `ws://127.0.0.1:${server.port}/api?token=${TOKEN}`;
    expect(await attempt(url, { origin: 'http://evil.example' })).toEqual({ status: 403 });
    expect(await attempt(url, { origin: `http://127.0.0.1:${server.port + 1}` })).toEqual({ status: 403 });
    // Our own page's origin is welcome.
    const ours = new WebSocket(url, { origin: `http://127.0.0.1:${server.port}` });
    await new Promise((resolve, reject) => (ours.once('open', resolve), ours.once('error', reject)));
    ours.close();
  });

  it('refuses upgrades on any other path', async () => {
    expect(await attempt(`ws://127.0.0.1:${server.port}/other?token=${TOKEN}`)).toEqual({ status: 404 });
  });

  it('accepts the loopback names the page may be opened at, and refuses any other Host with 421', async () => {
    const url = `ws://127.0.0.1:${server.port}/api?token=${TOKEN}`;
    for (const host of [`localhost:${server.port}`, `[::1]:${server.port}`, `LOCALHOST:${server.port}`]) {
      const ws = new WebSocket(url, { headers: { Host: host }, origin: `http://${host.toLowerCase()}` });
      await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
      ws.close();
    }
    for (const host of ['evil.example', `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`]) {
      expect(await attempt(url, { headers: { Host: host } })).toEqual({ status: 421 });
    }
  });

  it('answers requests and pushes events to a valid client', async () => {
    const client = await connect();
    expect(await client.call('workspaces.list', {})).toEqual({ id: 1, result: [] });

    const dir = workspaceDir(singleAgentYaml('over-the-wire', 'echo', 'echo'));
    const added = await client.call('workspaces.add', { dir });
    expect(added.result).toMatchObject({ name: 'over-the-wire', dir });
    await client.next((frame) => frame.event?.type === 'workspaces.changed');

    const list = await client.call('workspaces.list', {});
    expect(list.result).toEqual([expect.objectContaining({ name: 'over-the-wire' })]);
    client.ws.close();
  });

  it('replies to bad frames with an error and keeps the connection usable', async () => {
    const client = await connect();
    client.ws.send('{not json');
    expect(await client.next((frame) => frame.id === null)).toEqual({
      id: null,
      error: { code: 'bad_request', message: 'A frame was not valid JSON.' },
    });

    client.ws.send(JSON.stringify({ id: 'no-method' }));
    expect(await client.next((frame) => frame.id === 'no-method')).toMatchObject({
      error: { code: 'bad_request' },
    });

    client.ws.send(JSON.stringify({ id: 'bad-params', method: 'sessions.open', params: { sessionId: 5 } }));
    expect(await client.next((frame) => frame.id === 'bad-params')).toMatchObject({
      error: { code: 'bad_request' },
    });

    client.ws.send(JSON.stringify({ id: 'unknown', method: 'process.exit', params: {} }));
    expect(await client.next((frame) => frame.id === 'unknown')).toMatchObject({
      error: { code: 'bad_request' },
    });

    client.ws.send('null');
    client.ws.send('[]');
    client.ws.send('42');

    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    expect(await client.call('app.info', {})).toMatchObject({ result: { mode: 'browser' } });
    client.ws.close();
  });
});

describe('web server: static files', () => {
  it('serves index.html at / with a CSP header', async () => {
    const response = await get('/');
    expect(response.status).toBe(200);
    expect(response.body).toBe(INDEX_HTML);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    // The page may open WebSockets only to its own host, whichever allowed name it was opened at.
    const connectSrc = (csp: unknown) => /connect-src ([^;]*)/.exec(String(csp))?.[1];
    expect(connectSrc(response.headers['content-security-policy'])).toBe(
      `'self' ws://127.0.0.1:${server.port} wss://127.0.0.1:${server.port}`,
    );
    const viaLocalhost = await get('/', { Host: `localhost:${server.port}` });
    expect(connectSrc(viaLocalhost.headers['content-security-policy'])).toBe(
      `'self' ws://localhost:${server.port} wss://localhost:${server.port}`,
    );

    const asset = await get('/assets/app.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/^text\/javascript/);
  });

  it.each([
    '/../../etc/passwd',
    '/../secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/%00',
    '/index.html%00.js',
    '/assets',
    '/no-such-file.js',
  ])('answers 404 for %s', async (path) => {
    const response = await get(path);
    expect(response.status).toBe(404);
    expect(response.body).not.toContain('outside the renderer');
    expect(response.body).not.toContain('root:');
  });

  it('answers a foreign Host (a DNS-rebinding page) with 421 and a reason, not the app', async () => {
    for (const host of [
      'evil.example',
      `evil.example:${server.port}`,
      `attacker.test:${server.port}`,
      'a b',
    ]) {
      const response = await get('/', { Host: host });
      expect(response.status).toBe(421);
      expect(response.body).not.toContain(INDEX_HTML);
      expect(response.body).toMatch(/does not answer to .*--public-url/);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
    }
  });

  it('allows only GET and HEAD', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: server.port, path: '/', method: 'POST' },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('x');
    });
    expect(status).toBe(405);
  });
});

describe('web server: startup', () => {
  it('says the port is in use and suggests --port', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(
        startWebServer({ host: t.host, rendererDir, bindHost: '127.0.0.1', port }),
      ).rejects.toThrow(
        new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use\\. Pick another with --port`),
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('bound to every interface without --public-url, answers only at loopback and says what to do', async () => {
    const wide = await startWebServer({
      host: t.host,
      rendererDir,
      bindHost: '0.0.0.0',
      port: 0,
      token: TOKEN,
    });
    try {
      expect(wide.url).toBe(`http://127.0.0.1:${wide.port}/?token=${TOKEN}`);
      expect(wide.warning).toMatch(/421 Misdirected Request.*--public-url http:\/\/ADDRESS:\d+/);
      expect((await get('/', { Host: `192.0.2.7:${wide.port}` }, wide.port)).status).toBe(421);
      expect((await get('/', {}, wide.port)).status).toBe(200);
    } finally {
      await wide.close();
    }
  });

  it('with --public-url, answers at that address, accepts its Origin and prints it', async () => {
    const wide = await startWebServer({
      host: t.host,
      rendererDir,
      bindHost: '0.0.0.0',
      port: 0,
      token: TOKEN,
      publicUrl: 'https://dspatch.example.test',
    });
    try {
      expect(wide.url).toBe(`https://dspatch.example.test/?token=${TOKEN}`);
      expect(wide.warning).toMatch(/anyone who can reach https:\/\/dspatch\.example\.test/);
      const page = await get('/', { Host: 'dspatch.example.test' }, wide.port);
      expect(page.status).toBe(200);
      expect(page.headers['content-security-policy']).toContain('wss://dspatch.example.test;');
      const url = `ws://127.0.0.1:${wide.port}/api?token=${TOKEN}`;
      const ws = new WebSocket(url, {
        headers: { Host: 'dspatch.example.test' },
        origin: 'https://dspatch.example.test',
      });
      await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
      ws.close();
      expect(await attempt(url, { headers: { Host: 'other.example.test' } })).toEqual({ status: 421 });
    } finally {
      await wide.close();
    }
  });

  it.each([
    '192.168.1.5:7450',
    'ftp://example.test',
    'http://example.test/app',
    'http://user:pw@example.test',
  ])('refuses --public-url %s, saying what it must look like', async (publicUrl) => {
    await expect(
      startWebServer({ host: t.host, rendererDir, bindHost: '127.0.0.1', port: 0, publicUrl }),
    ).rejects.toThrow(
      /--public-url must be an http or https address with only a host and port, like http:\/\//,
    );
  });

  it('refuses to start without a built renderer, saying how to build it', async () => {
    await expect(
      startWebServer({
        host: t.host,
        rendererDir: join(rendererDir, 'missing'),
        bindHost: '127.0.0.1',
        port: 0,
      }),
    ).rejects.toThrow(/not built.*npm run build/);
  });
});
