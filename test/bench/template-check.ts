// Benchmark: `dspatch templates check` on a fresh scaffold, the real CLI in its own process each time
// (cold: a new Node, a new TypeScript program, a bundle into an empty cache), RUNS times. Prints the
// wall time of the command and the check's own split: YAML, types, cold bundle.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { percentile, repoRoot, tempDir } from './bench-utils';

const RUNS = 5;
const cli = join(repoRoot, 'bin', 'dspatch.cjs');
const dir = join(tempDir('dspatch-bench-template-'), 'bench-agent');
const made = spawnSync(process.execPath, [cli, 'templates', 'new', 'bench-agent', dir], { encoding: 'utf8' });
if (made.status !== 0) throw new Error(`templates new failed: ${made.stderr}`);

const wall: number[] = [];
const split = { config: [] as number[], types: [] as number[], bundle: [] as number[] };
for (let run = 0; run < RUNS; run++) {
  const started = performance.now();
  const check = spawnSync(process.execPath, [cli, 'templates', 'check', dir, '--json'], { encoding: 'utf8' });
  wall.push(performance.now() - started);
  if (check.status !== 0) throw new Error(`templates check failed on the scaffold:\n${check.stdout}${check.stderr}`);
  const { timings } = JSON.parse(check.stdout) as { timings: { config: number; types: number; bundle: number } };
  split.config.push(timings.config);
  split.types.push(timings.types);
  split.bundle.push(timings.bundle);
}
const show = (values: number[]) => `median ${percentile(values, 50).toFixed(0)} ms  max ${Math.max(...values).toFixed(0)} ms`;
console.log(`templates check, ${RUNS} cold runs on a scaffold`);
console.log(`  whole command   ${show(wall)}   goal < 15000 ms on the 2-core CI machine`);
console.log(`  YAML            ${show(split.config)}`);
console.log(`  types (tsc)     ${show(split.types)}`);
console.log(`  cold bundle     ${show(split.bundle)}   goal < 5000 ms`);
