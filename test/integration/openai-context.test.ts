// OpenAiAgentContext end to end: the openai-assistant template (and a test-only custom-endpoint
// template) bundled by the host's bundler, forked as real agent processes and driven over the agent
// protocol, against the scripted fake OpenAI server — the only stand-in.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  startFakeOpenAI,
  toolOutputs,
  type FakeOpenAI,
  type JsonObject,
  type JsonValue,
} from '../fixtures/openai-server';
import { startAgent, type AgentDriver, type AgentMessage } from '../helpers/agent-driver';
import { repoRoot, templatesDir } from '../helpers/paths';

const API_KEY = 'sk-dspatch-test-0123456789abcdefXYZ';
const WORKSPACE = '/tmp/dspatch-test-workspace';
const assistantTemplate = join(templatesDir, 'openai-assistant');
const customTemplate = join(repoRoot, 'test', 'fixtures', 'templates', 'custom-endpoint');

let fake: FakeOpenAI;
let agent: AgentDriver | undefined;
const extraServers: FakeOpenAI[] = [];

beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
});
afterEach(async () => {
  const current = agent;
  agent = undefined;
  await current?.stop();
  fake.reset();
  for (const server of extraServers.splice(0)) await server.close();
  if (current) {
    // Every message was valid and in seq order, and the key never left the process in any form.
    expect(current.problems).toEqual([]);
    const everything =
      JSON.stringify(current.received) + current.stdout.join('\n') + current.stderr.join('\n');
    expect(everything).not.toContain(API_KEY);
    expect(everything).not.toContain('Incorrect API key');
  }
});

async function startAssistant(env: Record<string, string> = {}): Promise<AgentDriver> {
  agent = await startAgent({
    template: assistantTemplate,
    env: { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: fake.baseURL, DSPATCH_WORKSPACE_DIR: WORKSPACE, ...env },
  });
  agent.spawn('i1');
  return agent;
}

async function startCustom(env: Record<string, string>): Promise<AgentDriver> {
  agent = await startAgent({ template: customTemplate, env: { DSPATCH_WORKSPACE_DIR: WORKSPACE, ...env } });
  agent.spawn('i1');
  return agent;
}

/** The turn's assistant text, one entry per message id, in order. */
function segments(
  a: AgentDriver,
  turnId: string,
): { id: string; text: string; first: number; last: number }[] {
  const byId = new Map<string, { id: string; text: string; first: number; last: number }>();
  for (const m of a.all('message', turnId)) {
    const segment = byId.get(m.messageId) ?? { id: m.messageId, text: '', first: m.seq, last: m.seq };
    segment.text = m.isDelta ? segment.text + m.content : m.content;
    segment.last = m.seq;
    byId.set(m.messageId, segment);
  }
  return [...byId.values()];
}

function activities(
  a: AgentDriver,
  kind: AgentMessage<'activity'>['kind'],
  turnId?: string,
): AgentMessage<'activity'>[] {
  return a.all('activity', turnId).filter((m) => m.kind === kind);
}

function logs(a: AgentDriver, level?: AgentMessage<'log'>['level']): string[] {
  return a
    .all('log')
    .filter((m) => !level || m.level === level)
    .map((m) => m.message);
}

function states(a: AgentDriver, turnId: string): string[] {
  return a.all('state', turnId).map((m) => m.state);
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The Responses `input` or Chat `messages` of a request, as role + text (tool items by type). */
function transcript(body: JsonObject): string[] {
  const items = body.input ?? body.messages;
  if (!Array.isArray(items)) return [];
  return items.filter(isObject).map((item) => {
    const content = item.content;
    const text =
      typeof content === 'string'
        ? content
        : Array.isArray(content)
          ? content.map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : '')).join('')
          : '';
    if (item.type === 'function_call') return `function_call ${String(item.name)}`;
    if (item.type === 'function_call_output') return `function_call_output ${String(item.output)}`;
    if (item.role === 'tool') return `tool ${text}`;
    if (item.role === 'assistant' && Array.isArray(item.tool_calls)) return 'assistant tool_calls';
    return `${String(item.role)}: ${text}`;
  });
}

function toolNames(body: JsonObject): string[] {
  const tools = Array.isArray(body.tools) ? body.tools : [];
  return tools.filter(isObject).map((t) => (isObject(t.function) ? String(t.function.name) : String(t.name)));
}

