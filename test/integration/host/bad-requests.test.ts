// HostApi requests that are wrong in every way a client (or an attacker on the WebSocket) can make
// them: each gets a typed error envelope, never an exception, and the host serves the next request.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Envelope } from '../../../electron/host/host';
import { cleanupHarness, startHost, type TestHost } from '../../helpers/host-harness';

afterEach(cleanupHarness);

let t: TestHost;
beforeEach(async () => {
  t = await startHost();
});

/** The host answers a good request right after a bad one. */
async function expectStillServing(): Promise<void> {
  const info = await t.host.handle('app.info', {});
  expect(info).toMatchObject({ ok: true, result: { version: '0.0.0-test', mode: 'browser' } });
}

function errorOf(envelope: Envelope) {
  if (envelope.ok) throw new Error(`expected an error, got ${JSON.stringify(envelope.result)}`);
  return envelope.error;
}

describe('HostApi bad requests', () => {
  it.each([
    ['workspaces.nuke', {}],
    ['', {}],
    ['__proto__', {}],
    ['constructor', {}],
    ['toString', {}],
    ['x'.repeat(10_000), {}],
  ])('refuses the unknown method %#', async (method, request) => {
    const error = errorOf(await t.host.handle(method, request));
    expect(error.code).toBe('bad_request');
    expect(error.message).toMatch(/^Unknown method/);
    expect(error.message.length).toBeLessThan(200);
    await expectStillServing();
  });

  it.each([
    ['a number for a string', 'workspaces.get', { workspaceId: 42 }, 'workspaceId'],
    ['a string for a number', 'sessions.open', { sessionId: 'abc', limit: '10' }, 'limit'],
    [
      'a fraction for an integer',
      'sessions.history',
      { sessionId: 'a', beforeEntryId: 'b', limit: 1.5 },
      'limit',
    ],
    ['an object for a string', 'sessions.send', { sessionId: { $ne: null }, text: 'hi' }, 'sessionId'],
    ['an unknown enum value', 'inquiries.list', { status: 'everything' }, 'status'],
    ['an invalid env key', 'secrets.set', { workspaceId: 'w', key: 'NOT-AN-ENV', value: 'v' }, 'key'],
    [
      'an out-of-range index',
      'inquiries.answer',
      { inquiryId: 'i', text: 'yes', suggestionIndex: 9 },
      'suggestionIndex',
    ],
  ])('refuses %s, naming the field', async (_what, method, request, field) => {
    const error = errorOf(await t.host.handle(method, request));
    expect(error).toMatchObject({ code: 'bad_request' });
    expect(error.message).toContain(method);
    expect(error.message).toContain(field);
    await expectStillServing();
  });

  it.each([
    ['sessions.send', { sessionId: 'abc' }, 'text'],
    ['sessions.send', { text: 'hello' }, 'sessionId'],
    ['workspaces.create', { dir: '/tmp/x', yaml: 'name: x' }, 'secrets'],
    ['sessions.send', { sessionId: 'abc', text: '' }, 'text'],
  ])('refuses %s without a required field (%#)', async (method, request, field) => {
    const error = errorOf(await t.host.handle(method, request));
    expect(error.code).toBe('bad_request');
    expect(error.message).toContain(field);
    await expectStillServing();
  });

  it.each([
    ['null', null],
    ['an array', [1, 2, 3]],
    ['a string', 'workspaceId=1'],
    ['a number', 7],
    ['undefined', undefined],
  ])('refuses %s as the request', async (_what, request) => {
    expect(errorOf(await t.host.handle('workspaces.get', request)).code).toBe('bad_request');
    await expectStillServing();
  });

  it('refuses a huge text without echoing it back', async () => {
    const huge = 'A'.repeat(2_000_000);
    const error = errorOf(await t.host.handle('sessions.send', { sessionId: 'abc', text: huge }));
    expect(error.code).toBe('bad_request');
    expect(error.message).toContain('text');
    expect(error.message.length).toBeLessThan(300);
    await expectStillServing();
  });

  it('survives odd payloads: deep nesting, prototype keys, many keys', async () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 10_000; i++) deep = { dir: deep };
    expect(errorOf(await t.host.handle('workspaces.add', deep)).code).toBe('bad_request');

    const polluted = JSON.parse(
      '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
    ) as unknown;
    expect(errorOf(await t.host.handle('workspaces.get', polluted)).code).toBe('bad_request');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    const manyKeys = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]));
    expect(errorOf(await t.host.handle('sessions.open', manyKeys)).code).toBe('bad_request');
    await expectStillServing();
  });

  it('says the folder picker is a desktop feature in browser mode', async () => {
    const error = errorOf(await t.host.handle('app.pickDirectory', {}));
    expect(error.code).toBe('not_supported');
    expect(error.message).toMatch(/type the path/);
    await expectStillServing();
  });

  it('answers not_found for ids that do not exist', async () => {
    const missing = '01900000-0000-7000-8000-000000000000';
    for (const [method, request] of [
      ['sessions.open', { sessionId: missing }],
      ['sessions.send', { sessionId: missing, text: 'hello?' }],
      ['sessions.interrupt', { sessionId: missing }],
      ['sessions.list', { workspaceId: missing }],
      ['workspaces.get', { workspaceId: missing }],
      ['workspaces.launch', { workspaceId: missing }],
      ['inquiries.answer', { inquiryId: missing, text: 'yes' }],
      ['templates.readme', { name: 'no-such-template' }],
    ] as const) {
      const envelope = await t.host.handle(method, request);
      if (method === 'sessions.list') {
        // A list of an unknown workspace is simply empty.
        expect(envelope).toEqual({ ok: true, result: [] });
        continue;
      }
      expect(errorOf(envelope), method).toMatchObject({ code: 'not_found', message: expect.any(String) });
    }
    await expectStillServing();
  });

  it('reports a workspace folder without dspatch.workspace.yml as not_found, and bad YAML as invalid_config', async () => {
    const error = errorOf(await t.host.handle('workspaces.add', { dir: t.dataDir }));
    expect(error.code).toBe('not_found');
    expect(error.message).toContain('dspatch.workspace.yml');

    const validation = await t.host.call('workspaces.validate', { yaml: 'name: [unclosed\nagents: {' });
    expect(validation.problems.some((problem) => problem.severity === 'error')).toBe(true);
    await expectStillServing();
  });
});
