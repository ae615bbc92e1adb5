// Secrets end to end: a launch without a required secret is refused with a message naming it; with
// it, the agent gets exactly its minimal env; and the value shows up nowhere the host writes or sends.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  addTemplate,
  addWorkspace,
  cleanupHarness,
  confirmLaunch,
  sendAndWait,
  singleAgentYaml,
  startHost,
  type TestHost,
} from '../../helpers/host-harness';

const LEAK_CANARY = 'SHOULD_NOT_LEAK';

afterEach(() => {
  delete process.env[LEAK_CANARY];
  return cleanupHarness();
});

/** Every place the host writes to or sends, as text, to search for a value. */
function everythingWritten(t: TestHost): { where: string; text: string }[] {
  t.host.services.writer.flush();
  const places = [
    { where: 'events', text: JSON.stringify(t.events.events) },
    { where: 'host.log', text: readIfExists(join(t.dataDir, 'logs', 'host.log')) },
  ];
  for (const suffix of ['', '-wal', '-shm']) {
    const file = join(t.dataDir, `dspatch.db${suffix}`);
    // latin1 maps every byte to one character, so a UTF-8 value is found wherever its bytes are.
    places.push({ where: `dspatch.db${suffix}`, text: readIfExists(file, 'latin1') });
  }
  return places;
}

function readIfExists(file: string, encoding: BufferEncoding = 'utf8'): string {
  return existsSync(file) ? readFileSync(file, encoding) : '';
}

describe('secrets', () => {
  it('refuses to launch without a required secret, naming the key, agent and workspace', async () => {
    const t = await startHost();
    await addTemplate(t, 'secret-env');
    const workspace = await addWorkspace(t, singleAgentYaml('vault', 'reporter', 'secret-env'));
    await confirmLaunch(t, workspace.id);

    const envelope = await t.host.handle('workspaces.launch', { workspaceId: workspace.id });
    expect(envelope.ok).toBe(false);
    if (envelope.ok) return;
    expect(envelope.error.code).toBe('missing_secret');
    expect(envelope.error.message).toContain('MY_TOKEN');
    expect(envelope.error.message).toContain("agent 'reporter'");
    expect(envelope.error.message).toContain("workspace 'vault'");
    expect(envelope.error.details).toEqual({ workspaceId: workspace.id, key: 'MY_TOKEN', agent: 'reporter' });
    expect(t.host.services.supervisor.isRunning(workspace.id)).toBe(false);

    const detail = await t.host.call('workspaces.get', { workspaceId: workspace.id });
    expect(detail.secrets).toEqual([{ key: 'MY_TOKEN', isSet: false, hint: null, requiredBy: ['reporter'] }]);
  });

  it('gives the agent its secret and nothing else of the host env, and never writes the value anywhere', async () => {
    process.env[LEAK_CANARY] = 'x';
    const token = `tok-${randomBytes(16).toString('hex')}`;
    const t = await startHost();
    await addTemplate(t, 'secret-env');
    const workspace = await addWorkspace(t, singleAgentYaml('vault', 'reporter', 'secret-env'));

    await t.host.call('secrets.set', { workspaceId: workspace.id, key: 'MY_TOKEN', value: token });
    const detail = await t.host.call('workspaces.get', { workspaceId: workspace.id });
    expect(detail.secrets).toEqual([
      { key: 'MY_TOKEN', isSet: true, hint: token.slice(-4), requiredBy: ['reporter'] },
    ]);

    await confirmLaunch(t, workspace.id);
    const { sessions } = await t.host.call('workspaces.launch', { workspaceId: workspace.id });
    const sessionId = sessions[0].id;
    const sha = createHash('sha256').update(token).digest('hex');
    const report = await sendAndWait(t, sessionId, `check ${sha}`);
    const match = /^names=(.*); MY_TOKEN matches=(yes|no)$/.exec(report.reply);
    expect(match, report.reply).not.toBeNull();
    const names = match![1].split(',');
    expect(match![2]).toBe('yes');
    expect(names).toContain('MY_TOKEN');
    expect(names).not.toContain(LEAK_CANARY);
    expect(names).not.toContain('PATH');
    expect(names).not.toContain('HOME');
    // Only what the host sets: the template's required_env, DSPATCH_*, the tracing switch and the
    // malloc arena cap.
    const hostSet = new Set(['MY_TOKEN', 'OPENAI_AGENTS_DISABLE_TRACING', 'MALLOC_ARENA_MAX']);
    expect(names.filter((name) => !hostSet.has(name) && !name.startsWith('DSPATCH_'))).toEqual([]);

    // A careless agent prints its token: the host stores and shows it redacted.
    const printed = await sendAndWait(t, sessionId, 'print');
    expect(printed.reply).toBe('printed');
    // stdout and stderr are pipes of their own, so their lines may land after the turn ended.
    for (const source of ['stdout', 'stderr'] as const) {
      await t.events.waitFor(
        (event) =>
          event.type === 'log.appended' &&
          event.entry.source === source &&
          event.entry.message.includes('token'),
        {
          from: printed.from,
          what: `the agent's ${source} line`,
        },
      );
    }
    const logs = await t.host.call('logs.list', { workspaceId: workspace.id, query: 'token' });
    const lines = logs.map((entry) => `${entry.source}: ${entry.message}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        'stdout: my token is [redacted]',
        'stderr: stderr token [redacted]',
        'agent: agent log token [redacted]',
      ]),
    );

    const everyLog = await t.host.call('logs.list', { limit: 5000 });
    expect(JSON.stringify(everyLog).includes(token), 'the token appears in logs.list').toBe(false);
    for (const { where, text } of everythingWritten(t))
      expect(text.includes(token), `the token appears in ${where}`).toBe(false);
    const dataDir = t.dataDir;
    await t.close();
    // After close the WAL is checkpointed into the main file: still nowhere.
    expect(readIfExists(join(dataDir, 'dspatch.db'), 'latin1').includes(token)).toBe(false);
    expect(readIfExists(join(dataDir, 'logs', 'host.log')).includes(token)).toBe(false);
  });

  it('keeps secrets encrypted at rest: the stored bytes are not the value', async () => {
    const token = `plain-${randomBytes(12).toString('hex')}`;
    const t = await startHost();
    await addTemplate(t, 'secret-env');
    const workspace = await addWorkspace(t, singleAgentYaml('vault', 'reporter', 'secret-env'));
    await t.host.call('secrets.set', { workspaceId: workspace.id, key: 'MY_TOKEN', value: token });
    const row = t.host.services.store.db
      .prepare('SELECT ciphertext, hint FROM secrets WHERE key = ?')
      .get('MY_TOKEN') as { ciphertext: Buffer; hint: string };
    expect(row.ciphertext.includes(Buffer.from(token))).toBe(false);
    expect(row.hint).toBe(token.slice(-4));
    // The key file that decrypts them is private to the user.
    const keyFile = join(t.dataDir, 'secret.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });
});
