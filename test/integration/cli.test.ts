// The `dspatch` command as users run it: the built CLI (`node bin/dspatch.cjs`) in real processes,
// each with its own data directory, real agent processes and real SQLite files.
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupHarness,
  fixtureTemplatesDir,
  scratchDir,
  singleAgentYaml,
  workspaceDir,
} from '../helpers/host-harness';
import { dspatch, jsonLines } from '../helpers/cli';
import { repoRoot } from '../helpers/paths';
import { startFakeOpenAI, type FakeOpenAI } from '../fixtures/openai-server';

const VERSION = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string })
  .version;

/** The main database file and its WAL, as latin1 text, to search for a value's bytes. */
function databaseBytes(dataDir: string): string {
  return ['dspatch.db', 'dspatch.db-wal']
    .map((name) => join(dataDir, name))
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file, 'latin1'))
    .join('\n');
}

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-cli.js'], { cwd: repoRoot, stdio: 'pipe' });
}, 120_000);

afterAll(cleanupHarness);

describe('dspatch CLI: basics', () => {
  it('prints its version', async () => {
    const result = await dspatch(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });

  it('prints help', async () => {
    const result = await dspatch(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage:');
    expect(result.stdout).toContain('dspatch run DIR --prompt TEXT');
    expect(result.stdout).toContain('dspatch secrets set WS KEY');
  });

  it('refuses an unknown command with one clear line', async () => {
    const result = await dspatch(['frobnicate', '--data-dir', scratchDir()]);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      'dspatch: Unknown command "frobnicate". Run dspatch --help.',
    ]);
  });

  it('refuses an unknown option with one clear line', async () => {
    const result = await dspatch(['workspaces', 'list', '--frobnicate']);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('--frobnicate');
  });
});

describe('dspatch CLI: workspaces, run and sessions', () => {
  const dataDir = scratchDir('dspatch-it-cli-');
  const dir = workspaceDir(singleAgentYaml('cli-echo', 'echo', 'echo'));
  const cli = (...args: string[]) => dspatch([...args, '--data-dir', dataDir]);

  it('adds a workspace and lists it as JSON', async () => {
    const added = await cli('workspaces', 'add', dir);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/^Added workspace 'cli-echo' \(.+\) from /);

    const listed = await cli('workspaces', 'list', '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ name: 'cli-echo', dir, configError: null }),
    ]);
  });

  it('runs a prompt and streams the reply to stdout', async () => {
    const result = await cli('run', dir, '--prompt', 'hello from the command line');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('hello from the command line\n');
  });

  it('prints one JSON object per line with --json, and the session can be shown in OpenAI format', async () => {
    const prompt = 'streamed as json lines';
    const result = await cli('run', dir, '--prompt', prompt, '--json');
    expect(result.code, result.stderr).toBe(0);
    const lines = jsonLines(result.stdout);
    expect(lines[0]).toMatchObject({ type: 'session', agent: 'echo' });
    expect(
      lines
        .filter((line) => line.type === 'delta')
        .map((line) => line.delta)
        .join(''),
    ).toBe(prompt);
    expect(lines.at(-1)).toEqual({ type: 'turn.done', status: 'completed' });

    const sessionId = String(lines[0].sessionId);
    const shown = await cli('sessions', 'show', sessionId, '--json');
    expect(shown.code, shown.stderr).toBe(0);
    const { session, messages } = JSON.parse(shown.stdout) as {
      session: { id: string };
      messages: unknown[];
    };
    expect(session.id).toBe(sessionId);
    expect(messages).toEqual([
      { role: 'user', content: prompt },
      { role: 'assistant', content: prompt },
    ]);
  });
});

describe('dspatch CLI: tasks and tools', () => {
  const dataDir = scratchDir('dspatch-it-cli-tasks-');
  const dir = workspaceDir(singleAgentYaml('cli-tasks', 'echo', 'echo'));
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(async () => {
    await fake.close();
  });
  const cli = (...args: string[]) =>
    dspatch([...args, '--data-dir', dataDir], {
      env: { DSPATCH_TASKS_BASE_URL: fake.baseURL, DSPATCH_TASKS_API_KEY: 'sk-cli-tasks-key', DSPATCH_TASKS_MODEL: 'extractor' },
    });

  it('lists a conversation\'s tasks, flushes pending messages into tasks, and prints tool statistics', async () => {
    const ran = await cli('run', dir, '--prompt', 'Book a flight to Oslo', '--json');
    expect(ran.code, ran.stderr).toBe(0);
    const sessionId = String(jsonLines(ran.stdout)[0].sessionId);

    const before = await cli('tasks', 'list', sessionId);
    expect(before.stdout).toContain('No tasks yet.');
    expect(before.stdout).toContain(`2 messages waiting.\nRun dspatch tasks flush ${sessionId}`);

    fake.script(
      {
        toolCalls: [
          { name: 'insert_task', arguments: { after_task_order: 0, task_description: 'Book a flight to Oslo' } },
          { name: 'append_messages_to_task', arguments: { task_order: 1, message_id_range: [0, 1] } },
          { name: 'append_task_progress', arguments: { task_order: 1, progress: 'Agent repeated the request' } },
          { name: 'submit_user_preference', arguments: { preference: 'The user flies from Bergen.' } },
        ],
      },
      { toolCalls: [{ name: 'finish', arguments: {} }] },
    );
    const flushed = await cli('tasks', 'flush', sessionId);
    expect(flushed.code, flushed.stderr).toBe(0);
    expect(flushed.stdout).toBe('1. [running] Book a flight to Oslo\n     - Agent repeated the request\n     preference: The user flies from Bergen.\n');

    const listed = await cli('tasks', 'list', sessionId, '--json');
    expect(JSON.parse(listed.stdout)).toEqual([
      { order: 1, description: 'Book a flight to Oslo', status: 'running', progresses: ['Agent repeated the request'], userPreferences: ['The user flies from Bergen.'] },
    ]);

    const tools = await cli('tools', sessionId, '--json');
    expect(tools.code, tools.stderr).toBe(0);
    expect(JSON.parse(tools.stdout)).toEqual([]);
    expect((await cli('tools', '--workspace', 'cli-tasks')).stdout).toBe('No tool calls yet.\n');
    const both = await cli('tools', sessionId, '--workspace', 'cli-tasks');
    expect(both.code).toBe(64);
  });

  it('says how to turn extraction on when it has no key', async () => {
    const ran = await dspatch(['run', dir, '--prompt', 'hi', '--json', '--data-dir', dataDir]);
    const sessionId = String(jsonLines(ran.stdout)[0].sessionId);
    const flushed = await dspatch(['tasks', 'flush', sessionId, '--data-dir', dataDir]);
    expect(flushed.code).toBe(1);
    expect(flushed.stderr).toMatch(/^dspatch: Task extraction needs an API key: .*Settings → Tasks.*DSPATCH_TASKS_API_KEY/);
  });
});

