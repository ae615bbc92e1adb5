// OpenAiAgentContext: the `ctx` of an agent built on the OpenAI Agents SDK (@openai/agents).
//
//   dspatch.agent(OpenAiAgentContext, async function* (prompt, ctx) {
//     ctx.setup({ systemPrompt: '…', authority: '…', options: { model: 'gpt-4.1' } });
//     await using _ = await ctx.enter();
//     while (true) {
//       try { await ctx.run(prompt); } catch (e) { ctx.log(`Error: ${e}`, 'error'); }
//       prompt = yield; // the next message (AgentGenerator)
//     }
//   });
//
// `enter()` builds the Agent: the augmented system prompt, the platform tools and the agent's own tools.
// `run()` streams one turn into the timeline (see openai-bridge.ts) and keeps the conversation going:
// on the Responses API by chaining `previous_response_id`, on Chat Completions (a custom `ctx.client`,
// or a workspace provider with `api: chat`, passed as DSPATCH_OPENAI_API) by replaying the history, which that API does not keep.
import type { Agent, AgentInputItem, Model, ModelSettings, RunState, RunToolApprovalItem, Tool } from '@openai/agents';
import type OpenAI from 'openai';
import { AGENT_ENV, type ChatMessage } from '../protocol';
import { Context } from './context';
import { OpenAiRunError, describeModelError, isAbortError, redactSecrets } from './errors';
import { StreamBridge } from './openai-bridge';
import { assistantItem, chatMessagesToItems, pairToolCalls, userItem, withSender } from './openai-history';
import type * as OpenAiRuntime from './openai-runtime';
import { augmentSystemPrompt } from './system-prompt';

export { OpenAiRunError } from './errors';

export const DEFAULT_OPENAI_MODEL = 'gpt-4o';
/** The Agents SDK's own default: model calls (with their tool rounds) one run may make. */
export const DEFAULT_MAX_TURNS = 10;
const AGENT_NAME = 'dspatch-agent';

/** Any object with a `model` field works, as in d:spatch (a dataclass, a named tuple, …). */
export interface OpenAiAgentOptions {
  model?: string;
  modelSettings?: ModelSettings;
  maxTurns?: number;
}

export interface OpenAiAgentSetup {
  /** Empty: the template field `system_prompt`. */
  systemPrompt?: string;
  /** What the agent may decide alone. Absent: the template field `authority`; empty: none. */
  authority?: string | null;
  options?: OpenAiAgentOptions;
  /** The agent's own tools, next to the platform tools (`tool({...})` from @openai/agents). */
  tools?: Tool[];
  /** Default 10 (the Agents SDK's). */
  maxTurns?: number;
}

export interface OpenAiRunOutcome {
  status: 'completed' | 'cancelled';
  /** The final reply, or what was streamed before the turn was stopped. */
  output: string;
}

interface ResolvedSetup {
  systemPrompt: string;
  authority: string | null;
  model: string;
  modelSettings: ModelSettings;
  tools: Tool[];
  maxTurns: number;
}

type Api = 'responses' | 'chat_completions';

interface WiredModel {
  /** The client agent code sees (`ctx.client`). */
  source: OpenAI;
  api: Api;
  model: Model;
}

/** The `openai` client's logger interface. */
interface ClientLogger {
  error(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  debug(message: string, ...rest: unknown[]): void;
}

type Runtime = typeof OpenAiRuntime;
let runtimeLoad: Promise<Runtime> | null = null;
function loadRuntime(): Promise<Runtime> {
  runtimeLoad ??= import('./openai-runtime');
  return runtimeLoad;
}

export class OpenAiAgentContext extends Context {
  /** Its platform tools answer subordinates' inquiries (interrupt-tools.ts). */
  static override readonly handlesInquiries: boolean = true;
  #setup: ResolvedSetup | null = null;
  #runtime: Runtime | null = null;
  #agent: Agent | null = null;
  #instructions = '';
  #defaultClient: OpenAI | null = null;
  #defaultClientError: unknown = null;
  #customClient: OpenAI | null = null;
  #wired: WiredModel | null = null;
  /** The whole conversation as input items: replayed on Chat Completions and after a broken chain. */
  #transcript: AgentInputItem[] = [];
  #seeded = false;
  #lastResponseId: string | undefined;
  #lastApi: Api | null = null;
  /** Retries the client made during the current run, counted from its log. */
  #retries = 0;

