// Logs from agents and the host, newest first, filtered by level, workspace and text; live.
import { useCallback, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { HostEvent } from '../../../electron/api/contract';
import type { LogEntry } from '../../../electron/api/types';
import { useHostEvent, useServices } from '../../app-context';
import { EmptyState } from '../../components/empty-state';
import { ErrorBanner } from '../../components/error-banner';
import { formatTime } from '../../components/format';
import { useHostQuery } from '../../components/use-host-query';
import { WorkspaceSelect } from '../../components/workspace-select';
import { matchesFilter } from './log-filter';
import type { LogFilter } from './log-filter';

const LIMIT = 500;
/** Live entries beyond this are dropped from the bottom; the host keeps them all. */
const MAX_SHOWN = 2000;

const LEVEL_TAGS: Record<LogEntry['level'], string> = {
  debug: 'DBG',
  info: 'INF',
  warn: 'WRN',
  error: 'ERR',
};

export function ActivityPage() {
  const { client, workspaces } = useServices();
  const list = useStore(workspaces, (s) => s.list);
  const [filter, setFilter] = useState<LogFilter>({ level: null, query: '', workspaceId: null });
  const [query, setQuery] = useState('');

  // Search as the user types, without a request per key.
  useEffect(() => {
    const timer = setTimeout(() => setFilter((current) => ({ ...current, query: query.trim() })), 300);
    return () => clearTimeout(timer);
  }, [query]);

  const logs = useHostQuery(
    () =>
      client.call('logs.list', {
        limit: LIMIT,
        ...(filter.level ? { level: filter.level } : {}),
        ...(filter.query ? { query: filter.query } : {}),
        ...(filter.workspaceId ? { workspaceId: filter.workspaceId } : {}),
      }),
    JSON.stringify(filter),
  );
  const { setData } = logs;

  const onEvent = useCallback(
    (event: HostEvent) => {
      if (event.type !== 'log.appended' || !matchesFilter(event.entry, filter)) return;
      setData((current) => (current ? [event.entry, ...current].slice(0, MAX_SHOWN) : current));
    },
    [filter, setData],
  );
  useHostEvent(onEvent);

  const entries = logs.data ? [...logs.data].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id) : null;

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Activity</h1>
          <p className="page-subtitle">Logs from your agents and from dspatch itself, as they happen.</p>
        </div>
      </header>
      <div className="toolbar">
        <input
          className="input grow"
          type="search"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          placeholder="Search logs…"
          aria-label="Search logs"
          data-testid="activity-search"
        />
        <select
          className="input"
          value={filter.level ?? ''}
          onChange={(event) =>
            setFilter({ ...filter, level: (event.target.value || null) as LogFilter['level'] })
          }
          aria-label="Level"
          data-testid="activity-level"
        >
          <option value="">All levels</option>
          <option value="debug">Debug</option>
          <option value="info">Info</option>
          <option value="warn">Warnings</option>
          <option value="error">Errors</option>
        </select>
        <WorkspaceSelect
          workspaces={list}
          value={filter.workspaceId}
          onChange={(workspaceId) => setFilter({ ...filter, workspaceId })}
        />
      </div>
      {logs.error ? (
        <ErrorBanner
          message={logs.error}
          action={
            <button type="button" className="btn btn-small" onClick={logs.reload}>
              Retry
            </button>
          }
        />
      ) : null}
      {logs.loading && !entries ? <div className="loading-line">Loading logs…</div> : null}
      {entries && entries.length === 0 ? (
        <EmptyState
          title={filter.level || filter.query || filter.workspaceId ? 'No logs match' : 'No activity yet'}
        >
          {filter.level || filter.query || filter.workspaceId
            ? 'Try another level, workspace or search text.'
            : 'When you launch a workspace, what its agents and dspatch do is logged here: starts, tool calls, warnings and errors.'}
        </EmptyState>
      ) : null}
      {entries && entries.length > 0 ? (
        <div className="log-list" role="log" data-testid="log-list">
          {entries.map((entry) => (
            <div key={entry.id} className={`log-line level-${entry.level}`} data-testid="log-line">
              <span className="log-time mono">{formatTime(entry.createdAt)}</span>
              <span className={`log-level level-${entry.level}`}>{LEVEL_TAGS[entry.level]}</span>
              <span className="log-source">{entry.agentKey ?? entry.source}</span>
              <span className="log-message mono">{entry.message}</span>
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
}
