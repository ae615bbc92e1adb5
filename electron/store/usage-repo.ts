import type { UsageRecord, UsageSummaryRow } from '../api/types';
import type { Db } from './database';

export interface UsageInsert extends UsageRecord {
  workspaceId: string;
  runId: string | null;
}

const TOTALS = `SUM(requests) AS requests, SUM(input_tokens) AS inputTokens, SUM(cached_input_tokens) AS cachedInputTokens,
  SUM(output_tokens) AS outputTokens, SUM(reasoning_tokens) AS reasoningTokens`;

export class UsageRepo {
  readonly #insert;

  constructor(private readonly db: Db) {
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
    return this.db
      .prepare(
        `SELECT id, session_id AS sessionId, agent_key AS agentKey, source, model, requests, input_tokens AS inputTokens,
           cached_input_tokens AS cachedInputTokens, output_tokens AS outputTokens, reasoning_tokens AS reasoningTokens,
           created_at AS createdAt
         FROM usage WHERE (@workspaceId IS NULL OR workspace_id = @workspaceId) ORDER BY created_at DESC, rowid DESC LIMIT @limit`,
      )
      .all({ workspaceId: filter.workspaceId ?? null, limit: filter.limit ?? 500 }) as UsageRecord[];
  }

  summary(workspaceId?: string): { byModel: UsageSummaryRow[]; total: UsageSummaryRow } {
    const params = { workspaceId: workspaceId ?? null };
    const where = 'WHERE (@workspaceId IS NULL OR workspace_id = @workspaceId)';
    const byModel = this.db
      .prepare(`SELECT model, source, ${TOTALS} FROM usage ${where} GROUP BY source, model ORDER BY source, model`)
      .all(params) as UsageSummaryRow[];
    const total = this.db.prepare(`SELECT 'all' AS model, ${TOTALS} FROM usage ${where}`).get(params) as UsageSummaryRow;
    for (const key of ['requests', 'inputTokens', 'cachedInputTokens', 'outputTokens', 'reasoningTokens'] as const) {
      total[key] ??= 0;
    }
    return { byModel, total };
  }
}
