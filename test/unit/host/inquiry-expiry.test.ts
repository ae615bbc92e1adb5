// The inquiry expiry timer against a real store: one timer for the next expiry only, however many
// inquiries wait; due ones expire in one go, each told to its agent once; an earlier expiry moves the
// timer; closing leaves no timer behind.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { InquirySummary } from '../../../electron/api/types';
import { InquiryExpiry } from '../../../electron/host/inquiry-expiry';
import { Store } from '../../../electron/store/store';
import { tempDir } from '../../helpers/paths';

let store: Store;
let dir: string;
const T0 = 1_800_000_000_000;

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  dir = tempDir('dspatch-expiry-');
  store = Store.open(dir);
  const now = Date.now();
  store.workspaces.insert({ id: 'ws', name: 'ws', dir: `${dir}/ws`, createdAt: now, updatedAt: now });
  store.sessions.insertSession({ id: 's1', workspaceId: 'ws', agentKey: 'asker', parentSessionId: null, title: '', state: 'idle', createdAt: now, updatedAt: now, pinnedAt: null, archivedAt: null });
});

afterEach(() => {
  vi.useRealTimers();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function ask(id: string, expiresAt: number | null): void {
  store.inquiries.insert({ id, workspaceId: 'ws', sessionId: 's1', agentKey: 'asker', markdown: id, suggestions: ['a', 'b'], files: [], status: 'pending', responseText: null, createdAt: T0, answeredAt: null, priority: 'normal', expiresAt });
}

function expiry(delivered: string[], updated: InquirySummary[]): InquiryExpiry {
  return new InquiryExpiry({
    store,
    deliver: (inquiry, text) => {
      delivered.push(`${inquiry.id}: ${text}`);
      return true;
    },
    updated: (inquiry) => updated.push(inquiry),
    log: () => {},
  });
}

it('keeps one timer for the next expiry and expires each inquiry once, in time order', () => {
  ask('later', T0 + 3_600_000);
  ask('sooner', T0 + 1_000);
  ask('never', null);
  const delivered: string[] = [];
  const updated: InquirySummary[] = [];
  const timer = expiry(delivered, updated);
  timer.check();
  expect(vi.getTimerCount()).toBe(1);

  vi.advanceTimersByTime(999);
  expect(delivered).toEqual([]);
  vi.advanceTimersByTime(1);
  expect(delivered).toEqual(['sooner: No answer: nobody answered this inquiry within 1 s, and it expired. Decide on your own within your authority, or ask again.']);
  expect(updated.map((inquiry) => [inquiry.id, inquiry.status])).toEqual([['sooner', 'expired']]);
  expect(vi.getTimerCount()).toBe(1);

  // A new inquiry expiring before the one timed moves the timer; still one.
  ask('soonest', T0 + 5_000);
  timer.scheduleAt(T0 + 5_000);
  expect(vi.getTimerCount()).toBe(1);
  vi.advanceTimersByTime(4_000);
  expect(updated.map((inquiry) => inquiry.id)).toEqual(['sooner', 'soonest']);

  // An answered inquiry is not expired later.
  store.inquiries.answer('later', 'a', 0, Date.now());
  vi.advanceTimersByTime(3_600_000);
  expect(updated.map((inquiry) => inquiry.id)).toEqual(['sooner', 'soonest']);
  expect(store.inquiries.get('never')?.status).toBe('pending');
  expect(vi.getTimerCount()).toBe(0);
  timer.close();
});

it('expires at once what is overdue when it starts, and closing leaves no timer', () => {
  ask('overdue', T0 - 1);
  ask('pending', T0 + 60_000);
  const updated: InquirySummary[] = [];
  const timer = expiry([], updated);
  timer.check();
  expect(updated.map((inquiry) => [inquiry.id, inquiry.status])).toEqual([['overdue', 'expired']]);
  expect(vi.getTimerCount()).toBe(1);
  timer.close();
  expect(vi.getTimerCount()).toBe(0);
  timer.scheduleAt(T0 + 1);
  expect(vi.getTimerCount()).toBe(0);
});
