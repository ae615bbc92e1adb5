// The Acontext-compatible HTTP API (/api/v1) over AcontextService: routes, the Bearer key, bodies
// (bounded, JSON only), zod at the boundary, and Acontext's envelope {code, msg, data} with the HTTP
// status (code 0 on success). Browser mode mounts it on the app's server (web-server.ts); the desktop
// app opens it on its own 127.0.0.1 listener (createApiListener). Browsers are refused: a request
// that carries an Origin header comes from a web page, and no page may use this API.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { ApiError } from '../host/acontext/api-error';
import type { AcontextService, Page } from '../host/acontext/acontext-service';
import { FORMATS } from '../host/acontext/message-formats';
import type { Host } from '../host/host';
import type { ApiListener } from '../host/ports';
import { createAccessPolicy } from './access-policy';

export const API_V1 = '/api/v1';
/** The largest request body taken; a message bigger than this is refused with 413. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

type Json = Record<string, unknown>;
type Result = { status?: 200 | 201; data?: unknown; msg?: string };

export function isApiV1(pathname: string): boolean {
  return pathname === API_V1 || pathname.startsWith(`${API_V1}/`);
}

const booleanText = z.enum(['true', 'false']).transform((text) => text === 'true');
const intText = (min: number, max: number) => z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().min(min).max(max));
const pageQuery = (maxLimit: number, defaultLimit: number, minLimit = 1) =>
  z.object({
    limit: intText(minLimit, maxLimit).default(defaultLimit),
    cursor: z.string().max(1000).optional(),
    time_desc: booleanText.default(false),
  });
const listQuery = pageQuery(200, 20);
const sessionListQuery = listQuery.extend({ space_id: z.string().max(200).optional(), not_connected: booleanText.optional() });
const messagesQuery = pageQuery(200, 0, 0).extend({
  format: z.string().default('openai'),
  with_asset_public_url: booleanText.optional(),
  edit_strategies: z.string().optional(),
});
const configs = z.record(z.string(), z.unknown());
const bodies = {
  session: z.object({
    space_id: z.string().max(200).nullish(),
    disable_task_tracking: z.boolean().nullish(),
    configs: configs.nullish(),
    use_uuid: z.uuid().nullish(),
  }),
  configs: z.object({ configs: configs.nullable() }),
  configsPatch: z.object({ configs }),
  space: z.object({ configs: configs.nullish() }),
  connect: z.object({ space_id: z.string().min(1).max(200) }),
  message: z.object({ blob: z.unknown(), format: z.string().default('openai') }),
};

/** Spaces-era features dspatch does not have. */
const NOT_HERE = 'is not available in dspatch\'s local Acontext API (it keeps sessions, messages and tasks; spaces only group sessions).';

/** Answers one /api/v1 request; the caller has already checked the Host header. Never throws. */
export function createAcontextHandler(host: Host): (request: IncomingMessage, response: ServerResponse, pathname: string, search: string) => void {
  const service = host.services.acontext;
  const logger = host.services.logger;
  return (request, response, pathname, search) => {
    answer(service, request, pathname, search).then(
      (result) => send(response, result.status ?? 200, { code: 0, msg: result.msg ?? '', ...(result.data === undefined ? {} : { data: result.data }) }),
      (error: unknown) => {
        if (error instanceof ApiError) return send(response, error.status, { code: error.status, msg: error.message });
        logger.error({ err: error, path: pathname.slice(0, 200) }, 'An Acontext API request failed');
        send(response, 500, { code: 500, msg: 'Something went wrong on the host; the details are in the dspatch log.' });
      },
    );
  };
}

