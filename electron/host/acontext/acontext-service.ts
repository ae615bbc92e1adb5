// The Acontext-compatible API (ARCHITECTURE §2): another door into the same store and services.
// Its sessions are app sessions in the "External sessions" pseudo-workspace; its messages are
// written like the user's input (after the writer's queue, then published with the session's next
// seq), so the task extractor's buffer sees them like any conversation's, and the timeline, the
// Tools view and usage show them. The HTTP side (electron/serve/acontext-http.ts) parses requests
// and calls in here; the JSON returned is what Acontext's API answers (acontext.md §1.8), with the
// fields newer clients require (this_time_tokens, metas, user_id) as well.
import { timingSafeEqual, randomBytes } from 'node:crypto';
import { newId } from '../../../agents/protocol';
import type { HostEvent } from '../../api/contract';
import type { AcontextApiStatus, AcontextOverview, TaskSummary, TimelineEntry } from '../../api/types';
import type { AcontextFormat, ApiMessageRow, ApiSessionRow, PageQuery, SpaceRow } from '../../store/acontext-repo';
import type { Store } from '../../store/store';
import { EXTERNAL_WORKSPACE_ID } from '../../store/workspace-repo';
import { HostError } from '../errors';
import type { Logger } from '../logger';
import type { ApiListener, SecretCipher } from '../ports';
import type { Redactor } from '../redactor';
import type { SessionWriter } from '../session-writer';
import { titleFrom } from '../session-service';
import type { TaskService } from '../tasks/task-service';
import { ApiError } from './api-error';
import { columnsOf, normalize, render, type Normalized } from './message-formats';

/** The agent key of API sessions: they have no agent of the app's. */
export const EXTERNAL_AGENT_KEY = 'acontext';
export const DEFAULT_API_PORT = 8029;
const KEY_PREFIX = 'sk-ac-';

export interface AcontextServiceOptions {
  store: Store;
  writer: SessionWriter;
  tasks: TaskService;
  cipher: SecretCipher;
  redactor: Redactor;
  logger: Logger;
  emit(event: HostEvent): void;
  /** The desktop app's own listener; absent in browser mode, where the app's server serves the API. */
  listener?: ApiListener;
}

export interface Page {
  limit: number;
  cursor?: string;
  timeDesc: boolean;
}

type Json = Record<string, unknown>;

export class AcontextService {
  #key: Promise<string> | null = null;
  /** Where the API answers now: the app's server (browser mode) or the desktop listener. */
  #baseUrl: string | null = null;
  #listenError: string | null = null;

  constructor(private readonly options: AcontextServiceOptions) {}

  // ── the key, and where the API is served ─────────────────────────────────────────────────

