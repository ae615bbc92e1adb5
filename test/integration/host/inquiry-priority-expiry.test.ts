// Inquiry priority and expiry with real agent processes: a high-priority inquiry is stored and
// published as such; one past its timeout is answered "no answer" (the agent goes on, seeing nobody
// answered), marked expired, and a late reply is refused clearly; expiry is kept across a restart.
import { afterEach, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../electron/api/contract';
import type { InquirySummary } from '../../../electron/api/types';
import { Store } from '../../../electron/store/store';
import {
  addTemplate,
  cleanupHarness,
  launchWorkspace,
  singleAgentYaml,
  startHost,
  turnMessages,
  waitForTurnEnd,
} from '../../helpers/host-harness';

afterEach(cleanupHarness);

const inquiryIn =
  (sessionId: string, status: InquirySummary['status']) =>
  (event: HostEvent): event is Extract<HostEvent, { type: 'inquiry.updated' }> =>
    event.type === 'inquiry.updated' && event.inquiry.sessionId === sessionId && event.inquiry.status === status;

describe('inquiry priority', () => {
  it('stores and publishes a high-priority inquiry as high', async () => {
    const t = await startHost();
    await addTemplate(t, 'timed-asker');
    const { sessionId } = await launchWorkspace(t, singleAgentYaml('ask-ws', 'asker', 'timed-asker'));
    const from = t.events.mark();
    await t.host.call('sessions.send', { sessionId, text: 'high: the release' });
    const created = await t.events.waitFor(inquiryIn(sessionId, 'pending'), { from, what: 'the inquiry' });
    expect(created.inquiry).toMatchObject({ priority: 'high', expiresAt: null, markdown: 'Decide about **the release**' });
    expect(t.host.services.store.inquiries.get(created.inquiry.id)).toMatchObject({ priority: 'high' });
    expect(await t.host.call('inquiries.list', {})).toEqual([expect.objectContaining({ id: created.inquiry.id, priority: 'high' })]);

    await t.host.call('inquiries.answer', { inquiryId: created.inquiry.id, text: 'yes', suggestionIndex: 0 });
    await waitForTurnEnd(t, sessionId, from);
  });
});

describe('inquiry expiry', () => {
  it('answers "no answer" when the timeout passes; the agent goes on and a late reply is refused', async () => {
    const t = await startHost();
    await addTemplate(t, 'timed-asker');
    const { sessionId } = await launchWorkspace(t, singleAgentYaml('ask-ws', 'asker', 'timed-asker'));
    const from = t.events.mark();
    const { turnId } = await t.host.call('sessions.send', { sessionId, text: 'expire: the colour' });
    const created = await t.events.waitFor(inquiryIn(sessionId, 'pending'), { from, what: 'the inquiry' });
    expect(created.inquiry.priority).toBe('normal');
    // timeoutHours 0.0003 = 1.08 s.
    expect(created.inquiry.expiresAt! - created.inquiry.createdAt).toBe(1080);

    const expired = await t.events.waitFor(inquiryIn(sessionId, 'expired'), { from, what: 'the inquiry to expire' });
    expect(expired.inquiry.id).toBe(created.inquiry.id);
    await waitForTurnEnd(t, sessionId, from);
    const reply = (await turnMessages(t, sessionId, turnId)).map((message) => message.text).join('');
    expect(reply).toMatch(/^nobody answered \(No answer: nobody answered this inquiry within 1\.1 s, and it expired\./);
    expect(t.host.services.store.inquiries.get(created.inquiry.id)).toMatchObject({ status: 'expired' });
    const { entries } = await t.host.call('sessions.open', { sessionId });
    expect(entries.find((entry) => entry.kind === 'activity' && entry.activityKind === 'inquiry.response')).toMatchObject({
      data: { expired: true },
    });

    const late = await t.host.handle('inquiries.answer', { inquiryId: created.inquiry.id, text: 'blue' });
    expect(late).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('expired unanswered') } });
  });

  it('expires at startup what ran out while no host ran, and times the rest with one timer', async () => {
    const first = await startHost();
    await addTemplate(first, 'timed-asker');
    const { workspace, sessionId } = await launchWorkspace(first, singleAgentYaml('ask-ws', 'asker', 'timed-asker'));
    await first.close();

    // What a host that died left behind: two inquiries still pending, one past its time, one not yet.
    const store = Store.open(first.dataDir);
    const now = Date.now();
    const base = { workspaceId: workspace.id, sessionId, agentKey: 'asker', suggestions: ['a', 'b'], files: [], status: 'pending' as const, responseText: null, answeredAt: null, priority: 'normal' as const };
    store.inquiries.insert({ ...base, id: 'overdue-inquiry', markdown: 'overdue', createdAt: now - 60_000, expiresAt: now - 1_000 });
    store.inquiries.insert({ ...base, id: 'later-inquiry', markdown: 'later', createdAt: now, expiresAt: now + 1_500 });
    store.close();

    const second = await startHost({ dataDir: first.dataDir });
    expect(second.host.services.store.inquiries.get('overdue-inquiry')).toMatchObject({ status: 'expired' });
    expect(second.host.services.store.inquiries.get('later-inquiry')).toMatchObject({ status: 'pending' });
    const expired = await second.events.waitFor(
      (event) => event.type === 'inquiry.updated' && event.inquiry.id === 'later-inquiry' && event.inquiry.status === 'expired',
      { what: 'the later inquiry to expire on the timer' },
    );
    expect(expired).toBeDefined();
    const late = await second.host.handle('inquiries.answer', { inquiryId: 'overdue-inquiry', text: 'a' });
    expect(late).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });
});
