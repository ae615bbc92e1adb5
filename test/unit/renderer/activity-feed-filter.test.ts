// The Activity feed's filters in the URL (a view reloads and is shared as is; a hostile link is
// tamed) and the merge of a live refresh into the rows shown (no gap, no repeat).
import { describe, expect, it } from 'vitest';
import type { FeedItem } from '../../../electron/api/types';
import { EMPTY_FILTER, feedRequest, mergeNewest, rowHref, type FeedFilter } from '../../../renderer/features/activity/feed-filter';
import { parseRoute, paths } from '../../../renderer/features/shell/router';

function item(createdAt: number, id: string, extra: Partial<FeedItem> = {}): FeedItem {
  return { id, kind: 'log', level: 'info', createdAt, workspaceId: null, sessionId: null, agentKey: null, entryId: null, taskId: null, title: '', text: id, detail: null, status: null, ...extra };
}

describe('activity route', () => {
  it('keeps every filter through the URL', () => {
    const filter: FeedFilter = {
      workspaceId: 'ws/1',
      agentKey: 'coder',
      sessionId: 's 1',
      kind: 'tool',
      level: 'error',
      since: Date.UTC(2026, 11, 1, 8, 30),
      until: Date.UTC(2026, 11, 2),
      query: 'a&b=c #x',
    };
    const hash = paths.activity(filter);
    expect(hash).toMatch(/^#\/activity\?/);
    expect(hash).toContain('since=2026-12-01T08%3A30%3A00.000Z');
    expect(parseRoute(hash)).toEqual({ page: 'activity', filter });
    expect(paths.activity(EMPTY_FILTER)).toBe('#/activity');
    expect(parseRoute('#/activity')).toEqual({ page: 'activity', filter: EMPTY_FILTER });
  });

  it('drops what a hand-edited or hostile link cannot mean', () => {
    const route = parseRoute(`#/activity?kind=__proto__&level=fatal&since=yesterday&until=-5&session=${'x'.repeat(201)}&q=${'y'.repeat(600)}&agent=`);
    expect(route).toEqual({ page: 'activity', filter: { ...EMPTY_FILTER, query: 'y'.repeat(500) } });
    expect(parseRoute('#/activity?kind=constructor&since=5')).toEqual({ page: 'activity', filter: EMPTY_FILTER });
  });

  it('asks the host only for what is set', () => {
    expect(feedRequest(EMPTY_FILTER, null, 100)).toEqual({ limit: 100 });
    expect(feedRequest({ ...EMPTY_FILTER, kind: 'task', since: 0 }, '5.a1', 10)).toEqual({ limit: 10, kinds: ['task'], since: 0, before: '5.a1' });
  });
});

describe('rows', () => {
  it('link to the conversation at the entry, or the task, or not at all', () => {
    expect(rowHref(item(1, 'a1', { sessionId: 's1', entryId: 'e1' }))).toBe('#/sessions/s1?entry=e1');
    expect(rowHref(item(1, 'k1', { sessionId: 's1', taskId: 't1' }))).toBe('#/sessions/s1?task=t1');
    expect(rowHref(item(1, 'l1', { sessionId: 's1' }))).toBe('#/sessions/s1');
    expect(rowHref(item(1, 'l2'))).toBeNull();
  });

  it('merge a fresh first page: new rows first, changed rows replaced, older rows kept', () => {
    const shown = { items: [item(30, 't3', { status: 'running' }), item(20, 'l2'), item(10, 'l1')], nextCursor: '10.l1' };
    const fresh = { items: [item(40, 'l4'), item(30, 't3', { status: 'ok' })], nextCursor: '30.t3' };
    const merged = mergeNewest(shown, fresh);
    expect(merged.items.map((row) => [row.id, row.status])).toEqual([
      ['l4', null],
      ['t3', 'ok'],
      ['l2', null],
      ['l1', null],
    ]);
    expect(merged.nextCursor).toBe('10.l1');
  });

  it('start over when the fresh page does not reach the rows shown: no gap', () => {
    const shown = { items: [item(10, 'l1')], nextCursor: null };
    const fresh = { items: [item(50, 'l5'), item(40, 'l4')], nextCursor: '40.l4' };
    expect(mergeNewest(shown, fresh)).toEqual(fresh);
  });
});
