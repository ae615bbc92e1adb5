// One agent process: spawned through the Spawner, every message validated before anyone trusts
// it, stdout/stderr captured line by line with a bounded tail for crash reports.
import { agentToHostSchema, type AgentToHost, type HostToAgent } from '../../agents/protocol';
import type { AgentChild, SpawnOptions, Spawner } from './ports';

const TAIL_LINES = 40;
const MAX_LINE_LENGTH = 2000;
/** Output beyond this many lines per second is counted, not stored: a chatty agent can't flood the log. */
const MAX_LINES_PER_SECOND = 200;
const SHUTDOWN_GRACE_MS = 2000;

export interface AgentProcessEvents {
  message(message: AgentToHost): void;
  /** A message that failed validation, described for the log. */
  invalid(problem: string): void;
  output(stream: 'stdout' | 'stderr', line: string): void;
  exit(exit: { code: number | null; signal: string | null; error?: string; expected: boolean; tail: string[] }): void;
}

export class AgentProcess {
  readonly #child: AgentChild;
  readonly #tail: string[] = [];
  #lastSeq = 0;
  #stopping = false;
  #alive = true;
  #ready: Promise<void>;
  #markReady!: () => void;
  #exited: Promise<void>;
  #lineBudget = { windowStart: 0, count: 0, dropped: 0 };

  constructor(
    spawner: Spawner,
    options: SpawnOptions,
    private readonly events: AgentProcessEvents,
  ) {
    this.#ready = new Promise((resolve) => (this.#markReady = resolve));
    this.#child = spawner.spawn(options);
    let markExited!: () => void;
    this.#exited = new Promise((resolve) => (markExited = resolve));
    this.#child.onMessage((raw) => this.#receive(raw));
    this.#child.onExit((exit) => {
      this.#alive = false;
      this.#markReady();
      events.exit({ ...exit, expected: this.#stopping, tail: [...this.#tail] });
      markExited();
    });
    this.#captureLines(this.#child.stdout, 'stdout');
    this.#captureLines(this.#child.stderr, 'stderr');
  }

  get alive(): boolean {
    return this.#alive;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Resolves when the process said `ready` (or died trying). */
  get ready(): Promise<void> {
    return this.#ready;
  }

  send(message: HostToAgent): boolean {
    if (!this.#alive) return false;
    try {
      this.#child.send(message);
      return true;
    } catch {
      return false;
    }
  }

  /** Asks the process to leave, then kills it if it has not within the grace period. */
  async stop(): Promise<void> {
    if (!this.#alive) return;
    this.#stopping = true;
    this.send({ type: 'signal.terminate' });
    const timer = setTimeout(() => this.#child.kill(), SHUTDOWN_GRACE_MS);
    await this.#exited;
    clearTimeout(timer);
  }

  #receive(raw: unknown): void {
    const parsed = agentToHostSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const type = typeof raw === 'object' && raw && 'type' in raw ? String((raw as { type: unknown }).type) : 'unknown';
      this.events.invalid(`type "${type}": ${issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'invalid'}`);
      return;
    }
    const message = parsed.data;
    if (message.seq <= this.#lastSeq) {
      this.events.invalid(`type "${message.type}": seq ${message.seq} is not after ${this.#lastSeq}; dropped as a duplicate`);
      return;
    }
    this.#lastSeq = message.seq;
    if (message.type === 'ready') this.#markReady();
    this.events.message(message);
  }

  #captureLines(stream: NodeJS.ReadableStream | null, name: 'stdout' | 'stderr'): void {
    if (!stream) return;
    let buffered = '';
    stream.setEncoding?.('utf8');
    stream.on('data', (chunk: string | Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        this.#line(name, buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
      }
      if (buffered.length > MAX_LINE_LENGTH) {
        this.#line(name, buffered);
        buffered = '';
      }
    });
    stream.on('end', () => buffered && this.#line(name, buffered));
  }

  #line(stream: 'stdout' | 'stderr', raw: string): void {
    const line = raw.length > MAX_LINE_LENGTH ? `${raw.slice(0, MAX_LINE_LENGTH)}… (${raw.length} chars)` : raw.trimEnd();
    if (!line) return;
    this.#tail.push(line);
    if (this.#tail.length > TAIL_LINES) this.#tail.shift();

    const now = Date.now();
    const budget = this.#lineBudget;
    if (now - budget.windowStart >= 1000) {
      if (budget.dropped > 0) this.events.output(stream, `… ${budget.dropped} lines of output were not stored`);
      budget.windowStart = now;
      budget.count = 0;
      budget.dropped = 0;
    }
    if (++budget.count > MAX_LINES_PER_SECOND) {
      budget.dropped++;
      return;
    }
    this.events.output(stream, line);
  }
}
