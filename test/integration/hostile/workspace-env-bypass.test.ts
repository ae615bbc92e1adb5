// Defence in depth: with workspace validation made to let every env name through (as if it had a
// bug), the spawn path alone must keep loader and runtime variables away from the agent process.
// What the process really got is read from /proc/<pid>/environ.
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isRuntimeEnvName } from '../../../electron/host/template-config';
import type * as TemplateConfigModule from '../../../electron/host/template-config';
import { addWorkspace, cleanupHarness, confirmLaunch, startHost } from '../../helpers/host-harness';

vi.mock('../../../electron/host/template-config', async (importOriginal) => {
  const original = await importOriginal<typeof TemplateConfigModule>();
  return { ...original, envNameProblem: () => null };
});

afterEach(cleanupHarness);

/** Node's fork sets these itself for the IPC channel: they are the runtime's own, not the file's. */
const SET_BY_FORK = ['NODE_CHANNEL_FD', 'NODE_CHANNEL_SERIALIZATION_MODE'];

/** The environment of the agent process working in `dir`, or null while there is none. */
function agentEnvironment(dir: string): Map<string, string> | null {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      continue;
    }
    const env = new Map(
      environ
        .split('\0')
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
    );
    if (env.get('DSPATCH_WORKSPACE_DIR') === dir) return env;
  }
  return null;
}

describe('loader and runtime variables that got past validation', () => {
  it('never reach the agent process, while the rest of its env does', async () => {
    const t = await startHost();
    const workspace = await addWorkspace(
      t,
      [
        'name: bypassed',
        'env:',
        '  NODE_ENV: production',
        '  NODE_OPTIONS: --max-old-space-size=123',
        '  NODE_PATH: /nonexistent/modules',
        '  LD_LIBRARY_PATH: /nonexistent/lib',
        '  UV_THREADPOOL_SIZE: "7"',
        'agents:',
        '  echo:',
        '    template: echo',
        '    env:',
        '      ELECTRON_RUN_AS_NODE: "1"',
        '      DYLD_INSERT_LIBRARIES: /nonexistent.dylib',
        '      LD_PRELOAD: ""',
        '      OPENSSL_CONF: /nonexistent.cnf',
        '      REGION: eu',
        '',
      ].join('\n'),
    );
    // An empty value is filled from the workspace's secrets: that path must not pass one either.
    await t.host.call('secrets.set', { workspaceId: workspace.id, key: 'LD_PRELOAD', value: '/nonexistent.so' });
    await confirmLaunch(t, workspace.id);
    await t.host.call('workspaces.launch', { workspaceId: workspace.id });

    await expect.poll(() => agentEnvironment(workspace.dir) !== null).toBe(true);
    const env = agentEnvironment(workspace.dir)!;
    expect(env.get('DSPATCH_AGENT_KEY')).toBe('echo');
    expect(env.get('NODE_ENV')).toBe('production');
    expect(env.get('REGION')).toBe('eu');
    const runtime = [...env.keys()].filter((name) => isRuntimeEnvName(name) && !SET_BY_FORK.includes(name));
    expect(runtime).toEqual([]);
  });
});
