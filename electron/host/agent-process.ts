// One agent process: spawned through the Spawner, every message validated before anyone trusts
// it, stdout/stderr captured line by line with a bounded tail for crash reports. The process is
// untrusted code: nothing it sends may throw out of here, and a process that goes silent while a
// turn is open (its runtime sends heartbeats while one runs) is killed and reported as stalled.
import { agentToHostSchema, PROTOCOL_LIMITS, type AgentToHost, type HostToAgent } from '../../agents/protocol';
import type { AgentChild, SpawnOptions, Spawner } from './ports';

/**
 * How far a seq may run ahead of the last accepted one. The runtime counts +1 per message; a gap
 * only comes from messages that never arrived, so a bigger jump is a forged or broken counter.
 */
export const MAX_SEQ_GAP = 1000;
const TAIL_LINES = 40;
const MAX_LINE_LENGTH = 2000;
/** Output beyond this many lines per second is counted, not stored: a chatty agent can't flood the log. */
const MAX_LINES_PER_SECOND = 200;
const SHUTDOWN_GRACE_MS = 2000;
/**
 * How long an exit report waits for the last output still in the pipes (a process's final lines
 * usually arrive after its exit). A grandchild holding the pipe open must not delay it for longer.
 */
const OUTPUT_DRAIN_MS = 500;

export interface AgentProcessEvents {
  message(message: AgentToHost): void;
  /** A message that failed validation, described for the log. */
  invalid(problem: string): void;
  output(stream: 'stdout' | 'stderr', line: string): void;
  exit(exit: { code: number | null; signal: string | null; error?: string; expected: boolean; tail: string[] }): void;
  /**
   * Handling something the process sent threw; it was dropped and the process keeps being served.
   * `message` is set when the message itself was valid.
   */
  failed(type: string, error: unknown, message?: AgentToHost): void;
  /** Nothing arrived for `silenceMs` while a turn was open; the process is being killed. */
  stalled(silenceMs: number): void;
}

export interface AgentProcessOptions {
  /** How long the process may stay silent while a turn is open before it is killed. */
  silenceMs: number;
}

export class AgentProcess {
  readonly #child: AgentChild;
  readonly #tail: string[] = [];
  #lastSeq = 0;
  /** `${instanceId}:${turnId}` of every input sent whose `turn.done` has not arrived. */
  readonly #openTurns = new Set<string>();
  #lastHeard = Date.now();
  #watchdog: NodeJS.Timeout | null = null;
  #stopping = false;
  #alive = true;
  #ready: Promise<void>;
  #markReady!: () => void;
  #exited: Promise<void>;
  #lineBudget = { windowStart: 0, count: 0, dropped: 0 };
  readonly #outputEnded: Promise<void>[] = [];

