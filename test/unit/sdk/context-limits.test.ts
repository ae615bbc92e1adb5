// The SDK keeps legitimate output inside the protocol's bounds, so the host never refuses it: long
// text goes as several deltas of one message, oversized records and logs are shortened with a note,
// and inquiries or talk_to texts the host would refuse fail with a message the model can act on.
import { describe, expect, it } from 'vitest';
import { agentToHostSchema, PROTOCOL_LIMITS, splitText, type AgentOutgoing } from '../../../agents/protocol';
import { Context } from '../../../agents/sdk/context';

function context(): { ctx: Context; sent: AgentOutgoing[] } {
  const sent: AgentOutgoing[] = [];
  const ctx = new Context({
    instanceId: 'instance-1',
    environment: { agentKey: 'coder', workspaceDir: '/ws', peers: ['reviewer'], fields: {} },
    history: [],
    emit: (message) => sent.push(message),
    setState: () => {},
  });
  ctx.beginTurn('turn-1', 'go', undefined);
  return { ctx, sent };
}

/** Every message as the host would check it. */
function expectAccepted(sent: AgentOutgoing[]): void {
  sent.forEach((message, index) => expect(agentToHostSchema.safeParse({ ...message, seq: index + 1 }).success).toBe(true));
}

describe('SDK output within the protocol bounds', () => {
  it('sends a message over the bound as one message in several pieces', () => {
    const { ctx, sent } = context();
    const text = 'a'.repeat(PROTOCOL_LIMITS.text * 2 + 5);
    const id = ctx.message(text);
    expect(sent.map((m) => m.type === 'message' && [m.messageId, m.isDelta, m.content.length])).toEqual([
      [id, false, PROTOCOL_LIMITS.text],
      [id, true, PROTOCOL_LIMITS.text],
      [id, true, 5],
    ]);
    expectAccepted(sent);
    // The turn's history keeps the whole reply.
    ctx.endTurn();
    expect(ctx.messages.at(-1)).toEqual({ role: 'assistant', content: text });
  });

  it('never splits a character made of two code units', () => {
    const text = `${'a'.repeat(9)}😀${'b'.repeat(5)}`;
    const pieces = splitText(text, 10);
    expect(pieces.join('')).toBe(text);
    expect(pieces[0]).toBe('a'.repeat(9));
  });

  it('shortens an oversized record and a long log line, saying so', () => {
    const { ctx, sent } = context();
    ctx.activity('tool_result', { tool: 'read_file', output: 'r'.repeat(PROTOCOL_LIMITS.activityData + 10), exitCode: 0 });
    ctx.log('l'.repeat(PROTOCOL_LIMITS.log * 2));
    ctx.usage({ model: 'm'.repeat(500), inputTokens: 1, outputTokens: 1 });
    expectAccepted(sent);
    const [activity, log, usage] = sent;
    expect(activity?.type === 'activity' && activity.data).toMatchObject({ tool: 'read_file', exitCode: 0, output: expect.stringMatching(/^r+… \[\d+ more characters cut: over the \d+-character limit\]$/) });
    expect(log?.type === 'log' && log.message).toMatch(/cut: over the 32000-character limit\]$/);
    expect(usage?.type === 'usage' && usage.model.length).toBeLessThanOrEqual(PROTOCOL_LIMITS.name);
  });

  it('fails an inquiry or a talk_to the host would refuse, telling the model what to shorten', async () => {
    const { ctx, sent } = context();
    await expect(ctx.inquire('m'.repeat(PROTOCOL_LIMITS.markdown + 1), ['a', 'b'])).rejects.toThrow(
      `The inquiry text is ${PROTOCOL_LIMITS.markdown + 1} characters; the limit is ${PROTOCOL_LIMITS.markdown}. Shorten it.`,
    );
    await expect(ctx.inquire('ok', ['a', 'b'], Array.from({ length: 101 }, (_, i) => `/f${i}`))).rejects.toThrow(/at most 100 files/);
    await expect(ctx.talkTo('reviewer', 't'.repeat(PROTOCOL_LIMITS.text + 1))).rejects.toThrow(/The message to reviewer is \d+ characters; the limit is/);
    await expect(ctx.talkTo('coder', 'hello me')).rejects.toThrow(/"coder" is not a peer of coder/);
    expect(sent).toEqual([]);
  });
});
