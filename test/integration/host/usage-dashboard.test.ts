// The Usage dashboard's aggregate API through a real host: a real agent on the fixture model records
// usage, which the daily, breakdown and calls methods group, price and list (a call's task through its
// turn's message); hostile ranges, limits and filters are refused or matched as plain values; and the
// built `dspatch usage --json` prints exactly the documented shape.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dspatch } from '../../helpers/cli';
import { useFakeOpenAI } from '../../helpers/fake-model';
import {
  addWorkspace,
  cleanupHarness,
  confirmLaunch,
  sendAndWait,
  startHost,
  type TestHost,
} from '../../helpers/host-harness';
import { repoRoot } from '../../helpers/paths';

const fake = useFakeOpenAI();
const DAY = 86_400_000;

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-cli.js'], { cwd: repoRoot, stdio: 'pipe' });
}, 120_000);
afterEach(cleanupHarness);
afterAll(cleanupHarness);

function record(t: TestHost, workspaceId: string, model: string, createdAt: number, outputTokens: number) {
  t.host.services.store.usage.insert({
    id: randomUUID(),
    workspaceId,
    runId: null,
    sessionId: null,
    agentKey: 'assistant',
    source: 'agent',
    model,
    requests: 1,
    inputTokens: 1000,
    cachedInputTokens: 0,
    outputTokens,
    reasoningTokens: 0,
    createdAt,
  });
}

async function agentWorkspace(t: TestHost) {
  const yaml = `name: usage-ws\nagents:\n  assistant:\n    template: openai-assistant\n    env:\n      OPENAI_BASE_URL: ${fake.baseURL}\n`;
  const { id: workspaceId } = await addWorkspace(t, yaml);
  await t.host.call('secrets.set', {
    workspaceId,
    key: 'OPENAI_API_KEY',
    value: 'sk-usage-test-0123456789abcdef',
  });
  await confirmLaunch(t, workspaceId);
  const { sessions } = await t.host.call('workspaces.launch', { workspaceId });
  return { workspaceId, sessionId: sessions[0].id };
}

