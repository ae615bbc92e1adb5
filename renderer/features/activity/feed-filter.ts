// The Activity feed's filters as they live in the URL (`#/activity?kind=tool&level=error…`), so a view
// can be reloaded and shared, and the merge of a live refresh into the rows already loaded. A value
// the URL cannot mean (a hand-edited or hostile link) is dropped, never sent to the host as is.
import type { HostRequest } from '../../../electron/api/contract';
import type { FeedItem, FeedKind, LogEntry } from '../../../electron/api/types';
import { paths } from '../shell/router';

export type FeedLevel = LogEntry['level'];

export interface FeedFilter {
  workspaceId: string | null;
  agentKey: string | null;
  sessionId: string | null;
  kind: FeedKind | null;
  level: FeedLevel | null;
  /** ms, inclusive. */
  since: number | null;
  /** ms, exclusive. */
  until: number | null;
  query: string;
}

export const EMPTY_FILTER: FeedFilter = {
  workspaceId: null,
  agentKey: null,
  sessionId: null,
  kind: null,
  level: null,
  since: null,
  until: null,
  query: '',
};

/** The kinds in the order the Kind menu lists them, with their names for people. */
export const KIND_LABELS: Record<FeedKind, string> = {
  tool: 'Tool calls',
  reasoning: 'Reasoning',
  inquiry: 'Questions and answers',
  talk: 'Talk between agents',
  error: 'Errors',
  lifecycle: 'Agent lifecycle',
  task: 'Tasks',
  log: 'Log lines',
};

export const LEVEL_LABELS: Record<FeedLevel, string> = { debug: 'Debug', info: 'Info', warn: 'Warnings', error: 'Errors' };

/** The host's own bounds (electron/api/contract.ts): longer values could only be refused. */
const MAX_ID = 200;
const MAX_QUERY = 500;

function isKey<T extends string>(record: Record<T, string>, value: string | null): value is T {
  return value !== null && Object.hasOwn(record, value);
}

function idParam(params: URLSearchParams, name: string): string | null {
  const value = params.get(name);
  return value && value.length <= MAX_ID ? value : null;
}

/** An ISO date or date-time; Date.parse alone would take '5' or 'Tuesday 2' as some date. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

function timeParam(params: URLSearchParams, name: string): number | null {
  const value = params.get(name);
  if (!value || !ISO_TIME.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

export function parseFeedFilter(params: URLSearchParams): FeedFilter {
  const kind = params.get('kind');
  const level = params.get('level');
  return {
    workspaceId: idParam(params, 'workspace'),
    agentKey: idParam(params, 'agent'),
    sessionId: idParam(params, 'session'),
    kind: isKey(KIND_LABELS, kind) ? kind : null,
    level: isKey(LEVEL_LABELS, level) ? level : null,
    since: timeParam(params, 'since'),
    until: timeParam(params, 'until'),
    query: (params.get('q') ?? '').slice(0, MAX_QUERY),
  };
}

/** The URL query of a filter ('' when it filters nothing); times as ISO UTC, readable and unambiguous. */
export function feedFilterQuery(filter: FeedFilter): string {
  const params = new URLSearchParams();
  if (filter.workspaceId) params.set('workspace', filter.workspaceId);
  if (filter.agentKey) params.set('agent', filter.agentKey);
  if (filter.sessionId) params.set('session', filter.sessionId);
  if (filter.kind) params.set('kind', filter.kind);
  if (filter.level) params.set('level', filter.level);
  if (filter.since !== null) params.set('since', new Date(filter.since).toISOString());
  if (filter.until !== null) params.set('until', new Date(filter.until).toISOString());
  if (filter.query) params.set('q', filter.query);
  const query = params.toString();
  return query ? `?${query}` : '';
}

export function isFiltered(filter: FeedFilter): boolean {
  return feedFilterQuery(filter) !== '';
}

export function feedRequest(filter: FeedFilter, before: string | null, limit: number): HostRequest<'activity.feed'> {
  return {
    limit,
    ...(filter.workspaceId ? { workspaceId: filter.workspaceId } : {}),
    ...(filter.agentKey ? { agentKey: filter.agentKey } : {}),
    ...(filter.sessionId ? { sessionId: filter.sessionId } : {}),
    ...(filter.kind ? { kinds: [filter.kind] } : {}),
    ...(filter.level ? { level: filter.level } : {}),
    ...(filter.since !== null ? { since: filter.since } : {}),
    ...(filter.until !== null ? { until: filter.until } : {}),
    ...(filter.query ? { query: filter.query } : {}),
    ...(before ? { before } : {}),
  };
}

export interface FeedRows {
  items: FeedItem[];
  /** Where the next older page starts; null when everything older is loaded. */
  nextCursor: string | null;
}

function newer(a: FeedItem, b: FeedItem): boolean {
  return a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id);
}

/**
 * A fresh first page merged into the rows shown: its rows replace the ones they have in common (a
 * tool call that got its result) and come first. When the fresh page does not reach the newest row
 * shown, rows were missed in between: the fresh page replaces everything, so the list never has a gap.
 */
export function mergeNewest(current: FeedRows, fresh: FeedRows): FeedRows {
  const oldestFresh = fresh.items.at(-1);
  const newestShown = current.items[0];
  if (!oldestFresh || !newestShown) return fresh;
  if (fresh.nextCursor && newer(oldestFresh, newestShown)) return fresh;
  const ids = new Set(fresh.items.map((item) => item.id));
  const rest = current.items.filter((item) => !ids.has(item.id) && newer(oldestFresh, item));
  return { items: [...fresh.items, ...rest], nextCursor: current.nextCursor };
}

/** Where a row opens: its conversation, at its entry or task; null for a row of no conversation. */
export function rowHref(item: FeedItem): string | null {
  if (!item.sessionId) return null;
  if (item.entryId) return paths.sessionLink(item.sessionId, { kind: 'entry', id: item.entryId });
  if (item.taskId) return paths.sessionLink(item.sessionId, { kind: 'task', id: item.taskId });
  return paths.sessionLink(item.sessionId);
}
