// Benchmark: many agents streaming at a model's pace at once. 10 ticker agents each stream one
// message of 4,000 deltas, one every 5 ms (200 tokens/s for about 20 s), through a real
// `dspatch serve` to one WebSocket client. Prints the agent → client delay of every delta and the
// host's CPU while they stream (from /proc, as a share of one core).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { percentile, procCpuSeconds, repoRoot, serveHost, stampsIn, streamedTextOf, tempDir, type BenchChange } from './bench-utils';

const AGENTS = 10;
const DELTAS = 4000;
const EVERY_MS = 5;

const dataDir = tempDir('dspatch-bench-stream-');
const workspaceDir = tempDir('dspatch-bench-stream-ws-');
const added = spawnSync(process.execPath, [join(repoRoot, 'bin', 'dspatch.cjs'), 'templates', 'add', join(repoRoot, 'test/bench/templates/ticker'), '--data-dir', dataDir], { encoding: 'utf8' });
if (added.status !== 0) throw new Error(`templates add failed: ${added.stderr}`);
writeFileSync(
  join(workspaceDir, 'dspatch.workspace.yml'),
  `name: bench-stream\nagents:\n${Array.from({ length: AGENTS }, (_, i) => `  ticker${i}:\n    template: bench-ticker\n`).join('')}`,
);

const host = await serveHost(dataDir);
const delays: number[] = [];
const streamed = new Set<string>();
const finished = new Set<string>();
let onFinished = () => {};
host.onEvent((event, at) => {
  if (event.type !== 'session.event') return;
  const change = event.change as BenchChange;
  const sessionId = event.sessionId as string;
  const text = streamedTextOf(change);
  if (text) streamed.add(sessionId);
  for (const stamp of stampsIn(text)) delays.push(at - stamp);
  if (change.type === 'state' && change.state === 'idle' && streamed.has(sessionId)) {
    finished.add(sessionId);
    onFinished();
  }
});

const { sessions } = await host.launch(workspaceDir);
if (sessions.length !== AGENTS) throw new Error(`expected ${AGENTS} sessions, got ${sessions.length}`);
const done = new Promise<void>((resolve) => (onFinished = () => finished.size >= AGENTS && resolve()));
const cpuBefore = procCpuSeconds(host.pid);
const started = performance.now();
await Promise.all(sessions.map((session) => host.call('sessions.send', { sessionId: session.id, text: `${DELTAS} ${EVERY_MS}` })));
await done;
const seconds = (performance.now() - started) / 1000;
const cpuSeconds = procCpuSeconds(host.pid) - cpuBefore;
const cpuPercent = (cpuSeconds / seconds) * 100;
host.close();

if (delays.length !== AGENTS * DELTAS) throw new Error(`received ${delays.length} deltas, expected ${AGENTS * DELTAS}`);
console.log(`Streaming: ${AGENTS} agents × ${DELTAS.toLocaleString()} deltas, one every ${EVERY_MS} ms, → dspatch serve → 1 WebSocket client`);
console.log(`  wall time                ${seconds.toFixed(1)} s (${Math.round(delays.length / seconds).toLocaleString()} deltas/s)`);
console.log(`  delay agent → client     p50 ${percentile(delays, 50).toFixed(1)} ms   p99 ${percentile(delays, 99).toFixed(1)} ms   goal p99 < 15 ms`);
// CPU-seconds too: unlike the share of wall time, they hardly change with the machine's load.
console.log(`  host CPU                 ${cpuPercent.toFixed(1)}% of a core (${cpuSeconds.toFixed(2)} CPU-s)   goal < 8%`);
process.exit(0);
