// Hostile input against browser mode's server, sent the way any local process (or a web page, through
// DNS rebinding) could: raw TCP bytes with bad frames, garbage and forged headers, and a flood of
// malformed HostApi requests. After every attack the same host must still answer a normal client.
// Also proves the frame cap and the request schemas agree: every valid request fits in one frame.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { z } from 'zod';
import {
  HOST_METHODS,
  MAX_SECRETS_PER_REQUEST,
  requestSchema,
  type HostMethod,
} from '../../../electron/api/contract';
import {
  MAX_FRAME_BYTES,
  MAX_REQUEST_ID_CHARS,
  startWebServer,
  type WebServer,
} from '../../../electron/serve/web-server';
import { cleanupHarness, scratchDir, startHost, type TestHost } from '../../helpers/host-harness';

const TOKEN = 'hostile-test-token-0123456789';

let t: TestHost;
let server: WebServer;
/** In `dspatch serve` an uncaught exception ends the process; vitest survives it, so each test checks for one. */
const uncaught: unknown[] = [];
const recordUncaught = (error: unknown) => uncaught.push(error);

beforeEach(async () => {
  uncaught.length = 0;
  process.on('uncaughtException', recordUncaught);
  process.on('unhandledRejection', recordUncaught);
  t = await startHost();
  const rendererDir = join(scratchDir('dspatch-hostile-web-'), 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>dspatch</title>');
  server = await startWebServer({ host: t.host, rendererDir, bindHost: '127.0.0.1', port: 0, token: TOKEN });
});

afterEach(async () => {
  await server.close();
  await cleanupHarness();
  process.off('uncaughtException', recordUncaught);
  process.off('unhandledRejection', recordUncaught);
  expect(uncaught, 'errors that would have ended the host').toEqual([]);
});

// ── raw bytes ─────────────────────────────────────────────────────────────────────────────────

const OP = { continuation: 0x0, text: 0x1, close: 0x8, ping: 0x9 } as const;

interface HandshakeOptions {
  /** The access token, or null for none. */
  token?: string | null;
  /** The Host header, or null to leave it out. */
  host?: string | null;
  origin?: string;
  target?: string;
}

function handshake({ token = TOKEN, host, origin, target }: HandshakeOptions = {}): string {
  const lines = [
    `GET ${target ?? (token === null ? '/api' : `/api?token=${encodeURIComponent(token)}`)} HTTP/1.1`,
    ...(host === null ? [] : [`Host: ${host ?? `127.0.0.1:${server.port}`}`]),
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    ...(origin === undefined ? [] : [`Origin: ${origin}`]),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

interface FrameOptions {
  opcode?: number;
  fin?: boolean;
  /** RSV1..3 as a 3-bit number. */
  rsv?: number;
  masked?: boolean;
  /** The payload length the header claims; only the header and `payload` are sent. */
  declaredLength?: number;
}

/** One WebSocket frame as a client would put it on the wire (RFC 6455 §5.2), optionally broken. */
function frame(payload: string | Buffer, options: FrameOptions = {}): Buffer {
  const { opcode = OP.text, fin = true, rsv = 0, masked = true } = options;
  const data = Buffer.from(payload);
  const length = options.declaredLength ?? data.length;
  const mask = masked ? randomBytes(4) : Buffer.alloc(0);
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([0, length]);
  } else if (length < 65536) {
    header = Buffer.alloc(4);
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  header[0] = (fin ? 0x80 : 0) | (rsv << 4) | opcode;
  if (masked) header[1] |= 0x80;
  const body = masked ? data.map((byte, index) => byte ^ mask[index % 4]) : data;
  return Buffer.concat([header, mask, body]);
}

interface ServerFrame {
  opcode: number;
  payload: Buffer;
}

interface Answer {
  /** The HTTP status of the first response, 0 when none came. */
  status: number;
  head: string;
  /** The rest after the head: the body of a refusal, or WebSocket frames after a 101. */
  rest: Buffer;
  frames: ServerFrame[];
  closeCode: number | null;
}

function parseAnswer(received: Buffer): Answer {
  const end = received.indexOf('\r\n\r\n');
  const head = end === -1 ? received.toString('latin1') : received.subarray(0, end).toString('latin1');
  const rest = end === -1 ? Buffer.alloc(0) : received.subarray(end + 4);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
  const frames = status === 101 ? parseFrames(rest) : [];
  const close = frames.find((f) => f.opcode === OP.close);
  return {
    status,
    head,
    rest,
    frames,
    closeCode: close && close.payload.length >= 2 ? close.payload.readUInt16BE(0) : null,
  };
}

/** Server frames are never masked (RFC 6455 §5.1). Stops at an incomplete frame. */
function parseFrames(bytes: Buffer): ServerFrame[] {
  const frames: ServerFrame[] = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    let length = bytes[at + 1] & 0x7f;
    let start = at + 2;
    if (length === 126) {
      if (start + 2 > bytes.length) break;
      length = bytes.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      if (start + 8 > bytes.length) break;
      length = Number(bytes.readBigUInt64BE(start));
      start += 8;
    }
    if (start + length > bytes.length) break;
    frames.push({ opcode: bytes[at] & 0x0f, payload: bytes.subarray(start, start + length) });
    at = start + length;
  }
  return frames;
}

/**
 * Writes `chunks` on a fresh TCP connection (each its own write) and collects the answer until the
 * server hangs up, or, after a handshake, until it sent a close frame.
 */
function exchange(chunks: (string | Buffer)[]): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = connectTcp(server.port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const finish = () => {
      socket.destroy();
      resolve(parseAnswer(received));
    };
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
      if (parseAnswer(received).closeCode !== null) finish();
    });
    // A reset after the answer is the server dropping a hostile client: what arrived is the answer.
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        await new Promise<void>((written) => socket.write(chunk, () => written()));
      }
    });
  });
}

