// What a turn's error says about the provider: a 404 from /responses means the server speaks only Chat
// Completions, a refused connection names the URL tried. The same words as Settings' Test connection.
import { APIConnectionError, APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { noResponsesApiHint, unreachableHint } from '../../../agents/protocol';
import { describeModelError } from '../../../agents/sdk/errors';

const headers = new Headers();
const notFound = (message: string, code: string | null) =>
  APIError.generate(404, { error: { message, type: 'invalid_request_error', code, param: null } }, undefined, headers);

/** What undici's fetch throws when nothing listens: the system error is the cause. */
function refused(): APIConnectionError {
  const system = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:11434'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' });
  return new APIConnectionError({ message: 'Connection error.', cause: new TypeError('fetch failed', { cause: system }) });
}

describe('provider hints in model errors', () => {
  it('a 404 from /responses suggests the chat API style', () => {
    const described = describeModelError(notFound('Invalid URL (POST /v1/responses)', null), {
      endpoint: { baseUrl: 'http://127.0.0.1:11434/v1/', api: 'responses' },
    });
    expect(described).toEqual({
      kind: 'bad_request',
      message:
        'http://127.0.0.1:11434/v1/responses answered 404: the server has no Responses API. If it serves Chat Completions (as Ollama, vLLM and LM Studio do), set the provider\'s API style to "chat" (api: chat).',
    });
    expect(described.message).toBe(noResponsesApiHint('http://127.0.0.1:11434/v1/responses'));
  });

  it('a model the Responses API lacks, or a 404 in chat mode, is about the model', () => {
    const endpoint = { baseUrl: 'https://api.openai.com/v1', api: 'responses' as const };
    expect(describeModelError(notFound("The model 'gpt-9' does not exist", 'model_not_found'), { endpoint }).message).toMatch(/Check the model name/);
    expect(describeModelError(notFound('no such model', null), { endpoint: { ...endpoint, api: 'chat' } }).message).toMatch(/Check the model name/);
  });

  it('a refused connection names the URL it tried', () => {
    expect(describeModelError(refused(), { endpoint: { baseUrl: 'http://127.0.0.1:11434/v1', api: 'chat' } })).toEqual({
      kind: 'connection',
      message: unreachableHint('http://127.0.0.1:11434/v1/chat/completions', 'ECONNREFUSED'),
    });
    expect(unreachableHint('http://127.0.0.1:11434/v1/chat/completions', 'ECONNREFUSED')).toBe(
      "Could not connect to http://127.0.0.1:11434/v1/chat/completions: the connection was refused. Check that the server is running and that the provider's base URL is right.",
    );
    // Without knowing where it went, the message stays general.
    expect(describeModelError(refused()).message).toMatch(/^The model provider is unavailable: its endpoint could not be reached/);
  });
});
