// One host per data folder (ARCHITECTURE §2), and a data folder no other user can read. Real
// processes throughout: `dspatch serve` and the CLI are the built command (`npm run build` first, as
// for test/integration/cli.test.ts), the hosts in this process are real hosts on real SQLite files.
//   - a second host is refused, naming the first; the CLI goes through the running host instead;
//   - the lock is never stale: not after a reboot (a leftover file naming a live pid), not after SIGKILL;
//   - every file and folder the host writes is private to the user;
//   - an empty XDG_CONFIG_HOME does not put the data folder in the working directory.
import Database from 'better-sqlite3';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { HostEvent } from '../../../electron/api/contract';
import { connectToHost, type RemoteHost } from '../../../electron/serve/control-client';
import { controlEndpoint } from '../../../electron/serve/host-socket';
import { cleanupHarness, scratchDir, singleAgentYaml, startHost, WAIT_MS, workspaceDir } from '../../helpers/host-harness';
import { dspatch, jsonLines, killServers, serveProcess } from '../../helpers/cli';
import { repoRoot } from '../../helpers/paths';


beforeAll(() => {
  for (const built of [join(repoRoot, 'out', 'cli', 'cli.js'), join(repoRoot, 'out', 'renderer', 'index.html')]) {
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` before these tests.`);
  }
});

afterEach(killServers);

afterAll(cleanupHarness);

/** Starts `dspatch serve` on a free port; resolves once it printed its URL (it holds the folder by then). */
async function serve(dataDir: string): Promise<ChildProcess> {
  return (await serveProcess(dataDir)).child;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

/** Every file and folder under `dir` (the folder itself included) whose mode lets group or others in. */
function openToOthers(dir: string): string[] {
  const found: string[] = [];
  const visit = (path: string) => {
    const stat = lstatSync(path);
    if ((stat.mode & 0o077) !== 0) found.push(`${path} ${(stat.mode & 0o777).toString(8)}`);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dir);
  return found;
}

/** Waits for the first event that matches, from a client's event stream. */
function nextEvent(client: RemoteHost, predicate: (event: HostEvent) => boolean, what: string): Promise<HostEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`Timed out waiting for ${what}.`));
    }, WAIT_MS);
    const unsubscribe = client.onEvent((event) => {
      if (!predicate(event)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(event);
    });
  });
}

