import type {
  TurnUsage,
  UsageBreakdownRow,
  UsageCallFilter,
  UsageCounts,
  UsageDailyRow,
  UsageGroupBy,
  UsageRecord,
  UsageSource,
  UsageSummaryRow,
} from '../api/types';
import { DAY_MS, msToDay, sumCosts, type PriceBook } from './cost';
import type { Db } from './database';

export interface UsageInsert extends Omit<UsageRecord, 'costUsd'> {
  workspaceId: string;
  runId: string | null;
  /** The agent turn the call served; absent for calls outside a turn (the task extractor). */
  turnId?: string | null;
}

/** A time range in ms: from `since` (inclusive) to `until` (exclusive). */
export interface UsageFilter {
  workspaceId?: string;
  since?: number;
  until?: number;
}

const COUNTS = ['requests', 'inputTokens', 'cachedInputTokens', 'outputTokens', 'reasoningTokens'] as const;

const TOTALS = `SUM(requests) AS requests, SUM(input_tokens) AS inputTokens, SUM(cached_input_tokens) AS cachedInputTokens,
  SUM(output_tokens) AS outputTokens, SUM(reasoning_tokens) AS reasoningTokens`;

/** The dashboard's range: both ends required (the API bounds its length); `until` exclusive. */
export interface UsageRange {
  workspaceId?: string;
  since: number;
  until: number;
}

const RECORD_COLUMNS = `id, session_id AS sessionId, agent_key AS agentKey, source, model, requests, input_tokens AS inputTokens,
  cached_input_tokens AS cachedInputTokens, output_tokens AS outputTokens, reasoning_tokens AS reasoningTokens, created_at AS createdAt`;

// A call's task is the one the user message that started its turn was linked to by the extractor.
// The extractor's own calls (source 'tasks') have no turn, so no task.
const TASK_OF_CALL = `(SELECT m.task_id FROM messages m WHERE m.session_id = u.session_id AND m.turn_id = u.turn_id
  AND m.role = 'user' AND m.task_id IS NOT NULL LIMIT 1)`;

/** The column (or expression) each filter field compares; also the dashboard's group keys. */
const FIELD_SQL: Record<keyof UsageCallFilter, string> = {
  model: 'u.model',
  workspaceId: 'u.workspace_id',
  agentKey: 'u.agent_key',
  source: 'u.source',
  sessionId: 'u.session_id',
  taskId: TASK_OF_CALL,
};

const GROUP_FIELDS: Record<UsageGroupBy, (keyof UsageCallFilter)[]> = {
  model: ['model'],
  workspace: ['workspaceId'],
  agent: ['workspaceId', 'agentKey', 'source'],
  session: ['sessionId'],
  task: ['taskId', 'source'],
};

type GroupedRow = Record<keyof UsageCallFilter, string | null> & Record<(typeof COUNTS)[number], number> & { model: string; day: number };

/** Counts and cost summed over grouped rows; a cost stays unknown once one part is. */
class Tally {
  readonly counts = zeroCounts();
  readonly unpriced = new Set<string>();
  #usd = 0;

  add(row: GroupedRow, cost: number | null): void {
    for (const name of COUNTS) this.counts[name] += row[name];
    if (cost === null) this.unpriced.add(row.model);
    else this.#usd += cost;
  }

  result(): UsageCounts {
    return { ...this.counts, costUsd: this.unpriced.size > 0 ? null : this.#usd };
  }
}

export class UsageRepo {
  readonly #insert;

  /** `prices` gives the current price table; each read prices its calls with it. */
  constructor(
    private readonly db: Db,
    private readonly prices: () => PriceBook,
  ) {
    this.#insert = db.prepare(
      `INSERT INTO usage (id, workspace_id, session_id, run_id, turn_id, agent_key, source, model, requests, input_tokens, cached_input_tokens,
         output_tokens, reasoning_tokens, created_at)
       VALUES (@id, @workspaceId, @sessionId, @runId, @turnId, @agentKey, @source, @model, @requests, @inputTokens, @cachedInputTokens,
         @outputTokens, @reasoningTokens, @createdAt)`,
    );
  }

  insert(record: UsageInsert): void {
    this.#insert.run({ turnId: null, ...record });
  }

