// Pure helpers that keep a session's timeline ordered and apply one change at a time.
import type { SessionChange, TimelineEntry } from '../../../electron/api/types';

/** Stable sort by createdAt; equal times keep the order the host gave. */
export function sortEntries(entries: readonly TimelineEntry[]): TimelineEntry[] {
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => a.entry.createdAt - b.entry.createdAt || a.index - b.index)
    .map(({ entry }) => entry);
}

/** Replaces the entry with the same id in place, or inserts it after every entry not newer than it. */
export function upsertEntry(entries: readonly TimelineEntry[], entry: TimelineEntry): TimelineEntry[] {
  // Live changes almost always touch the newest entries: search from the end.
  for (let i = entries.length - 1; i >= 0; i--) {
    if (entries[i].id === entry.id) {
      const next = entries.slice();
      next[i] = entry;
      return next;
    }
  }
  let at = entries.length;
  while (at > 0 && entries[at - 1].createdAt > entry.createdAt) at--;
  const next = entries.slice();
  next.splice(at, 0, entry);
  return next;
}

/** Appends streamed text: to a message's text, or to an activity's `data.text` (thinking). */
export function appendToEntry(
  entries: readonly TimelineEntry[],
  entryId: string,
  text: string,
): TimelineEntry[] | null {
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (entry.id !== entryId) continue;
    const next = entries.slice();
    if (entry.kind === 'message') {
      next[i] = { ...entry, text: entry.text + text };
    } else {
      const previous = typeof entry.data.text === 'string' ? entry.data.text : '';
      next[i] = { ...entry, data: { ...entry.data, text: previous + text } };
    }
    return next;
  }
  return null;
}

/** Older entries (from history) go in front; ids already present are skipped. */
export function prependEntries(
  entries: readonly TimelineEntry[],
  older: readonly TimelineEntry[],
): TimelineEntry[] {
  const known = new Set(entries.map((entry) => entry.id));
  const fresh = sortEntries(older.filter((entry) => !known.has(entry.id)));
  return fresh.length ? [...fresh, ...entries] : entries.slice();
}

export type EntryChange = Exclude<SessionChange, { type: 'state' }>;
