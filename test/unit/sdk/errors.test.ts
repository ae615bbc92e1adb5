import { MaxTurnsExceededError, ModelBehaviorError } from '@openai/agents';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { describe, expect, it } from 'vitest';
import { OpenAiRunError, describeModelError, isAbortError, redactSecrets } from '../../../agents/sdk/errors';

const headers = new Headers();
const httpError = (status: number, message: string, code?: string) =>
  APIError.generate(
    status,
    { error: { message, type: 'x', code: code ?? null, param: null } },
    undefined,
    headers,
  );

describe('describeModelError', () => {
  it('401: the key', () => {
    const error = httpError(401, 'Incorrect API key provided: sk-abc*********wxyz.', 'invalid_api_key');
    expect(describeModelError(error)).toEqual({
      kind: 'auth',
      message: 'The model API rejected the key (401). Check OPENAI_API_KEY for this workspace.',
    });
  });

  it('403: access', () => {
    expect(describeModelError(httpError(403, 'nope')).kind).toBe('forbidden');
  });

  it('429: rate limited, with the retries the client made', () => {
    const error = httpError(429, 'Rate limit reached', 'rate_limit_exceeded');
    expect(describeModelError(error, { retries: 2 })).toMatchObject({ kind: 'rate_limit' });
    expect(describeModelError(error, { retries: 2 }).message).toMatch(
      /^Rate limited by the model API \(429\) after 2 retries\. /,
    );
    expect(describeModelError(error, { retries: 1 }).message).toMatch(/\(429\) after 1 retry\. /);
    expect(describeModelError(error).message).toMatch(/^Rate limited by the model API \(429\)\. /);
  });

  it('429 insufficient_quota: billing, not waiting', () => {
    expect(describeModelError(httpError(429, 'You exceeded your quota', 'insufficient_quota')).kind).toBe(
      'quota',
    );
  });

  it('5xx: the provider is unavailable', () => {
    for (const status of [500, 502, 503]) {
      const described = describeModelError(httpError(status, 'boom'), { retries: 2 });
      expect(described).toEqual({
        kind: 'unavailable',
        message: `The model provider is unavailable (HTTP ${status}) after 2 retries. Try again in a few minutes.`,
      });
    }
  });

  it('connection failures and timeouts: the provider is unavailable', () => {
    const refused = describeModelError(
      new APIConnectionError({ message: 'Connection error.', cause: new Error('ECONNREFUSED') }),
      { retries: 2 },
    );
    expect(refused.kind).toBe('connection');
    expect(refused.message).toMatch(
      /^The model provider is unavailable: its endpoint could not be reached after 2 retries\./,
    );
    expect(describeModelError(new APIConnectionTimeoutError()).message).toMatch(/timed out/);
  });

  it('a stream cut mid-way', () => {
    const socket = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const cut = new TypeError('terminated', { cause: socket });
    expect(describeModelError(cut).kind).toBe('stream_cut');
    expect(describeModelError(cut).message).toMatch(
      /cut in the middle of its reply; the partial reply is kept/,
    );
    // A stream that ends cleanly but without its terminal event.
    expect(describeModelError(new ModelBehaviorError('Model did not produce a final response!')).kind).toBe(
      'stream_cut',
    );
  });

  it('an error event inside the stream', () => {
    const error = new APIError(
      undefined,
      { message: 'Overloaded', code: 'server_error' },
      'Overloaded',
      undefined,
    );
    expect(describeModelError(error)).toEqual({
      kind: 'stream_error',
      message: 'The model provider reported an error mid-reply: Overloaded',
    });
  });

  it('max turns exceeded', () => {
    expect(describeModelError(new MaxTurnsExceededError('Max turns (10) exceeded'))).toEqual({
      kind: 'max_turns',
      message:
        "The agent stopped after 10 model turns without finishing (max turns exceeded). Ask it to continue, or raise maxTurns in the agent's setup.",
    });
  });

  it('unusable model output', () => {
    const error = new ModelBehaviorError('Tool not_there not found in agent dspatch-agent.');
    expect(describeModelError(error)).toMatchObject({ kind: 'model_behavior' });
  });

  it('a missing key', () => {
    const error = new Error(
      'The OPENAI_API_KEY environment variable is missing or empty; either provide it, or …',
    );
    expect(describeModelError(error)).toMatchObject({
      kind: 'missing_key',
      message: expect.stringMatching(/^OPENAI_API_KEY is not set/),
    });
  });

  it('other 4xx and unknown errors keep their detail, without secrets', () => {
    expect(describeModelError(httpError(400, 'Invalid value for temperature'))).toEqual({
      kind: 'bad_request',
      message: 'The model API refused the request (400): 400 Invalid value for temperature',
    });
    expect(describeModelError(httpError(400, 'gone', 'previous_response_not_found')).kind).toBe(
      'previous_response_missing',
    );
    const leaky = new Error('failed with key sk-live-1234567890abcdef and token my-secret-value');
    const described = describeModelError(leaky, { secrets: ['my-secret-value'] });
    expect(described.kind).toBe('unknown');
    expect(described.message).toBe('The model run failed: failed with key [redacted] and token [redacted]');
  });

  it('a stop is not an error', () => {
    expect(isAbortError(new APIUserAbortError())).toBe(true);
    expect(isAbortError(new DOMException('aborted', 'AbortError'))).toBe(true);
    expect(isAbortError(httpError(500, 'x'))).toBe(false);
    expect(describeModelError(new APIUserAbortError()).kind).toBe('aborted');
  });

  it('keeps an OpenAiRunError as it is', () => {
    const error = new OpenAiRunError({ kind: 'auth', message: 'Already described.' });
    expect(describeModelError(error)).toEqual({ kind: 'auth', message: 'Already described.' });
    expect(error.name).toBe('OpenAiRunError');
  });
});

describe('redactSecrets', () => {
  it('removes given values and anything shaped like a key or bearer token', () => {
    expect(redactSecrets('key=abcdef123456 ok', ['abcdef123456'])).toBe('key=[redacted] ok');
    expect(redactSecrets('Incorrect API key provided: sk-abc*********wxyz.', [])).toBe(
      'Incorrect API key provided: [redacted].',
    );
    expect(redactSecrets('Authorization: Bearer abc.def-ghi', [])).toBe('Authorization: [redacted]');
  });

  it('ignores values too short to be secrets', () => {
    expect(redactSecrets('a b c', ['a', ''])).toBe('a b c');
  });
});
