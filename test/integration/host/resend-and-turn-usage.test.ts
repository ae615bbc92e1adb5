// Retry, Regenerate and Edit against the real host, the real openai-assistant agent process and the
// fixture model: the replaced turn leaves the timeline, and the very next model request carries
// exactly the history the timeline shows — no previous_response_id chaining from a reply that is
// gone. Also: each turn's model calls are linked to it, so its last reply shows tokens, model, cost
// and duration, live and after a reopen.
import { afterEach, describe, expect, it } from 'vitest';
import type { TimelineMessage } from '../../../electron/api/types';
import type { RecordedRequest } from '../../fixtures/openai-server';
import { useFakeOpenAI } from '../../helpers/fake-model';
import { addWorkspace, cleanupHarness, confirmLaunch, isSessionEvent, sendAndWait, startHost, waitForTurnEnd, type TestHost } from '../../helpers/host-harness';

const fake = useFakeOpenAI();
afterEach(cleanupHarness);

function workspaceYaml(): string {
  return ['name: resend-ws', 'agents:', '  assistant:', '    template: openai-assistant', '    env:', `      OPENAI_BASE_URL: ${fake.baseURL}`, ''].join('\n');
}

/** The conversation a model request carried, as [role, text] pairs (system prompt left out). */
function conversation(request: RecordedRequest): [string, string][] {
  const items = request.body.input ?? request.body.messages;
  if (!Array.isArray(items)) return [];
  return items.flatMap((item): [string, string][] => {
    if (typeof item !== 'object' || item === null || !('role' in item)) return [];
    const { role, content } = item as { role: string; content: unknown };
    if (role === 'system' || role === 'developer') return [];
    const text =
      typeof content === 'string'
        ? content
        : Array.isArray(content)
          ? content.map((part) => (typeof part === 'object' && part && 'text' in part ? String(part.text) : '')).join('')
          : '';
    return [[role, text]];
  });
}

async function timeline(t: TestHost, sessionId: string): Promise<[string, string][]> {
  const { entries } = await t.host.call('sessions.open', { sessionId });
  return entries.flatMap((entry): [string, string][] => (entry.kind === 'message' ? [[entry.role, entry.text]] : []));
}

async function resendAndWait(t: TestHost, sessionId: string, text?: string): Promise<void> {
  const from = t.events.mark();
  await t.host.call('sessions.resend', { sessionId, text });
  await waitForTurnEnd(t, sessionId, from);
}

async function launched(): Promise<{ t: TestHost; sessionId: string }> {
  const t = await startHost();
  const { id: workspaceId } = await addWorkspace(t, workspaceYaml());
  await t.host.call('secrets.set', { workspaceId, key: 'OPENAI_API_KEY', value: 'sk-dspatch-resend-test-0123456789' });
  await confirmLaunch(t, workspaceId);
  const { sessions } = await t.host.call('workspaces.launch', { workspaceId });
  return { t, sessionId: sessions[0].id };
}

