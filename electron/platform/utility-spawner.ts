// The desktop `Spawner`: each agent process is an Electron utility process (a Node process supervised
// by Chromium's service manager). The child talks back over `process.parentPort`; on this side the
// 'message' event delivers the raw value (no MessageEvent wrapper), which is what AgentChild promises.
import { utilityProcess } from 'electron';
import type { UtilityProcess } from 'electron';
import type { Readable } from 'node:stream';
import { AGENT_EXEC_ARGV, type AgentChild, type SpawnOptions, type Spawner } from '../host/ports';
import type { HostToAgent } from '../../agents/protocol';
import { consoleLogger } from './logger';
import type { PlatformLogger } from './logger';

type ExitInfo = Parameters<Parameters<AgentChild['onExit']>[0]>[0];

/**
 * Coerces every value to a string and drops null/undefined: a utility process refuses to start when an
 * env value is not a string. Nothing from the host's `process.env` is added.
 */
export function toProcessEnv(env: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || value === null) continue;
    out[key] = String(value);
  }
  return out;
}

class UtilityAgentChild implements AgentChild {
  readonly #proc: UtilityProcess | null;
  readonly #messageListeners: ((message: unknown) => void)[] = [];
  readonly #exitListeners: ((exit: ExitInfo) => void)[] = [];
  /** Messages that arrived before anyone listened; delivered to the first listener. */
  #pending: unknown[] = [];
  #fatal: string | undefined;
  #killed = false;
  #exit: ExitInfo | null = null;

  constructor(
    proc: UtilityProcess | null,
    private readonly serviceName: string,
    private readonly log: PlatformLogger,
    startError?: string,
  ) {
    this.#proc = proc;
    if (!proc) {
      // Failed to start: report it like any other exit, but asynchronously so callers can subscribe.
      queueMicrotask(() =>
        this.#finish({ code: null, signal: null, error: startError ?? 'failed to start' }),
      );
      return;
    }
    proc.on('message', (message: unknown) => {
      if (this.#messageListeners.length === 0) this.#pending.push(message);
      else for (const listener of this.#messageListeners) listener(message);
    });
    proc.on('error', (type, location, _report) => {
      // A fatal V8 error; Electron still emits 'exit' afterwards. The report may be large: keep it out.
      this.#fatal = `${type} at ${location}`;
      this.log.error('agent process fatal error', { serviceName, pid: proc.pid, type, location });
    });
    proc.on('exit', (code: number) => {
      this.#finish({
        code,
        signal: this.#killed ? 'SIGTERM' : null,
        ...(this.#fatal ? { error: this.#fatal } : {}),
      });
    });
  }

  get pid(): number | undefined {
    return this.#proc?.pid;
  }

  get stdout(): Readable | null {
    // Electron types these as NodeJS.ReadableStream; at runtime they are stream.Readable instances.
    return (this.#proc?.stdout ?? null) as Readable | null;
  }

  get stderr(): Readable | null {
    return (this.#proc?.stderr ?? null) as Readable | null;
  }

  send(message: HostToAgent): void {
    if (!this.#proc || this.#exit) return; // nobody left to tell
    try {
      this.#proc.postMessage(message);
    } catch (error) {
      this.log.warn('could not post to agent process', {
        serviceName: this.serviceName,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  onMessage(listener: (message: unknown) => void): void {
    this.#messageListeners.push(listener);
    if (this.#pending.length > 0) {
      const pending = this.#pending;
      this.#pending = [];
      for (const message of pending) listener(message);
    }
  }

  onExit(listener: (exit: ExitInfo) => void): void {
    if (this.#exit) {
      const exit = this.#exit;
      queueMicrotask(() => listener(exit));
      return;
    }
    this.#exitListeners.push(listener);
  }

  kill(): void {
    if (!this.#proc || this.#exit) return;
    this.#killed = true;
    this.#proc.kill();
  }

  #finish(exit: ExitInfo): void {
    if (this.#exit) return; // fires once
    this.#exit = exit;
    const listeners = this.#exitListeners.splice(0);
    for (const listener of listeners) listener(exit);
  }
}

export class UtilitySpawner implements Spawner {
  constructor(private readonly log: PlatformLogger = consoleLogger) {}

  spawn(options: SpawnOptions): AgentChild {
    let proc: UtilityProcess;
    try {
      proc = utilityProcess.fork(options.modulePath, [], {
        env: toProcessEnv(options.env),
        cwd: options.cwd,
        stdio: 'pipe',
        serviceName: options.serviceName,
        execArgv: [...AGENT_EXEC_ARGV],
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.error('agent process failed to start', { serviceName: options.serviceName, error: message });
      return new UtilityAgentChild(null, options.serviceName, this.log, message);
    }
    return new UtilityAgentChild(proc, options.serviceName, this.log);
  }
}
