// A minimal host for tests: bundles a template with the host's real bundler, forks it as a real agent
// process with an explicit env (as the supervisor does), validates every message it sends against the
// protocol and lets a test talk to it with raw protocol messages.
//
//   const agent = await startAgent({ template: join(templatesDir, 'openai-assistant'), env: { … } });
//   agent.spawn('i1');
//   const done = await agent.turn('i1', 't1', 'hello');   // → the turn.done message
//   agent.received                                        // everything, in order
//   await agent.stop();
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleAgent } from '../../electron/host/agent-bundler';
import { parseTemplateConfig, templateFieldEnv, TEMPLATE_FILE } from '../../electron/host/template-config';
import { agentToHostSchema, type AgentToHost, type HostToAgent } from '../../agents/protocol';
import { agentCacheDir, agentsDir, nodeModulesDir, repoRoot } from './paths';

export type AgentMessage<K extends AgentToHost['type'] = AgentToHost['type']> = Extract<
  AgentToHost,
  { type: K }
>;

export interface StartAgentOptions {
  /** The template directory (holding dspatch.agent.yml). */
  template: string;
  /** Added to the env the driver builds (template fields, DSPATCH_AGENT_KEY). */
  env?: Record<string, string>;
  /** Preload a spy that reports every outgoing connection and DNS lookup on stderr. */
  spyNetwork?: boolean;
  /** How long `next` waits before failing with a description of what did arrive. Default 20 s. */
  timeoutMs?: number;
}

export interface AgentDriver {
  /** Every valid message, in arrival order. */
  readonly received: AgentToHost[];
  /** Messages that failed validation, or broke the seq order, described. */
  readonly problems: string[];
  readonly stdout: string[];
  readonly stderr: string[];
  /** The exact env the process was started with. */
  readonly env: Record<string, string>;
  send(message: HostToAgent): void;
  /** Sends anything, valid or not: for tests of how the agent treats a bad host message. */
  sendRaw(message: unknown): void;
  /** The first message (already received or still to come) of this type matching `where`. */
  next<K extends AgentToHost['type']>(
    type: K,
    where?: (message: AgentMessage<K>) => boolean,
  ): Promise<AgentMessage<K>>;
  /** All received messages of one type, optionally of one turn. */
  all<K extends AgentToHost['type']>(type: K, turnId?: string): AgentMessage<K>[];
  spawn(instanceId: string, history?: Extract<HostToAgent, { type: 'instance.spawn' }>['history']): void;
  /** Sends an input and resolves with the turn's `turn.done`. */
  turn(instanceId: string, turnId: string, content: string): Promise<AgentMessage<'turn.done'>>;
  stop(): Promise<void>;
}

const networkSpy = join(repoRoot, 'test', 'helpers', 'network-spy.mjs');

/** Reads a template's config the way the host does and returns its DSPATCH_FIELD_* env. */
function templateEnv(templateDir: string): { entryPath: string; env: Record<string, string>; name: string } {
  const parsed = parseTemplateConfig(readFileSync(join(templateDir, TEMPLATE_FILE), 'utf8'));
  if (!parsed.ok) throw new Error(`Bad template ${templateDir}: ${JSON.stringify(parsed.problems)}`);
  return {
    entryPath: join(templateDir, parsed.config.entryPoint),
    env: templateFieldEnv(parsed.config),
    name: parsed.config.name,
  };
}

export async function startAgent(options: StartAgentOptions): Promise<AgentDriver> {
  const template = templateEnv(options.template);
  const modulePath = await bundleAgent({
    entryPath: template.entryPath,
    agentsDir,
    cacheDir: agentCacheDir,
    nodeModulesDir,
    // A tampered cache is a test of its own (hostile/tampered-bundle); here it would be a broken setup.
    warn: (message) => {
      throw new Error(message);
    },
  });
  // An explicit, minimal env — never the test runner's (which has NODE_ENV=test, and that alone
  // would switch the Agents SDK's tracing off and hide a missing setTracingDisabled).
  const env: Record<string, string> = {
    DSPATCH_AGENT_KEY: template.name,
    ...template.env,
    ...options.env,
  };
  const child: ChildProcess = fork(modulePath, [], {
    env,
    execArgv: options.spyNetwork ? ['--import', pathToFileURL(networkSpy).href] : [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const timeoutMs = options.timeoutMs ?? 20_000;
  const received: AgentToHost[] = [];
  const problems: string[] = [];
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters = new Set<{ test: (m: AgentToHost) => boolean; resolve: (m: AgentToHost) => void }>();
  let lastSeq = 0;
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));

  const lines = (target: string[]) => (chunk: Buffer) =>
    target.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout?.on('data', lines(stdout));
  child.stderr?.on('data', lines(stderr));
  child.on('message', (raw) => {
    const parsed = agentToHostSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(
        `invalid message ${JSON.stringify(raw)}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      );
      return;
    }
    const message = parsed.data;
    if (message.seq <= lastSeq) problems.push(`seq ${message.seq} after ${lastSeq}`);
    lastSeq = message.seq;
    received.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.test(message)) {
        waiters.delete(waiter);
        waiter.resolve(message);
      }
    }
  });

  const describe = () =>
    received
      .slice(-12)
      .map((m) => JSON.stringify(m).slice(0, 300))
      .join('\n  ');

  const next = <K extends AgentToHost['type']>(type: K, where?: (message: AgentMessage<K>) => boolean) => {
    const test = (m: AgentToHost): boolean => m.type === type && (!where || where(m as AgentMessage<K>));
    return new Promise<AgentMessage<K>>((resolve, reject) => {
      const found = received.find(test);
      if (found) return resolve(found as AgentMessage<K>);
      const waiter = {
        test,
        resolve: (m: AgentToHost) => (clearTimeout(timer), resolve(m as AgentMessage<K>)),
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(
          new Error(
            `No "${type}" message arrived${exited ? ' (the agent exited)' : ''}. Last messages:\n  ${describe()}\n` +
              `problems: ${JSON.stringify(problems)}\nstderr: ${stderr.slice(-10).join('\n')}`,
          ),
        );
      }, timeoutMs);
      waiters.add(waiter);
    });
  };

  const send = (message: HostToAgent) => {
    child.send(message);
  };

  await next('ready');
  return {
    received,
    problems,
    stdout,
    stderr,
    env,
    send,
    sendRaw: (message) => child.send(message as object),
    next,
    all: <K extends AgentToHost['type']>(type: K, turnId?: string) =>
      received.filter(
        (m): m is AgentMessage<K> => m.type === type && (turnId === undefined || m.turnId === turnId),
      ),
    spawn: (instanceId, history) =>
      send({ type: 'instance.spawn', instanceId, ...(history ? { history } : {}) }),
    turn: (instanceId, turnId, content) => {
      send({ type: 'input', instanceId, turnId, content });
      return next('turn.done', (m) => m.turnId === turnId);
    },
    stop: async () => {
      if (exited) return;
      if (child.connected) send({ type: 'signal.terminate' });
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exit;
      clearTimeout(killer);
    },
  };
}
