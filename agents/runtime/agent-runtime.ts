// The process side of the protocol: one agent process hosts many instances (conversations). Each
// instance runs the agent function one turn at a time — idle → generating → (waiting_*) → idle —
// queues input that arrives while it is busy, and survives both a failed and a stopped turn.
import { AGENT_ENV, hostToAgentSchema, type ForwardedInquiry, PROTOCOL_LIMITS, truncateText, type ChatMessage, type HostToAgent, type InstanceState } from '../protocol';
import type { AgentEnvironment, Context, ContextInit } from '../sdk/context';
import type { HostPort } from './host-port';

/** `prompt = yield` gets the next message: the runtime always sends one (a string). */
export type AgentGenerator = AsyncGenerator<unknown, unknown, string>;
/** A generator (`prompt = yield` between turns) or a plain async function (a returned string is the reply). */
export type AgentFunction<C extends Context> = (
  prompt: string,
  ctx: C,
) => AgentGenerator | Promise<string | void | undefined> | string | void;
export type ContextClass<C extends Context> = new (init: ContextInit) => C;

export const SDK_VERSION = '0.1.0';
/** How long a stopped turn may take to wind down before its generator is abandoned. */
const STOPPED_TURN_GRACE_MS = 5000;
/** When the host did not say: its default silence bound is six of these. */
const DEFAULT_HEARTBEAT_MS = 20_000;

interface QueuedInput {
  turnId: string;
  content: string;
  sender?: string;
  /** A subordinate's inquiry this turn is about (inquiry-desk.ts). */
  inquiry?: ForwardedInquiry;
}
/** A history rewind waits its place in the queue: it applies after the turns before it, never during one. */
type Queued = QueuedInput | { reset: ChatMessage[] };

export function readEnvironment(env: NodeJS.ProcessEnv): AgentEnvironment {
  let peers: string[] = [];
  try {
    const parsed: unknown = JSON.parse(env[AGENT_ENV.peers] ?? '[]');
    if (Array.isArray(parsed)) peers = parsed.filter((p): p is string => typeof p === 'string');
  } catch {
    peers = [];
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith(AGENT_ENV.fieldPrefix) && value !== undefined) {
      fields[name.slice(AGENT_ENV.fieldPrefix.length).toLowerCase()] = value;
    }
  }
  return {
    agentKey: env[AGENT_ENV.agentKey] ?? 'agent',
    workspaceDir: env[AGENT_ENV.workspaceDir] ?? process.cwd(),
    peers,
    fields,
  };
}

/**
 * While any turn runs, tells the host the process is alive. A timer, not agent output: a slow
 * model call keeps beating; only a blocked event loop or a broken channel goes quiet, and the host
 * kills a process that is silent while a turn is open.
 */
