// Full-text search (search.query) on a real host: a real SQLite file, the FTS5 index of migration
// 0009 kept by its triggers, and a real echo agent writing through the one write path. What the
// user types is searched as text, snippets mark the match with offsets (never markup), nothing
// secret shows in a snippet, and a database from before the migration is indexed by it.
import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SearchGroup, SearchHit } from '../../../electron/api/types';
import { newId } from '../../../agents/protocol';
import {
  addWorkspace,
  cleanupHarness,
  launchWorkspace,
  scratchDir,
  sendAndWait,
  singleAgentYaml,
  startHost,
  type TestHost,
} from '../../helpers/host-harness';
import { repoRoot } from '../../helpers/paths';

afterEach(cleanupHarness);

const ECHO = singleAgentYaml('search-ws', 'echo', 'echo');

function hits(groups: SearchGroup[]): SearchHit[] {
  return groups.flatMap((group) => group.hits);
}

/** The marked words of a hit, as the renderer would show them highlighted. */
function marked(hit: SearchHit): string[] {
  return hit.marks.map(([start, end]) => hit.snippet.slice(start, end));
}

/** A session to write rows into directly through the store's repositories (no agent needed). */
async function seededSession(t: TestHost, name = 'seeded'): Promise<{ workspaceId: string; sessionId: string }> {
  const workspace = await addWorkspace(t, singleAgentYaml(name, 'echo', 'echo'));
  const sessionId = newId();
  const now = Date.now();
  t.host.services.store.sessions.insertSession({ id: sessionId, workspaceId: workspace.id, agentKey: 'echo', parentSessionId: null, title: name, state: 'stopped', createdAt: now, updatedAt: now, pinnedAt: null, archivedAt: null });
  return { workspaceId: workspace.id, sessionId };
}

function writeMessage(t: TestHost, sessionId: string, role: 'user' | 'assistant', text: string): string {
  const sessions = t.host.services.store.sessions;
  const id = newId();
  sessions.insertMessage({ id, sessionId, turnId: null, role, text, sender: null, status: 'done', position: sessions.nextPosition(sessionId), now: Date.now() });
  return id;
}

