// Benchmark: issue 15 rows 1, 2 and 9, the agent side. One long model reply (20,000 small text deltas
// on the Responses API, streamed by the fake OpenAI server as fast as it can) through the whole app — a
// real host in this process, the openai-assistant template in its own forked agent process, SQLite,
// events — against the same stream consumed by a bare `@openai/agents` app, also in its own process
// (test/bench/children/bare-openai-agent.ts), so both readers get a core of their own beside the
// server. Each is warmed up once, then the runs alternate (dspatch, bare, dspatch, …) so a busy
// machine slows both alike; medians are compared. Then the idle memory of a fresh openai-assistant
// process after 1 and after 10 ordinary turns (a tool call, then a reply of 2,000 deltas), from
// /proc/<pid>/status, beside a bare process doing the same turns: as a plain `node` app, and with
// the V8 flags the host gives agent processes, which is what dspatch's own share is measured against.
import { fork, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { HostEvent } from '../../electron/api/contract';
import type { TimelineEntry, TimelineMessage } from '../../electron/api/types';
import { createHost } from '../../electron/host/host';
import { FORKED_AGENT_EXEC_ARGV, type AgentChild, type SpawnOptions, type Spawner } from '../../electron/host/ports';
import { FileCipher } from '../../electron/serve/file-cipher';
import { ForkSpawner } from '../../electron/serve/fork-spawner';
import { startFakeOpenAI, toolOutputs, type Turn } from '../fixtures/openai-server';
import { percentile, procCpuSeconds, procPeakRssMb, procRssMb, repoRoot, tempDir } from './bench-utils';

const TOKENS = 20_000;
const WARMUP_TOKENS = 2_000;
const RUNS = 7;
/** Memory turns: a tool call, then a reply of this many deltas. */
const MEMORY_TURNS = 10;
const MEMORY_REPLY_TOKENS = 2_000;
/** Idle time before RSS is read, so the turn's garbage has been collected. */
const SETTLE_MS = 1_500;
const API_KEY = 'sk-dspatch-bench-0123456789abcdef';
const TURN_TIMEOUT_MS = 120_000;
/** Issue 15's goals. */
const GOAL_FIRST_DELTA_MS = 10;
const GOAL_RATIO = 1.05;
const GOAL_IDLE_RSS_MB = 90;

const WORDS = [' the', ' quick', ' brown', ' fox', ' jumps', ' over', ' a', ' lazy', ' dog', '.', '\n', ' and'];
/** `count` small deltas, about a token each. */
function chunks(count: number): string[] {
  return Array.from({ length: count }, (_, i) => WORDS[i % WORDS.length]);
}

/** What the agent process sent during one turn, seen on the IPC channel (timestamps: performance.now()). */
interface IpcStats {
  messages: number;
  deltaMessages: number;
  firstDeltaAt: number;
  lastDeltaAt: number;
}
const freshIpcStats = (): IpcStats => ({ messages: 0, deltaMessages: 0, firstDeltaAt: NaN, lastDeltaAt: NaN });

/** The real ForkSpawner, noting the pid of every agent process it starts and counting its IPC messages. */
class RecordingSpawner implements Spawner {
  readonly pids: number[] = [];
  ipc = freshIpcStats();
  readonly #inner: Spawner = new ForkSpawner();
  spawn(options: SpawnOptions): AgentChild {
    const child = this.#inner.spawn(options);
    if (child.pid !== undefined) this.pids.push(child.pid);
    return {
      get pid() {
        return child.pid;
      },
      stdout: child.stdout,
      stderr: child.stderr,
      send: (message) => child.send(message),
      onMessage: (listener) =>
        child.onMessage((message) => {
          this.#count(message);
          listener(message);
        }),
      onExit: (listener) => child.onExit(listener),
      kill: () => child.kill(),
    };
  }
  #count(message: unknown): void {
    this.ipc.messages++;
    const m = message as { type?: unknown; isDelta?: unknown };
    if (m.type !== 'message' || m.isDelta !== true) return;
    const now = performance.now();
    this.ipc.deltaMessages++;
    if (Number.isNaN(this.ipc.firstDeltaAt)) this.ipc.firstDeltaAt = now;
    this.ipc.lastDeltaAt = now;
  }
}

