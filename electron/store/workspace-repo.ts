import type { RunStatus } from '../api/types';
import type { Db } from './database';

export interface WorkspaceRow {
  id: string;
  name: string;
  dir: string;
  createdAt: number;
  updatedAt: number;
}

export interface RunRow {
  id: string;
  workspaceId: string;
  status: RunStatus;
  startedAt: number;
  stoppedAt: number | null;
  error: string | null;
}

/**
 * The built-in pseudo-workspace that holds the sessions of agents outside the app (the Acontext API,
 * migration 0006). It has no folder, so it is never listed or found as a workspace.
 */
export const EXTERNAL_WORKSPACE_ID = 'external';

const WORKSPACE_COLUMNS = 'id, name, dir, created_at AS createdAt, updated_at AS updatedAt';
const NOT_EXTERNAL = `id <> '${EXTERNAL_WORKSPACE_ID}'`;
const RUN_COLUMNS =
  'id, workspace_id AS workspaceId, status, started_at AS startedAt, stopped_at AS stoppedAt, error';

export class WorkspaceRepo {
  constructor(private readonly db: Db) {}

  list(): WorkspaceRow[] {
    return this.db.prepare(`SELECT ${WORKSPACE_COLUMNS} FROM workspaces WHERE ${NOT_EXTERNAL} ORDER BY updated_at DESC`).all() as WorkspaceRow[];
  }

  get(id: string): WorkspaceRow | undefined {
    return this.db.prepare(`SELECT ${WORKSPACE_COLUMNS} FROM workspaces WHERE id = ? AND ${NOT_EXTERNAL}`).get(id) as WorkspaceRow | undefined;
  }

  findByDir(dir: string): WorkspaceRow | undefined {
    return this.db.prepare(`SELECT ${WORKSPACE_COLUMNS} FROM workspaces WHERE dir = ?`).get(dir) as WorkspaceRow | undefined;
  }

  findByName(name: string): WorkspaceRow[] {
    return this.db.prepare(`SELECT ${WORKSPACE_COLUMNS} FROM workspaces WHERE name = ? AND ${NOT_EXTERNAL}`).all(name) as WorkspaceRow[];
  }

  insert(row: WorkspaceRow): void {
    this.db
      .prepare('INSERT INTO workspaces (id, name, dir, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
      .run(row.id, row.name, row.dir, row.createdAt, row.updatedAt);
  }

  rename(id: string, name: string, now: number): void {
    this.db.prepare('UPDATE workspaces SET name = ?, updated_at = ? WHERE id = ?').run(name, now, id);
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM workspaces WHERE id = ?').run(id);
  }

  insertRun(row: RunRow): void {
    this.db
      .prepare('INSERT INTO runs (id, workspace_id, status, started_at, stopped_at, error) VALUES (?, ?, ?, ?, ?, ?)')
      .run(row.id, row.workspaceId, row.status, row.startedAt, row.stoppedAt, row.error);
  }

  updateRun(id: string, status: RunStatus, stoppedAt: number | null, error: string | null): void {
    this.db.prepare('UPDATE runs SET status = ?, stopped_at = ?, error = ? WHERE id = ?').run(status, stoppedAt, error, id);
  }

  latestRun(workspaceId: string): RunRow | undefined {
    return this.db
      .prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE workspace_id = ? ORDER BY started_at DESC, rowid DESC LIMIT 1`)
      .get(workspaceId) as RunRow | undefined;
  }

  /** Runs left 'running' by a host that died: nothing runs them any more. */
  markAbandonedRuns(now: number): number {
    return this.db
      .prepare("UPDATE runs SET status = 'stopped', stopped_at = ?, error = 'The app exited while running.' WHERE status IN ('starting', 'running', 'stopping')")
      .run(now).changes;
  }
}
