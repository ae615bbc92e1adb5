// Evaluated before @openai/agents (see openai-runtime.ts): the trace provider reads this flag when it
// is created. `setTracingDisabled(true)` covers the case where agent code loaded the SDK first.
process.env.OPENAI_AGENTS_DISABLE_TRACING = '1';

export {};
