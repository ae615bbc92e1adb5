// Benchmark: the Usage dashboard's queries over 1,000,000 usage rows (90 days, 12 models, 5
// workspaces, 200 conversations), written in one transaction through UsageRepo.insert into a real
// SQLite file. Prints each query's median time over 5 runs for a 30-day and a 90-day range.
import { randomUUID } from 'node:crypto';
import { Store } from '../../electron/store/store';
import { tempDir } from './bench-utils';

const ROWS = 1_000_000;
const DAYS = 90;
const GOAL_MS = 1000;
const MODELS = [
  'gpt-4o',
  'gpt-4o-mini',
  'gpt-4.1',
  'gpt-4.1-mini',
  'gpt-4.1-nano',
  'o3',
  'o4-mini',
  'gpt-5',
  'gpt-5-mini',
  'gpt-4o-2024-08-06',
  'house-model',
  'local-llama',
];

const store = Store.open(tempDir('dspatch-bench-usage-'));
const now = Date.now();
const workspaces = Array.from({ length: 5 }, (_, i) => `ws-${i}`);
const sessions = Array.from({ length: 200 }, (_, i) => ({
  id: `s-${i}`,
  workspaceId: workspaces[i % workspaces.length],
}));
store.transaction(() => {
  for (const id of workspaces) {
    store.db
      .prepare('INSERT INTO workspaces (id, name, dir, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
      .run(id, id, `/tmp/${id}`, now, now);
  }
  for (const s of sessions) {
    store.db
      .prepare(
        "INSERT INTO sessions (id, workspace_id, agent_key, title, state, created_at, updated_at) VALUES (?, ?, 'coder', ?, 'idle', ?, ?)",
      )
      .run(s.id, s.workspaceId, `Conversation ${s.id}`, now, now);
  }
});

let started = performance.now();
store.transaction(() => {
  for (let i = 0; i < ROWS; i++) {
    const session = sessions[i % sessions.length];
    store.usage.insert({
      id: randomUUID(),
      workspaceId: session.workspaceId,
      sessionId: i % 10 === 0 ? null : session.id,
      runId: null,
      agentKey: i % 3 === 0 ? 'reviewer' : 'coder',
      source: i % 20 === 0 ? 'tasks' : 'agent',
      model: MODELS[i % MODELS.length],
      requests: 1,
      inputTokens: 1000 + (i % 5000),
      cachedInputTokens: i % 700,
      outputTokens: 200 + (i % 900),
      reasoningTokens: i % 100,
      createdAt: now - Math.floor((i / ROWS) * DAYS * 86_400_000),
    });
  }
});
console.log(
  `insert ${ROWS.toLocaleString('en-US')} rows in one transaction: ${((performance.now() - started) / 1000).toFixed(1)} s`,
);

function time(label: string, run: () => unknown): void {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    started = performance.now();
    run();
    times.push(performance.now() - started);
  }
  const median = times.sort((a, b) => a - b)[2];
  console.log(
    `${label.padEnd(44)} ${median.toFixed(0).padStart(6)} ms   (goal < ${GOAL_MS} ms)${median > GOAL_MS ? '  OVER GOAL' : ''}`,
  );
}

for (const days of [30, 90]) {
  const range = { since: now - days * 86_400_000, until: now + 1 };
  console.log(
    `\n-- ${days} days (${Math.round((ROWS * Math.min(days, DAYS)) / DAYS).toLocaleString('en-US')} rows in range) --`,
  );
  time('usage.summary (totals)', () => store.usage.summary(range));
  time('usage.daily by model', () => store.usage.daily(range, 'model'));
  time('usage.daily by workspace', () => store.usage.daily(range, 'workspace'));
  for (const by of ['model', 'workspace', 'agent', 'session', 'task'] as const)
    time(`usage.breakdown by ${by}`, () => store.usage.breakdown(range, by, 100));
  time('usage.calls of a session (200)', () => store.usage.calls(range, { sessionId: 's-7' }, 200));
  time('usage.calls of a model (200)', () => store.usage.calls(range, { model: 'o3' }, 200));
  time('usage.daily by model, one workspace', () =>
    store.usage.daily({ ...range, workspaceId: 'ws-2' }, 'model'),
  );
}
store.db.close();
