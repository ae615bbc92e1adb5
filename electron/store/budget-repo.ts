// Monthly budgets in USD (migration 0010): one global (workspace_id NULL) and at most one per workspace,
// with the last alert raised for each so an alert is raised once per level per month.
import type { Budget, BudgetLevel } from '../api/types';
import type { Db } from './database';

export interface BudgetRow extends Budget {
  /** 'YYYY-MM' of the last alert, or null. */
  alertedMonth: string | null;
  alertedLevel: Exclude<BudgetLevel, 'ok'> | null;
}

export class BudgetRepo {
  constructor(private readonly db: Db) {}

  /** The global budget first, then the workspaces' by name. */
  list(): BudgetRow[] {
    return this.db
      .prepare(
        `SELECT b.workspace_id AS workspaceId, w.name AS workspaceName, b.monthly_usd AS monthlyUsd, b.updated_at AS updatedAt,
           b.alerted_month AS alertedMonth, b.alerted_level AS alertedLevel
         FROM budgets b LEFT JOIN workspaces w ON w.id = b.workspace_id
         ORDER BY b.workspace_id IS NOT NULL, w.name COLLATE NOCASE, b.workspace_id`,
      )
      .all() as BudgetRow[];
  }

  /** Replaces the scope's budget. A new limit forgets the alerts: it is judged afresh. */
  set(workspaceId: string | null, monthlyUsd: number, now: number): void {
    this.db.transaction(() => {
      this.remove(workspaceId);
      this.db
        .prepare('INSERT INTO budgets (workspace_id, monthly_usd, updated_at) VALUES (?, ?, ?)')
        .run(workspaceId, monthlyUsd, now);
    })();
  }

  /** Returns whether there was one. */
  remove(workspaceId: string | null): boolean {
    return this.db.prepare("DELETE FROM budgets WHERE COALESCE(workspace_id, '') = COALESCE(?, '')").run(workspaceId).changes > 0;
  }

  /** The rowid of the newest usage row (0 when none): it changes whenever a call is stored. O(1). */
  lastUsageRow(): number {
    return (this.db.prepare('SELECT max(rowid) AS rowid FROM usage').get() as { rowid: number | null }).rowid ?? 0;
  }

  markAlerted(workspaceId: string | null, month: string, level: Exclude<BudgetLevel, 'ok'>): void {
    this.db
      .prepare("UPDATE budgets SET alerted_month = ?, alerted_level = ? WHERE COALESCE(workspace_id, '') = COALESCE(?, '')")
      .run(month, level, workspaceId);
  }
}