class Heartbeat {
  #turns = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly port: HostPort,
    private readonly everyMs: number,
  ) {}

  begin(): void {
    if (this.#turns++ > 0) return;
    this.#timer = setInterval(() => this.port.send({ type: 'heartbeat', instanceId: null, turnId: null }), this.everyMs);
  }

  end(): void {
    if (--this.#turns > 0 || !this.#timer) return;
    clearInterval(this.#timer);
    this.#timer = null;
  }
}

class Instance<C extends Context> {
  readonly ctx: C;
  #state: InstanceState = 'idle';
  #queue: Queued[] = [];
  #generator: AgentGenerator | null = null;
  #running = false;
  /** The step of a stopped turn that has not wound down yet. */
  #stoppedStep: Promise<unknown> | null = null;
  #interruptTurn: (() => void) | null = null;

  constructor(
    readonly id: string,
    private readonly fn: AgentFunction<C>,
    private readonly port: HostPort,
    private readonly heartbeat: Heartbeat,
    ContextCtor: ContextClass<C>,
    environment: AgentEnvironment,
    history: ChatMessage[],
  ) {
    this.ctx = new ContextCtor({
      instanceId: id,
      environment,
      history,
      emit: (message) => port.send(message),
      setState: (state) => this.#setState(state),
    });
  }

  enqueue(input: Queued): void {
    this.#queue.push(input);
    void this.#drain();
  }

  interrupt(): void {
    this.#interruptTurn?.();
  }

  #setState(state: InstanceState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.port.send({ type: 'state', instanceId: this.id, turnId: this.ctx.turnId, state });
  }

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#queue.length > 0) {
        const next = this.#queue.shift()!;
        if ('reset' in next) await this.#reset(next.reset);
        else await this.#runTurn(next);
      }
    } finally {
      this.#running = false;
    }
  }

  /** A stopped turn still winding down would write its end into the rewound history: wait for it first. */
  async #reset(history: ChatMessage[]): Promise<void> {
    await this.#waitForStoppedTurn();
    this.ctx.resetHistory(history);
  }

  async #runTurn(input: QueuedInput): Promise<void> {
    this.heartbeat.begin();
    try {
      await this.#execute(input);
    } finally {
      this.heartbeat.end();
    }
  }

  async #execute(input: QueuedInput): Promise<void> {
    await this.#waitForStoppedTurn();
    this.ctx.beginTurn(input.turnId, input.content, input.sender);
    if (input.inquiry) this.ctx.inquiryDesk.deliver(input.inquiry);
    this.#setState('generating');

    const step = this.#step(input.content).then(
      () => ({ kind: 'completed' as const }),
      (error: unknown) => ({ kind: 'failed' as const, error }),
    );
    const stopped = new Promise<{ kind: 'interrupted' }>((resolve) => {
      this.#interruptTurn = () => {
        this.ctx.interrupt();
        resolve({ kind: 'interrupted' });
      };
    });
    const outcome = await Promise.race([step, stopped]);
    this.#interruptTurn = null;

    let status: 'completed' | 'interrupted' | 'failed' = outcome.kind;
    let error: string | undefined;
    if (outcome.kind === 'interrupted') {
      this.#stoppedStep = step;
    } else if (outcome.kind === 'failed') {
      // The generator is finished after a throw: the next message starts a fresh one.
      this.#generator = null;
      error = describeError(outcome.error);
      this.ctx.reportError(`The agent failed: ${error}`);
    }
    const { failure } = this.ctx.endTurn();
    if (status === 'completed' && failure) {
      status = 'failed';
      error = failure;
    }
    this.port.send({ type: 'turn.done', instanceId: this.id, turnId: input.turnId, status, error: error && truncateText(error, PROTOCOL_LIMITS.log) });
    this.#setState('idle');
  }

  /** Runs the agent function for one prompt: the first or the next step of its generator. */
  async #step(prompt: string): Promise<void> {
    if (this.#generator) {
      const result = await this.#generator.next(prompt);
      if (result.done) this.#generator = null;
      return;
    }
    const result = this.fn(prompt, this.ctx);
    if (isAsyncGenerator(result)) {
      this.#generator = result;
      const first = await result.next();
      if (first.done) this.#generator = null;
      return;
    }
    const reply = await result;
    if (typeof reply === 'string' && reply.length > 0) this.ctx.message(reply);
  }

  async #waitForStoppedTurn(): Promise<void> {
    const stopped = this.#stoppedStep;
    if (!stopped) return;
    this.#stoppedStep = null;
    const settled = await Promise.race([
      stopped.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(resolve, STOPPED_TURN_GRACE_MS, false).unref()),
    ]);
    if (!settled) {
      // The agent ignored the stop signal; its generator may never yield again.
      this.ctx.log('The stopped turn did not wind down in time; the conversation continues with a fresh start.', 'warn');
      this.#generator = null;
    }
  }
}

