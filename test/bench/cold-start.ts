// Benchmark: how long the built `dspatch` command takes to start, as a user runs it (`node
// bin/dspatch.cjs`): `--version` to exit, and `serve --port 0` to the URL line on an existing data
// folder. Like hyperfine: warm-up runs first (page cache, the data folder's first-run work), then the
// median and spread of RUNS timed runs each. `node -e 0` is timed the same way: the floor no command
// gets under on this machine.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { percentile, repoRoot, tempDir } from './bench-utils';

const RUNS = 15;
const WARMUP = 3;
const cli = join(repoRoot, 'bin', 'dspatch.cjs');
const dataDir = tempDir('dspatch-bench-cold-');

/** Milliseconds from spawn to exit. */
function timeToExit(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
  return ms;
}

/** Milliseconds from spawn to the URL line of `dspatch serve`; then stops it and waits for its exit. */
async function timeToUrl(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ms = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => line.startsWith('http://') && resolve(performance.now() - started));
    child.once('exit', (code) => reject(new Error(`dspatch serve exited with ${code} before printing its URL`)));
  });
  child.kill('SIGTERM');
  await exited;
  return ms;
}

async function measure(run: () => number | Promise<number>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await run());
  return times;
}

const line = (label: string, times: number[], goal: string) =>
  console.log(
    `  ${label.padEnd(28)} ${`${percentile(times, 50).toFixed(0)} ms`.padStart(7)}   (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})`.padEnd(62) +
      goal,
  );

const bare = await measure(() => timeToExit(['-e', '0']));
const version = await measure(() => timeToExit([cli, '--version']));
const serve = await measure(timeToUrl);
rmSync(dataDir, { recursive: true, force: true });

console.log(`Cold start of the dspatch command: median of ${RUNS} runs after ${WARMUP} warm-ups`);
line('node -e 0 (the floor)', bare, '');
line('dspatch --version', version, 'goal < 120 ms');
line('dspatch serve → URL printed', serve, 'goal < 200 ms');
process.exit(0);