  /**
   * Stores the prompt, authority and options. Call once, before entering. Called again (a fresh
   * generator after a stopped turn that never wound down), the next `enter()` rebuilds the agent;
   * the conversation goes on.
   */
  setup(config: OpenAiAgentSetup = {}): void {
    const mistake = setupKeyProblem(config);
    if (mistake) {
      // Fails the turn even when agent code catches it: a misspelt option must not be silently ignored.
      this.reportError(mistake);
      throw new Error(mistake);
    }
    this.#agent = null;
    const options = config.options ?? {};
    // The code's model, else the one the workspace chose for this agent (`model:`), else gpt-4o.
    const model =
      typeof options.model === 'string' && options.model.trim()
        ? options.model.trim()
        : process.env[AGENT_ENV.model]?.trim() || DEFAULT_OPENAI_MODEL;
    this.#setup = {
      systemPrompt: config.systemPrompt?.trim() ? config.systemPrompt : (this.fields.system_prompt ?? ''),
      authority: config.authority === undefined ? (this.fields.authority ?? null) : config.authority,
      model,
      modelSettings: options.modelSettings ?? {},
      tools: config.tools ?? [],
      maxTurns: config.maxTurns ?? options.maxTurns ?? DEFAULT_MAX_TURNS,
    };
  }

