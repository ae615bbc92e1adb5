// Benchmark: one long model reply (20,000 small text deltas on the Responses API, streamed by the fake
// OpenAI server as fast as it can) through the whole app — a real host in this process, the
// openai-assistant template in its own forked agent process, SQLite, events — against the same stream
// consumed by a bare `@openai/agents` run in this process. Each path is warmed up once with a small
// stream, then timed 3 times; the medians are compared.
import { Agent, OpenAIResponsesModel, run, setTracingDisabled } from '@openai/agents';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { HostEvent } from '../../electron/api/contract';
import type { TimelineEntry, TimelineMessage } from '../../electron/api/types';
import { createHost } from '../../electron/host/host';
import type { AgentChild, SpawnOptions, Spawner } from '../../electron/host/ports';
import { FileCipher } from '../../electron/serve/file-cipher';
import { ForkSpawner } from '../../electron/serve/fork-spawner';
import { startFakeOpenAI, type Turn } from '../fixtures/openai-server';
import { percentile, procCpuSeconds, procPeakRssMb, procRssMb, repoRoot, tempDir } from './bench-utils';

const TOKENS = 20_000;
const WARMUP_TOKENS = 2_000;
const RUNS = 3;
const API_KEY = 'sk-dspatch-bench-0123456789abcdef';
const TURN_TIMEOUT_MS = 120_000;

setTracingDisabled(true);

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
const { sessions } = await host.call('workspaces.launch', { workspaceId: workspace.id });
const sessionId = sessions[0]?.id;
if (!sessionId) throw new Error('The workspace started no session.');
const agentPid = spawner.pids.at(-1);
if (agentPid === undefined) throw new Error('No agent process was started.');
const agentIdleRss = procRssMb(agentPid);

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

/** Sends `prompt` with `deltas` scripted; resolves when the session is idle again and the text is stored. */
async function dspatchTurn(deltas: string[], prompt: string): Promise<DspatchRun> {
  respondWith(deltas);
  const expected = deltas.join('');
  let generating = false;
  let idleAt = NaN;
  const idle = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Timed out waiting for the turn to end.')), TURN_TIMEOUT_MS);
    onEvent = (event) => {
      if (event.type !== 'session.event' || event.sessionId !== sessionId || event.change.type !== 'state') return;
      if (event.change.state === 'generating') generating = true;
      else if (event.change.state === 'idle' && generating) {
        idleAt = performance.now();
        clearTimeout(timer);
        resolve();
      } else if (event.change.state === 'crashed' || event.change.state === 'stopped') {
        clearTimeout(timer);
        reject(new Error(`The session went ${event.change.state}.`));
      }
    };
  });
  const appendsBefore = appendEvents;
  const agentCpuBefore = procCpuSeconds(agentPid!);
  const hostCpuBefore = procCpuSeconds(process.pid);
  spawner.ipc = freshIpcStats();
  const started = performance.now();
  const { turnId } = await host.call('sessions.send', { sessionId: sessionId!, text: prompt });
  await idle;
  const { entries } = await host.call('sessions.open', { sessionId: sessionId! });
  const seconds = (performance.now() - started) / 1000;
  const agentCpu = procCpuSeconds(agentPid!) - agentCpuBefore;
  const hostCpu = procCpuSeconds(process.pid) - hostCpuBefore;
  onEvent = () => {};
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

await dspatchTurn(chunks(WARMUP_TOKENS), 'Warm up.');
const dspatchRuns: DspatchRun[] = [];
for (let i = 0; i < RUNS; i++) dspatchRuns.push(await dspatchTurn(chunks(TOKENS), `Write ${TOKENS} tokens (run ${i + 1}).`));
const agentPeakRss = procPeakRssMb(agentPid);
await host.call('workspaces.stop', { workspaceId: workspace.id });
await closeHost();

// ───────────────────────────── bare @openai/agents ─────────────────────────────

const client = new OpenAI({ baseURL: fake.baseURL, apiKey: API_KEY, maxRetries: 0 });
const bareAgent = new Agent({
  name: 'bench-bare',
  instructions: 'You are a helpful coding assistant.',
  model: new OpenAIResponsesModel(client, 'gpt-4o'),
});

