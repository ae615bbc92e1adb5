// Benchmark: the memory a browser-mode host holds with one echo workspace launched and idle — the
// host process plus every process under it (agent processes, an esbuild service if one is left
// running), read from /proc. The first launch on a fresh data folder bundles the agent, so whatever
// bundling leaves behind is counted. RSS counts pages shared between processes once per process;
// PSS shares them out, so its sum is what the processes really cost together.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { percentile, serveHost, tempDir } from './bench-utils';

const SETTLE_MS = 3_000;
const SAMPLES = 5;
const SAMPLE_EVERY_MS = 500;

interface Proc {
  pid: number;
  name: string;
  rssMb: number;
  pssMb: number;
}

/** `root` and every process descended from it, from /proc. */
function processTree(root: number): Proc[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Gone between the listing and the read.
    }
  }
  const tree: Proc[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    try {
      const kb = (text: string, field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)?.[1] ?? NaN);
      const rssMb = kb(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS') / 1024;
      const pssMb = kb(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss') / 1024;
      tree.push({ pid, name: readFileSync(`/proc/${pid}/comm`, 'utf8').trim(), rssMb, pssMb });
    } catch {
      continue;
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

const dataDir = tempDir('dspatch-bench-idle-data-');
const workspaceDir = tempDir('dspatch-bench-idle-ws-');
writeFileSync(join(workspaceDir, 'dspatch.workspace.yml'), 'name: idle\nagents:\n  echo:\n    template: echo\n');

const host = await serveHost(dataDir);
const idle = new Promise<void>((resolve) =>
  host.onEvent((event) => {
    const change = event.change as { type?: string; state?: string } | undefined;
    if (event.type === 'session.event' && change?.type === 'state' && change.state === 'idle') resolve();
  }),
);
await host.launch(workspaceDir);
await idle;
await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

const samples: Proc[][] = [];
for (let i = 0; i < SAMPLES; i++) {
  samples.push(processTree(host.pid));
  await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
}
host.close();

const median = (pick: (tree: Proc[]) => number) => percentile(samples.map(pick), 50);
const sum = (tree: Proc[], field: 'rssMb' | 'pssMb', which: (p: Proc) => boolean = () => true) =>
  tree.filter(which).reduce((total, p) => total + p[field], 0);
const isHost = (p: Proc) => p.pid === host.pid;
const isEsbuild = (p: Proc) => p.name === 'esbuild';
const isAgent = (p: Proc) => !isHost(p) && !isEsbuild(p);
const last = samples[samples.length - 1];
const mb = (value: number) => `${value.toFixed(0)} MB`.padStart(7);

console.log(`Idle memory: dspatch serve + one launched echo workspace, median of ${SAMPLES} samples from /proc`);
console.log(`  processes                  ${last.map((p) => p.name).join(', ')}`);
console.log(`  host RSS                   ${mb(median((t) => sum(t, 'rssMb', isHost)))}`);
console.log(`  agent processes RSS        ${mb(median((t) => sum(t, 'rssMb', isAgent)))}`);
console.log(`  esbuild service RSS        ${mb(median((t) => sum(t, 'rssMb', isEsbuild)))}`);
console.log(`  all, RSS                   ${mb(median((t) => sum(t, 'rssMb')))}   goal < 120 MB`);
console.log(`  all, PSS                   ${mb(median((t) => sum(t, 'pssMb')))}`);
process.exit(0);