async function answer(service: AcontextService, request: IncomingMessage, pathname: string, search: string): Promise<Result> {
  if (request.headers.origin !== undefined) {
    throw new ApiError(403, 'Web pages may not use the Acontext API: requests with an Origin header are refused. Call it from a program, not a browser.');
  }
  if (!(await service.authorize(request.headers.authorization))) {
    throw new ApiError(401, 'Unauthorized: send Authorization: Bearer sk-ac-… with the key from `dspatch api-key` (or Settings → Acontext API).');
  }
  const segments = pathname.slice(API_V1.length).split('/').filter(Boolean).map(decodeSegment);
  const method = request.method ?? 'GET';
  const query = new URLSearchParams(search);
  const body = () => readJson(request);
  const route = (allowed: Record<string, () => Promise<Result> | Result>): Promise<Result> | Result => {
    const handler = allowed[method];
    if (!handler) throw new ApiError(405, `${method} is not served at ${pathname.slice(0, 200)}; use ${Object.keys(allowed).join(' or ')}.`);
    return handler();
  };
  const [resource, id, action, ...rest] = segments;

  if (resource === 'ping' && !id) return route({ GET: () => ({ msg: 'pong' }) });
  if (resource === 'session') {
    if (!id) {
      return route({
        GET: () => {
          const q = parse(sessionListQuery, query);
          return { data: service.listSessions(page(q), { spaceId: q.space_id, notConnected: q.not_connected }) };
        },
        POST: async () => {
          const b = parse(bodies.session, await body());
          const { created, session } = service.createSession({
            spaceId: b.space_id,
            disableTaskTracking: b.disable_task_tracking ?? undefined,
            configs: b.configs,
            useUuid: b.use_uuid ?? undefined,
          });
          return { status: created ? 201 : 200, data: session };
        },
      });
    }
    if (rest.length === 0) {
      switch (action) {
        case undefined:
          return route({ DELETE: () => (service.deleteSession(id), {}) });
        case 'configs':
          return route({
            GET: () => ({ data: service.getSession(id) }),
            PUT: async () => (service.setConfigs(id, parse(bodies.configs, await body()).configs), {}),
            PATCH: async () => ({ data: service.patchConfigs(id, parse(bodies.configsPatch, await body()).configs) }),
          });
        case 'connect_to_space':
          return route({ POST: async () => (service.connectToSpace(id, parse(bodies.connect, await body()).space_id), {}) });
        case 'messages':
          return route({
            POST: async () => {
              const b = parse(bodies.message, await body());
              return { status: 201, data: service.storeMessage(id, format(b.format), b.blob) };
            },
            GET: () => {
              const q = parse(messagesQuery, query);
              if (q.edit_strategies !== undefined) throw new ApiError(501, `edit_strategies ${NOT_HERE}`);
              return { data: service.getMessages(id, page(q), format(q.format)) };
            },
          });
        case 'flush':
          return route({ POST: async () => ({ data: await service.flush(id) }) });
        case 'task':
          return route({ GET: () => ({ data: service.tasks(id, page(parse(listQuery, query))) }) });
        case 'observing_status':
          return route({ GET: () => ({ data: service.observingStatus(id) }) });
        case 'token_counts':
          return route({ GET: () => ({ data: service.tokenCounts(id) }) });
        case 'get_learning_status':
          return route({ GET: () => ({ data: service.learningStatus(id) }) });
      }
    }
    throw new ApiError(501, `/session/{id}/${[action, ...rest].join('/').slice(0, 100)} ${NOT_HERE}`);
  }
  if (resource === 'space') {
    if (!id) {
      return route({
        GET: () => ({ data: service.listSpaces(page(parse(listQuery, query))) }),
        POST: async () => ({ status: 201, data: service.createSpace(parse(bodies.space, await body()).configs) }),
      });
    }
    if (action === undefined) return route({ DELETE: () => (service.deleteSpace(id), {}) });
    if (action === 'configs' && rest.length === 0) {
      return route({
        GET: () => ({ data: service.getSpace(id) }),
        PUT: async () => (service.setSpaceConfigs(id, parse(bodies.configs, await body()).configs), {}),
      });
    }
    throw new ApiError(501, `/space/{id}/${[action, ...rest].join('/').slice(0, 100)} (experience search, blocks, confirmations) ${NOT_HERE}`);
  }
  if (resource && ['block', 'tool', 'disk', 'learning_spaces', 'agent_skills', 'user', 'project', 'sandbox'].includes(resource)) {
    throw new ApiError(501, `/${resource} ${NOT_HERE}`);
  }
  throw new ApiError(404, `There is no endpoint ${pathname.slice(0, 200)}. The API serves /ping, /session and /space.`);
}

