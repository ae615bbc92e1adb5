// Tool calls as the Tools view and `dspatch tools` see them: one row per call, and statistics per
// tool (calls, errors, error rate, p50/p95 duration, the last error) for a session or a workspace.
import type { ToolStats } from '../api/types';
import type { Db } from './database';

export interface ToolCallStart {
  sessionId: string;
  callId: string;
  workspaceId: string;
  agentKey: string;
  tool: string;
  arguments: string;
  activityId: string;
  at: number;
}

export interface ToolCallEnd {
  sessionId: string;
  callId: string;
  result: string;
  isError: boolean;
  activityId: string;
  at: number;
}

/** Arguments and results are kept whole up to this size; the timeline has them in full. */
const MAX_STORED = 16_384;

export class ToolCallRepo {
  readonly #start;
  readonly #end;

  constructor(private readonly db: Db) {
    this.#start = db.prepare(
      `INSERT INTO tool_calls (session_id, call_id, workspace_id, agent_key, tool, arguments, call_activity_id, started_at)
       VALUES (@sessionId, @callId, @workspaceId, @agentKey, @tool, @arguments, @activityId, @at)
       ON CONFLICT (session_id, call_id) DO NOTHING`,
    );
    this.#end = db.prepare(
      `UPDATE tool_calls SET result = @result, is_error = @isError, result_activity_id = @activityId, ended_at = @at
       WHERE session_id = @sessionId AND call_id = @callId`,
    );
  }

  start(call: ToolCallStart): void {
    this.#start.run({ ...call, arguments: cap(call.arguments) });
  }

  end(call: ToolCallEnd): void {
    this.#end.run({ ...call, result: cap(call.result), isError: call.isError ? 1 : 0 });
  }

  /** Statistics per tool for one session or one workspace, most used first. */
  stats(scope: { sessionId: string } | { workspaceId: string }): ToolStats[] {
    const where = 'sessionId' in scope ? 'session_id = ?' : 'workspace_id = ?';
    const rows = this.db
      .prepare(
        `SELECT tool, session_id AS sessionId, is_error AS isError, result, call_activity_id AS activityId,
                started_at AS startedAt, ended_at - started_at AS durationMs
           FROM tool_calls WHERE ${where} ORDER BY started_at`,
      )
      .all('sessionId' in scope ? scope.sessionId : scope.workspaceId) as {
      tool: string;
      sessionId: string;
      isError: number;
      result: string | null;
      activityId: string;
      startedAt: number;
      durationMs: number | null;
    }[];
    const byTool = new Map<string, typeof rows>();
    for (const row of rows) byTool.set(row.tool, [...(byTool.get(row.tool) ?? []), row]);
    return [...byTool].map(([tool, calls]) => {
      const durations = calls.flatMap((call) => (call.durationMs === null ? [] : [call.durationMs])).sort((a, b) => a - b);
      const errors = calls.filter((call) => call.isError);
      const lastError = errors.at(-1);
      const last = calls.at(-1)!;
      return {
        tool,
        calls: calls.length,
        finished: durations.length,
        errors: errors.length,
        errorRate: durations.length ? errors.length / durations.length : 0,
        p50Ms: percentile(durations, 0.5),
        p95Ms: percentile(durations, 0.95),
        lastError: lastError ? { message: (lastError.result ?? '').slice(0, 500), sessionId: lastError.sessionId, activityId: lastError.activityId, at: lastError.startedAt } : null,
        lastCall: { sessionId: last.sessionId, activityId: last.activityId, at: last.startedAt },
      };
    }).sort((a, b) => b.calls - a.calls || a.tool.localeCompare(b.tool));
  }
}

/** Nearest-rank percentile; null without data. */
function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

function cap(text: string): string {
  return text.length > MAX_STORED ? `${text.slice(0, MAX_STORED)}… (${text.length - MAX_STORED} more characters)` : text;
}