const fake = await startFakeOpenAI();
/** When the fake server received the last model request. */
let requestAt = NaN;
/** The next model request gets exactly these deltas, as fast as the server can write them. */
function respondWith(deltas: string[]): void {
  requestAt = NaN;
  const turn: Turn = { text: deltas, usage: { outputTokens: deltas.length } };
  fake.setResponder(() => {
    requestAt = performance.now();
    return turn;
  });
}
/** Every turn from now on: the model calls the tool, then replies with `deltas`. */
function respondWithToolThen(deltas: string[]): void {
  const reply: Turn = { text: deltas };
  const call: Turn = { toolCalls: [{ name: 'get_current_time', arguments: { timezone: 'Asia/Tokyo' } }] };
  fake.setResponder((request) => (toolOutputs(request).length > 0 ? reply : call));
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const dataDir = tempDir('dspatch-bench-openai-data-');
const workspaceRoot = tempDir('dspatch-bench-openai-ws-');
/** Closes the host (stopping its agent process) once; the fake server and temp dirs go at exit. */
let closeHost = async (): Promise<void> => {};
async function cleanUp(): Promise<void> {
  await closeHost();
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(workspaceRoot, { recursive: true, force: true });
}
process.once('uncaughtException', (error) => {
  console.error(error);
  void cleanUp().finally(() => process.exit(1));
});

// ───────────────────────────── through dspatch ─────────────────────────────

const spawner = new RecordingSpawner();
const host = await createHost({
  dataDir,
  appRoot: repoRoot,
  mode: 'browser',
  spawner,
  cipher: new FileCipher(dataDir),
  version: '0.0.0-bench',
});
closeHost = async () => {
  closeHost = async () => {};
  await host.close();
};

let onEvent: (event: HostEvent) => void = () => {};
let appendEvents = 0;
host.onEvent((event) => {
  if (event.type === 'session.event' && event.change.type === 'append') appendEvents++;
  onEvent(event);
});

const workspaceDir = join(workspaceRoot, 'workspace');
const workspace = await host.call('workspaces.create', {
  dir: workspaceDir,
  yaml: ['name: bench-openai', 'agents:', '  assistant:', '    template: openai-assistant', '    env:', `      OPENAI_BASE_URL: ${fake.baseURL}`, ''].join('\n'),
  secrets: { OPENAI_API_KEY: API_KEY },
  overwrite: false,
});
// The key goes to the fake server's address: confirm that, as the user would before the first launch.
const { fingerprint } = await host.call('workspaces.launchConsent', { workspaceId: workspace.id });
await host.call('workspaces.consent', { workspaceId: workspace.id, fingerprint });
/** The launched openai-assistant: its session and its agent process. */
let agent = await launch();
async function launch(): Promise<{ sessionId: string; pid: number }> {
  const { sessions } = await host.call('workspaces.launch', { workspaceId: workspace.id });
  const sessionId = sessions[0]?.id;
  const pid = spawner.pids.at(-1);
  if (!sessionId || pid === undefined) throw new Error('The workspace started no session or no agent process.');
  return { sessionId, pid };
}
const agentIdleRss = procRssMb(agent.pid);

interface DspatchRun {
  seconds: number;
  agentCpu: number;
  hostCpu: number;
  appends: number;
  ipc: IpcStats;
  /** Milliseconds from the send: the model request reaches the server, the first and last delta reach the host, idle. */
  requestMs: number;
  firstDeltaMs: number;
  lastDeltaMs: number;
  idleMs: number;
}

/** Sends `prompt` to the assistant; resolves when its session is idle again. */
async function assistantTurn(prompt: string): Promise<{ turnId: string; idleAt: number }> {
  let generating = false;
  const idle = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Timed out waiting for the turn to end.')), TURN_TIMEOUT_MS);
    onEvent = (event) => {
      if (event.type !== 'session.event' || event.sessionId !== agent.sessionId || event.change.type !== 'state') return;
      if (event.change.state === 'generating') generating = true;
      else if (event.change.state === 'idle' && generating) {
        clearTimeout(timer);
        resolve(performance.now());
      } else if (event.change.state === 'crashed' || event.change.state === 'stopped') {
        clearTimeout(timer);
        reject(new Error(`The session went ${event.change.state}.`));
      }
    };
  });
  const { turnId } = await host.call('sessions.send', { sessionId: agent.sessionId, text: prompt });
  const idleAt = await idle;
  onEvent = () => {};
  return { turnId, idleAt };
}