function page(q: { limit: number; cursor?: string; time_desc: boolean }): Page {
  return { limit: q.limit, cursor: q.cursor, timeDesc: q.time_desc };
}

function format(text: string): (typeof FORMATS)[number] {
  const found = FORMATS.find((name) => name === text);
  if (!found) throw new ApiError(400, `format "${text.slice(0, 40)}" is not taken: use ${FORMATS.join(', ')}.`);
  return found;
}

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const source = input instanceof URLSearchParams ? Object.fromEntries(input) : input;
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.join('.') || (input instanceof URLSearchParams ? 'query' : 'body');
  throw new ApiError(400, `Invalid ${input instanceof URLSearchParams ? 'query parameter' : 'request body'}: ${where}: ${issue?.message ?? 'malformed'}.`);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError(400, 'The path is not validly URL-encoded.');
  }
}

/** The body as JSON: {} when there is none (clients send no body for an empty payload); bounded. */
async function readJson(request: IncomingMessage): Promise<unknown> {
  const type = request.headers['content-type'] ?? '';
  if (type.startsWith('multipart/')) throw new ApiError(415, 'File uploads (multipart bodies) are not taken by dspatch\'s local API: send the message as JSON.');
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, `The request body is not valid JSON (${error instanceof Error ? error.message.slice(0, 200) : 'unparsable'}).`);
  }
}

function tooLarge(): ApiError {
  return new ApiError(413, `The request body is larger than ${MAX_BODY_BYTES / (1024 * 1024)} MiB, the most the API takes at once. Store big tool results in parts, or shorten them.`);
}

function send(response: ServerResponse, status: number, payload: Json): void {
  if (response.headersSent) return;
  const body = JSON.stringify(payload);
  // A refused body is not read to its end: close the connection rather than drain it.
  const close = status === 413 ? { Connection: 'close' } : {};
  response
    .writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'X-Content-Type-Options': 'nosniff', ...close })
    .end(body);
}

/** Writes an access-policy refusal (Host header) in the envelope. */
export function sendRefusal(response: ServerResponse, status: number, reason: string): void {
  send(response, status, { code: status, msg: reason });
}

/**
 * The desktop app's listener: 127.0.0.1 only, answering only to its own address in the Host header
 * (no DNS rebinding), nothing but /api/v1. `host` is read per request: the host is created with it.
 */
export function createApiListener(host: () => Host | null): ApiListener {
  let server: ReturnType<typeof createServer> | null = null;
  const bindHost = '127.0.0.1';
  return {
    async listen(port) {
      const listening = createServer();
      await new Promise<void>((resolve, reject) => {
        listening.once('error', (error: NodeJS.ErrnoException) =>
          reject(new Error(error.code === 'EADDRINUSE' ? `Port ${port} is already in use: pick another port for the Acontext API in Settings.` : `The Acontext API could not listen on ${bindHost}:${port} (${error.code ?? error.message}).`)),
        );
        listening.listen(port, bindHost, () => resolve());
      });
      const actual = (listening.address() as { port: number }).port;
      // The token is never asked for here; the API has its own key.
      const policy = createAccessPolicy({ bindHost, port: actual, token: randomBytes(24).toString('base64url'), publicUrl: null });
      let handler: ReturnType<typeof createAcontextHandler> | null = null;
      listening.on('request', (request: IncomingMessage, response: ServerResponse) => {
        const target = request.url ?? '/';
        const mark = target.indexOf('?');
        const pathname = mark === -1 ? target : target.slice(0, mark);
        const refusal = policy.checkRequest({ host: request.headers.host });
        const current = host();
        if (refusal) sendRefusal(response, refusal.status, refusal.reason);
        else if (!isApiV1(pathname)) sendRefusal(response, 404, `This port serves the Acontext API only, under ${API_V1}.`);
        else if (!current) sendRefusal(response, 503, 'dspatch is still starting; try again in a moment.');
        else (handler ??= createAcontextHandler(current))(request, response, pathname, mark === -1 ? '' : target.slice(mark + 1));
      });
      server = listening;
      return `http://${bindHost}:${actual}${API_V1}`;
    },
    async close() {
      const closing = server;
      server = null;
      if (!closing) return;
      const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
      closing.closeAllConnections();
      await closed;
    },
  };
}