describe('search', () => {
  it('finds what a real agent said, through the write path, grouped by conversation with the match marked', async () => {
    const t = await startHost();
    const { workspace, sessionId } = await launchWorkspace(t, ECHO);
    const turn = await sendAndWait(t, sessionId, 'Please deploy the Zanzibar service tonight');
    const reply = turn.messages[0];
    expect(reply.text).toContain('Zanzibar');

    const groups = await t.host.call('search.query', { query: 'zanzibar' });
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ sessionId, workspaceId: workspace.id, workspaceName: 'search-ws', agentKey: 'echo' });
    const found = groups[0].hits;
    // The user's message and the streamed reply (indexed when its chunks were folded at turn end).
    expect(found.map((hit) => hit.kind).sort()).toEqual(['assistant', 'user']);
    expect(found.map((hit) => hit.entryId)).toContain(reply.id);
    for (const hit of found) {
      expect(hit.snippet).toContain('Zanzibar service');
      expect(marked(hit)).toEqual(['Zanzibar']);
      expect(hit.entryId).toBe(hit.id);
      expect(hit.taskId).toBeNull();
    }

    // Prefix of the last word: found while typing; and scoped to a workspace.
    expect(hits(await t.host.call('search.query', { query: 'deploy the zanz' }))).toHaveLength(2);
    expect(await t.host.call('search.query', { query: 'zanzibar', workspaceId: 'no-such-workspace' })).toEqual([]);

    // Deleting the conversation takes it out of the index.
    await t.host.call('workspaces.stop', { workspaceId: workspace.id });
    await t.host.call('sessions.delete', { sessionId });
    expect(await t.host.call('search.query', { query: 'zanzibar' })).toEqual([]);
    const left = t.host.services.store.db.prepare('SELECT count(*) AS n FROM search_fts').get() as { n: number };
    expect(left.n).toBe(0);
  });

  it('ranks the closer match first (bm25) and orders conversations by their best hit', async () => {
    const t = await startHost();
    const a = await seededSession(t, 'rank-a');
    const b = await seededSession(t, 'rank-b');
    const weak = writeMessage(t, a.sessionId, 'assistant', `One mention of quasar among many other words: ${'filler text here '.repeat(30)}`);
    const strong = writeMessage(t, b.sessionId, 'user', 'quasar quasar: the quasar report');
    const groups = await t.host.call('search.query', { query: 'quasar' });
    expect(groups.map((group) => group.sessionId)).toEqual([b.sessionId, a.sessionId]);
    expect(hits(groups).map((hit) => hit.id)).toEqual([strong, weak]);
    expect(hits(groups)[0].rank).toBeLessThan(hits(groups)[1].rank);
    expect(marked(hits(groups)[0])).toEqual(['quasar', 'quasar', 'quasar']);
    // A long text is cut around the match.
    expect(hits(groups)[1].snippet.length).toBeLessThan(200);
    expect(hits(await t.host.call('search.query', { query: 'quasar', limit: 1 }))).toHaveLength(1);
  });

  it('searches FTS5 syntax as text and never fails with an SQL error', async () => {
    const t = await startHost();
    const { sessionId } = await seededSession(t);
    const near = writeMessage(t, sessionId, 'user', 'meet me NEAR the station, AND bring (tea) or coffee');
    const quoted = writeMessage(t, sessionId, 'assistant', 'she said "hello world" to body: the café');
    const hostile = [
      '"',
      '"hello',
      'hello"',
      '""',
      '*',
      'tea*',
      '* tea',
      'NEAR',
      'NEAR(meet station)',
      'NEAR/2',
      'AND',
      'OR',
      'NOT',
      'tea AND',
      'OR coffee',
      '(',
      ')',
      '(tea',
      'tea)',
      '((((',
      'body:café',
      'body : tea',
      '{body}: tea',
      '-tea',
      '+tea',
      '^tea',
      'tea:',
      ':',
      "'; DROP TABLE messages; --",
      '\u0000',
      '\uE000tea\uE001',
      '',
      '   ',
      'x'.repeat(500),
      'a '.repeat(250),
    ];
    for (const query of hostile) {
      await expect(t.host.call('search.query', { query }), JSON.stringify(query)).resolves.toBeInstanceOf(Array);
    }
    // As text: each word is found as a word.
    const ids = async (query: string) => hits(await t.host.call('search.query', { query })).map((hit) => hit.id);
    expect(await ids('NEAR')).toEqual([near]);
    expect(await ids('AND bring')).toEqual([near]);
    expect(await ids('(tea)')).toEqual([near]);
    expect(await ids('"hello world"')).toEqual([quoted]);
    expect(await ids('hello" "world')).toEqual([quoted]);
    expect(await ids('body:')).toEqual([quoted]);
    expect(await ids('body:café')).toEqual([]); // "body café" is not in that order
    // Diacritics do not matter either way.
    expect(await ids('cafe')).toEqual([quoted]);
    expect(await ids('CAFÉ')).toEqual([quoted]);
    // Not a query language: NOT, OR and NEAR() do not widen or narrow anything.
    expect(await ids('tea OR nothing')).toEqual([]);
    expect(await ids('NOT coffee')).toEqual([]);
    // Over-long input is refused by the schema with a message, not an SQL error.
    await expect(t.host.call('search.query', { query: 'x'.repeat(501) })).rejects.toThrow(/Invalid request for search.query/);
  });

  it('returns snippets as plain text with offsets: stored markup is text, and stored marks cannot forge a highlight', async () => {
    const t = await startHost();
    const { sessionId } = await seededSession(t);
    writeMessage(t, sessionId, 'assistant', '<img src=x onerror=alert(1)> \uE000forged\uE001 <mark>walrus</mark>');
    const [hit] = hits(await t.host.call('search.query', { query: 'walrus' }));
    expect(hit.snippet).toBe('<img src=x onerror=alert(1)> forged <mark>walrus</mark>');
    expect(marked(hit)).toEqual(['walrus']);
    // The forged "mark" is only text: searching for it marks it as a match, nothing more.
    expect(marked(hits(await t.host.call('search.query', { query: 'forged' }))[0])).toEqual(['forged']);
  });

  it('indexes tool calls, tool results, reasoning, inquiries, talk_to and tasks, and keeps them current', async () => {
    const t = await startHost();
    const { sessionId } = await seededSession(t);
    const store = t.host.services.store;
    const activity = (kind: string, data: Record<string, unknown>) => {
      const id = newId();
      store.sessions.insertActivity({ id, sessionId, turnId: null, kind, data, position: store.sessions.nextPosition(sessionId), now: Date.now() });
      return id;
    };
    const call = activity('tool_call', { callId: 'c1', tool: 'read_file', arguments: '{"path":"docs/giraffe.md"}' });
    const result = activity('tool_result', { callId: 'c1', output: 'the okapi lives here' });
    const failed = activity('tool_result', { callId: 'c2', error: 'permission denied for narwhal' });
    const thinking = activity('thinking', { text: 'considering the pangolin' });
    const question = activity('inquiry.request', { inquiryId: 'q', markdown: 'Which ocelot?', suggestions: ['the axolotl'], files: [] });
    const answer = activity('inquiry.response', { inquiryId: 'q', text: 'the lynx please', suggestionIndex: null });
    const talk = activity('talk_to.request', { requestId: 'r', peer: 'coder', text: 'ask the tapir' });
    const only = async (query: string) => hits(await t.host.call('search.query', { query })).map((hit) => [hit.id, hit.kind]);
    expect(await only('giraffe')).toEqual([[call, 'tool_call']]);
    expect(await only('read_file')).toEqual([[call, 'tool_call']]);
    expect(await only('okapi')).toEqual([[result, 'tool_result']]);
    expect(await only('narwhal')).toEqual([[failed, 'tool_result']]);
    expect(await only('pangolin')).toEqual([[thinking, 'thinking']]);
    expect(await only('ocelot')).toEqual([[question, 'inquiry.request']]);
    expect(await only('axolotl')).toEqual([[question, 'inquiry.request']]);
    expect(await only('lynx')).toEqual([[answer, 'inquiry.response']]);
    expect(await only('tapir')).toEqual([[talk, 'talk_to.request']]);

    // A replaced activity (a fold of streamed reasoning) is searched by its new text only.
    store.sessions.setActivityData(thinking, { text: 'considering the wombat' }, Date.now());
    expect(await only('pangolin')).toEqual([]);
    expect(await only('wombat')).toEqual([[thinking, 'thinking']]);

    // Tasks, as the extractor writes them: found with the task to open instead of an entry.
    const taskId = newId();
    store.db
      .prepare("INSERT INTO tasks (id, session_id, task_order, description, status, created_at, updated_at) VALUES (?, ?, 1, 'migrate the flamingo database', 'pending', 0, 0)")
      .run(taskId, sessionId);
    const [task] = hits(await t.host.call('search.query', { query: 'flamingo' }));
    expect(task).toMatchObject({ id: taskId, kind: 'task', entryId: null, taskId });
    store.db.prepare("UPDATE tasks SET description = 'migrate the heron database' WHERE id = ?").run(taskId);
    expect(await only('flamingo')).toEqual([]);
    expect(await only('heron')).toEqual([[taskId, 'task']]);
  });

  it('shows no secret in a snippet: stored text is redacted, and a secret set later is blanked when shown', async () => {
    const t = await startHost();
    const { workspace, sessionId } = await launchWorkspace(t, ECHO);
    const token = 'tok_Vq83mZpL0xRr';
    await t.host.call('secrets.set', { workspaceId: workspace.id, key: 'DEPLOY_TOKEN', value: token });
    await sendAndWait(t, sessionId, `deploy the gecko with ${token} today`);
    const found = hits(await t.host.call('search.query', { query: 'gecko' }));
    expect(found).toHaveLength(2); // the user's message and the echo
    for (const hit of found) {
      expect(hit.snippet).not.toContain(token);
      expect(hit.snippet).toContain('[redacted]');
    }
    expect(await t.host.call('search.query', { query: token })).toEqual([]);
    expect(await t.host.call('search.query', { query: token.slice(0, 8) })).toEqual([]);

    // Text stored before its secret was known (an earlier host, another workspace's key)...
    const later = 'late_Hk29sQ0pWm';
    writeMessage(t, sessionId, 'assistant', `the heron key is ${later} ok`);
    await t.host.call('secrets.set', { workspaceId: workspace.id, key: 'LATER_TOKEN', value: later });
    const [hit] = hits(await t.host.call('search.query', { query: 'heron' }));
    expect(hit.snippet).toBe('the heron key is [redacted] ok');
    expect(JSON.stringify(await t.host.call('search.query', { query: later }))).not.toContain(later);
  });

  it('a database from before search is indexed by the migration, and text streamed before a crash once folded', async () => {
    // Schema 8, as the previous release left it, with a conversation and a reply cut mid-stream.
    const dataDir = scratchDir('dspatch-it-search-');
    const migrations = readdirSync(join(repoRoot, 'electron', 'store', 'migrations')).filter((name) => /^000[1-8]_.*\.sql$/.test(name)).sort();
    expect(migrations).toHaveLength(8);
    const db = new Database(join(dataDir, 'dspatch.db'));
    for (const name of migrations) db.exec(readFileSync(join(repoRoot, 'electron', 'store', 'migrations', name), 'utf8'));
    db.pragma('user_version = 8');
    db.prepare("INSERT INTO workspaces VALUES ('w1', 'old-ws', ?, 0, 0)").run(join(dataDir, 'ws'));
    db.prepare("INSERT INTO sessions (id, workspace_id, agent_key, title, state, created_at, updated_at) VALUES ('s1', 'w1', 'coder', 'Old talk', 'generating', 0, 0)").run();
    const message = db.prepare(
      "INSERT INTO messages (id, session_id, turn_id, role, text, status, position, created_at, updated_at) VALUES (?, 's1', 't1', ?, ?, ?, ?, 0, 0)",
    );
    message.run('m1', 'user', 'where is the iguana config', 'done', 1);
    message.run('m2', 'assistant', 'The iguana', 'streaming', 2);
    message.run('m3', 'tool', 'tool output: iguana', 'done', 3);
    db.prepare("INSERT INTO activities VALUES ('a1', 's1', 't1', 'tool_call', ?, 4, 0, 0)").run(JSON.stringify({ callId: 'c', tool: 'grep', arguments: '{"q":"iguana"}' }));
    db.prepare("INSERT INTO entry_chunks (session_id, entry_id, text) VALUES ('s1', 'm2', ' config is in chameleon.yml')").run();
    db.close();

    const t = await startHost({ dataDir });
    const groups = await t.host.call('search.query', { query: 'iguana' });
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ sessionId: 's1', workspaceId: 'w1', workspaceName: 'old-ws', title: 'Old talk' });
    // Tool messages are the same text as their tool_result activities: only timeline entries count.
    expect(groups[0].hits.map((hit) => hit.id).sort()).toEqual(['a1', 'm1', 'm2']);
    // The host start folded the cut reply's chunks; its text is searchable.
    const [folded] = hits(await t.host.call('search.query', { query: 'chameleon' }));
    expect(folded).toMatchObject({ id: 'm2', kind: 'assistant' });
    expect(folded.snippet).toBe('The iguana config is in chameleon.yml');
  });
});
