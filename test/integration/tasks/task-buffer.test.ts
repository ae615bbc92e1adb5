// Task extraction under the real host, with the fixture model scripted as the extractor: the
// buffer's three triggers (a full batch, true idle, flush), one pass per session at a time, usage
// kept apart from the agent's, failures that leave the chat alone and can be retried, and a restart
// that picks pending messages up again.
import { afterEach, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../electron/api/contract';
import type { TaskBoard } from '../../../electron/api/types';
import { lastUserText, toolOutputs, type RecordedRequest, type Turn } from '../../fixtures/openai-server';
import { useFakeOpenAI } from '../../helpers/fake-model';
import { cleanupHarness, launchWorkspace, sendAndWait, singleAgentYaml, startHost, type TestHost } from '../../helpers/host-harness';

const fake = useFakeOpenAI();
afterEach(cleanupHarness);

const ECHO = singleAgentYaml('tasks-ws', 'echo', 'echo');

function extractorEnv(): Record<string, string> {
  return { DSPATCH_TASKS_BASE_URL: fake.baseURL, DSPATCH_TASKS_API_KEY: 'sk-tasks-extractor-key', DSPATCH_TASKS_MODEL: 'extractor-model' };
}

/** Extractor requests only (the fixture also serves agents): they carry the task tools. */
function passes(): RecordedRequest[] {
  return fake.requests.filter((request) => Array.isArray(request.body.tools) && toolOutputs(request).length === 0);
}

/**
 * The extractor's script: every user message of the batch becomes a task in its own words, linked
 * with the agent's reply after it; then finish.
 */
function extractor(request: RecordedRequest): Turn {
  if (toolOutputs(request).length > 0) return { toolCalls: [{ name: 'finish', arguments: {} }] };
  const prompt = lastUserText(request) ?? '';
  const existing = (prompt.match(/^Task \d+ \(/gm) ?? []).length;
  const asked = [...prompt.matchAll(/<message id=(\d+) from=user>\n(.*)/g)];
  return {
    toolCalls: asked.flatMap(([, id, text], index) => [
      { name: 'insert_task', arguments: { after_task_order: existing + index, task_description: text } },
      { name: 'append_messages_to_task', arguments: { task_order: existing + index + 1, message_id_range: [Number(id), Number(id) + 1] } },
    ]),
    usage: { inputTokens: 300, outputTokens: 40 },
  };
}

function boardOf(t: TestHost, from: number, predicate: (board: TaskBoard) => boolean): Promise<TaskBoard> {
  return t.events
    .waitFor((event: HostEvent) => event.type === 'task.updated' && predicate(event.board), { from, what: 'a task board update' })
    .then((event) => (event as Extract<HostEvent, { type: 'task.updated' }>).board);
}

const settled = (board: TaskBoard) => !board.extracting && board.messages.pending === 0 && board.messages.running === 0;

describe('the task buffer', () => {
  it('runs a pass as soon as enough messages are pending, with usage kept as the extractor’s', async () => {
    fake.setResponder(extractor);
    const t = await startHost({ env: extractorEnv() });
    await t.host.call('tasks.updateSettings', { maxPending: 4, idleSeconds: 3600 });
    const { workspace, sessionId } = await launchWorkspace(t, ECHO);
    await sendAndWait(t, sessionId, 'Plan a trip to Lisbon');
    expect(passes()).toHaveLength(0);
    const from = t.events.mark();
    await sendAndWait(t, sessionId, 'Find a hotel near the river');
    const board = await boardOf(t, from, (b) => settled(b) && b.tasks.length === 2);
    expect(board.tasks.map((task) => [task.order, task.description, task.status, task.messageIds.length])).toEqual([
      [1, 'Plan a trip to Lisbon', 'running', 2],
      [2, 'Find a hotel near the river', 'running', 2],
    ]);
    expect(board.messages).toEqual({ pending: 0, running: 0, success: 4, failed: 0 });
    expect(passes()).toHaveLength(1);
    expect(fake.requests[0].headers.authorization).toBe('Bearer sk-tasks-extractor-key');
    expect(fake.requests[0].body.model).toBe('extractor-model');

    const usage = await t.host.call('usage.list', { workspaceId: workspace.id });
    expect(usage.map((row) => [row.source, row.model])).toEqual([
      ['tasks', 'extractor-model'],
      ['tasks', 'extractor-model'],
    ]);
    const summary = await t.host.call('usage.summary', { workspaceId: workspace.id });
    expect(summary.byModel.map((row) => [row.source, row.inputTokens])).toEqual([['tasks', usage.reduce((sum, row) => sum + row.inputTokens, 0)]]);
    expect(usage[1].inputTokens).toBe(300);
  });

  it('waits for true idle: a message inside the quiet spell restarts the wait, and one pass reads both', async () => {
    fake.setResponder(extractor);
    const t = await startHost({ env: extractorEnv() });
    await t.host.call('tasks.updateSettings', { maxPending: 100, idleSeconds: 1 });
    const { sessionId } = await launchWorkspace(t, ECHO);
    const from = t.events.mark();
    await sendAndWait(t, sessionId, 'Write a haiku about rain');
    await sendAndWait(t, sessionId, 'Now one about snow');
    const board = await boardOf(t, from, (b) => settled(b) && b.tasks.length > 0);
    expect(board.tasks.map((task) => task.description)).toEqual(['Write a haiku about rain', 'Now one about snow']);
    expect(passes()).toHaveLength(1);
  });

  it('flushes at once and resolves when the pass has finished; a second flush finds nothing to do', async () => {
    fake.setResponder(extractor);
    const t = await startHost({ env: extractorEnv() });
    await t.host.call('tasks.updateSettings', { maxPending: 100, idleSeconds: 3600 });
    const { sessionId } = await launchWorkspace(t, ECHO);
    await sendAndWait(t, sessionId, 'Summarise the meeting notes');
    const before = await t.host.call('tasks.board', { sessionId });
    expect(before.messages.pending).toBe(2);
    const board = await t.host.call('tasks.flush', { sessionId });
    expect(board.tasks.map((task) => task.description)).toEqual(['Summarise the meeting notes']);
    expect(board.messages.success).toBe(2);
    await t.host.call('tasks.flush', { sessionId });
    expect(passes()).toHaveLength(1);
  });

  it('runs one pass per session at a time: what arrives meanwhile waits for the next', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    fake.setResponder(async (request) => {
      if (passes().length === 1 && toolOutputs(request).length === 0) await gate;
      return extractor(request);
    });
    const t = await startHost({ env: extractorEnv() });
    await t.host.call('tasks.updateSettings', { maxPending: 2, idleSeconds: 3600 });
    const { sessionId } = await launchWorkspace(t, ECHO);
    const from = t.events.mark();
    await sendAndWait(t, sessionId, 'First request');
    await boardOf(t, from, (b) => b.extracting);
    await sendAndWait(t, sessionId, 'Second request');
    const during = await t.host.call('tasks.board', { sessionId });
    expect(during.messages).toMatchObject({ running: 2, pending: 2 });
    expect(passes()).toHaveLength(1);
    release();
    const board = await boardOf(t, from, (b) => settled(b) && b.tasks.length === 2);
    expect(board.tasks.map((task) => task.description)).toEqual(['First request', 'Second request']);
    expect(passes()).toHaveLength(2);
  });

  it('reports a 401 clearly, leaves the chat alone and lets the user retry', async () => {
    fake.setResponder(() => ({ error: { kind: 'http', status: 401, message: 'Incorrect API key provided' } }));
    const t = await startHost({ env: extractorEnv() });
    await t.host.call('tasks.updateSettings', { maxPending: 100, idleSeconds: 3600 });
    const { workspace, sessionId } = await launchWorkspace(t, ECHO);
    await sendAndWait(t, sessionId, 'Fix the login bug');
    await expect(t.host.call('tasks.flush', { sessionId })).rejects.toThrow(/refused the API key \(401\)/);
    const failed = await t.host.call('tasks.board', { sessionId });
    expect(failed.messages).toMatchObject({ failed: 2, pending: 0 });
    expect(failed.lastError).toMatch(/401/);
    const logs = await t.host.call('logs.list', { workspaceId: workspace.id });
    expect(logs.some((log) => log.source === 'tasks' && log.level === 'error' && /Retry/.test(log.message))).toBe(true);

    // The chat goes on as before.
    expect((await sendAndWait(t, sessionId, 'still here?')).reply).toBe('still here?');
    fake.setResponder(extractor);
    const board = await t.host.call('tasks.retry', { sessionId });
    expect(board.lastError).toBeNull();
    expect(board.tasks.map((task) => task.description)).toEqual(['Fix the login bug', 'still here?']);
    expect(board.messages).toMatchObject({ failed: 0, success: 4 });
  });

  it('is off without a key, says how to turn it on, and changes nothing else', async () => {
    const t = await startHost();
    const status = await t.host.call('tasks.settings', {});
    expect(status.active).toBe(false);
    expect(status.inactiveReason).toMatch(/Settings → Tasks/);
    const { sessionId } = await launchWorkspace(t, ECHO);
    expect((await sendAndWait(t, sessionId, 'hello')).reply).toBe('hello');
    await expect(t.host.call('tasks.flush', { sessionId })).rejects.toThrow(/needs an API key/);
    expect(fake.requests).toHaveLength(0);
  });

  it('picks up pending messages again after a restart', async () => {
    fake.setResponder(extractor);
    const first = await startHost();
    await first.host.call('tasks.updateSettings', { maxPending: 100, idleSeconds: 0.2 });
    const { sessionId } = await launchWorkspace(first, ECHO);
    await sendAndWait(first, sessionId, 'Remember to water the plants');
    await first.close();

    const second = await startHost({ dataDir: first.dataDir, env: extractorEnv() });
    const board = await boardOf(second, 0, (b) => settled(b) && b.tasks.length === 1);
    expect(board.sessionId).toBe(sessionId);
    expect(board.tasks[0].description).toBe('Remember to water the plants');
  });

  it('rides out a 429 with retry-after, and reports a 500 that does not go away', async () => {
    const t = await startHost({ env: extractorEnv() });
    await t.host.call('tasks.updateSettings', { maxPending: 100, idleSeconds: 3600 });
    const { sessionId } = await launchWorkspace(t, ECHO);
    await sendAndWait(t, sessionId, 'Translate the README');
    fake.script({ error: { kind: 'http', status: 429, retryAfterMs: 20 } });
    fake.setResponder(extractor);
    const board = await t.host.call('tasks.flush', { sessionId });
    expect(board.tasks.map((task) => task.description)).toEqual(['Translate the README']);
    const statuses = fake.requests.map((request) => request.path);
    expect(statuses.length).toBe(3);

    await sendAndWait(t, sessionId, 'And the changelog');
    fake.setResponder(() => ({ error: { kind: 'http', status: 500 } }));
    await expect(t.host.call('tasks.flush', { sessionId })).rejects.toThrow(/answered 500/);
    expect((await t.host.call('tasks.board', { sessionId })).messages).toMatchObject({ failed: 2, success: 2 });
  });

  it('drops the outcome of a pass whose conversation was deleted meanwhile, and says so', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    fake.setResponder(async (request) => {
      await gate;
      return extractor(request);
    });
    const t = await startHost({ env: extractorEnv() });
    await t.host.call('tasks.updateSettings', { maxPending: 100, idleSeconds: 3600 });
    const { workspace, sessionId } = await launchWorkspace(t, ECHO);
    await sendAndWait(t, sessionId, 'Clean up the repo');
    const flushed = t.host.call('tasks.flush', { sessionId });
    await t.events.waitFor((event: HostEvent) => event.type === 'task.updated' && event.board.extracting);
    await t.host.call('workspaces.remove', { workspaceId: workspace.id });
    release();
    await flushed.catch(() => undefined);
    const logs = await t.host.call('logs.list', {});
    expect(logs.some((log) => log.source === 'tasks' && /deleted conversation was dropped/.test(log.message))).toBe(true);
    expect(t.host.services.store.db.prepare('SELECT COUNT(*) AS n FROM tasks').get()).toEqual({ n: 0 });
  });

  it('leaves nothing half-written when the host goes away mid-pass; the next host extracts the batch again', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    fake.setResponder(async (request) => {
      if (toolOutputs(request).length === 0 && passes().length === 1) await gate;
      return extractor(request);
    });
    const first = await startHost({ env: extractorEnv() });
    await first.host.call('tasks.updateSettings', { maxPending: 100, idleSeconds: 3600 });
    const { sessionId } = await launchWorkspace(first, ECHO);
    await sendAndWait(first, sessionId, 'Draft the release notes');
    void first.host.call('tasks.flush', { sessionId }).catch(() => undefined);
    await first.events.waitFor((event: HostEvent) => event.type === 'task.updated' && event.board.extracting);
    await first.close();
    release();

    const second = await startHost({ dataDir: first.dataDir, env: extractorEnv() });
    const { db } = second.host.services.store;
    // Before the new pass: the dead one wrote no task, and its batch is pending again.
    expect(db.prepare('SELECT COUNT(*) AS n FROM tasks').get()).toEqual({ n: 0 });
    expect(db.prepare("SELECT COUNT(*) AS n FROM messages WHERE extraction = 'running'").get()).toEqual({ n: 0 });
    const board = await second.host.call('tasks.flush', { sessionId });
    expect(board.tasks.map((task) => task.description)).toEqual(['Draft the release notes']);
  });
});
