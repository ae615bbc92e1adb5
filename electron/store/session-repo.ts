// Sessions and their timeline. Messages are kept in OpenAI chat format (role, text content,
// tool_calls, tool_call_id); tool-call messages live beside the activities that show them.
// Streamed text waits in entry_chunks until its turn ends (see migration 0005): every read here
// adds an entry's chunks to its stored text, and whatever ends a turn folds them in. The table has no
// index (a tick's commit stays a page or two however many entries stream), so the repository keeps
// the ids of the entries that have chunks and looks chunks up for those only.
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
  title, state, created_at AS createdAt, updated_at AS updatedAt, pinned_at AS pinnedAt, archived_at AS archivedAt`;

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

const MESSAGE_ROW = `'message' AS source, id, session_id AS sessionId, turn_id AS turnId, role, text AS body, status, sender,
  position, created_at AS createdAt`;
const ACTIVITY_ROW = `'activity' AS source, id, session_id AS sessionId, turn_id AS turnId, kind AS role, data AS body,
  NULL AS status, NULL AS sender, position, created_at AS createdAt`;

/**
 * Messages shown on the timeline (user and assistant text; tool calls show as activities, and only
 * the text of a message that has both, as the Acontext API stores them) and
 * activities, newest first. Each side is ordered and limited on its (session_id, position) index
 * before the merge, so a page costs the same at any length of the session.
 */
const TIMELINE_SQL = `
  SELECT * FROM (
    SELECT * FROM (
      SELECT ${MESSAGE_ROW} FROM messages
       WHERE session_id = @sessionId AND position < @before AND role IN ('user', 'assistant') AND (tool_calls IS NULL OR text <> '')
       ORDER BY position DESC LIMIT @limit)
    UNION ALL
    SELECT * FROM (
      SELECT ${ACTIVITY_ROW} FROM activities WHERE session_id = @sessionId AND position < @before ORDER BY position DESC LIMIT @limit)
  ) ORDER BY position DESC LIMIT @limit`;

export class SessionRepo {
  readonly #statements;
  /** Entries with chunks not yet folded in, by id, with their session: read when the store opens (a dead host's), then kept. */
  readonly #chunked: Map<string, { sessionId: string }>;

  constructor(private readonly db: Db) {
    this.#statements = {
      appendChunk: db.prepare('INSERT INTO entry_chunks (session_id, entry_id, text) VALUES (?, ?, ?)'),
      chunksOf: db.prepare("SELECT group_concat(text, '' ORDER BY id) AS text FROM entry_chunks WHERE entry_id = ?"),
      dropChunks: db.prepare('DELETE FROM entry_chunks WHERE entry_id = ?'),
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
      getMessage: db.prepare(`SELECT ${MESSAGE_ROW} FROM messages WHERE id = ?`),
      getActivity: db.prepare(`SELECT ${ACTIVITY_ROW} FROM activities WHERE id = ?`),
      maxPosition: db.prepare(
        `SELECT COALESCE(MAX(p), 0) AS p FROM (
           SELECT MAX(position) AS p FROM messages WHERE session_id = ?
           UNION ALL SELECT MAX(position) FROM activities WHERE session_id = ?)`,
      ),
      eventSeq: db.prepare('SELECT event_seq AS seq FROM sessions WHERE id = ?'),
      setEventSeq: db.prepare('UPDATE sessions SET event_seq = ? WHERE id = ? AND event_seq < ?'),
    };
    const chunked = db.prepare('SELECT DISTINCT entry_id AS id, session_id AS sessionId FROM entry_chunks').all() as { id: string; sessionId: string }[];
    this.#chunked = new Map(chunked.map(({ id, sessionId }) => [id, { sessionId }]));
  }

  // ── sessions ──────────────────────────────────────────────────────────────────────────────

  insertSession(session: SessionSummary): void {
    this.db
      .prepare(
        `INSERT INTO sessions (id, workspace_id, agent_key, parent_session_id, title, state, created_at, updated_at, pinned_at, archived_at)
         VALUES (@id, @workspaceId, @agentKey, @parentSessionId, @title, @state, @createdAt, @updatedAt, @pinnedAt, @archivedAt)`,
      )
      .run(session);
  }

  getSession(id: string): SessionSummary | undefined {
    return this.db.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ?`).get(id) as SessionSummary | undefined;
  }

  /** Pinned first, then the most recently updated; archived ones only when asked for. */
  listSessions(workspaceId: string, includeArchived = false): SessionSummary[] {
    return this.db
      .prepare(
        `SELECT ${SESSION_COLUMNS} FROM sessions WHERE workspace_id = ? AND (? OR archived_at IS NULL)
         ORDER BY pinned_at IS NULL, updated_at DESC, rowid DESC`,
      )
      .all(workspaceId, includeArchived ? 1 : 0) as SessionSummary[];
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

  /** Sets or clears the pinned and archived marks; leaves out what is undefined. Not activity: updated_at stays. */
  setFlags(id: string, flags: { pinned?: boolean; archived?: boolean }, now: number): void {
    this.db
      .prepare(
        `UPDATE sessions SET pinned_at = CASE WHEN @keepPinned THEN pinned_at ELSE @pinned END,
           archived_at = CASE WHEN @keepArchived THEN archived_at ELSE @archived END WHERE id = @id`,
      )
      .run({
        id,
        keepPinned: flags.pinned === undefined ? 1 : 0,
        pinned: flags.pinned ? now : null,
        keepArchived: flags.archived === undefined ? 1 : 0,
        archived: flags.archived ? now : null,
      });
  }

  /**
   * Deletes a session: its messages, activities, streamed chunks, tool calls, tasks and inquiries go
   * with it by foreign-key cascade; logs and usage keep their rows without the link.
   */
  deleteSession(id: string): boolean {
    for (const [entryId, entry] of this.#chunked) if (entry.sessionId === id) this.#chunked.delete(entryId);
    return this.db.prepare('DELETE FROM sessions WHERE id = ?').run(id).changes > 0;
  }

  /** Sessions whose process is gone after a restart: they can no longer be generating. */
  markAllStopped(now: number): void {
    this.#foldChunks(null, now);
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

  /** Streamed text for a message's text or an activity's data.text: one row, however long the entry is. */
  appendChunk(sessionId: string, entryId: string, text: string): void {
    this.#statements.appendChunk.run(sessionId, entryId, text);
    this.#chunked.set(entryId, { sessionId });
  }

  /** Replaces a message's text, and with it any streamed chunks. */
  setMessageText(id: string, text: string, now: number): void {
    this.#statements.setText.run(text, now, id);
    this.#dropChunks(id);
  }

  getMessage(id: string): TimelineMessage | undefined {
    const row = this.#statements.getMessage.get(id) as TimelineRow | undefined;
    return row ? (this.#toEntry(row) as TimelineMessage) : undefined;
  }

  /**
   * A turn ended: its entries' chunks are folded in, its streaming messages closed; returns the ids
   * of the messages it closed.
   */
  finishTurnMessages(sessionId: string, turnId: string, status: MessageStatus, now: number): string[] {
    this.#foldChunks(sessionId, now);
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
    this.#foldChunks(sessionId, now);
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

  /** Replaces an activity's data, and with it any streamed chunks of its text. */
  setActivityData(id: string, data: Record<string, unknown>, now: number): void {
    this.#statements.setActivityData.run(JSON.stringify(data), now, id);
    this.#dropChunks(id);
  }

  getActivity(id: string): TimelineActivity | undefined {
    const row = this.#statements.getActivity.get(id) as TimelineRow | undefined;
    return row ? (this.#toEntry(row) as TimelineActivity) : undefined;
  }

  /** Writes each chunked entry (of one session, or all) as readers see it, which drops its chunks. */
  #foldChunks(sessionId: string | null, now: number): void {
    for (const [id, entry] of this.#chunked) {
      if (sessionId !== null && entry.sessionId !== sessionId) continue;
      const message = this.getMessage(id);
      const activity = message ? undefined : this.getActivity(id);
      if (message) this.setMessageText(id, message.text, now);
      else if (activity) this.setActivityData(id, activity.data, now);
      else this.#dropChunks(id); // its entry is gone
    }
  }

  /** The streamed text of an entry not yet folded in, or null. */
  #chunksOf(id: string): string | null {
    return this.#chunked.has(id) ? (this.#statements.chunksOf.get(id) as { text: string | null }).text : null;
  }

  #dropChunks(id: string): void {
    if (this.#chunked.delete(id)) this.#statements.dropChunks.run(id);
  }

  #toEntry(row: TimelineRow): TimelineEntry {
    return toEntry(row, this.#chunksOf(row.id));
  }

  /** The newest `limit` entries before `beforePosition`, oldest first. */
  timeline(sessionId: string, limit: number, beforePosition = Number.MAX_SAFE_INTEGER): { entries: TimelineEntry[]; hasMore: boolean } {
    const rows = this.#statements.timeline.all({ sessionId, before: beforePosition, limit: limit + 1 }) as TimelineRow[];
    const hasMore = rows.length > limit;
    return { entries: rows.slice(0, limit).reverse().map((row) => this.#toEntry(row)), hasMore };
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

  /** Lowers a session's stored seq to `seq`, the last one handed out, giving back the rest of a reservation. */
  releaseEventSeqs(sessionId: string, seq: number): void {
    this.db.prepare('UPDATE sessions SET event_seq = ? WHERE id = ?').run(seq, sessionId);
  }

  /** The last message the user (not a peer agent) wrote in a session. */
  lastUserMessage(sessionId: string): { id: string; text: string; position: number } | undefined {
    return this.db
      .prepare(
        `SELECT id, text, position FROM messages WHERE session_id = ? AND role = 'user' AND sender IS NULL
         ORDER BY position DESC LIMIT 1`,
      )
      .get(sessionId) as { id: string; text: string; position: number } | undefined;
  }

  /**
   * Removes a session's messages and activities from `position` on (their tool-call rows too, whose
   * links would lead nowhere); returns the ids removed. Call inside a transaction.
   */
  truncateFrom(sessionId: string, position: number): string[] {
    const ids = (
      this.db
        .prepare('SELECT id FROM messages WHERE session_id = @sessionId AND position >= @position UNION ALL SELECT id FROM activities WHERE session_id = @sessionId AND position >= @position')
        .all({ sessionId, position }) as { id: string }[]
    ).map((row) => row.id);
    for (const id of ids) this.#dropChunks(id);
    this.db
      .prepare('DELETE FROM tool_calls WHERE session_id = ? AND call_activity_id IN (SELECT id FROM activities WHERE session_id = ? AND position >= ?)')
      .run(sessionId, sessionId, position);
    this.db.prepare('DELETE FROM messages WHERE session_id = ? AND position >= ?').run(sessionId, position);
    this.db.prepare('DELETE FROM activities WHERE session_id = ? AND position >= ?').run(sessionId, position);
    return ids;
  }

  /**
   * For each turn: the last assistant message the timeline shows, and when the turn's first message
   * was written and its last one finished. Turns without such a message are left out.
   */
  turnEnds(sessionId: string, turnIds: readonly string[]): Map<string, { lastAssistantId: string; startedAt: number; endedAt: number }> {
    const rows = this.db
      .prepare(
        `SELECT last.turnId, last.id AS lastAssistantId, span.startedAt, span.endedAt FROM
           (SELECT turn_id AS turnId, id, MAX(position) FROM messages
             WHERE session_id = @sessionId AND turn_id IN (SELECT value FROM json_each(@turnIds)) AND role = 'assistant'
               AND (tool_calls IS NULL OR text <> '') GROUP BY turn_id) AS last
         JOIN (SELECT turn_id AS turnId, MIN(created_at) AS startedAt, MAX(updated_at) AS endedAt FROM messages
             WHERE session_id = @sessionId AND turn_id IN (SELECT value FROM json_each(@turnIds)) GROUP BY turn_id) AS span
           ON span.turnId = last.turnId`,
      )
      .all({ sessionId, turnIds: JSON.stringify(turnIds) }) as { turnId: string; lastAssistantId: string; startedAt: number; endedAt: number }[];
    return new Map(rows.map(({ turnId, ...end }) => [turnId, end]));
  }

  /** What the assistant said in one turn: the reply a talk_to caller receives. */
  turnText(sessionId: string, turnId: string): string {
    const rows = this.db
      .prepare(
        `SELECT id, text FROM messages WHERE session_id = ? AND turn_id = ? AND role = 'assistant' AND tool_calls IS NULL
         ORDER BY position`,
      )
      .all(sessionId, turnId) as { id: string; text: string }[];
    return rows.map((row) => row.text + (this.#chunksOf(row.id) ?? '')).filter(Boolean).join('\n\n');
  }

  /**
   * The conversation in OpenAI chat format, oldest first: what `sessions show` prints and a resumed
   * agent replays. `exceptTurnId` leaves out a turn's messages (the one whose input is about to be sent).
   */
  chatMessages(sessionId: string, exceptTurnId: string | null = null): ChatMessage[] {
    const rows = this.db
      .prepare(
        `SELECT id, role, text, tool_calls AS toolCalls, tool_call_id AS toolCallId, sender FROM messages
         WHERE session_id = ? AND (? IS NULL OR turn_id IS NOT ?) ORDER BY position`,
      )
      .all(sessionId, exceptTurnId, exceptTurnId) as { id: string; role: ChatMessage['role']; text: string; toolCalls: string | null; toolCallId: string | null; sender: string | null }[];
    return rows.map((row) => {
      const text = row.text + (this.#chunksOf(row.id) ?? '');
      const message: ChatMessage = { role: row.role, content: row.toolCalls && !text ? null : text };
      if (row.toolCalls) message.tool_calls = JSON.parse(row.toolCalls) as ChatMessage['tool_calls'];
      if (row.toolCallId) message.tool_call_id = row.toolCallId;
      if (row.sender) message.name = row.sender;
      return message;
    });
  }
}

/** `chunks`: streamed text not yet folded into the row (a message's text, an activity's data.text). */
function toEntry(row: TimelineRow, chunks: string | null): TimelineEntry {
  if (row.source === 'message') {
    return {
      kind: 'message',
      id: row.id,
      sessionId: row.sessionId,
      turnId: row.turnId,
      role: row.role as TimelineMessage['role'],
      text: row.body + (chunks ?? ''),
      status: row.status as MessageStatus,
      sender: row.sender,
      createdAt: row.createdAt,
    };
  }
  const data = JSON.parse(row.body) as Record<string, unknown>;
  if (chunks !== null) data.text = (typeof data.text === 'string' ? data.text : '') + chunks;
  return {
    kind: 'activity',
    id: row.id,
    sessionId: row.sessionId,
    turnId: row.turnId,
    activityKind: row.role as TimelineActivity['activityKind'],
    data,
    createdAt: row.createdAt,
  };
}
