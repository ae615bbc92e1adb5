// The agent runtime in a real forked process: the echo template (and the interleaved-deltas fixture)
// bundled by the host's bundler, driven over Node IPC with raw protocol messages.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent, type AgentDriver } from '../helpers/agent-driver';
import { repoRoot, templatesDir } from '../helpers/paths';

const COUNT = 400;
const range = (prefix: string) => Array.from({ length: COUNT }, (_, i) => `${prefix}${i} `).join('');

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

describe('delta batching (interleaved-deltas template in a forked process)', () => {
  // Many tiny deltas with whole messages, an activity and a log in between: complete and in order,
  // the first delta of every message sent alone (not held back), the rest merged.
  it('keeps order and content, sends each first delta alone, and merges the rest', async () => {
    agent = await startAgent({ template: join(repoRoot, 'test', 'fixtures', 'templates', 'interleaved-deltas') });
    agent.spawn('i1');
    for (const turnId of ['t1', 't2']) {
      expect(await agent.turn('i1', turnId, String(COUNT))).toMatchObject({ status: 'completed' });
      const turn = agent.received.filter((m) => m.turnId === turnId && m.type !== 'state' && m.type !== 'heartbeat');

      // Runs of the same kind, in order: what the agent sent, with deltas of one message joined.
      const runs: string[] = [];
      let text = '';
      for (const m of turn) {
        const label =
          m.type === 'message' ? `message ${m.isDelta ? 'delta' : 'whole'} ${m.messageId}` : m.type === 'activity' ? `activity ${m.kind}` : m.type;
        if (runs.at(-1) !== label) runs.push(label);
        if (m.type === 'message') text += `|${m.content}`;
      }
      const [a, c] = [...new Set(turn.flatMap((m) => (m.type === 'message' && m.isDelta ? [m.messageId] : [])))];
      const b = turn.find((m) => m.type === 'message' && !m.isDelta);
      expect(runs).toEqual([
        `message delta ${a}`,
        `message whole ${b?.type === 'message' ? b.messageId : ''}`,
        'activity thinking',
        'log',
        `message delta ${a}`,
        `message delta ${c}`,
        'usage',
        'turn.done',
      ]);

      const deltas = (id: string) => turn.flatMap((m) => (m.type === 'message' && m.messageId === id ? [m.content] : []));
      // Nothing lost or repeated.
      expect(deltas(a).join('')).toBe(range('a') + range('b'));
      expect(deltas(c).join('')).toBe(range('c'));
      expect(text).toContain('|whole message B|');
      // The first delta of a message is not held back to be merged with the ones after it.
      expect(deltas(a)[0]).toBe('a0 ');
      expect(deltas(c)[0]).toBe('c0 ');
      // The back-to-back run is merged: far fewer messages than deltas.
      expect(deltas(a).length).toBeLessThan(COUNT);
    }
    const seqs = agent.received.map((m) => m.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });
});
