// One extraction pass with the real `openai` client against the fixture model scripted as the task
// extractor: tool calls in, a task list out. Rule breaks go back to the model as tool results so it
// can correct itself; a model that never calls finish is stopped at six calls with its work kept.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MODEL_CALLS, runExtractionPass, type PassInput } from '../../../electron/host/tasks/task-extractor';
import type { ExtractionMessage } from '../../../electron/store/task-repo';
import { startFakeOpenAI, toolOutputs, type FakeOpenAI } from '../../fixtures/openai-server';

let fake: FakeOpenAI;
let client: OpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
  client = new OpenAI({ apiKey: 'sk-extractor-test', baseURL: fake.baseURL, maxRetries: 0 });
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => fake.reset());

function message(id: string, role: ExtractionMessage['role'], text: string, extra: Partial<ExtractionMessage> = {}): ExtractionMessage {
  return { id, role, text, toolCalls: null, toolCallId: null, sender: null, ...extra };
}

const conversation: PassInput = {
  sessionId: 'session-1',
  tasks: [],
  preferences: [],
  messages: [
    message('m0', 'user', 'Book a table for four on Friday, and I always want a window seat.'),
    message('m1', 'assistant', '', { toolCalls: [{ id: 'c1', function: { name: 'book_table', arguments: '{"people":4,"day":"Friday"}' } }] }),
    message('m2', 'tool', 'Booked: table 12, 19:00, window', { toolCallId: 'c1' }),
    message('m3', 'assistant', 'Done: table 12 at 19:00 by the window.'),
  ],
};

describe('an extraction pass', () => {
  it('turns tool calls into tasks, links, progress and preferences, and renders the batch readably', async () => {
    fake.script(
      {
        toolCalls: [
          { name: 'report_thinking', arguments: { thinking: 'One request: the booking. A preference: window seats.' } },
          { name: 'insert_task', arguments: { after_task_order: 0, task_description: 'Book a table for four on Friday' } },
        ],
      },
      {
        toolCalls: [
          { name: 'append_messages_to_task', arguments: { task_order: 1, message_id_range: [0, 3] } },
          { name: 'append_task_progress', arguments: { task_order: 1, progress: 'Booked table 12 at 19:00 by the window' } },
          { name: 'submit_user_preference', arguments: { preference: 'The user always wants a window seat.' } },
          { name: 'update_task', arguments: { task_order: 1, task_status: 'success' } },
          { name: 'finish', arguments: {} },
        ],
      },
    );
    const result = await runExtractionPass(client, 'gpt-4o-mini', conversation);
    expect(result.finished).toBe(true);
    expect(result.calls).toBe(2);
    expect(result.outcome.tasks).toEqual([
      expect.objectContaining({ description: 'Book a table for four on Friday', status: 'success', progresses: ['Booked table 12 at 19:00 by the window'] }),
    ]);
    const taskId = result.outcome.tasks[0].id;
    expect([...result.outcome.links]).toEqual(['m0', 'm1', 'm2', 'm3'].map((id) => [id, taskId]));
    expect(result.outcome.preferences).toEqual([{ taskId, text: 'The user always wants a window seat.' }]);
    expect(result.usage).toHaveLength(2);

    // What the model read: the numbered messages, the tool call and its result by name.
    const prompt = JSON.stringify(fake.requests[0].body.messages);
    expect(prompt).toContain('<message id=0 from=user>');
    expect(prompt).toContain('[calls tool book_table] {\\"people\\":4,\\"day\\":\\"Friday\\"}');
    expect(prompt).toContain('[result of book_table] Booked: table 12, 19:00, window');
    expect(fake.requests[0].body.tools).toHaveLength(7);
  });

  it('answers rule breaks, garbage and unknown tools as tool results, so the model can correct itself', async () => {
    fake.script(
      {
        toolCalls: [
          { name: 'insert_task', arguments: { after_task_order: 0, task_description: 'Book a table' } },
          { name: 'append_task_progress', arguments: { task_order: 3, progress: 'x' }, callId: 'bad_order' },
          { name: 'append_messages_to_task', arguments: { task_order: 1, message_id_range: [2, 1] }, callId: 'bad_range' },
          { name: 'insert_task', arguments: '{not json', callId: 'garbage' },
          { name: 'delete_everything', arguments: {}, callId: 'unknown' },
        ],
      },
      {
        toolCalls: [
          { name: 'update_task', arguments: { task_order: 1, task_status: 'failed' } },
          { name: 'append_task_progress', arguments: { task_order: 1, progress: 'too late' }, callId: 'closed' },
          { name: 'finish', arguments: {} },
        ],
      },
    );
    const result = await runExtractionPass(client, 'gpt-4o-mini', conversation);
    const answers = Object.fromEntries(toolOutputs(fake.requests[1]).map((o) => [o.callId, o.output]));
    expect(answers.bad_order).toBe('Error: There is no task 3: tasks go from 1 to 1.');
    expect(answers.bad_range).toBe('Error: message_id_range must be [start, end] with start <= end.');
    expect(answers.garbage).toBe('Error: the arguments are not valid JSON.');
    expect(answers.unknown).toMatch(/^Error: there is no tool "delete_everything"/);
    expect(result.outcome.tasks.map((t) => [t.description, t.status, t.progresses])).toEqual([['Book a table', 'failed', []]]);
    expect(result.notes.some((note) => note.includes('set it to running'))).toBe(true);
  });

  it(`stops a model that never calls finish after ${MAX_MODEL_CALLS} calls and keeps what it did`, async () => {
    let inserted = 0;
    fake.setResponder(() => ({
      toolCalls: [{ name: 'insert_task', arguments: { after_task_order: inserted++, task_description: `Task number ${inserted}` } }],
    }));
    const result = await runExtractionPass(client, 'gpt-4o-mini', conversation);
    expect(fake.requests).toHaveLength(MAX_MODEL_CALLS);
    expect(result.finished).toBe(false);
    expect(result.outcome.tasks).toHaveLength(MAX_MODEL_CALLS);
  });

  it('fails on a model error (401) with the status, writing nothing', async () => {
    fake.script({ error: { kind: 'http', status: 401, message: 'Incorrect API key provided' } });
    await expect(runExtractionPass(client, 'gpt-4o-mini', conversation)).rejects.toMatchObject({ status: 401 });
  });
});