/** The host still serves: a fresh authenticated client gets a real answer to app.info. */
async function expectHostServes(): Promise<void> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${TOKEN}`);
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  const reply = new Promise<unknown>((resolve) =>
    ws.once('message', (data) => resolve(JSON.parse(data.toString()))),
  );
  ws.send(JSON.stringify({ id: 'alive', method: 'app.info', params: {} }));
  expect(await reply).toMatchObject({ id: 'alive', result: { mode: 'browser' } });
  ws.close();
}

// ── before the handshake ──────────────────────────────────────────────────────────────────────

describe('hostile upgrades are refused with an HTTP status on the raw socket, never upgraded', () => {
  const badUtf8 = Buffer.from([0xc3, 0x28, 0xa0, 0xa1]);
  const cases: [string, () => (string | Buffer)[], number, RegExp][] = [
    ['no token', () => [handshake({ token: null })], 401, /access token is required/],
    ['a wrong token', () => [handshake({ token: 'wrong' })], 401, /access token is required/],
    ['a token one character short', () => [handshake({ token: TOKEN.slice(0, -1) })], 401, /access token/],
    ['a token with a character more', () => [handshake({ token: `${TOKEN}x` })], 401, /access token/],
    ['the token under another name', () => [handshake({ target: `/api?tok=${TOKEN}` })], 401, /access token/],
    [
      'no token, then an oversized frame',
      () => [
        handshake({ token: null }) + frame('', { declaredLength: MAX_FRAME_BYTES + 1 }).toString('latin1'),
      ],
      401,
      /access token/,
    ],
    [
      'no token, then an unmasked frame',
      () => [handshake({ token: null }), frame('{}', { masked: false })],
      401,
      /access token/,
    ],
    ['no token, then invalid UTF-8', () => [handshake({ token: null }), frame(badUtf8)], 401, /access token/],
    [
      'no token, then a reserved opcode',
      () => [handshake({ token: null }), frame('x', { opcode: 0x3 })],
      401,
      /access token/,
    ],
    [
      'a foreign Origin with the right token',
      () => [handshake({ origin: 'http://evil.example' })],
      403,
      /another site/,
    ],
    ['a null Origin (sandboxed page, file://)', () => [handshake({ origin: 'null' })], 403, /another site/],
    [
      'a foreign Host with the right token',
      () => [handshake({ host: 'evil.example' })],
      421,
      /does not answer/,
    ],
    [
      'a rebinding Host with our port',
      () => [handshake({ host: `rebind.attacker.test:${server.port}` })],
      421,
      /--public-url/,
    ],
    [
      'a Host with userinfo',
      () => [handshake({ host: `evil@127.0.0.1:${server.port}` })],
      421,
      /does not answer/,
    ],
    ['another path', () => [handshake({ target: `/other?token=${TOKEN}` })], 404, /only at \/api/],
    [
      'a target URL parsing rejects',
      () => [handshake({ target: `//[?token=${TOKEN}` })],
      404,
      /only at \/api/,
    ],
  ];

  it.each(cases)('%s', async (_name, chunks, status, reason) => {
    const answer = await exchange(chunks());
    expect(answer.status).toBe(status);
    expect(answer.head).not.toMatch(/101 Switching Protocols/);
    expect(answer.head).toMatch(/Content-Type: text\/plain/);
    expect(answer.rest.toString()).toMatch(reason);
    await expectHostServes();
  });

  it('connections reset mid-handshake, before reading a refusal, or mid-frame', async () => {
    const attacks = [
      [handshake()],
      [handshake({ token: null })],
      [handshake({ origin: 'http://evil.example' })],
      [handshake(), frame('x'.repeat(1000)).subarray(0, 500)],
    ];
    // Resets race the server's reads and writes; repeating makes each path likely to be hit.
    for (const chunks of Array.from({ length: 10 }, () => attacks).flat()) {
      const socket = connectTcp(server.port, '127.0.0.1');
      socket.on('error', () => undefined);
      await new Promise<void>((connected) => socket.once('connect', () => connected()));
      for (const chunk of chunks) await new Promise<void>((written) => socket.write(chunk, () => written()));
      socket.resetAndDestroy();
      await new Promise((closed) => socket.once('close', closed));
    }
    await expectHostServes();
  });
});