  /** The agent's calls for each of a session's turns, summed and priced; turns without calls are left out. */
  byTurn(sessionId: string, turnIds: readonly string[]): Map<string, Omit<TurnUsage, 'durationMs'>> {
    const rows = this.db
      .prepare(
        `SELECT turn_id AS turnId, model, created_at AS createdAt, requests, input_tokens AS inputTokens,
           cached_input_tokens AS cachedInputTokens, output_tokens AS outputTokens, reasoning_tokens AS reasoningTokens
         FROM usage WHERE session_id = ? AND source = 'agent' AND turn_id IN (SELECT value FROM json_each(?))
         ORDER BY created_at, rowid`,
      )
      .all(sessionId, JSON.stringify(turnIds)) as ({ turnId: string; model: string; createdAt: number } & Record<(typeof COUNTS)[number], number>)[];
    const book = this.prices();
    const turns = new Map<string, { usage: Omit<TurnUsage, 'durationMs'>; costs: (number | null)[] }>();
    for (const row of rows) {
      const turn = turns.get(row.turnId) ?? { usage: { models: [], ...zeroCounts(), costUsd: null }, costs: [] };
      if (!turn.usage.models.includes(row.model)) turn.usage.models.push(row.model);
      for (const name of COUNTS) turn.usage[name] += row[name];
      turn.costs.push(book.costAt(row.model, row.createdAt, row));
      turns.set(row.turnId, turn);
    }
    return new Map([...turns].map(([turnId, { usage, costs }]) => [turnId, { ...usage, costUsd: sumCosts(costs) }]));
  }

  list(filter: { workspaceId?: string; limit?: number }): UsageRecord[] {
    const rows = this.db
      .prepare(
        `SELECT ${RECORD_COLUMNS}
         FROM usage WHERE (@workspaceId IS NULL OR workspace_id = @workspaceId) ORDER BY created_at DESC, rowid DESC LIMIT @limit`,
      )
      .all({ workspaceId: filter.workspaceId ?? null, limit: filter.limit ?? 500 }) as Omit<UsageRecord, 'costUsd'>[];
    return this.#priced(rows);
  }

  summary(filter: UsageFilter = {}): { byModel: UsageSummaryRow[]; total: UsageSummaryRow } {
    const range = { workspaceId: filter.workspaceId, since: filter.since ?? 0, until: filter.until ?? Number.MAX_SAFE_INTEGER };
    const book = this.prices();
    const byKey = new Map<string, { row: UsageSummaryRow; costs: (number | null)[] }>();
    for (const day of this.#grouped(range, ['source'])) {
      const key = `${day.source}\u0000${day.model}`;
      const entry = byKey.get(key) ?? { row: { model: day.model, source: day.source as UsageSource, ...zeroCounts(), costUsd: null }, costs: [] };
      for (const name of COUNTS) entry.row[name] += day[name];
      entry.costs.push(book.costAt(day.model, day.day * DAY_MS, day));
      byKey.set(key, entry);
    }
    const byModel = [...byKey.values()]
      .map(({ row, costs }) => ({ ...row, costUsd: sumCosts(costs) }))
      .sort((a, b) => compare(a.source ?? '', b.source ?? '') || compare(a.model, b.model));
    const total: UsageSummaryRow = { model: 'all', ...zeroCounts(), costUsd: sumCosts(byModel.map((row) => row.costUsd)) };
    for (const row of byModel) for (const name of COUNTS) total[name] += row[name];
    return { byModel, total };
  }

  /** Tokens and cost per UTC day and model or workspace, for the dashboard's chart. */
  daily(range: UsageRange, by: 'model' | 'workspace'): UsageDailyRow[] {
    const fields = GROUP_FIELDS[by];
    const book = this.prices();
    const tallies = new Map<string, { day: number; key: string; tally: Tally }>();
    for (const row of this.#grouped(range, fields)) {
      const key = row[fields[0]] ?? '';
      const id = `${row.day}\u0000${key}`;
      const entry = tallies.get(id) ?? { day: row.day, key, tally: new Tally() };
      entry.tally.add(row, book.costAt(row.model, row.day * DAY_MS, row));
      tallies.set(id, entry);
    }
    const names = by === 'workspace' ? this.#workspaceNames([...tallies.values()].map((entry) => entry.key)) : new Map<string, string>();
    return [...tallies.values()]
      .sort((a, b) => a.day - b.day || a.key.localeCompare(b.key))
      .map(({ day, key, tally }) => ({ day: msToDay(day * DAY_MS), key, label: names.get(key) ?? key, ...tally.result() }));
  }

