-- Monthly spending limits in USD: one global (workspace_id NULL) and at most one per workspace. The
-- month is the calendar month in UTC. alerted_* remember the last alert (80 % warning, 100 % exceeded)
-- so each is raised once per budget per month, across restarts.
CREATE TABLE budgets (
  workspace_id TEXT REFERENCES workspaces(id) ON DELETE CASCADE,
  monthly_usd REAL NOT NULL CHECK (monthly_usd > 0),
  alerted_month TEXT,
  alerted_level TEXT CHECK (alerted_level IN ('warning', 'exceeded')),
  updated_at INTEGER NOT NULL
);
-- NULLs are distinct in a plain UNIQUE index: the expression makes the global budget unique too.
CREATE UNIQUE INDEX budgets_scope ON budgets (COALESCE(workspace_id, ''));