describe('dspatch CLI: secrets', () => {
  const dataDir = scratchDir('dspatch-it-cli-secrets-');
  const dir = workspaceDir(singleAgentYaml('cli-vault', 'reporter', 'secret-env'));
  const cli = (args: string[], options: { env?: Record<string, string>; input?: string } = {}) =>
    dspatch([...args, '--data-dir', dataDir], options);
  const check = (token: string) => `check ${createHash('sha256').update(token).digest('hex')}`;

  beforeAll(async () => {
    const template = await cli(['templates', 'add', join(fixtureTemplatesDir, 'secret-env')]);
    expect(template.code, template.stderr).toBe(0);
    const added = await cli(['workspaces', 'add', dir]);
    expect(added.code, added.stderr).toBe(0);
  }, 60_000);

  it('exits with code 2 and names the key when a required secret is missing', async () => {
    const result = await cli(['run', dir, '--prompt', check('anything')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('MY_TOKEN is missing');
    expect(result.stderr).toContain("agent 'reporter'");
  });

  it("uses a required key from the CLI's own env for that run only, without storing or logging it", async () => {
    const token = `env-${randomBytes(16).toString('hex')}`;
    const result = await cli(['run', dir, '--prompt', check(token)], { env: { MY_TOKEN: token } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('MY_TOKEN matches=yes');

    // An agent that prints it: the value must not reach the stored logs.
    const printed = await cli(['run', dir, '--prompt', 'print'], { env: { MY_TOKEN: token } });
    expect(printed.code, printed.stderr).toBe(0);

    const shown = await cli(['workspaces', 'show', 'cli-vault', '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ secrets: [{ key: 'MY_TOKEN', isSet: false }] });
    expect(databaseBytes(dataDir).includes(token)).toBe(false);
    expect(readFileSync(join(dataDir, 'logs', 'host.log'), 'utf8').includes(token)).toBe(false);
    const db = new Database(join(dataDir, 'dspatch.db'), { readonly: true });
    try {
      expect(db.prepare("SELECT message FROM logs WHERE source = 'agent'").all()).toContainEqual({
        message: 'agent log token [redacted]',
      });
    } finally {
      db.close();
    }

    const without = await cli(['run', dir, '--prompt', check(token)]);
    expect(without.code).toBe(2);
  });

  it('stores a secret read from stdin without printing it, and runs with it', async () => {
    const token = `stdin-${randomBytes(16).toString('hex')}`;
    const set = await cli(['secrets', 'set', 'cli-vault', 'MY_TOKEN'], { input: `${token}\n` });
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe("Stored MY_TOKEN for workspace 'cli-vault'.\n");
    expect(set.stdout + set.stderr).not.toContain(token);

    const shown = await cli(['workspaces', 'show', 'cli-vault', '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      secrets: [{ key: 'MY_TOKEN', isSet: true, hint: token.slice(-4) }],
    });

    const result = await cli(['run', dir, '--prompt', check(token)]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('MY_TOKEN matches=yes');
    expect(result.stdout).not.toContain(token);
    expect(databaseBytes(dataDir).includes(token)).toBe(false);
  });

  it('refuses an empty value on stdin', async () => {
    const result = await cli(['secrets', 'set', 'cli-vault', 'MY_TOKEN'], { input: '' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('No value was given on standard input');
  });
});

describe('dspatch CLI: serve', () => {
  it('exits non-zero when the port is busy, saying so', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await dspatch(['serve', '--port', String(port), '--data-dir', scratchDir()]);
      expect(result.code).not.toBe(0);
      if (existsSync(join(repoRoot, 'out', 'renderer', 'index.html'))) {
        expect(result.stderr).toContain(
          `Port ${port} on 127.0.0.1 is already in use. Pick another with --port`,
        );
      } else {
        // Without a built renderer, serve stops before it listens, and says how to build it.
        expect(result.stderr).toMatch(/renderer is not built.*npm run build/);
      }
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('rejects a port that is not a number', async () => {
    const result = await dspatch(['serve', '--port', 'eighty', '--data-dir', scratchDir()]);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('--port must be a number');
  });
});
