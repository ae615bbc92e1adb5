// The seed's flow (002: an OpenAI agent with tools storing every message in Acontext, then flush,
// tasks and resume) run unchanged through the official client @acontext/acontext 0.0.16 against a
// real host served as `dspatch serve` serves it, the fixture model standing in as the extractor.
// The client's own zod schemas check every response. Then: the same session in the app's views.
import { AcontextClient, APIError } from '@acontext/acontext';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../electron/api/contract';
import { useFakeOpenAI } from '../../helpers/fake-model';
import { extractor, extractorEnv, startApiHost, type ApiHost } from '../../helpers/acontext-api';
import { cleanupHarness } from '../../helpers/host-harness';

const fake = useFakeOpenAI();
let api: ApiHost | null = null;
afterEach(async () => {
  await api?.close();
  api = null;
  await cleanupHarness();
});

type OpenAIMessage = Record<string, unknown>;

/** The seed's conversation: a question, two tool calls with their results, the answer; then a follow-up. */
const conversation: OpenAIMessage[] = [
  { role: 'user', content: "What's the weather in Helsinki and Tokyo? I prefer Celsius." },
  {
    role: 'assistant',
    content: null,
    tool_calls: [
      { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Helsinki"}' } },
      { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } },
    ],
  },
  { role: 'tool', tool_call_id: 'call_1', content: 'The weather in Helsinki is sunny, 18°C' },
  { role: 'tool', tool_call_id: 'call_2', content: 'The weather in Tokyo is rainy, 22°C' },
  { role: 'assistant', content: 'Helsinki: sunny, 18°C. Tokyo: rainy, 22°C.' },
  { role: 'user', content: [{ type: 'text', text: 'Book me a table in Tokyo' }, { type: 'image_url', image_url: { url: 'https://example.com/map.png', detail: 'low' } }], name: 'alice' },
  { role: 'assistant', content: 'I will look for a table.', tool_calls: [{ id: 'call_3', type: 'function', function: { name: 'book_table', arguments: '{"city":"Tokyo"}' } }] },
  { role: 'tool', tool_call_id: 'call_3', content: 'No tables free' },
];

