// The Activity feed: what happened in every session, newest first and live. The host hands it out a
// page at a time (keyset cursor); rows load as the list scrolls, and only the rows near the viewport
// are in the DOM. The filters are the URL's (router.ts), so changing one navigates; each row opens its
// conversation at its entry, highlighted.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { HostEvent } from '../../../electron/api/contract';
import type { FeedKind } from '../../../electron/api/types';
import { errorMessage } from '../../api/host-call-error';
import { useHostEvent, useServices } from '../../app-context';
import { EmptyState } from '../../components/empty-state';
import { ErrorBanner } from '../../components/error-banner';
import { WorkspaceSelect } from '../../components/workspace-select';
import { navigate, paths } from '../shell/router';
import './activity.css';
import { EMPTY_FILTER, feedRequest, isFiltered, KIND_LABELS, LEVEL_LABELS, mergeNewest } from './feed-filter';
import type { FeedFilter, FeedLevel, FeedRows } from './feed-filter';
import { FeedList } from './feed-list';

const PAGE = 100;
/** Rows kept in memory at most; older ones are reached by narrowing the filters or the time range. */
const MAX_LOADED = 5000;
/** Live changes arrive in bursts (a streaming turn): the newest page is fetched again at most this often. */
const REFRESH_MS = 400;

/** Host events after which the newest page may have changed. Streamed text (appends) is not one. */
function touchesFeed(event: HostEvent): boolean {
  switch (event.type) {
    case 'session.event':
      return event.change.type === 'entry' && event.change.entry.kind === 'activity';
    case 'log.appended':
    case 'task.updated':
    case 'session.deleted':
      return true;
    default:
      return false;
  }
}

export function ActivityPage({ filter: routeFilter }: { filter: FeedFilter }) {
  const { client, workspaces } = useServices();
  const list = useStore(workspaces, (s) => s.list);
  const [rows, setRows] = useState<FeedRows | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  // The route is parsed anew on every render: one filter object per distinct filter keeps the loads stable.
  const filterKey = JSON.stringify(routeFilter);
  const filter = useMemo(() => JSON.parse(filterKey) as FeedFilter, [filterKey]);
  // Answers for an older filter are dropped.
  const generation = useRef(0);

  const setFilter = useCallback((change: Partial<FeedFilter>) => navigate(paths.activity({ ...filter, ...change })), [filter]);

  const loadFirst = useCallback(async () => {
    const mine = generation.current;
    try {
      const page = await client.call('activity.feed', feedRequest(filter, null, PAGE));
      if (mine !== generation.current) return;
      setRows((current) => (current ? mergeNewest(current, page) : page));
      setError(null);
    } catch (err) {
      if (mine === generation.current) setError(errorMessage(err));
    }
  }, [client, filter]);

  useEffect(() => {
    generation.current += 1;
    setRows(null);
    setError(null);
    void loadFirst();
  }, [loadFirst]);

  const loadMore = useCallback(async () => {
    if (!rows?.nextCursor || loadingMore || rows.items.length >= MAX_LOADED) return;
    const mine = generation.current;
    setLoadingMore(true);
    try {
      const page = await client.call('activity.feed', feedRequest(filter, rows.nextCursor, PAGE));
      if (mine !== generation.current) return;
      setRows((current) => {
        if (!current) return current;
        const ids = new Set(current.items.map((item) => item.id));
        return { items: [...current.items, ...page.items.filter((item) => !ids.has(item.id))], nextCursor: page.nextCursor };
      });
    } catch (err) {
      if (mine === generation.current) setError(errorMessage(err));
    } finally {
      setLoadingMore(false);
    }
  }, [client, filter, rows, loadingMore]);

  // Live: a burst of changes is one fetch of the newest page, merged into what is shown.
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onEvent = useCallback(
    (event: HostEvent) => {
      if (!touchesFeed(event) || refreshTimer.current) return;
      refreshTimer.current = setTimeout(() => {
        refreshTimer.current = null;
        void loadFirst();
      }, REFRESH_MS);
    },
    [loadFirst],
  );
  useHostEvent(onEvent);
  useEffect(
    () => () => {
      if (refreshTimer.current) clearTimeout(refreshTimer.current);
      refreshTimer.current = null;
    },
    [loadFirst],
  );

  const filtered = isFiltered(filter);
  const items = rows?.items ?? null;
  const capped = !!rows?.nextCursor && (items?.length ?? 0) >= MAX_LOADED;

  return (
    <div className="page activity-page">
      <header className="page-header">
        <div>
          <h1>Activity</h1>
          <p className="page-subtitle">What your agents did in every conversation, newest first, as it happens.</p>
        </div>
        {filtered ? (
          <div className="header-actions">
            <button type="button" className="btn btn-small" onClick={() => navigate(paths.activity(EMPTY_FILTER))}>
              Clear filters
            </button>
          </div>
        ) : null}
      </header>
      <FeedFilters filter={filter} setFilter={setFilter} workspaces={list} />
      {error ? (
        <ErrorBanner
          message={error}
          action={
            <button type="button" className="btn btn-small" onClick={() => void loadFirst()}>
              Retry
            </button>
          }
        />
      ) : null}
      {!items && !error ? <div className="loading-line">Loading activity…</div> : null}
      {items && items.length === 0 ? (
        <EmptyState title={filtered ? 'Nothing matches' : 'No activity yet'}>
          {filtered
            ? 'Try another kind, level, workspace, time range or search text, or clear the filters.'
            : 'When you launch a workspace and talk to its agents, their tool calls, reasoning, questions, errors and lifecycle show up here.'}
        </EmptyState>
      ) : null}
      {items && items.length > 0 ? (
        <FeedList items={items} hasMore={!!rows?.nextCursor && !capped} loadingMore={loadingMore} onNearEnd={() => void loadMore()} />
      ) : null}
      {capped ? (
        <p className="feed-note" role="status">
          Showing the newest {MAX_LOADED.toLocaleString()} rows. Narrow the filters or choose a time range to see older ones.
        </p>
      ) : null}
    </div>
  );
}

