// The Acontext-compatible API's own rows: spaces, what a session of the API adds to a session (its
// space, configs, task tracking), the JSON each message was stored with, and the API key's ciphertext.
// The sessions, messages and tasks themselves are the app's (session-repo, task-repo).
import type { Db } from './database';
import { EXTERNAL_WORKSPACE_ID } from './workspace-repo';

export type AcontextFormat = 'openai' | 'acontext' | 'anthropic';

export interface SpaceRow {
  id: string;
  configs: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface ApiSessionRow {
  id: string;
  spaceId: string | null;
  configs: string | null;
  disableTaskTracking: boolean;
  title: string;
  createdAt: number;
  updatedAt: number;
}

export interface ApiMessageRow {
  id: string;
  position: number;
  format: AcontextFormat;
  raw: string;
  /** The columns the extractor reads, for token estimates. */
  text: string;
  toolCalls: string | null;
  extraction: string;
  taskId: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A keyset page: rows after (or before, newest first) the cursor's key. */
export interface PageQuery {
  /** null: every row. */
  limit: number | null;
  desc: boolean;
  after: { key: number; id: string } | null;
}

const SESSION_SQL = `SELECT s.id, a.space_id AS spaceId, a.configs, a.disable_task_tracking AS disableTaskTracking, s.title,
  s.created_at AS createdAt, s.updated_at AS updatedAt FROM acontext_sessions a JOIN sessions s ON s.id = a.session_id`;

const MESSAGE_SQL = `SELECT m.id, m.position, r.format, r.raw, m.text, m.tool_calls AS toolCalls, m.extraction, m.task_id AS taskId,
  m.created_at AS createdAt, m.updated_at AS updatedAt FROM messages m JOIN acontext_messages r ON r.message_id = m.id`;

/** One row more than the page, so the caller knows whether there are more; -1 is SQLite's "no limit". */
function sqlLimit(page: PageQuery): number {
  return page.limit === null ? -1 : page.limit + 1;
}

/** Keyset condition and order over (key, id): the page after `after`, in either direction. */
function keyset(key: string, id: string, page: PageQuery): { where: string; order: string; params: unknown[] } {
  const op = page.desc ? '<' : '>';
  const dir = page.desc ? 'DESC' : 'ASC';
  return {
    where: page.after ? `(${key} ${op} ? OR (${key} = ? AND ${id} ${op} ?))` : '1',
    order: `${key} ${dir}, ${id} ${dir}`,
    params: page.after ? [page.after.key, page.after.key, page.after.id] : [],
  };
}

export class AcontextRepo {
  constructor(private readonly db: Db) {}

  // ── spaces ────────────────────────────────────────────────────────────────────────────────

  insertSpace(row: SpaceRow): void {
    this.db.prepare('INSERT INTO acontext_spaces (id, configs, created_at, updated_at) VALUES (@id, @configs, @createdAt, @updatedAt)').run(row);
  }

  getSpace(id: string): SpaceRow | undefined {
    return this.db.prepare('SELECT id, configs, created_at AS createdAt, updated_at AS updatedAt FROM acontext_spaces WHERE id = ?').get(id) as
      | SpaceRow
      | undefined;
  }

  listSpaces(page: PageQuery): SpaceRow[] {
    const { where, order, params } = keyset('created_at', 'id', page);
    return this.db
      .prepare(`SELECT id, configs, created_at AS createdAt, updated_at AS updatedAt FROM acontext_spaces WHERE ${where} ORDER BY ${order} LIMIT ?`)
      .all(...params, sqlLimit(page)) as SpaceRow[];
  }

  setSpaceConfigs(id: string, configs: string | null, now: number): boolean {
    return this.db.prepare('UPDATE acontext_spaces SET configs = ?, updated_at = ? WHERE id = ?').run(configs, now, id).changes > 0;
  }

  /** Its sessions stay, without a space. */
  deleteSpace(id: string): boolean {
    return this.db.prepare('DELETE FROM acontext_spaces WHERE id = ?').run(id).changes > 0;
  }

  // ── sessions ──────────────────────────────────────────────────────────────────────────────

  /** The session row itself is inserted by the caller (session-repo) in the same transaction. */
  insertSession(row: { sessionId: string; spaceId: string | null; configs: string | null; disableTaskTracking: boolean }): void {
    this.db
      .prepare('INSERT INTO acontext_sessions (session_id, space_id, configs, disable_task_tracking) VALUES (?, ?, ?, ?)')
      .run(row.sessionId, row.spaceId, row.configs, row.disableTaskTracking ? 1 : 0);
  }

