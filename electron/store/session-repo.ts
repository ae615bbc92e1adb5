// Sessions and their timeline. Messages are kept in OpenAI chat format (role, text content,
// tool_calls, tool_call_id); tool-call messages live beside the activities that show them.
import type { ChatMessage } from '../../agents/protocol';
import type {
  MessageStatus,
  SessionState,
  SessionSummary,
  TimelineActivity,
  TimelineEntry,
  TimelineMessage,
} from '../api/types';
import type { Db } from './database';

export interface MessageInsert {
  id: string;
  sessionId: string;
  turnId: string | null;
  role: 'user' | 'assistant' | 'tool';
  text: string;
  toolCalls?: ChatMessage['tool_calls'];
  toolCallId?: string;
  sender: string | null;
  status: MessageStatus;
  position: number;
  now: number;
}

export interface ActivityInsert {
  id: string;
  sessionId: string;
  turnId: string | null;
  kind: string;
  data: Record<string, unknown>;
  position: number;
  now: number;
}

const SESSION_COLUMNS = `id, workspace_id AS workspaceId, agent_key AS agentKey, parent_session_id AS parentSessionId,
  title, state, created_at AS createdAt, updated_at AS updatedAt`;

interface TimelineRow {
  source: 'message' | 'activity';
  id: string;
  sessionId: string;
  turnId: string | null;
  role: string | null;
  body: string;
  status: string | null;
  sender: string | null;
  position: number;
  createdAt: number;
}

/** Messages shown on the timeline: user and assistant text. Tool calls show as activities. */
const TIMELINE_SQL = `
  SELECT * FROM (
    SELECT 'message' AS source, id, session_id AS sessionId, turn_id AS turnId, role, text AS body, status, sender,
           position, created_at AS createdAt
      FROM messages WHERE session_id = @sessionId AND role IN ('user', 'assistant') AND tool_calls IS NULL
        AND position < @before
    UNION ALL
    SELECT 'activity', id, session_id, turn_id, kind, data, NULL, NULL, position, created_at
      FROM activities WHERE session_id = @sessionId AND position < @before
  ) ORDER BY position DESC LIMIT @limit`;

export class SessionRepo {
  readonly #statements;

