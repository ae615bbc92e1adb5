// Tasks extracted from conversations, the extraction status of each message, and the key/value
// settings table. A pass of the extractor claims a batch of pending messages, works on a copy of the
// session's tasks, and writes its outcome in one transaction (`commitPass`), so a pass that dies
// leaves nothing half-written.
import type { ExtractionStatus, TaskBoard, TaskStatus, TaskSummary } from '../api/types';
import type { Db } from './database';

/** A message as the extractor reads it: OpenAI format, with its id. */
export interface ExtractionMessage {
  id: string;
  role: 'user' | 'assistant' | 'tool';
  text: string;
  toolCalls: { id: string; function: { name: string; arguments: string } }[] | null;
  toolCallId: string | null;
  sender: string | null;
}

/** The tasks of a session after a pass, in their new order. New tasks have ids the pass made. */
export interface PassOutcome {
  sessionId: string;
  tasks: { id: string; description: string; status: TaskStatus; progresses: string[] }[];
  preferences: { taskId: string | null; text: string }[];
  /** Message id → task id. */
  links: Map<string, string>;
  /** Every message of the batch: marked `success`. */
  messageIds: string[];
}

/** Messages still streaming are not part of the conversation yet: they are never extracted. */
const EXTRACTABLE = "session_id = ? AND extraction = 'pending' AND status <> 'streaming'";

export class TaskRepo {
  constructor(private readonly db: Db) {}

  list(sessionId: string): TaskSummary[] {
    const rows = this.db
      .prepare(
        `SELECT id, session_id AS sessionId, task_order AS "order", description, status, progresses,
                created_at AS createdAt, updated_at AS updatedAt
           FROM tasks WHERE session_id = ? ORDER BY task_order`,
      )
      .all(sessionId) as (Omit<TaskSummary, 'progresses' | 'userPreferences' | 'messageIds'> & { progresses: string })[];
    const preferences = this.db
      .prepare('SELECT task_id AS taskId, text FROM task_preferences WHERE session_id = ? AND task_id IS NOT NULL ORDER BY created_at, rowid')
      .all(sessionId) as { taskId: string; text: string }[];
    const links = this.db
      .prepare('SELECT id, task_id AS taskId FROM messages WHERE session_id = ? AND task_id IS NOT NULL ORDER BY position')
      .all(sessionId) as { id: string; taskId: string }[];
    return rows.map((row) => ({
      ...row,
      progresses: JSON.parse(row.progresses) as string[],
      userPreferences: preferences.filter((p) => p.taskId === row.id).map((p) => p.text),
      messageIds: links.filter((link) => link.taskId === row.id).map((link) => link.id),
    }));
  }

  board(sessionId: string, extracting: boolean): TaskBoard {
    const counts: Record<ExtractionStatus, number> = { pending: 0, running: 0, success: 0, failed: 0 };
    const rows = this.db
      .prepare("SELECT extraction, COUNT(*) AS n FROM messages WHERE session_id = ? AND status <> 'streaming' GROUP BY extraction")
      .all(sessionId) as { extraction: ExtractionStatus; n: number }[];
    for (const row of rows) if (row.extraction in counts) counts[row.extraction] = row.n;
    const session = this.db.prepare('SELECT extraction_error AS error FROM sessions WHERE id = ?').get(sessionId) as { error: string | null } | undefined;
    const userPreferences = (
      this.db.prepare('SELECT text FROM task_preferences WHERE session_id = ? ORDER BY created_at, rowid').all(sessionId) as { text: string }[]
    ).map((row) => row.text);
    return { sessionId, tasks: this.list(sessionId), userPreferences, messages: counts, extracting, lastError: session?.error ?? null };
  }

