import type { Db } from './database';

export interface TemplateRow {
  name: string;
  dir: string;
  addedAt: number;
}

export class TemplateRepo {
  constructor(private readonly db: Db) {}

  list(): TemplateRow[] {
    return this.db.prepare('SELECT name, dir, added_at AS addedAt FROM templates ORDER BY name').all() as TemplateRow[];
  }

  add(row: TemplateRow): void {
    this.db
      .prepare('INSERT INTO templates (name, dir, added_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET dir = excluded.dir')
      .run(row.name, row.dir, row.addedAt);
  }

  remove(name: string): boolean {
    return this.db.prepare('DELETE FROM templates WHERE name = ?').run(name).changes > 0;
  }
}
