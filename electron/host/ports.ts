// The host's seams to its environment. `electron/platform` implements them with Electron
// (utilityProcess, safeStorage); `electron/serve` with plain Node (child_process.fork, AES-GCM file key).
import type { Readable } from 'node:stream';
import type { HostToAgent } from '../../agents/protocol';
import type { SecretBackendInfo } from '../api/types';

/**
 * V8 flags of every agent process, whichever spawner starts it. A 1 MB young generation instead of
 * V8's 16 MB × 2: a token stream fills the default one and an idle agent keeps it resident (~20–30 MB
 * of RSS per agent); the 20k-token bench showed no slowdown beside the bare SDK.
 */
export const AGENT_EXEC_ARGV: readonly string[] = ['--max-semi-space-size=1'];

/**
 * Agents forked by plain Node (browser mode, the CLI) also get one V8 platform thread instead of four:
 * the other three kept 15–50 MB of GC and compiler memory per idle agent, and with a 1 MB young
 * generation the 20k-token bench ran no slower (1.00× the bare SDK, against 1.16–1.23× without it).
 * Not given to Electron's utility processes: whether they honour this Node option is unverified.
 */
export const FORKED_AGENT_EXEC_ARGV: readonly string[] = [...AGENT_EXEC_ARGV, '--v8-pool-size=1'];

export interface SpawnOptions {
  /** Absolute path of the bundled agent module to run. */
  modulePath: string;
  /** The complete environment of the process; nothing is inherited from the host. */
  env: Record<string, string>;
  cwd: string;
  /** Shown in process lists and crash reports, e.g. 'dspatch-agent-coder'. */
  serviceName: string;
}

export interface AgentChild {
  readonly pid: number | undefined;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  send(message: HostToAgent): void;
  /** Raw, unvalidated messages from the process. */
  onMessage(listener: (message: unknown) => void): void;
  /** Fires once, whether the process exited, crashed, was killed or failed to start. */
  onExit(listener: (exit: { code: number | null; signal: string | null; error?: string }) => void): void;
  kill(): void;
}

export interface Spawner {
  spawn(options: SpawnOptions): AgentChild;
}

export interface SecretCipher {
  describe(): Promise<SecretBackendInfo>;
  encrypt(plain: string): Promise<Buffer>;
  /** Throws when the value cannot be decrypted (other machine, other key, corrupted). */
  decrypt(cipher: Buffer): Promise<string>;
}

/**
 * The desktop app's own listener for the Acontext-compatible API (127.0.0.1 only), opened and closed
 * as Settings say; electron/serve/acontext-http.ts implements it. Browser mode serves the API on the
 * app's own port instead.
 */
export interface ApiListener {
  /** Resolves to the base URL clients use; rejects with a message for the user (e.g. the port is taken). */
  listen(port: number): Promise<string>;
  /** Stops listening; does nothing when not listening. */
  close(): Promise<void>;
}
