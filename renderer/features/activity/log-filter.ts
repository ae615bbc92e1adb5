// The same filter the host applies to `logs.list`, for entries that arrive live.
import type { LogEntry } from '../../../electron/api/types';

type LogLevel = LogEntry['level'];

export interface LogFilter {
  level: LogLevel | null;
  query: string;
  workspaceId: string | null;
}

export function matchesFilter(entry: LogEntry, filter: LogFilter): boolean {
  if (filter.level && entry.level !== filter.level) return false;
  if (filter.workspaceId && entry.workspaceId !== filter.workspaceId) return false;
  if (filter.query && !entry.message.toLowerCase().includes(filter.query.toLowerCase())) return false;
  return true;
}
