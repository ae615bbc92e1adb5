// The Acontext API over raw HTTP: every bad input gets its status and a message in the envelope
// {code, msg}, and nothing of a refused request is stored. Also the desktop app's own listener.
import { request as httpRequest } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { AcontextClient } from '@acontext/acontext';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiListener, MAX_BODY_BYTES } from '../../../electron/serve/acontext-http';
import { useFakeOpenAI } from '../../helpers/fake-model';
import { extractorEnv, startApiHost, type ApiHost } from '../../helpers/acontext-api';
import { cleanupHarness, startHost, type TestHost } from '../../helpers/host-harness';

const fake = useFakeOpenAI();
let api: ApiHost;
let sessionId: string;

beforeEach(async () => {
  api = await startApiHost(extractorEnv(fake));
  await api.t.host.call('tasks.updateSettings', { maxPending: 100, idleSeconds: 3600 });
  sessionId = ((await call('POST', '/session', {})).body.data as { id: string }).id;
});
afterEach(async () => {
  await api.close();
  await cleanupHarness();
});

interface Reply {
  status: number;
  body: { code: number; msg: string; data?: unknown };
}

/** One request with raw headers and body; `body` an object is sent as JSON, a string as is. */
function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, base = api.baseUrl): Promise<Reply> {
  const url = new URL(base + path);
  const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers: { Authorization: `Bearer ${api.apiKey}`, 'Content-Type': 'application/json', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) as Reply['body'] }));
      },
    );
    // The server may close a refused upload before it is all sent.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    req.end(payload);
  });
}

async function expectRefused(reply: Promise<Reply>, status: number, message: RegExp): Promise<void> {
  const { status: got, body } = await reply;
  expect({ status: got, code: body.code }).toEqual({ status, code: status });
  expect(body.msg).toMatch(message);
}

async function expectNothingStored(): Promise<void> {
  const { body } = await call('GET', `/session/${sessionId}/messages?format=openai`);
  expect(body.data).toMatchObject({ items: [], ids: [], has_more: false });
  const board = await api.t.host.call('tasks.board', { sessionId });
  expect(board.messages).toEqual({ pending: 0, running: 0, success: 0, failed: 0 });
  expect((await api.t.host.call('sessions.open', { sessionId })).entries).toEqual([]);
}

const messages = (id = sessionId) => `/session/${id}/messages`;

describe('bad input to the Acontext API', () => {
  it('refuses malformed JSON, unknown formats, empty and incomplete messages with 400, storing nothing', async () => {
    await expectRefused(call('POST', messages(), '{"blob": {"role": "user", '), 400, /not valid JSON/);
    await expectRefused(call('POST', messages(), { blob: { role: 'user', content: 'hi' }, format: 'gemini' }), 400, /format "gemini" is not taken: use openai, acontext, anthropic/);
    await expectRefused(call('POST', messages(), { blob: { role: 'user', content: '' } }), 400, /no content/);
    await expectRefused(call('POST', messages(), { blob: { role: 'assistant', content: null } }), 400, /no content/);
    await expectRefused(call('POST', messages(), { blob: { role: 'acontext', parts: [] }, format: 'acontext' }), 400, /blob\.role/);
    await expectRefused(call('POST', messages(), { blob: { role: 'user', parts: [] }, format: 'acontext' }), 400, /no content/);
    await expectRefused(call('POST', messages(), { blob: { role: 'tool', content: '42' } }), 400, /tool message needs tool_call_id/);
    await expectRefused(
      call('POST', messages(), { blob: { role: 'assistant', parts: [{ type: 'tool-call', meta: { id: 'c1', arguments: '{}' } }] }, format: 'acontext' }),
      400,
      /tool-call part without meta\.name/,
    );
    await expectRefused(call('POST', messages(), { blob: [{ role: 'user', content: 'two' }] }), 400, /one message/);
    await expectRefused(call('POST', messages(), { blob: { role: 'system', content: 'You are terse.' } }), 400, /System and developer messages are not stored.*configs/);
    await expectRefused(call('POST', messages(), { blob: { role: 'user', content: 'hi' } }, { 'Content-Type': 'multipart/form-data; boundary=x' }), 415, /JSON/);
    await expectNothingStored();
  });

  it('refuses a body over the limit with 413, storing nothing', async () => {
    const huge = JSON.stringify({ blob: { role: 'user', content: 'x'.repeat(MAX_BODY_BYTES) } });
    await expectRefused(call('POST', messages(), huge), 413, /larger than 8 MiB/);
    await expectNothingStored();
  });

  it('answers 404 for an unknown session, also for a conversation of the app', async () => {
    await expectRefused(call('POST', messages('0190aaaa-0000-7000-8000-000000000000'), { blob: { role: 'user', content: 'hi' } }), 404, /Session 0190aaaa-.* does not exist/);
    await expectRefused(call('POST', '/session/nope/flush'), 404, /does not exist/);
    await expectRefused(call('GET', '/session/nope/task'), 404, /does not exist/);
    await expectRefused(call('POST', '/session', { space_id: 'no-such-space' }), 404, /Space no-such-space does not exist/);
  });

  it('answers 503 to a flush while extraction is off and 502 when the pass fails; the messages wait for the next flush', async () => {
    await call('POST', messages(), { blob: { role: 'user', content: 'Fix the login bug' } });
    await api.t.host.call('tasks.updateSettings', { enabled: false });
    await expectRefused(call('POST', `/session/${sessionId}/flush`), 503, /Task extraction is not running.*Settings → Tasks/);
    await api.t.host.call('tasks.updateSettings', { enabled: true });
    fake.setResponder(() => ({ error: { kind: 'http', status: 401, message: 'Incorrect API key provided' } }));
    await expectRefused(call('POST', `/session/${sessionId}/flush`), 502, /refused the API key \(401\)/);
    const status = await call('GET', `/session/${sessionId}/observing_status`);
    expect(status.body.data).toMatchObject({ observed: 0, failed: 1 });
  });

  it('refuses a missing or wrong key with 401, a browser with 403, another Host with 421', async () => {
    await expectRefused(call('GET', '/session', undefined, { Authorization: '' }), 401, /Unauthorized/);
    await expectRefused(call('GET', '/session', undefined, { Authorization: `Bearer ${api.apiKey}x` }), 401, /Unauthorized/);
    await expectRefused(call('GET', '/session', undefined, { Authorization: api.apiKey }), 401, /Bearer/);
    // Even the app's own page may not: the API is for programs.
    await expectRefused(call('GET', '/session', undefined, { Origin: `http://127.0.0.1:${api.server.port}` }), 403, /Origin/);
    await expectRefused(call('GET', '/ping', undefined, { Host: 'evil.example:80' }), 421, /does not answer/);
  });

  it('answers unknown endpoints 404, spaces-era extras 501, wrong methods 405, bad queries and cursors 400', async () => {
    await expectRefused(call('GET', '/nothing'), 404, /no endpoint/);
    await expectRefused(call('GET', '/space/x/experience_search?query=a'), 501, /not available/);
    await expectRefused(call('GET', '/block'), 501, /not available/);
    await expectRefused(call('PATCH', '/session'), 405, /use GET or POST/);
    await expectRefused(call('GET', '/session?limit=500'), 400, /limit/);
    await expectRefused(call('GET', `${messages()}?cursor=bm9wZQ`), 400, /cursor/);
    await expectRefused(call('GET', `${messages()}?edit_strategies=[]`), 501, /edit_strategies/);
  });
});