describe('OpenAiAgentContext (openai-assistant template, Responses API)', () => {
  it('streams text as deltas of one message and reports the turn', async () => {
    // A pause between chunks: the agent's port merges deltas that arrive in the same event-loop turn,
    // so chunks must be far enough apart to stay separate even on a busy machine.
    fake.script({ text: 'Hello there from the fake model', delayMs: 60 });
    const a = await startAssistant();
    const done = await a.turn('i1', 't1', 'Say hello');
    expect(done).toMatchObject({ status: 'completed', instanceId: 'i1', turnId: 't1' });

    const deltas = a.all('message', 't1');
    expect(deltas.length).toBeGreaterThanOrEqual(2);
    expect(deltas.every((m) => m.isDelta && m.role === 'assistant')).toBe(true);
    expect(segments(a, 't1')).toMatchObject([{ text: 'Hello there from the fake model' }]);
    expect(logs(a, 'debug')).toContain('Processing prompt: Say hello');
    await a.next('state', (m) => m.turnId === null && m.state === 'idle' && m.seq > done.seq);
    expect(states(a, 't1')).toEqual(['generating']);

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request.endpoint).toBe('responses');
    expect(request.body).toMatchObject({ model: 'gpt-4o', stream: true });
    expect(request.body.previous_response_id).toBeUndefined();
    expect(transcript(request.body)).toEqual(['user: Say hello']);
  });

  it('bridges a tool call and its result, starts a new message after the tool, and reports usage per call', async () => {
    fake.script(
      {
        text: 'Let me check the clock.',
        toolCalls: [{ name: 'get_current_time', arguments: { timezone: 'UTC' }, callId: 'call_time_1' }],
        usage: { inputTokens: 120, cachedInputTokens: 100, outputTokens: 30, reasoningTokens: 12 },
      },
      { text: 'It is noon in UTC.', usage: { inputTokens: 150, cachedInputTokens: 120, outputTokens: 8 } },
    );
    const a = await startAssistant();
    expect(await a.turn('i1', 't1', 'What time is it?')).toMatchObject({ status: 'completed' });

    const [call] = activities(a, 'tool_call', 't1');
    const [result] = activities(a, 'tool_result', 't1');
    expect(call.data).toEqual({
      callId: 'call_time_1',
      tool: 'get_current_time',
      arguments: '{"timezone":"UTC"}',
    });
    expect(result.data).toMatchObject({ callId: 'call_time_1', tool: 'get_current_time' });
    expect(String(result.data.output)).toMatch(/\(UTC\); ISO \d{4}-\d\d-\d\dT/);

    const [before, after, ...rest] = segments(a, 't1');
    expect(rest).toEqual([]);
    expect(before.text).toBe('Let me check the clock.');
    expect(after.text).toBe('It is noon in UTC.');
    expect(after.id).not.toBe(before.id);
    expect(before.last).toBeLessThan(call.seq);
    expect(call.seq).toBeLessThan(result.seq);
    expect(result.seq).toBeLessThan(after.first);

    expect(
      a
        .all('usage', 't1')
        .map(({ model, requests, inputTokens, cachedInputTokens, outputTokens, reasoningTokens }) => ({
          model,
          requests,
          inputTokens,
          cachedInputTokens,
          outputTokens,
          reasoningTokens,
        })),
    ).toEqual([
      {
        model: 'gpt-4o',
        requests: 1,
        inputTokens: 120,
        cachedInputTokens: 100,
        outputTokens: 30,
        reasoningTokens: 12,
      },
      {
        model: 'gpt-4o',
        requests: 1,
        inputTokens: 150,
        cachedInputTokens: 120,
        outputTokens: 8,
        reasoningTokens: 0,
      },
    ]);
    expect(toolOutputs(fake.requests[1])).toEqual([
      { callId: 'call_time_1', output: String(result.data.output) },
    ]);
  });

  it('streams a reasoning summary as one growing thinking activity', async () => {
    const reasoning = 'The user wants a greeting, so I will greet them.';
    fake.script({ reasoning, text: 'Hello!' });
    const a = await startAssistant();
    expect(await a.turn('i1', 't1', 'Hi')).toMatchObject({ status: 'completed' });

    const thinking = activities(a, 'thinking', 't1');
    expect(thinking.length).toBeGreaterThan(1);
    expect(new Set(thinking.map((m) => m.activityId)).size).toBe(1);
    expect(thinking.map((m) => m.isDelta)).toEqual([false, ...thinking.slice(1).map(() => true)]);
    expect(thinking.map((m) => m.data.text).join('')).toBe(reasoning);
    const [text] = segments(a, 't1');
    expect(thinking.at(-1)!.seq).toBeLessThan(text.first);
    expect(a.all('usage', 't1')[0].reasoningTokens).toBeGreaterThan(0);
  });

  it('asks the user with send_inquiry, waits, and hands the answer back to the model', async () => {
    const question = {
      markdown: '## Which database?\nSQLite or Postgres.',
      suggestions: ['Use SQLite', 'Use Postgres'],
      files: [`${WORKSPACE}/schema.sql`],
    };
    fake.script(
      { toolCalls: [{ name: 'send_inquiry', arguments: question, callId: 'call_inq' }] },
      { text: 'Going with SQLite.' },
    );
    const a = await startAssistant();
    a.send({ type: 'input', instanceId: 'i1', turnId: 't1', content: 'Set up storage' });

    const request = await a.next('inquiry.request');
    expect(request).toMatchObject({ instanceId: 'i1', turnId: 't1', ...question });
    await a.next('state', (m) => m.state === 'waiting_for_inquiry');
    expect(fake.requests).toHaveLength(1);

    a.send({
      type: 'inquiry.response',
      instanceId: 'i1',
      inquiryId: request.inquiryId,
      text: 'Use SQLite',
      suggestionIndex: 0,
    });
    expect(await a.next('turn.done', (m) => m.turnId === 't1')).toMatchObject({ status: 'completed' });
    expect(toolOutputs(fake.requests[1])).toEqual([
      { callId: 'call_inq', output: 'User response: Use SQLite' },
    ]);
    expect(states(a, 't1')).toEqual(['generating', 'waiting_for_inquiry', 'generating']);
    expect(activities(a, 'tool_result', 't1')[0].data).toEqual({
      callId: 'call_inq',
      tool: 'send_inquiry',
      output: 'User response: Use SQLite',
    });
    expect(activities(a, 'inquiry.response', 't1')[0].data).toMatchObject({
      inquiryId: request.inquiryId,
      text: 'Use SQLite',
    });
    expect(segments(a, 't1').map((s) => s.text)).toEqual(['Going with SQLite.']);
  });

  it('sends the augmented instructions and the platform tools the template declares', async () => {
    fake.script({ text: 'ok' });
    const a = await startAssistant();
    await a.turn('i1', 't1', 'hi');
    const { body } = fake.requests[0];
    const instructions = String(body.instructions);
    expect(instructions.startsWith('You are a helpful coding assistant.')).toBe(true);
    expect(instructions).toContain('## Workspace');
    expect(instructions).toContain(`\`${WORKSPACE}\``);
    expect(instructions).toContain('## Inquiries & Authority');
    expect(instructions).toContain(a.env.DSPATCH_FIELD_AUTHORITY);
    expect(instructions).toContain('`send_inquiry`');
    expect(instructions).not.toContain('## Agent Coordination');

    expect(toolNames(body).sort()).toEqual(['get_current_time', 'send_inquiry']);
    const sendInquiry = (body.tools as JsonObject[]).find((t) => t.name === 'send_inquiry')!;
    expect(sendInquiry).toMatchObject({
      type: 'function',
      strict: false,
      parameters: {
        type: 'object',
        required: ['markdown', 'suggestions'],
        properties: { suggestions: { type: 'array', minItems: 2, maxItems: 4 }, files: { type: 'array' } },
      },
    });
  });

  it('offers talk_to_<peer> tools when there are peers, and relays a call to the host', async () => {
    fake.script(
      {
        toolCalls: [
          {
            name: 'talk_to_reviewer',
            arguments: { text: 'Please review', continue_previous_conversation: false },
            callId: 'call_peer',
          },
        ],
      },
      { text: 'The reviewer approved.' },
    );
    const a = await startAssistant({
      DSPATCH_PEERS: JSON.stringify(['reviewer', 'data-bot']),
      DSPATCH_FIELD_SYSTEM_PROMPT: 'You are Zed.',
      DSPATCH_FIELD_AUTHORITY: '',
    });
    a.send({ type: 'input', instanceId: 'i1', turnId: 't1', content: 'Get a review' });
    const request = await a.next('talk_to.request');
    expect(request).toMatchObject({ peer: 'reviewer', text: 'Please review', continueConversation: false });
    await a.next('state', (m) => m.state === 'waiting_for_agent');
    a.send({ type: 'talk_to.response', instanceId: 'i1', requestId: request.requestId, response: 'LGTM' });
    expect(await a.next('turn.done', (m) => m.turnId === 't1')).toMatchObject({ status: 'completed' });
    expect(toolOutputs(fake.requests[1])).toEqual([{ callId: 'call_peer', output: 'LGTM' }]);

    const { body } = fake.requests[0];
    // With peers, it may be a supervisor: the tools for its subordinates' inquiries come too.
    expect(toolNames(body).sort()).toEqual([
      'continue_waiting_for_agent_response',
      'get_current_time',
      'receive_incoming_inquiry',
      'reply_to_inquiry',
      'send_inquiry',
      'talk_to_data_bot',
      'talk_to_reviewer',
    ]);
    const instructions = String(body.instructions);
    expect(instructions.startsWith('You are Zed.')).toBe(true);
    expect(instructions).toContain('## Inquiries\n');
    expect(instructions).not.toContain('Authority');
    expect(instructions).toContain('## Agent Coordination');
    expect(instructions).toContain('`talk_to_reviewer`');
    expect(instructions).toContain('`talk_to_data_bot`');
  });

  it('chains turns with previous_response_id over three turns', async () => {
    fake.script({ text: 'Nice to meet you, Ada.' }, { text: 'Your name is Ada.' }, { text: 'Goodbye, Ada.' });
    const a = await startAssistant();
    for (const [turnId, text] of [
      ['t1', 'My name is Ada.'],
      ['t2', 'What is my name?'],
      ['t3', 'Bye!'],
    ]) {
      expect(await a.turn('i1', turnId, text)).toMatchObject({ status: 'completed' });
    }
    const [r1, r2, r3] = fake.requests.map((r) => r.body);
    expect(r1.previous_response_id).toBeUndefined();
    expect(r2.previous_response_id).toMatch(/^resp_/);
    expect(r3.previous_response_id).toMatch(/^resp_/);
    expect(r3.previous_response_id).not.toBe(r2.previous_response_id);
    // The server holds the conversation; each turn sends only its new message.
    expect(transcript(r2)).toEqual(['user: What is my name?']);
    expect(transcript(r3)).toEqual(['user: Bye!']);
  });

  it('seeds the conversation from the restored history after a restart', async () => {
    fake.script({ text: 'You are Ada.' }, { text: 'Still Ada.' });
    const a = await startAssistant();
    a.spawn('i2', [
      { role: 'user', content: 'My name is Ada.' },
      { role: 'assistant', content: 'Nice to meet you, Ada.' },
    ]);
    expect(await a.turn('i2', 't1', 'What is my name?')).toMatchObject({ status: 'completed' });
    expect(await a.turn('i2', 't2', 'Sure?')).toMatchObject({ status: 'completed' });
    const [r1, r2] = fake.requests.map((r) => r.body);
    expect(r1.previous_response_id).toBeUndefined();
    expect(transcript(r1)).toEqual([
      'user: My name is Ada.',
      'assistant: Nice to meet you, Ada.',
      'user: What is my name?',
    ]);
    expect(r2.previous_response_id).toMatch(/^resp_/);
    expect(transcript(r2)).toEqual(['user: Sure?']);
  });

  it('stops mid-stream on interrupt, keeps the partial text, and takes the next message', async () => {
    const words = Array.from({ length: 40 }, (_, i) => `word${i + 1}`).join(' ');
    fake.script({ text: 'Hello Ada.' }, { text: words, delayMs: 25 }, { text: 'Back again.' });
    const a = await startAssistant();
    expect(await a.turn('i1', 't0', 'Hi, I am Ada')).toMatchObject({ status: 'completed' });

    a.send({ type: 'input', instanceId: 'i1', turnId: 't1', content: 'Count to forty' });
    await a.next('message', (m) => m.turnId === 't1' && segments(a, 't1')[0].text.includes('word3'));
    a.send({ type: 'signal.interrupt', instanceId: 'i1' });
    expect(await a.next('turn.done', (m) => m.turnId === 't1')).toMatchObject({ status: 'interrupted' });
    const partial = segments(a, 't1');
    expect(partial).toHaveLength(1);
    expect(partial[0].text.startsWith('word1 word2 word3')).toBe(true);
    expect(a.all('message', 't1').length).toBeLessThan(40);
    expect(activities(a, 'error', 't1')).toEqual([]);

    expect(await a.turn('i1', 't2', 'Are you there?')).toMatchObject({ status: 'completed' });
    expect(segments(a, 't2').map((s) => s.text)).toEqual(['Back again.']);
    // No chaining from the half-finished response: the conversation is replayed, partial text included.
    const r3 = fake.requests[2].body;
    expect(r3.previous_response_id).toBeUndefined();
    const replay = transcript(r3);
    expect(replay.slice(0, 3)).toEqual([
      'user: Hi, I am Ada',
      'assistant: Hello Ada.',
      'user: Count to forty',
    ]);
    expect(replay[3]).toMatch(/^assistant: word1 word2 word3/);
    expect(replay[4]).toBe('user: Are you there?');
  });
  it('stops while waiting for an inquiry: no further model call, and the next message works', async () => {
    const question = { markdown: 'Which?', suggestions: ['A', 'B'] };
    fake.script(
      { toolCalls: [{ name: 'send_inquiry', arguments: question, callId: 'call_q' }] },
      { text: 'Fresh start.' },
    );
    const a = await startAssistant();
    a.send({ type: 'input', instanceId: 'i1', turnId: 't1', content: 'Decide something' });
    await a.next('inquiry.request');
    a.send({ type: 'signal.interrupt', instanceId: 'i1' });
    expect(await a.next('turn.done', (m) => m.turnId === 't1')).toMatchObject({ status: 'interrupted' });

    expect(await a.turn('i1', 't2', 'Never mind')).toMatchObject({ status: 'completed' });
    expect(fake.requests).toHaveLength(2);
    // The replayed history carries no half of a tool call the API would reject.
    const replay = transcript(fake.requests[1].body);
    expect(replay[0]).toBe('user: Decide something');
    expect(replay.at(-1)).toBe('user: Never mind');
    expect(replay.filter((line) => line.startsWith('function_call ')).length).toBe(
      replay.filter((line) => line.startsWith('function_call_output ')).length,
    );
  });
});