describe('hostile HTTP is answered, never fatal', () => {
  const cases: [string, () => string | Buffer, number][] = [
    [
      'a foreign Host (DNS rebinding)',
      () => `GET / HTTP/1.1\r\nHost: rebind.attacker.test:${server.port}\r\nConnection: close\r\n\r\n`,
      421,
    ],
    [
      'a foreign Host without a port',
      () => 'GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n',
      421,
    ],
    ['no Host (HTTP/1.0)', () => 'GET / HTTP/1.0\r\n\r\n', 421],
    ['no Host (HTTP/1.1)', () => 'GET / HTTP/1.1\r\n\r\n', 400],
    // Starts like a TLS ClientHello, as a client that guessed https would send.
    [
      'garbage bytes before a handshake',
      () => Buffer.concat([Buffer.from([0x16, 0x03, 0x01]), randomBytes(64), Buffer.from(handshake())]),
      400,
    ],
    [
      'a NUL byte in the request line',
      () => `GET /\0 HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`,
      400,
    ],
    [
      'a target URL parsing rejects',
      () => `GET //[ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`,
      404,
    ],
    [
      'an absolute-form target',
      () => `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`,
      404,
    ],
    [
      'percent-encoding that does not decode',
      () => `GET /%ff%fe%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`,
      404,
    ],
    [
      'headers over the size limit',
      () => `GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
    ],
    [
      'the API probe with a wrong token',
      () => `GET /api?token=nope HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`,
      401,
    ],
  ];

  it.each(cases)('%s', async (_name, bytes, status) => {
    const answer = await exchange([bytes()]);
    expect(answer.status).toBe(status);
    expect(answer.rest.toString()).not.toContain('<title>dspatch</title>');
    await expectHostServes();
  });
});

// ── after an authenticated handshake ──────────────────────────────────────────────────────────

describe('hostile frames from an authenticated client close only that connection', () => {
  const cases: [string, () => (string | Buffer)[], number][] = [
    ['an unmasked frame', () => [frame('{"id":1,"method":"app.info"}', { masked: false })], 1002],
    ['an invalid UTF-8 text frame', () => [frame(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]))], 1007],
    ['a reserved data opcode', () => [frame('x', { opcode: 0x3 })], 1002],
    ['a reserved control opcode', () => [frame('x', { opcode: 0xb })], 1002],
    ['RSV bits without an extension', () => [frame('{}', { rsv: 0b100 })], 1002],
    ['a control frame over 125 bytes', () => [frame('p'.repeat(200), { opcode: OP.ping })], 1002],
    ['a fragmented control frame', () => [frame('p', { opcode: OP.ping, fin: false })], 1002],
    ['a continuation with nothing to continue', () => [frame('x', { opcode: OP.continuation })], 1002],
    ['HTTP garbage after the handshake', () => ['GET / HTTP/1.1\r\nHost: x\r\n\r\n'], 1002],
  ];

  it.each(cases)('%s', async (_name, chunks, closeCode) => {
    const answer = await exchange([handshake(), ...chunks()]);
    expect(answer.status).toBe(101);
    expect(answer.closeCode).toBe(closeCode);
    await expectHostServes();
  });

  it('garbage in the same write as the handshake', async () => {
    const answer = await exchange([
      Buffer.concat([Buffer.from(handshake()), Buffer.from('\x47garbage\xff\xfe')]),
    ]);
    expect(answer.status).toBe(101);
    expect(answer.closeCode).toBe(1002);
    await expectHostServes();
  });

  const tooLarge = {
    id: null,
    error: { code: 'too_large', message: expect.stringMatching(/larger than 16 MiB.*Send less at once/) },
  };

  it.each<[string, () => Buffer[]]>([
    ['a frame claiming more than the cap', () => [frame('{"id":1', { declaredLength: MAX_FRAME_BYTES + 1 })]],
    ['a frame claiming 2^53-1 bytes', () => [frame('', { declaredLength: Number.MAX_SAFE_INTEGER })]],
    ['a frame claiming 2^63 bytes', () => [frame('', { declaredLength: 2 ** 63 })]],
    [
      'fragments that add up to more than the cap',
      () => [
        frame('{"id":1,', { fin: false }),
        frame('', { opcode: OP.continuation, declaredLength: MAX_FRAME_BYTES }),
      ],
    ],
  ])('%s gets a typed too_large error, then close 1009', async (_name, chunks) => {
    const answer = await exchange([handshake(), ...chunks()]);
    expect(answer.status).toBe(101);
    const [error, close] = answer.frames;
    expect(error.opcode).toBe(OP.text);
    expect(JSON.parse(error.payload.toString())).toEqual(tooLarge);
    expect(close.opcode).toBe(OP.close);
    expect(answer.closeCode).toBe(1009);
    await expectHostServes();
  });

  it('a real client sending a message over the cap sees the typed error and close 1009', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${TOKEN}`);
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    const message = new Promise<unknown>((resolve) =>
      ws.once('message', (data) => resolve(JSON.parse(data.toString()))),
    );
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    ws.send(
      JSON.stringify({
        id: 1,
        method: 'sessions.send',
        params: { sessionId: 'x', text: 'x'.repeat(MAX_FRAME_BYTES) },
      }),
    );
    expect(await message).toEqual(tooLarge);
    expect(await closed).toBe(1009);
    await expectHostServes();
  });
});

