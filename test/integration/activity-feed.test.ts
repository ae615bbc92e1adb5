// The Activity feed through a real host: real agent processes (the openai-assistant template against
// the fixture model, the caller/echo pair for talk_to, the asker for inquiries), real SQLite, and
// the `activity.feed` request as the renderer and the CLI send it.
import { afterEach, describe, expect, it } from 'vitest';
import type { FeedItem, TimelineEntry } from '../../electron/api/types';
import { useFakeOpenAI } from '../helpers/fake-model';
import {
  addTemplate,
  addWorkspace,
  cleanupHarness,
  confirmLaunch,
  launchWorkspace,
  sendAndWait,
  singleAgentYaml,
  startHost,
  type TestHost,
} from '../helpers/host-harness';

const API_KEY = 'sk-dspatch-feed-test-abcdef0123456789';
const fake = useFakeOpenAI();
afterEach(cleanupHarness);

async function feed(t: TestHost, request: Parameters<TestHost['host']['call']>[1] = {}): Promise<FeedItem[]> {
  return (await t.host.call('activity.feed', request as never)).items;
}

/** The entries of a session, as its conversation view loads them: a feed link must point at one of them. */
async function entriesOf(t: TestHost, sessionId: string): Promise<TimelineEntry[]> {
  return (await t.host.call('sessions.open', { sessionId, limit: 5000 })).entries;
}

async function launchAssistant(t: TestHost): Promise<{ workspaceId: string; sessionId: string }> {
  const yaml = ['name: feed-ai', 'agents:', '  assistant:', '    template: openai-assistant', '    env:', `      OPENAI_BASE_URL: ${fake.baseURL}`, ''].join('\n');
  const { id: workspaceId } = await addWorkspace(t, yaml);
  await t.host.call('secrets.set', { workspaceId, key: 'OPENAI_API_KEY', value: API_KEY });
  await confirmLaunch(t, workspaceId);
  const { sessions } = await t.host.call('workspaces.launch', { workspaceId });
  return { workspaceId, sessionId: sessions[0].id };
}