interface BareRun {
  seconds: number;
  requestMs: number;
  firstDeltaMs: number;
}

async function bareTurn(deltas: string[], prompt: string): Promise<BareRun> {
  respondWith(deltas);
  const expected = deltas.join('');
  const started = performance.now();
  const result = await run(bareAgent, prompt, { stream: true });
  let text = '';
  let firstDeltaAt = NaN;
  for await (const event of result) {
    if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta') {
      if (!text) firstDeltaAt = performance.now();
      text += event.data.delta;
    }
  }
  await result.completed;
  const seconds = (performance.now() - started) / 1000;
  if (text.length !== expected.length || text !== expected) {
    throw new Error(`The bare run streamed ${text.length} characters, expected ${expected.length}.`);
  }
  return { seconds, requestMs: requestAt - started, firstDeltaMs: firstDeltaAt - started };
}

await bareTurn(chunks(WARMUP_TOKENS), 'Warm up.');
const bareRuns: BareRun[] = [];
for (let i = 0; i < RUNS; i++) bareRuns.push(await bareTurn(chunks(TOKENS), `Write ${TOKENS} tokens (run ${i + 1}).`));

await cleanUp();

// ───────────────────────────── report ─────────────────────────────

const median = (values: number[]): number => percentile(values, 50);
const dspatchSeconds = median(dspatchRuns.map((r) => r.seconds));
const bareSeconds = median(bareRuns.map((r) => r.seconds));
const list = (values: number[], digits = 2): string => values.map((v) => v.toFixed(digits)).join(', ');
const ms = (values: number[]): string => `${median(values).toFixed(0)} ms`;
const characters = chunks(TOKENS).join('').length;
console.log(`OpenAI stream: one reply of ${TOKENS.toLocaleString()} text deltas (Responses API SSE from the fake server, as fast as it writes)`);
console.log(`  tokens                         ${TOKENS.toLocaleString()} (${characters.toLocaleString()} characters)`);
console.log(`  through dspatch (median of ${RUNS})   ${dspatchSeconds.toFixed(2)} s   runs: ${list(dspatchRuns.map((r) => r.seconds))} s`);
console.log(`  bare @openai/agents (median)   ${bareSeconds.toFixed(2)} s   runs: ${list(bareRuns.map((r) => r.seconds))} s`);
console.log(`  ratio (dspatch / bare)         ${(dspatchSeconds / bareSeconds).toFixed(2)}×`);
console.log(`  tokens/s through dspatch       ${Math.round(TOKENS / dspatchSeconds).toLocaleString()}`);
console.log(`  tokens/s bare                  ${Math.round(TOKENS / bareSeconds).toLocaleString()}`);
console.log(`  agent process peak RSS         ${agentPeakRss.toFixed(0)} MB (VmHWM, ${agentIdleRss.toFixed(0)} MB after launch)`);
console.log('Where the time goes (medians, ms after send/run)');
console.log(`  dspatch: request at server ${ms(dspatchRuns.map((r) => r.requestMs))}, first delta at host ${ms(dspatchRuns.map((r) => r.firstDeltaMs))}, last delta at host ${ms(dspatchRuns.map((r) => r.lastDeltaMs))}, idle ${ms(dspatchRuns.map((r) => r.idleMs))}`);
console.log(`  bare:    request at server ${ms(bareRuns.map((r) => r.requestMs))}, first delta ${ms(bareRuns.map((r) => r.firstDeltaMs))}, completed ${ms(bareRuns.map((r) => r.seconds * 1000))}`);
console.log(`  agent CPU per run              ${list(dspatchRuns.map((r) => r.agentCpu))} s`);
console.log(`  this process CPU per run       ${list(dspatchRuns.map((r) => r.hostCpu))} s (host + fake server)`);
console.log(`  IPC messages from agent        ${list(dspatchRuns.map((r) => r.ipc.messages), 0)} (text-delta messages: ${list(dspatchRuns.map((r) => r.ipc.deltaMessages), 0)})`);
console.log(`  append events from host        ${list(dspatchRuns.map((r) => r.appends), 0)}`);
process.exit(0);
