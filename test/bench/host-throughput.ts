// Benchmark: 10 agent processes stream 100,000 deltas in all, as fast as they can, through a real
// browser-mode host (its own process) into SQLite and out to one WebSocket client. Then the same
// appends done the naive way, one autocommit statement each, for comparison.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { percentile, procCpuSeconds, procPeakRssMb, repoRoot, serveHost, tempDir } from './bench-utils';

const AGENTS = 10;
const TOTAL_DELTAS = 100_000;
const PER_AGENT = TOTAL_DELTAS / AGENTS;

const dataDir = tempDir('dspatch-bench-data-');
const workspaceDir = tempDir('dspatch-bench-ws-');
const cli = join(repoRoot, 'bin', 'dspatch.js');

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
  const change = event.change as { type: string; text?: string; state?: string; entry?: { kind: string; role: string; status: string; text: string } };
  let text = '';
  if (change.type === 'append') {
    text = change.text ?? '';
    appendEvents++;
  } else if (change.type === 'entry' && change.entry?.kind === 'message' && change.entry.role === 'assistant' && change.entry.status === 'streaming') text = change.entry.text;
  else if (change.type === 'state' && change.state === 'idle') idle.add(event.sessionId as string);
  for (const stamp of text.split('|')) {
    if (!stamp) continue;
    delays.push(at - Number(stamp));
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

// The naive way: every delta its own autocommit UPDATE, same schema and pragmas.
const naiveDir = tempDir('dspatch-bench-naive-');
mkdirSync(naiveDir, { recursive: true });
const db = new Database(join(naiveDir, 'naive.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
db.exec(readFileSync(join(repoRoot, 'electron/store/migrations/0001_init.sql'), 'utf8'));
const now = Date.now();
db.prepare("INSERT INTO workspaces VALUES ('w', 'bench', '/tmp/naive', ?, ?)").run(now, now);
for (let i = 0; i < AGENTS; i++) {
  db.prepare("INSERT INTO sessions (id, workspace_id, agent_key, state, created_at, updated_at) VALUES (?, 'w', 'a', 'idle', ?, ?)").run(`s${i}`, now, now);
  db.prepare("INSERT INTO messages (id, session_id, role, text, status, position, created_at, updated_at) VALUES (?, ?, 'assistant', '', 'streaming', ?, ?, ?)").run(`m${i}`, `s${i}`, i, now, now);
}
const append = db.prepare('UPDATE messages SET text = text || ?, updated_at = ? WHERE id = ?');
const naiveStarted = performance.now();
for (let i = 0; i < TOTAL_DELTAS; i++) append.run(`|${(performance.timeOrigin + performance.now()).toFixed(3)}`, Date.now(), `m${i % AGENTS}`);
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
console.log('Naive baseline: the same 100,000 appends, one autocommit UPDATE each (no host, no IPC)');
console.log(`  wall time                ${naiveSeconds.toFixed(2)} s`);
console.log(`  appends per second       ${Math.round(naiveRate).toLocaleString()}`);
console.log(`  ratio (pipeline / naive) ${(rate / naiveRate).toFixed(2)}×`);
process.exit(0);