/** Sends `prompt` with `deltas` scripted; resolves when the session is idle again and the text is stored. */
async function dspatchTurn(deltas: string[], prompt: string): Promise<DspatchRun> {
  respondWith(deltas);
  const expected = deltas.join('');
  const appendsBefore = appendEvents;
  const agentCpuBefore = procCpuSeconds(agent.pid);
  const hostCpuBefore = procCpuSeconds(process.pid);
  spawner.ipc = freshIpcStats();
  const started = performance.now();
  const { turnId, idleAt } = await assistantTurn(prompt);
  const { entries } = await host.call('sessions.open', { sessionId: agent.sessionId });
  const seconds = (performance.now() - started) / 1000;
  const agentCpu = procCpuSeconds(agent.pid) - agentCpuBefore;
  const hostCpu = procCpuSeconds(process.pid) - hostCpuBefore;
  const stored = entries
    .filter((entry: TimelineEntry): entry is TimelineMessage => entry.kind === 'message' && entry.role === 'assistant' && entry.turnId === turnId)
    .map((message) => message.text)
    .join('');
  if (stored.length !== expected.length || stored !== expected) {
    throw new Error(`dspatch stored ${stored.length} characters of assistant text, expected ${expected.length}.`);
  }
  const { ipc } = spawner;
  return {
    seconds,
    agentCpu,
    hostCpu,
    appends: appendEvents - appendsBefore,
    ipc,
    requestMs: requestAt - started,
    firstDeltaMs: ipc.firstDeltaAt - started,
    lastDeltaMs: ipc.lastDeltaAt - started,
    idleMs: idleAt - started,
  };
}

// ───────────────────────────── bare @openai/agents, in its own process ─────────────────────────────

const bareEntry = join(repoRoot, '.bench', 'bare-openai-agent.mjs');
await build({ entryPoints: [join(repoRoot, 'test/bench/children/bare-openai-agent.ts')], outfile: bareEntry, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });

interface BareApp {
  pid: number;
  turn(prompt: string): Promise<{ text: string; firstDeltaAt: number; doneAt: number }>;
  close(): void;
}
/** `execArgv`: none (a plain `node` app), or the agent processes' V8 flags for a like-for-like memory figure. */
async function startBare(execArgv: readonly string[] = []): Promise<BareApp> {
  const child: ChildProcess = fork(bareEntry, [], {
    env: { OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: API_KEY },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
    execArgv: [...execArgv],
  });
  let onReply: (reply: { type: string; text?: string }) => void = () => {};
  child.on('message', (reply: { type: string; text?: string }) => onReply(reply));
  await new Promise<void>((resolve) => (onReply = () => resolve()));
  return {
    pid: child.pid!,
    turn(prompt) {
      let firstDeltaAt = NaN;
      const done = new Promise<{ text: string; firstDeltaAt: number; doneAt: number }>((resolve) => {
        onReply = (reply) => {
          if (reply.type === 'first-delta') firstDeltaAt = performance.now();
          else if (reply.type === 'done') resolve({ text: reply.text ?? '', firstDeltaAt, doneAt: performance.now() });
        };
      });
      child.send({ prompt });
      return done;
    },
    close: () => child.kill(),
  };
}

