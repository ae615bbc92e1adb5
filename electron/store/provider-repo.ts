// Providers from Settings → Providers (migration 0015): OpenAI-compatible servers any workspace's agents
// may name with `provider:`. Names are unique regardless of case. The built-in `openai` is added by the
// provider service, not here; a stored row of that name is its edited form.
import type { ProviderApi } from '../api/types';
import type { Db } from './database';

export interface ProviderRow {
  name: string;
  baseUrl: string;
  api: ProviderApi;
  /** 'none', '{{apikey:Name}}', or null: the agent's OPENAI_API_KEY. */
  apiKey: string | null;
  defaultModel: string | null;
  updatedAt: number;
}

const COLUMNS = 'name, base_url AS baseUrl, api, api_key AS apiKey, default_model AS defaultModel, updated_at AS updatedAt';

export class ProviderRepo {
  constructor(private readonly db: Db) {}

  /** By name, case-insensitively. */
  list(): ProviderRow[] {
    return this.db.prepare(`SELECT ${COLUMNS} FROM providers ORDER BY name COLLATE NOCASE`).all() as ProviderRow[];
  }

  /** Case-insensitive. */
  get(name: string): ProviderRow | null {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM providers WHERE name = ?`).get(name) as ProviderRow | undefined) ?? null;
  }

  /** Adds or replaces the provider of that name (in any case: the new spelling is kept). */
  save(row: ProviderRow): void {
    this.db.transaction(() => {
      this.remove(row.name);
      this.db
        .prepare('INSERT INTO providers (name, base_url, api, api_key, default_model, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(row.name, row.baseUrl, row.api, row.apiKey, row.defaultModel, row.updatedAt);
    })();
  }

  /** Returns whether there was one. */
  remove(name: string): boolean {
    return this.db.prepare('DELETE FROM providers WHERE name = ?').run(name).changes > 0;
  }
}
