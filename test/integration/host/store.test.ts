// The store under a real host: a fresh SQLite file gets its migrations and pragmas, data survives a
// reopen, and a data directory that cannot be written is refused with a message naming it.
import Database from 'better-sqlite3';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHost } from '../../../electron/host/host';
import { FileCipher } from '../../../electron/serve/file-cipher';
import { ForkSpawner } from '../../../electron/serve/fork-spawner';
import {
  addWorkspace,
  cleanupHarness,
  scratchDir,
  singleAgentYaml,
  startHost,
} from '../../helpers/host-harness';
import { agentCacheDir, repoRoot } from '../../helpers/paths';

afterEach(cleanupHarness);

/** Every numbered migration shipped in the store folder is applied. */
const SCHEMA_VERSION = readdirSync(join(repoRoot, 'electron', 'store', 'migrations')).filter((name) => /^\d{4}_.*\.sql$/.test(name)).length;

const TABLES = [
  'activities',
  'api_keys',
  'inquiries',
  'logs',
  'messages',
  'runs',
  'secrets',
  'sessions',
  'templates',
  'usage',
  'workspaces',
];

function hostOptions(dataDir: string) {
  return {
    dataDir,
    appRoot: repoRoot,
    mode: 'browser' as const,
    spawner: new ForkSpawner(),
    cipher: new FileCipher(dataDir),
    version: '0.0.0-test',
    agentCacheDir,
  };
}

describe('store', () => {
  it('applies the migrations to a fresh file and opens it with the documented pragmas', async () => {
    const t = await startHost();
    const db = t.host.services.store.db;
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    await t.close();

    // The file itself, opened by someone else: schema version and tables are on disk.
    const file = new Database(join(t.dataDir, 'dspatch.db'), { readonly: true });
    try {
      expect(file.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(file.pragma('journal_mode', { simple: true })).toBe('wal');
      const tables = (
        file
          .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
          .all() as { name: string }[]
      ).map((row) => row.name);
      expect(tables).toEqual(expect.arrayContaining(TABLES));
    } finally {
      file.close();
    }
  });

  it('keeps what was written when the data directory is opened again', async () => {
    const first = await startHost();
    const workspace = await addWorkspace(first, singleAgentYaml('kept', 'echo', 'echo'));
    await first.close();

    const second = await startHost({ dataDir: first.dataDir });
    expect(second.host.services.store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const list = await second.host.call('workspaces.list', {});
    expect(list).toEqual([expect.objectContaining({ id: workspace.id, name: 'kept', dir: workspace.dir })]);
  });

  it('enforces foreign keys', async () => {
    const t = await startHost();
    const insert = () =>
      t.host.services.store.db
        .prepare(
          "INSERT INTO sessions (id, workspace_id, agent_key, state, created_at, updated_at) VALUES ('s', 'no-such-workspace', 'a', 'idle', 0, 0)",
        )
        .run();
    expect(insert).toThrow(/FOREIGN KEY/);
  });

  it('refuses a data directory that cannot be written, naming it', async () => {
    const parent = scratchDir();
    const file = join(parent, 'a-file');
    writeFileSync(file, 'not a directory');
    const dataDir = join(file, 'data'); // its parent is a regular file: root cannot create it either
    await expect(createHost(hostOptions(dataDir))).rejects.toThrow(
      `The data directory ${dataDir} cannot be written`,
    );
  });

  it('refuses a database written by a newer version and leaves its schema alone', async () => {
    const dataDir = scratchDir();
    const db = new Database(join(dataDir, 'dspatch.db'));
    db.pragma('user_version = 99');
    db.close();
    await expect(createHost(hostOptions(dataDir))).rejects.toThrow(/newer dspatch/);
    const after = new Database(join(dataDir, 'dspatch.db'), { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(99);
    after.close();
  });
});