describe('activity.feed', () => {
  it('shows a tool call with its result, reasoning, a model error once, retries and the lifecycle, each linked to its place', async () => {
    fake.script(
      {
        reasoning: 'The user wants the time; call the tool.',
        toolCalls: [{ name: 'get_current_time', arguments: { timezone: 'UTC' }, callId: 'call_feed1' }],
      },
      { text: 'It is noon.' },
      { error: { status: 500, retryAfterMs: 5, times: 3 } },
    );
    const t = await startHost();
    const { workspaceId, sessionId } = await launchAssistant(t);
    await sendAndWait(t, sessionId, 'What time is it?');
    await sendAndWait(t, sessionId, 'And now?');

    const items = await feed(t, { workspaceId });
    const entries = await entriesOf(t, sessionId);
    const entryIds = new Set(entries.map((entry) => entry.id));

    const tools = items.filter((item) => item.kind === 'tool');
    expect(tools).toEqual([
      expect.objectContaining({ title: 'get_current_time', status: 'ok', level: 'info', sessionId, workspaceId, agentKey: 'assistant' }),
    ]);
    expect(JSON.parse(tools[0].text)).toEqual({ timezone: 'UTC' });
    expect(tools[0].detail).toBeTruthy();
    // The link is the tool_call entry of the conversation, which the timeline scrolls to.
    const callEntry = entries.find((entry) => entry.id === tools[0].entryId);
    expect(callEntry).toMatchObject({ kind: 'activity', activityKind: 'tool_call' });

    const reasoning = items.filter((item) => item.kind === 'reasoning');
    expect(reasoning).toHaveLength(1);
    expect(reasoning[0].text).toContain('The user wants the time');
    expect(entryIds.has(reasoning[0].entryId!)).toBe(true);

    // The model error is stored as an error activity and one error log line (the template's own
    // "Error: …" of the same error is not logged again): the feed shows it once.
    const errors = items.filter((item) => item.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ kind: 'error', sessionId });
    expect(errors[0].text).toMatch(/^The model provider is unavailable \(HTTP 500\) after 2 retries\./);
    expect(entries.find((entry) => entry.id === errors[0].entryId)).toMatchObject({ activityKind: 'error' });
    expect(items.filter((item) => item.text.includes('The model provider is unavailable'))).toHaveLength(1);
    expect(t.host.services.store.logs.list({ level: 'error' }).filter((log) => log.message.includes('The model provider is unavailable'))).toHaveLength(1);

    const retries = items.filter((item) => item.kind === 'log' && item.level === 'warn' && /retrying/.test(item.text));
    expect(retries.map((item) => item.text)).toEqual([
      'The model API answered 500; retrying (retry 2 of 2).',
      'The model API answered 500; retrying (retry 1 of 2).',
    ]);
    expect(items.filter((item) => item.kind === 'lifecycle').map((item) => item.status)).toEqual(['launch']);

    // Newest first, ids unique.
    const times = items.map((item) => item.createdAt);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(new Set(items.map((item) => item.id)).size).toBe(items.length);

    await t.host.call('workspaces.stop', { workspaceId });
    const after = await feed(t, { workspaceId, kinds: ['lifecycle'] });
    expect(after.map((item) => [item.status, item.title])).toEqual([
      ['stop', 'Stopped'],
      ['launch', 'Launched'],
    ]);
    expect(JSON.stringify(await feed(t))).not.toContain(API_KEY);
  });

  it('shows talk between agents and a question with its answer, linked into their conversations', async () => {
    const t = await startHost();
    await addTemplate(t, 'caller');
    await addTemplate(t, 'asker');
    const team = await launchWorkspace(t, ['name: team', 'agents:', '  lead:', '    template: caller', '    sub_agents:', '      helper:', '        template: echo', ''].join('\n'));
    await sendAndWait(t, team.sessionId, 'hello team');

    const talk = await feed(t, { workspaceId: team.workspace.id, kinds: ['talk'] });
    expect(talk.map((item) => [item.title, item.agentKey, item.sessionId])).toEqual([
      ['helper answered', 'lead', team.sessionId],
      ['Asked helper', 'lead', team.sessionId],
    ]);
    expect(talk[1].text).toBe('from lead: hello team');
    expect(talk[0].text).toBe('from lead: hello team');
    const leadIds = new Set((await entriesOf(t, team.sessionId)).map((entry) => entry.id));
    expect(talk.every((item) => leadIds.has(item.entryId!))).toBe(true);
    // No tool row for the platform tool behind talk_to.
    expect(await feed(t, { workspaceId: team.workspace.id, kinds: ['tool'] })).toEqual([]);

    const ask = await launchWorkspace(t, singleAgentYaml('ask-ws', 'asker', 'asker'));
    await t.host.call('sessions.send', { sessionId: ask.sessionId, text: 'the shed' });
    const inquiry = await t.events.waitFor(
      (event): event is Extract<typeof event, { type: 'inquiry.updated' }> => event.type === 'inquiry.updated' && event.inquiry.status === 'pending',
      { what: 'an inquiry' },
    );
    await t.host.call('inquiries.answer', { inquiryId: inquiry.inquiry.id, text: 'green' });
    await expect.poll(async () => (await feed(t, { sessionId: ask.sessionId, kinds: ['inquiry'] })).map((item) => [item.title, item.text]), { timeout: 20_000 }).toEqual([
      ['Your answer', 'green'],
      ['Asked you', 'Which colour for **the shed**?'],
    ]);
  });

  it('filters by workspace, agent, session, kind, level, time and text; pages by cursor without gaps or repeats', async () => {
    const t = await startHost();
    const store = t.host.services.store;
    const db = store.db;
    const { workspace, sessionId } = await launchWorkspace(t, singleAgentYaml('seeded', 'echo', 'echo'));
    const other = await launchWorkspace(t, singleAgentYaml('other', 'otheragent', 'echo'));
    // Many rows at a few equal times, so pages must break ties by id.
    const base = 1_700_000_000_000;
    const insertActivity = db.prepare(
      "INSERT INTO activities (id, session_id, turn_id, kind, data, position, created_at, updated_at) VALUES (?, ?, NULL, 'thinking', ?, ?, ?, ?)",
    );
    const insertLog = db.prepare("INSERT INTO logs (workspace_id, session_id, agent_key, level, source, message, created_at) VALUES (?, ?, ?, ?, 'agent', ?, ?)");
    store.transaction(() => {
      for (let i = 0; i < 40; i++) {
        const at = base + Math.floor(i / 7) * 1000;
        insertActivity.run(`0190000${String(i).padStart(5, '0')}-feed`, sessionId, JSON.stringify({ text: `thought ${i}` }), 10_000 + i, at, at);
        insertLog.run(workspace.id, sessionId, 'echo', i % 5 === 0 ? 'warn' : 'info', `line ${i} 100%_done`, at);
      }
      db.prepare("INSERT INTO tasks (id, session_id, task_order, description, status, created_at, updated_at) VALUES ('task-1', ?, 1, 'Paint the shed', 'failed', ?, ?)").run(sessionId, base, base + 500);
      insertLog.run(other.workspace.id, other.sessionId, 'otheragent', 'info', 'elsewhere', base);
    });
    const range = { since: base, until: base + 60_000 };

    const all: FeedItem[] = [];
    let before: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const page = await t.host.call('activity.feed', { ...range, workspaceId: workspace.id, limit: 7, before });
      all.push(...page.items);
      if (!page.nextCursor) break;
      before = page.nextCursor;
    }
    expect(all).toHaveLength(81);
    expect(new Set(all.map((item) => item.id)).size).toBe(81);
    const order = all.map((item) => [item.createdAt, item.id] as const);
    for (let i = 1; i < order.length; i++) {
      const [t0, id0] = order[i - 1];
      const [t1, id1] = order[i];
      expect(t0 > t1 || (t0 === t1 && id0 > id1)).toBe(true);
    }

    const task = all.find((item) => item.kind === 'task');
    expect(task).toMatchObject({ taskId: 'task-1', sessionId, status: 'failed', level: 'warn', title: 'Task 1 failed', text: 'Paint the shed' });

    expect((await feed(t, { ...range, workspaceId: other.workspace.id })).map((item) => item.text)).toEqual(['elsewhere']);
    expect((await feed(t, { ...range, agentKey: 'otheragent' })).map((item) => item.text)).toEqual(['elsewhere']);
    expect(await feed(t, { ...range, sessionId, kinds: ['reasoning'], limit: 1000 })).toHaveLength(40);
    expect(await feed(t, { ...range, level: 'warn', kinds: ['log'] })).toHaveLength(8);
    expect(await feed(t, { since: base + 5000, until: base + 6000 })).toHaveLength(10);
    // LIKE wildcards in the text are searched as text.
    expect((await feed(t, { ...range, query: 'LINE 0 100%_' })).map((item) => item.text)).toEqual(['line 0 100%_done']);
    expect(await feed(t, { ...range, query: '100_%done' })).toEqual([]);
    expect(await feed(t, { ...range, query: '%' })).toHaveLength(40);
    expect(await feed(t, { ...range, query: 'thought 3' })).toHaveLength(11);
  });

  it('refuses hostile filter values with a bad_request and treats strange text as text', async () => {
    const t = await startHost();
    await launchWorkspace(t, singleAgentYaml('plain', 'echo', 'echo'));
    const bad = async (request: unknown) => {
      const reply = await t.host.handle('activity.feed', request);
      expect(reply).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    };
    await bad({ before: "1'; DROP TABLE logs; --" });
    await bad({ before: '123.x0' });
    await bad({ kinds: ['tool', 'secrets'] });
    await bad({ level: 'fatal' });
    await bad({ limit: 0 });
    await bad({ limit: 1_000_000 });
    await bad({ since: -1 });
    await bad({ query: 'x'.repeat(501) });
    await bad({ workspaceId: '' });
    await bad({ sessionId: { $ne: null } });
    for (const query of ["' OR 1=1 --", '"; DELETE FROM logs;', '\\', '%', '_', 'NEAR(a b)', '(((', '\u0000']) {
      const reply = await t.host.handle('activity.feed', { query });
      expect(reply.ok).toBe(true);
    }
    expect(await feed(t, { sessionId: "' OR '1'='1" })).toEqual([]);
    expect(await feed(t, { workspaceId: "x' UNION SELECT * FROM secrets --" })).toEqual([]);
    expect(t.host.services.store.db.prepare('SELECT COUNT(*) AS n FROM logs').get()).toMatchObject({ n: expect.any(Number) });
    // An empty kinds list means every kind, like leaving it out.
    expect(await feed(t, { kinds: [] })).toEqual(await feed(t, {}));
  });

  it('walks each source down its time index (EXPLAIN QUERY PLAN): no scan of a whole table, no sort of one', async () => {
    const t = await startHost();
    const repo = t.host.services.store.activityFeed;
    for (const filter of [{}, { before: '1700000000000.afff', level: 'error' as const }, { workspaceId: 'w', query: 'x' }, { sessionId: 's', agentKey: 'a' }]) {
      const plan = repo.plan(filter).join('\n');
      expect(plan).toMatch(/activities_feed/);
      expect(plan).toMatch(/tool_calls_feed/);
      expect(plan).toMatch(/tasks_feed/);
      expect(plan).toMatch(/logs_feed/);
      // The only sort is the merge of at most one page per source.
      expect(plan.match(/USE TEMP B-TREE/g)).toEqual(['USE TEMP B-TREE']);
      expect(plan).not.toMatch(/SCAN (a|tc|t|l)\b(?! USING)/);
    }
  });
});
