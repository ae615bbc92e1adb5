import type { LogEntry } from '../api/types';
import type { Db } from './database';

export type LogInsert = Omit<LogEntry, 'id'>;

const COLUMNS = `id, workspace_id AS workspaceId, session_id AS sessionId, agent_key AS agentKey, level, source, message,
  created_at AS createdAt, event`;

export class LogRepo {
  readonly #insert;

  constructor(private readonly db: Db) {
    this.#insert = db.prepare(
      `INSERT INTO logs (workspace_id, session_id, agent_key, level, source, message, created_at, event)
       VALUES (@workspaceId, @sessionId, @agentKey, @level, @source, @message, @createdAt, @event)`,
    );
  }

  insert(entry: LogInsert): LogEntry {
    const id = Number(this.#insert.run({ ...entry, event: entry.event ?? null }).lastInsertRowid);
    return { id, ...entry, event: entry.event ?? null };
  }

  list(filter: { workspaceId?: string; level?: LogEntry['level']; query?: string; limit?: number }): LogEntry[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit ?? 500 };
    if (filter.workspaceId) {
      where.push('workspace_id = @workspaceId');
      params.workspaceId = filter.workspaceId;
    }
    if (filter.level) {
      where.push('level = @level');
      params.level = filter.level;
    }
    if (filter.query) {
      where.push("message LIKE @query ESCAPE '\\'");
      params.query = `%${escapeLike(filter.query)}%`;
    }
    const sql = `SELECT ${COLUMNS} FROM logs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`;
    return (this.db.prepare(sql).all(params) as LogEntry[]).reverse();
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
