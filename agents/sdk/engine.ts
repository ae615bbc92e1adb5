// `DspatchEngine`: registers the agent function and serves it once the host connects.
import { openHostPort } from '../runtime/host-port';
import { serveAgent, type AgentFunction, type ContextClass } from '../runtime/agent-runtime';
import type { Context } from './context';

export class DspatchEngine {
  #serve: (() => void) | null = null;

  /** Registers the agent: `dspatch.agent(OpenAiAgentContext, async function* (prompt, ctx) { … })`. */
  agent<C extends Context>(ContextCtor: ContextClass<C>, fn: AgentFunction<C>): void {
    if (this.#serve) throw new Error('This engine already has an agent; one process serves one agent.');
    this.#serve = () => serveAgent(openHostPort(), ContextCtor, fn);
  }

  /** Connects to the host and serves instances until the host stops the process. */
  run(): void {
    if (!this.#serve) throw new Error('Register an agent with dspatch.agent(Context, fn) before dspatch.run().');
    this.#serve();
  }
}
