// `dspatch logs`: the Activity feed in the terminal, from the built CLI in a real process, reading a
// data folder a real host wrote (an echo agent launched and stopped, an error reported in its session).
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dspatch, jsonLines } from '../helpers/cli';
import { cleanupHarness, launchWorkspace, sendAndWait, singleAgentYaml, startHost } from '../helpers/host-harness';
import { repoRoot, tempDir } from '../helpers/paths';

let dataDir: string;
let sessionId: string;

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build-cli.js'], { cwd: repoRoot, stdio: 'pipe' });
  dataDir = tempDir('dspatch-logs-cli-');
  const t = await startHost({ dataDir });
  const launched = await launchWorkspace(t, singleAgentYaml('log-ws', 'echo', 'echo'));
  sessionId = launched.sessionId;
  await sendAndWait(t, sessionId, 'hello');
  await launchWorkspace(t, singleAgentYaml('quiet-ws', 'echo', 'echo'));
  // An error the agent reported, stored the two ways agents report one: the feed shows it once.
  const store = t.host.services.store;
  const now = Date.now();
  store.transaction(() => {
    store.sessions.insertActivity({ id: '01a2ffff-0000-7000-8000-00000000e001', sessionId, turnId: null, kind: 'error', data: { message: 'The model API rejected the key (401).' }, position: store.sessions.nextPosition(sessionId), now });
    store.logs.insert({ workspaceId: launched.workspace.id, sessionId, agentKey: 'echo', level: 'error', source: 'agent', message: 'The model API rejected the key (401).', createdAt: now });
    store.logs.insert({ workspaceId: launched.workspace.id, sessionId, agentKey: 'echo', level: 'error', source: 'agent', message: 'Error: The model API rejected the key (401).', createdAt: now });
  });
  await t.host.call('workspaces.stop', { workspaceId: launched.workspace.id });
  await t.close();
}, 120_000);

afterAll(cleanupHarness);

describe('dspatch logs', () => {
  it('prints the feed newest last, one line a row', async () => {
    const result = await dspatch(['logs', '--workspace', 'log-ws', '--data-dir', dataDir]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(/INFO +lifecycle +dspatch: Stopped — Workspace 'log-ws' stopped\.$/);
    expect(lines.find((line) => line.includes('Launched'))).toMatch(/^\d{4}-\d\d-\d\dT\S+Z INFO +lifecycle/);
    expect(lines.findIndex((line) => line.includes('Launched'))).toBeLessThan(lines.length - 1);
    expect(lines.filter((line) => line.includes('rejected the key'))).toHaveLength(1);
    expect(result.stdout).not.toContain('quiet-ws');
  });

  it('writes one JSON object a line with --json, and filters by level, kind and session', async () => {
    const errors = await dspatch(['logs', '--level', 'error', '--json', '--data-dir', dataDir]);
    expect(errors.code, errors.stderr).toBe(0);
    expect(jsonLines(errors.stdout)).toEqual([
      expect.objectContaining({ kind: 'error', level: 'error', sessionId, entryId: '01a2ffff-0000-7000-8000-00000000e001', text: 'The model API rejected the key (401).' }),
    ]);

    const lifecycle = jsonLines((await dspatch(['logs', '--kind', 'lifecycle', '--json', '--data-dir', dataDir])).stdout);
    // quiet-ws stops when the host closes.
    expect(lifecycle.map((item) => [item.status, item.text])).toEqual([
      ['launch', "Workspace 'log-ws' is running (1 agent processes)."],
      ['launch', "Workspace 'quiet-ws' is running (1 agent processes)."],
      ['stop', "Workspace 'log-ws' stopped."],
      ['stop', "Workspace 'quiet-ws' stopped."],
    ]);
    const times = lifecycle.map((item) => item.createdAt as number);
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    const mixed = jsonLines((await dspatch(['logs', '--kind', 'error,lifecycle', '--session', sessionId, '--json', '--data-dir', dataDir])).stdout);
    expect(mixed.map((item) => item.kind)).toEqual(['error']);

    const limited = jsonLines((await dspatch(['logs', '--limit', '1', '--json', '--data-dir', dataDir])).stdout);
    expect(limited).toHaveLength(1);
    expect(limited[0]).toMatchObject({ status: 'stop', text: "Workspace 'quiet-ws' stopped." });
  });

  it('refuses bad options with a message that says what is allowed', async () => {
    const level = await dspatch(['logs', '--level', 'loud', '--data-dir', dataDir]);
    expect(level.code).toBe(64);
    expect(level.stderr).toContain('--level must be one of debug, info, warn, error, not "loud"');
    const kind = await dspatch(['logs', '--kind', 'tool,secrets', '--data-dir', dataDir]);
    expect(kind.code).toBe(64);
    expect(kind.stderr).toContain('--kind must be one of tool, reasoning, inquiry, talk, error, lifecycle, task, log, not "secrets"');
    const limit = await dspatch(['logs', '--limit', '1e9', '--data-dir', dataDir]);
    expect(limit.code).toBe(64);
    const session = await dspatch(['logs', '--session', "' OR 1=1 --", '--json', '--data-dir', dataDir]);
    expect(session.code, session.stderr).toBe(0);
    expect(session.stdout).toBe('');
    const workspace = await dspatch(['logs', '--workspace', 'nope', '--data-dir', dataDir]);
    expect(workspace.code).toBe(1);
    expect(workspace.stderr).toContain('No workspace is named "nope"');
  });
});
