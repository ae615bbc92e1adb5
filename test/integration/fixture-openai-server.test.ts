// The fake OpenAI server is only useful if the real clients cannot tell it from the API. These tests drive
// it with the real `openai` client and `@openai/agents` runs, on both endpoints, and assert what those
// clients understood, never the server's own output.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import {
  Agent,
  OpenAIChatCompletionsModel,
  OpenAIResponsesModel,
  run,
  setTracingDisabled,
  tool,
} from '@openai/agents';
import type { Model, RunStreamEvent, Tool } from '@openai/agents';
import { z } from 'zod';
import { lastUserText, startFakeOpenAI, toolOutputs } from '../fixtures/openai-server';
import type { Endpoint, FakeOpenAI } from '../fixtures/openai-server';

setTracingDisabled(true);

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
});

function client(maxRetries = 0): OpenAI {
  return new OpenAI({ baseURL: fake.baseURL, apiKey: 'sk-test', maxRetries });
}

function model(endpoint: Endpoint, openai: OpenAI = client()): Model {
  return endpoint === 'responses'
    ? new OpenAIResponsesModel(openai, 'gpt-4o')
    : new OpenAIChatCompletionsModel(openai, 'gpt-4o');
}

function agent(endpoint: Endpoint, tools: Tool[] = [], openai?: OpenAI): Agent {
  return new Agent({ name: 'tester', instructions: 'Be brief.', model: model(endpoint, openai), tools });
}

interface Drained {
  events: RunStreamEvent[];
  deltas: string[];
  error: unknown;
}

/** Iterates a streamed run to the end, keeping the text deltas and whatever the iteration threw. */
async function drain(stream: AsyncIterable<RunStreamEvent>): Promise<Drained> {
  const drained: Drained = { events: [], deltas: [], error: null };
  try {
    for await (const event of stream) {
      drained.events.push(event);
      if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta') {
        drained.deltas.push(event.data.delta);
      }
    }
  } catch (error) {
    drained.error = error;
  }
  return drained;
}

/** The error a failed run surfaces through `completed`. */
async function failure(promise: Promise<void>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected the run to fail');
}

const endpoints: Endpoint[] = ['responses', 'chat.completions'];

