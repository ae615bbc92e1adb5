// The data folder: private to this user, and held by one host at a time (ARCHITECTURE §2).
//
// Privacy: the folder is 0700 and every file the host writes in it 0600 (the database and its WAL,
// logs, secret.key, the control socket), so other users of the machine read none of it.
//
// The lock: <dataDir>/host.lock is an empty SQLite file on which the holding host keeps an exclusive
// transaction open. Node has no flock, but SQLite takes that transaction as a POSIX fcntl lock
// (LockFileEx on Windows), and the kernel drops such a lock the moment its process ends, however it
// ends (exit, crash, SIGKILL) and it never survives a reboot. So the lock is never stale: no pid is
// read or trusted, a reused pid blocks nothing, and whoever gets the lock knows every run or session
// still marked active was left by a dead host. Two connections in one process conflict as well
// (SQLite tracks its own fcntl locks per file), so a second host in the same process is refused too.
// One caveat of fcntl locks: closing any descriptor of the file drops them, so nothing but this SQLite
// connection may ever open host.lock (chmod by path is fine).
// Who holds the folder is written to host-holder.json after the lock is taken, only to name the holder
// in the refusal; a leftover one from a killed host is simply overwritten by the next holder.
import Database from 'better-sqlite3';
import { accessSync, chmodSync, closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HostError } from './errors';

const LOCK_FILE = 'host.lock';
const HOLDER_FILE = 'host-holder.json';
/** Windows has no such mode bits; its per-user profile folders are private already. */
const POSIX_MODES = process.platform !== 'win32';

export interface DataDirClaim {
  /** Gives the folder up; the next host may take it. */
  release(): void;
}

interface Holder {
  pid: number;
  /** Who holds it, as a user would name it: 'dspatch serve', 'the desktop app'. */
  command: string;
  since: number;
}

/**
 * Creates the data folder (and missing parents) with mode 0700. An existing one is narrowed to 0700
 * only when it already is a dspatch data folder (holds dspatch.db): a folder the user named with
 * --data-dir that holds other things (their home, /tmp) is not ours to lock down; our files in it are
 * still 0600 and our folders 0700.
 */
export function prepareDataDir(dataDir: string): void {
  try {
    const created = mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (POSIX_MODES && created === undefined && existsSync(join(dataDir, 'dspatch.db'))) chmodSync(dataDir, 0o700);
    accessSync(dataDir, constants.W_OK);
  } catch {
    throw new HostError(
      'internal',
      `The data directory ${dataDir} cannot be written. Choose another with --data-dir or fix its permissions.`,
    );
  }
}

/** Creates one of our folders in the data folder with mode 0700, and narrows an existing one. */
export function preparePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (POSIX_MODES) chmodSync(dir, 0o700);
}

/** Creates `file` empty with mode 0600 unless it exists, and narrows an existing one to 0600. */
export function preparePrivateFile(file: string): void {
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  narrowToOwner(file);
}

/** Narrows an existing file to 0600; a missing one is fine. */
export function narrowToOwner(file: string): void {
  if (!POSIX_MODES) return;
  try {
    chmodSync(file, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Takes the data folder for this process, or throws a HostError naming the host that holds it. */
export function claimDataDir(dataDir: string, command: string): DataDirClaim {
  prepareDataDir(dataDir);
  const lockFile = join(dataDir, LOCK_FILE);
  const lock = new Database(lockFile, { timeout: 0 });
  try {
    // MEMORY: no -journal file beside it; the transaction never writes anything.
    lock.pragma('journal_mode = MEMORY');
    lock.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    lock.close();
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') throw new HostError('conflict', heldMessage(dataDir));
    throw error;
  }
  narrowToOwner(lockFile);
  const holderFile = join(dataDir, HOLDER_FILE);
  const temp = `${holderFile}.${process.pid}.tmp`;
  const holder: Holder = { pid: process.pid, command, since: Date.now() };
  writeFileSync(temp, JSON.stringify(holder), { mode: 0o600 });
  renameSync(temp, holderFile);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      rmSync(holderFile, { force: true });
      lock.close();
    },
  };
}

function heldMessage(dataDir: string): string {
  const holder = readHolder(dataDir);
  const who = holder
    ? `${holder.command} (pid ${holder.pid}, since ${new Date(holder.since).toLocaleString()})`
    : 'another dspatch process';
  return (
    `The data folder ${dataDir} is in use by ${who}; only one dspatch host may use a data folder at a time. ` +
    'Stop that one first, or choose another data folder (--data-dir).'
  );
}

function readHolder(dataDir: string): Holder | null {
  try {
    const holder = JSON.parse(readFileSync(join(dataDir, HOLDER_FILE), 'utf8')) as Partial<Holder>;
    if (typeof holder.pid === 'number' && typeof holder.command === 'string' && typeof holder.since === 'number') {
      return holder as Holder;
    }
  } catch {
    // Not written yet (the holder is starting), or unreadable: the message says less.
  }
  return null;
}