  constructor(
    spawner: Spawner,
    options: SpawnOptions,
    private readonly events: AgentProcessEvents,
    private readonly limits: AgentProcessOptions,
  ) {
    this.#ready = new Promise((resolve) => (this.#markReady = resolve));
    this.#child = spawner.spawn(options);
    let markExited!: () => void;
    this.#exited = new Promise((resolve) => (markExited = resolve));
    this.#child.onMessage((raw) => this.#receive(raw));
    this.#captureLines(this.#child.stdout, 'stdout');
    this.#captureLines(this.#child.stderr, 'stderr');
    this.#child.onExit((exit) => {
      this.#alive = false;
      this.#stopWatchdog();
      // The exit is reported (and `ready` settles) with the output that was still in the pipes.
      let timer: NodeJS.Timeout | undefined;
      const drained = new Promise<void>((resolve) => (timer = setTimeout(resolve, OUTPUT_DRAIN_MS)));
      void Promise.race([Promise.all(this.#outputEnded), drained]).then(() => {
        clearTimeout(timer);
        this.#safely('exit', () => events.exit({ ...exit, expected: this.#stopping, tail: [...this.#tail] }));
        this.#markReady();
        markExited();
      });
    });
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
    } catch {
      return false;
    }
    if (message.type === 'input') this.#turnOpened(`${message.instanceId}:${message.turnId}`);
    return true;
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
    this.#lastHeard = Date.now();
    const type = typeof raw === 'object' && raw && 'type' in raw ? String((raw as { type: unknown }).type).slice(0, 100) : 'unknown';
    let message: AgentToHost | undefined;
    try {
      const parsed = wellFormedMessage(raw) ?? agentToHostSchema.safeParse(raw);
      if (!parsed.success) {
        // A refused message still used its seq, if it had a plausible one: later ones must not look like a jump.
        const seq = (raw as { seq?: unknown } | null)?.seq;
        if (typeof seq === 'number' && this.#seqProblem(seq) === null) this.#lastSeq = seq;
        const issue = parsed.error.issues[0];
        const problem = issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'invalid';
        this.events.invalid(`type "${type}": ${problem.slice(0, MAX_LINE_LENGTH)}`);
        return;
      }
      const problem = this.#seqProblem(parsed.data.seq);
      if (problem) {
        this.events.invalid(`type "${type}": ${problem}`);
        return;
      }
      message = parsed.data;
      this.#lastSeq = message.seq;
      if (message.type === 'ready') this.#markReady();
      if (message.type === 'turn.done') this.#turnClosed(`${message.instanceId}:${message.turnId}`);
      this.events.message(message);
    } catch (error) {
      this.events.failed(type, error, message);
    }
  }

  #seqProblem(seq: number): string | null {
    if (seq <= this.#lastSeq) return `seq ${seq} is not after ${this.#lastSeq}; dropped as a duplicate`;
    if (seq > this.#lastSeq + MAX_SEQ_GAP) return `seq ${seq} jumps more than ${MAX_SEQ_GAP} past ${this.#lastSeq}; refused`;
    return null;
  }

  /** Runs a handler of something the process sent; whatever it throws stays here. */
  #safely(type: string, handle: () => void): void {
    try {
      handle();
    } catch (error) {
      this.events.failed(type, error);
    }
  }

  // ── the turn watchdog ───────────────────────────────────────────────────────────────────────

  #turnOpened(key: string): void {
    this.#openTurns.add(key);
    if (this.#watchdog) return;
    this.#lastHeard = Date.now();
    const every = Math.max(10, Math.floor(this.limits.silenceMs / 4));
    let lastCheck = Date.now();
    this.#watchdog = setInterval(() => {
      const now = Date.now();
      // A late check means the host itself was blocked: messages may be waiting unread.
      const hostWasBusy = now - lastCheck > 2 * every;
      lastCheck = now;
      if (hostWasBusy) this.#lastHeard = now;
      else if (now - this.#lastHeard > this.limits.silenceMs) this.#stall();
    }, every);
    this.#watchdog.unref();
  }

  #turnClosed(key: string): void {
    this.#openTurns.delete(key);
    if (this.#openTurns.size === 0) this.#stopWatchdog();
  }

  #stopWatchdog(): void {
    if (this.#watchdog) clearInterval(this.#watchdog);
    this.#watchdog = null;
  }

  #stall(): void {
    this.#stopWatchdog();
    this.#openTurns.clear();
    this.#safely('stall', () => this.events.stalled(this.limits.silenceMs));
    // A blocked event loop never reads `signal.terminate`: kill at once.
    this.#child.kill();
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
    this.#outputEnded.push(
      new Promise((resolve) => {
        stream.on('end', () => {
          if (buffered) this.#line(name, buffered);
          resolve();
        });
        stream.on('close', resolve);
        stream.on('error', () => resolve());
      }),
    );
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

const isId = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= PROTOCOL_LIMITS.id;

/**
 * A `message` (a streamed delta, or a whole text) checked by hand: it is nearly every message an agent
 * sends, and zod cost more host CPU than the rest of its way to the client. Accepts only what the
 * schema accepts, copying the known fields as the schema does; anything else goes to the schema,
 * which refuses it with its reason.
 */
function wellFormedMessage(raw: unknown): { success: true; data: AgentToHost } | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  if (m.type !== 'message') return undefined;
  const { instanceId, turnId, seq, messageId, role, content, isDelta } = m;
  if (!(instanceId === null || isId(instanceId)) || !(turnId === null || isId(turnId))) return undefined;
  if (!Number.isSafeInteger(seq) || (seq as number) <= 0 || !isId(messageId)) return undefined;
  if ((role !== 'assistant' && role !== 'user') || typeof content !== 'string' || content.length > PROTOCOL_LIMITS.text || typeof isDelta !== 'boolean') return undefined;
  return { success: true, data: { type: 'message', instanceId, turnId, seq: seq as number, messageId, role, content, isDelta } };
}
