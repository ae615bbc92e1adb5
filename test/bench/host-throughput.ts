// Benchmark: 10 agent processes stream 100,000 deltas in all, as fast as they can, through a real
// browser-mode host (its own process) into SQLite and out to one WebSocket client. Then the same
// rows through the host's write path alone, and written the naive way (one autocommit statement a
// delta), for comparison.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../electron/store/database';
import { SessionRepo } from '../../electron/store/session-repo';
import { Store } from '../../electron/store/store';
import { Redactor } from '../../electron/host/redactor';
import { SessionWriter, type SessionRef } from '../../electron/host/session-writer';
import { percentile, procCpuSeconds, procPeakRssMb, repoRoot, serveHost, stampsIn, streamedTextOf, tempDir, type BenchChange } from './bench-utils';

const AGENTS = 10;
const TOTAL_DELTAS = 100_000;
const PER_AGENT = TOTAL_DELTAS / AGENTS;

const dataDir = tempDir('dspatch-bench-data-');
const workspaceDir = tempDir('dspatch-bench-ws-');
const cli = join(repoRoot, 'bin', 'dspatch.cjs');

const added = spawnSync(process.execPath, [cli, 'templates', 'add', join(repoRoot, 'test/bench/templates/flood'), '--data-dir', dataDir], { encoding: 'utf8' });
if (added.status !== 0) throw new Error(`templates add failed: ${added.stderr}`);
writeFileSync(
  join(workspaceDir, 'dspatch.workspace.yml'),
  `name: bench\nagents:\n${Array.from({ length: AGENTS }, (_, i) => `  flood${i}:\n    template: bench-flood\n`).join('')}`,
);

const host = await serveHost(dataDir);
const delays: number[] = [];
let received = 0;
let appendEvents = 0;
const idle = new Set<string>();
let onProgress = () => {};

host.onEvent((event, at) => {
  if (event.type !== 'session.event') return;
  const change = event.change as BenchChange;
  if (change.type === 'append') appendEvents++;
  else if (change.type === 'state' && change.state === 'idle') idle.add(event.sessionId as string);
  for (const stamp of stampsIn(streamedTextOf(change))) {
    delays.push(at - stamp);
    received++;
  }
  onProgress();
});

const { sessions } = await host.launch(workspaceDir);
if (sessions.length !== AGENTS) throw new Error(`expected ${AGENTS} sessions, got ${sessions.length}`);

const cpuBefore = procCpuSeconds(host.pid);
const started = performance.now();
idle.clear();
const done = new Promise<void>((resolve) => {
  onProgress = () => received >= TOTAL_DELTAS && idle.size >= AGENTS && resolve();
});
await Promise.all(sessions.map((session) => host.call('sessions.send', { sessionId: session.id, text: String(PER_AGENT) })));
await done;
const seconds = (performance.now() - started) / 1000;
const hostCpu = procCpuSeconds(host.pid) - cpuBefore;
const hostPeakRss = procPeakRssMb(host.pid);
host.close();

/** A fresh database with one workspace and AGENTS idle sessions s0, s1, …; same schema and pragmas as the host's. */
function benchDatabase(prefix: string) {
  const db = openDatabase(tempDir(prefix));
  const now = Date.now();
  db.prepare("INSERT INTO workspaces VALUES ('w', 'bench', '/tmp/naive', ?, ?)").run(now, now);
  for (let i = 0; i < AGENTS; i++) {
    db.prepare("INSERT INTO sessions (id, workspace_id, agent_key, state, created_at, updated_at) VALUES (?, 'w', 'a', 'idle', ?, ?)").run(`s${i}`, now, now);
  }
  return db;
}
const deltaText = () => `|${(performance.timeOrigin + performance.now()).toFixed(3)}`;

// The host's write path alone (SessionWriter: queued, one transaction a tick, a tick's deltas to one
// message coalesced into one chunk, folded at turn end), fed the same deltas round-robin across the
// sessions, yielding to the event loop after each round the way IPC messages arrive: no agents, no
// IPC, no WebSocket.
const store = new Store(benchDatabase('dspatch-bench-writer-'));
const writer = new SessionWriter(store, new Redactor(), () => {});
const refs = Array.from({ length: AGENTS }, (_, i): SessionRef => ({ sessionId: `s${i}`, workspaceId: 'w', agentKey: 'a', runId: null }));
const writerStarted = performance.now();
for (let round = 0; round < PER_AGENT; round++) {
  for (let i = 0; i < AGENTS; i++) writer.text(refs[i], 't', `m${i}`, 'assistant', deltaText(), true);
  await new Promise(setImmediate);
}
for (const ref of refs) writer.turnDone(ref, 't', 'done');
writer.close();
const writerSeconds = (performance.now() - writerStarted) / 1000;
store.close();

// The naive way: the same rows as the host writes (a chunk of streamed text, folded into its
// message when the turn ends), but every delta its own autocommit INSERT.
const db = benchDatabase('dspatch-bench-naive-');
for (let i = 0; i < AGENTS; i++) {
  db.prepare("INSERT INTO messages (id, session_id, role, text, status, position, created_at, updated_at) VALUES (?, ?, 'assistant', '', 'streaming', ?, ?, ?)").run(`m${i}`, `s${i}`, i, Date.now(), Date.now());
}
const repo = new SessionRepo(db);
const naiveStarted = performance.now();
for (let i = 0; i < TOTAL_DELTAS; i++) repo.appendChunk(`s${i % AGENTS}`, `m${i % AGENTS}`, deltaText());
for (let i = 0; i < AGENTS; i++) repo.finishAllStreaming(`s${i}`, 'done', Date.now());
const naiveSeconds = (performance.now() - naiveStarted) / 1000;
db.close();

const rate = TOTAL_DELTAS / seconds;
const naiveRate = TOTAL_DELTAS / naiveSeconds;
console.log('Host throughput: 10 agent processes → host → SQLite → 1 WebSocket client');
console.log(`  deltas received          ${received.toLocaleString()} (in ${appendEvents.toLocaleString()} append events)`);
console.log(`  wall time                ${seconds.toFixed(2)} s`);
console.log(`  deltas per second        ${Math.round(rate).toLocaleString()}`);
console.log(`  delay agent → client     p50 ${percentile(delays, 50).toFixed(1)} ms   p99 ${percentile(delays, 99).toFixed(1)} ms`);
console.log(`  host CPU                 ${hostCpu.toFixed(2)} s`);
console.log(`  host peak RSS            ${hostPeakRss.toFixed(0)} MB`);
const writerRate = TOTAL_DELTAS / writerSeconds;
console.log('The write path alone (SessionWriter, in this process): the same 100,000 deltas, 10 sessions');
console.log(`  wall time                ${writerSeconds.toFixed(2)} s`);
console.log(`  deltas per second        ${Math.round(writerRate).toLocaleString()}`);
console.log('Naive baseline: the same 100,000 deltas, one autocommit INSERT of a chunk each, then folded (no host, no IPC)');
console.log(`  wall time                ${naiveSeconds.toFixed(2)} s`);
console.log(`  appends per second       ${Math.round(naiveRate).toLocaleString()}`);
console.log(`  ratio write path / naive ${(writerRate / naiveRate).toFixed(2)}×   goal ≥ 50×`);
console.log(`  ratio pipeline / naive   ${(rate / naiveRate).toFixed(2)}×   (agents, IPC and the WebSocket included)`);
process.exit(0);
