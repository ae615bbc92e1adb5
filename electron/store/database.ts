// Opens the one SQLite file the host writes, with the pragmas of ARCHITECTURE §5, and applies the
// numbered migrations against PRAGMA user_version, each in its own transaction.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { narrowToOwner, prepareDataDir, preparePrivateFile } from '../host/data-dir';
import { HostError } from '../host/errors';
import init from './migrations/0001_init.sql?raw';
import sessionSeq from './migrations/0002_session_seq.sql?raw';
import consents from './migrations/0003_consents.sql?raw';
import tasks from './migrations/0004_tasks.sql?raw';
import entryChunks from './migrations/0005_entry_chunks.sql?raw';
import acontext from './migrations/0006_acontext.sql?raw';
import sessionFlags from './migrations/0007_session_flags.sql?raw';
import prices from './migrations/0008_prices.sql?raw';
import search from './migrations/0009_search.sql?raw';
import budgets from './migrations/0010_budgets.sql?raw';
import activityFeed from './migrations/0011_activity_feed.sql?raw';
import usageDashboard from './migrations/0012_usage_dashboard.sql?raw';
import usageTurn from './migrations/0013_usage_turn.sql?raw';
import usageRollup from './migrations/0014_usage_rollup.sql?raw';
import providers from './migrations/0015_providers.sql?raw';
import talkConversations from './migrations/0016_talk_conversations_inquiry_expiry.sql?raw';
import toolApprovals from './migrations/0017_tool_approvals.sql?raw';
import inquiryForwarding from './migrations/0018_inquiry_forwarding.sql?raw';
import messagesTurnIndex from './migrations/0019_messages_turn_index.sql?raw';

export type Db = Database.Database;

/** In order; the index + 1 is the user_version after applying it. Never edit one that shipped. */
const MIGRATIONS: readonly string[] = [init, sessionSeq, consents, tasks, entryChunks, acontext, sessionFlags, prices, search, budgets, activityFeed, usageDashboard, usageTurn, usageRollup, providers, talkConversations, toolApprovals, inquiryForwarding, messagesTurnIndex];

export function openDatabase(dataDir: string): Db {
  prepareDataDir(dataDir);
  const file = join(dataDir, 'dspatch.db');
  // SQLite gives the -wal and -shm files the database file's mode, so a 0600 database keeps them 0600;
  // ones left by an earlier version are narrowed here.
  preparePrivateFile(file);
  for (const suffix of ['-wal', '-shm']) narrowToOwner(file + suffix);
  const db = new Database(file);
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