describe('OpenAiAgentContext errors', () => {
  it('no OPENAI_API_KEY: the user learns which secret is missing, and no request is made', async () => {
    agent = await startAgent({
      template: assistantTemplate,
      env: { OPENAI_BASE_URL: fake.baseURL, DSPATCH_WORKSPACE_DIR: WORKSPACE },
    });
    const a = agent;
    a.spawn('i1');
    const done = await a.turn('i1', 't1', 'hi');
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/^OPENAI_API_KEY is not set for this agent\./);
    expect(fake.requests).toEqual([]);
  });

  it('401: tells the user to check the key, does not retry, and the next message works', async () => {
    fake.script({ error: { status: 401 } }, { text: 'Working again.' });
    const a = await startAssistant();
    const message = 'The model API rejected the key (401). Check OPENAI_API_KEY for this workspace.';
    expect(await a.turn('i1', 't1', 'hi')).toMatchObject({ status: 'failed', error: message });
    expect(activities(a, 'error', 't1').map((m) => m.data.message)).toEqual([message]);
    // Logged once: the template's `ctx.log(\`Error: …\`)` of the same error is not a second line.
    expect(logs(a, 'error')).toEqual([message]);
    expect(fake.requests).toHaveLength(1);
    expect(await a.turn('i1', 't2', 'again')).toMatchObject({ status: 'completed' });
  });

  it('429: the client retries (visible in the log), then the user learns it was rate limited', async () => {
    fake.script({ error: { status: 429, retryAfterMs: 5, times: 3 } }, { text: 'ok' });
    const a = await startAssistant();
    const done = await a.turn('i1', 't1', 'hi');
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/^Rate limited by the model API \(429\) after 2 retries\./);
    expect(fake.requests).toHaveLength(3);
    const retries = a.all('log', 't1').filter((m) => m.level === 'warn');
    expect(retries.map((m) => m.message)).toEqual([
      'The model API answered 429; retrying (retry 1 of 2).',
      'The model API answered 429; retrying (retry 2 of 2).',
    ]);
    expect(retries[1].seq).toBeLessThan(activities(a, 'error', 't1')[0].seq);
    expect(await a.turn('i1', 't2', 'again')).toMatchObject({ status: 'completed' });
  });

  it('500: the provider is unavailable after the retries', async () => {
    fake.script({ error: { status: 500, retryAfterMs: 5, times: 3 } }, { text: 'ok' });
    const a = await startAssistant();
    const done = await a.turn('i1', 't1', 'hi');
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/^The model provider is unavailable \(HTTP 500\) after 2 retries\./);
    expect(logs(a, 'warn')).toHaveLength(2);
    expect(await a.turn('i1', 't2', 'again')).toMatchObject({ status: 'completed' });
  });

  it('a stream cut mid-way keeps the partial text, fails the turn, and the next turn replays it', async () => {
    // Responses streams 4 events before the first text delta: created, in_progress, item and part added.
    fake.script(
      { text: 'one two three four five six', error: { kind: 'cut', afterChunks: 7 } },
      { text: 'Recovered.' },
    );
    const a = await startAssistant();
    const done = await a.turn('i1', 't1', 'Count');
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/cut in the middle of its reply; the partial reply is kept/);
    expect(segments(a, 't1').map((s) => s.text)).toEqual(['one two three']);

    expect(await a.turn('i1', 't2', 'Go on')).toMatchObject({ status: 'completed' });
    const replay = transcript(fake.requests[1].body);
    expect(fake.requests[1].body.previous_response_id).toBeUndefined();
    expect(replay).toEqual(['user: Count', 'assistant: one two three', 'user: Go on']);
  });

  it('an error event inside the stream fails the turn with the provider message', async () => {
    fake.script(
      { text: 'one two three', error: { kind: 'error-event', message: 'Overloaded, try later.' } },
      { text: 'ok' },
    );
    const a = await startAssistant();
    const done = await a.turn('i1', 't1', 'hi');
    expect(done).toMatchObject({
      status: 'failed',
      error: 'The model provider reported an error mid-reply: Overloaded, try later.',
    });
    expect(segments(a, 't1').map((s) => s.text)).toEqual(['one two three']);
    expect(await a.turn('i1', 't2', 'again')).toMatchObject({ status: 'completed' });
  });

  it('max turns exceeded: the user learns the agent ran out of steps', async () => {
    fake.script(
      ...Array.from({ length: 10 }, () => ({ toolCalls: [{ name: 'get_current_time', arguments: {} }] })),
      { text: 'ok' },
    );
    const a = await startAssistant();
    const done = await a.turn('i1', 't1', 'Loop');
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(
      /^The agent stopped after 10 model turns without finishing \(max turns exceeded\)/,
    );
    expect(fake.requests).toHaveLength(10);
    expect(activities(a, 'tool_call', 't1')).toHaveLength(10);
    expect(activities(a, 'tool_result', 't1')).toHaveLength(10);
    expect(await a.turn('i1', 't2', 'again')).toMatchObject({ status: 'completed' });
  });
});

