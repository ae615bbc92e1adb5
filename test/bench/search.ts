// Benchmark: full-text search over 100,000 messages. Sessions in 4 workspaces are filled through
// the host's own write path (SessionWriter, one transaction per batch of 1,000 messages, with the
// FTS5 triggers of migration 0009 running in it), then SearchRepo.query — what `search.query`
// runs — is timed for a few kinds of query: a common word, a rare one, two words, a prefix being
// typed, one workspace only, and no match. Also: the index's size, and what the index adds to the
// write path (the same seeding with the search triggers dropped).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { newId } from '../../agents/protocol';
import { Redactor } from '../../electron/host/redactor';
import { SessionWriter, type SessionRef } from '../../electron/host/session-writer';
import { toMatchQuery } from '../../electron/store/search-repo';
import { Store } from '../../electron/store/store';
import { percentile, tempDir } from './bench-utils';

const MESSAGES = 100_000;
const WORKSPACES = 4;
const SESSIONS = 200;
const BATCH = 1_000;
const RUNS = 60;
const GOAL_P99_MS = 50;

/** Words with a skewed frequency, as in real text: a few very common ones, a long tail of rare ones. */
const COMMON = 'the a to of and is in it that for on with this be we'.split(' ');
const TOPICS = Array.from({ length: 5_000 }, (_, i) => `topic${i.toString(36)}`);
const WORDS = 'deploy build server config database migration error test cache queue token request response agent model plan step file branch release'.split(' ');

function sentence(seed: number): string {
  let x = seed * 2654435761;
  const next = () => ((x = (x * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const words: string[] = [];
  const length = 8 + Math.floor(next() * 40);
  for (let i = 0; i < length; i++) {
    const r = next();
    if (r < 0.45) words.push(COMMON[Math.floor(next() * COMMON.length)]);
    else if (r < 0.9) words.push(WORDS[Math.floor(next() * WORDS.length)]);
    else words.push(TOPICS[Math.floor(next() ** 3 * TOPICS.length)]);
  }
  return words.join(' ');
}

/** Seeds `count` messages; returns the write path's time per message (µs). */
function seed(store: Store, count: number): number {
  const writer = new SessionWriter(store, new Redactor(), () => {});
  const refs: SessionRef[] = [];
  const now = Date.now();
  for (let w = 0; w < WORKSPACES; w++) {
    const workspaceId = newId();
    store.workspaces.insert({ id: workspaceId, name: `bench-${w}`, dir: join(tempDir('dspatch-bench-search-ws-'), 'ws'), createdAt: now, updatedAt: now });
    for (let s = 0; s < SESSIONS / WORKSPACES; s++) {
      const sessionId = newId();
      store.sessions.insertSession({ id: sessionId, workspaceId, agentKey: 'agent', parentSessionId: null, title: `Session ${w}.${s}`, state: 'stopped', createdAt: now, updatedAt: now, pinnedAt: null, archivedAt: null });
      refs.push({ sessionId, workspaceId, agentKey: 'agent', runId: null });
    }
  }
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const ref = refs[i % refs.length];
    writer.text(ref, null, newId(), i % 2 ? 'assistant' : 'user', sentence(i), false);
    if ((i + 1) % BATCH === 0) writer.flush();
  }
  writer.close();
  return ((performance.now() - started) * 1000) / count;
}

const dataDir = tempDir('dspatch-bench-search-');
const store = Store.open(dataDir);
const seedStarted = performance.now();
const perMessage = seed(store, MESSAGES);
console.log(`seeded ${MESSAGES.toLocaleString('en')} messages in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s (${perMessage.toFixed(0)} µs per message through the write path, index included)`);

const workspaceId = (store.db.prepare("SELECT id FROM workspaces WHERE name = 'bench-0'").get() as { id: string }).id;
const queries: { name: string; query: string; workspaceId?: string }[] = [
  { name: 'common word ("the")', query: 'the' },
  { name: 'frequent word ("deploy")', query: 'deploy' },
  { name: 'two words', query: 'database migration' },
  { name: 'rare word', query: TOPICS[40] },
  { name: 'prefix while typing ("migr")', query: 'migr' },
  { name: 'FTS syntax as text', query: '"error" AND (token OR NEAR' },
  { name: 'one workspace ("deploy")', query: 'deploy', workspaceId },
  { name: 'no match', query: 'zzzzqx' },
];
let worstP99 = 0;
for (const { name, query, workspaceId: ws } of queries) {
  const times: number[] = [];
  let hits = 0;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const groups = store.search.query({ query, workspaceId: ws });
    times.push(performance.now() - started);
    hits = groups.reduce((sum, group) => sum + group.hits.length, 0);
  }
  const match = toMatchQuery(query);
  const matches = match ? (store.db.prepare('SELECT count(*) AS n FROM search_fts WHERE search_fts MATCH ?').get(match) as { n: number }).n : 0;
  const p99 = percentile(times, 99);
  worstP99 = Math.max(worstP99, p99);
  console.log(`${name.padEnd(32)} p50 ${percentile(times, 50).toFixed(2).padStart(7)} ms   p99 ${p99.toFixed(2).padStart(7)} ms   (${hits} hits shown of ${matches.toLocaleString('en')} matching rows, all ranked)`);
}

const bytes = (sql: string) => (store.db.prepare(sql).get() as { n: number | null }).n ?? 0;
const indexBytes =
  bytes('SELECT sum(length(block)) AS n FROM search_fts_data') +
  bytes('SELECT sum(length(id)) + sum(length(c0)) AS n FROM search_fts_content') +
  bytes('SELECT sum(length(sz)) AS n FROM search_fts_docsize') +
  bytes("SELECT sum(length(source) + length(source_id) + length(session_id) + length(kind) + 16) AS n FROM search_docs");
const textBytes = bytes('SELECT sum(length(text)) AS n FROM messages');
store.db.pragma('wal_checkpoint(TRUNCATE)');
const fileMb = statSync(join(dataDir, 'dspatch.db')).size / 1e6;
console.log(`index: ${(indexBytes / 1e6).toFixed(1)} MB of row data (FTS5 segments, its copy of the text, doc sizes, search_docs) for ${(textBytes / 1e6).toFixed(1)} MB of message text; database file ${fileMb.toFixed(1)} MB`);
store.close();

// What the index adds to the write path: the same 25,000 messages into a fresh store with the
// search triggers, and into one with them dropped.
function seedFresh(withIndex: boolean): number {
  const fresh = Store.open(tempDir('dspatch-bench-search-cmp-'));
  if (!withIndex) {
    for (const { name } of fresh.db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search_%'").all() as { name: string }[]) {
      fresh.db.exec(`DROP TRIGGER ${name}`);
    }
  }
  const micros = seed(fresh, MESSAGES / 4);
  fresh.close();
  return micros;
}
const indexed = seedFresh(true);
const plain = seedFresh(false);
console.log(`write path, ${MESSAGES / 4} messages into a fresh database: ${indexed.toFixed(0)} µs per message with the index, ${plain.toFixed(0)} µs without`);
console.log(`goal: search p99 under ${GOAL_P99_MS} ms for every query at ${MESSAGES.toLocaleString('en')} messages — ${worstP99 < GOAL_P99_MS ? 'met' : 'NOT met'} (worst p99 ${worstP99.toFixed(1)} ms)`);
