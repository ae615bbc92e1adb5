import type { UsageRecord, UsageSummaryRow } from '../api/types';
import { DAY_MS, sumCosts, type PriceBook } from './cost';
import type { Db } from './database';

export interface UsageInsert extends Omit<UsageRecord, 'costUsd'> {
  workspaceId: string;
  runId: string | null;
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

const WHERE = `WHERE (@workspaceId IS NULL OR workspace_id = @workspaceId) AND (@since IS NULL OR created_at >= @since)
  AND (@until IS NULL OR created_at < @until)`;

export class UsageRepo {
  readonly #insert;

  /** `prices` gives the current price table; each read prices its calls with it. */
  constructor(
    private readonly db: Db,
    private readonly prices: () => PriceBook,
  ) {
    this.#insert = db.prepare(
      `INSERT INTO usage (id, workspace_id, session_id, run_id, agent_key, source, model, requests, input_tokens, cached_input_tokens,
         output_tokens, reasoning_tokens, created_at)
       VALUES (@id, @workspaceId, @sessionId, @runId, @agentKey, @source, @model, @requests, @inputTokens, @cachedInputTokens,
         @outputTokens, @reasoningTokens, @createdAt)`,
    );
  }

  insert(record: UsageInsert): void {
    this.#insert.run(record);
  }

  list(filter: { workspaceId?: string; limit?: number }): UsageRecord[] {
    const rows = this.db
      .prepare(
        `SELECT id, session_id AS sessionId, agent_key AS agentKey, source, model, requests, input_tokens AS inputTokens,
           cached_input_tokens AS cachedInputTokens, output_tokens AS outputTokens, reasoning_tokens AS reasoningTokens,
           created_at AS createdAt
         FROM usage WHERE (@workspaceId IS NULL OR workspace_id = @workspaceId) ORDER BY created_at DESC, rowid DESC LIMIT @limit`,
      )
      .all({ workspaceId: filter.workspaceId ?? null, limit: filter.limit ?? 500 }) as Omit<UsageRecord, 'costUsd'>[];
    const book = this.prices();
    return rows.map((row) => ({ ...row, costUsd: book.costAt(row.model, row.createdAt, row) }));
  }

  summary(filter: UsageFilter = {}): { byModel: UsageSummaryRow[]; total: UsageSummaryRow } {
    const params = { workspaceId: filter.workspaceId ?? null, since: filter.since ?? null, until: filter.until ?? null };
    // Prices change only from one UTC day to the next, so a day's calls of one model share one price:
    // grouping by day keeps the rows few however many calls there were.
    const days = this.db
      .prepare(
        `SELECT source, model, created_at / ${DAY_MS} AS day, ${TOTALS} FROM usage ${WHERE}
         GROUP BY source, model, day ORDER BY source, model`,
      )
      .all(params) as (Omit<UsageSummaryRow, 'costUsd'> & { day: number })[];
    const book = this.prices();
    const byKey = new Map<string, { row: UsageSummaryRow; costs: (number | null)[] }>();
    for (const { day, ...counts } of days) {
      const key = `${counts.source}\u0000${counts.model}`;
      const entry = byKey.get(key) ?? { row: { model: counts.model, source: counts.source, ...zeroCounts(), costUsd: null }, costs: [] };
      for (const name of COUNTS) entry.row[name] += counts[name];
      entry.costs.push(book.costAt(counts.model, day * DAY_MS, counts));
      byKey.set(key, entry);
    }
    const byModel = [...byKey.values()].map(({ row, costs }) => ({ ...row, costUsd: sumCosts(costs) }));
    const total: UsageSummaryRow = { model: 'all', ...zeroCounts(), costUsd: sumCosts(byModel.map((row) => row.costUsd)) };
    for (const row of byModel) for (const name of COUNTS) total[name] += row[name];
    return { byModel, total };
  }
}

function zeroCounts(): Record<(typeof COUNTS)[number], number> {
  return { requests: 0, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 };
}