interface BareRun {
  seconds: number;
  /** CPU seconds of the bare process, beside the dspatch agent process's. */
  cpu: number;
  /** CPU seconds of this process meanwhile: the fake server alone, beside host + fake server. */
  serverCpu: number;
  requestMs: number;
  firstDeltaMs: number;
}
async function bareTurn(bare: BareApp, deltas: string[], prompt: string): Promise<BareRun> {
  respondWith(deltas);
  const expected = deltas.join('');
  const cpuBefore = procCpuSeconds(bare.pid);
  const serverCpuBefore = procCpuSeconds(process.pid);
  const started = performance.now();
  const { text, firstDeltaAt, doneAt } = await bare.turn(prompt);
  if (text !== expected) throw new Error(`The bare run streamed ${text.length} characters, expected ${expected.length}.`);
  return { seconds: (doneAt - started) / 1000, cpu: procCpuSeconds(bare.pid) - cpuBefore, serverCpu: procCpuSeconds(process.pid) - serverCpuBefore, requestMs: requestAt - started, firstDeltaMs: firstDeltaAt - started };
}

// ───────────────────────────── rows 1 and 2: alternating runs ─────────────────────────────

const bare = await startBare();
await dspatchTurn(chunks(WARMUP_TOKENS), 'Warm up.');
await bareTurn(bare, chunks(WARMUP_TOKENS), 'Warm up.');
const dspatchRuns: DspatchRun[] = [];
const bareRuns: BareRun[] = [];
for (let i = 0; i < RUNS; i++) {
  const prompt = `Write ${TOKENS} tokens (run ${i + 1}).`;
  dspatchRuns.push(await dspatchTurn(chunks(TOKENS), prompt));
  bareRuns.push(await bareTurn(bare, chunks(TOKENS), prompt));
}
bare.close();
const agentPeakRss = procPeakRssMb(agent.pid);

// ───────────────────────────── row 9: idle memory over turns ─────────────────────────────

/** RSS in MB after each of MEMORY_TURNS turns, each read once the process has been idle SETTLE_MS. */
async function memoryOverTurns(pid: number, turn: (prompt: string) => Promise<unknown>): Promise<number[]> {
  respondWithToolThen(chunks(MEMORY_REPLY_TOKENS));
  const rss: number[] = [];
  for (let i = 1; i <= MEMORY_TURNS; i++) {
    await turn(`What time is it in Tokyo? (turn ${i})`);
    await sleep(SETTLE_MS);
    rss.push(procRssMb(pid));
  }
  return rss;
}
await host.call('workspaces.stop', { workspaceId: workspace.id });
// A fresh conversation, like the bare process's: the runs above would otherwise be restored into the new
// process and replayed to the model on its first turn (~0.6 MB of text, some 10–20 MB of RSS).
await host.call('sessions.delete', { sessionId: agent.sessionId });
agent = await launch();
const dspatchRss = await memoryOverTurns(agent.pid, (prompt) => assistantTurn(prompt));
await host.call('workspaces.stop', { workspaceId: workspace.id });
await closeHost();
const bareForMemory = await startBare();
const bareRss = await memoryOverTurns(bareForMemory.pid, (prompt) => bareForMemory.turn(prompt));
bareForMemory.close();
const bareWithAgentFlags = await startBare(FORKED_AGENT_EXEC_ARGV);
const bareWithAgentFlagsRss = await memoryOverTurns(bareWithAgentFlags.pid, (prompt) => bareWithAgentFlags.turn(prompt));
bareWithAgentFlags.close();

await cleanUp();

// ───────────────────────────── report ─────────────────────────────