describe.each(endpoints)('agents run against %s', (endpoint) => {
  it('streams text deltas that join to the scripted text', async () => {
    const text = 'Hello there, this is the fake server speaking.';
    fake.script({ text });
    const result = await run(agent(endpoint), 'Say hello', { stream: true });
    const { deltas, error } = await drain(result);
    await result.completed;

    expect(error).toBeNull();
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe(text);
    expect(result.finalOutput).toBe(text);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0].endpoint).toBe(endpoint);
    expect(fake.requests[0].body.stream).toBe(true);
    expect(lastUserText(fake.requests[0])).toBe('Say hello');
  });

  it('executes two tool calls of one turn and sends both outputs on the next request', async () => {
    const calls: string[] = [];
    const weather = tool({
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }) => {
        calls.push(`weather:${city}`);
        return `Sunny in ${city}`;
      },
    });
    const time = tool({
      name: 'get_time',
      description: 'Time in a zone',
      parameters: {
        type: 'object',
        properties: { zone: { type: 'string' } },
        required: ['zone'],
        additionalProperties: true,
      },
      strict: false,
      execute: async (input) => {
        const { zone } = input as { zone: string };
        calls.push(`time:${zone}`);
        return { zone, time: '12:00' };
      },
    });
    fake.script(
      {
        text: 'Let me check.',
        toolCalls: [
          { name: 'get_weather', arguments: { city: 'Paris' }, callId: 'call_weather1' },
          { name: 'get_time', arguments: '{"zone":"UTC"}' },
        ],
      },
      { text: 'Sunny, and it is noon.' },
    );
    const result = await run(agent(endpoint, [weather, time]), 'Weather and time?', { stream: true });
    const { events, error } = await drain(result);
    await result.completed;

    expect(error).toBeNull();
    expect(calls.sort()).toEqual(['time:UTC', 'weather:Paris']);
    const called = events.flatMap((e) =>
      e.type === 'run_item_stream_event' && e.name === 'tool_called' ? [e.item] : [],
    );
    expect(called).toHaveLength(2);
    expect(result.finalOutput).toBe('Sunny, and it is noon.');

    expect(fake.requests).toHaveLength(2);
    const outputs = toolOutputs(fake.requests[1]);
    expect(outputs).toHaveLength(2);
    expect(outputs[0]).toEqual({ callId: 'call_weather1', output: 'Sunny in Paris' });
    expect(outputs[1].callId).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(JSON.parse(outputs[1].output)).toEqual({ zone: 'UTC', time: '12:00' });
    // The wire shape of those outputs, as the SDK sent them.
    const sent = JSON.stringify(fake.requests[1].body);
    expect(sent).toContain(endpoint === 'responses' ? '"type":"function_call_output"' : '"role":"tool"');
  });

  it('turns a reasoning summary into a reasoning_item_created event', async () => {
    fake.script({ reasoning: 'The user wants a number. 42 it is.', text: '42' });
    const result = await run(agent(endpoint), 'A number?', { stream: true });
    const { events } = await drain(result);
    await result.completed;

    const reasoning = events.flatMap((e) =>
      e.type === 'run_item_stream_event' && e.name === 'reasoning_item_created' ? [e.item] : [],
    );
    expect(reasoning).toHaveLength(1);
    const raw = reasoning[0].rawItem as {
      content: { text: string }[];
      rawContent?: { text: string }[];
    };
    const text = endpoint === 'responses' ? raw.content[0].text : raw.rawContent?.[0].text;
    expect(text).toBe('The user wants a number. 42 it is.');
    expect(result.finalOutput).toBe('42');
  });

  it('reports usage with cached input and reasoning tokens', async () => {
    fake.script({
      text: 'Counted.',
      usage: { inputTokens: 120, cachedInputTokens: 64, outputTokens: 30, reasoningTokens: 12 },
    });
    const result = await run(agent(endpoint), 'Count', { stream: true });
    await drain(result);
    await result.completed;

    const usage = result.state.usage;
    expect(usage.requests).toBe(1);
    expect(usage.inputTokens).toBe(120);
    expect(usage.outputTokens).toBe(30);
    expect(usage.totalTokens).toBe(150);
    expect(usage.inputTokensDetails[0].cached_tokens).toBe(64);
    expect(usage.outputTokensDetails[0].reasoning_tokens).toBe(12);
  });

  it('surfaces a 401 with its status and message', async () => {
    fake.script({ error: { status: 401 } });
    const result = await run(agent(endpoint), 'hi', { stream: true });
    await drain(result);
    const error = await failure(result.completed);

    expect(error.status).toBe(401);
    expect(error.code).toBe('invalid_api_key');
    expect(String(error.message)).toContain('Incorrect API key provided');
    expect(fake.requests).toHaveLength(1);
  });

  it('lets the client retry a 429 with retry-after-ms, then succeeds', async () => {
    fake.script({ error: { status: 429, retryAfterMs: 10, times: 2 } }, { text: 'Finally.' });
    const result = await run(agent(endpoint, [], client(2)), 'hi', { stream: true });
    await drain(result);
    await result.completed;

    expect(result.finalOutput).toBe('Finally.');
    expect(fake.requests).toHaveLength(3);
    expect(fake.pendingTurns).toBe(0);
  });

  it('surfaces a 500', async () => {
    fake.script({ error: { status: 500 } });
    const result = await run(agent(endpoint), 'hi', { stream: true });
    await drain(result);
    const error = await failure(result.completed);

    expect(error.status).toBe(500);
    expect(fake.requests).toHaveLength(1);
  });

  it('turns an SSE error event into an APIError after the partial text', async () => {
    const chunksBeforeError = endpoint === 'responses' ? 6 : 3; // headers of the item, then two deltas
    fake.script({
      text: 'one two three four',
      error: { kind: 'error-event', message: 'Upstream model exploded', afterChunks: chunksBeforeError },
    });
    const result = await run(agent(endpoint), 'hi', { stream: true });
    const { deltas } = await drain(result);
    const error = await failure(result.completed);

    expect(deltas).toEqual(['one', ' two']);
    expect(error.constructor).toHaveProperty('name', 'APIError');
    expect(error.status).toBeUndefined();
    expect(String(error.message)).toContain('Upstream model exploded');
  });

  it('fails after the partial text when the stream is cut', async () => {
    const chunksBeforeCut = endpoint === 'responses' ? 6 : 3;
    fake.script({ text: 'one two three four', error: { kind: 'cut', afterChunks: chunksBeforeCut } });
    const result = await run(agent(endpoint), 'hi', { stream: true });
    const { deltas } = await drain(result);
    const error = await failure(result.completed);

    expect(deltas).toEqual(['one', ' two']);
    // undici's own error, not wrapped and not retried (reference §6).
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('terminated');
    expect(result.error).toBe(error);
    expect(fake.requests).toHaveLength(1);
  });

  it('works without streaming (JSON bodies)', async () => {
    const weather = tool({
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }) => `Rain in ${city}`,
    });
    fake.script(
      { reasoning: 'Need the weather.', toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] },
      { text: 'It rains in Oslo.', usage: { inputTokens: 50, cachedInputTokens: 10, outputTokens: 5 } },
    );
    const result = await run(agent(endpoint, [weather]), 'Weather in Oslo?');

    expect(result.finalOutput).toBe('It rains in Oslo.');
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0].body.stream).not.toBe(true);
    expect(toolOutputs(fake.requests[1])).toEqual([
      { callId: expect.stringMatching(/^call_/), output: 'Rain in Oslo' },
    ]);
    expect(result.newItems.some((item) => item.type === 'reasoning_item')).toBe(true);
    expect(result.state.usage.requests).toBe(2);
    expect(result.state.usage.inputTokensDetails[1].cached_tokens).toBe(10);
  });

  it('fails loudly when no turn is scripted', async () => {
    const result = await run(agent(endpoint), 'hi', { stream: true });
    await drain(result);
    const error = await failure(result.completed);

    expect(error.status).toBe(500);
    expect(String(error.message)).toContain('fake OpenAI server: no scripted turn for this request');
  });

  it('answers from the responder when the queue is empty', async () => {
    fake.setResponder((request) => ({ text: `You said: ${lastUserText(request) ?? '?'}` }));
    fake.script({ text: 'Scripted first.' });
    const first = await run(agent(endpoint), 'one', { stream: true });
    await drain(first);
    await first.completed;
    const second = await run(agent(endpoint), 'two', { stream: true });
    await drain(second);
    await second.completed;

    expect(first.finalOutput).toBe('Scripted first.');
    expect(second.finalOutput).toBe('You said: two');
  });

  it('stops sending when the client aborts mid-stream', async () => {
    fake.script({ text: 'a b c d e f g h i j k l m n o p', delayMs: 20 });
    const controller = new AbortController();
    const result = await run(agent(endpoint), 'hi', { stream: true, signal: controller.signal });
    const deltas: string[] = [];
    for await (const event of result) {
      if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta') {
        deltas.push(event.data.delta);
        if (deltas.length === 2) controller.abort();
      }
    }
    await result.completed;

    expect(result.cancelled).toBe(true);
    expect(deltas.length).toBeLessThan(16);
  });
});

