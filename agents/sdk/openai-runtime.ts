// The Agents SDK side of OpenAiAgentContext, loaded on the first `enter()`: agents that never use
// OpenAI don't pay for loading @openai/agents. Importing this module switches tracing off before
// anything can run — traces would otherwise be posted to api.openai.com, and no request may leave
// for any host but the configured model endpoint.
import './openai-tracing-off';
import {
  Agent,
  OpenAIChatCompletionsModel,
  OpenAIResponsesModel,
  run,
  setTracingDisabled,
} from '@openai/agents';
import OpenAI from 'openai';
import { platformTools } from './platform-tools';

setTracingDisabled(true);

export { Agent, OpenAI, OpenAIChatCompletionsModel, OpenAIResponsesModel, platformTools, run };
