// The `dspatch` SDK, as agent code imports it: `import { DspatchEngine, OpenAiAgentContext } from 'dspatch'`.
export { DspatchEngine } from './engine';
export { Context, TurnInterruptedError } from './context';
export type { AgentEnvironment, InquiryAnswer, UsageReport } from './context';
export type { AgentFunction } from '../runtime/agent-runtime';
export * from './openai-context';
export { tool } from './tool';
