// The supervisor's routing with real agent processes: an inquiry waits for the user's answer, and
// talk_to opens a child conversation with a peer and hands its reply back to the caller.
import { afterEach, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../electron/api/contract';
import type { InquirySummary, TimelineActivity } from '../../../electron/api/types';
import {
  addTemplate,
  cleanupHarness,
  isState,
  launchWorkspace,
  sendAndWait,
  singleAgentYaml,
  startHost,
  waitForTurnEnd,
} from '../../helpers/host-harness';

afterEach(cleanupHarness);

const pendingInquiry =
  (sessionId: string) =>
  (event: HostEvent): event is Extract<HostEvent, { type: 'inquiry.updated' }> =>
    event.type === 'inquiry.updated' &&
    event.inquiry.sessionId === sessionId &&
    event.inquiry.status === 'pending';

describe('inquiries', () => {
  it('lists the question, and the answer unblocks the agent, which replies with it', async () => {
    const t = await startHost();
    await addTemplate(t, 'asker');
    const { workspace, sessionId } = await launchWorkspace(t, singleAgentYaml('ask-ws', 'asker', 'asker'));

    const from = t.events.mark();
    await t.host.call('sessions.send', { sessionId, text: 'the bikeshed' });
    const created = await t.events.waitFor(pendingInquiry(sessionId), { from, what: 'an inquiry' });
    await t.events.waitFor(isState(sessionId, 'waiting_for_inquiry'), {
      from,
      what: 'the agent to wait for the answer',
    });

    const pending = await t.host.call('inquiries.list', {});
    expect(pending).toEqual([
      expect.objectContaining<Partial<InquirySummary>>({
        id: created.inquiry.id,
        workspaceId: workspace.id,
        sessionId,
        agentKey: 'asker',
        markdown: 'Which colour for **the bikeshed**?',
        suggestions: ['red', 'blue'],
        status: 'pending',
      }),
    ]);

    await t.host.call('inquiries.answer', { inquiryId: created.inquiry.id, text: 'green, actually' });
    await waitForTurnEnd(t, sessionId, from);
    const { entries } = await t.host.call('sessions.open', { sessionId });
    const reply = entries.filter((entry) => entry.kind === 'message' && entry.role === 'assistant').at(-1);
    expect(reply).toMatchObject({ text: 'you answered: green, actually', status: 'done' });
    const activities = entries
      .filter((entry): entry is TimelineActivity => entry.kind === 'activity')
      .map((entry) => entry.activityKind);
    expect(activities).toEqual(['inquiry.request', 'inquiry.response']);

    expect(await t.host.call('inquiries.list', {})).toEqual([]);
    expect(await t.host.call('inquiries.list', { status: 'answered' })).toEqual([
      expect.objectContaining({
        id: created.inquiry.id,
        status: 'answered',
        responseText: 'green, actually',
      }),
    ]);
    // A second answer to the same inquiry is a conflict, not a second delivery.
    const again = await t.host.handle('inquiries.answer', { inquiryId: created.inquiry.id, text: 'red' });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('accepts a suggestion picked by index', async () => {
    const t = await startHost();
    await addTemplate(t, 'asker');
    const { sessionId } = await launchWorkspace(t, singleAgentYaml('ask-ws', 'asker', 'asker'));
    const from = t.events.mark();
    await t.host.call('sessions.send', { sessionId, text: 'the door' });
    const created = await t.events.waitFor(pendingInquiry(sessionId), { from, what: 'an inquiry' });
    await t.host.call('inquiries.answer', {
      inquiryId: created.inquiry.id,
      text: 'blue',
      suggestionIndex: 1,
    });
    await waitForTurnEnd(t, sessionId, from);
    const { entries } = await t.host.call('sessions.open', { sessionId });
    expect(
      entries.filter((entry) => entry.kind === 'message' && entry.role === 'assistant').at(-1),
    ).toMatchObject({ text: 'you answered: blue' });
  });
});

describe('talk_to', () => {
  it('opens a child session with the peer and returns its reply to the caller', async () => {
    const t = await startHost();
    await addTemplate(t, 'caller');
    const yaml = [
      'name: team',
      'agents:',
      '  lead:',
      '    template: caller',
      '    sub_agents:',
      '      helper:',
      '        template: echo',
      '',
    ].join('\n');
    const { workspace, sessionId } = await launchWorkspace(t, yaml);

    const turn = await sendAndWait(t, sessionId, 'hello team');
    expect(turn.reply).toBe('helper said: from lead: hello team');

    const sessions = await t.host.call('sessions.list', { workspaceId: workspace.id });
    const child = sessions.find((session) => session.agentKey === 'helper');
    expect(child).toMatchObject({ parentSessionId: sessionId, workspaceId: workspace.id });
    expect(t.host.services.store.sessions.chatMessages(child!.id)).toEqual([
      { role: 'user', content: 'from lead: hello team', name: 'lead' },
      { role: 'assistant', content: 'from lead: hello team' },
    ]);
    const childTimeline = await t.host.call('sessions.open', { sessionId: child!.id });
    expect(childTimeline.entries[0]).toMatchObject({ kind: 'message', role: 'user', sender: 'lead' });

    const leadActivities = (await t.host.call('sessions.open', { sessionId })).entries.filter(
      (entry): entry is TimelineActivity => entry.kind === 'activity',
    );
    expect(leadActivities.map((entry) => entry.activityKind)).toEqual([
      'talk_to.request',
      'talk_to.response',
    ]);
    expect(leadActivities[1].data).toMatchObject({ peer: 'helper', response: 'from lead: hello team' });

    // The next call continues the same child conversation instead of opening another.
    const second = await sendAndWait(t, sessionId, 'again');
    expect(second.reply).toBe('helper said: from lead: again');
    const helpers = (await t.host.call('sessions.list', { workspaceId: workspace.id })).filter(
      (session) => session.agentKey === 'helper',
    );
    expect(helpers).toHaveLength(1);
    expect(t.host.services.store.sessions.chatMessages(child!.id)).toHaveLength(4);
  });
});
