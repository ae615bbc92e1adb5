import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SpawnOptions } from '../../../electron/host/ports';
import { toProcessEnv, UtilitySpawner } from '../../../electron/platform/utility-spawner';
import { resetElectronShell, shell } from './electron-shell-double';

vi.mock('electron', async () => (await import('./electron-shell-double')).electronShellModule);

const quietLog = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

const options: SpawnOptions = {
  modulePath: '/data/agent-cache/agent-abc.cjs',
  env: { OPENAI_API_KEY: 'sk-test', DSPATCH_AGENT_KEY: 'coder' },
  cwd: '/work/project',
  serviceName: 'dspatch-agent-coder',
};

function spawn(extra: Partial<SpawnOptions> = {}) {
  const child = new UtilitySpawner(quietLog).spawn({ ...options, ...extra });
  const forked = shell.forked.at(-1);
  return { child, forked, proc: forked?.proc };
}

const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('UtilitySpawner', () => {
  beforeEach(() => resetElectronShell());

  it('forks the module with exactly the given env, the cwd, piped stdio, the service name and the agent V8 flags', () => {
    const { forked } = spawn();
    expect(forked).toBeDefined();
    expect(forked!.modulePath).toBe(options.modulePath);
    expect(forked!.args).toEqual([]);
    expect(forked!.options).toEqual({
      env: { OPENAI_API_KEY: 'sk-test', DSPATCH_AGENT_KEY: 'coder' },
      cwd: '/work/project',
      stdio: 'pipe',
      serviceName: 'dspatch-agent-coder',
      execArgv: ['--max-semi-space-size=1'],
    });
  });

  it('never adds the host environment', () => {
    process.env.DSPATCH_TEST_HOST_ONLY = 'leak';
    try {
      const { forked } = spawn({ env: {} });
      expect(forked!.options.env).toEqual({});
    } finally {
      delete process.env.DSPATCH_TEST_HOST_ONLY;
    }
  });

  it('coerces env values to strings and drops null/undefined', () => {
    const env = { A: 1, B: true, C: 'x', D: undefined, E: null } as unknown as Record<string, string>;
    const { forked } = spawn({ env });
    expect(forked!.options.env).toEqual({ A: '1', B: 'true', C: 'x' });
    expect(toProcessEnv({ N: 0 })).toEqual({ N: '0' });
  });

  it('exposes pid and the piped stdout/stderr', () => {
    const { child, proc } = spawn();
    expect(child.pid).toBe(4242);
    expect(child.stdout).toBe(proc!.stdout);
    expect(child.stderr).toBe(proc!.stderr);
  });

  it('delivers raw message values to listeners, including ones that arrived before subscription', () => {
    const { child, proc } = spawn();
    proc!.emit('message', { type: 'ready', seq: 1 });
    const received: unknown[] = [];
    child.onMessage((message) => received.push(message));
    proc!.emit('message', { type: 'log', seq: 2 });
    expect(received).toEqual([
      { type: 'ready', seq: 1 },
      { type: 'log', seq: 2 },
    ]);
  });

  it('posts host messages to the process', () => {
    const { child, proc } = spawn();
    const message = { type: 'signal.terminate' } as unknown as Parameters<typeof child.send>[0];
    child.send(message);
    expect(proc!.postMessage).toHaveBeenCalledWith(message);
  });

  it('reports a normal exit once, with the code', () => {
    const { child, proc } = spawn();
    const exits: unknown[] = [];
    child.onExit((exit) => exits.push(exit));
    proc!.emit('exit', 3);
    proc!.emit('exit', 3);
    expect(exits).toEqual([{ code: 3, signal: null }]);
  });

  it('reports a kill as SIGTERM and stops posting afterwards', () => {
    const { child, proc } = spawn();
    const exits: unknown[] = [];
    child.onExit((exit) => exits.push(exit));
    child.kill();
    expect(proc!.kill).toHaveBeenCalledTimes(1);
    proc!.emit('exit', 15);
    expect(exits).toEqual([{ code: 15, signal: 'SIGTERM' }]);
    child.send({ type: 'signal.terminate' } as unknown as Parameters<typeof child.send>[0]);
    expect(proc!.postMessage).not.toHaveBeenCalled();
    child.kill();
    expect(proc!.kill).toHaveBeenCalledTimes(1);
  });

  it('folds a fatal error into the exit that follows it', () => {
    const { child, proc } = spawn();
    const exits: unknown[] = [];
    child.onExit((exit) => exits.push(exit));
    proc!.emit('error', 'FatalError', 'v8::ToLocalChecked', '{"huge":"report"}');
    expect(exits).toEqual([]);
    proc!.emit('exit', 134);
    expect(exits).toEqual([{ code: 134, signal: null, error: 'FatalError at v8::ToLocalChecked' }]);
  });

  it('tells a late onExit subscriber about an exit that already happened', async () => {
    const { child, proc } = spawn();
    proc!.emit('exit', 0);
    const listener = vi.fn();
    child.onExit(listener);
    await flush();
    expect(listener).toHaveBeenCalledWith({ code: 0, signal: null });
  });

  it('turns a fork that throws into an exit with an error, not an exception', async () => {
    shell.forkError = new Error('utilityProcess cannot be used before app is ready');
    const child = new UtilitySpawner(quietLog).spawn(options);
    const listener = vi.fn();
    child.onExit(listener);
    await flush();
    expect(child.pid).toBeUndefined();
    expect(child.stdout).toBeNull();
    expect(listener).toHaveBeenCalledWith({
      code: null,
      signal: null,
      error: 'utilityProcess cannot be used before app is ready',
    });
    expect(() =>
      child.send({ type: 'signal.terminate' } as unknown as Parameters<typeof child.send>[0]),
    ).not.toThrow();
    expect(() => child.kill()).not.toThrow();
  });

  it('never logs env values', () => {
    shell.forkError = new Error('nope');
    const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    new UtilitySpawner(log).spawn(options);
    expect(JSON.stringify([log.info.mock.calls, log.warn.mock.calls, log.error.mock.calls])).not.toContain(
      'sk-test',
    );
  });
});
