// The `dspatch` command: browser mode (`serve`), a one-shot conversation (`run`), and the read and
// admin commands. Every command builds the same Electron-free host the desktop app uses.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { HostEvent } from './api/contract';
import type { SessionChange, TimelineEntry } from './api/types';
import { HostError } from './host/errors';
import { createHost, type Host } from './host/host';
import { FileCipher } from './serve/file-cipher';
import { ForkSpawner } from './serve/fork-spawner';
import { startWebServer } from './serve/web-server';

const APP_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const VERSION = (JSON.parse(readFileSync(join(APP_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Exit codes: 0 done, 1 failure, 2 a required secret is missing, 64 bad usage. */
const EXIT = { ok: 0, failed: 1, missingSecret: 2, usage: 64 } as const;

const HELP = `dspatch ${VERSION} — a workspace for AI agents

Usage:
  dspatch serve [--port N] [--host ADDR]          Browser mode: serve the app, print the URL to open
  dspatch run DIR --prompt TEXT [--agent KEY] [--json]
                                                  Launch the workspace in DIR, send TEXT, stream the reply
  dspatch workspaces add DIR | list | show WS | remove WS
  dspatch sessions list [--workspace WS] | show ID
  dspatch templates list | add DIR | remove NAME
  dspatch secrets set WS KEY                      Store a secret read from standard input

Options:
  --data-dir DIR   Where dspatch keeps its database and keys (default: ${defaultDataDir()})
  --json           Machine-readable output (run, and the list/show commands)
  -h, --help       This help
  -v, --version    The version

WS is a workspace name or id. Secrets are never taken from arguments.`;

class UsageError extends Error {}

function defaultDataDir(): string {
  if (process.env.DSPATCH_DATA_DIR) return resolve(process.env.DSPATCH_DATA_DIR);
  // The same folder Electron's app.getPath('userData') gives the desktop app.
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'dspatch');
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'dspatch');
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'dspatch');
}

async function openHost(dataDir: string): Promise<Host> {
  return createHost({
    dataDir,
    appRoot: APP_ROOT,
    mode: 'browser',
    spawner: new ForkSpawner(),
    cipher: new FileCipher(dataDir, { log: { warn: (message: string) => process.stderr.write(`warning: ${message}\n`) } }),
    version: VERSION,
  });
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      prompt: { type: 'string' },
      agent: { type: 'string' },
      workspace: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  if (values.version) return print(VERSION), EXIT.ok;
  const [command, sub, ...rest] = positionals;
  if (values.help || !command) return print(HELP), EXIT.ok;
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  const json = values.json ?? false;

  switch (command) {
    case 'serve':
      return serve(dataDir, values.host ?? '127.0.0.1', parsePort(values.port ?? '7450'));
    case 'run': {
      if (!sub) throw new UsageError('dspatch run needs a workspace directory: dspatch run DIR --prompt TEXT');
      if (values.prompt === undefined || values.prompt === '') throw new UsageError('dspatch run needs --prompt TEXT');
      return run(dataDir, sub, values.prompt, values.agent, json);
    }
    case 'workspaces':
      return withHost(dataDir, (host) => workspacesCommand(host, sub, rest, json));
    case 'sessions':
      return withHost(dataDir, (host) => sessionsCommand(host, sub, rest, values.workspace, json));
    case 'templates':
      return withHost(dataDir, (host) => templatesCommand(host, sub, rest, json));
    case 'secrets':
      return withHost(dataDir, (host) => secretsCommand(host, sub, rest));
    default:
      throw new UsageError(`Unknown command "${command}". Run dspatch --help.`);
  }
}

async function withHost(dataDir: string, work: (host: Host) => Promise<number>): Promise<number> {
  const host = await openHost(dataDir);
  try {
    return await work(host);
  } finally {
    await host.close();
  }
}

// ── serve ─────────────────────────────────────────────────────────────────────────────────────

async function serve(dataDir: string, bindHost: string, port: number): Promise<number> {
  const host = await openHost(dataDir);
  let server;
  try {
    server = await startWebServer({ host, rendererDir: join(APP_ROOT, 'out', 'renderer'), bindHost, port });
  } catch (error) {
    await host.close();
    throw error;
  }
  const info = await host.call('app.info', {});
  print(`dspatch ${VERSION} — browser mode. Data: ${dataDir}`);
  if (!info.secrets.osProtected) print(`Note: ${info.secrets.note}`);
  if (bindHost !== '127.0.0.1' && bindHost !== 'localhost' && bindHost !== '::1') {
    print(`Warning: listening on ${bindHost}: anyone who can reach this address and has the link can use the app.`);
  }
  print('Open this URL in your browser (it contains the access token):');
  print(server.url);
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  print('Stopping…');
  await server.close();
  await host.close();
  return EXIT.ok;
}

// ── run ───────────────────────────────────────────────────────────────────────────────────────

async function run(dataDir: string, dir: string, prompt: string, agentKey: string | undefined, json: boolean): Promise<number> {
  const host = await openHost(dataDir);
  const emit = (line: Record<string, unknown>) => print(JSON.stringify(line));
  try {
    const workspace = await host.call('workspaces.add', { dir });
    const { supervisor, workspaces, writer, store } = host.services;
    // A required key that is not stored may come from this shell's environment, for this run only.
    await supervisor.start(await workspaces.plan(workspace.id, process.env), { autoStart: false });
    const detail = await host.call('workspaces.get', { workspaceId: workspace.id });
    const key = agentKey ?? detail.agents[0]?.key;
    if (!key) throw new HostError('invalid_config', `Workspace '${workspace.name}' has no agents.`);
    const session = supervisor.createSession(workspace.id, key);
    if (json) emit({ type: 'session', sessionId: session.id, workspaceId: workspace.id, agent: key });

    const kinds = new Map<string, TimelineEntry>();
    let sawWork = false;
    let turnId = '';
    const finished = new Promise<number>((resolveExit) => {
      const done = (code: number) => {
        unsubscribe();
        resolveExit(code);
      };
      const unsubscribe = host.onEvent((event: HostEvent) => {
        if (event.type === 'inquiry.updated' && event.inquiry.sessionId === session.id && event.inquiry.status === 'pending') {
          if (json) emit({ type: 'inquiry', inquiry: event.inquiry });
          else process.stderr.write(`\nThe agent asks:\n${event.inquiry.markdown}\nAnswer it in the app (dspatch serve); dspatch run cannot answer.\n`);
          done(EXIT.failed);
        }
        if (event.type !== 'session.event' || event.sessionId !== session.id) return;
        const change: SessionChange = event.change;
        if (change.type === 'state') {
          if (json) emit({ type: 'state', state: change.state });
          if (change.state === 'generating') sawWork = true;
          if (change.state === 'crashed') done(EXIT.failed);
          if (change.state === 'idle' && sawWork) {
            writer.flush();
            const errors = store.sessions
              .timeline(session.id, 1000)
              .entries.filter((entry) => entry.turnId === turnId && entry.kind === 'activity' && entry.activityKind === 'error');
            const failure = errors.map((entry) => (entry.kind === 'activity' ? String(entry.data.message ?? '') : '')).join('\n');
            if (json) emit({ type: 'turn.done', status: failure ? 'failed' : 'completed', ...(failure ? { error: failure } : {}) });
            else if (failure) process.stderr.write(`\n${failure}\n`);
            else process.stdout.write('\n');
            done(failure ? EXIT.failed : EXIT.ok);
          }
          return;
        }
        if (change.type === 'entry') {
          const known = kinds.has(change.entry.id);
          kinds.set(change.entry.id, change.entry);
          if (json) {
            const entry = change.entry;
            if (entry.kind === 'activity') return emit({ type: 'activity', entry });
            if (known) return emit({ type: 'message.done', entryId: entry.id, status: entry.status });
            emit({ type: 'message', entryId: entry.id, role: entry.role, status: entry.status });
            // Every piece of text reaches a --json reader as a delta, the first one included.
            if (entry.role === 'assistant' && entry.text) emit({ type: 'delta', entryId: entry.id, delta: entry.text });
            return;
          }
          if (!known && change.entry.kind === 'message' && change.entry.role === 'assistant') process.stdout.write(change.entry.text);
          if (!known && change.entry.kind === 'activity' && change.entry.activityKind === 'tool_call') {
            process.stderr.write(`\n[tool] ${String(change.entry.data.tool ?? '')} ${String(change.entry.data.arguments ?? '')}\n`);
          }
          return;
        }
        const entry = kinds.get(change.entryId);
        const isText = entry?.kind === 'message';
        if (json) emit({ type: isText ? 'delta' : 'activity.delta', entryId: change.entryId, delta: change.text });
        else if (isText) process.stdout.write(change.text);
      });
    });
    turnId = (await host.call('sessions.send', { sessionId: session.id, text: prompt })).turnId;
    return await finished;
  } finally {
    await host.close();
  }
}

// ── read and admin commands ───────────────────────────────────────────────────────────────────

async function findWorkspace(host: Host, nameOrId: string | undefined): Promise<{ id: string; name: string }> {
  if (!nameOrId) throw new UsageError('Name the workspace (its name or id).');
  const all = await host.call('workspaces.list', {});
  const matches = all.filter((w) => w.id === nameOrId || w.name === nameOrId);
  if (matches.length === 0) throw new HostError('not_found', `No workspace is named "${nameOrId}". See dspatch workspaces list.`);
  if (matches.length > 1) throw new HostError('conflict', `Several workspaces are named "${nameOrId}"; use the id instead.`);
  return matches[0];
}

async function workspacesCommand(host: Host, sub: string | undefined, args: string[], json: boolean): Promise<number> {
  switch (sub) {
    case 'add': {
      if (!args[0]) throw new UsageError('dspatch workspaces add DIR');
      const workspace = await host.call('workspaces.add', { dir: args[0] });
      if (json) print(JSON.stringify(workspace));
      else print(`Added workspace '${workspace.name}' (${workspace.id}) from ${workspace.dir}`);
      return EXIT.ok;
    }
    case 'list': {
      const list = await host.call('workspaces.list', {});
      if (json) print(JSON.stringify(list));
      else if (list.length === 0) print('No workspaces yet. Add one with: dspatch workspaces add DIR');
      else for (const w of list) print(`${w.id}  ${w.name}  ${w.dir}${w.configError ? '  (config error)' : ''}`);
      return EXIT.ok;
    }
    case 'show': {
      const detail = await host.call('workspaces.get', { workspaceId: (await findWorkspace(host, args[0])).id });
      if (json) return print(JSON.stringify(detail)), EXIT.ok;
      print(`${detail.name}  (${detail.id})\n  dir: ${detail.dir}`);
      if (detail.configError) print(`  config error:\n    ${detail.configError.replaceAll('\n', '\n    ')}`);
      const walk = (nodes: typeof detail.agents, depth: number) => {
        for (const node of nodes) {
          print(`${'  '.repeat(depth + 1)}- ${node.key} (template ${node.template})${node.peers.length ? ` peers: ${node.peers.join(', ')}` : ''}`);
          walk(node.children, depth + 1);
        }
      };
      print('  agents:');
      walk(detail.agents, 1);
      print('  secrets:');
      for (const s of detail.secrets) print(`    ${s.key}: ${s.isSet ? `set${s.hint ? ` (…${s.hint})` : ''}` : 'NOT SET'}${s.requiredBy.length ? `  needed by ${s.requiredBy.join(', ')}` : ''}`);
      return EXIT.ok;
    }
    case 'remove': {
      const workspace = await findWorkspace(host, args[0]);
      await host.call('workspaces.remove', { workspaceId: workspace.id });
      print(`Removed workspace '${workspace.name}' (its folder and files are untouched).`);
      return EXIT.ok;
    }
    default:
      throw new UsageError('dspatch workspaces add DIR | list | show WS | remove WS');
  }
}

async function sessionsCommand(host: Host, sub: string | undefined, args: string[], workspace: string | undefined, json: boolean): Promise<number> {
  switch (sub) {
    case 'list': {
      const workspaces = workspace ? [await findWorkspace(host, workspace)] : await host.call('workspaces.list', {});
      const sessions = (await Promise.all(workspaces.map((w) => host.call('sessions.list', { workspaceId: w.id })))).flat();
      if (json) print(JSON.stringify(sessions));
      else if (sessions.length === 0) print('No conversations yet.');
      else for (const s of sessions) print(`${s.id}  ${s.agentKey}  ${s.state}  ${new Date(s.updatedAt).toISOString()}  ${s.title}`);
      return EXIT.ok;
    }
    case 'show': {
      if (!args[0]) throw new UsageError('dspatch sessions show ID');
      const session = host.services.sessions.get(args[0]);
      const messages = host.services.store.sessions.chatMessages(session.id);
      if (json) return print(JSON.stringify({ session, messages })), EXIT.ok;
      print(`${session.title || '(untitled)'} — ${session.agentKey}, ${session.state}`);
      for (const m of messages) {
        if (m.tool_calls) for (const call of m.tool_calls) print(`\n[tool call ${call.function.name}] ${call.function.arguments}`);
        else print(`\n${m.role === 'tool' ? `[tool result ${m.tool_call_id}]` : `${m.name ?? m.role}:`} ${m.content ?? ''}`);
      }
      return EXIT.ok;
    }
    default:
      throw new UsageError('dspatch sessions list [--workspace WS] | show ID');
  }
}

async function templatesCommand(host: Host, sub: string | undefined, args: string[], json: boolean): Promise<number> {
  switch (sub) {
    case 'list': {
      const templates = await host.call('templates.list', {});
      if (json) return print(JSON.stringify(templates)), EXIT.ok;
      for (const t of templates) {
        print(`${t.name}${t.builtIn ? ' (built in)' : ''} — ${t.error ? `INVALID: ${t.error.split('\n')[0]}` : t.description}`);
        if (t.requiredEnv.length) print(`    requires: ${t.requiredEnv.join(', ')}`);
      }
      return EXIT.ok;
    }
    case 'add': {
      if (!args[0]) throw new UsageError('dspatch templates add DIR');
      const template = await host.call('templates.add', { dir: args[0] });
      print(json ? JSON.stringify(template) : `Added template '${template.name}' from ${template.dir}`);
      return EXIT.ok;
    }
    case 'remove': {
      if (!args[0]) throw new UsageError('dspatch templates remove NAME');
      await host.call('templates.remove', { name: args[0] });
      print(`Removed template '${args[0]}'.`);
      return EXIT.ok;
    }
    default:
      throw new UsageError('dspatch templates list | add DIR | remove NAME');
  }
}

async function secretsCommand(host: Host, sub: string | undefined, args: string[]): Promise<number> {
  if (sub !== 'set' || !args[0] || !args[1]) throw new UsageError('dspatch secrets set WS KEY  (the value is read from standard input)');
  const workspace = await findWorkspace(host, args[0]);
  if (process.stdin.isTTY) process.stderr.write(`Value for ${args[1]} (input is not echoed to any log; end with Enter): `);
  const value = (await readStdin()).replace(/\r?\n$/, '');
  if (!value) throw new UsageError('No value was given on standard input.');
  await host.call('secrets.set', { workspaceId: workspace.id, key: args[1], value });
  print(`Stored ${args[1]} for workspace '${workspace.name}'.`);
  return EXIT.ok;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    const { createInterface } = await import('node:readline');
    const lines = createInterface({ input: process.stdin });
    for await (const line of lines) return lines.close(), line;
    return '';
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${text}".`);
  return port;
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || (error instanceof Error && 'code' in error && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`dspatch: ${error.message}\n`);
      process.exit(EXIT.usage);
    }
    if (error instanceof HostError) {
      process.stderr.write(`dspatch: ${error.message}\n`);
      process.exit(error.code === 'missing_secret' ? EXIT.missingSecret : EXIT.failed);
    }
    process.stderr.write(`dspatch: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(EXIT.failed);
  },
);

