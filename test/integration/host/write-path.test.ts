// The one write path with real agent processes: agent output → SQLite (one transaction per tick) →
// events with a per-session seq. Clients load a snapshot and apply later events; nothing is missed
// or applied twice, text deltas are coalesced, and the conversation survives a host restart.
import { afterEach, describe, expect, it } from 'vitest';
import {
  addTemplate,
  ClientTimeline,
  cleanupHarness,
  isSessionEvent,
  launchWorkspace,
  sendAndWait,
  singleAgentYaml,
  startHost,
  streamedText,
  waitForTurnEnd,
  type SessionEvent,
} from '../../helpers/host-harness';

afterEach(cleanupHarness);

const ECHO = singleAgentYaml('echo-ws', 'echo', 'echo');

function assistantEntryEvents(events: SessionEvent[]): SessionEvent[] {
  return events.filter(
    (event) =>
      event.change.type === 'entry' &&
      event.change.entry.kind === 'message' &&
      event.change.entry.role === 'assistant',
  );
}

describe('write path', () => {
  it('emits gap-free seqs and streams the reply as one entry plus appends', async () => {
    const t = await startHost();
    const { sessionId } = await launchWorkspace(t, ECHO);
    const text = 'the quick brown fox jumps over the lazy dog';
    const turn = await sendAndWait(t, sessionId, text);
    expect(turn.reply).toBe(text);

    const events = t.events.sessionEvents(sessionId);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));

    const turnEvents = events.filter((event) => t.events.indexOf(event) >= turn.from);
    const assistantEntries = assistantEntryEvents(turnEvents);
    const messageId = assistantEntries[0]?.change.type === 'entry' ? assistantEntries[0].change.entry.id : '';
    // One message: later `entry` events of the same id only change its status (streaming → done).
    expect(
      assistantEntries.every((event) => event.change.type === 'entry' && event.change.entry.id === messageId),
    ).toBe(true);
    expect(
      turnEvents.some((event) => event.change.type === 'append' && event.change.entryId === messageId),
    ).toBe(true);
    expect(streamedText(turnEvents, messageId)).toBe(text);

    const [stored] = turn.messages;
    expect(stored).toMatchObject({ id: messageId, status: 'done', text });
  });

  it('gives a snapshot taken mid-stream a seq after which events complete it exactly', async () => {
    const t = await startHost();
    const { sessionId } = await launchWorkspace(t, ECHO);
    const words = 'one two three four five';
    const from = t.events.mark();
    const { turnId } = await t.host.call('sessions.send', { sessionId, text: `/slow ${words}` });

    // The reply has started (its entry exists) but is far from done: open the session now.
    const started = await t.events.waitFor(
      (event) =>
        isSessionEvent(sessionId)(event) &&
        event.change.type === 'entry' &&
        event.change.entry.kind === 'message' &&
        event.change.entry.role === 'assistant',
      { from, what: 'the first delta of the slow reply' },
    );
    const snapshot = await t.host.call('sessions.open', { sessionId });
    const client = new ClientTimeline(snapshot);
    const messageId =
      started.type === 'session.event' && started.change.type === 'entry' ? started.change.entry.id : '';
    const atSnapshot = client.text(messageId);
    expect(atSnapshot.length).toBeGreaterThan(0);
    expect(atSnapshot.length).toBeLessThan(words.length);

    await waitForTurnEnd(t, sessionId, from);
    for (const event of t.events.sessionEvents(sessionId)) client.apply(event);

    expect(client.text(messageId)).toBe(words);
    expect(client.entries.get(messageId)).toMatchObject({ status: 'done', turnId });
    expect(client.state).toBe('idle');
    // The events the client applied are exactly those after the snapshot.
    const live = t.events.sessionEvents(sessionId).filter((event) => event.seq > snapshot.seq);
    expect(live[0]?.seq).toBe(snapshot.seq + 1);
  });

  it('shows a reload mid-stream the same text as the live client, then folds the streamed chunks in', async () => {
    const t = await startHost();
    const { sessionId } = await launchWorkspace(t, ECHO);
    const live = new ClientTimeline(await t.host.call('sessions.open', { sessionId }));
    const words = 'one two three four five six seven';
    const from = t.events.mark();
    await t.host.call('sessions.send', { sessionId, text: `/slow ${words}` });
    const appends = () => t.events.sessionEvents(sessionId).filter((event) => t.events.indexOf(event) >= from && event.change.type === 'append');
    await t.events.waitFor(() => appends().length >= 3, { from, what: 'three appends to the slow reply' });

    const reload = await t.host.call('sessions.open', { sessionId });
    for (const event of t.events.sessionEvents(sessionId)) if (event.seq <= reload.seq) live.apply(event);
    expect(live.seq).toBe(reload.seq);
    expect(reload.entries).toEqual([...live.entries.values()]);
    const reply = reload.entries.find((entry) => entry.kind === 'message' && entry.role === 'assistant');
    expect(reply?.kind === 'message' && reply.status).toBe('streaming');
    // The reload really read streamed chunks, not a rewritten row.
    const db = t.host.services.store.db;
    const chunks = () => (db.prepare('SELECT COUNT(*) AS n FROM entry_chunks WHERE entry_id = ?').get(reply!.id) as { n: number }).n;
    expect(chunks()).toBeGreaterThanOrEqual(3);

    await waitForTurnEnd(t, sessionId, from);
    expect(chunks()).toBe(0);
    expect(db.prepare('SELECT text FROM messages WHERE id = ?').get(reply!.id)).toEqual({ text: words });
  });

  it('keeps the conversation when the host is reopened on the same data directory', async () => {
    const first = await startHost();
    const { workspace, sessionId } = await launchWorkspace(first, ECHO);
    await sendAndWait(first, sessionId, 'remember this');
    await sendAndWait(first, sessionId, 'and this');
    const lastSeqOfFirst = Math.max(...first.events.sessionEvents(sessionId).map((event) => event.seq));
    await first.close();

    const second = await startHost({ dataDir: first.dataDir });
    expect(second.host.services.store.sessions.chatMessages(sessionId)).toEqual([
      { role: 'user', content: 'remember this' },
      { role: 'assistant', content: 'remember this' },
      { role: 'user', content: 'and this' },
      { role: 'assistant', content: 'and this' },
    ]);
    const sessions = await second.host.call('sessions.list', { workspaceId: workspace.id });
    expect(sessions).toEqual([
      expect.objectContaining({ id: sessionId, state: 'stopped', title: 'remember this' }),
    ]);
    const snapshot = await second.host.call('sessions.open', { sessionId });
    expect(
      snapshot.entries.map((entry) => entry.kind === 'message' && [entry.role, entry.text, entry.status]),
    ).toEqual([
      ['user', 'remember this', 'done'],
      ['assistant', 'remember this', 'done'],
      ['user', 'and this', 'done'],
      ['assistant', 'and this', 'done'],
    ]);

    // A seq is never handed out twice: a client that saw the first host's events misses none of the second's.
    expect(snapshot.seq).toBeGreaterThanOrEqual(lastSeqOfFirst);

    // And it continues: a message launches the workspace again and the agent answers.
    const turn = await sendAndWait(second, sessionId, 'still there?');
    expect(turn.reply).toBe('still there?');
    const seqsOfSecond = second.events.sessionEvents(sessionId).map((event) => event.seq);
    expect(Math.min(...seqsOfSecond)).toBeGreaterThan(snapshot.seq);
  });

  it('coalesces a flood of deltas into fewer append events, losing no text', async () => {
    const t = await startHost();
    await addTemplate(t, 'fast-deltas');
    const { sessionId } = await launchWorkspace(t, singleAgentYaml('fast-ws', 'fast', 'fast-deltas'));
    const deltas = 400;
    const turn = await sendAndWait(t, sessionId, String(deltas));
    const expected = Array.from({ length: deltas }, (_, i) => `${i} `).join('');
    expect(turn.reply).toBe(expected);

    const [message] = turn.messages;
    const turnEvents = t.events
      .sessionEvents(sessionId)
      .filter((event) => t.events.indexOf(event) >= turn.from);
    const appends = turnEvents.filter(
      (event) => event.change.type === 'append' && event.change.entryId === message.id,
    );
    expect(appends.length).toBeLessThan(deltas);

    expect(streamedText(turnEvents, message.id)).toBe(expected);
  });
});