  getSession(id: string): ApiSessionRow | undefined {
    const row = this.db.prepare(`${SESSION_SQL} WHERE a.session_id = ?`).get(id) as (Omit<ApiSessionRow, 'disableTaskTracking'> & { disableTaskTracking: number }) | undefined;
    return row && { ...row, disableTaskTracking: row.disableTaskTracking === 1 };
  }

  /** `spaceId` null: sessions in no space. */
  listSessions(page: PageQuery, spaceId?: string | null): ApiSessionRow[] {
    const { where, order, params } = keyset('s.created_at', 's.id', page);
    const space = spaceId === undefined ? '1' : spaceId === null ? 'a.space_id IS NULL' : 'a.space_id = ?';
    const rows = this.db
      .prepare(`${SESSION_SQL} WHERE ${space} AND ${where} ORDER BY ${order} LIMIT ?`)
      .all(...(typeof spaceId === 'string' ? [spaceId] : []), ...params, sqlLimit(page)) as (Omit<ApiSessionRow, 'disableTaskTracking'> & { disableTaskTracking: number })[];
    return rows.map((row) => ({ ...row, disableTaskTracking: row.disableTaskTracking === 1 }));
  }

  setSessionConfigs(id: string, configs: string | null, now: number): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE acontext_sessions SET configs = ? WHERE session_id = ?').run(configs, id);
      this.db.prepare('UPDATE sessions SET updated_at = ? WHERE id = ?').run(now, id);
    })();
  }

  setSessionSpace(id: string, spaceId: string, now: number): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE acontext_sessions SET space_id = ? WHERE session_id = ?').run(spaceId, id);
      this.db.prepare('UPDATE sessions SET updated_at = ? WHERE id = ?').run(now, id);
    })();
  }

  /** Removes an API session with everything of it (messages, tasks, tool calls cascade). */
  deleteSession(id: string): boolean {
    return this.db.prepare('DELETE FROM sessions WHERE id = ? AND workspace_id = ?').run(id, EXTERNAL_WORKSPACE_ID).changes > 0;
  }

  // ── messages ──────────────────────────────────────────────────────────────────────────────

  /** The stored JSON of a message the caller inserted (session-repo) in the same transaction. */
  insertRaw(messageId: string, format: AcontextFormat, raw: string, tracked: boolean): void {
    this.db.prepare('INSERT INTO acontext_messages (message_id, format, raw) VALUES (?, ?, ?)').run(messageId, format, raw);
    // A session without task tracking: its messages never wait for the extractor.
    if (!tracked) this.db.prepare("UPDATE messages SET extraction = 'disabled' WHERE id = ?").run(messageId);
  }

  /** A page of a session's messages by timeline position (the messages_session index). */
  listMessages(sessionId: string, page: PageQuery): ApiMessageRow[] {
    const { where, order, params } = keyset('m.position', 'm.id', page);
    return this.db.prepare(`${MESSAGE_SQL} WHERE m.session_id = ? AND ${where} ORDER BY ${order} LIMIT ?`).all(sessionId, ...params, sqlLimit(page)) as ApiMessageRow[];
  }

  getMessage(id: string): ApiMessageRow | undefined {
    return this.db.prepare(`${MESSAGE_SQL} WHERE m.id = ?`).get(id) as ApiMessageRow | undefined;
  }

  /** Every message's text and tool calls, for the session's token estimate. */
  messageTexts(sessionId: string): { text: string; toolCalls: string | null }[] {
    return this.db.prepare('SELECT text, tool_calls AS toolCalls FROM messages WHERE session_id = ?').all(sessionId) as { text: string; toolCalls: string | null }[];
  }

  lastMessageUpdate(sessionId: string): number | null {
    return (this.db.prepare('SELECT MAX(updated_at) AS at FROM messages WHERE session_id = ?').get(sessionId) as { at: number | null }).at;
  }

  // ── the API key ───────────────────────────────────────────────────────────────────────────

  apiKeyCiphertext(): Buffer | undefined {
    return (this.db.prepare('SELECT ciphertext FROM acontext_key WHERE id = 1').get() as { ciphertext: Buffer } | undefined)?.ciphertext;
  }

  /** false when a key is stored already (made by a concurrent first use): keep that one. */
  insertApiKey(ciphertext: Buffer, now: number): boolean {
    return this.db.prepare('INSERT OR IGNORE INTO acontext_key (id, ciphertext, created_at) VALUES (1, ?, ?)').run(ciphertext, now).changes > 0;
  }

  /** Replaces a key that can no longer be decrypted. */
  replaceApiKey(ciphertext: Buffer, now: number): void {
    this.db.prepare('INSERT OR REPLACE INTO acontext_key (id, ciphertext, created_at) VALUES (1, ?, ?)').run(ciphertext, now);
  }
}
