// Follows each workspace's dspatch.workspace.yml on disk, so the list and the page show a broken
// file's error at once and recover when it is fixed, without a reload: a change (debounced, since an
// editor's save is several events) tells the renderer `workspaces.changed` and it refetches. The
// folder is watched, not the file: editors save by renaming a new file over the old one, which ends
// a watch on the file itself. At most `max` folders are watched; the rest are read on each refetch.
import { watch, type FSWatcher } from 'node:fs';
import { WORKSPACE_FILE } from './workspace-config';

export const MAX_WORKSPACE_WATCHERS = 100;
export const WATCH_DEBOUNCE_MS = 150;

export interface WorkspaceWatcherOptions {
  /** The workspaces there are now: read on every sync. */
  list: () => readonly { id: string; dir: string }[];
  /** Called once per burst of changes to any watched file. */
  changed: () => void;
  warn: (message: string) => void;
  max?: number;
  debounceMs?: number;
}

export class WorkspaceWatcher {
  readonly #watchers = new Map<string, { dir: string; watcher: FSWatcher }>();
  readonly #max: number;
  readonly #debounceMs: number;
  #timer: NodeJS.Timeout | null = null;
  #warnedFull = false;
  #closed = false;

  constructor(private readonly options: WorkspaceWatcherOptions) {
    this.#max = options.max ?? MAX_WORKSPACE_WATCHERS;
    this.#debounceMs = options.debounceMs ?? WATCH_DEBOUNCE_MS;
  }

  /** How many folders are watched now. */
  get size(): number {
    return this.#watchers.size;
  }

  /** Watches the folders of the workspaces there are now and lets go of the ones removed or moved. */
  sync(): void {
    if (this.#closed) return;
    const wanted = new Map(this.options.list().map((row) => [row.id, row.dir]));
    for (const [id, { dir, watcher }] of this.#watchers) {
      if (wanted.get(id) === dir) continue;
      watcher.close();
      this.#watchers.delete(id);
    }
    for (const [id, dir] of wanted) {
      if (this.#watchers.has(id)) continue;
      if (this.#watchers.size >= this.#max) {
        if (!this.#warnedFull) this.options.warn(`More than ${this.#max} workspaces: the files of the others are not watched; their pages update when reopened.`);
        this.#warnedFull = true;
        return;
      }
      this.#watch(id, dir);
    }
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    for (const { watcher } of this.#watchers.values()) watcher.close();
    this.#watchers.clear();
  }

  #watch(id: string, dir: string): void {
    let watcher: FSWatcher;
    try {
      // Not persistent: a watch never keeps the process alive.
      watcher = watch(dir, { persistent: false }, (_event, filename) => {
        if (filename === null || filename === WORKSPACE_FILE) this.#schedule();
      });
    } catch {
      // The folder is missing: the workspace's summary already says so; the next sync tries again.
      return;
    }
    watcher.on('error', () => {
      // The folder went away (or became unreadable): say so now; the next sync watches it again if it is back.
      watcher.close();
      if (this.#watchers.get(id)?.watcher === watcher) this.#watchers.delete(id);
      this.#schedule();
    });
    this.#watchers.set(id, { dir, watcher });
  }

  #schedule(): void {
    if (this.#closed) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#closed) return;
      this.sync();
      this.options.changed();
    }, this.#debounceMs);
    this.#timer.unref();
  }
}