describe('usage.daily, usage.breakdown and usage.calls', () => {
  it('group, price and list a real agent’s calls by day, model, agent, session and task', async () => {
    const t = await startHost();
    const { workspaceId, sessionId } = await agentWorkspace(t);
    fake.script({
      text: 'One.',
      model: 'gpt-4o-2024-08-06',
      usage: { inputTokens: 1_000_000, cachedInputTokens: 200_000, outputTokens: 100_000 },
    });
    await sendAndWait(t, sessionId, 'first question');
    fake.script({ text: 'Two.', model: 'house-model', usage: { inputTokens: 500, outputTokens: 50 } });
    await sendAndWait(t, sessionId, 'second question');
    // Yesterday's call of another model, outside any conversation.
    const today = Math.floor(Date.now() / DAY) * DAY;
    record(t, workspaceId, 'gpt-4o-mini', today - DAY + 1000, 1000);
    const range = { since: today - DAY, until: today + DAY };

    const daily = await t.host.call('usage.daily', { ...range, by: 'model' });
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    expect(daily.map((row) => [row.day, row.key])).toEqual(
      expect.arrayContaining([
        [day(today - DAY), 'gpt-4o-mini'],
        [day(today), 'gpt-4o-2024-08-06'],
        [day(today), 'house-model'],
      ]),
    );
    // 800k uncached × $2.50 + 200k cached × $1.25 + 100k output × $10, at the seeded gpt-4o price.
    expect(daily.find((row) => row.key === 'gpt-4o-2024-08-06')?.costUsd).toBeCloseTo(3.25, 10);
    expect(daily.find((row) => row.key === 'house-model')?.costUsd).toBeNull();
    const byWorkspace = await t.host.call('usage.daily', { ...range, by: 'workspace' });
    expect(byWorkspace.find((row) => row.day === day(today))).toMatchObject({
      key: workspaceId,
      label: 'usage-ws',
      requests: 2,
      costUsd: null,
    });

    const models = await t.host.call('usage.breakdown', { ...range, by: 'model' });
    expect(models.rows.map((row) => row.label)).toEqual(['gpt-4o-2024-08-06', 'gpt-4o-mini', 'house-model']);
    expect(models.rows[2]).toMatchObject({
      costUsd: null,
      unpricedModels: ['house-model'],
      filter: { model: 'house-model' },
    });
    const sessions = await t.host.call('usage.breakdown', { ...range, by: 'session' });
    const conversation = sessions.rows.find((row) => row.filter.sessionId === sessionId);
    expect(conversation).toMatchObject({
      label: 'first question',
      detail: 'usage-ws',
      requests: 2,
      costUsd: null,
      unpricedModels: ['house-model'],
    });
    expect(sessions.rows.find((row) => row.filter.sessionId === null)).toMatchObject({
      label: 'Outside any conversation',
      requests: 1,
    });
    const agents = await t.host.call('usage.breakdown', { ...range, by: 'agent', limit: 1 });
    expect(agents).toMatchObject({
      rows: [{ label: 'assistant', detail: 'usage-ws', requests: 3 }],
      more: 0,
    });

    // The drill-down: a row's filter lists exactly its calls, newest first, with their conversation.
    const calls = await t.host.call('usage.calls', { ...range, filter: conversation!.filter });
    expect(calls.map((call) => [call.model, call.sessionId])).toEqual([
      ['house-model', sessionId],
      ['gpt-4o-2024-08-06', sessionId],
    ]);
    expect(calls[1].costUsd).toBeCloseTo(3.25, 10);
    const outside = await t.host.call('usage.calls', { ...range, filter: { sessionId: null } });
    expect(outside.map((call) => call.model)).toEqual(['gpt-4o-mini']);

    // Tasks: the first turn's user message linked to a task (as the extractor does) carries its calls.
    const { db } = t.host.services.store;
    const taskId = randomUUID();
    db.prepare(
      "INSERT INTO tasks (id, session_id, task_order, description, status, created_at, updated_at) VALUES (?, ?, 1, 'Answer the first question', 'success', 0, 0)",
    ).run(taskId, sessionId);
    db.prepare(
      "UPDATE messages SET task_id = ? WHERE session_id = ? AND role = 'user' AND text = 'first question'",
    ).run(taskId, sessionId);
    const tasks = await t.host.call('usage.breakdown', { ...range, by: 'task' });
    expect(tasks.rows.find((row) => row.filter.taskId === taskId)).toMatchObject({
      label: 'Answer the first question',
      detail: 'first question',
      requests: 1,
    });
    expect(
      tasks.rows.find((row) => row.filter.taskId === null && row.filter.source === 'agent'),
    ).toMatchObject({ label: 'No task', requests: 2 });
    const taskCalls = await t.host.call('usage.calls', { ...range, filter: { taskId } });
    expect(taskCalls.map((call) => call.model)).toEqual(['gpt-4o-2024-08-06']);

    // One workspace's range.
    const other = await t.host.call('usage.breakdown', {
      ...range,
      workspaceId: 'no-such-workspace',
      by: 'model',
    });
    expect(other).toEqual({ rows: [], more: 0 });
  }, 120_000);

  it('refuses unbounded or backwards ranges and huge limits, and matches hostile filters as plain text', async () => {
    const t = await startHost();
    const refusal = async (method: string, request: Record<string, unknown>) => {
      const envelope = await t.host.handle(method, request);
      expect(envelope.ok).toBe(false);
      return envelope.ok ? null : envelope.error;
    };
    const now = Date.now();
    expect(await refusal('usage.daily', { since: 0, until: now, by: 'model' })).toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining('at most 1100 days'),
    });
    expect((await refusal('usage.breakdown', { since: now, until: now - 1, by: 'model' }))?.code).toBe(
      'bad_request',
    );
    expect(
      (await refusal('usage.breakdown', { since: 0, until: DAY, by: 'model', limit: 1_000_000 }))?.code,
    ).toBe('bad_request');
    expect(
      (await refusal('usage.breakdown', { since: 0, until: DAY, by: 'model; DROP TABLE usage' }))?.code,
    ).toBe('bad_request');
    expect((await refusal('usage.calls', { since: 0, until: DAY }))?.code).toBe('bad_request');
    expect((await refusal('usage.daily', { until: DAY, by: 'model' }))?.code).toBe('bad_request');

    const { id: workspaceId } = await addWorkspace(t, 'name: hostile\nagents:\n  a:\n    template: echo\n');
    record(t, workspaceId, "x' OR 1=1 --", now, 10);
    record(t, workspaceId, 'gpt-4o', now, 10);
    const range = { since: now - DAY, until: now + DAY };
    const calls = await t.host.call('usage.calls', { ...range, filter: { model: "x' OR 1=1 --" } });
    expect(calls.map((call) => call.model)).toEqual(["x' OR 1=1 --"]);
    expect(await t.host.call('usage.calls', { ...range, filter: { model: "' OR ''='" } })).toEqual([]);
    // Unknown filter keys are dropped by the schema, never turned into SQL.
    const all = await t.host.call('usage.calls', { ...range, filter: { ['1=1) OR (1' as 'model']: 'x' } });
    expect(all).toHaveLength(2);
  });
});

describe('dspatch usage --json', () => {
  it('prints totals and byModel with exactly the documented keys, costUsd null while a price is unknown', async () => {
    const t = await startHost();
    const { id: workspaceId } = await addWorkspace(t, 'name: cli-usage\nagents:\n  a:\n    template: echo\n');
    const march = Date.UTC(2026, 2, 10, 12);
    record(t, workspaceId, 'gpt-4o', march, 100_000);
    record(t, workspaceId, 'house-model', march, 10);
    await t.close();
    const result = await dspatch([
      'usage',
      '--json',
      '--since',
      '2026-03-01',
      '--until',
      '2026-03-31',
      '--workspace',
      'cli-usage',
      '--data-dir',
      t.dataDir,
    ]);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as {
      totals: Record<string, unknown>;
      byModel: Record<string, unknown>[];
    };
    const keys = ['inputTokens', 'cachedInputTokens', 'outputTokens', 'reasoningTokens', 'costUsd'];
    expect(Object.keys(parsed.totals).sort()).toEqual([...keys].sort());
    expect(parsed.totals).toEqual({
      inputTokens: 2000,
      cachedInputTokens: 0,
      outputTokens: 100_010,
      reasoningTokens: 0,
      costUsd: null,
    });
    for (const row of parsed.byModel) expect(Object.keys(row).sort()).toEqual(['model', ...keys].sort());
    expect(parsed.byModel.find((row) => row.model === 'gpt-4o')?.costUsd).toBeCloseTo(
      (1000 * 2.5 + 100_000 * 10) / 1_000_000,
      10,
    );
    expect(parsed.byModel.find((row) => row.model === 'house-model')?.costUsd).toBeNull();
    expect(parsed).toMatchObject({
      since: '2026-03-01',
      until: '2026-03-31',
      requests: 2,
      unpricedModels: ['house-model'],
    });
  });
});
