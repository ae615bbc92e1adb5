// The `dspatch` command: browser mode (`serve`), a one-shot conversation (`run`), and the read and
// admin commands. One host per data folder (ARCHITECTURE §2): every command but `serve` first asks the
// host that holds the folder (the desktop app, `serve`) over its control socket and goes through its
// HostApi; only when none answers does it build its own Electron-free host, which takes the folder.
//
// Everything past argument parsing is imported where a command needs it: loading the host (zod
// schemas, SQLite, pino, ws, yaml) is most of a start's time, and `--version` or `--help` need none of it.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { HostClient, HostEvent, HostRequest } from './api/contract';
import type { BudgetStatus, InquirySummary, SessionChange, SessionSummary, TimelineEntry, UsageSummaryRow } from './api/types';
import { answerFromShell, answerWords, ApprovalWordError, terminalQuestion } from './cli-approvals';
import { TerminalQuestions } from './cli-question';
import { HostError } from './host/errors';
import { DAY_MS, dayToMs, sumCosts } from './store/cost';
import type { Host } from './host/host';

const APP_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const VERSION = (JSON.parse(readFileSync(join(APP_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * Exit codes: 0 done, 1 failure, 2 a required secret is missing, 3 a budget is used up, 4 `run --no-wait`
 * left a question of the agent unanswered, 64 bad usage.
 */
const EXIT = { ok: 0, failed: 1, missingSecret: 2, budgetExceeded: 3, waitingForAnswer: 4, usage: 64 } as const;

const HELP = `dspatch ${VERSION} — a workspace for AI agents

Usage:
  dspatch serve [--port N] [--host ADDR] [--public-url URL] [--new-token]
                                                  Browser mode: serve the app, print the URL to open;
                                                  URL is how other machines reach it (with --host 0.0.0.0).
                                                  The link's token stays across restarts; --new-token
                                                  replaces it (links from before stop working)
  dspatch run DIR --prompt TEXT [--agent KEY] [--session ID] [--json] [--no-wait] [--ask]
                                                  Launch the workspace in DIR, send TEXT, stream the reply.
                                                  --session ID continues that conversation of DIR's workspace.
                                                  The agent's questions are asked here when stdin and stdout
                                                  are a terminal (or with --ask: one answer a line from stdin);
                                                  otherwise (and with --json) run prints the question and waits
                                                  for dspatch inquiries answer; --no-wait exits with 4 instead
  dspatch inquiries [list] [--workspace WS] [--session ID] | answer ID TEXT|approve|reject|always
                                                  The agents' open questions; answer one (TEXT equal to one of
                                                  its suggestions picks that suggestion)
  dspatch workspaces add DIR | list | show WS | remove WS
  dspatch sessions list [--workspace WS] | show ID
  dspatch sessions export ID --format md|json [--out FILE]
                                                  A conversation as Markdown or JSON, secrets redacted;
                                                  to standard output, or written whole to FILE
  dspatch templates list | add DIR | remove NAME
  dspatch templates new NAME [DIR]                A new template folder (DIR, default ./NAME): agent.ts,
                                                  dspatch.agent.yml, README.md and a tsconfig.json for your editor
  dspatch templates check DIR                     Validate dspatch.agent.yml, type-check and bundle the
                                                  agent; problems as FILE:LINE, exit 1 if there are errors
  dspatch secrets set WS KEY                      Store a secret read from standard input
  dspatch tasks list SESSION | flush SESSION      A conversation's tasks; flush extracts pending messages now
  dspatch tools SESSION | --workspace WS          Calls, errors and durations per tool
  dspatch api-key                                 The key (sk-ac-…) for the Acontext API at /api/v1
  dspatch logs [--workspace WS] [--level LEVEL] [--session ID] [--kind K] [--limit N]
                                                  The activity feed of every session, newest last: tool calls,
                                                  reasoning, questions, talk between agents, errors, lifecycle,
                                                  tasks and log lines. LEVEL: debug|info|warn|error; K (or a
                                                  comma list): tool|reasoning|inquiry|talk|error|lifecycle|task|log
  dspatch search TEXT [--workspace WS]            Full-text search of every conversation (messages, tool
                                                  calls and results, reasoning, inquiries, tasks); TEXT is
                                                  words, not a query language; the last word may be a prefix
  dspatch usage [--since DAY] [--until DAY] [--workspace WS] [--json]
                                                  Tokens and cost per model; DAY is YYYY-MM-DD (UTC), both included;
                                                  costUsd is null in --json while a model has no price
  dspatch prices list | set MODEL --input N --cached N --output N [--from DAY] | remove MODEL [--from DAY]
                                                  The price table, USD per million tokens (check current prices)
  dspatch budgets list | set [--workspace WS] USD | remove [--workspace WS]
                                                  Monthly limits in USD (calendar month, UTC), global or per
                                                  workspace: a warning at 80 %; at 100 % new turns are refused
                                                  (run exits with 3). Calls of unpriced models are not counted
  dspatch providers list | add NAME --base-url URL [--api chat|responses] [--api-key none|KEY] [--model M]
                    | remove NAME | test NAME
                                                  OpenAI-compatible servers any workspace's agents may name
                                                  with provider: NAME (openai is built in). --api-key: none, or
                                                  the name of a saved API key; left out, agents send their
                                                  OPENAI_API_KEY. add replaces NAME; test lists its models

Options:
  --data-dir DIR   Where dspatch keeps its database and keys (default: ${defaultDataDir()})
  --json           Machine-readable output (run, and the list/show commands)
  -h, --help       This help
  -v, --version    The version

WS is a workspace name or id. Secrets are never taken from arguments.`;

class UsageError extends Error {}

function defaultDataDir(): string {
  // Empty is unset here too (`if`, not `??`); a relative one is meant, like a relative --data-dir.
  if (process.env.DSPATCH_DATA_DIR) return resolve(process.env.DSPATCH_DATA_DIR);
  // The same folder Electron's app.getPath('userData') gives the desktop app.
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'dspatch');
  if (process.platform === 'win32') return join(envPath('APPDATA') ?? join(homedir(), 'AppData', 'Roaming'), 'dspatch');
  return join(envPath('XDG_CONFIG_HOME') ?? join(homedir(), '.config'), 'dspatch');
}

/**
 * A base folder from the environment, or undefined. Empty counts as unset, and so (as the XDG spec
 * says) does a relative path: either would put the data folder in whatever the working directory is.
 */
function envPath(name: string): string | undefined {
  const value = process.env[name];
  return value && isAbsolute(value) ? value : undefined;
}

/** `command` names this process to another one refused the data folder: 'dspatch run'. */
async function openHost(dataDir: string, command: string): Promise<Host> {
  const [{ createHost }, { ForkSpawner }, { FileCipher }] = await Promise.all([
    import('./host/host'),
    import('./serve/fork-spawner'),
    import('./serve/file-cipher'),
  ]);
  return createHost({
    holder: `dspatch ${command}`,
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
      'public-url': { type: 'string' },
      'new-token': { type: 'boolean' },
      prompt: { type: 'string' },
      agent: { type: 'string' },
      workspace: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      input: { type: 'string' },
      cached: { type: 'string' },
      output: { type: 'string' },
      from: { type: 'string' },
      'base-url': { type: 'string' },
      api: { type: 'string' },
      'api-key': { type: 'string' },
      model: { type: 'string' },
      json: { type: 'boolean' },
      'no-wait': { type: 'boolean' },
      ask: { type: 'boolean' },
      format: { type: 'string' },
      level: { type: 'string' },
      session: { type: 'string' },
      kind: { type: 'string' },
      limit: { type: 'string' },
      out: { type: 'string' },
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
      return serve(dataDir, values.host ?? '127.0.0.1', parsePort(values.port ?? '7450'), values['public-url'], values['new-token'] ?? false);
    case 'run': {
      if (!sub) throw new UsageError('dspatch run needs a workspace directory: dspatch run DIR --prompt TEXT');
      if (values.prompt === undefined || values.prompt === '') throw new UsageError('dspatch run needs --prompt TEXT');
      if (rest.length) throw new UsageError(`dspatch run takes one DIR, not also "${rest[0]}" (quote a prompt with spaces: --prompt "…").`);
      const options = runOptions(values, json);
      return withRunHost(dataDir, (host, own) => run(host, sub, options, own));
    }
    case 'inquiries':
      return withHost(dataDir, command, (host) => inquiriesCommand(host, sub, rest, values, json));
    case 'workspaces':
      return withHost(dataDir, command, (host) => workspacesCommand(host, sub, rest, json));
    case 'sessions':
      return withHost(dataDir, command, (host) => sessionsCommand(host, sub, rest, values.workspace, json, values));
    case 'templates':
      // Both only touch the template folder, never the data folder: no host needed.
      if (sub === 'new' || sub === 'check') return templateFolderCommand(sub, rest, json);
      return withHost(dataDir, command, (host) => templatesCommand(host, sub, rest, json));
    case 'secrets':
      return withHost(dataDir, command, (host) => secretsCommand(host, sub, rest));
    case 'tasks':
      return withHost(dataDir, command, (host) => tasksCommand(host, sub, rest, json));
    case 'tools':
      return withHost(dataDir, command, (host) => toolsCommand(host, sub, values.workspace, json));
    case 'usage':
      return withHost(dataDir, command, (host) => usageCommand(host, sub, values, json));
    case 'prices':
      return withHost(dataDir, command, (host) => pricesCommand(host, sub, rest, values, json));
    case 'budgets':
      return withHost(dataDir, command, (host) => budgetsCommand(host, sub, rest, values.workspace, json));
    case 'providers': {
      const request = providersRequest(sub, rest, values);
      return withHost(dataDir, command, (host) => providersCommand(host, request, json));
    }
    case 'search': {
      const text = [sub, ...rest].filter(Boolean).join(' ');
      if (!text.trim()) throw new UsageError('dspatch search needs the TEXT to look for: dspatch search TEXT [--workspace WS] [--json]');
      return withHost(dataDir, command, (host) => searchCommand(host, text, values.workspace, json));
    }
    case 'logs':
      if (sub) throw new UsageError(`dspatch logs takes no "${sub}": ${LOGS_USAGE}`);
      return withHost(dataDir, command, (host) => logsCommand(host, values, json));
    case 'api-key':
      return withHost(dataDir, command, async (host) => {
        const { apiKey } = await host.call('acontext.apiKey', {});
        return print(json ? JSON.stringify({ apiKey }) : apiKey), EXIT.ok;
      });
    default:
      throw new UsageError(`Unknown command "${command}". Run dspatch --help.`);
  }
}

/** Runs `work` through the host holding `dataDir`, or through a host of its own when none answers. */
async function withHost(dataDir: string, command: string, work: (host: HostClient) => Promise<number>): Promise<number> {
  const { connectToHost } = await import('./serve/control-client');
  const host = (await connectToHost(dataDir)) ?? (await openHost(dataDir, command));
  try {
    return await work(host);
  } finally {
    await host.close();
  }
}

// ── serve ─────────────────────────────────────────────────────────────────────────────────────

async function serve(dataDir: string, bindHost: string, port: number, publicUrl: string | undefined, newToken: boolean): Promise<number> {
  const [{ startWebServer }, { startControlServer }, { accessToken }, { FileCipher }] = await Promise.all([
    import('./serve/web-server'),
    import('./serve/host-socket'),
    import('./serve/access-token'),
    import('./serve/file-cipher'),
  ]);
  const host = await openHost(dataDir, 'serve');
  let server;
  let token;
  try {
    token = await accessToken(dataDir, new FileCipher(dataDir), { rotate: newToken });
    server = await startWebServer({ host, rendererDir: join(APP_ROOT, 'out', 'renderer'), bindHost, port, publicUrl, token: token.token });
  } catch (error) {
    await host.close();
    throw error;
  }
  const control = await startControlServer(host, dataDir).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`warning: ${reason} Other dspatch commands on this data folder are refused while this one runs.\n`);
    return null;
  });
  const info = await host.call('app.info', {});
  print(`dspatch ${VERSION} — browser mode. Data: ${dataDir}`);
  if (!info.secrets.osProtected) print(`Note: ${info.secrets.note}`);
  if (server.warning) print(`Warning: ${server.warning}`);
  if (token.replaced) print(`Warning: ${token.replaced}.`);
  else if (newToken) print('A new access token was made: links from before no longer work.');
  print('Open this URL in your browser (it contains the access token; it stays the same when serve restarts):');
  print(server.url);
  print('For a new link (and to lock out the old one), restart with: dspatch serve --new-token');
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  print('Stopping…');
  await control?.close();
  await server.close();
  await host.close();
  return EXIT.ok;
}

// ── run ───────────────────────────────────────────────────────────────────────────────────────

/** How `run` meets the agent's questions: asks them here, prints them and waits for an answer from elsewhere, or exits. */
type QuestionMode = 'ask' | 'wait' | 'leave';

interface RunOptions {
  prompt: string;
  agentKey: string | undefined;
  sessionId: string | undefined;
  json: boolean;
  questions: QuestionMode;
  /** What another shell adds to `dspatch inquiries answer` to reach the same data folder. */
  dataDirArgument: string;
}

function runOptions(
  values: { prompt?: string; agent?: string; session?: string; 'no-wait'?: boolean; ask?: boolean; 'data-dir'?: string },
  json: boolean,
): RunOptions {
  if (values.ask && (json || values['no-wait'])) {
    throw new UsageError('--ask answers the agent\'s questions here; it does not go with --json or --no-wait, which print them for an answer from elsewhere.');
  }
  if (values.session === '') throw new UsageError('--session needs the id of a conversation (see dspatch sessions list --workspace WS).');
  // Asked here only when someone can type: stdin and stdout a terminal (or --ask). Otherwise the run
  // waits like --json, printing the question and the command that answers it.
  const terminal = process.stdin.isTTY === true && process.stdout.isTTY === true;
  const questions: QuestionMode = values['no-wait'] ? 'leave' : values.ask || (terminal && !json) ? 'ask' : 'wait';
  const dataDirArgument = values['data-dir'] ? ` --data-dir ${shellWord(resolve(values['data-dir']))}` : '';
  return { prompt: values.prompt ?? '', agentKey: values.agent, sessionId: values.session, json, questions, dataDirArgument };
}

function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * withHost for `run`. A host of its own opens the data folder's control socket for as long as the run
 * lasts, as serve does: `dspatch inquiries answer` from another shell then goes through this host and
 * reaches this run's agent. `own` tells `work` whether the agent stops when the command ends.
 */
async function withRunHost(dataDir: string, work: (host: HostClient, own: boolean) => Promise<number>): Promise<number> {
  const { connectToHost } = await import('./serve/control-client');
  const remote = await connectToHost(dataDir);
  if (remote) {
    try {
      return await work(remote, false);
    } finally {
      await remote.close();
    }
  }
  const host = await openHost(dataDir, 'run');
  const { startControlServer } = await import('./serve/host-socket');
  const control = await startControlServer(host, dataDir).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`warning: ${reason} Other dspatch commands on this data folder are refused while this one runs.\n`);
    return null;
  });
  try {
    return await work(host, true);
  } finally {
    await control?.close();
    await host.close();
  }
}