  /** Builds the agent. Use `await using _ = await ctx.enter()`, or pair it with `exit()`. */
  async enter(): Promise<this> {
    if (this.#agent) return this;
    if (!this.#setup) this.setup();
    const setup = this.#setup!;
    const runtime = (this.#runtime ??= await loadRuntime());
    this.#instructions = augmentSystemPrompt(setup.systemPrompt, {
      workspaceDir: this.workspaceDir,
      authority: setup.authority,
      peers: this.availableAgents,
    });
    if (!this.#defaultClient) {
      try {
        // The client's own defaults apply: OPENAI_API_KEY and OPENAI_BASE_URL from the agent's env.
        this.#defaultClient = new runtime.OpenAI({
          logger: this.#clientLogger(),
          logLevel: 'info',
          // A provider declared with `api_key: none` sends no OPENAI_API_KEY; the client insists on one.
          apiKey: providerNeedsNoKey() ? KEYLESS_API_KEY : undefined,
        });
        this.#defaultClientError = null;
      } catch (error) {
        // No key: agent code may still set a custom client; run() reports it otherwise.
        this.#defaultClientError = error;
      }
    }
    this.#agent = new runtime.Agent({
      name: AGENT_NAME,
      instructions: this.#instructions,
      tools: [...runtime.platformTools(this), ...setup.tools],
      // Always a model object (never the provider default); run() rewires it to the current client.
      model: this.#defaultClient
        ? new runtime.OpenAIResponsesModel(this.#defaultClient, setup.model)
        : setup.model,
      modelSettings: setup.modelSettings,
    });
    return this;
  }

  /** Forgets the agent, a custom client and the conversation state. */
  async exit(): Promise<void> {
    this.#agent = null;
    this.#customClient = null;
    this.#wired = null;
    this.#transcript = [];
    this.#seeded = false;
    this.#lastResponseId = undefined;
    this.#lastApi = null;
  }

  /** @internal The next run replays the rewound history instead of chaining from a reply that is gone. */
  override resetHistory(history: readonly ChatMessage[]): void {
    super.resetHistory(history);
    this.#transcript = [];
    this.#seeded = false;
    this.#lastResponseId = undefined;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.exit();
  }

  /**
   * The `openai` client. By default one built from the env (Responses API). Set your own
   * (`new OpenAI({ baseURL, apiKey })`) inside the context to use any Chat Completions endpoint.
   */
  get client(): OpenAI | null {
    return this.#customClient ?? this.#defaultClient;
  }
  set client(client: OpenAI | null) {
    this.#customClient = client;
  }

  /** The Agents SDK agent, once entered. */
  get agent(): Agent | null {
    return this.#agent;
  }
  /** The system prompt the agent runs with (after augmentation). */
  get instructions(): string {
    return this.#instructions;
  }
  get model(): string {
    return this.#setup?.model ?? DEFAULT_OPENAI_MODEL;
  }

  /** Runs one turn: streams text, tool calls, results, reasoning and usage into the timeline. */
  async run(prompt: string): Promise<OpenAiRunOutcome> {
    const agent = this.#agent;
    const runtime = this.#runtime;
    const setup = this.#setup;
    if (!agent || !runtime || !setup) {
      // Fails the turn, not only this call: agent code that catches and logs it must not "complete" empty.
      const message = 'ctx.run() was called before ctx.enter(): call `await using _ = await ctx.enter()` first.';
      this.reportError(message);
      throw new Error(message);
    }
    this.log(`Processing prompt: ${preview(prompt)}`, 'debug');
    const signal = this.signal;
    this.#retries = 0;

    let wired: WiredModel;
    try {
      wired = this.#wire(runtime, setup.model);
    } catch (error) {
      throw this.#fail(error);
    }
    agent.model = wired.model;
    if (wired.api !== this.#lastApi) {
      // A response id means nothing to another API (or another endpoint): replay instead.
      this.#lastResponseId = undefined;
      this.#lastApi = wired.api;
    }
    if (!this.#seeded) {
      this.#transcript = chatMessagesToItems(this.#earlierMessages(prompt));
      this.#seeded = true;
    }
    const newInput = userItem(withSender(prompt, this.#sender(prompt)));

    for (let attempt = 0; ; attempt++) {
      const chained = wired.api === 'responses' && this.#lastResponseId !== undefined;
      const input = chained ? [newInput] : [...this.#transcript, newInput];
      const bridge = new StreamBridge(this, setup.model);
      const started = runtime.run(agent, input, {
        stream: true,
        signal,
        maxTurns: setup.maxTurns,
        previousResponseId: chained ? this.#lastResponseId : undefined,
      });
      let result: Awaited<typeof started> | null = null;
      let failure: unknown = null;
      try {
        result = await started;
        for (;;) {
          for await (const event of result) bridge.handle(event);
          await result.completed;
          // A tool that needs approval paused the run: the host decides each call, then it resumes.
          const pending = result.cancelled ? [] : result.interruptions;
          if (pending.length === 0) break;
          await this.#decideApprovals(result.state, pending);
          result = await runtime.run(agent, result.state, { stream: true, signal, maxTurns: setup.maxTurns });
        }
      } catch (error) {
        failure = error;
      }
      const cancelled =
        result?.cancelled === true || signal.aborted || (failure !== null && isAbortError(failure));

      if (failure !== null && !cancelled && chained && attempt === 0 && !bridge.emittedOutput) {
        const { kind } = describeModelError(failure);
        if (kind === 'previous_response_missing') {
          // The server forgot the chain (expired, or another store): replay the conversation once.
          this.log(
            'The model API no longer knows the previous response; replaying the conversation.',
            'info',
          );
          this.#lastResponseId = undefined;
          continue;
        }
      }

      const completed = failure === null && !cancelled && result !== null;
      this.#remember(
        readHistory(result, input),
        completed,
        result?.lastResponseId,
        chained,
        bridge,
        wired.api,
      );
      if (cancelled) {
        this.log('The turn was stopped; the partial reply is kept.', 'info');
        return { status: 'cancelled', output: bridge.text };
      }
      if (!completed) throw this.#fail(failure);
      if (!bridge.text) this.message('The agent finished without writing a reply.');
      const finalOutput = result?.finalOutput;
      return { status: 'completed', output: typeof finalOutput === 'string' ? finalOutput : bridge.text };
    }
  }

  /**
   * Asks the host about each tool call waiting for approval and records the decisions in the run's
   * state. Throws TurnInterruptedError when the user stops the turn meanwhile.
   */
  async #decideApprovals(state: RunState<undefined, Agent>, items: RunToolApprovalItem[]): Promise<void> {
    for (const item of items) {
      const raw = item.rawItem as { callId?: string; id?: string };
      const tool = item.name ?? item.toolName ?? 'tool';
      const decision = await this.requestApproval(tool, item.arguments ?? '', raw.callId ?? raw.id ?? tool);
      if (decision.approved) state.approve(item);
      else state.reject(item, { message: decision.message });
    }
  }

  /** The model object for the current client: Responses for the default one, Chat Completions for a custom one. */
  #wire(runtime: Runtime, modelName: string): WiredModel {
    const custom = this.#customClient;
    const source = custom ?? this.#defaultClient;
    if (!source) throw this.#defaultClientError ?? new Error('Missing credentials: no OpenAI client.');
    if (this.#wired?.source === source) return this.#wired;
    if (custom) {
      // A copy with our logger, so its retries show in the log like the default client's.
      const client = custom.withOptions({ logger: this.#clientLogger(), logLevel: 'info' });
      this.#wired = {
        source,
        api: 'chat_completions',
        model: new runtime.OpenAIChatCompletionsModel(client, modelName),
      };
    } else {
      this.#wired =
        process.env[AGENT_ENV.openaiApi] === 'chat'
          ? { source, api: 'chat_completions', model: new runtime.OpenAIChatCompletionsModel(source, modelName) }
          : { source, api: 'responses', model: new runtime.OpenAIResponsesModel(source, modelName) };
    }
    return this.#wired;
  }

  /** Updates the conversation state after a run, whatever its outcome. */
  #remember(
    history: AgentInputItem[],
    completed: boolean,
    lastResponseId: string | undefined,
    chained: boolean,
    bridge: StreamBridge,
    api: Api,
  ): void {
    const transcript = chained ? [...this.#transcript, ...history] : history;
    if (completed) {
      this.#transcript = transcript;
      this.#lastResponseId = api === 'responses' ? lastResponseId : undefined;
      return;
    }
    // A stopped or failed turn: keep what the user saw, and don't chain from a half-finished
    // response — the next turn replays the conversation, then chaining resumes.
    const partial = bridge.partialText;
    this.#transcript = pairToolCalls(
      partial ? [...transcript, assistantItem(partial, 'incomplete')] : transcript,
    );
    this.#lastResponseId = undefined;
  }

  /** Reports the error to the user and returns what `run()` throws. */
  #fail(error: unknown): OpenAiRunError {
    const wired = this.#wired;
    const endpoint = wired ? { baseUrl: wired.source.baseURL, api: wired.api === 'chat_completions' ? ('chat' as const) : ('responses' as const) } : undefined;
    const described = describeModelError(error, { retries: this.#retries, secrets: this.#secrets(), endpoint });
    this.reportError(described.message);
    return new OpenAiRunError(described, { cause: error });
  }

  #secrets(): string[] {
    const secrets = [process.env.OPENAI_API_KEY ?? ''];
    for (const client of [this.#defaultClient, this.#customClient])
      if (client?.apiKey) secrets.push(client.apiKey);
    return secrets;
  }

  /** History before this turn: the runtime has already appended the current prompt. */
  #earlierMessages(prompt: string) {
    const messages = this.messages;
    const last = messages.at(-1);
    return last?.role === 'user' && last.content === prompt ? messages.slice(0, -1) : messages;
  }

  #sender(prompt: string): string | undefined {
    const last = this.messages.at(-1);
    return last?.role === 'user' && last.content === prompt ? last.name : undefined;
  }

  /** Makes the client's retries visible in the agent log, without URLs, headers or keys. */
  #clientLogger(): ClientLogger {
    const forward = (level: 'warn' | 'error') => (message: string) =>
      this.log(`Model API client: ${redactSecrets(stripUrls(message), this.#secrets())}`, level);
    return {
      error: forward('error'),
      warn: forward('warn'),
      info: (message: string) => this.#onClientInfo(message),
      debug: () => undefined,
    };
  }

  #onClientInfo(message: string): void {
    const retry = /retrying, (\d+) attempts? remaining/.exec(message);
    if (!retry) return;
    this.#retries += 1;
    // "N attempts remaining" counts the retry about to happen.
    const total = this.#retries + Number(retry[1]) - 1;
    const status = /with status (\d{3})/.exec(message)?.[1];
    const what = status
      ? `answered ${status}`
      : /timed out/.test(message)
        ? 'did not answer in time'
        : 'could not be reached';
    this.log(`The model API ${what}; retrying (retry ${this.#retries} of ${total}).`, 'warn');
  }
}

