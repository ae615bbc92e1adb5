// The built-in openai-assistant template under the real host: the secret typed once, the agent
// launched by the supervisor with its minimal env, a tool turn against the fake OpenAI server, and
// the timeline and usage as the host stores them.
import { afterEach, describe, expect, it } from 'vitest';
import type { TimelineActivity, TimelineMessage } from '../../electron/api/types';
import { useFakeOpenAI } from '../helpers/fake-model';
import { addWorkspace, cleanupHarness, confirmLaunch, sendAndWait, startHost } from '../helpers/host-harness';

const API_KEY = 'sk-dspatch-host-test-abcdef0123456789';
const fake = useFakeOpenAI();
afterEach(cleanupHarness);

function workspaceYaml(): string {
  return [
    'name: openai-ws',
    'agents:',
    '  assistant:',
    '    template: openai-assistant',
    '    env:',
    `      OPENAI_BASE_URL: ${fake.baseURL}`,
    '',
  ].join('\n');
}

describe('openai-assistant under the host', () => {
  it('runs a tool turn: text, tool call and result in the timeline, the key used and never shown', async () => {
    fake.script(
      {
        text: 'Checking.',
        toolCalls: [{ name: 'get_current_time', arguments: { timezone: 'UTC' }, callId: 'call_h1' }],
        usage: { inputTokens: 50, cachedInputTokens: 20, outputTokens: 10 },
      },
      { text: 'It is noon.', usage: { inputTokens: 70, outputTokens: 5 } },
    );
    const t = await startHost();
    const { id: workspaceId } = await addWorkspace(t, workspaceYaml());
    await t.host.call('secrets.set', { workspaceId, key: 'OPENAI_API_KEY', value: API_KEY });
    await confirmLaunch(t, workspaceId);
    const { sessions } = await t.host.call('workspaces.launch', { workspaceId });
    const sessionId = sessions[0].id;

    const turn = await sendAndWait(t, sessionId, 'What time is it?');
    expect(turn.messages.map((m: TimelineMessage) => m.text)).toEqual(['Checking.', 'It is noon.']);
    const { entries } = await t.host.call('sessions.open', { sessionId });
    const activities = entries.filter((entry): entry is TimelineActivity => entry.kind === 'activity');
    expect(activities.map((a) => [a.activityKind, a.data.callId])).toEqual([
      ['tool_call', 'call_h1'],
      ['tool_result', 'call_h1'],
    ]);
    expect(fake.requests.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${API_KEY}`,
      `Bearer ${API_KEY}`,
    ]);
    expect(JSON.stringify(t.events.events)).not.toContain(API_KEY);
  });
});
