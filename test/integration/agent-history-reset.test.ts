// instance.reset in a real forked echo agent (the base Context): the rewind is taken in queue order,
// understood (no "malformed message" log), and the conversation goes on; a reset for an instance the
// process does not have is dropped quietly (the next spawn replays the history instead).
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

describe('instance.reset', () => {
  it('rewinds between turns, and the next turn runs', async () => {
    const a = (agent = await startAgent({ template: join(templatesDir, 'echo') }));
    a.spawn('i1');
    await a.turn('i1', 't1', 'first words');
    a.send({ type: 'instance.reset', instanceId: 'i1', history: [{ role: 'user', content: 'kept' }, { role: 'assistant', content: 'kept reply' }] });
    a.send({ type: 'instance.reset', instanceId: 'no-such-instance', history: [] });
    const done = await a.turn('i1', 't2', 'after the rewind');
    expect(done.status).toBe('completed');
    expect(a.all('message', 't2').map((m) => m.content).join('')).toBe('after the rewind');
    expect(a.all('log').filter((m) => /malformed/i.test(m.message))).toEqual([]);
  });
});
