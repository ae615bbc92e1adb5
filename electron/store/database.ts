// Opens the one SQLite file the host writes, with the pragmas of ARCHITECTURE §5, and applies the
// numbered migrations against PRAGMA user_version, each in its own transaction.
import Database from 'better-sqlite3';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { HostError } from '../host/errors';
import init from './migrations/0001_init.sql?raw';

export type Db = Database.Database;

/** In order; the index + 1 is the user_version after applying it. Never edit one that shipped. */
const MIGRATIONS: readonly string[] = [init];

export function openDatabase(dataDir: string): Db {
  try {
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.W_OK);
  } catch {
    throw new HostError(
      'internal',
      `The data directory ${dataDir} cannot be written. Choose another with --data-dir or fix its permissions.`,
    );
  }
  const db = new Database(join(dataDir, 'dspatch.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new HostError(
      'internal',
      `The database was written by a newer dspatch (schema ${current}, this build knows ${MIGRATIONS.length}). Update dspatch.`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
