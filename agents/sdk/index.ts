// The `dspatch` SDK, as agent code imports it: `import { DspatchEngine, OpenAiAgentContext } from 'dspatch'`.
// package.json beside this file declares the SDK free of side effects (but for openai-tracing-off.ts),
// so an agent that uses neither OpenAiAgentContext nor tool() bundles without @openai/agents: the echo
// agent's bundle is 0.8 MB instead of 3.3 MB.
export { DspatchEngine } from './engine';
export { Context, TurnInterruptedError } from './context';
export type { AgentEnvironment, InquiryAnswer, InquiryOptions, UsageReport } from './context';
export type { IncomingInquiry, ReplyOutcome, WaitOutcome } from './inquiry-desk';
export type { AgentFunction, AgentGenerator } from '../runtime/agent-runtime';
export * from './openai-context';
export { tool } from './tool';