/** The conversation --session names, checked: it must be one of this workspace's, and of --agent's when given. */
async function continuedSession(
  host: HostClient,
  sessionId: string,
  workspace: { id: string; name: string },
  agentKey: string | undefined,
): Promise<SessionSummary> {
  let session: SessionSummary;
  try {
    session = (await host.call('sessions.open', { sessionId, limit: 1 })).session;
  } catch (error) {
    if (error instanceof HostError && (error.code === 'not_found' || error.code === 'bad_request')) {
      throw new UsageError(`No conversation has the id "${sessionId}". See dspatch sessions list --workspace ${shellWord(workspace.name)}.`);
    }
    throw error;
  }
  if (session.workspaceId !== workspace.id) {
    const owner = (await host.call('workspaces.list', {})).find((w) => w.id === session.workspaceId);
    throw new UsageError(
      `Conversation ${sessionId} belongs to ${owner ? `workspace '${owner.name}' (${owner.dir})` : 'another workspace'}, not to '${workspace.name}'; run it with that workspace's folder.`,
    );
  }
  if (agentKey !== undefined && agentKey !== session.agentKey) {
    throw new UsageError(`Conversation ${sessionId} is with agent '${session.agentKey}', not '${agentKey}'; leave out --agent to continue it.`);
  }
  if (session.state === 'waiting_for_inquiry') {
    const asked = (await host.call('inquiries.list', { status: 'pending' })).find((inquiry) => inquiry.sessionId === sessionId);
    const how = asked ? `dspatch inquiries answer ${asked.id} ${answerWords(asked)}` : 'dspatch inquiries';
    throw new HostError('conflict', `The agent in conversation ${sessionId} is waiting for an answer to its question; answer it first (${how}).`);
  }
  return session;
}