  constructor(private readonly db: Db) {
    this.#statements = {
      appendText: db.prepare('UPDATE messages SET text = text || ?, updated_at = ? WHERE id = ?'),
      setText: db.prepare('UPDATE messages SET text = ?, updated_at = ? WHERE id = ?'),
      insertMessage: db.prepare(
        `INSERT INTO messages (id, session_id, turn_id, role, text, tool_calls, tool_call_id, sender, status, position, created_at, updated_at)
         VALUES (@id, @sessionId, @turnId, @role, @text, @toolCalls, @toolCallId, @sender, @status, @position, @now, @now)`,
      ),
      insertActivity: db.prepare(
        `INSERT INTO activities (id, session_id, turn_id, kind, data, position, created_at, updated_at)
         VALUES (@id, @sessionId, @turnId, @kind, @data, @position, @now, @now)`,
      ),
      setActivityData: db.prepare('UPDATE activities SET data = ?, updated_at = ? WHERE id = ?'),
      timeline: db.prepare(TIMELINE_SQL),
      maxPosition: db.prepare(
        `SELECT COALESCE(MAX(p), 0) AS p FROM (
           SELECT MAX(position) AS p FROM messages WHERE session_id = ?
           UNION ALL SELECT MAX(position) FROM activities WHERE session_id = ?)`,
      ),
      eventSeq: db.prepare('SELECT event_seq AS seq FROM sessions WHERE id = ?'),
      setEventSeq: db.prepare('UPDATE sessions SET event_seq = ? WHERE id = ? AND event_seq < ?'),
    };
  }

  // ── sessions ──────────────────────────────────────────────────────────────────────────────

  insertSession(session: SessionSummary): void {
    this.db
      .prepare(
        `INSERT INTO sessions (id, workspace_id, agent_key, parent_session_id, title, state, created_at, updated_at)
         VALUES (@id, @workspaceId, @agentKey, @parentSessionId, @title, @state, @createdAt, @updatedAt)`,
      )
      .run(session);
  }

  getSession(id: string): SessionSummary | undefined {
    return this.db.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ?`).get(id) as SessionSummary | undefined;
  }

  listSessions(workspaceId: string): SessionSummary[] {
    return this.db
      .prepare(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE workspace_id = ? ORDER BY created_at DESC`)
      .all(workspaceId) as SessionSummary[];
  }

  latestSessionOf(workspaceId: string, agentKey: string): SessionSummary | undefined {
    return this.db
      .prepare(
        `SELECT ${SESSION_COLUMNS} FROM sessions WHERE workspace_id = ? AND agent_key = ? AND parent_session_id IS NULL
         ORDER BY updated_at DESC, rowid DESC LIMIT 1`,
      )
      .get(workspaceId, agentKey) as SessionSummary | undefined;
  }

  setState(id: string, state: SessionState, now: number): void {
    this.db.prepare('UPDATE sessions SET state = ?, updated_at = ? WHERE id = ?').run(state, now, id);
  }

  setTitle(id: string, title: string, now: number): void {
    this.db.prepare('UPDATE sessions SET title = ?, updated_at = ? WHERE id = ?').run(title, now, id);
  }

  /** Sessions whose process is gone after a restart: they can no longer be generating. */
  markAllStopped(now: number): void {
    this.db.prepare("UPDATE sessions SET state = 'stopped', updated_at = ? WHERE state NOT IN ('stopped', 'crashed')").run(now);
    this.db.prepare("UPDATE messages SET status = 'cut', updated_at = ? WHERE status = 'streaming'").run(now);
  }

  // ── messages and activities ───────────────────────────────────────────────────────────────

  insertMessage(message: MessageInsert): void {
    this.#statements.insertMessage.run({
      ...message,
      toolCalls: message.toolCalls ? JSON.stringify(message.toolCalls) : null,
      toolCallId: message.toolCallId ?? null,
    });
  }

  appendMessageText(id: string, text: string, now: number): void {
    this.#statements.appendText.run(text, now, id);
  }

  setMessageText(id: string, text: string, now: number): void {
    this.#statements.setText.run(text, now, id);
  }

  getMessage(id: string): TimelineMessage | undefined {
    const row = this.db
      .prepare(
        `SELECT 'message' AS source, id, session_id AS sessionId, turn_id AS turnId, role, text AS body, status, sender,
                position, created_at AS createdAt FROM messages WHERE id = ?`,
      )
      .get(id) as TimelineRow | undefined;
    return row ? (toEntry(row) as TimelineMessage) : undefined;
  }

  /** Closes the streaming messages of a turn; returns the ids it changed. */
  finishTurnMessages(sessionId: string, turnId: string, status: MessageStatus, now: number): string[] {
    const rows = this.db
      .prepare("SELECT id FROM messages WHERE session_id = ? AND turn_id = ? AND status = 'streaming'")
      .all(sessionId, turnId) as { id: string }[];
    this.db
      .prepare("UPDATE messages SET status = ?, updated_at = ? WHERE session_id = ? AND turn_id = ? AND status = 'streaming'")
      .run(status, now, sessionId, turnId);
    return rows.map((r) => r.id);
  }

  /** Messages left streaming when their process died or the app quit. */
  finishAllStreaming(sessionId: string, status: MessageStatus, now: number): string[] {
    const rows = this.db
      .prepare("SELECT id FROM messages WHERE session_id = ? AND status = 'streaming'")
      .all(sessionId) as { id: string }[];
    this.db
      .prepare("UPDATE messages SET status = ?, updated_at = ? WHERE session_id = ? AND status = 'streaming'")
      .run(status, now, sessionId);
    return rows.map((r) => r.id);
  }

  insertActivity(activity: ActivityInsert): void {
    this.#statements.insertActivity.run({ ...activity, data: JSON.stringify(activity.data) });
  }

  setActivityData(id: string, data: Record<string, unknown>, now: number): void {
    this.#statements.setActivityData.run(JSON.stringify(data), now, id);
  }

  getActivity(id: string): TimelineActivity | undefined {
    const row = this.db
      .prepare(
        `SELECT 'activity' AS source, id, session_id AS sessionId, turn_id AS turnId, kind AS role, data AS body,
                NULL AS status, NULL AS sender, position, created_at AS createdAt FROM activities WHERE id = ?`,
      )
      .get(id) as TimelineRow | undefined;
    return row ? (toEntry(row) as TimelineActivity) : undefined;
  }

  /** The newest `limit` entries before `beforePosition`, oldest first. */
  timeline(sessionId: string, limit: number, beforePosition = Number.MAX_SAFE_INTEGER): { entries: TimelineEntry[]; hasMore: boolean } {
    const rows = this.#statements.timeline.all({ sessionId, before: beforePosition, limit: limit + 1 }) as TimelineRow[];
    const hasMore = rows.length > limit;
    return { entries: rows.slice(0, limit).reverse().map(toEntry), hasMore };
  }

  positionOf(entryId: string): number | undefined {
    const row = this.db
      .prepare('SELECT position FROM messages WHERE id = ? UNION ALL SELECT position FROM activities WHERE id = ? LIMIT 1')
      .get(entryId, entryId) as { position: number } | undefined;
    return row?.position;
  }

  /**
   * The next position on a session's timeline, read from the database inside the writer's
   * transaction: two writers could never hand out the same one.
   */
  nextPosition(sessionId: string): number {
    return (this.#statements.maxPosition.get(sessionId, sessionId) as { p: number | null }).p! + 1;
  }

  eventSeq(sessionId: string): number {
    return (this.#statements.eventSeq.get(sessionId) as { seq: number } | undefined)?.seq ?? 0;
  }

  setEventSeq(sessionId: string, seq: number): void {
    this.#statements.setEventSeq.run(seq, sessionId, seq);
  }

  /** What the assistant said in one turn: the reply a talk_to caller receives. */
  turnText(sessionId: string, turnId: string): string {
    const rows = this.db
      .prepare(
        `SELECT text FROM messages WHERE session_id = ? AND turn_id = ? AND role = 'assistant' AND tool_calls IS NULL
         ORDER BY position`,
      )
      .all(sessionId, turnId) as { text: string }[];
    return rows.map((row) => row.text).filter(Boolean).join('\n\n');
  }

  /**
   * The conversation in OpenAI chat format, oldest first: what `sessions show` prints and a resumed
   * agent replays. `exceptTurnId` leaves out a turn's messages (the one whose input is about to be sent).
   */
  chatMessages(sessionId: string, exceptTurnId: string | null = null): ChatMessage[] {
    const rows = this.db
      .prepare(
        `SELECT role, text, tool_calls AS toolCalls, tool_call_id AS toolCallId, sender FROM messages
         WHERE session_id = ? AND (? IS NULL OR turn_id IS NOT ?) ORDER BY position`,
      )
      .all(sessionId, exceptTurnId, exceptTurnId) as { role: ChatMessage['role']; text: string; toolCalls: string | null; toolCallId: string | null; sender: string | null }[];
    return rows.map((row) => {
      const message: ChatMessage = { role: row.role, content: row.toolCalls ? null : row.text };
      if (row.toolCalls) message.tool_calls = JSON.parse(row.toolCalls) as ChatMessage['tool_calls'];
      if (row.toolCallId) message.tool_call_id = row.toolCallId;
      if (row.sender) message.name = row.sender;
      return message;
    });
  }
}

function toEntry(row: TimelineRow): TimelineEntry {
  if (row.source === 'message') {
    return {
      kind: 'message',
      id: row.id,
      sessionId: row.sessionId,
      turnId: row.turnId,
      role: row.role as TimelineMessage['role'],
      text: row.body,
      status: row.status as MessageStatus,
      sender: row.sender,
      createdAt: row.createdAt,
    };
  }
  return {
    kind: 'activity',
    id: row.id,
    sessionId: row.sessionId,
    turnId: row.turnId,
    activityKind: row.role as TimelineActivity['activityKind'],
    data: JSON.parse(row.body) as Record<string, unknown>,
    createdAt: row.createdAt,
  };
}