describe('the seed flow through @acontext/acontext 0.0.16', () => {
  it('stores the conversation, flushes, reads the tasks and resumes from getMessages, all in the app', async () => {
    fake.setResponder(extractor);
    api = await startApiHost(extractorEnv(fake));
    // Nothing runs on its own in this test: the flush is what extracts.
    await api.t.host.call('tasks.updateSettings', { maxPending: 100, idleSeconds: 3600 });
    const client = new AcontextClient({ apiKey: api.apiKey, baseUrl: api.baseUrl });

    expect(await client.ping()).toBe('pong');
    const space = await client.spaces.create({ configs: { name: 'travel' } });
    const session = await client.sessions.create({ spaceId: space.id, configs: { agent: 'weather' } });
    expect(session).toMatchObject({ space_id: space.id, configs: { agent: 'weather' }, disable_task_tracking: false });

    const from = api.t.events.mark();
    const stored = [];
    for (const message of conversation) stored.push(await client.sessions.storeMessage(session.id, message, { format: 'openai' }));
    expect(stored[1]).toMatchObject({
      role: 'assistant',
      session_task_process_status: 'pending',
      parts: [
        { type: 'tool-call', meta: { id: 'call_1', name: 'get_weather', arguments: '{"city":"Helsinki"}' } },
        { type: 'tool-call', meta: { id: 'call_2', name: 'get_weather' } },
      ],
    });
    expect(stored[2]).toMatchObject({ role: 'user', parts: [{ type: 'tool-result', text: 'The weather in Helsinki is sunny, 18°C', meta: { tool_call_id: 'call_1' } }] });
    expect(await client.sessions.messagesObservingStatus(session.id)).toMatchObject({ observed: 0, in_process: 0, pending: conversation.length });

    const flushed = await client.sessions.flush(session.id);
    expect(flushed).toEqual({ status: 200, errmsg: '' });
    const tasks = await client.sessions.getTasks(session.id);
    expect(tasks.has_more).toBe(false);
    expect(tasks.items.map((task) => [task.order, task.data.task_description, task.status, task.data.progresses, task.data.user_preferences])).toEqual([
      [1, "What's the weather in Helsinki and Tokyo? I prefer Celsius.", 'running', ['Used get_weather, get_weather'], ['The user prefers metric units']],
      [2, 'Book me a table in Tokyo', 'running', ['Used book_table'], []],
    ]);
    expect(await client.sessions.messagesObservingStatus(session.id)).toMatchObject({ observed: conversation.length, pending: 0 });
    expect(await client.sessions.getLearningStatus(session.id)).toEqual({ space_digested_count: 0, not_space_digested_count: 0 });

    // Resume: the whole conversation comes back exactly as it was stored, in order.
    const all = await client.sessions.getMessages(session.id, { format: 'openai' });
    expect(all.items).toEqual(conversation);
    expect(all.ids).toEqual(stored.map((message) => message.id));
    expect(all.has_more).toBe(false);

    // Paging, newest first as the client asks by default: each page in chronological order.
    const newest = await client.sessions.getMessages(session.id, { limit: 3 });
    expect(newest.items).toEqual(conversation.slice(-3));
    expect(newest.has_more).toBe(true);
    const before = await client.sessions.getMessages(session.id, { limit: 3, cursor: newest.next_cursor! });
    expect(before.items).toEqual(conversation.slice(-6, -3));
    const oldest = await client.sessions.getMessages(session.id, { limit: 5, timeDesc: false });
    expect(oldest.items).toEqual(conversation.slice(0, 5));
    const rest = await client.sessions.getMessages(session.id, { limit: 5, timeDesc: false, cursor: oldest.next_cursor! });
    expect(rest.items).toEqual(conversation.slice(5));
    expect(rest.has_more).toBe(false);

    // The Acontext form of the same messages.
    const native = await client.sessions.getMessages(session.id, { format: 'acontext', limit: 2, timeDesc: false });
    expect(native.items).toMatchObject([
      { id: stored[0].id, role: 'user', parts: [{ type: 'text', text: conversation[0].content }], session_task_process_status: 'success' },
      { id: stored[1].id, role: 'assistant' },
    ]);
    expect((native.items[0] as { task_id: string }).task_id).toBe(tasks.items[0].id);
    expect((await client.sessions.getTokenCounts(session.id)).total_tokens).toBeGreaterThan(0);

    // The same session, seen from the app: a conversation of the External sessions, its timeline
    // (text, tool calls with results), its tasks, tool statistics and the extractor's usage.
    const overview = await api.t.host.call('acontext.sessions', {});
    expect(overview.spaces.map((s) => s.id)).toEqual([space.id]);
    expect(overview.sessions).toMatchObject([{ sessionId: session.id, spaceId: space.id, title: conversation[0].content }]);
    const snapshot = await api.t.host.call('sessions.open', { sessionId: session.id });
    expect(snapshot.entries.map((entry) => (entry.kind === 'message' ? `${entry.role}: ${entry.text}` : `${entry.activityKind} ${String(entry.data.callId)}`))).toEqual([
      `user: ${String(conversation[0].content)}`,
      'tool_call call_1',
      'tool_call call_2',
      'tool_result call_1',
      'tool_result call_2',
      'assistant: Helsinki: sunny, 18°C. Tokyo: rainy, 22°C.',
      'user: Book me a table in Tokyo',
      'assistant: I will look for a table.',
      'tool_call call_3',
      'tool_result call_3',
    ]);
    // Every entry was published with the session's seqs, in order: a client following events sees them all.
    const seqs = api.t.events.sessionEvents(session.id).filter((event) => api!.t.events.indexOf(event) >= from).map((event) => event.seq);
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
    expect(seqs).toHaveLength(snapshot.entries.length);
    const board = await api.t.host.call('tasks.board', { sessionId: session.id });
    expect(board.tasks.map((task) => task.description)).toEqual(tasks.items.map((task) => task.data.task_description));
    const stats = await api.t.host.call('tools.stats', { sessionId: session.id });
    expect(stats.map((tool) => [tool.tool, tool.calls, tool.finished])).toEqual([
      ['get_weather', 2, 2],
      ['book_table', 1, 1],
    ]);
    const usage = await api.t.host.call('usage.list', { workspaceId: overview.workspaceId });
    expect(usage.every((row) => row.source === 'tasks' && row.sessionId === session.id)).toBe(true);
    expect(usage.length).toBeGreaterThan(0);
    expect(await api.t.host.call('workspaces.list', {})).toEqual([]);
    await expect(api.t.host.call('sessions.send', { sessionId: session.id, text: 'hi' })).rejects.toThrow(/outside the app/);

    // Sessions and spaces: list, configs, delete.
    const listed = await client.sessions.list({ spaceId: space.id });
    expect(listed.items.map((s) => s.id)).toEqual([session.id]);
    await client.sessions.updateConfigs(session.id, { configs: { agent: 'weather-2' } });
    expect((await client.sessions.getConfigs(session.id)).configs).toEqual({ agent: 'weather-2' });
    expect((await client.spaces.list()).items.map((s) => s.id)).toEqual([space.id]);
    await client.sessions.delete(session.id);
    await expect(client.sessions.getMessages(session.id)).rejects.toMatchObject({ statusCode: 404 });
    expect((await api.t.host.call('acontext.sessions', {})).sessions).toEqual([]);
    expect(api.t.events.events.some((event: HostEvent) => event.type === 'acontext.changed')).toBe(true);
    await client.spaces.delete(space.id);
    expect((await client.spaces.list()).items).toEqual([]);
  });

  it('lets the buffer extract on its own, as for the app’s conversations', async () => {
    fake.setResponder(extractor);
    api = await startApiHost(extractorEnv(fake));
    await api.t.host.call('tasks.updateSettings', { maxPending: 2, idleSeconds: 3600 });
    const client = new AcontextClient({ apiKey: api.apiKey, baseUrl: api.baseUrl });
    const session = await client.sessions.create();
    const from = api.t.events.mark();
    await client.sessions.storeMessage(session.id, { role: 'user', content: 'Plan a trip to Lisbon' });
    await client.sessions.storeMessage(session.id, { role: 'assistant', content: 'Here is a plan.' });
    await api.t.events.waitFor(
      (event) => event.type === 'task.updated' && event.board.sessionId === session.id && !event.board.extracting && event.board.tasks.length === 1,
      { from, what: 'the buffer to extract the API session' },
    );
    expect((await client.sessions.getTasks(session.id)).items.map((task) => task.data.task_description)).toEqual(['Plan a trip to Lisbon']);
  });

  it('takes acontext and anthropic messages and converts between the formats', async () => {
    api = await startApiHost();
    const client = new AcontextClient({ apiKey: api.apiKey, baseUrl: api.baseUrl });
    const session = await client.sessions.create({ disableTaskTracking: true });
    await client.sessions.storeMessage(session.id, { role: 'user', parts: [{ type: 'text', text: 'Read the file' }] }, { format: 'acontext' });
    await client.sessions.storeMessage(
      session.id,
      { role: 'assistant', content: [{ type: 'text', text: 'Reading.' }, { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'a.txt' } }] },
      { format: 'anthropic' },
    );
    await client.sessions.storeMessage(
      session.id,
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'hello', is_error: false }] },
      { format: 'anthropic' },
    );
    const openai = await client.sessions.getMessages(session.id, { format: 'openai' });
    expect(openai.items).toEqual([
      { role: 'user', content: 'Read the file' },
      { role: 'assistant', content: 'Reading.', tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.txt"}' } }] },
      { role: 'tool', tool_call_id: 'toolu_1', content: 'hello' },
    ]);
    const anthropic = await client.sessions.getMessages(session.id, { format: 'anthropic' });
    expect(anthropic.items[0]).toEqual({ role: 'user', content: [{ type: 'text', text: 'Read the file' }] });
    expect(anthropic.items[1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'Reading.' }, { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'a.txt' } }] });
    // Task tracking is off for this session: nothing waits for the extractor.
    expect(await client.sessions.messagesObservingStatus(session.id)).toMatchObject({ pending: 0, observed: 0 });
    expect((await client.sessions.getMessages(session.id, { format: 'acontext' })).items[0]).toMatchObject({ session_task_process_status: 'disabled' });
  });

  it('refuses a wrong key through the client as an APIError 401', async () => {
    api = await startApiHost();
    const client = new AcontextClient({ apiKey: 'sk-ac-not-the-key', baseUrl: api.baseUrl });
    const error = await client.sessions.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ statusCode: 401, code: 401, message: expect.stringMatching(/dspatch api-key/) });
  });
});
