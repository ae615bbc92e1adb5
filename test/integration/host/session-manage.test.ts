// Managing conversations through the HostApi: rename, pin and archive (and the list's order),
// delete with everything that belongs to the conversation, and the titles the host makes.
import { afterEach, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../electron/api/contract';
import type { SessionSummary } from '../../../electron/api/types';
import type { Envelope } from '../../../electron/host/host';
import { talkTitle, titleFrom } from '../../../electron/host/session-service';
import { addTemplate, cleanupHarness, isState, launchWorkspace, sendAndWait, singleAgentYaml, startHost, waitForTurnEnd } from '../../helpers/host-harness';

afterEach(cleanupHarness);

function errorOf(envelope: Envelope) {
  if (envelope.ok) throw new Error(`expected an error, got ${JSON.stringify(envelope.result)}`);
  return envelope.error;
}

const deleted =
  (sessionId: string) =>
  (event: HostEvent): event is Extract<HostEvent, { type: 'session.deleted' }> =>
    event.type === 'session.deleted' && event.sessionId === sessionId;

describe('conversation titles', () => {
  it('drop markdown and a leading /command from the first line of text', () => {
    expect(titleFrom('# Fix the **build** with `npm ci`, see [the docs](https://example.com/x)')).toBe('Fix the build with npm ci, see the docs');
    expect(titleFrom('/slow the quick _brown_ fox\nsecond line')).toBe('the quick brown fox');
    expect(titleFrom('```ts\nconst a = 1;\n```')).toBe('const a = 1;');
    expect(titleFrom('> - keep snake_case names')).toBe('keep snake_case names');
    // A command alone is all there is to name the conversation by.
    expect(titleFrom('/help')).toBe('/help');
    expect(titleFrom('x'.repeat(100))).toBe(`${'x'.repeat(59)}…`);
  });

  it('name a talk_to conversation by who asked and what', async () => {
    expect(talkTitle('lead', '**Review** the diff')).toBe('lead asked: Review the diff');
    const t = await startHost();
    await addTemplate(t, 'caller');
    const yaml = 'name: team\nagents:\n  lead:\n    template: caller\n    sub_agents:\n      helper:\n        template: echo\n';
    const { workspace, sessionId } = await launchWorkspace(t, yaml);
    await sendAndWait(t, sessionId, 'hello team');
    const sessions = await t.host.call('sessions.list', { workspaceId: workspace.id });
    expect(sessions.find((session) => session.agentKey === 'helper')?.title).toBe('lead asked: from lead: hello team');
    expect(sessions.find((session) => session.agentKey === 'lead')?.title).toBe('hello team');
  });
});

describe('rename, pin and archive', () => {
  it('keeps pinned conversations first, hides archived ones unless asked, and tells every client', async () => {
    const t = await startHost();
    const { workspace, sessionId: first } = await launchWorkspace(t, singleAgentYaml('manage', 'echo', 'echo'));
    await sendAndWait(t, first, '## Plan the **release**');
    const second = (await t.host.call('sessions.create', { workspaceId: workspace.id, agentKey: 'echo' })).id;
    const third = (await t.host.call('sessions.create', { workspaceId: workspace.id, agentKey: 'echo' })).id;
    const list = () => t.host.call('sessions.list', { workspaceId: workspace.id });
    const ids = async () => (await list()).map((session) => session.id);

    expect((await list()).find((session) => session.id === first)?.title).toBe('Plan the release');

    const from = t.events.mark();
    const renamed = await t.host.call('sessions.rename', { sessionId: second, title: '  Release notes  ' });
    expect(renamed).toMatchObject({ id: second, title: 'Release notes', pinnedAt: null, archivedAt: null });
    const update = await t.events.waitFor((event): event is Extract<HostEvent, { type: 'session.updated' }> => event.type === 'session.updated' && event.session.id === second, { from, what: 'the rename to be announced' });
    expect(update.session.title).toBe('Release notes');

    // The first conversation is the least recently updated (sessions created after its turn), so pinning moves it up.
    const pinned = await t.host.call('sessions.setFlags', { sessionId: first, pinned: true });
    expect(pinned.pinnedAt).toEqual(expect.any(Number));
    const order = await list();
    expect(order[0].id).toBe(first);
    const rest = order.slice(1).map((session) => session.updatedAt);
    expect(rest).toEqual([...rest].sort((a, b) => b - a));

    // Archiving leaves the pin alone, and the other way round.
    await t.host.call('sessions.setFlags', { sessionId: first, archived: true });
    expect(await ids()).not.toContain(first);
    const all = await t.host.call('sessions.list', { workspaceId: workspace.id, includeArchived: true });
    expect(all.find((session) => session.id === first)).toMatchObject({ pinnedAt: expect.any(Number), archivedAt: expect.any(Number) });

    await t.host.call('sessions.setFlags', { sessionId: first, archived: false, pinned: false });
    const restored = (await list()).find((session) => session.id === first)!;
    expect(restored).toMatchObject<Partial<SessionSummary>>({ pinnedAt: null, archivedAt: null });
    expect(await ids()).toEqual(expect.arrayContaining([first, second, third]));
  });

  it('refuses unknown conversations, empty or overlong titles and ids that are not ids', async () => {
    const t = await startHost();
    expect(errorOf(await t.host.handle('sessions.rename', { sessionId: 'nope', title: 'x' }))).toMatchObject({ code: 'not_found' });
    expect(errorOf(await t.host.handle('sessions.setFlags', { sessionId: 'nope', pinned: true }))).toMatchObject({ code: 'not_found' });
    expect(errorOf(await t.host.handle('sessions.delete', { sessionId: 'nope' }))).toMatchObject({ code: 'not_found' });
    for (const [method, request] of [
      ['sessions.rename', { sessionId: 'a', title: '   ' }],
      ['sessions.rename', { sessionId: 'a', title: 'x'.repeat(201) }],
      ['sessions.delete', { sessionId: 'x'.repeat(201) }],
      ['sessions.delete', { sessionId: 42 }],
      ['sessions.setFlags', { sessionId: '', pinned: true }],
      ['sessions.setFlags', { sessionId: 'a', archived: 'yes' }],
    ] as const) {
      expect(errorOf(await t.host.handle(method, request)), `${method} ${JSON.stringify(request)}`).toMatchObject({ code: 'bad_request' });
    }
  });
});

describe('delete', () => {
  it('is refused while the agent works, then removes the conversation and all that belongs to it', async () => {
    const t = await startHost();
    await addTemplate(t, 'asker');
    const { workspace, sessionId } = await launchWorkspace(t, singleAgentYaml('delete-ws', 'asker', 'asker'));
    const from = t.events.mark();
    await t.host.call('sessions.send', { sessionId, text: 'the bikeshed' });
    await t.events.waitFor(isState(sessionId, 'waiting_for_inquiry'), { from, what: 'the agent to wait for an answer' });
    // The state and the question travel separately; the question may be stored a moment after the state.
    await t.events.waitFor((event) => event.type === 'inquiry.updated' && event.inquiry.sessionId === sessionId, { from, what: 'the question' });

    const refused = errorOf(await t.host.handle('sessions.delete', { sessionId }));
    expect(refused.code).toBe('conflict');
    expect(refused.message).toContain('Stop it first');

    const [inquiry] = await t.host.call('inquiries.list', {});
    await t.host.call('inquiries.answer', { inquiryId: inquiry.id, text: 'green' });
    await waitForTurnEnd(t, sessionId, from);

    // What the extractor and the write path would have left: a task, a tool call, streamed chunks.
    const { store } = t.host.services;
    const now = Date.now();
    store.db.prepare("INSERT INTO tasks (id, session_id, task_order, description, status, created_at, updated_at) VALUES ('task-1', ?, 1, 'paint', 'pending', ?, ?)").run(sessionId, now, now);
    store.db
      .prepare("INSERT INTO tool_calls (session_id, call_id, workspace_id, agent_key, tool, arguments, call_activity_id, started_at) VALUES (?, 'call-1', ?, 'asker', 'ls', '{}', 'act-1', ?)")
      .run(sessionId, workspace.id, now);
    store.sessions.appendChunk(sessionId, 'entry-1', 'partial');
    const tables = ['messages', 'activities', 'inquiries', 'tasks', 'tool_calls', 'entry_chunks'];
    const count = (table: string) => (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE session_id = ?`).get(sessionId) as { n: number }).n;
    for (const table of tables) expect(count(table), table).toBeGreaterThan(0);

    const mark = t.events.mark();
    await t.host.call('sessions.delete', { sessionId });
    const event = await t.events.waitFor(deleted(sessionId), { from: mark, what: 'the deletion to be announced' });
    expect(event.workspaceId).toBe(workspace.id);
    for (const table of tables) expect(count(table), table).toBe(0);
    expect((await t.host.call('sessions.list', { workspaceId: workspace.id, includeArchived: true })).map((s) => s.id)).not.toContain(sessionId);
    expect(errorOf(await t.host.handle('sessions.open', { sessionId }))).toMatchObject({ code: 'not_found' });
  });
});
