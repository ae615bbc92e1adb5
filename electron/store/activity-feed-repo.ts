// The Activity feed: what happened in every session, newest first, read from where each kind is
// already kept (tool_calls, activities, tasks, logs) rather than from a copy. Each source is walked
// down its own (time, id) index (migration 0011) to at most one page, then the pages are merged:
// keyset pagination on (time, id), so any page costs the same however deep it is (never OFFSET).
// Filter values only ever reach SQL as bound parameters.
import { FEED_CURSOR, FEED_KINDS } from '../api/contract';
import type { FeedItem, FeedKind, FeedPage, LogEntry } from '../api/types';
import type { Db } from './database';

export interface FeedFilter {
  workspaceId?: string;
  agentKey?: string;
  sessionId?: string;
  kinds?: readonly FeedKind[];
  level?: LogEntry['level'];
  /** ms, inclusive. */
  since?: number;
  /** ms, exclusive. */
  until?: number;
  /** Text the row's summary or body contains (case-insensitive for ASCII). */
  query?: string;
  /** A `nextCursor` of an earlier page: rows strictly older than it. */
  before?: string;
  limit?: number;
}

/** How much of a row's text or detail the feed carries; the conversation has it whole. */
export const FEED_TEXT_CHARS = 2000;
export const FEED_DEFAULT_LIMIT = 100;

/** The activity kinds each feed kind shows (tool calls come from tool_calls, with their result). */
const ACTIVITY_KINDS: Partial<Record<FeedKind, string[]>> = {
  reasoning: ['thinking'],
  talk: ['talk_to.request', 'talk_to.response'],
  inquiry: ['inquiry.request', 'inquiry.response'],
  error: ['error'],
};

interface Row {
  id: string;
  kind: FeedKind;
  level: LogEntry['level'];
  createdAt: number;
  workspaceId: string | null;
  sessionId: string | null;
  agentKey: string | null;
  entryId: string | null;
  taskId: string | null;
  /** The source's own kind: an activity kind, a tool call's status, a task's status, a log's event or source. */
  sub: string;
  /** A peer's key, a tool's name, a task's number. */
  ref: string | null;
  text: string;
  detail: string | null;
}

type Branch = { sql: string; time: string; key: string; order: string; scope: { workspace: string; agent: string; session: string }; level: string; text: string };

const ACTIVITY_TEXT = `COALESCE(json_extract(a.data, '$.message'), json_extract(a.data, '$.text'), json_extract(a.data, '$.markdown'),
  json_extract(a.data, '$.response'), json_extract(a.data, '$.error'), '')`;
const ACTIVITY_LEVEL = `CASE WHEN a.kind = 'error' OR (a.kind = 'talk_to.response' AND json_extract(a.data, '$.error') IS NOT NULL) THEN 'error' ELSE 'info' END`;
const TOOL_LEVEL = `CASE WHEN tc.is_error THEN 'error' ELSE 'info' END`;
const TASK_LEVEL = `CASE t.status WHEN 'failed' THEN 'warn' ELSE 'info' END`;

/**
 * Each source as feed rows. `key` is the row's feed id: a letter for the source and its own id, so
 * ids order the same within a source as `order`, the column its time index ends with, does. The sessions join is a CROSS JOIN so SQLite
 * keeps the source's time index as the outer loop (and stops after a page) instead of sorting.
 */