/** The run's history (its input plus what it produced); the input alone if the run never started. */
function readHistory(
  result: { readonly history: AgentInputItem[] } | null,
  input: AgentInputItem[],
): AgentInputItem[] {
  if (!result) return input;
  try {
    return result.history;
  } catch {
    return input;
  }
}

const SETUP_KEYS: readonly string[] = ['systemPrompt', 'authority', 'options', 'tools', 'maxTurns'];
const OPTION_KEYS: readonly string[] = ['model', 'modelSettings', 'maxTurns'];
/** Spellings from other SDKs (d:spatch's Python, @openai/agents) and where they go here. */
const SETUP_ALIASES: Readonly<Record<string, string>> = { instructions: 'systemPrompt', model: 'options: { model }' };

/** A misspelt option would otherwise be ignored without a word: which spelling is meant, or null. */
function setupKeyProblem(config: OpenAiAgentSetup): string | null {
  const options: unknown = config.options;
  // Options may be any object with a `model` (as in d:spatch); only plain objects are checked.
  const plainOptions =
    options !== null && typeof options === 'object' && Object.getPrototypeOf(options) === Object.prototype;
  return (
    keyProblem('ctx.setup()', config, SETUP_KEYS) ??
    (plainOptions ? keyProblem('ctx.setup({ options })', options, OPTION_KEYS) : null)
  );
}

function keyProblem(where: string, value: object, known: readonly string[]): string | null {
  const key = Object.keys(value).find((name) => !known.includes(name));
  if (key === undefined) return null;
  const camel = key.replace(/[_-]+([a-zA-Z])/g, (_match, letter: string) => letter.toUpperCase());
  const meant = known.includes(camel) ? camel : known === SETUP_KEYS ? SETUP_ALIASES[key] : undefined;
  return `${where} has no option "${key}"${meant ? `: write ${meant}` : ''}. Its options: ${known.join(', ')}.`;
}

/** The key the client sends to a provider declared `api_key: none`: such servers ignore it. */
const KEYLESS_API_KEY = 'none';

/** The host sets DSPATCH_OPENAI_API for an agent with a provider, and OPENAI_API_KEY unless it is keyless. */
function providerNeedsNoKey(): boolean {
  return process.env[AGENT_ENV.openaiApi] !== undefined && !process.env.OPENAI_API_KEY;
}

function preview(prompt: string): string {
  const oneLine = prompt.replace(/\s+/g, ' ').trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}

function stripUrls(message: string): string {
  return message.replace(/\bhttps?:\/\/\S+/g, '<endpoint>');
}