describe('Responses specifics', () => {
  it('ends with response.failed as a ModelBehaviorError', async () => {
    fake.script({ text: 'partial', error: { kind: 'response.failed', message: 'model crashed' } });
    const result = await run(agent('responses'), 'hi', { stream: true });
    await drain(result);
    const error = await failure(result.completed);

    expect(error.constructor).toHaveProperty('name', 'ModelBehaviorError');
    expect(String(error.message)).toContain('response.failed');
  });

  it('remembers response ids for previous_response_id and rejects unknown ones', async () => {
    fake.script({ text: 'First answer.' }, { text: 'Second answer.' });
    const first = await run(agent('responses'), 'first', { stream: true });
    await drain(first);
    await first.completed;
    expect(first.lastResponseId).toMatch(/^resp_[0-9a-f]{48}$/);

    const second = await run(agent('responses'), 'second', {
      stream: true,
      previousResponseId: first.lastResponseId,
    });
    await drain(second);
    await second.completed;
    expect(second.finalOutput).toBe('Second answer.');
    expect(fake.requests[0].body.previous_response_id).toBeUndefined();
    expect(fake.requests[1].body.previous_response_id).toBe(first.lastResponseId);

    const unknown = await run(agent('responses'), 'third', { stream: true, previousResponseId: 'resp_nope' });
    await drain(unknown);
    const error = await failure(unknown.completed);
    expect(error.status).toBe(400);
    expect(error.code).toBe('previous_response_not_found');
    expect(error.param).toBe('previous_response_id');
    expect(fake.pendingTurns).toBe(0);
  });

  it('streams events the openai ResponseStream accumulator accepts, in order', async () => {
    fake.script({
      reasoning: 'Plan: look it up.',
      text: 'Looking it up.',
      toolCalls: [
        { name: 'lookup', arguments: { q: 'a' } },
        { name: 'lookup', arguments: { q: 'b' } },
      ],
      usage: { inputTokens: 9, cachedInputTokens: 3, outputTokens: 7, reasoningTokens: 2 },
    });
    const stream = client().responses.stream({ model: 'gpt-4o', input: 'hi' });
    const types: string[] = [];
    const sequence: number[] = [];
    const argumentDeltas: string[] = [];
    for await (const event of stream) {
      types.push(event.type);
      sequence.push(event.sequence_number);
      if (event.type === 'response.function_call_arguments.delta') argumentDeltas.push(event.delta);
    }
    const response = await stream.finalResponse();

    expect(sequence).toEqual(sequence.map((_, i) => i));
    expect(types[0]).toBe('response.created');
    expect(types[1]).toBe('response.in_progress');
    expect(types.at(-1)).toBe('response.completed');
    expect(types).toContain('response.reasoning_summary_text.delta');
    expect(argumentDeltas.length).toBeGreaterThan(2);
    expect(response.id).toMatch(/^resp_/);
    expect(response.output_text).toBe('Looking it up.');
    expect(response.output.map((item) => item.type)).toEqual([
      'reasoning',
      'message',
      'function_call',
      'function_call',
    ]);
    const [reasoning, message, callA, callB] = response.output;
    expect(reasoning).toMatchObject({
      id: expect.stringMatching(/^rs_/),
      summary: [{ text: 'Plan: look it up.' }],
    });
    expect(message.id).toMatch(/^msg_/);
    expect(callA).toMatchObject({
      id: expect.stringMatching(/^fc_/),
      name: 'lookup',
      arguments: '{"q":"a"}',
    });
    expect(callB).toMatchObject({ call_id: expect.stringMatching(/^call_/), arguments: '{"q":"b"}' });
    expect(response.usage).toMatchObject({
      input_tokens: 9,
      input_tokens_details: { cached_tokens: 3 },
      output_tokens_details: { reasoning_tokens: 2 },
      total_tokens: 16,
    });
  });

  it('answers a non-streaming create with a Response object', async () => {
    fake.script({ text: 'Plain JSON.' });
    const response = await client().responses.create({ model: 'gpt-4o', input: 'hi' });

    expect(response.object).toBe('response');
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('Plain JSON.');
  });
});