describe('retry, regenerate and edit', () => {
  it('regenerate and edit replace the turn on the timeline and in the history the model is sent', async () => {
    const { t, sessionId } = await launched();
    fake.script({ text: 'First answer.' }, { text: 'Second answer.' }, { text: 'Reply to the question.' }, { text: 'Reply to the edit.' });

    await sendAndWait(t, sessionId, 'Hi');
    const removedFrom = t.events.mark();
    await resendAndWait(t, sessionId);
    expect(await timeline(t, sessionId)).toEqual([
      ['user', 'Hi'],
      ['assistant', 'Second answer.'],
    ]);
    // The client saw the old turn go.
    expect(t.events.events.slice(removedFrom).some((event) => isSessionEvent(sessionId)(event) && event.change.type === 'removed')).toBe(true);
    const regenerated = fake.requests.at(-1)!;
    expect(regenerated.body.previous_response_id).toBeUndefined();
    expect(conversation(regenerated)).toEqual([['user', 'Hi']]);

    await sendAndWait(t, sessionId, 'A question');
    // Chained as usual while nothing was replaced.
    expect(fake.requests.at(-1)!.body.previous_response_id).toBeTruthy();
    await resendAndWait(t, sessionId, 'An edited question');
    expect(await timeline(t, sessionId)).toEqual([
      ['user', 'Hi'],
      ['assistant', 'Second answer.'],
      ['user', 'An edited question'],
      ['assistant', 'Reply to the edit.'],
    ]);
    const edited = fake.requests.at(-1)!;
    expect(edited.body.previous_response_id).toBeUndefined();
    expect(conversation(edited)).toEqual([
      ['user', 'Hi'],
      ['assistant', 'Second answer.'],
      ['user', 'An edited question'],
    ]);
    // What `sessions show --json` prints is what the model was sent, plus the reply.
    const { messages } = await t.host.call('sessions.messages', { sessionId });
    expect(messages.map((m) => [m.role, m.content])).toEqual([...conversation(edited), ['assistant', 'Reply to the edit.']]);
  });

  it('retry after a failed turn sends it again; a conversation with nothing to resend is refused with a reason', async () => {
    const { t, sessionId } = await launched();
    await expect(t.host.call('sessions.resend', { sessionId })).rejects.toThrow(/nothing to send again/);
    fake.script({ error: { status: 401 } }, { text: 'Worked this time.' });
    await sendAndWait(t, sessionId, 'Try me');
    await resendAndWait(t, sessionId);
    expect(await timeline(t, sessionId)).toEqual([
      ['user', 'Try me'],
      ['assistant', 'Worked this time.'],
    ]);
    expect(conversation(fake.requests.at(-1)!)).toEqual([['user', 'Try me']]);
  });
});

describe('usage per turn', () => {
  it('links each model call to its turn: the last reply carries tokens, model, cost and duration, live and after a reopen', async () => {
    const { t, sessionId } = await launched();
    fake.script(
      { text: 'Checking.', toolCalls: [{ name: 'get_current_time', arguments: { timezone: 'UTC' }, callId: 'call_u1' }], usage: { inputTokens: 50, cachedInputTokens: 20, outputTokens: 10 } },
      { text: 'It is noon.', usage: { inputTokens: 70, outputTokens: 5, reasoningTokens: 2 } },
    );
    const turn = await sendAndWait(t, sessionId, 'What time is it?');
    const { entries } = await t.host.call('sessions.open', { sessionId });
    const messages = entries.filter((entry): entry is TimelineMessage => entry.kind === 'message');
    const last = messages.find((m) => m.text === 'It is noon.')!;
    expect(last.usage).toMatchObject({ requests: 2, inputTokens: 120, cachedInputTokens: 20, outputTokens: 15, reasoningTokens: 2 });
    expect(last.usage!.models).toHaveLength(1);
    expect(last.usage!.durationMs).toBeGreaterThanOrEqual(0);
    // Only the turn's last reply carries it.
    expect(messages.filter((m) => m.usage)).toEqual([last]);
    // The live event that closed the turn carried it too: a client without a reload shows the same.
    const live = t.events.events
      .slice(turn.from)
      .filter((event) => isSessionEvent(sessionId)(event) && event.change.type === 'entry' && event.change.entry.id === last.id)
      .at(-1);
    expect(live && live.type === 'session.event' && live.change.type === 'entry' && live.change.entry.kind === 'message' ? live.change.entry.usage : null).toMatchObject({ inputTokens: 120, outputTokens: 15 });

    // No price: unknown, never $0. With a price: the cost.
    const model = last.usage!.models[0];
    await t.host.call('prices.remove', { model });
    const unpriced = (await t.host.call('sessions.open', { sessionId })).entries.find((e) => e.id === last.id) as TimelineMessage;
    expect(unpriced.usage!.costUsd).toBeNull();
    await t.host.call('prices.set', { model, inputPerMTok: 1, cachedInputPerMTok: 0.5, outputPerMTok: 2, validFrom: '2000-01-01' });
    const reopened = (await t.host.call('sessions.open', { sessionId })).entries.find((e) => e.id === last.id) as TimelineMessage;
    expect(reopened.usage!.costUsd).toBeCloseTo((100 * 1 + 20 * 0.5 + 15 * 2) / 1_000_000, 12);
  });
});