describe('OpenAiAgentContext with a custom client (Chat Completions)', () => {
  it('uses the custom endpoint and replays the conversation over three turns', async () => {
    const decoy = await startFakeOpenAI();
    extraServers.push(decoy);
    fake.script(
      { toolCalls: [{ name: 'remember_fact', arguments: { fact: 'name=Ada' }, callId: 'call_fact' }] },
      { reasoning: 'The fact is stored.', text: 'Noted, Ada.' },
      { text: 'You are Ada.' },
      { text: 'Bye, Ada.' },
    );
    const a = await startCustom({
      OPENAI_API_KEY: API_KEY,
      OPENAI_BASE_URL: decoy.baseURL,
      CUSTOM_BASE_URL: fake.baseURL,
    });
    for (const [turnId, text] of [
      ['t1', 'My name is Ada.'],
      ['t2', 'What is my name?'],
      ['t3', 'Bye!'],
    ]) {
      expect(await a.turn('i1', turnId, text)).toMatchObject({ status: 'completed' });
    }
    expect(decoy.requests).toEqual([]);
    expect(fake.requests.map((r) => r.endpoint)).toEqual(Array(4).fill('chat.completions'));
    expect(fake.requests.every((r) => r.body.previous_response_id === undefined)).toBe(true);
    expect(fake.requests[0].body.model).toBe('local-model');

    const turn2 = transcript(fake.requests[2].body);
    expect(turn2[0]).toMatch(/^system: You are a test agent behind a custom endpoint\.\n\n## Workspace/);
    expect(turn2.slice(1)).toEqual([
      'user: My name is Ada.',
      'assistant tool_calls',
      'tool Remembered: name=Ada',
      'assistant: Noted, Ada.',
      'user: What is my name?',
    ]);
    expect(transcript(fake.requests[3].body).slice(1)).toEqual([
      ...turn2.slice(1),
      'assistant: You are Ada.',
      'user: Bye!',
    ]);

    // Chat streams reasoning as `delta.reasoning`; tool calls and results are bridged the same way.
    expect(
      activities(a, 'thinking', 't1')
        .map((m) => m.data.text)
        .join(''),
    ).toBe('The fact is stored.');
    expect(activities(a, 'tool_call', 't1')[0].data).toEqual({
      callId: 'call_fact',
      tool: 'remember_fact',
      arguments: '{"fact":"name=Ada"}',
    });
    expect(activities(a, 'tool_result', 't1')[0].data).toEqual({
      callId: 'call_fact',
      tool: 'remember_fact',
      output: 'Remembered: name=Ada',
    });
    expect(a.all('usage', 't1').map((u) => u.model)).toEqual(['local-model', 'local-model']);
  });

  it('an unreachable endpoint: retries, then tells the user the URL it could not connect to', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    // No OPENAI_API_KEY at all: a custom client does not need one.
    const a = await startCustom({ CUSTOM_BASE_URL: `http://127.0.0.1:${port}/v1`, CUSTOM_MAX_RETRIES: '1' });
    const done = await a.turn('i1', 't1', 'hi');
    expect(done.status).toBe('failed');
    expect(done.error).toBe(
      `Could not connect to http://127.0.0.1:${port}/v1/chat/completions after 1 retry: the connection was refused. Check that the server is running and that the provider's base URL is right.`,
    );
    expect(logs(a, 'warn')).toEqual(['The model API could not be reached; retrying (retry 1 of 1).']);
  });
});