describe('one host per data folder', () => {
  it('refuses a second host on a held folder, naming the holder, and lets the next one in once it closed', async () => {
    const first = await startHost();
    await expect(startHost({ dataDir: first.dataDir })).rejects.toThrow(
      new RegExp(`The data folder .* is in use by dspatch \\(pid ${process.pid}, since .*\\); only one dspatch host`),
    );
    await first.close();
    const next = await startHost({ dataDir: first.dataDir });
    await next.close();
  });

  it('runs the CLI through a running `dspatch serve`: one writer, one conversation order', async () => {
    const dataDir = scratchDir('dspatch-it-folder-');
    const dir = workspaceDir(singleAgentYaml('through-serve', 'echo', 'echo'));
    const server = await serve(dataDir);
    const cli = (...args: string[]) => dspatch([...args, '--data-dir', dataDir]);

    // A second `serve` is refused, and says who holds the folder.
    const second = await cli('serve', '--port', '0');
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`is in use by dspatch serve (pid ${server.pid}, since `);

    // Added (and its code consented to) first, so the two runs below only write conversations.
    const added = await cli('workspaces', 'add', dir);
    expect(added.code, added.stderr).toBe(0);

    // Two runs at once, each through the serve process: had either opened the database itself, the
    // folder's lock would have refused it. Every command ends without stopping the serve host.
    const prompts = ['first of two at once', 'second of two at once'];
    const runs = await Promise.all(prompts.map((prompt) => cli('run', dir, '--prompt', prompt, '--json')));
    for (const run of runs) {
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(jsonLines(run.stdout).at(-1)).toEqual({ type: 'turn.done', status: 'completed' });
    }
    const sessionIds = runs.map((run) => String(jsonLines(run.stdout)[0].sessionId));

    const listed = await cli('sessions', 'list', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { id: string }[]).map((session) => session.id).sort()).toEqual([...sessionIds].sort());
    const shown = await cli('sessions', 'show', sessionIds[0], '--json');
    expect(JSON.parse(shown.stdout)).toMatchObject({ messages: [{ role: 'user', content: prompts[0] }, { role: 'assistant', content: prompts[0] }] });
    expect(JSON.parse(readFileSync(join(dataDir, 'host-holder.json'), 'utf8'))).toMatchObject({ pid: server.pid, command: 'dspatch serve' });
    expect(server.exitCode).toBeNull();

    // The serve process's database has both conversations, each in order, question before reply.
    const db = new Database(join(dataDir, 'dspatch.db'), { readonly: true });
    try {
      for (const [index, sessionId] of sessionIds.entries()) {
        const rows = db.prepare('SELECT role, text, position FROM messages WHERE session_id = ? ORDER BY rowid').all(sessionId) as {
          role: string;
          text: string;
          position: number;
        }[];
        expect(rows.map((row) => [row.role, row.text])).toEqual([
          ['user', prompts[index]],
          ['assistant', prompts[index]],
        ]);
        const positions = rows.map((row) => row.position);
        expect(new Set(positions).size).toBe(positions.length);
        expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      }
    } finally {
      db.close();
    }
  });

  it('opens a control socket only this user can use, and refuses a browser on it', async () => {
    const dataDir = scratchDir('dspatch-it-folder-');
    await serve(dataDir);
    const endpoint = controlEndpoint(dataDir);
    expect(lstatSync(endpoint).mode & 0o777).toBe(0o600);

    const refused = new WebSocket('ws://dspatch-host/', { createConnection: () => connect(endpoint), origin: 'http://evil.example' });
    const status = await new Promise<number | undefined>((resolve) => {
      refused.once('unexpected-response', (_request, response) => resolve(response.statusCode));
      refused.once('open', () => resolve(undefined));
      refused.once('error', () => resolve(undefined));
    });
    refused.terminate();
    expect(status).toBe(403);

    const client = await connectToHost(dataDir);
    expect(client).not.toBeNull();
    await expect(client!.call('app.info', {})).resolves.toMatchObject({ dataDir });
    await client!.close();
  });
});

/**
 * A `dspatch serve` killed with SIGKILL mid-reply: it leaves its run "running", its session
 * "generating", and its holder file, lock file and socket file behind.
 */
async function killServeMidReply(dataDir: string): Promise<{ workspaceId: string; sessionId: string }> {
  const server = await serve(dataDir);
  const client = await connectToHost(dataDir);
  if (!client) throw new Error('dspatch serve did not answer on its control socket.');
  const workspace = await client.call('workspaces.add', { dir: workspaceDir(singleAgentYaml('killed', 'echo', 'echo')) });
  const { fingerprint } = await client.call('workspaces.launchConsent', { workspaceId: workspace.id });
  await client.call('workspaces.consent', { workspaceId: workspace.id, fingerprint });
  await client.call('workspaces.launch', { workspaceId: workspace.id, autoStart: false });
  const session = await client.call('sessions.create', { workspaceId: workspace.id, agentKey: 'echo' });
  const generating = nextEvent(
    client,
    (event) => event.type === 'session.event' && event.sessionId === session.id && event.change.type === 'state' && event.change.state === 'generating',
    'the session to start generating',
  );
  await client.call('sessions.send', { sessionId: session.id, text: '/slow one word at a time, slowly' });
  await generating;
  server.kill('SIGKILL');
  await exited(server);
  await client.close();

  const db = new Database(join(dataDir, 'dspatch.db'), { readonly: true });
  try {
    expect(db.prepare('SELECT state FROM sessions WHERE id = ?').get(session.id)).toEqual({ state: 'generating' });
    expect(db.prepare('SELECT status FROM runs WHERE workspace_id = ?').all(workspace.id)).toEqual([{ status: 'running' }]);
  } finally {
    db.close();
  }
  for (const name of ['host-holder.json', 'host.lock', 'host.sock']) expect(existsSync(join(dataDir, name)), name).toBe(true);
  return { workspaceId: workspace.id, sessionId: session.id };
}