const BRANCHES: Record<'tool' | 'activity' | 'task' | 'log', Branch> = {
  tool: {
    sql: `SELECT 't' || tc.call_activity_id AS id, 'tool' AS kind, ${TOOL_LEVEL} AS level, tc.started_at AS createdAt,
        tc.workspace_id AS workspaceId, tc.session_id AS sessionId, tc.agent_key AS agentKey, tc.call_activity_id AS entryId,
        NULL AS taskId, CASE WHEN tc.ended_at IS NULL THEN 'running' WHEN tc.is_error THEN 'error' ELSE 'ok' END AS sub,
        tc.tool AS ref, substr(tc.arguments, 1, ${FEED_TEXT_CHARS}) AS text, substr(tc.result, 1, ${FEED_TEXT_CHARS}) AS detail
      FROM tool_calls tc`,
    time: 'tc.started_at',
    key: "'t' || tc.call_activity_id",
    order: 'tc.call_activity_id',
    scope: { workspace: 'tc.workspace_id', agent: 'tc.agent_key', session: 'tc.session_id' },
    level: TOOL_LEVEL,
    text: "tc.tool || ' ' || tc.arguments || ' ' || COALESCE(tc.result, '')",
  },
  activity: {
    sql: `SELECT 'a' || a.id AS id,
        CASE a.kind WHEN 'thinking' THEN 'reasoning' WHEN 'error' THEN 'error'
          WHEN 'talk_to.request' THEN 'talk' WHEN 'talk_to.response' THEN 'talk' ELSE 'inquiry' END AS kind,
        ${ACTIVITY_LEVEL} AS level, a.created_at AS createdAt, s.workspace_id AS workspaceId, a.session_id AS sessionId,
        s.agent_key AS agentKey, a.id AS entryId, NULL AS taskId, a.kind AS sub, json_extract(a.data, '$.peer') AS ref,
        substr(${ACTIVITY_TEXT}, 1, ${FEED_TEXT_CHARS}) AS text, NULL AS detail
      FROM activities a CROSS JOIN sessions s ON s.id = a.session_id`,
    time: 'a.created_at',
    key: "'a' || a.id",
    order: 'a.id',
    scope: { workspace: 's.workspace_id', agent: 's.agent_key', session: 'a.session_id' },
    level: ACTIVITY_LEVEL,
    text: `${ACTIVITY_TEXT} || ' ' || COALESCE(json_extract(a.data, '$.peer'), '')`,
  },
  task: {
    sql: `SELECT 'k' || t.id AS id, 'task' AS kind, ${TASK_LEVEL} AS level, t.updated_at AS createdAt, s.workspace_id AS workspaceId,
        t.session_id AS sessionId, s.agent_key AS agentKey, NULL AS entryId, t.id AS taskId, t.status AS sub,
        CAST(t.task_order AS TEXT) AS ref, substr(t.description, 1, ${FEED_TEXT_CHARS}) AS text,
        CASE WHEN t.progresses = '[]' THEN NULL ELSE substr(t.progresses, 1, ${FEED_TEXT_CHARS}) END AS detail
      FROM tasks t CROSS JOIN sessions s ON s.id = t.session_id`,
    time: 't.updated_at',
    key: "'k' || t.id",
    order: 't.id',
    scope: { workspace: 's.workspace_id', agent: 's.agent_key', session: 't.session_id' },
    level: TASK_LEVEL,
    text: 't.description',
  },
  log: {
    sql: `SELECT 'l' || printf('%016d', l.id) AS id, CASE WHEN l.event IS NULL THEN 'log' ELSE 'lifecycle' END AS kind, l.level AS level,
        l.created_at AS createdAt, l.workspace_id AS workspaceId, l.session_id AS sessionId, l.agent_key AS agentKey,
        NULL AS entryId, NULL AS taskId, COALESCE(l.event, l.source) AS sub, NULL AS ref,
        substr(l.message, 1, ${FEED_TEXT_CHARS}) AS text, NULL AS detail
      FROM logs l`,
    time: 'l.created_at',
    key: "'l' || printf('%016d', l.id)",
    order: 'l.id',
    scope: { workspace: 'l.workspace_id', agent: 'l.agent_key', session: 'l.session_id' },
    level: 'l.level',
    text: 'l.message',
  },
};

/**
 * An error an agent reports is stored as an `error` activity (shown in its conversation) and as an
 * error log line with its text (the SDK's reportError), often once more with a prefix (the templates'
 * `ctx.log(\`Error: ${e.message}\`)` after run() failed): the feed shows the activity and leaves out
 * the session's error lines that end with its text, written around the same time.
 */
const NOT_A_REPORTED_ERROR = `NOT (l.level = 'error' AND l.session_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM activities e WHERE e.session_id = l.session_id AND e.kind = 'error'
      AND e.created_at BETWEEN l.created_at - 60000 AND l.created_at + 60000
      AND substr(l.message, -length(json_extract(e.data, '$.message'))) = json_extract(e.data, '$.message')))`;

export class ActivityFeedRepo {
  constructor(private readonly db: Db) {}

  page(filter: FeedFilter): FeedPage {
    const limit = filter.limit ?? FEED_DEFAULT_LIMIT;
    const { sql, params } = feedQuery(filter, limit + 1);
    const rows = this.db.prepare(sql).all(params) as Row[];
    const items = rows.slice(0, limit).map(toItem);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? `${last.createdAt}.${last.id}` : null };
  }

  /** How SQLite runs the feed query for a filter: for the benchmark and the test that keeps it on its indexes. */
  plan(filter: FeedFilter): string[] {
    const { sql, params } = feedQuery(filter, (filter.limit ?? FEED_DEFAULT_LIMIT) + 1);
    return (this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((row) => row.detail);
  }
}

