// The fake model's behaviour in the end-to-end tests: ask about the time and it reasons, calls the
// template's get_current_time tool, then answers from the tool's result; anything else is echoed.
import { lastUserText, toolOutputs, type RecordedRequest, type Turn } from '../fixtures/openai-server';

export const ANSWER_PREFIX = 'According to the tool, it is';

export function scriptedModel(request: RecordedRequest): Turn {
  const outputs = toolOutputs(request);
  const usage = { inputTokens: 120, cachedInputTokens: 40, outputTokens: 30, reasoningTokens: 8 };
  if (outputs.length > 0) {
    const result = outputs[outputs.length - 1].output;
    return { text: `${ANSWER_PREFIX} **${result.split(';')[0]}**. Anything else?`, delayMs: 15, usage };
  }
  const prompt = lastUserText(request) ?? '';
  if (/time/i.test(prompt)) {
    return {
      reasoning: ['The user wants the time. ', 'I should call the clock tool rather than guess.'],
      toolCalls: [{ name: 'get_current_time', arguments: { timezone: 'UTC' } }],
      delayMs: 15,
      usage,
    };
  }
  return { text: `You said: ${prompt}. This reply streams in several small pieces.`, delayMs: 25, usage };
}