  /** The API key: made on first use, kept encrypted like every secret, then held in memory. */
  apiKey(): Promise<string> {
    this.#key ??= this.#loadKey().catch((error: unknown) => {
      this.#key = null;
      throw error;
    });
    return this.#key;
  }

  /** Whether an Authorization header carries the API key. */
  async authorize(header: string | undefined): Promise<boolean> {
    const given = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
    if (!given?.startsWith(KEY_PREFIX)) return false;
    const expected = Buffer.from(await this.apiKey());
    const actual = Buffer.from(given);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  /** Browser mode: the app's server says where it serves the API (null once it stopped). */
  servedAt(baseUrl: string | null): void {
    this.#baseUrl = baseUrl;
  }

  status(): AcontextApiStatus {
    const { listener } = this.options;
    return {
      servedBy: listener ? 'listener' : 'app',
      enabled: listener ? this.#enabled() : true,
      port: this.#port(),
      baseUrl: this.#baseUrl,
      error: this.#listenError,
    };
  }

  async updateSettings(changes: { enabled?: boolean; port?: number }): Promise<AcontextApiStatus> {
    if (!this.options.listener) throw new HostError('not_supported', 'In browser mode the Acontext API is served with the app, on its port: there is nothing to turn on.');
    if (changes.enabled !== undefined) this.options.store.tasks.setSetting('acontext.enabled', JSON.stringify(changes.enabled));
    if (changes.port !== undefined) this.options.store.tasks.setSetting('acontext.port', JSON.stringify(changes.port));
    await this.start();
    return this.status();
  }

  /** Opens (or reopens, on another port) or closes the desktop listener as the settings say. */
  async start(): Promise<void> {
    const { listener } = this.options;
    if (!listener) return;
    await listener.close();
    this.#baseUrl = null;
    this.#listenError = null;
    if (!this.#enabled()) return;
    try {
      this.#baseUrl = await listener.listen(this.#port());
    } catch (error) {
      this.#listenError = error instanceof Error ? error.message : String(error);
      this.options.logger.warn({ err: error }, 'The Acontext API listener could not start');
    }
  }

  async close(): Promise<void> {
    await this.options.listener?.close();
    this.#baseUrl = null;
  }

  /** For the GUI's "External sessions": the spaces, and every API session with its space. */
  overview(): AcontextOverview {
    const all: PageQuery = { limit: null, desc: true, after: null };
    return {
      workspaceId: EXTERNAL_WORKSPACE_ID,
      spaces: this.options.store.acontext.listSpaces(all).map((space) => ({ id: space.id, configs: parseJson(space.configs), createdAt: space.createdAt })),
      sessions: this.options.store.acontext.listSessions(all).map((session) => ({
        sessionId: session.id,
        spaceId: session.spaceId,
        title: session.title,
        configs: parseJson(session.configs),
        disableTaskTracking: session.disableTaskTracking,
        createdAt: session.createdAt,
        updatedAt: session.updatedAt,
      })),
    };
  }

  // ── sessions ──────────────────────────────────────────────────────────────────────────────

  createSession(input: { spaceId?: string | null; disableTaskTracking?: boolean; configs?: Json | null; useUuid?: string }): { created: boolean; session: Json } {
    const { store } = this.options;
    if (input.useUuid) {
      // Idempotent creation with the client's id (current Acontext).
      const existing = store.acontext.getSession(input.useUuid);
      if (existing) return { created: false, session: sessionJson(existing) };
      if (store.sessions.getSession(input.useUuid)) throw new ApiError(409, `The id ${input.useUuid} is taken by a conversation of the app; use another.`);
    }
    if (input.spaceId) this.#space(input.spaceId);
    const id = input.useUuid ?? newId();
    const now = Date.now();
    store.transaction(() => {
      store.sessions.insertSession({ id, workspaceId: EXTERNAL_WORKSPACE_ID, agentKey: EXTERNAL_AGENT_KEY, parentSessionId: null, title: '', state: 'stopped', createdAt: now, updatedAt: now, pinnedAt: null, archivedAt: null });
      store.acontext.insertSession({ sessionId: id, spaceId: input.spaceId ?? null, configs: jsonOrNull(input.configs), disableTaskTracking: input.disableTaskTracking ?? false });
    });
    this.#changed();
    return { created: true, session: sessionJson(this.#session(id)) };
  }

  listSessions(page: Page, filter: { spaceId?: string; notConnected?: boolean }): Json {
    const spaceId = filter.spaceId ?? (filter.notConnected ? null : undefined);
    return paged(page, (query) => this.options.store.acontext.listSessions(query, spaceId), (row) => row.createdAt, sessionJson);
  }

  getSession(id: string): Json {
    return sessionJson(this.#session(id));
  }

  deleteSession(id: string): void {
    this.#session(id);
    this.options.store.acontext.deleteSession(id);
    this.#changed();
  }

  setConfigs(id: string, configs: Json | null): void {
    this.#session(id);
    this.options.store.acontext.setSessionConfigs(id, jsonOrNull(configs), Date.now());
  }

  /** Shallow merge; a null value removes its key. */
  patchConfigs(id: string, changes: Json): Json {
    const merged: Json = { ...(parseJson(this.#session(id).configs) ?? {}) };
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) delete merged[key];
      else merged[key] = value;
    }
    this.options.store.acontext.setSessionConfigs(id, JSON.stringify(merged), Date.now());
    return { configs: merged };
  }

  connectToSpace(id: string, spaceId: string): void {
    this.#session(id);
    this.#space(spaceId);
    this.options.store.acontext.setSessionSpace(id, spaceId, Date.now());
    this.#changed();
  }

  // ── messages ──────────────────────────────────────────────────────────────────────────────

  /** Validates the whole message, then writes it in one transaction and publishes its timeline entries. */
  storeMessage(sessionId: string, format: AcontextFormat, blob: unknown): Json {
    const { store, writer, redactor } = this.options;
    const session = this.#session(sessionId);
    // Known secret values never reach the store, as for everything else written.
    const raw = redactor.redactDeep(blob);
    const message = normalize(format, raw);
    const columns = columnsOf(message);
    const id = newId();
    let titled = false;
    // What the writer has queued is written first, so positions and seqs stay in order.
    writer.flush();
    const entries = store.transaction(() => {
      const now = Date.now();
      const sessions = store.sessions;
      sessions.insertMessage({ id, sessionId, turnId: null, ...columns, status: 'done', position: sessions.nextPosition(sessionId), now });
      store.acontext.insertRaw(id, format, JSON.stringify(raw), !session.disableTaskTracking);
      const entries: (TimelineEntry | undefined)[] = [];
      if (columns.role !== 'tool' && (columns.text || !columns.toolCalls)) entries.push(sessions.getMessage(id));
      entries.push(...this.#recordToolParts(sessionId, message, now));
      if (!session.title && columns.role === 'user' && columns.text) {
        sessions.setTitle(sessionId, titleFrom(columns.text), now);
        titled = true;
      }
      return entries;
    });
    for (const entry of entries) if (entry) writer.publish(sessionId, { type: 'entry', entry });
    if (titled) {
      const updated = store.sessions.getSession(sessionId);
      if (updated) this.options.emit({ type: 'session.updated', session: updated });
    }
    return messageJson(sessionId, store.acontext.getMessage(id)!, message);
  }

  getMessages(sessionId: string, page: Page, format: AcontextFormat): Json {
    this.#session(sessionId);
    const after = page.cursor ? decodeCursor(page.cursor) : null;
    // Upstream: no limit (or 0) means every message.
    const limit = page.limit || null;
    const rows = this.options.store.acontext.listMessages(sessionId, { limit, desc: page.timeDesc, after });
    const hasMore = limit !== null && rows.length > limit;
    const pageRows = hasMore ? rows.slice(0, page.limit) : rows;
    const last = pageRows.at(-1);
    // Newest first is how the page is picked; the messages are always returned oldest first.
    if (page.timeDesc) pageRows.reverse();
    const items: unknown[] = [];
    const ids: string[] = [];
    let tokens = 0;
    for (const row of pageRows) {
      const raw: unknown = JSON.parse(row.raw);
      const message = normalize(row.format, raw);
      const rendered = format === 'acontext' ? [messageJson(sessionId, row, message)] : render(format, { format: row.format, raw, message });
      items.push(...rendered);
      for (const _ of rendered) ids.push(row.id);
      tokens += estimateTokens(row.text) + estimateTokens(row.toolCalls ?? '');
    }
    return {
      items,
      ids,
      has_more: hasMore,
      ...(hasMore && last ? { next_cursor: encodeCursor(last.position, last.id) } : {}),
      this_time_tokens: tokens,
      metas: items.map(() => ({})),
      ...(format === 'acontext' ? { public_urls: {} } : {}),
    };
  }

  /** Extracts what is pending now and resolves when done. 503 while extraction is off, 502 when the pass fails. */
  async flush(sessionId: string): Promise<Json> {
    this.#session(sessionId);
    const status = this.options.tasks.status();
    if (!status.active) throw new ApiError(503, `Task extraction is not running, so the session cannot be flushed. ${status.inactiveReason ?? ''}`.trim());
    try {
      await this.options.tasks.flush(sessionId);
    } catch (error) {
      if (error instanceof HostError) throw new ApiError(502, `${error.message} The messages are kept; flush again once the model endpoint works.`);
      throw error;
    }
    return { status: 200, errmsg: '' };
  }

  tasks(sessionId: string, page: Page): Json {
    this.#session(sessionId);
    const all = this.options.tasks.board(sessionId).tasks;
    // Tasks are listed in their order (the Tasks panel's), not by creation time as upstream does.
    const sorted = page.timeDesc ? [...all].reverse() : all;
    const after = page.cursor ? decodeCursor(page.cursor) : null;
    const rest = after ? sorted.filter((task) => (page.timeDesc ? task.order < after.key : task.order > after.key)) : sorted;
    const items = rest.slice(0, page.limit);
    const hasMore = rest.length > page.limit;
    const last = items.at(-1);
    return { items: items.map(taskJson), has_more: hasMore, ...(hasMore && last ? { next_cursor: encodeCursor(last.order, last.id) } : {}) };
  }

  observingStatus(sessionId: string): Json {
    const session = this.#session(sessionId);
    const { messages } = this.options.tasks.board(sessionId);
    const updated = this.options.store.acontext.lastMessageUpdate(sessionId) ?? session.updatedAt;
    return { observed: messages.success, in_process: messages.running, pending: messages.pending, failed: messages.failed, updated_at: iso(updated) };
  }

  /** An estimate (about four characters a token): dspatch ships no tokenizer. */
  tokenCounts(sessionId: string): Json {
    this.#session(sessionId);
    const total = this.options.store.acontext.messageTexts(sessionId).reduce((sum, row) => sum + estimateTokens(row.text) + estimateTokens(row.toolCalls ?? ''), 0);
    return { total_tokens: total };
  }

  /** Spaces-era clients poll this; dspatch learns nothing into spaces, so nothing is ever digested. */
  learningStatus(sessionId: string): Json {
    const session = this.#session(sessionId);
    const done = session.spaceId ? this.options.tasks.board(sessionId).tasks.filter((task) => task.status === 'success').length : 0;
    return { space_digested_count: 0, not_space_digested_count: done };
  }

  // ── spaces ────────────────────────────────────────────────────────────────────────────────

  createSpace(configs: Json | null | undefined): Json {
    const now = Date.now();
    const row: SpaceRow = { id: newId(), configs: jsonOrNull(configs), createdAt: now, updatedAt: now };
    this.options.store.acontext.insertSpace(row);
    this.#changed();
    return spaceJson(row);
  }

  listSpaces(page: Page): Json {
    return paged(page, (query) => this.options.store.acontext.listSpaces(query), (row) => row.createdAt, spaceJson);
  }

  getSpace(id: string): Json {
    return spaceJson(this.#space(id));
  }

  setSpaceConfigs(id: string, configs: Json | null): void {
    this.#space(id);
    this.options.store.acontext.setSpaceConfigs(id, jsonOrNull(configs), Date.now());
  }

  deleteSpace(id: string): void {
    this.#space(id);
    this.options.store.acontext.deleteSpace(id);
    this.#changed();
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────

  #session(id: string): ApiSessionRow {
    const session = this.options.store.acontext.getSession(id);
    if (!session) throw new ApiError(404, `Session ${id.slice(0, 100)} does not exist (it may have been deleted).`);
    return session;
  }

  #space(id: string): SpaceRow {
    const space = this.options.store.acontext.getSpace(id);
    if (!space) throw new ApiError(404, `Space ${id.slice(0, 100)} does not exist (it may have been deleted).`);
    return space;
  }

  /** Tool calls and results show on the timeline and in the Tools view, as an agent's of the app do. */
  #recordToolParts(sessionId: string, message: Normalized, now: number): (TimelineEntry | undefined)[] {
    const { store } = this.options;
    const entries: (TimelineEntry | undefined)[] = [];
    const activity = (kind: 'tool_call' | 'tool_result', data: Json) => {
      const id = newId();
      store.sessions.insertActivity({ id, sessionId, turnId: null, kind, data, position: store.sessions.nextPosition(sessionId), now });
      entries.push(store.sessions.getActivity(id));
      return id;
    };
    for (const part of message.parts) {
      const meta = part.meta ?? {};
      if (part.type === 'tool-call') {
        const call = { callId: String(meta.id ?? ''), tool: String(meta.name), arguments: String(meta.arguments) };
        const activityId = activity('tool_call', call);
        store.toolCalls.start({ sessionId, callId: call.callId, workspaceId: EXTERNAL_WORKSPACE_ID, agentKey: EXTERNAL_AGENT_KEY, tool: call.tool, arguments: call.arguments, activityId, at: now });
      } else if (part.type === 'tool-result') {
        const callId = String(meta.tool_call_id);
        const isError = meta.is_error === true;
        const activityId = activity('tool_result', { callId, output: part.text ?? '', ...(isError ? { isError } : {}) });
        store.toolCalls.end({ sessionId, callId, result: part.text ?? '', isError, activityId, at: now });
      }
    }
    return entries;
  }

  #changed(): void {
    this.options.emit({ type: 'acontext.changed' });
  }

  #enabled(): boolean {
    return JSON.parse(this.options.store.tasks.getSetting('acontext.enabled') ?? 'false') === true;
  }

  #port(): number {
    return Number(JSON.parse(this.options.store.tasks.getSetting('acontext.port') ?? String(DEFAULT_API_PORT)));
  }

  async #loadKey(): Promise<string> {
    const { store, cipher, redactor } = this.options;
    const stored = store.acontext.apiKeyCiphertext();
    let key: string | null = null;
    if (stored) {
      key = await cipher.decrypt(stored).catch(() => {
        // Another machine's or another cipher key's: the clients' copy is useless anyway.
        this.options.logger.warn('The Acontext API key could not be decrypted; a new one was made');
        return null;
      });
    }
    if (key === null) {
      const made = `${KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
      const ciphertext = await cipher.encrypt(made);
      if (stored) store.acontext.replaceApiKey(ciphertext, Date.now());
      else if (!store.acontext.insertApiKey(ciphertext, Date.now())) return this.#loadKey();
      key = made;
    }
    redactor.add(key);
    return key;
  }
}

// ── JSON as Acontext answers it ───────────────────────────────────────────────────────────────

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function parseJson(text: string | null): Json | null {
  return text === null ? null : (JSON.parse(text) as Json);
}

function jsonOrNull(value: Json | null | undefined): string | null {
  return value == null ? null : JSON.stringify(value);
}

function sessionJson(row: ApiSessionRow): Json {
  return {
    id: row.id,
    project_id: EXTERNAL_WORKSPACE_ID,
    space_id: row.spaceId,
    user_id: null,
    disable_task_tracking: row.disableTaskTracking,
    configs: parseJson(row.configs),
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}

function spaceJson(row: SpaceRow): Json {
  return { id: row.id, project_id: EXTERNAL_WORKSPACE_ID, configs: parseJson(row.configs), created_at: iso(row.createdAt), updated_at: iso(row.updatedAt) };
}

function messageJson(sessionId: string, row: ApiMessageRow, message: Normalized): Json {
  return {
    id: row.id,
    session_id: sessionId,
    parent_id: null,
    role: message.role,
    meta: message.meta,
    parts: message.parts.map((part) => ({ type: part.type, text: part.text ?? null, meta: part.meta ?? null })),
    task_id: row.taskId,
    session_task_process_status: row.extraction,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}

function taskJson(task: TaskSummary): Json {
  return {
    id: task.id,
    session_id: task.sessionId,
    project_id: EXTERNAL_WORKSPACE_ID,
    order: task.order,
    data: { task_description: task.description, progresses: task.progresses, user_preferences: task.userPreferences },
    status: task.status,
    is_planning: false,
    space_digested: false,
    created_at: iso(task.createdAt),
    updated_at: iso(task.updatedAt),
  };
}

/** A keyset page in Acontext's list shape: items, has_more and, when there is more, next_cursor. */
function paged<Row extends { id: string }>(page: Page, fetch: (query: PageQuery) => Row[], key: (row: Row) => number, toJson: (row: Row) => Json): Json {
  const rows = fetch({ limit: page.limit, desc: page.timeDesc, after: page.cursor ? decodeCursor(page.cursor) : null });
  const hasMore = rows.length > page.limit;
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return { items: items.map(toJson), has_more: hasMore, ...(hasMore && last ? { next_cursor: encodeCursor(key(last), last.id) } : {}) };
}

/** Upstream's cursor shape: base64url of "<key>|<id>" of the last item. */
function encodeCursor(key: number, id: string): string {
  return Buffer.from(`${key}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { key: number; id: string } {
  const [key, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (extra !== undefined || !id || !/^-?\d+$/.test(key ?? '')) throw new ApiError(400, 'cursor is not one this API gave out: pass next_cursor from the previous page.');
  return { key: Number(key), id };
}

function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