  /**
   * The range's calls grouped by model, workspace, agent, session or task, most tokens first; at most
   * `limit` rows, `more` says how many groups were left out.
   */
  breakdown(range: UsageRange, by: UsageGroupBy, limit: number): { rows: UsageBreakdownRow[]; more: number } {
    const fields = GROUP_FIELDS[by];
    const book = this.prices();
    const groups = new Map<string, { filter: UsageCallFilter; tally: Tally }>();
    for (const row of this.#grouped(range, fields)) {
      const key = JSON.stringify(fields.map((field) => row[field]));
      const group = groups.get(key) ?? { filter: Object.fromEntries(fields.map((field) => [field, row[field]])), tally: new Tally() };
      group.tally.add(row, book.costAt(row.model, row.day * DAY_MS, row));
      groups.set(key, group);
    }
    const tokens = (tally: Tally) => tally.counts.inputTokens + tally.counts.outputTokens;
    const top = [...groups].sort(([, a], [, b]) => tokens(b.tally) - tokens(a.tally)).slice(0, limit);
    const describe = this.#describer(by, top.map(([, group]) => group.filter));
    const rows = top.map(([key, { filter, tally }]) => ({
      key,
      ...describe(filter),
      filter,
      ...tally.result(),
      unpricedModels: [...tally.unpriced].sort(),
    }));
    return { rows, more: groups.size - rows.length };
  }

  /** The calls a breakdown row stands for, newest first. */
  calls(range: UsageRange, filter: UsageCallFilter, limit: number): UsageRecord[] {
    const { where, params } = this.#where(range, filter);
    const rows = this.db
      .prepare(`SELECT ${RECORD_COLUMNS} FROM usage u WHERE ${where} ORDER BY u.created_at DESC, u.rowid DESC LIMIT @limit`)
      .all({ ...params, limit }) as Omit<UsageRecord, 'costUsd'>[];
    return this.#priced(rows);
  }