  pendingCount(sessionId: string): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM messages WHERE ${EXTRACTABLE}`).get(sessionId) as { n: number }).n;
  }

  /** Sessions with messages waiting, e.g. after a restart. */
  sessionsWithPending(): string[] {
    return (
      this.db.prepare("SELECT DISTINCT session_id AS id FROM messages WHERE extraction = 'pending' AND status <> 'streaming'").all() as { id: string }[]
    ).map((row) => row.id);
  }

  /** The oldest `limit` pending messages of a session, marked `running`. */
  claimBatch(sessionId: string, limit: number): ExtractionMessage[] {
    return this.db.transaction(() => {
      const rows = this.db
        .prepare(
          `SELECT id, role, text, tool_calls AS toolCalls, tool_call_id AS toolCallId, sender
             FROM messages WHERE ${EXTRACTABLE} ORDER BY position LIMIT ?`,
        )
        .all(sessionId, limit) as (Omit<ExtractionMessage, 'toolCalls'> & { toolCalls: string | null })[];
      this.#setExtraction(rows.map((row) => row.id), 'running');
      return rows.map((row) => ({ ...row, toolCalls: row.toolCalls ? (JSON.parse(row.toolCalls) as ExtractionMessage['toolCalls']) : null }));
    })();
  }

  /** A failed pass: its messages are marked `failed` (a retry makes them pending again) and the reason kept. */
  failPass(sessionId: string, messageIds: string[], error: string): void {
    this.db.transaction(() => {
      this.#setExtraction(messageIds, 'failed');
      this.db.prepare('UPDATE sessions SET extraction_error = ? WHERE id = ?').run(error, sessionId);
    })();
  }

  /** Failed messages of a session go back to pending; returns how many. */
  retryFailed(sessionId: string): number {
    return this.db.prepare("UPDATE messages SET extraction = 'pending' WHERE session_id = ? AND extraction = 'failed'").run(sessionId).changes;
  }

  /** Messages a dead host left `running` go back to pending. */
  resetRunning(): void {
    this.db.prepare("UPDATE messages SET extraction = 'pending' WHERE extraction = 'running'").run();
  }

  /** Writes a pass's outcome in one transaction; false when the session is gone. */
  commitPass(outcome: PassOutcome, now: number): boolean {
    return this.db.transaction(() => {
      if (!this.db.prepare('SELECT 1 FROM sessions WHERE id = ?').get(outcome.sessionId)) return false;
      const before = new Map(
        (this.db.prepare('SELECT id, description, status, progresses FROM tasks WHERE session_id = ?').all(outcome.sessionId) as {
          id: string;
          description: string;
          status: string;
          progresses: string;
        }[]).map((row) => [row.id, row]),
      );
      // Orders are unique per session: park them out of the way before renumbering.
      this.db.prepare('UPDATE tasks SET task_order = -task_order WHERE session_id = ?').run(outcome.sessionId);
      const update = this.db.prepare('UPDATE tasks SET task_order = ?, description = ?, status = ?, progresses = ?, updated_at = ? WHERE id = ?');
      const reorder = this.db.prepare('UPDATE tasks SET task_order = ? WHERE id = ?');
      const insert = this.db.prepare(
        'INSERT INTO tasks (id, session_id, task_order, description, status, progresses, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      outcome.tasks.forEach((task, index) => {
        const order = index + 1;
        const progresses = JSON.stringify(task.progresses);
        const old = before.get(task.id);
        if (!old) insert.run(task.id, outcome.sessionId, order, task.description, task.status, progresses, now, now);
        else if (old.description !== task.description || old.status !== task.status || old.progresses !== progresses) {
          update.run(order, task.description, task.status, progresses, now, task.id);
        } else reorder.run(order, task.id);
      });
      const addPreference = this.db.prepare('INSERT INTO task_preferences (id, session_id, task_id, text, created_at) VALUES (?, ?, ?, ?, ?)');
      for (const preference of outcome.preferences) {
        addPreference.run(crypto.randomUUID(), outcome.sessionId, preference.taskId, preference.text, now);
      }
      const link = this.db.prepare('UPDATE messages SET task_id = ? WHERE id = ?');
      for (const [messageId, taskId] of outcome.links) link.run(taskId, messageId);
      this.#setExtraction(outcome.messageIds, 'success');
      this.db.prepare('UPDATE sessions SET extraction_error = NULL WHERE id = ?').run(outcome.sessionId);
      return true;
    })();
  }

  getSetting(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setSetting(key: string, value: string): void {
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  #setExtraction(ids: string[], status: ExtractionStatus): void {
    const statement = this.db.prepare('UPDATE messages SET extraction = ? WHERE id = ?');
    for (const id of ids) statement.run(status, id);
  }
}
