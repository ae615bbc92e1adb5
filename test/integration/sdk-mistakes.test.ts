// Mistakes agent code can make with the SDK fail loudly, with a real agent process under the host:
// the turn fails with a message that says what to do, and the error is logged once.
import { afterEach, describe, expect, it } from 'vitest';
import type { TimelineActivity } from '../../electron/api/types';
import { addTemplate, cleanupHarness, launchWorkspace, sendAndWait, startHost, type TestHost } from '../helpers/host-harness';

afterEach(cleanupHarness);

const YAML = [
  'name: mistakes-ws',
  'agents:',
  '  lead:',
  '    template: sdk-mistakes',
  '    sub_agents:',
  '      helper:',
  '        template: echo',
  '',
].join('\n');

async function start(): Promise<{ t: TestHost; sessionId: string; workspaceId: string }> {
  const t = await startHost();
  await addTemplate(t, 'sdk-mistakes');
  const { workspace, sessionId } = await launchWorkspace(t, YAML);
  return { t, sessionId, workspaceId: workspace.id };
}

async function turnActivities(t: TestHost, sessionId: string, turnId: string): Promise<TimelineActivity[]> {
  const { entries } = await t.host.call('sessions.open', { sessionId });
  return entries.filter((e): e is TimelineActivity => e.kind === 'activity' && e.turnId === turnId);
}

async function errorLogs(t: TestHost, workspaceId: string, text: string): Promise<string[]> {
  const logs = await t.host.call('logs.list', { workspaceId, level: 'error' });
  return logs.filter((log) => log.message.includes(text)).map((log) => log.message);
}

describe('SDK mistakes', () => {
  it('ctx.run() before ctx.enter() fails the turn with that message, logged once without a doubled prefix', async () => {
    const { t, sessionId, workspaceId } = await start();
    const turn = await sendAndWait(t, sessionId, 'run-before-enter');
    const message = 'ctx.run() was called before ctx.enter(): call `await using _ = await ctx.enter()` first.';
    const errors = (await turnActivities(t, sessionId, turn.turnId)).filter((a) => a.activityKind === 'error');
    expect(errors.map((a) => a.data.message)).toEqual([message]);
    expect(turn.reply).toBe('');
    expect(await errorLogs(t, workspaceId, 'before ctx.enter()')).toEqual([message]);
    // The agent goes on with the next message.
    expect((await sendAndWait(t, sessionId, 'fine')).reply).toBe('ok: fine');
  });

  it('setup() with system_prompt is an error that names systemPrompt, even when agent code catches it', async () => {
    const { t, sessionId, workspaceId } = await start();
    const turn = await sendAndWait(t, sessionId, 'setup-typo');
    const message =
      'ctx.setup() has no option "system_prompt": write systemPrompt. Its options: systemPrompt, authority, options, tools, maxTurns.';
    const errors = (await turnActivities(t, sessionId, turn.turnId)).filter((a) => a.activityKind === 'error');
    expect(errors.map((a) => a.data.message)).toEqual([message]);
    expect(await errorLogs(t, workspaceId, 'system_prompt')).toEqual([message]);
  });

  it("talkTo without options starts a fresh conversation, as the seed's continue_conversation=False", async () => {
    const { t, sessionId } = await start();
    const turn = await sendAndWait(t, sessionId, 'talk-default');
    const requests = (await turnActivities(t, sessionId, turn.turnId)).filter((a) => a.activityKind === 'talk_to.request');
    expect(requests.map((a) => [a.data.peer, a.data.continueConversation])).toEqual([['helper', false]]);
  });
});