  #where(range: UsageRange, filter: UsageCallFilter = {}): { where: string; params: Record<string, unknown> } {
    const conditions = ['u.created_at >= @since', 'u.created_at < @until'];
    const params: Record<string, unknown> = { since: range.since, until: range.until };
    // Named conditions only: so the planner can use usage_workspace for one workspace's range.
    if (range.workspaceId !== undefined) {
      conditions.push('u.workspace_id = @workspaceId');
      params.workspaceId = range.workspaceId;
    }
    for (const field of Object.keys(FIELD_SQL) as (keyof UsageCallFilter)[]) {
      if (filter[field] === undefined) continue;
      // IS, not =: a null in the filter means "none" (no conversation, no task).
      conditions.push(`${FIELD_SQL[field]} IS @${field}`);
      params[field] = filter[field];
    }
    return { where: conditions.join(' AND '), params };
  }

  /**
   * Per group, model and UTC day: a day's calls of one model share one price (prices start on a day).
   * Whole days come from usage_rollup (migration 0014); the raw calls only for a task (it needs each
   * call's turn) and for the ends of a range that start or stop within a day.
   */
  #grouped(range: UsageRange, fields: (keyof UsageCallFilter)[]): GroupedRow[] {
    const columns = [...new Set([...fields, 'model' as const])];
    const select = columns.map((field) => `${FIELD_SQL[field]} AS ${field}`).join(', ');
    const raw = (since: number, until: number) => {
      if (since >= until) return [];
      const { where, params } = this.#where({ ...range, since, until });
      return this.db
        .prepare(`SELECT ${select}, u.created_at / ${DAY_MS} AS day, ${TOTALS} FROM usage u WHERE ${where} GROUP BY ${columns.join(', ')}, day`)
        .all(params) as GroupedRow[];
    };
    const firstDay = Math.ceil(range.since / DAY_MS);
    const endDay = Math.floor(range.until / DAY_MS);
    if (fields.includes('taskId') || firstDay >= endDay) return raw(range.since, range.until);
    const workspace = range.workspaceId === undefined ? '' : 'AND u.workspace_id = @workspaceId';
    const days = this.db
      .prepare(
        `SELECT ${select}, u.day, ${TOTALS} FROM usage_rollup u WHERE u.day >= @firstDay AND u.day < @endDay ${workspace}
         GROUP BY ${columns.join(', ')}, u.day`,
      )
      .all({ firstDay, endDay, ...(range.workspaceId === undefined ? {} : { workspaceId: range.workspaceId }) }) as GroupedRow[];
    return [...raw(range.since, firstDay * DAY_MS), ...days, ...raw(endDay * DAY_MS, range.until)];
  }

  #priced(rows: Omit<UsageRecord, 'costUsd'>[]): UsageRecord[] {
    const book = this.prices();
    return rows.map((row) => ({ ...row, costUsd: book.costAt(row.model, row.createdAt, row) }));
  }

  #workspaceNames(ids: (string | null | undefined)[]): Map<string, string> {
    const rows = this.db
      .prepare('SELECT id, name FROM workspaces WHERE id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify([...new Set(ids.filter(Boolean))])) as { id: string; name: string }[];
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  /** Labels for the groups shown, looked up only for them. */
  #describer(by: UsageGroupBy, filters: UsageCallFilter[]): (filter: UsageCallFilter) => { label: string; detail: string | null } {
    const json = (values: (string | null | undefined)[]) => JSON.stringify([...new Set(values.filter(Boolean))]);
    switch (by) {
      case 'model':
        return (filter) => ({ label: filter.model ?? '', detail: null });
      case 'workspace': {
        const names = this.#workspaceNames(filters.map((filter) => filter.workspaceId));
        return (filter) => ({ label: names.get(filter.workspaceId ?? '') ?? filter.workspaceId ?? '', detail: null });
      }
      case 'agent': {
        const names = this.#workspaceNames(filters.map((filter) => filter.workspaceId));
        return (filter) => ({
          label: filter.source === 'tasks' ? `${filter.agentKey} · task extraction` : (filter.agentKey ?? ''),
          detail: names.get(filter.workspaceId ?? '') ?? filter.workspaceId ?? null,
        });
      }
      case 'session': {
        const sessions = new Map(
          (
            this.db
              .prepare(
                `SELECT s.id, s.title, w.name AS workspace FROM sessions s JOIN workspaces w ON w.id = s.workspace_id
                 WHERE s.id IN (SELECT value FROM json_each(?))`,
              )
              .all(json(filters.map((filter) => filter.sessionId))) as { id: string; title: string; workspace: string }[]
          ).map((row) => [row.id, row]),
        );
        return (filter) => {
          if (!filter.sessionId) return { label: 'Outside any conversation', detail: null };
          const session = sessions.get(filter.sessionId);
          return { label: session?.title || 'Untitled conversation', detail: session?.workspace ?? null };
        };
      }
      case 'task': {
        const tasks = new Map(
          (
            this.db
              .prepare(
                `SELECT t.id, t.description, s.title FROM tasks t JOIN sessions s ON s.id = t.session_id
                 WHERE t.id IN (SELECT value FROM json_each(?))`,
              )
              .all(json(filters.map((filter) => filter.taskId))) as { id: string; description: string; title: string }[]
          ).map((row) => [row.id, row]),
        );
        return (filter) => {
          if (filter.source === 'tasks') return { label: 'Task extraction', detail: 'the extractor’s own model calls' };
          if (!filter.taskId) return { label: 'No task', detail: 'calls whose turn is not linked to a task' };
          const task = tasks.get(filter.taskId);
          return { label: task?.description ?? 'Deleted task', detail: task ? task.title || 'Untitled conversation' : null };
        };
      }
    }
  }
}

/** SQLite's ORDER BY order for text (UTF-16 units: the same but for characters beyond U+FFFF). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function zeroCounts(): Record<(typeof COUNTS)[number], number> {
  return { requests: 0, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 };
}