// ── a flood of malformed requests ─────────────────────────────────────────────────────────────

/** A small seeded PRNG (mulberry32), so every run sends the same 1,000 requests. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let value = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

interface HostileRequest {
  frame: string | Buffer;
  binary?: boolean;
  /** The id the reply must carry: the request's own when it is a valid id, else null. */
  replyId: string | number | null;
}

/** The field names a request schema knows, across the options of a union. */
function fieldsOf(schema: z.ZodType): string[] {
  if (schema.def.type === 'object') return Object.keys((schema as z.ZodObject).shape);
  if (schema.def.type === 'union')
    return (schema as z.ZodUnion).options.flatMap((option) => fieldsOf(option as z.ZodType));
  return [];
}

/** Methods whose schema refuses an empty object, so a request without their fields must fail. */
const METHODS_WITH_REQUIRED_FIELDS = HOST_METHODS.filter(
  (method) => !requestSchema(method).safeParse({}).success,
);

function hostileRequests(count: number): HostileRequest[] {
  const next = random(7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const junk = (length: number) =>
    Array.from({ length }, () => String.fromCharCode(32 + Math.floor(next() * 95))).join('');
  const unknownMethods = [
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'valueOf',
    'process.exit',
    'app.info ',
    'APP.INFO',
    '',
    'workspaces.',
    '../app.info',
    '\u0000',
    'x'.repeat(5000),
  ];
  const notObjects = [42, -1e308, 'params', '', [], [{}], true, false];
  const wrongValues = [{}, [], 1.5, { $gt: '' }, { nested: { deeper: [[]] } }, null];
  const badIds = [
    'x'.repeat(MAX_REQUEST_ID_CHARS + 1),
    'y'.repeat(100_000),
    '',
    2 ** 53,
    1e308,
    -1.5,
    {},
    [],
    true,
    null,
  ];
  const notJson = [
    '',
    '{',
    '}',
    'undefined',
    'NaN',
    '{"id":1,}',
    "{'id':1}",
    '\u0000',
    '{"id":1,"method":"app.info"',
    junk(40),
  ];
  const jsonNotObjects = [
    '[1,"app.info",{}]',
    '[]',
    '42',
    '-0',
    '1e999',
    '"app.info"',
    'null',
    'true',
    '[[[[[]]]]]',
  ];
  const depth = 50_000;

  return Array.from({ length: count }, (_, index): HostileRequest => {
    const id = index % 2 === 0 ? index + 1 : `req-${index}`;
    const method = pick(METHODS_WITH_REQUIRED_FIELDS);
    switch (index % 12) {
      case 0:
        return {
          frame: JSON.stringify({
            id,
            method: `${pick(unknownMethods)}${index % 5 === 0 ? junk(8) : ''}`,
            params: {},
          }),
          replyId: id,
        };
      case 1:
        return {
          frame: JSON.stringify({ id, method: pick(HOST_METHODS), params: pick(notObjects) }),
          replyId: id,
        };
      case 2: {
        // Every field of the method's schema gets a value of a type no field accepts.
        const params = Object.fromEntries(
          fieldsOf(requestSchema(method) as z.ZodType).map((key) => [key, pick(wrongValues)]),
        );
        return { frame: JSON.stringify({ id, method, params }), replyId: id };
      }
      case 3:
        // JSON.parse makes "__proto__" an own key; nothing may reach Object.prototype.
        return {
          frame: `{"id":${JSON.stringify(id)},"method":${JSON.stringify(method)},"params":{"__proto__":{"polluted":"yes","workspaceId":"w","sessionId":"s"},"constructor":{"prototype":{"polluted":"yes"}}}}`,
          replyId: id,
        };
      case 4:
        return {
          frame: `{"id":${JSON.stringify(id)},"method":"workspaces.create","params":{"dir":"","yaml":"","secrets":{"__proto__":"x","constructor":"y","toString":"z"},"overwrite":false}}`,
          replyId: id,
        };
      case 5:
        return { frame: JSON.stringify({ id: pick(badIds), method: 'app.info', params: {} }), replyId: null };
      case 6: {
        const nested =
          index % 24 === 6
            ? `${'['.repeat(depth)}${']'.repeat(depth)}`
            : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
        return {
          frame: `{"id":${JSON.stringify(id)},"method":"sessions.send","params":{"sessionId":${nested}}}`,
          replyId: id,
        };
      }
      case 7:
        return { frame: pick(notJson), replyId: null };
      case 8:
        return { frame: pick(jsonNotObjects), replyId: null };
      case 9:
        return {
          frame: Buffer.from(JSON.stringify({ id, method: 'app.info', params: {} })),
          binary: true,
          replyId: null,
        };
      case 10:
        return {
          frame: pick([
            `{"id":${JSON.stringify(id)},"method":"app.info","method":42}`,
            `{"id":${JSON.stringify(id)},"method":["app.info"]}`,
            `{"id":${JSON.stringify(id)}}`,
            `{"id":${JSON.stringify(id)},"method":"app.info","params":"{}"}`,
            `{"id":${JSON.stringify(id)},"method":"sessions.open","params":{"sessionId":"s","limit":1e309}}`,
          ]),
          replyId: id,
        };
      default:
        // Values past a schema maximum.
        return {
          frame: JSON.stringify(
            pick([
              { id, method: 'workspaces.get', params: { workspaceId: 'w'.repeat(201) } },
              { id, method: 'sessions.open', params: { sessionId: 's', limit: 5001 } },
              { id, method: 'secrets.set', params: { workspaceId: 'w', key: 'K'.repeat(129), value: 'v' } },
              { id, method: 'inquiries.answer', params: { inquiryId: 'i', text: 't', suggestionIndex: -1 } },
              { id, method: 'sessions.send', params: { sessionId: 's', text: 't'.repeat(1_000_001) } },
            ]),
          ),
          replyId: id,
        };
    }
  });
}

describe('1,000 malformed and hostile requests on one authenticated socket', () => {
  it('each gets a typed bad_request error, and the connection and host survive', async () => {
    const requests = hostileRequests(1000);
    expect(requests).toHaveLength(1000);
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${TOKEN}`);
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    const replies: { id: unknown; result?: unknown; error?: { code: unknown; message: unknown } }[] = [];
    const allAnswered = new Promise<void>((resolve, reject) => {
      ws.on('message', (data) => {
        const reply = JSON.parse(data.toString()) as (typeof replies)[number] & { event?: unknown };
        if (reply.event) return;
        replies.push(reply);
        if (replies.length === requests.length) resolve();
      });
      ws.once('close', (code) =>
        reject(new Error(`The host closed the connection (${code}) after ${replies.length} replies.`)),
      );
    });
    for (const request of requests) ws.send(request.frame, { binary: request.binary ?? false });
    await allAnswered;

    expect(replies).toHaveLength(1000);
    for (const reply of replies) {
      expect(reply).toEqual({ id: reply.id, error: { code: 'bad_request', message: expect.any(String) } });
      expect((reply.error?.message as string).length).toBeGreaterThan(10);
    }
    // One reply per request: by id where the request had a valid one, else with id null.
    const expectedIds = requests.map((request) => request.replyId).filter((id) => id !== null);
    const repliedIds = replies.map((reply) => reply.id).filter((id) => id !== null);
    expect(new Set(repliedIds)).toEqual(new Set(expectedIds));
    expect(repliedIds).toHaveLength(expectedIds.length);
    expect(replies.filter((reply) => reply.id === null)).toHaveLength(
      requests.filter((r) => r.replyId === null).length,
    );
    expect(expectedIds.length).toBeGreaterThan(500);

    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(ws.readyState).toBe(WebSocket.OPEN);
    const info = new Promise<unknown>((resolve) =>
      ws.once('message', (data) => resolve(JSON.parse(data.toString()))),
    );
    ws.send(JSON.stringify({ id: 'after', method: 'app.info', params: {} }));
    expect(await info).toMatchObject({ id: 'after', result: { mode: 'browser' } });
    ws.close();
    await expectHostServes();
  });
});

// ── the frame cap and the schemas agree ───────────────────────────────────────────────────────

/**
 * An upper bound on the bytes JSON.stringify gives for any value `schema` accepts: a UTF-16 unit
 * encodes to at most 6 bytes (\u0000-style escapes), a number to at most 24 characters.
 */
function maxJsonBytes(schema: z.ZodType, path: string): number {
  const def = schema.def as { type: string };
  switch (def.type) {
    case 'string': {
      const max = (schema as z.ZodString).maxLength;
      if (max === null)
        throw new Error(`${path} is a string without a maximum length: give it .max(n) in contract.ts.`);
      return 2 + 6 * max;
    }
    case 'number':
      return 24;
    case 'boolean':
      return 5;
    case 'enum':
      return Math.max(
        ...(schema as z.ZodEnum).options.map((option) => Buffer.byteLength(JSON.stringify(option))),
      );
    case 'array': {
      const array = schema as z.ZodArray;
      const maxItems = (array.def.checks ?? [])
        .map((check) => check._zod.def as { check: string; maximum?: number })
        .find((check) => check.check === 'max_length')?.maximum;
      if (maxItems === undefined)
        throw new Error(`${path} is an array without a maximum length: give it .max(n) in contract.ts.`);
      // "[" + items joined by "," + "]"
      return 2 + maxItems * (maxJsonBytes(array.element as z.ZodType, `${path}[]`) + 1);
    }
    case 'optional':
      return maxJsonBytes((schema as z.ZodOptional).unwrap() as z.ZodType, path);
    case 'nullable':
      return Math.max(4, maxJsonBytes((schema as z.ZodNullable).unwrap() as z.ZodType, path));
    case 'object': {
      const shape = (schema as z.ZodObject).shape;
      return Object.entries(shape).reduce(
        (total, [key, value]) =>
          total +
          Buffer.byteLength(JSON.stringify(key)) +
          1 +
          maxJsonBytes(value as z.ZodType, `${path}.${key}`) +
          1,
        2,
      );
    }
    case 'union':
      return Math.max(
        ...(schema as z.ZodUnion).options.map((option) => maxJsonBytes(option as z.ZodType, path)),
      );
    case 'record': {
      // contract.ts refuses a record with more than MAX_SECRETS_PER_REQUEST entries (checked below).
      const record = schema as z.ZodRecord;
      const entry =
        maxJsonBytes(record.keyType as z.ZodType, `${path} keys`) +
        1 +
        maxJsonBytes(record.valueType as z.ZodType, `${path} values`) +
        1;
      return 2 + MAX_SECRETS_PER_REQUEST * entry;
    }
    default:
      throw new Error(
        `${path}: no size bound is known for a ${def.type} schema; teach maxJsonBytes about it.`,
      );
  }
}

/** The largest frame a valid request for `method` can take: {"id":…,"method":"…","params":…}. */
function maxRequestBytes(method: HostMethod): number {
  const id = Math.max(24, 2 + 6 * MAX_REQUEST_ID_CHARS);
  return (
    '{"id":,"method":,"params":}'.length +
    id +
    Buffer.byteLength(JSON.stringify(method)) +
    maxJsonBytes(requestSchema(method) as z.ZodType, method)
  );
}

describe('the frame cap and the request schemas agree', () => {
  it('every valid request, fully escaped, fits in one frame', () => {
    const sizes = HOST_METHODS.map((method) => [method, maxRequestBytes(method)] as const);
    for (const [method, bytes] of sizes) expect(bytes, method).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    // The bound is not vacuous: the biggest request is megabytes, within a factor two of the cap.
    expect(Math.max(...sizes.map(([, bytes]) => bytes))).toBeGreaterThan(MAX_FRAME_BYTES / 2);
  });

  it('a map of secrets holds at most MAX_SECRETS_PER_REQUEST entries', () => {
    const secrets = (count: number) =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`KEY_${i}`, 'v']));
    for (const method of ['workspaces.create', 'workspaces.update'] as const) {
      const base = { dir: '/w', workspaceId: 'w', yaml: '', overwrite: false };
      expect(
        requestSchema(method).safeParse({ ...base, secrets: secrets(MAX_SECRETS_PER_REQUEST) }).success,
      ).toBe(true);
      expect(
        requestSchema(method).safeParse({ ...base, secrets: secrets(MAX_SECRETS_PER_REQUEST + 1) }).success,
      ).toBe(false);
    }
  });

  it('the largest valid request, every character escaped, goes through and gets a real answer', async () => {
    const schema = requestSchema('workspaces.update');
    const keyMax = requestSchema('secrets.set').shape.key.maxLength ?? 0;
    const valueMax = requestSchema('secrets.set').shape.value.maxLength ?? 0;
    const params = {
      workspaceId: '\u0000'.repeat(schema.shape.workspaceId.maxLength ?? 0),
      yaml: '\u0001'.repeat(schema.shape.yaml.maxLength ?? 0),
      secrets: Object.fromEntries(
        Array.from({ length: MAX_SECRETS_PER_REQUEST }, (_, i) => [
          `K${i}`.padEnd(keyMax, '_'),
          '\u0002'.repeat(valueMax),
        ]),
      ),
    };
    expect(schema.safeParse(params).success).toBe(true);
    const id = 'i'.repeat(MAX_REQUEST_ID_CHARS);
    const wire = JSON.stringify({ id, method: 'workspaces.update', params });
    expect(Buffer.byteLength(wire)).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    expect(Buffer.byteLength(wire)).toBeGreaterThan(MAX_FRAME_BYTES / 2);

    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${TOKEN}`);
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    const reply = new Promise<{ id: unknown; error?: { code: string } }>((resolve) =>
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { id: unknown; error?: { code: string } };
        if (frame.id === id) resolve(frame);
      }),
    );
    ws.send(wire);
    // No such workspace: a typed answer from the service, not a refusal of the frame.
    expect(await reply).toMatchObject({ id, error: { code: 'not_found' } });
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });
});
