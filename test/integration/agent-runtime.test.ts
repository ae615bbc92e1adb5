// The agent runtime in a real forked process: the echo template bundled by the host's bundler,
// driven over Node IPC with raw protocol messages.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent, type AgentDriver } from '../helpers/agent-driver';
import { templatesDir } from '../helpers/paths';

let agent: AgentDriver | undefined;
afterEach(async () => {
  const current = agent;
  agent = undefined;
  await current?.stop();
  if (current) expect(current.problems).toEqual([]);
});

async function startEcho(): Promise<AgentDriver> {
  agent = await startAgent({ template: join(templatesDir, 'echo') });
  return agent;
}

describe('agent runtime (echo template in a forked process)', () => {
  it('says ready, streams a reply with one message id, and ends the turn', async () => {
    const a = await startEcho();
    expect(a.received[0]).toMatchObject({ type: 'ready', instanceId: null, turnId: null });
    a.spawn('i1');
    const done = await a.turn('i1', 't1', 'hello streaming world');
    expect(done).toMatchObject({ status: 'completed', turnId: 't1', instanceId: 'i1' });

    const deltas = a.all('message');
    expect(deltas.length).toBe(3);
    expect(new Set(deltas.map((m) => m.messageId)).size).toBe(1);
    expect(deltas.map((m) => m.content).join('')).toBe('hello streaming world');
    await a.next('state', (m) => m.seq > done.seq && m.state === 'idle');
    expect(a.all('state').map((m) => m.state)).toEqual(['idle', 'generating', 'idle']);
    const seqs = a.received.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
  });

  it('stops a turn on interrupt and still takes the next message', async () => {
    const a = await startEcho();
    a.spawn('i1');
    a.send({
      type: 'input',
      instanceId: 'i1',
      turnId: 't1',
      content: '/slow one two three four five six seven',
    });
    await a.next('message');
    a.send({ type: 'signal.interrupt', instanceId: 'i1' });
    expect(await a.next('turn.done', (m) => m.turnId === 't1')).toMatchObject({ status: 'interrupted' });

    expect(await a.turn('i1', 't2', 'again')).toMatchObject({ status: 'completed' });
    expect(a.all('message', 't1').length).toBeLessThan(7);
  });

  it('reports a malformed host message and keeps serving', async () => {
    const a = await startEcho();
    a.sendRaw({ type: 'input', instanceId: 42 });
    const log = await a.next('log');
    expect(log).toMatchObject({ level: 'warn' });
    expect(log.message).toMatch(/malformed message from the host/);
    a.spawn('i1');
    expect(await a.turn('i1', 't1', 'still here')).toMatchObject({ status: 'completed' });
  });
});