const median = (values: number[]): number => percentile(values, 50);
const spread = (values: number[], digits = 0): string => `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
const dspatchSeconds = median(dspatchRuns.map((r) => r.seconds));
const bareSeconds = median(bareRuns.map((r) => r.seconds));
const ratio = dspatchSeconds / bareSeconds;
const pairRatios = dspatchRuns.map((r, i) => r.seconds / bareRuns[i].seconds);
const list = (values: number[], digits = 2): string => values.map((v) => v.toFixed(digits)).join(', ');
const ms = (values: number[]): string => `${median(values).toFixed(0)} ms`;
const characters = chunks(TOKENS).join('').length;
const firstDelta = median(dspatchRuns.map((r) => r.firstDeltaMs));
const bareFirstDelta = median(bareRuns.map((r) => r.firstDeltaMs));
const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
console.log(`OpenAI stream: one reply of ${TOKENS.toLocaleString()} text deltas (Responses API SSE from the fake server, as fast as it writes)`);
console.log(`  tokens                         ${TOKENS.toLocaleString()} (${characters.toLocaleString()} characters), ${RUNS} runs each, alternating`);
console.log(`  through dspatch (median)       ${dspatchSeconds.toFixed(2)} s   runs: ${list(dspatchRuns.map((r) => r.seconds))} s`);
console.log(`  bare @openai/agents (median)   ${bareSeconds.toFixed(2)} s   runs: ${list(bareRuns.map((r) => r.seconds))} s`);
console.log(`  tokens/s through dspatch       ${Math.round(TOKENS / dspatchSeconds).toLocaleString()}`);
console.log(`  tokens/s bare                  ${Math.round(TOKENS / bareSeconds).toLocaleString()}`);
console.log(`  agent process peak RSS         ${agentPeakRss.toFixed(0)} MB (VmHWM, ${agentIdleRss.toFixed(0)} MB after launch)`);
console.log('Issue 15 (figure | goal)');
console.log(`  row 1  first text delta at the host: ${firstDelta.toFixed(0)} ms (spread ${spread(dspatchRuns.map((r) => r.firstDeltaMs))}) vs bare ${bareFirstDelta.toFixed(0)} ms (${spread(bareRuns.map((r) => r.firstDeltaMs))}), +${(firstDelta - bareFirstDelta).toFixed(0)} ms | ≤ bare + ${GOAL_FIRST_DELTA_MS} ms: ${verdict(firstDelta <= bareFirstDelta + GOAL_FIRST_DELTA_MS)}`);
console.log(`  row 2  20k tokens dspatch / bare: ${ratio.toFixed(2)}× (per pair ${spread(pairRatios, 2)}) | ≤ ${GOAL_RATIO}×: ${verdict(ratio <= GOAL_RATIO)}`);
console.log(`  row 9  idle openai-assistant RSS: ${dspatchRss[0].toFixed(0)} MB after 1 turn, ${dspatchRss[MEMORY_TURNS - 1].toFixed(0)} MB after ${MEMORY_TURNS} | < ${GOAL_IDLE_RSS_MB} MB, flat: ${verdict(Math.max(...dspatchRss) < GOAL_IDLE_RSS_MB)}`);
console.log(`         per turn: ${list(dspatchRss, 0)} MB`);
console.log(`         bare @openai/agents process, same turns: ${list(bareRss, 0)} MB`);
console.log(`         bare, with the agents' flags (${FORKED_AGENT_EXEC_ARGV.join(' ')}): ${list(bareWithAgentFlagsRss, 0)} MB`);
console.log('Where the time goes (medians, ms after send/run)');
console.log(`  dspatch: request at server ${ms(dspatchRuns.map((r) => r.requestMs))}, first delta at host ${ms(dspatchRuns.map((r) => r.firstDeltaMs))}, last delta at host ${ms(dspatchRuns.map((r) => r.lastDeltaMs))}, idle ${ms(dspatchRuns.map((r) => r.idleMs))}`);
console.log(`  bare:    request at server ${ms(bareRuns.map((r) => r.requestMs))}, first delta ${ms(bareRuns.map((r) => r.firstDeltaMs))}, completed ${ms(bareRuns.map((r) => r.seconds * 1000))}`);
console.log(`  agent CPU per run              ${list(dspatchRuns.map((r) => r.agentCpu))} s (median ${median(dspatchRuns.map((r) => r.agentCpu)).toFixed(2)})`);
console.log(`  bare process CPU per run       ${list(bareRuns.map((r) => r.cpu))} s (median ${median(bareRuns.map((r) => r.cpu)).toFixed(2)})`);
console.log(`  this process CPU per run       ${list(dspatchRuns.map((r) => r.hostCpu))} s (host + fake server), bare runs: ${list(bareRuns.map((r) => r.serverCpu))} s (fake server)`);
console.log(`  IPC messages from agent        ${list(dspatchRuns.map((r) => r.ipc.messages), 0)} (text-delta messages: ${list(dspatchRuns.map((r) => r.ipc.deltaMessages), 0)})`);
console.log(`  append events from host        ${list(dspatchRuns.map((r) => r.appends), 0)}`);
process.exit(0);