describe('Chat Completions specifics', () => {
  it('streams chunks the openai ChatCompletionStream accumulator accepts', async () => {
    fake.script({
      text: 'Checking.',
      toolCalls: [
        { name: 'lookup', arguments: { q: 'a' }, callId: 'call_aaaaaaaaaaaaaaaaaaaaaaaa' },
        { name: 'lookup', arguments: { q: 'b' } },
      ],
      usage: { inputTokens: 9, cachedInputTokens: 3, outputTokens: 7, reasoningTokens: 2 },
    });
    const stream = client().chat.completions.stream({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const completion = await stream.finalChatCompletion();

    expect(chunks[0].id).toMatch(/^chatcmpl-/);
    expect(chunks.at(-1)?.choices).toEqual([]);
    const toolDeltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(toolDeltas.length).toBeGreaterThan(4);
    const message = completion.choices[0].message;
    expect(message.content).toBe('Checking.');
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(message.tool_calls).toEqual([
      {
        id: 'call_aaaaaaaaaaaaaaaaaaaaaaaa',
        type: 'function',
        function: { name: 'lookup', arguments: '{"q":"a"}' },
      },
      {
        id: expect.stringMatching(/^call_/),
        type: 'function',
        function: { name: 'lookup', arguments: '{"q":"b"}' },
      },
    ]);
    expect(completion.usage).toMatchObject({
      prompt_tokens: 9,
      completion_tokens: 7,
      total_tokens: 16,
      prompt_tokens_details: { cached_tokens: 3 },
      completion_tokens_details: { reasoning_tokens: 2 },
    });
  });

  it('omits the usage chunk when include_usage is not asked for', async () => {
    fake.script({ text: 'No usage.' });
    const stream = await client().chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks.every((c) => c.choices.length === 1 && !c.usage)).toBe(true);
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe('stop');
  });

  it('answers a non-streaming create with a chat.completion object', async () => {
    fake.script({ text: 'Plain JSON.' });
    const completion = await client().chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
    });

    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0].message.content).toBe('Plain JSON.');
    expect(completion.choices[0].finish_reason).toBe('stop');
  });
});