describe('the data folder lock is never stale', () => {
  it('is not blocked by a SIGKILLed host, and the next host stops what that host left running', async () => {
    const dataDir = scratchDir('dspatch-it-folder-');
    const { workspaceId, sessionId } = await killServeMidReply(dataDir);

    const next = await startHost({ dataDir });
    try {
      expect(await next.host.call('sessions.list', { workspaceId })).toEqual([expect.objectContaining({ id: sessionId, state: 'stopped' })]);
      expect(await next.host.call('workspaces.get', { workspaceId })).toMatchObject({ runStatus: 'stopped' });
    } finally {
      await next.close();
    }
  });

  it('trusts no pid: leftovers naming a live, unrelated process (a pid reused after a reboot) block nothing', async () => {
    const dataDir = scratchDir('dspatch-it-folder-');
    const { workspaceId, sessionId } = await killServeMidReply(dataDir);
    // As after a reboot: the dead host's pid now belongs to another live process, this test runner.
    writeFileSync(join(dataDir, 'host-holder.json'), JSON.stringify({ pid: process.pid, command: 'dspatch serve', since: 0 }));
    writeFileSync(join(dataDir, 'host.pid'), String(process.pid));

    const result = await dspatch(['sessions', 'list', '--json', '--data-dir', dataDir]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([expect.objectContaining({ id: sessionId, workspaceId, state: 'stopped' })]);
    const next = await startHost({ dataDir });
    await next.close();
  });
});

describe('the data folder is private', () => {
  it('holds nothing group or others can read: database, WAL, logs, key, socket', async () => {
    const dataDir = join(scratchDir('dspatch-it-folder-'), 'data');
    const dir = workspaceDir(singleAgentYaml('private', 'echo', 'echo'));
    await serve(dataDir);
    const cli = (args: string[], input?: string) => dspatch([...args, '--data-dir', dataDir], { input });
    expect((await cli(['run', dir, '--prompt', 'make some files'])).code).toBe(0);
    const stored = await cli(['secrets', 'set', 'private', 'SOME_KEY'], 'a value to encrypt\n');
    expect(stored.code, stored.stderr).toBe(0);

    for (const name of ['dspatch.db', 'dspatch.db-wal', 'dspatch.db-shm', 'logs/host.log', 'secret.key', 'host.sock', 'host.lock']) {
      expect(existsSync(join(dataDir, name)), name).toBe(true);
    }
    expect(openToOthers(dataDir)).toEqual([]);
  });

  it('narrows the modes of a data folder an earlier version left readable', async () => {
    const dataDir = scratchDir('dspatch-it-folder-');
    const first = await startHost({ dataDir });
    await first.close();
    mkdirSync(join(dataDir, 'logs'), { recursive: true });
    writeFileSync(join(dataDir, 'secret.key'), Buffer.alloc(32, 7));
    for (const name of ['', 'logs', 'logs/host.log', 'dspatch.db', 'secret.key']) chmodSync(join(dataDir, name), name === '' || name === 'logs' ? 0o755 : 0o644);
    expect(openToOthers(dataDir)).not.toEqual([]);

    const next = await startHost({ dataDir });
    try {
      // secret.key is narrowed when it is first read.
      await next.host.call('secrets.set', { workspaceId: (await next.host.call('workspaces.add', { dir: workspaceDir(singleAgentYaml('old', 'echo', 'echo')) })).id, key: 'K', value: 'v' });
      expect(openToOthers(dataDir)).toEqual([]);
    } finally {
      await next.close();
    }
  });
});

describe('the default data folder', () => {
  // The desktop app's folder is ~/.config/dspatch on Linux; macOS and Windows do not read XDG_CONFIG_HOME.
  it.runIf(process.platform === 'linux')('treats an empty XDG_CONFIG_HOME or DSPATCH_DATA_DIR as unset, never the working directory', async () => {
    const home = scratchDir('dspatch-it-home-');
    const cwd = scratchDir('dspatch-it-cwd-');
    const result = await dspatch(['workspaces', 'list'], { cwd, env: { HOME: home, XDG_CONFIG_HOME: '', DSPATCH_DATA_DIR: '' } });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(home, '.config', 'dspatch', 'dspatch.db'))).toBe(true);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
