// Secrets are stored as ciphertext plus a short hint; nothing here ever sees a plaintext value.
import type { Db } from './database';

export interface SecretRow {
  key: string;
  ciphertext: Buffer;
  hint: string | null;
}

export class SecretRepo {
  constructor(private readonly db: Db) {}

  listForWorkspace(workspaceId: string): SecretRow[] {
    return this.db
      .prepare('SELECT key, ciphertext, hint FROM secrets WHERE workspace_id = ? ORDER BY key')
      .all(workspaceId) as SecretRow[];
  }

  set(workspaceId: string, key: string, ciphertext: Buffer, hint: string | null, now: number): void {
    this.db
      .prepare(
        `INSERT INTO secrets (workspace_id, key, ciphertext, hint, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (workspace_id, key) DO UPDATE SET ciphertext = excluded.ciphertext, hint = excluded.hint, updated_at = excluded.updated_at`,
      )
      .run(workspaceId, key, ciphertext, hint, now);
  }

  remove(workspaceId: string, key: string): boolean {
    return this.db.prepare('DELETE FROM secrets WHERE workspace_id = ? AND key = ?').run(workspaceId, key).changes > 0;
  }

  listApiKeys(): (SecretRow & { createdAt: number })[] {
    return this.db
      .prepare('SELECT name AS key, ciphertext, hint, created_at AS createdAt FROM api_keys ORDER BY name')
      .all() as (SecretRow & { createdAt: number })[];
  }

  setApiKey(name: string, ciphertext: Buffer, hint: string | null, now: number): void {
    this.db
      .prepare(
        `INSERT INTO api_keys (name, ciphertext, hint, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET ciphertext = excluded.ciphertext, hint = excluded.hint`,
      )
      .run(name, ciphertext, hint, now);
  }

  removeApiKey(name: string): boolean {
    return this.db.prepare('DELETE FROM api_keys WHERE name = ?').run(name).changes > 0;
  }
}
