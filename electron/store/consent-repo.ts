// What the user confirmed before a workspace runs: its code, and where its secrets go (a fingerprint).
import type { Db } from './database';

export interface WorkspaceConsentRow {
  workspaceId: string;
  /** Null until the user created the workspace in the app or confirmed running its code. */
  codeConfirmedAt: number | null;
  /** Fingerprint of the key → host routes last confirmed, or null. */
  routesFingerprint: string | null;
}

export class ConsentRepo {
  constructor(private readonly db: Db) {}

  get(workspaceId: string): WorkspaceConsentRow | undefined {
    return this.db
      .prepare(
        'SELECT workspace_id AS workspaceId, code_confirmed_at AS codeConfirmedAt, routes_fingerprint AS routesFingerprint FROM workspace_consents WHERE workspace_id = ?',
      )
      .get(workspaceId) as WorkspaceConsentRow | undefined;
  }

  confirmCode(workspaceId: string, now: number): void {
    this.db
      .prepare(
        `INSERT INTO workspace_consents (workspace_id, code_confirmed_at, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (workspace_id) DO UPDATE SET code_confirmed_at = COALESCE(code_confirmed_at, excluded.code_confirmed_at), updated_at = excluded.updated_at`,
      )
      .run(workspaceId, now, now);
  }

  confirmRoutes(workspaceId: string, fingerprint: string, now: number): void {
    this.db
      .prepare(
        `INSERT INTO workspace_consents (workspace_id, routes_fingerprint, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (workspace_id) DO UPDATE SET routes_fingerprint = excluded.routes_fingerprint, updated_at = excluded.updated_at`,
      )
      .run(workspaceId, fingerprint, now);
  }
}
