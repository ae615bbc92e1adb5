// The supervisor's desk for subordinates' inquiries (agents/sdk/inquiry-desk.ts): an inquiry
// interrupts a blocked wait, which is kept and resumed; replies are confirmed by the host.
import { describe, expect, it } from 'vitest';
import { InquiryDesk, type IncomingInquiry, type WaitOutcome } from '../../../agents/sdk/inquiry-desk';
import type { InstanceState } from '../../../agents/protocol';

const inquiry = (n: number): IncomingInquiry => ({ inquiryId: `q${n}`, fromAgent: 'helper', markdown: `Question ${n}?`, suggestions: ['a', 'b'], files: [] });

function desk() {
  const states: InstanceState[] = [];
  const replies: { inquiryId: string; text: string }[] = [];
  const d = new InquiryDesk({ sendReply: (inquiryId, text) => replies.push({ inquiryId, text }), setState: (state) => states.push(state) });
  return { d, states, replies };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('InquiryDesk', () => {
  it('an inquiry interrupts the blocked wait; the reply is confirmed; the resumed wait returns its result', async () => {
    const { d, states, replies } = desk();
    const talk = deferred<string>();
    const waiting = d.waitInterruptibly(talk.promise, 'waiting_for_agent');
    expect(d.interrupt(inquiry(1))).toBe(true);
    expect(await waiting).toEqual({ interrupted: true, inquiry: inquiry(1) });
    expect(states.at(-1)).toBe('generating');
    expect(d.receive()).toEqual(inquiry(1));

    const reply = d.reply('a');
    expect(replies).toEqual([{ inquiryId: 'q1', text: 'a' }]);
    expect(d.settleReply('q1', undefined)).toBe(true);
    expect((await reply).message).toContain('continue_waiting_for_agent_response');

    const resumed = d.continueWaiting()!;
    expect(states.at(-1)).toBe('waiting_for_agent');
    talk.resolve('done');
    expect(await resumed).toEqual({ interrupted: false, value: 'done' });
    expect(d.continueWaiting()).toBeNull();
  });

  it('refuses to interrupt when nothing waits, and a reply with nothing pending says so', async () => {
    const { d, replies } = desk();
    expect(d.interrupt(inquiry(1))).toBe(false);
    expect(await d.reply('x')).toMatchObject({ delivered: false, message: expect.stringMatching(/^There is no inquiry waiting/) });
    expect(replies).toEqual([]);
  });

  it('a reply the host refuses comes back with its reason', async () => {
    const { d } = desk();
    d.deliver(inquiry(2));
    const reply = d.reply('late');
    d.settleReply('q2', 'that inquiry was already answered by the user; your reply was not used.');
    expect(await reply).toEqual({ delivered: false, message: "Your reply was not delivered to 'helper': that inquiry was already answered by the user; your reply was not used." });
  });

  it('a stop (reset) lets a blocked wait settle with the rejection of the wait under it', async () => {
    const { d } = desk();
    const talk = deferred<string>();
    const waiting = d.waitInterruptibly(talk.promise.catch(() => 'Failed: stopped'), 'waiting_for_agent');
    d.reset();
    talk.reject(new Error('stopped'));
    expect(await waiting).toEqual({ interrupted: false, value: 'Failed: stopped' });
  });

  it('ten interrupts of one wait, each replied to and resumed, end in its result', async () => {
    const { d } = desk();
    const talk = deferred<string>();
    let outcome: WaitOutcome<unknown> = await (async () => {
      const first = d.waitInterruptibly<unknown>(talk.promise, 'waiting_for_agent');
      d.interrupt(inquiry(0));
      return first;
    })();
    for (let n = 1; n <= 10; n++) {
      expect(outcome.interrupted).toBe(true);
      d.receive();
      const reply = d.reply('a');
      d.settleReply(`q${n - 1}`, undefined);
      await reply;
      const resumed = d.continueWaiting()!;
      if (n < 10) d.interrupt(inquiry(n));
      else talk.resolve('finally');
      outcome = await resumed;
    }
    expect(outcome).toEqual({ interrupted: false, value: 'finally' });
  });
});
