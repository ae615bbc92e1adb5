// The built `dspatch` command in real processes, as a user runs it: one-shot commands with their
// output, and `dspatch serve` started on a free port. Every serve started here is killed by
// killServers() (call it in afterEach).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from './paths';

export const CLI = join(repoRoot, 'bin', 'dspatch.cjs');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A minimal environment: the host's own variables never leak into a test by accident. */
function minimalEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...extra };
}

/** Runs `dspatch …` to the end, with optional env additions, working directory and stdin. */
export function dspatch(args: string[], options: { env?: Record<string, string>; cwd?: string; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? repoRoot, env: minimalEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const servers = new Set<ChildProcess>();

/** Starts `dspatch serve --port 0 …args`; resolves with its URL once printed (it holds the data folder by then). */
export async function serveProcess(dataDir: string, env: Record<string, string> = {}, args: string[] = []): Promise<{ child: ChildProcess; url: URL }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dataDir, ...args], { env: minimalEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  servers.add(child);
  child.once('exit', () => servers.delete(child));
  const output: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  const url = await new Promise<URL>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      if (line.startsWith('http://')) resolve(new URL(line.trim()));
    });
    child.once('exit', (code) => reject(new Error(`dspatch serve exited with ${code}:\n${output.join('\n')}`)));
  });
  return { child, url };
}

export function killServers(): void {
  for (const server of servers) server.kill('SIGKILL');
  servers.clear();
}
