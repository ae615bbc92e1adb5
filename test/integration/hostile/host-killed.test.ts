// `dspatch serve` killed with SIGKILL in the middle of a streamed reply, several times over: what a
// client had received is in the database (events go out only after their transaction commits), the
// database passes its integrity check, and the next host leaves no session generating. A reply's
// streamed text is still in append-only chunks when the host dies; the next host folds them in, so
// the reply reads exactly as it was committed: what the client had, plus what committed after it.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { HostEvent } from '../../../electron/api/contract';
import type { SessionSnapshot } from '../../../electron/api/types';
import { cleanupHarness, ClientTimeline, scratchDir, singleAgentYaml, startHost, workspaceDir } from '../../helpers/host-harness';
import { killServers, serveProcess } from '../../helpers/cli';

const ROUNDS = 3;

afterEach(async () => {
  killServers();
  await cleanupHarness();
});

/** A HostApi client over the server's WebSocket, recording every event. */
async function connect(url: URL) {
  const socket = new WebSocket(`ws://${url.host}/api?token=${url.searchParams.get('token')}`);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const pending = new Map<number, (frame: { result?: unknown; error?: { message: string } }) => void>();
  const events: HostEvent[] = [];
  let nextId = 1;
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { id?: number; event?: HostEvent; result?: unknown; error?: { message: string } };
    if (frame.event) events.push(frame.event);
    else if (typeof frame.id === 'number') pending.get(frame.id)?.(frame);
  });
  return {
    events,
    socket,
    call<T>(method: string, params: unknown): Promise<T> {
      const id = nextId++;
      socket.send(JSON.stringify({ id, method, params }));
      return new Promise<T>((resolve, reject) =>
        pending.set(id, (frame) => (frame.error ? reject(new Error(frame.error.message)) : resolve(frame.result as T))),
      );
    },
  };
}

describe('a host killed mid-stream', () => {
  it(`loses nothing a client had received, ${ROUNDS} times over`, async () => {
    const dataDir = scratchDir('dspatch-it-killed-');
    const dir = workspaceDir(singleAgentYaml('killed-ws', 'echo', 'echo'));
    const words = Array.from({ length: 3000 }, (_, i) => `w${i}`).join(' ');
    /** Each killed reply's text as committed: its row plus its chunks, read before any restart. */
    const committed = new Map<string, string>();

    for (let round = 0; round < ROUNDS; round++) {
      const { child, url } = await serveProcess(dataDir);
      const client = await connect(url);
      const workspace = await client.call<{ id: string }>('workspaces.add', { dir });
      const consent = await client.call<{ fingerprint: string }>('workspaces.launchConsent', { workspaceId: workspace.id });
      await client.call('workspaces.consent', { workspaceId: workspace.id, fingerprint: consent.fingerprint });
      const { sessions } = await client.call<{ sessions: { id: string }[] }>('workspaces.launch', { workspaceId: workspace.id });
      const sessionId = sessions[0].id;
      const timeline = new ClientTimeline(await client.call<SessionSnapshot>('sessions.open', { sessionId }));
      const { turnId } = await client.call<{ turnId: string }>('sessions.send', { sessionId, text: words });

      // Kill the host once the reply has visibly streamed for a while.
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (client.events.filter((event) => event.type === 'session.event' && event.change.type === 'append').length >= 20) {
            clearInterval(poll);
            resolve();
          }
        }, 5);
      });
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      for (const event of client.events) if (event.type === 'session.event' && event.sessionId === sessionId) timeline.apply(event);
      client.socket.terminate();
      const received = [...timeline.entries.values()].find((entry) => entry.kind === 'message' && entry.role === 'assistant' && entry.turnId === turnId);
      expect(received?.kind === 'message' && received.text.length).toBeGreaterThan(0);

      const db = new Database(join(dataDir, 'dspatch.db'));
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      // Every seq the client saw is at or under the stored one: the next host numbers above them all.
      const { seq: storedSeq } = db.prepare('SELECT event_seq AS seq FROM sessions WHERE id = ?').get(sessionId) as { seq: number };
      const seenSeqs = client.events.flatMap((event) => (event.type === 'session.event' && event.sessionId === sessionId ? [event.seq] : []));
      expect(storedSeq).toBeGreaterThanOrEqual(Math.max(...seenSeqs));
      const stored = db
        .prepare(
          `SELECT text, (SELECT COUNT(*) FROM entry_chunks WHERE entry_id = m.id) AS chunks,
                  text || COALESCE((SELECT group_concat(c.text, '' ORDER BY c.id) FROM entry_chunks c WHERE c.entry_id = m.id), '') AS committed
             FROM messages m WHERE id = ?`,
        )
        .get(received!.id) as { text: string; chunks: number; committed: string };
      db.close();
      // Killed mid-stream: most of the reply is in chunks, not yet folded into its row.
      expect(stored.chunks).toBeGreaterThan(0);
      expect(stored.committed.length).toBeGreaterThan(stored.text.length);
      expect(received?.kind === 'message' && stored.committed.startsWith(received.text)).toBe(true);
      expect(words.startsWith(stored.committed)).toBe(true);
      committed.set(received!.id, stored.committed);
    }

    // The next host takes over the folder and ends what the killed ones left running.
    const t = await startHost({ dataDir });
    const [workspace] = await t.host.call('workspaces.list', {});
    const sessions = await t.host.call('sessions.list', { workspaceId: workspace.id });
    expect(sessions.length).toBe(1);
    expect(sessions.map((session) => session.state)).toEqual(['stopped']);
    const { entries } = await t.host.call('sessions.open', { sessionId: sessions[0].id });
    expect(entries.filter((entry) => entry.kind === 'message' && entry.status === 'streaming')).toEqual([]);
    const replies = entries.filter((entry) => committed.has(entry.id));
    expect(replies.map((entry) => entry.kind === 'message' && [entry.text, entry.status])).toEqual(
      [...committed.values()].map((text) => [text, 'cut']),
    );
    // Folded into the rows: nothing is left in chunks.
    const db = t.host.services.store.db;
    expect(db.prepare('SELECT COUNT(*) AS n FROM entry_chunks').get()).toEqual({ n: 0 });
    for (const [id, text] of committed) expect(db.prepare('SELECT text FROM messages WHERE id = ?').get(id)).toEqual({ text });
  });
});
