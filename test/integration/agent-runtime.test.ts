// The agent runtime in a real forked process: the echo template bundled by the host's bundler,
// driven over Node IPC with raw protocol messages.
import { fork, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleAgent } from '../../electron/host/agent-bundler';
import { agentToHostSchema, type AgentToHost, type HostToAgent } from '../../agents/protocol';
import { agentCacheDir, agentsDir, nodeModulesDir, templatesDir } from '../helpers/paths';

let child: ChildProcess | undefined;
afterEach(() => child?.kill());

async function startEcho() {
  const modulePath = await bundleAgent({
    entryPath: `${templatesDir}/echo/agent.ts`,
    agentsDir,
    cacheDir: agentCacheDir,
    nodeModulesDir,
  });
  child = fork(modulePath, [], { env: { DSPATCH_AGENT_KEY: 'echo' }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const received: AgentToHost[] = [];
  const waiters: { test: (m: AgentToHost) => boolean; resolve: (m: AgentToHost) => void }[] = [];
  child.on('message', (raw) => {
    const message = agentToHostSchema.parse(raw);
    received.push(message);
    for (const w of [...waiters]) if (w.test(message)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(message));
  });
  const next = (test: (m: AgentToHost) => boolean) =>
    new Promise<AgentToHost>((resolve) => {
      const found = received.find(test);
      if (found) return resolve(found);
      waiters.push({ test, resolve });
    });
  const send = (message: HostToAgent) => child!.send(message);
  return { received, next, send };
}

describe('agent runtime (echo template in a forked process)', () => {
  it('says ready, streams a reply with one message id, and ends the turn', async () => {
    const agent = await startEcho();
    await agent.next((m) => m.type === 'ready');
    agent.send({ type: 'instance.spawn', instanceId: 'i1' });
    agent.send({ type: 'input', instanceId: 'i1', turnId: 't1', content: 'hello streaming world' });
    const done = await agent.next((m) => m.type === 'turn.done');
    expect(done).toMatchObject({ status: 'completed', turnId: 't1', instanceId: 'i1' });

    const deltas = agent.received.filter((m) => m.type === 'message');
    expect(deltas.length).toBe(3);
    expect(new Set(deltas.map((m) => m.type === 'message' && m.messageId)).size).toBe(1);
    expect(deltas.map((m) => (m.type === 'message' ? m.content : '')).join('')).toBe('hello streaming world');
    const states = agent.received.filter((m) => m.type === 'state').map((m) => m.type === 'state' && m.state);
    expect(states).toEqual(['idle', 'generating', 'idle']);
    const seqs = agent.received.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('stops a turn on interrupt and still takes the next message', async () => {
    const agent = await startEcho();
    agent.send({ type: 'instance.spawn', instanceId: 'i1' });
    agent.send({ type: 'input', instanceId: 'i1', turnId: 't1', content: '/slow one two three four five six seven' });
    await agent.next((m) => m.type === 'message');
    agent.send({ type: 'signal.interrupt', instanceId: 'i1' });
    expect(await agent.next((m) => m.type === 'turn.done' && m.turnId === 't1')).toMatchObject({ status: 'interrupted' });

    agent.send({ type: 'input', instanceId: 'i1', turnId: 't2', content: 'again' });
    expect(await agent.next((m) => m.type === 'turn.done' && m.turnId === 't2')).toMatchObject({ status: 'completed' });
    const t1Text = agent.received.filter((m) => m.type === 'message' && m.turnId === 't1').length;
    expect(t1Text).toBeLessThan(7);
  });

  it('reports a malformed host message and keeps serving', async () => {
    const agent = await startEcho();
    child!.send({ type: 'input', instanceId: 42 });
    const log = await agent.next((m) => m.type === 'log');
    expect(log).toMatchObject({ level: 'warn' });
    expect(log.type === 'log' && log.message).toMatch(/malformed message from the host/);
    agent.send({ type: 'instance.spawn', instanceId: 'i1' });
    agent.send({ type: 'input', instanceId: 'i1', turnId: 't1', content: 'still here' });
    expect(await agent.next((m) => m.type === 'turn.done')).toMatchObject({ status: 'completed' });
  });
});
