// An agent writes only what it created in its own session's open turn: reused ids of another
// session's entries, of the user's message or of its own finished reply are refused and logged.
// Seqs and positions come from the database, so they continue across a host restart.
import { afterEach, describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../../electron/api/types';
import {
  addTemplate,
  ClientTimeline,
  cleanupHarness,
  isSessionEvent,
  launchWorkspace,
  sendAndWait,
  singleAgentYaml,
  startHost,
} from '../../helpers/host-harness';

afterEach(cleanupHarness);

const TWO_AGENTS = 'name: thief-ws\nagents:\n  echo:\n    template: echo\n  thief:\n    template: id-thief\n';

function texts(entries: TimelineEntry[]): Record<string, unknown> {
  return Object.fromEntries(entries.map((entry) => [entry.id, entry.kind === 'message' ? [entry.role, entry.text, entry.status] : entry.data]));
}

describe('entry ids from an agent', () => {
  it('refuses ids of other sessions, of the user and of finished turns, and keeps serving', async () => {
    const t = await startHost();
    await addTemplate(t, 'id-thief');
    const { workspace, sessionId: echoSession } = await launchWorkspace(t, TWO_AGENTS);
    const thiefSession = (await t.host.call('sessions.create', { workspaceId: workspace.id, agentKey: 'thief' })).id;

    await sendAndWait(t, echoSession, 'a message from the user');
    const first = await sendAndWait(t, thiefSession, 'hello');
    const echoBefore = (await t.host.call('sessions.open', { sessionId: echoSession })).entries;
    const thiefBefore = (await t.host.call('sessions.open', { sessionId: thiefSession })).entries;
    const targets = [...echoBefore, ...thiefBefore].map((entry) => entry.id);
    expect(targets.length).toBe(4);
    expect(first.messages).toHaveLength(1);

    const turn = await sendAndWait(t, thiefSession, `steal ${targets.join(' ')}`);
    expect(turn.reply).toBe(`done: steal ${targets.join(' ')}`);

    const echoAfter = (await t.host.call('sessions.open', { sessionId: echoSession })).entries;
    const thiefAfter = (await t.host.call('sessions.open', { sessionId: thiefSession })).entries;
    expect(texts(echoAfter)).toEqual(texts(echoBefore));
    expect(texts(thiefAfter.filter((entry) => targets.includes(entry.id)))).toEqual(texts(thiefBefore));
    // Nothing the thief sent under a stolen id reached a client either.
    const stolen = t.events.events
      .slice(turn.from)
      .filter(
        (event) =>
          event.type === 'session.event' &&
          ((event.change.type === 'entry' && targets.includes(event.change.entry.id)) ||
            (event.change.type === 'append' && targets.includes(event.change.entryId))),
      );
    expect(stolen).toEqual([]);
    const logs = await t.host.call('logs.list', { workspaceId: workspace.id });
    const refusals = logs.filter((log) => log.message.includes('did not create in this turn'));
    // Four ids, each tried as a message, a delta, a user message and an activity.
    expect(refusals.length).toBe(16);
    expect(refusals.every((log) => log.sessionId === thiefSession && log.agentKey === 'thief')).toBe(true);
  });
});

describe('seq and positions across a host restart', () => {
  it('continue where they were, so an old snapshot can still be continued', async () => {
    const first = await startHost();
    const { sessionId } = await launchWorkspace(first, singleAgentYaml('seq-ws', 'echo', 'echo'));
    // A client that took its snapshot early and received every event until the host went away.
    const client = new ClientTimeline(await first.host.call('sessions.open', { sessionId }));
    await sendAndWait(first, sessionId, 'before the restart');
    await first.close();
    for (const event of first.events.events.filter(isSessionEvent(sessionId))) client.apply(event);
    expect(client.state).toBe('stopped');
    const lastSeq = client.seq;

    const second = await startHost({ dataDir: first.dataDir });
    expect((await second.host.call('sessions.open', { sessionId })).seq).toBe(lastSeq);
    const { workspaceId } = second.host.services.sessions.get(sessionId);
    await second.host.call('workspaces.launch', { workspaceId });
    const turn = await sendAndWait(second, sessionId, 'after the restart');
    const later = second.events.events.filter(isSessionEvent(sessionId));
    expect(later[0]?.seq).toBe(lastSeq + 1);
    // ClientTimeline throws on a gap: the new host's events continue the old snapshot exactly.
    for (const event of later) client.apply(event);

    const final = await second.host.call('sessions.open', { sessionId });
    expect(client.seq).toBe(final.seq);
    expect([...client.entries.keys()]).toEqual(final.entries.map((entry) => entry.id));
    expect(client.text(turn.messages[0].id)).toBe('after the restart');
    // Positions come from the database: the new turn sorts after the old one, in the replayed history too.
    const history = second.host.services.store.sessions.chatMessages(sessionId).map((m) => m.content);
    expect(history).toEqual(['before the restart', 'before the restart', 'after the restart', 'after the restart']);
  });
});
