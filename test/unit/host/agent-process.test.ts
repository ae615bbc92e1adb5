// AgentProcess against a stand-in child process (the Spawner port): what the agent sends can make
// a handler throw, forge a seq or stop arriving, and none of that escapes or wedges the process.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { agentToHostSchema, PROTOCOL_LIMITS, type AgentToHost } from '../../../agents/protocol';
import { AgentProcess, MAX_SEQ_GAP, type AgentProcessEvents } from '../../../electron/host/agent-process';
import type { AgentChild, Spawner } from '../../../electron/host/ports';

class FakeChild extends EventEmitter implements AgentChild {
  readonly pid = 4242;
  readonly stdout = null;
  readonly stderr = null;
  readonly sent: unknown[] = [];
  killed = false;
  send(message: unknown): void {
    this.sent.push(message);
  }
  onMessage(listener: (message: unknown) => void): void {
    this.on('message', listener);
  }
  onExit(listener: (exit: { code: number | null; signal: string | null }) => void): void {
    this.on('exit', listener);
  }
  kill(): void {
    this.killed = true;
  }
}

function start(events: Partial<AgentProcessEvents>, silenceMs = 60_000) {
  const child = new FakeChild();
  const spawner: Spawner = { spawn: () => child };
  const noop = () => {};
  const process = new AgentProcess(
    spawner,
    { modulePath: '/agent.cjs', env: {}, cwd: '/', serviceName: 'test' },
    { message: noop, invalid: noop, output: noop, exit: noop, failed: noop, stalled: noop, ...events },
    { silenceMs },
  );
  return { child, process };
}

const log = (seq: number, message = 'hi'): AgentToHost => ({ type: 'log', instanceId: null, turnId: null, seq, level: 'info', message });

describe('AgentProcess', () => {
  it('keeps what a failing handler throws, reports it with the message, and delivers the next one', () => {
    const failures: [string, unknown, AgentToHost | undefined][] = [];
    const delivered: AgentToHost[] = [];
    const { child } = start({
      message: (message) => {
        if (message.type === 'log' && message.message === 'boom') throw new Error('handler broke');
        delivered.push(message);
      },
      failed: (type, error, message) => failures.push([type, error, message]),
    });
    expect(() => child.emit('message', log(1, 'boom'))).not.toThrow();
    child.emit('message', log(2, 'after'));
    expect(failures).toEqual([['log', new Error('handler broke'), log(1, 'boom')]]);
    expect(delivered).toEqual([log(2, 'after')]);
  });

  it('checks a text message by hand exactly as the protocol schema does: same verdict, same fields kept', () => {
    const good = { type: 'message', instanceId: 'i1', turnId: 't1', seq: 1, messageId: 'm1', role: 'assistant', content: 'hi', isDelta: true };
    const variants: Record<string, unknown>[] = [
      good,
      { ...good, instanceId: null, turnId: null, isDelta: false, role: 'user' },
      { ...good, extra: 'dropped', __proto__: { polluted: true } },
      JSON.parse('{"type":"message","instanceId":"i1","turnId":"t1","seq":1,"messageId":"m1","role":"assistant","content":"x","isDelta":true,"__proto__":{"polluted":true}}'),
      { ...good, content: 'x'.repeat(PROTOCOL_LIMITS.text) },
      { ...good, content: 'x'.repeat(PROTOCOL_LIMITS.text + 1) },
      { ...good, messageId: '' },
      { ...good, messageId: 'm'.repeat(PROTOCOL_LIMITS.id + 1) },
      { ...good, instanceId: 7 },
      { ...good, turnId: undefined },
      { ...good, seq: 1.5 },
      { ...good, seq: '1' },
      { ...good, seq: Number.NaN },
      { ...good, seq: 0 },
      { ...good, seq: 2 ** 60 },
      { ...good, role: 'system' },
      { ...good, isDelta: 'true' },
      { ...good, content: ['hi'] },
      { ...good, content: undefined },
    ];
    for (const raw of variants) {
      const delivered: AgentToHost[] = [];
      const invalid: string[] = [];
      const { child } = start({ message: (message) => delivered.push(message), invalid: (problem) => invalid.push(problem) });
      child.emit('message', raw);
      const expected = agentToHostSchema.safeParse(raw);
      expect(delivered).toEqual(expected.success ? [expected.data] : []);
      if (expected.success) expect(Object.keys(delivered[0]).sort()).toEqual(Object.keys(expected.data).sort());
      expect(invalid).toHaveLength(expected.success ? 0 : 1);
    }
  });

  it('refuses a repeated seq and a jump without moving past them', () => {
    const invalid: string[] = [];
    const delivered: number[] = [];
    const { child } = start({ invalid: (problem) => invalid.push(problem), message: (message) => delivered.push(message.seq) });
    child.emit('message', log(1));
    child.emit('message', log(Number.MAX_SAFE_INTEGER));
    child.emit('message', log(2 + MAX_SEQ_GAP));
    child.emit('message', log(1));
    // A refused (malformed) message with a plausible seq used it up: the next one is not a jump.
    child.emit('message', { ...log(5), level: 'loud' });
    child.emit('message', log(6));
    expect(delivered).toEqual([1, 6]);
    expect(invalid).toEqual([
      `type "log": seq ${Number.MAX_SAFE_INTEGER} jumps more than ${MAX_SEQ_GAP} past 1; refused`,
      `type "log": seq ${2 + MAX_SEQ_GAP} jumps more than ${MAX_SEQ_GAP} past 1; refused`,
      'type "log": seq 1 is not after 1; dropped as a duplicate',
      expect.stringMatching(/^type "log": level: /),
    ]);
  });

  describe('the turn watchdog', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('kills a process that sends nothing while a turn is open, and reports it once', () => {
      vi.useFakeTimers();
      const stalls: number[] = [];
      const { child, process } = start({ stalled: (ms) => stalls.push(ms) }, 1000);
      process.send({ type: 'input', instanceId: 'i1', turnId: 't1', content: 'go' });
      // Heartbeats keep it alive however long the turn takes.
      for (let seq = 1; seq <= 10; seq++) {
        vi.advanceTimersByTime(500);
        child.emit('message', { type: 'heartbeat', instanceId: null, turnId: null, seq });
      }
      expect(stalls).toEqual([]);
      vi.advanceTimersByTime(5000);
      expect(stalls).toEqual([1000]);
      expect(child.killed).toBe(true);
    });

    it('does not watch a process between turns', () => {
      vi.useFakeTimers();
      const stalls: number[] = [];
      const { child, process } = start({ stalled: (ms) => stalls.push(ms) }, 1000);
      process.send({ type: 'input', instanceId: 'i1', turnId: 't1', content: 'go' });
      child.emit('message', { type: 'turn.done', instanceId: 'i1', turnId: 't1', seq: 1, status: 'completed' });
      vi.advanceTimersByTime(10_000);
      expect(stalls).toEqual([]);
      expect(child.killed).toBe(false);
    });
  });
});
