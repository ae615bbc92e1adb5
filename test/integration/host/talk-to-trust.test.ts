// talk_to you can trust, with real agent processes: `continue_conversation` false opens a fresh
// conversation (ending the idle previous one), true continues the last one with that peer — also
// after the host restarts — and Stop on the caller stops every callee down the chain.
// (Cycles are refused: test/integration/hostile/hostile-agent.test.ts.)
import { afterEach, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../electron/api/contract';
import type { SessionSummary } from '../../../electron/api/types';
import {
  addTemplate,
  cleanupHarness,
  isState,
  launchWorkspace,
  sendAndWait,
  startHost,
  waitForTurnEnd,
  type TestHost,
} from '../../helpers/host-harness';

afterEach(cleanupHarness);

const PAIR = ['name: pair', 'agents:', '  lead:', '    template: relay', '    sub_agents:', '      helper:', '        template: relay', ''].join('\n');
const CHAIN = [
  'name: chain',
  'agents:',
  '  lead:',
  '    template: relay',
  '    sub_agents:',
  '      helper:',
  '        template: relay',
  '        sub_agents:',
  '          worker:',
  '            template: relay',
  '',
].join('\n');

async function sessionsOf(t: TestHost, workspaceId: string, agentKey: string): Promise<SessionSummary[]> {
  return (await t.host.call('sessions.list', { workspaceId })).filter((session) => session.agentKey === agentKey);
}

const sessionIn =
  (agentKey: string, state: SessionSummary['state']) =>
  (event: HostEvent): event is Extract<HostEvent, { type: 'session.updated' }> =>
    event.type === 'session.updated' && event.session.agentKey === agentKey && event.session.state === state;

describe('talk_to conversations', () => {
  it('starts a fresh conversation unless asked to continue, and a fresh one ends the idle previous callee', async () => {
    const t = await startHost();
    await addTemplate(t, 'relay');
    const { workspace, sessionId } = await launchWorkspace(t, PAIR);

    expect((await sendAndWait(t, sessionId, 'fresh: one')).reply).toBe('lead relayed: helper prompt #1: one');
    const [first] = await sessionsOf(t, workspace.id, 'helper');
    expect(first).toMatchObject({ parentSessionId: sessionId, state: 'idle' });

    // continue_conversation: true — the same peer conversation, which remembers the first prompt.
    expect((await sendAndWait(t, sessionId, 'continue: two')).reply).toBe('lead relayed: helper prompt #2: two');
    expect(await sessionsOf(t, workspace.id, 'helper')).toHaveLength(1);

    // false — a new conversation; the previous one, idle, is ended.
    const from = t.events.mark();
    expect((await sendAndWait(t, sessionId, 'fresh: three')).reply).toBe('lead relayed: helper prompt #1: three');
    const helpers = await sessionsOf(t, workspace.id, 'helper');
    expect(helpers).toHaveLength(2);
    await t.events.waitFor(isState(first.id, 'stopped'), { from, what: 'the previous helper conversation to end' });
    expect(helpers.find((session) => session.id === first.id)?.state).toBe('stopped');
    const second = helpers.find((session) => session.id !== first.id)!;

    // Continuing now means the newest conversation.
    expect((await sendAndWait(t, sessionId, 'continue: four')).reply).toBe('lead relayed: helper prompt #2: four');
    expect(t.host.services.store.sessions.chatMessages(second.id)).toHaveLength(4);
    expect(t.host.services.store.sessions.chatMessages(first.id)).toHaveLength(4);
  });

  it('continues the last conversation with a peer after the host restarts', async () => {
    const first = await startHost();
    await addTemplate(first, 'relay');
    const { workspace, sessionId } = await launchWorkspace(first, PAIR);
    expect((await sendAndWait(first, sessionId, 'fresh: one')).reply).toBe('lead relayed: helper prompt #1: one');
    const [helper] = await sessionsOf(first, workspace.id, 'helper');
    await first.close();

    const second = await startHost({ dataDir: first.dataDir });
    const { sessions } = await second.host.call('workspaces.launch', { workspaceId: workspace.id });
    expect(sessions[0]?.id).toBe(sessionId);
    expect((await sendAndWait(second, sessionId, 'continue: two')).reply).toBe('lead relayed: helper prompt #2: two');
    expect((await sessionsOf(second, workspace.id, 'helper')).map((session) => session.id)).toEqual([helper.id]);

    // And false still means fresh after the restart.
    expect((await sendAndWait(second, sessionId, 'fresh: three')).reply).toBe('lead relayed: helper prompt #1: three');
    expect(await sessionsOf(second, workspace.id, 'helper')).toHaveLength(2);
  });
});

describe('Stop in a talk_to chain', () => {
  it('stopping the caller stops the callees it waits on, down the whole chain A → B → C', async () => {
    const t = await startHost();
    await addTemplate(t, 'relay');
    const { workspace, sessionId } = await launchWorkspace(t, CHAIN);

    const from = t.events.mark();
    await t.host.call('sessions.send', { sessionId, text: 'hang' });
    await t.events.waitFor(sessionIn('worker', 'generating'), { from, what: 'the worker at the end of the chain to work' });
    const [helper] = await sessionsOf(t, workspace.id, 'helper');
    const [worker] = await sessionsOf(t, workspace.id, 'worker');
    expect(helper).toMatchObject({ parentSessionId: sessionId, state: 'waiting_for_agent' });
    expect(worker).toMatchObject({ parentSessionId: helper.id });
    expect((await t.host.call('sessions.list', { workspaceId: workspace.id })).find((s) => s.id === sessionId)?.state).toBe('waiting_for_agent');

    const stop = t.events.mark();
    await t.host.call('sessions.interrupt', { sessionId });
    // The worker hangs until its own turn is stopped: it only gets idle because Stop reached it.
    await Promise.all(
      [worker.id, helper.id, sessionId].map((id) => t.events.waitFor(isState(id, 'idle'), { from: stop, what: `session ${id} to stop` })),
    );
    const workerTimeline = await t.host.call('sessions.open', { sessionId: worker.id });
    expect(workerTimeline.session.state).toBe('idle');

    // The chain works again afterwards.
    const again = t.events.mark();
    await t.host.call('sessions.send', { sessionId, text: 'fresh: hello' });
    await waitForTurnEnd(t, sessionId, again);
  });
});