describe('OpenAiAgentContext network hygiene', () => {
  it('reaches nothing but the model endpoint: tracing is off and nothing else is attempted', async () => {
    fake.script({ toolCalls: [{ name: 'get_current_time', arguments: {} }] }, { text: 'Done.' });
    agent = await startAgent({
      template: assistantTemplate,
      spyNetwork: true,
      env: {
        OPENAI_API_KEY: API_KEY,
        OPENAI_BASE_URL: fake.baseURL,
        DSPATCH_WORKSPACE_DIR: WORKSPACE,
        // The Agents SDK's debug log says when it skips a trace; payloads stay out of it.
        DEBUG: 'openai-agents:*',
        OPENAI_AGENTS_DONT_LOG_MODEL_DATA: '1',
        OPENAI_AGENTS_DONT_LOG_TOOL_DATA: '1',
      },
    });
    const a = agent;
    a.spawn('i1');
    expect(await a.turn('i1', 't1', 'What time is it?')).toMatchObject({ status: 'completed' });
    await a.stop();

    expect(fake.requests.map((r) => r.path)).toEqual(['/v1/responses', '/v1/responses']);
    const connections = a.stderr.filter((line) => line.startsWith('[network-spy]'));
    expect(connections.length).toBeGreaterThan(0);
    expect(new Set(connections)).toEqual(new Set([`[network-spy] tcp 127.0.0.1:${fake.port}`]));
    const stderr = a.stderr.join('\n');
    expect(stderr).toContain('Tracing is disabled');
    expect(stderr).not.toMatch(/api\.openai\.com|traces\/ingest|Exporting batches/);
  });
});