/** Typing waits a moment before it becomes a filter (a navigation and a request), not one per key. */
function useDebouncedInput(value: string, commit: (value: string) => void): [string, (value: string) => void] {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const commitRef = useRef(commit);
  commitRef.current = commit;
  useEffect(() => {
    if (text === value) return;
    const timer = setTimeout(() => commitRef.current(text), 300);
    return () => clearTimeout(timer);
  }, [text, value]);
  return [text, setText];
}

/** datetime-local speaks local time without a zone: 'YYYY-MM-DDTHH:mm'. */
function toLocalInput(ms: number | null): string {
  if (ms === null) return '';
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function fromLocalInput(value: string): number | null {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : null;
}

function FeedFilters({
  filter,
  setFilter,
  workspaces,
}: {
  filter: FeedFilter;
  setFilter: (change: Partial<FeedFilter>) => void;
  workspaces: Parameters<typeof WorkspaceSelect>[0]['workspaces'];
}) {
  const [query, setQuery] = useDebouncedInput(filter.query, (value) => setFilter({ query: value.trim() }));
  const [agent, setAgent] = useDebouncedInput(filter.agentKey ?? '', (value) => setFilter({ agentKey: value.trim() || null }));
  return (
    <div className="feed-filters">
      <div className="toolbar">
        <input
          className="input grow"
          type="search"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          placeholder="Search activity…"
          aria-label="Search activity"
          maxLength={500}
        />
        <select
          className="input"
          value={filter.kind ?? ''}
          onChange={(event) => setFilter({ kind: (event.target.value || null) as FeedKind | null })}
          aria-label="Kind"
        >
          <option value="">All kinds</option>
          {Object.entries(KIND_LABELS).map(([kind, label]) => (
            <option key={kind} value={kind}>
              {label}
            </option>
          ))}
        </select>
        <select
          className="input"
          value={filter.level ?? ''}
          onChange={(event) => setFilter({ level: (event.target.value || null) as FeedLevel | null })}
          aria-label="Level"
        >
          <option value="">All levels</option>
          {Object.entries(LEVEL_LABELS).map(([level, label]) => (
            <option key={level} value={level}>
              {label}
            </option>
          ))}
        </select>
        <WorkspaceSelect workspaces={workspaces} value={filter.workspaceId} onChange={(workspaceId) => setFilter({ workspaceId })} />
      </div>
      <div className="toolbar">
        <input
          className="input"
          value={agent}
          onChange={(event) => setAgent(event.target.value)}
          placeholder="Agent key"
          aria-label="Agent"
          maxLength={200}
        />
        <label className="feed-time">
          From
          <input
            className="input"
            type="datetime-local"
            value={toLocalInput(filter.since)}
            onChange={(event) => setFilter({ since: fromLocalInput(event.target.value) })}
          />
        </label>
        <label className="feed-time">
          To
          <input
            className="input"
            type="datetime-local"
            value={toLocalInput(filter.until)}
            onChange={(event) => setFilter({ until: fromLocalInput(event.target.value) })}
          />
        </label>
        {filter.sessionId ? (
          <span className="feed-chip">
            Conversation <span className="mono">{filter.sessionId.slice(-8)}</span>
            <button type="button" className="btn btn-small" aria-label="Show every conversation" onClick={() => setFilter({ sessionId: null })}>
              ×
            </button>
          </span>
        ) : null}
      </div>
    </div>
  );
}
