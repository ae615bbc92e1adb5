// Every tool call an agent makes is kept per call — name, arguments, result, start and end — and
// summed up per tool for its session and its workspace, with links back into the conversation.
import { afterEach, describe, expect, it } from 'vitest';
import { useFakeOpenAI } from '../../helpers/fake-model';
import { addTemplate, addWorkspace, cleanupHarness, confirmLaunch, sendAndWait, startHost } from '../../helpers/host-harness';

const fake = useFakeOpenAI();
afterEach(cleanupHarness);

describe('tool statistics', () => {
  it('count calls and durations per tool, per session and per workspace', async () => {
    const t = await startHost();
    const yaml = `name: tools-ws\nagents:\n  assistant:\n    template: openai-assistant\n    env:\n      OPENAI_BASE_URL: ${fake.baseURL}\n`;
    const { id: workspaceId } = await addWorkspace(t, yaml);
    await t.host.call('secrets.set', { workspaceId, key: 'OPENAI_API_KEY', value: 'sk-tool-stats-test-0123456789' });
    await confirmLaunch(t, workspaceId);
    const { sessions } = await t.host.call('workspaces.launch', { workspaceId });
    const sessionId = sessions[0].id;
    fake.script(
      {
        toolCalls: [
          { name: 'get_current_time', arguments: { timezone: 'UTC' }, callId: 'call_a' },
          { name: 'get_current_time', arguments: { timezone: 'Europe/Berlin' }, callId: 'call_b' },
        ],
      },
      { text: 'Noon in both.' },
    );
    await sendAndWait(t, sessionId, 'What time is it here and in Berlin?');

    const stats = await t.host.call('tools.stats', { sessionId });
    expect(stats).toHaveLength(1);
    const [clock] = stats;
    expect(clock).toMatchObject({ tool: 'get_current_time', calls: 2, finished: 2, errors: 0, errorRate: 0, lastError: null });
    expect(clock.p50Ms).toBeGreaterThanOrEqual(0);
    expect(clock.p95Ms).toBeGreaterThanOrEqual(clock.p50Ms!);
    // The link lands on the call's row in the timeline.
    const { entries } = await t.host.call('sessions.open', { sessionId });
    const call = entries.find((entry) => entry.id === clock.lastCall.activityId);
    expect(call?.kind === 'activity' && call.data.callId).toBe('call_b');

    expect(await t.host.call('tools.stats', { workspaceId })).toEqual(stats);
    await expect(t.host.call('tools.stats', { sessionId, workspaceId } as never)).rejects.toThrow(/Invalid request/);
  });

  it('count a thrown tool (either tool()) and an error result as failures, with the last error', async () => {
    const t = await startHost();
    await addTemplate(t, 'failing-tools');
    const yaml = `name: failing-ws\nagents:\n  worker:\n    template: failing-tools\n    env:\n      OPENAI_BASE_URL: ${fake.baseURL}\n`;
    const { id: workspaceId } = await addWorkspace(t, yaml);
    await t.host.call('secrets.set', { workspaceId, key: 'OPENAI_API_KEY', value: 'sk-failing-tools-0123456789' });
    await confirmLaunch(t, workspaceId);
    const { sessions } = await t.host.call('workspaces.launch', { workspaceId });
    fake.script(
      { toolCalls: ['explode', 'upstream_explode', 'refuse', 'ok'].map((name) => ({ name, arguments: {} })) },
      { text: 'Three of four failed.' },
    );
    await sendAndWait(t, sessions[0].id, 'Try every tool');
    const stats = Object.fromEntries((await t.host.call('tools.stats', { workspaceId })).map((s) => [s.tool, s]));
    expect(Object.fromEntries(Object.entries(stats).map(([name, s]) => [name, [s.calls, s.errors]]))).toEqual({
      explode: [1, 1],
      upstream_explode: [1, 1],
      refuse: [1, 1],
      ok: [1, 0],
    });
    expect(stats.explode.lastError?.message).toBe('The tool failed: the fuse was wet');
    expect(stats.refuse.lastError?.message).toContain('quota exceeded');
    // The model was told what went wrong with the dspatch tool, so it can react.
    expect(JSON.stringify(fake.requests[1].body)).toContain('the fuse was wet');
  });
});