function isAsyncGenerator(value: unknown): value is AgentGenerator {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AgentGenerator).next === 'function' &&
    typeof (value as AgentGenerator)[Symbol.asyncIterator] === 'function'
  );
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** Serves instances of one agent function over the host port until the host terminates the process. */
export function serveAgent<C extends Context>(port: HostPort, ContextCtor: ContextClass<C>, fn: AgentFunction<C>): void {
  const environment = readEnvironment(process.env);
  const instances = new Map<string, Instance<C>>();
  const heartbeat = new Heartbeat(port, Number(process.env[AGENT_ENV.heartbeatMs]) || DEFAULT_HEARTBEAT_MS);

  const hostLog = (message: string, level: 'warn' | 'error' = 'warn') =>
    port.send({ type: 'log', instanceId: null, turnId: null, level, message });

  port.onMessage((raw) => {
    const parsed = hostToAgentSchema.safeParse(raw);
    if (!parsed.success) {
      hostLog(`Ignored a malformed message from the host: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return;
    }
    handle(parsed.data);
  });

  function handle(message: HostToAgent): void {
    switch (message.type) {
      case 'instance.spawn': {
        if (instances.has(message.instanceId)) return;
        const instance = new Instance(message.instanceId, fn, port, heartbeat, ContextCtor, environment, message.history ?? []);
        instances.set(message.instanceId, instance);
        port.send({ type: 'state', instanceId: message.instanceId, turnId: null, state: 'idle' });
        return;
      }
      case 'instance.reset':
        // An instance that is gone gets the history on its next spawn instead.
        instances.get(message.instanceId)?.enqueue({ reset: message.history });
        return;
      case 'input': {
        const instance = instances.get(message.instanceId);
        if (!instance) {
          // The host counts this turn as open until it hears how it ended.
          const error = `This agent process has no conversation ${message.instanceId}; the message was not run.`;
          port.send({ type: 'turn.done', instanceId: message.instanceId, turnId: message.turnId, status: 'failed', error });
          return hostLog(error);
        }
        instance.enqueue({ turnId: message.turnId, content: message.content, sender: message.sender, inquiry: message.inquiry });
        return;
      }
      case 'inquiry.response':
      case 'talk_to.response': {
        const instance = instances.get(message.instanceId);
        const waitId = message.type === 'inquiry.response' ? message.inquiryId : message.requestId;
        const settled = instance?.ctx.settleWait(waitId, {
          text: message.type === 'inquiry.response' ? message.text : message.response,
          suggestionIndex: message.type === 'inquiry.response' ? message.suggestionIndex : undefined,
          error: message.error,
          expired: message.type === 'inquiry.response' ? message.expired : undefined,
          answeredBy: message.type === 'inquiry.response' ? message.answeredBy : undefined,
        });
        if (!settled) hostLog(`A ${message.type} nobody waits for was dropped (${waitId}).`);
        return;
      }
      case 'approval.response': {
        const settled = instances.get(message.instanceId)?.ctx.settleWait(message.approvalId, {
          decision: message.decision,
          message: message.message,
          error: message.error,
        });
        if (!settled) hostLog(`An approval.response nobody waits for was dropped (${message.approvalId}).`);
        return;
      }
      case 'inquiry.forward': {
        // Interrupts the wait the instance is blocked in; if it is not blocked interruptibly, the host routes the inquiry on.
        const instance = instances.get(message.instanceId);
        if (!instance?.ctx.inquiryDesk.interrupt(message.inquiry)) {
          port.send({ type: 'inquiry.forward.declined', instanceId: message.instanceId, turnId: instance?.ctx.turnId ?? null, inquiryId: message.inquiry.inquiryId });
        }
        return;
      }
      case 'inquiry.reply.result':
        if (!instances.get(message.instanceId)?.ctx.inquiryDesk.settleReply(message.inquiryId, message.error)) {
          hostLog(`An inquiry.reply.result nobody waits for was dropped (${message.inquiryId}).`, 'warn');
        }
        return;
      case 'signal.interrupt':
        instances.get(message.instanceId)?.interrupt();
        return;
      case 'signal.terminate':
        if (message.instanceId) {
          instances.get(message.instanceId)?.interrupt();
          instances.delete(message.instanceId);
          return;
        }
        for (const instance of instances.values()) instance.interrupt();
        // Let the IPC channel flush what was already sent before leaving.
        setImmediate(() => process.exit(0));
        return;
    }
  }

  // Whether a supervisor of this kind can be handed a subordinate's inquiry (Context.handlesInquiries).
  const handlesInquiries = (ContextCtor as { handlesInquiries?: unknown }).handlesInquiries === true;
  port.send({ type: 'ready', instanceId: null, turnId: null, sdkVersion: SDK_VERSION, handlesInquiries });
  process.on('disconnect', () => process.exit(0));
}