describe('the desktop listener', () => {
  it('serves the API on its own 127.0.0.1 port, only under /api/v1 and only to its own Host', async () => {
    const listener = createApiListener(() => api.t.host);
    const base = await listener.listen(0);
    try {
      const client = new AcontextClient({ apiKey: api.apiKey, baseUrl: base });
      expect(await client.ping()).toBe('pong');
      expect((await client.sessions.list()).items.map((s) => s.id)).toEqual([sessionId]);
      await expectRefused(call('GET', '/', undefined, {}, base.replace('/api/v1', '')), 404, /Acontext API only/);
      await expectRefused(call('GET', '/ping', undefined, { Host: 'localhost.evil:80' }, base), 421, /does not answer/);
    } finally {
      await listener.close();
    }
  });

  it('is not a setting in browser mode, where the app serves the API on its port', async () => {
    expect(await api.t.host.call('acontext.settings', {})).toEqual({ servedBy: 'app', enabled: true, port: 8029, baseUrl: api.baseUrl, error: null });
    await expect(api.t.host.call('acontext.updateSettings', { enabled: true })).rejects.toThrow(/served with the app/);
  });
});

describe('the desktop setting', () => {
  it('opens the listener when turned on, says when the port is taken, and closes it when turned off', async () => {
    // As main.ts wires it: the listener reads the host once it exists.
    let created: TestHost | null = null;
    const desktop = await startHost({ apiListener: createApiListener(() => created?.host ?? null) });
    created = desktop;
    await desktop.host.services.acontext.start();
    expect(await desktop.host.call('acontext.settings', {})).toEqual({ servedBy: 'listener', enabled: false, port: 8029, baseUrl: null, error: null });
    const taken = createNetServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const takenPort = (taken.address() as AddressInfo).port;
    try {
      const failed = await desktop.host.call('acontext.updateSettings', { enabled: true, port: takenPort });
      expect(failed).toMatchObject({ enabled: true, baseUrl: null, error: expect.stringMatching(`Port ${takenPort} is already in use`) });
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
    // The freed port: now it listens there.
    const on = await desktop.host.call('acontext.updateSettings', { port: takenPort });
    expect(on).toMatchObject({ baseUrl: `http://127.0.0.1:${takenPort}/api/v1`, error: null });
    const { apiKey } = await desktop.host.call('acontext.apiKey', {});
    expect(await new AcontextClient({ apiKey, baseUrl: on.baseUrl! }).ping()).toBe('pong');
    const off = await desktop.host.call('acontext.updateSettings', { enabled: false });
    expect(off.baseUrl).toBeNull();
    await expect(fetch(`${on.baseUrl}/ping`)).rejects.toThrow();
  });
});