function feedQuery(filter: FeedFilter, limit: number): { sql: string; params: Record<string, unknown> } {
  const params: Record<string, unknown> = { limit };
  if (filter.before !== undefined) {
    const match = FEED_CURSOR.exec(filter.before);
    // The request schema checks cursors; this is for a caller that skipped it.
    if (!match) throw new Error('The cursor is not one the feed handed out; start again from the first page.');
    params.beforeTime = Number(match[1]);
    params.beforeKey = match[2];
  }
  if (filter.workspaceId !== undefined) params.workspaceId = filter.workspaceId;
  if (filter.agentKey !== undefined) params.agentKey = filter.agentKey;
  if (filter.sessionId !== undefined) params.sessionId = filter.sessionId;
  if (filter.level !== undefined) params.level = filter.level;
  if (filter.since !== undefined) params.since = filter.since;
  if (filter.until !== undefined) params.until = filter.until;
  if (filter.query) params.query = `%${escapeLike(filter.query)}%`;

  const kinds = new Set<FeedKind>(filter.kinds?.length ? filter.kinds : FEED_KINDS);
  const parts: string[] = [];
  const add = (branch: Branch, extra: string[]) => {
    const where = [...extra, ...commonWhere(branch, filter)];
    parts.push(`SELECT * FROM (${branch.sql} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${branch.time} DESC, ${branch.order} DESC LIMIT @limit)`);
  };
  if (kinds.has('tool')) {
    // A talk_to or an inquiry is shown by its own activities, not as the platform tool behind it.
    add(BRANCHES.tool, ["tc.tool NOT LIKE 'talk\\_to\\_%' ESCAPE '\\'", "tc.tool <> 'send_inquiry'"]);
  }
  const activityKinds = [...kinds].flatMap((kind) => ACTIVITY_KINDS[kind] ?? []);
  if (activityKinds.length) {
    activityKinds.forEach((kind, index) => (params[`ak${index}`] = kind));
    add(BRANCHES.activity, [`a.kind IN (${activityKinds.map((_, index) => `@ak${index}`).join(', ')})`]);
  }
  if (kinds.has('task')) add(BRANCHES.task, []);
  if (kinds.has('log') || kinds.has('lifecycle')) {
    const extra = [NOT_A_REPORTED_ERROR];
    if (!kinds.has('log')) extra.push('l.event IS NOT NULL');
    if (!kinds.has('lifecycle')) extra.push('l.event IS NULL');
    add(BRANCHES.log, extra);
  }
  if (parts.length === 0) return { sql: 'SELECT NULL LIMIT 0', params: {} };
  return { sql: `SELECT * FROM (${parts.join('\nUNION ALL\n')}) ORDER BY createdAt DESC, id DESC LIMIT @limit`, params };
}

function commonWhere(branch: Branch, filter: FeedFilter): string[] {
  const where: string[] = [];
  // `time <= t` alone bounds the index range; the OR breaks ties at t by id.
  if (filter.before !== undefined) where.push(`${branch.time} <= @beforeTime`, `(${branch.time} < @beforeTime OR ${branch.key} < @beforeKey)`);
  if (filter.since !== undefined) where.push(`${branch.time} >= @since`);
  if (filter.until !== undefined) where.push(`${branch.time} < @until`);
  // The unary + keeps SQLite off the sources' workspace and session indexes: read through those,
  // a page would mean sorting every row of a workspace; down the time index it stops after a page.
  if (filter.workspaceId !== undefined) where.push(`+${branch.scope.workspace} = @workspaceId`);
  if (filter.agentKey !== undefined) where.push(`+${branch.scope.agent} = @agentKey`);
  if (filter.sessionId !== undefined) where.push(`+${branch.scope.session} = @sessionId`);
  if (filter.level !== undefined) where.push(`${branch.level} = @level`);
  if (filter.query) where.push(`(${branch.text}) LIKE @query ESCAPE '\\'`);
  return where;
}

const LIFECYCLE_TITLES: Record<string, string> = { launch: 'Launched', stop: 'Stopped', crash: 'Crashed', restart: 'Restarted' };

function toItem(row: Row): FeedItem {
  const { sub, ref: _ref, ...item } = row;
  const status = row.kind === 'tool' || row.kind === 'task' || row.kind === 'lifecycle' ? sub : null;
  return { ...item, title: title(row), status };
}

function title(row: Row): string {
  const peer = row.ref ?? 'another agent';
  switch (row.kind) {
    case 'tool':
      return row.ref ?? 'tool';
    case 'reasoning':
      return 'Reasoning';
    case 'talk':
      return row.sub === 'talk_to.request' ? `Asked ${peer}` : `${peer} answered`;
    case 'inquiry':
      return row.sub === 'inquiry.request' ? 'Asked you' : 'Your answer';
    case 'error':
      return 'Error';
    case 'task':
      return `Task ${row.ref ?? ''} ${row.sub}`;
    case 'lifecycle':
      return LIFECYCLE_TITLES[row.sub] ?? row.sub;
    case 'log':
      return `Log (${row.sub})`;
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
