import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Benchmarks run from the repository root (npm run bench). */
export const repoRoot = resolve(process.cwd());

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** A session event's change, as much of it as the benchmarks read. */
export interface BenchChange {
  type: string;
  text?: string;
  state?: string;
  entry?: { kind: string; role: string; status: string; text: string };
}

/**
 * The streamed text a change carries: an append's, or a streaming reply's first entry (which holds its
 * first deltas; later entries of it only change its status).
 */
export function streamedTextOf(change: BenchChange): string {
  if (change.type === 'append') return change.text ?? '';
  const entry = change.type === 'entry' ? change.entry : undefined;
  return entry?.kind === 'message' && entry.role === 'assistant' && entry.status === 'streaming' ? entry.text : '';
}

/** The send times (ms) the bench agents stamp into their deltas: `|<ms>|<ms>…`. */
export function stampsIn(text: string): number[] {
  return text.split('|').filter(Boolean).map(Number);
}

/** User + system CPU seconds a process has used (Linux /proc). */
export function procCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticksPerSecond = 100;
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** Peak resident set size of a process in MB (Linux VmHWM). */
export function procPeakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** Current resident set size of a process in MB (Linux VmRSS). */
export function procRssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** `dspatch serve` in its own process on a free port, and a HostApi client on its WebSocket. */
export async function serveHost(dataDir: string, env: Record<string, string> = {}) {
  const { spawn } = await import('node:child_process');
  const { createInterface } = await import('node:readline');
  const { default: WebSocket } = await import('ws');
  // BENCH_HOST_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") are node options for the host alone.
  const nodeArgs = process.env.BENCH_HOST_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, join(repoRoot, 'bin', 'dspatch.cjs'), 'serve', '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => line.startsWith('http://') && resolve(line.trim()));
    child.once('exit', (code) => reject(new Error(`dspatch serve exited with ${code}`)));
  });
  const { host: address, searchParams } = new URL(url);
  const socket = new WebSocket(`ws://${address}/api?token=${searchParams.get('token')}`);
  await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const listeners = new Set<(event: { type: string; [key: string]: unknown }, at: number) => void>();
  socket.on('message', (data) => {
    const at = performance.timeOrigin + performance.now();
    const frame = JSON.parse(data.toString());
    if (frame.id !== undefined) {
      const call = pending.get(frame.id);
      pending.delete(frame.id);
      if (frame.error) call?.reject(new Error(frame.error.message));
      else call?.resolve(frame.result);
    } else if (frame.event) for (const listener of listeners) listener(frame.event, at);
  });
  return {
    pid: child.pid!,
    /** The address (with its access token) a browser opens. */
    url,
    call<T>(method: string, params: unknown): Promise<T> {
      const id = nextId++;
      socket.send(JSON.stringify({ id, method, params }));
      return new Promise<T>((resolve, reject) => pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
    },
    onEvent(listener: (event: { type: string; [key: string]: unknown }, at: number) => void) {
      listeners.add(listener);
    },
    /** Adds a workspace folder, confirms what it runs, launches it. */
    async launch(dir: string): Promise<{ id: string; sessions: { id: string; agentKey: string }[] }> {
      const workspace = await this.call<{ id: string }>('workspaces.add', { dir });
      const consent = await this.call<{ fingerprint: string }>('workspaces.launchConsent', { workspaceId: workspace.id });
      await this.call('workspaces.consent', { workspaceId: workspace.id, fingerprint: consent.fingerprint });
      const { sessions } = await this.call<{ sessions: { id: string; agentKey: string }[] }>('workspaces.launch', { workspaceId: workspace.id });
      return { id: workspace.id, sessions };
    },
    close() {
      socket.close();
      child.kill('SIGTERM');
    },
    /** Stops the host and waits until it has released the data folder. */
    async stop(): Promise<void> {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      this.close();
      await exited;
    },
  };
}