async function run(host: HostClient, dir: string, options: RunOptions, ownHost: boolean): Promise<number> {
  const { json } = options;
  const emit = (line: Record<string, unknown>) => print(JSON.stringify(line));
  const workspace = await host.call('workspaces.add', { dir });
  const continued = options.sessionId === undefined ? null : await continuedSession(host, options.sessionId, workspace, options.agentKey);
  await consentByArgument(host, workspace.id);
  const detail = await host.call('workspaces.get', { workspaceId: workspace.id });
  const key = continued?.agentKey ?? options.agentKey ?? detail.agents[0]?.key;
  if (!key) throw new HostError('invalid_config', `Workspace '${workspace.name}' has no agents.`);
  // A required key may come from this shell's environment, for this launch only: one that is not
  // stored, or one stored where this host cannot decrypt it (saved by the desktop app's OS keychain);
  // a stored one that decrypts wins. Only those keys leave this process, never the rest of its environment.
  const env: Record<string, string> = {};
  for (const secret of detail.secrets) {
    const value = process.env[secret.key];
    if (value) env[secret.key] = value;
  }
  // Through a running app, the workspace stays running there when this command ends (another command
  // or the user may be using it); a host of this command's own stops it on close.
  await host.call('workspaces.launch', { workspaceId: workspace.id, autoStart: false, env });
  const session = continued ?? (await host.call('sessions.create', { workspaceId: workspace.id, agentKey: key }));
  if (json) emit({ type: 'session', sessionId: session.id, workspaceId: workspace.id, agent: key });

  const kinds = new Map<string, TimelineEntry>();
  let sawWork = false;
  let turnId = '';
  let questions: TerminalQuestions | null = null;
  /** The questions being asked here, to give up when they are answered elsewhere. */
  const asking = new Map<string, AbortController>();
  const seenInquiries = new Set<string>();
  const answerCommand = (inquiry: InquirySummary) => `dspatch inquiries answer ${inquiry.id} ${answerWords(inquiry)}${options.dataDirArgument}`;
  const finished = new Promise<number>((resolveExit, rejectExit) => {
    const done = (outcome: number | Error) => {
      unsubscribe();
      unwatch?.();
      for (const controller of asking.values()) controller.abort();
      questions?.close();
      if (outcome instanceof Error) rejectExit(outcome);
      else resolveExit(outcome);
    };
    const unwatch = host.onConnectionChange?.((connected) => {
      if (!connected) done(new HostError('not_running', 'The dspatch host serving this data folder stopped during the run.'));
    });
    const finishTurn = async () => {
      const { entries } = await host.call('sessions.open', { sessionId: session.id, limit: 1000 });
      const errors = entries.filter((entry) => entry.turnId === turnId && entry.kind === 'activity' && entry.activityKind === 'error');
      const failure = errors.map((entry) => (entry.kind === 'activity' ? String(entry.data.message ?? '') : '')).join('\n');
      if (json) emit({ type: 'turn.done', status: failure ? 'failed' : 'completed', ...(failure ? { error: failure } : {}) });
      else if (failure) process.stderr.write(`\n${failure}\n`);
      else process.stdout.write('\n');
      return failure ? EXIT.failed : EXIT.ok;
    };
    const askHere = async (inquiry: InquirySummary) => {
      const controller = new AbortController();
      asking.set(inquiry.id, controller);
      questions ??= new TerminalQuestions(process.stdin, process.stdout);
      const answer = await questions.ask(terminalQuestion(inquiry), controller.signal);
      asking.delete(inquiry.id);
      if (controller.signal.aborted) return;
      if (!answer) {
        process.stderr.write(`No answer typed. Answer it from another shell: ${answerCommand(inquiry)}\n`);
        return;
      }
      await answerFromShell(host, inquiry, answer.text, answer.suggestionIndex).catch((error: unknown) => {
        process.stderr.write(`dspatch: ${error instanceof Error ? error.message : String(error)}\n`);
      });
    };
    const onInquiry = (inquiry: InquirySummary) => {
      if (inquiry.status !== 'pending') {
        const wasAskedHere = asking.get(inquiry.id);
        wasAskedHere?.abort();
        if (json) emit({ type: `inquiry.${inquiry.status}`, inquiry });
        else if (wasAskedHere || options.questions !== 'ask') {
          process.stderr.write(inquiry.status === 'answered' ? `Answered: ${printable(inquiry.responseText ?? '')}\n` : 'The question was cancelled.\n');
        }
        return;
      }
      if (seenInquiries.has(inquiry.id)) return;
      seenInquiries.add(inquiry.id);
      if (json) emit({ type: 'inquiry', inquiry });
      if (options.questions === 'ask') {
        askHere(inquiry).catch((error: unknown) => done(error instanceof Error ? error : new Error(String(error))));
        return;
      }
      // With --no-wait, a host of this command's own stops the agent when the command ends, and with it the question.
      const answerLater = options.questions === 'wait' || !ownHost;
      if (!json) {
        const question = terminalQuestion(inquiry);
        const lines = ['', `The agent asks (inquiry ${inquiry.id}):`, ...question.markdown.split('\n').map((line) => `  ${printable(line)}`)];
        question.suggestions.forEach((suggestion, index) => lines.push(`  ${index + 1}. ${printable(suggestion)}`));
        if (options.questions === 'wait') lines.push(`Waiting for the answer. From another shell: ${answerCommand(inquiry)}`);
        else if (answerLater) lines.push(`Not waiting (--no-wait). Answer it with: ${answerCommand(inquiry)}`);
        else {
          lines.push(
            'Not waiting (--no-wait). No dspatch serve or app holds this data folder, so the agent stops with this command and its question is cancelled.',
            `Continue the conversation with: dspatch run ${shellWord(dir)} --session ${session.id} --prompt ANSWER${options.dataDirArgument}`,
          );
        }
        process.stderr.write(`${lines.join('\n')}\n`);
      }
      if (options.questions !== 'leave') return;
      if (json) emit({ type: 'turn.waiting', sessionId: session.id, inquiryId: inquiry.id, answerLater });
      done(EXIT.waitingForAnswer);
    };
    const unsubscribe = host.onEvent((event: HostEvent) => {
      if (event.type === 'inquiry.updated' && event.inquiry.sessionId === session.id) return onInquiry(event.inquiry);
      if (event.type !== 'session.event' || event.sessionId !== session.id) return;
      const change: SessionChange = event.change;
      if (change.type === 'state') {
        if (json) emit({ type: 'state', state: change.state });
        if (change.state === 'generating') sawWork = true;
        if (change.state === 'crashed') done(EXIT.failed);
        if (change.state === 'idle' && sawWork) finishTurn().then(done, done);
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
      // A run sends no retry or edit of its own, so nothing it printed is ever taken back.
      if (change.type === 'removed') return;
      const entry = kinds.get(change.entryId);
      const isText = entry?.kind === 'message';
      if (json) emit({ type: isText ? 'delta' : 'activity.delta', entryId: change.entryId, delta: change.text });
      else if (isText) process.stdout.write(change.text);
    });
  });
  try {
    turnId = (await host.call('sessions.send', { sessionId: session.id, text: options.prompt })).turnId;
  } catch (error) {
    // A refused prompt (a used-up budget) would leave an empty conversation behind.
    if (!continued && error instanceof HostError && error.code === 'budget_exceeded') await host.call('sessions.delete', { sessionId: session.id }).catch(() => undefined);
    throw error;
  }
  return await finished;
}

/** `dspatch inquiries`: the agents' open questions, and answering one from a shell (a waiting `run`, or the app's). */
async function inquiriesCommand(
  host: HostClient,
  sub: string | undefined,
  args: string[],
  options: { workspace?: string; session?: string },
  json: boolean,
): Promise<number> {
  const usage = 'dspatch inquiries [list] [--workspace WS] [--session ID] [--json] | answer ID TEXT|approve|reject|always';
  if (sub === undefined || sub === 'list') {
    if (args.length) throw new UsageError(usage);
    const workspaceId = options.workspace ? (await findWorkspace(host, options.workspace)).id : undefined;
    const pending = (await host.call('inquiries.list', { status: 'pending' })).filter(
      (inquiry) => (!workspaceId || inquiry.workspaceId === workspaceId) && (!options.session || inquiry.sessionId === options.session),
    );
    if (json) return print(JSON.stringify(pending)), EXIT.ok;
    if (pending.length === 0) return print('No open questions.'), EXIT.ok;
    for (const inquiry of pending) {
      print(`${inquiry.id}  ${inquiry.agentKey} (session ${inquiry.sessionId}), ${new Date(inquiry.createdAt).toISOString()}`);
      const question = terminalQuestion(inquiry);
      for (const line of question.markdown.split('\n')) print(`  ${printable(line)}`);
      question.suggestions.forEach((suggestion, index) => print(`  ${index + 1}. ${printable(suggestion)}`));
    }
    return EXIT.ok;
  }
  if (sub !== 'answer') throw new UsageError(usage);
  const [inquiryId, ...words] = args;
  const text = words.join(' ');
  if (!inquiryId || !text.trim()) throw new UsageError('dspatch inquiries answer ID TEXT (the id is in dspatch inquiries, or in run\'s output)');
  const inquiry = (await host.call('inquiries.list', { status: 'all' })).find((candidate) => candidate.id === inquiryId);
  if (!inquiry) throw new UsageError(`No question has the id "${inquiryId}". See dspatch inquiries.`);
  const index = inquiry.suggestions.indexOf(text);
  try {
    await answerFromShell(host, inquiry, text, index >= 0 ? index : undefined);
  } catch (error) {
    if (error instanceof ApprovalWordError) throw new UsageError(error.message);
    throw error;
  }
  if (json) return print(JSON.stringify({ ok: true, inquiryId, text })), EXIT.ok;
  print(`Answered ${inquiryId}.`);
  return EXIT.ok;
}

// ── read and admin commands ───────────────────────────────────────────────────────────────────

async function findWorkspace(host: HostClient, nameOrId: string | undefined): Promise<{ id: string; name: string }> {
  if (!nameOrId) throw new UsageError('Name the workspace (its name or id).');
  const all = await host.call('workspaces.list', {});
  const matches = all.filter((w) => w.id === nameOrId || w.name === nameOrId);
  if (matches.length === 0) throw new HostError('not_found', `No workspace is named "${nameOrId}". See dspatch workspaces list.`);
  if (matches.length > 1) throw new HostError('conflict', `Several workspaces are named "${nameOrId}"; use the id instead.`);
  return matches[0];
}

/**
 * Naming a workspace folder on the command line is the user's consent to what the GUI would ask
 * about (its code, where its secrets go): say it in one line on stderr, then record it.
 */
async function consentByArgument(host: HostClient, workspaceId: string): Promise<void> {
  const consent = await host.call('workspaces.launchConsent', { workspaceId });
  if (consent.items.length === 0) return;
  process.stderr.write(`dspatch: ${consent.summary} Naming the folder here is your consent.\n`);
  await host.call('workspaces.consent', { workspaceId, fingerprint: consent.fingerprint });
}

async function workspacesCommand(host: HostClient, sub: string | undefined, args: string[], json: boolean): Promise<number> {
  switch (sub) {
    case 'add': {
      if (!args[0]) throw new UsageError('dspatch workspaces add DIR');
      const workspace = await host.call('workspaces.add', { dir: args[0] });
      await consentByArgument(host, workspace.id);
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

async function sessionsCommand(
  host: HostClient,
  sub: string | undefined,
  args: string[],
  workspace: string | undefined,
  json: boolean,
  options: { format?: string; out?: string },
): Promise<number> {
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
      const { session, messages } = await host.call('sessions.messages', { sessionId: args[0] });
      if (json) return print(JSON.stringify({ session, messages })), EXIT.ok;
      print(`${session.title || '(untitled)'} — ${session.agentKey}, ${session.state}`);
      for (const m of messages) {
        if (m.tool_calls) for (const call of m.tool_calls) print(`\n[tool call ${call.function.name}] ${call.function.arguments}`);
        else print(`\n${m.role === 'tool' ? `[tool result ${m.tool_call_id}]` : `${m.name ?? m.role}:`} ${m.content ?? ''}`);
      }
      return EXIT.ok;
    }
    case 'export':
      return exportSession(host, args, options);
    default:
      throw new UsageError('dspatch sessions list [--workspace WS] | show ID | export ID --format md|json [--out FILE]');
  }
}

/**
 * The export comes a page at a time (each fits one frame of the control socket). Standard output gets
 * each page as it comes; a file is written whole at the end, or not at all.
 */
async function exportSession(host: HostClient, args: string[], options: { format?: string; out?: string }): Promise<number> {
  const usage = 'dspatch sessions export ID --format md|json [--out FILE]';
  if (!args[0] || args.length > 1) throw new UsageError(usage);
  const format = options.format;
  if (format !== 'md' && format !== 'json') {
    throw new UsageError(`--format must be md or json${format === undefined ? '' : `, not "${format}"`}: ${usage}`);
  }
  const request = { sessionId: args[0], format: format as 'md' | 'json' };
  const pages: string[] = [];
  let page = await host.call('sessions.export', request);
  for (;;) {
    if (options.out === undefined) process.stdout.write(page.content);
    else pages.push(page.content);
    if (page.nextOffset === null || page.exportId === null) break;
    page = await host.call('sessions.export', { ...request, exportId: page.exportId, offset: page.nextOffset });
  }
  if (options.out !== undefined) {
    const { writeExportFile } = await import('./host/session-export');
    const path = resolve(options.out);
    await writeExportFile(path, pages.join(''));
    process.stderr.write(`Exported to ${path}\n`);
  }
  return EXIT.ok;
}

async function templatesCommand(host: HostClient, sub: string | undefined, args: string[], json: boolean): Promise<number> {
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
      // Naming the folder is the consent; stderr keeps --json output clean.
      const template = await host.call('templates.add', { dir: args[0], confirm: true });
      const { templateCodeNotice } = await import('./host/launch-consent');
      process.stderr.write(`dspatch: ${templateCodeNotice(template.dir)} Naming it here is your consent.\n`);
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

async function templateFolderCommand(sub: 'new' | 'check', args: string[], json: boolean): Promise<number> {
  const sdk = { agentsDir: join(APP_ROOT, 'agents'), nodeModulesDir: join(APP_ROOT, 'node_modules') };
  if (sub === 'new') {
    if (!args[0] || args.length > 2) throw new UsageError('dspatch templates new NAME [DIR]');
    const { scaffoldTemplate } = await import('./host/template-scaffold');
    const result = scaffoldTemplate(args[0], resolve(args[1] ?? args[0]), sdk);
    if (json) return print(JSON.stringify(result)), EXIT.ok;
    print(`Created template '${result.name}' in ${result.dir}: ${result.files.join(', ')}`);
    print(`Next: dspatch templates check ${result.dir} && dspatch templates add ${result.dir}`);
    return EXIT.ok;
  }
  if (args.length !== 1) throw new UsageError('dspatch templates check DIR');
  const { checkTemplate, formatProblem } = await import('./host/template-check');
  const result = await checkTemplate(args[0], sdk);
  if (json) return print(JSON.stringify(result)), result.ok ? EXIT.ok : EXIT.failed;
  if (result.typesSkipped) process.stderr.write(`dspatch: ${result.typesSkipped}\n`);
  for (const problem of result.problems) print(formatProblem(problem));
  const errors = result.problems.filter((p) => p.severity === 'error').length;
  print(result.ok ? `${result.dir}: OK${result.problems.length ? ' (with warnings)' : ''}` : `${result.dir}: ${errors} error${errors === 1 ? '' : 's'}`);
  return result.ok ? EXIT.ok : EXIT.failed;
}

async function secretsCommand(host: HostClient, sub: string | undefined, args: string[]): Promise<number> {
  if (sub !== 'set' || !args[0] || !args[1]) throw new UsageError('dspatch secrets set WS KEY  (the value is read from standard input)');
  const workspace = await findWorkspace(host, args[0]);
  if (process.stdin.isTTY) process.stderr.write(`Value for ${args[1]} (input is not echoed to any log; end with Enter): `);
  const value = (await readStdin()).replace(/\r?\n$/, '');
  if (!value) throw new UsageError('No value was given on standard input.');
  await host.call('secrets.set', { workspaceId: workspace.id, key: args[1], value });
  print(`Stored ${args[1]} for workspace '${workspace.name}'.`);
  return EXIT.ok;
}

async function tasksCommand(host: HostClient, sub: string | undefined, args: string[], json: boolean): Promise<number> {
  const sessionId = args[0];
  if ((sub !== 'list' && sub !== 'flush') || !sessionId) throw new UsageError('dspatch tasks list SESSION | flush SESSION');
  const board = await host.call(sub === 'flush' ? 'tasks.flush' : 'tasks.board', { sessionId });
  if (json) {
    const tasks = board.tasks.map((task) => ({ order: task.order, description: task.description, status: task.status, progresses: task.progresses, userPreferences: task.userPreferences }));
    return print(JSON.stringify(tasks)), EXIT.ok;
  }
  if (board.tasks.length === 0) print('No tasks yet.');
  for (const task of board.tasks) {
    print(`${task.order}. [${task.status}] ${task.description}`);
    for (const progress of task.progresses) print(`     - ${progress}`);
    for (const preference of task.userPreferences) print(`     preference: ${preference}`);
  }
  const { pending, failed } = board.messages;
  if (pending || failed) print(`${pending} messages waiting${failed ? `, ${failed} failed${board.lastError ? ` (${board.lastError})` : ''}` : ''}.`);
  if (sub === 'list' && pending) print(`Run dspatch tasks flush ${sessionId} to extract them now.`);
  return EXIT.ok;
}

async function toolsCommand(host: HostClient, sessionId: string | undefined, workspace: string | undefined, json: boolean): Promise<number> {
  // Exactly one of the two.
  if (Boolean(sessionId) === Boolean(workspace)) throw new UsageError('dspatch tools SESSION | --workspace WS');
  const stats = await host.call('tools.stats', sessionId ? { sessionId } : { workspaceId: (await findWorkspace(host, workspace)).id });
  if (json) return print(JSON.stringify(stats)), EXIT.ok;
  if (stats.length === 0) return print('No tool calls yet.'), EXIT.ok;
  const ms = (value: number | null) => (value === null ? '–' : `${value} ms`);
  for (const tool of stats) {
    print(`${tool.tool}: ${tool.calls} calls, ${tool.errors} errors (${Math.round(tool.errorRate * 100)}%), p50 ${ms(tool.p50Ms)}, p95 ${ms(tool.p95Ms)}`);
    if (tool.lastError) print(`    last error (${new Date(tool.lastError.at).toISOString()}, session ${tool.lastError.sessionId}): ${tool.lastError.message.split('\n')[0]}`);
  }
  return EXIT.ok;
}

/** With --json, one array of hits; otherwise the hits under their conversation, matches in bold on a terminal. */
async function searchCommand(host: HostClient, text: string, workspace: string | undefined, json: boolean): Promise<number> {
  const workspaceId = workspace ? (await findWorkspace(host, workspace)).id : undefined;
  const groups = await host.call('search.query', { query: text, workspaceId });
  if (json) {
    const hits = groups.flatMap(({ hits, ...group }) => hits.map(({ id, entryId, ...hit }) => ({ ...group, messageId: entryId, id, ...hit })));
    return print(JSON.stringify(hits)), EXIT.ok;
  }
  if (groups.length === 0) return print(`Nothing found for "${text}".`), EXIT.ok;
  const bold = process.stdout.isTTY ? (word: string) => `\x1b[1m${word}\x1b[22m` : (word: string) => word;
  for (const group of groups) {
    print(printable(`${group.title || '(untitled)'} — ${group.agentKey} in ${group.workspaceName}  (dspatch sessions show ${group.sessionId})`));
    for (const hit of group.hits) {
      const snippet = printable(hit.snippet);
      let line = '';
      let at = 0;
      for (const [start, end] of hit.marks) {
        line += snippet.slice(at, start) + bold(snippet.slice(start, end));
        at = end;
      }
      print(`  [${hit.kind}] ${line + snippet.slice(at)}`);
    }
  }
  return EXIT.ok;
}

/** Stored text comes from agents: its control characters must not drive the terminal. One for one, so offsets hold. */
function printable(text: string): string {
  return text.replace(/\p{Cc}/gu, ' ');
}

const LOGS_USAGE = 'dspatch logs [--workspace WS] [--level debug|info|warn|error] [--session ID] [--kind K[,K…]] [--limit N] [--json]';

/** The Activity feed (activity.feed) read back to front, so the newest line is the last one, as in a log. */
async function logsCommand(
  host: HostClient,
  options: { workspace?: string; level?: string; session?: string; kind?: string; limit?: string },
  json: boolean,
): Promise<number> {
  const { FEED_KINDS } = await import('./api/contract');
  const levels = ['debug', 'info', 'warn', 'error'] as const;
  const level = levels.find((name) => name === options.level);
  if (options.level !== undefined && !level) throw new UsageError(`--level must be one of ${levels.join(', ')}, not "${options.level}". ${LOGS_USAGE}`);
  const kinds = options.kind?.split(',').map((kind) => kind.trim());
  const unknown = kinds?.find((kind) => !(FEED_KINDS as readonly string[]).includes(kind));
  if (unknown !== undefined) throw new UsageError(`--kind must be one of ${FEED_KINDS.join(', ')}, not "${unknown}".`);
  const limit = options.limit === undefined ? 200 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`--limit must be a whole number from 1 to 1000, not "${options.limit}".`);
  const workspaceId = options.workspace ? (await findWorkspace(host, options.workspace)).id : undefined;
  const { items } = await host.call('activity.feed', {
    workspaceId,
    sessionId: options.session,
    level,
    kinds: kinds as (typeof FEED_KINDS)[number][] | undefined,
    limit,
  });
  const oldestFirst = [...items].reverse();
  if (json) {
    for (const item of oldestFirst) print(JSON.stringify(item));
    return EXIT.ok;
  }
  if (items.length === 0) return print('No activity matches.'), EXIT.ok;
  for (const item of oldestFirst) {
    const who = item.agentKey ?? 'dspatch';
    const text = item.text.replace(/\s+/g, ' ').slice(0, 200);
    const detail = item.kind === 'tool' && item.status !== 'ok' ? ` [${item.status}]` : '';
    print(`${new Date(item.createdAt).toISOString()} ${item.level.toUpperCase().padEnd(5)} ${item.kind.padEnd(9)} ${who}: ${item.title}${detail}${text ? ` — ${text}` : ''}`);
  }
  return EXIT.ok;
}

async function usageCommand(
  host: HostClient,
  extra: string | undefined,
  options: { since?: string; until?: string; workspace?: string },
  json: boolean,
): Promise<number> {
  if (extra) throw new UsageError('dspatch usage [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--workspace WS]');
  const since = options.since === undefined ? undefined : parseDay('--since', options.since);
  // --until names the last day counted; the host's bound is exclusive.
  const until = options.until === undefined ? undefined : parseDay('--until', options.until) + DAY_MS;
  if (since !== undefined && until !== undefined && since >= until) throw new UsageError('--since must not be later than --until.');
  const workspaceId = options.workspace ? (await findWorkspace(host, options.workspace)).id : undefined;
  const summary = await host.call('usage.summary', { workspaceId, since, until });
  // The host counts agents and task extraction apart; here a model is one row.
  const models = new Map<string, UsageSummaryRow & { costs: (number | null)[] }>();
  for (const row of summary.byModel) {
    const entry = models.get(row.model) ?? { model: row.model, requests: 0, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0, costUsd: null, costs: [] };
    for (const key of ['requests', 'inputTokens', 'cachedInputTokens', 'outputTokens', 'reasoningTokens'] as const) entry[key] += row[key];
    entry.costs.push(row.costUsd);
    models.set(row.model, entry);
  }
  const byModel = [...models.values()].map(({ costs, ...row }) => ({ ...row, costUsd: sumCosts(costs) }));
  const unpriced = byModel.filter((row) => row.costUsd === null).map((row) => row.model);
  const { model: _all, source: _none, ...totals } = summary.total;
  if (json) {
    // totals and byModel hold exactly the documented keys (issue 10); the call count sits beside them.
    const tokens = ({ inputTokens, cachedInputTokens, outputTokens, reasoningTokens, costUsd }: Omit<UsageSummaryRow, 'model' | 'source'>) =>
      ({ inputTokens, cachedInputTokens, outputTokens, reasoningTokens, costUsd });
    const range = { since: options.since ?? null, until: options.until ?? null, workspaceId: workspaceId ?? null };
    const report = {
      totals: tokens(totals),
      byModel: byModel.map((row) => ({ model: row.model, ...tokens(row) })),
      ...range,
      requests: totals.requests,
      unpricedModels: unpriced,
    };
    return print(JSON.stringify(report)), EXIT.ok;
  }
  if (byModel.length === 0) return print('No usage in this range.'), EXIT.ok;
  const cost = (usd: number | null) => (usd === null ? 'unknown' : `$${usd.toFixed(4)}`);
  const line = (r: Omit<UsageSummaryRow, 'source'>) =>
    `${r.model}  ${r.requests} calls  input ${r.inputTokens} (${r.cachedInputTokens} cached)  output ${r.outputTokens} (${r.reasoningTokens} reasoning)  ${cost(r.costUsd)}`;
  for (const row of byModel) print(line(row));
  print(line({ ...totals, model: 'Total' }));
  for (const model of unpriced) print(`No price for ${model}: add one with dspatch prices set ${model} --input N --cached N --output N`);
  return EXIT.ok;
}

async function pricesCommand(
  host: HostClient,
  sub: string | undefined,
  args: string[],
  options: { input?: string; cached?: string; output?: string; from?: string },
  json: boolean,
): Promise<number> {
  if (options.from !== undefined) parseDay('--from', options.from);
  const validFrom = options.from;
  switch (sub) {
    case 'list': {
      const prices = await host.call('prices.list', {});
      if (json) return print(JSON.stringify(prices)), EXIT.ok;
      if (prices.length === 0) return print('No prices. Add one with dspatch prices set MODEL --input N --cached N --output N'), EXIT.ok;
      print('USD per million tokens: input / cached input / output, from the day given (UTC). Check them against your provider’s current prices.');
      for (const p of prices) print(`${p.model}  from ${p.validFrom}  ${p.inputPerMTok} / ${p.cachedInputPerMTok} / ${p.outputPerMTok}`);
      return EXIT.ok;
    }
    case 'set': {
      if (!args[0] || args.length > 1) throw new UsageError('dspatch prices set MODEL --input N --cached N --output N [--from YYYY-MM-DD]');
      const price = await host.call('prices.set', {
        model: args[0],
        inputPerMTok: parsePrice('--input', options.input),
        cachedInputPerMTok: parsePrice('--cached', options.cached),
        outputPerMTok: parsePrice('--output', options.output),
        validFrom,
      });
      if (json) return print(JSON.stringify(price)), EXIT.ok;
      print(`${price.model} from ${price.validFrom}: $${price.inputPerMTok} input, $${price.cachedInputPerMTok} cached input, $${price.outputPerMTok} output per million tokens.`);
      return EXIT.ok;
    }
    case 'remove': {
      if (!args[0] || args.length > 1) throw new UsageError('dspatch prices remove MODEL [--from YYYY-MM-DD]');
      await host.call('prices.remove', { model: args[0], validFrom });
      print(`Removed the price${validFrom ? ` from ${validFrom}` : 's'} of ${args[0]}.`);
      return EXIT.ok;
    }
    default:
      throw new UsageError('dspatch prices list | set MODEL --input N --cached N --output N [--from YYYY-MM-DD] | remove MODEL [--from YYYY-MM-DD]');
  }
}

function parseDay(option: string, text: string): number {
  const ms = dayToMs(text);
  if (ms === null) throw new UsageError(`${option} must be a date YYYY-MM-DD, not "${text}".`);
  return ms;
}

/** A plain non-negative decimal: "-1", "abc", "1e3" and "" are not. */
const PLAIN_DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;

/** USD per million tokens: a plain non-negative decimal, so "-1", "abc", "1e3" and "" are refused here. */
function parsePrice(option: string, text: string | undefined): number {
  if (text === undefined) throw new UsageError(`dspatch prices set needs ${option} N (USD per million tokens).`);
  if (!PLAIN_DECIMAL.test(text.trim())) {
    throw new UsageError(`${option} must be a non-negative number of USD per million tokens, not "${text}".`);
  }
  return Number(text);
}

async function budgetsCommand(host: HostClient, sub: string | undefined, args: string[], workspace: string | undefined, json: boolean): Promise<number> {
  const { budgetName, monthName, usd } = await import('./host/budget-service');
  const workspaceId = workspace ? (await findWorkspace(host, workspace)).id : undefined;
  const line = (s: BudgetStatus) =>
    `${s.workspaceId === null ? 'global' : `workspace ${s.workspaceName ?? s.workspaceId}`}  ${usd(s.spentUsd)} of ${usd(s.monthlyUsd)}  (${s.percent.toFixed(1)}%)` +
    (s.level === 'exceeded' ? '  USED UP: new turns are refused' : s.level === 'warning' ? '  over 80%' : '');
  const unpricedNote = (statuses: BudgetStatus[]) => {
    const models = [...new Set(statuses.flatMap((s) => s.unpricedModels))];
    if (models.length) process.stderr.write(`Not counted (no price): ${models.join(', ')}. Add one with dspatch prices set MODEL --input N --cached N --output N\n`);
  };
  switch (sub) {
    case 'list': {
      if (args.length || workspace) throw new UsageError('dspatch budgets list [--json]');
      const statuses = await host.call('budgets.status', {});
      if (json) return print(JSON.stringify(statuses)), EXIT.ok;
      if (statuses.length === 0) return print('No budgets. Set one with dspatch budgets set [--workspace WS] USD'), EXIT.ok;
      print(`Spent in ${monthName(statuses[0].month)} (calendar month, UTC):`);
      for (const status of statuses) print(line(status));
      unpricedNote(statuses);
      return EXIT.ok;
    }
    case 'set': {
      if (args.length !== 1) throw new UsageError('dspatch budgets set [--workspace WS] USD');
      const [text] = args;
      const monthlyUsd = Number(text);
      if (!PLAIN_DECIMAL.test(text.trim()) || monthlyUsd < 0.01) throw new UsageError(`USD must be a number of dollars of at least 0.01, e.g. 50, not "${text}".`);
      const status = await host.call('budgets.set', { workspaceId, monthlyUsd });
      if (json) return print(JSON.stringify(status)), EXIT.ok;
      print(`Set ${budgetName(status)} to ${usd(status.monthlyUsd)} a month (calendar month, UTC).`);
      print(line(status));
      if (status.level !== 'ok') {
        const what = status.level === 'exceeded' ? 'is already used up: new turns are refused' : 'is already over 80%';
        process.stderr.write(`warning: ${budgetName(status)} ${what} (${usd(status.spentUsd)} spent this month).\n`);
      }
      unpricedNote([status]);
      return EXIT.ok;
    }
    case 'remove': {
      if (args.length) throw new UsageError('dspatch budgets remove [--workspace WS]');
      await host.call('budgets.remove', { workspaceId });
      if (json) return print(JSON.stringify({ ok: true })), EXIT.ok;
      print(`Removed ${budgetName({ workspaceId: workspaceId ?? null, workspaceName: workspace ?? null })}.`);
      return EXIT.ok;
    }
    default:
      throw new UsageError('dspatch budgets list | set [--workspace WS] USD | remove [--workspace WS]');
  }
}

// ── providers ─────────────────────────────────────────────────────────────────────────────────

const PROVIDERS_USAGE = 'dspatch providers list | add NAME --base-url URL [--api chat|responses] [--api-key none|KEY] [--model M] | remove NAME | test NAME';
const PROVIDER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const SAVED_KEY_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

type ProvidersRequest =
  | { sub: 'list' }
  | { sub: 'add'; save: HostRequest<'providers.save'> }
  | { sub: 'remove' | 'test'; name: string };

/** Checks the arguments before any host is opened: bad input is one line and exit 64. */
function providersRequest(
  sub: string | undefined,
  args: string[],
  options: { 'base-url'?: string; api?: string; 'api-key'?: string; model?: string },
): ProvidersRequest {
  const flags = (['base-url', 'api', 'api-key', 'model'] as const).filter((flag) => options[flag] !== undefined);
  const name = (): string => {
    if (args.length !== 1) throw new UsageError(`dspatch providers ${sub} needs one provider NAME: ${PROVIDERS_USAGE}`);
    if (!PROVIDER_NAME.test(args[0])) {
      throw new UsageError(`Provider name "${args[0]}" must start with a letter or digit and use only letters, digits, "_", "." and "-" (64 at most).`);
    }
    return args[0];
  };
  switch (sub) {
    case 'list':
      if (args.length || flags.length) throw new UsageError('dspatch providers list [--json]');
      return { sub };
    case 'remove':
    case 'test':
      if (flags.length) throw new UsageError(`dspatch providers ${sub} NAME takes no --${flags[0]}.`);
      return { sub, name: name() };
    case 'add': {
      const providerName = name();
      const baseUrl = options['base-url'];
      if (baseUrl === undefined) throw new UsageError('dspatch providers add needs --base-url URL, such as http://127.0.0.1:11434/v1');
      if (!isHttpUrl(baseUrl)) throw new UsageError(`--base-url must be an http:// or https:// URL, such as http://127.0.0.1:11434/v1, not "${baseUrl}".`);
      const api = options.api ?? 'responses';
      if (api !== 'responses' && api !== 'chat') throw new UsageError(`--api must be "responses" or "chat", not "${api}".`);
      const key = options['api-key'];
      if (key !== undefined && key !== 'none' && !SAVED_KEY_NAME.test(key)) {
        throw new UsageError(`--api-key must be "none" or the name of a saved API key (letters, digits, "_", "." and "-"), not "${key}".`);
      }
      const model = options.model?.trim();
      if (options.model !== undefined && !model) throw new UsageError('--model must name a model.');
      return {
        sub,
        save: {
          name: providerName,
          baseUrl,
          api,
          apiKey: key === undefined ? null : key === 'none' ? 'none' : `{{apikey:${key}}}`,
          defaultModel: model ?? null,
        },
      };
    }
    default:
      throw new UsageError(PROVIDERS_USAGE);
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function providerKeyText(apiKey: string | null): string {
  if (apiKey === null) return "the agent's OPENAI_API_KEY";
  if (apiKey === 'none') return 'no key';
  return `saved key ${apiKey.replace(/^\{\{\s*apikey\s*:\s*|\s*\}\}$/g, '')}`;
}

/** A request the host refuses as bad input (removing the built-in openai, …) is bad usage: exit 64. */
async function providersCommand(host: HostClient, request: ProvidersRequest, json: boolean): Promise<number> {
  try {
    return await providersCall(host, request, json);
  } catch (error) {
    if (error instanceof HostError && error.code === 'bad_request') throw new UsageError(error.message);
    throw error;
  }
}

async function providersCall(host: HostClient, request: ProvidersRequest, json: boolean): Promise<number> {
  switch (request.sub) {
    case 'list': {
      const providers = await host.call('providers.list', {});
      if (json) return print(JSON.stringify(providers)), EXIT.ok;
      for (const p of providers) {
        const model = p.defaultModel ? `  model ${p.defaultModel}` : '';
        print(`${p.name}  ${p.baseUrl}  api ${p.api}  ${providerKeyText(p.apiKey)}${model}${p.builtIn ? '  (built in)' : ''}`);
      }
      return EXIT.ok;
    }
    case 'add': {
      const saved = await host.call('providers.save', request.save);
      if (json) return print(JSON.stringify(saved)), EXIT.ok;
      print(`Saved provider ${saved.name}: ${saved.baseUrl}, api ${saved.api}, ${providerKeyText(saved.apiKey)}. Agents use it with provider: ${saved.name}`);
      return EXIT.ok;
    }
    case 'remove': {
      await host.call('providers.remove', { name: request.name });
      if (json) return print(JSON.stringify({ ok: true })), EXIT.ok;
      print(`Removed provider ${request.name}.`);
      return EXIT.ok;
    }
    case 'test': {
      const result = await host.call('providers.test', { name: request.name });
      if (json) print(JSON.stringify(result));
      else if (!result.ok) process.stderr.write(`dspatch: ${result.message}\n`);
      else if (result.models.length === 0) print(`${request.name} answered, but lists no models (it may not offer GET /models): type the model name yourself.`);
      else {
        print(`${request.name} answered with ${result.models.length} model${result.models.length === 1 ? '' : 's'}:`);
        for (const model of result.models) print(model);
      }
      return result.ok ? EXIT.ok : EXIT.failed;
    }
  }
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
      process.exit(error.code === 'missing_secret' ? EXIT.missingSecret : error.code === 'budget_exceeded' ? EXIT.budgetExceeded : EXIT.failed);
    }
    process.stderr.write(`dspatch: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(EXIT.failed);
  },
);

