// The usage_rollup table (kept by triggers) against the raw usage rows it sums: after inserts across
// days, models and sessions, a deleted session and a removed workspace, the two must agree exactly.
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { Store } from '../../../electron/store/store';
import { tempDir } from '../../helpers/paths';

const DAY_MS = 86_400_000;
const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const KEY = `day, workspace_id, model, agent_key, source, COALESCE(session_id, '')`;
const RAW_SUMS = `SELECT created_at / ${DAY_MS} AS day, workspace_id, model, agent_key, source, COALESCE(session_id, '') AS session,
  COUNT(*) AS calls, SUM(requests) AS requests, SUM(input_tokens) AS input, SUM(cached_input_tokens) AS cached,
  SUM(output_tokens) AS output, SUM(reasoning_tokens) AS reasoning
  FROM usage GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6`;
const ROLLUP = `SELECT day, workspace_id, model, agent_key, source, COALESCE(session_id, '') AS session, calls, requests,
  input_tokens AS input, cached_input_tokens AS cached, output_tokens AS output, reasoning_tokens AS reasoning
  FROM usage_rollup ORDER BY ${KEY}`;

it('sums exactly what the usage rows hold through inserts, a deleted session and a removed workspace', () => {
  const dir = tempDir('dspatch-rollup-');
  dirs.push(dir);
  const store = Store.open(dir);
  stores.push(store);

  const workspaces = ['alpha', 'beta'].map((name) => {
    const id = randomUUID();
    store.workspaces.insert({ id, name, dir: `/tmp/${id}`, createdAt: 0, updatedAt: 0 });
    return id;
  });
  const sessions = workspaces.map((workspaceId) => {
    const id = randomUUID();
    store.sessions.insertSession({
      id,
      workspaceId,
      agentKey: 'coder',
      parentSessionId: null,
      title: 'x',
      state: 'idle',
      createdAt: 0,
      updatedAt: 0,
      pinnedAt: null,
      archivedAt: null,
    });
    return id;
  });
  // A fixed pseudo-random spread so a failure reproduces.
  let seed = 7;
  const next = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
  for (let i = 0; i < 400; i += 1) {
    const w = next(2);
    store.usage.insert({
      id: randomUUID(),
      workspaceId: workspaces[w]!,
      runId: null,
      sessionId: next(3) === 0 ? null : sessions[w]!,
      agentKey: next(2) === 0 ? 'coder' : 'reviewer',
      source: next(4) === 0 ? 'tasks' : 'agent',
      model: ['gpt-4o', 'gpt-4o-mini', 'o3'][next(3)]!,
      requests: 1 + next(2),
      inputTokens: next(5000),
      cachedInputTokens: next(1000),
      outputTokens: next(3000),
      reasoningTokens: next(500),
      createdAt: Date.UTC(2026, 10, 1) + next(5) * DAY_MS + next(DAY_MS),
    });
  }
  const agree = () => expect(store.db.prepare(ROLLUP).all()).toEqual(store.db.prepare(RAW_SUMS).all());

  agree();
  expect(store.db.prepare('SELECT COUNT(*) AS n FROM usage_rollup').get()).not.toEqual({ n: 0 });

  store.transaction(() => store.sessions.deleteSession(sessions[0]!));
  agree();
  expect(store.db.prepare('SELECT COUNT(*) AS n FROM usage WHERE session_id = ?').get(sessions[0])).toEqual({ n: 0 });

  store.transaction(() => store.workspaces.remove(workspaces[1]!));
  agree();
  expect(store.db.prepare('SELECT COUNT(*) AS n FROM usage_rollup WHERE workspace_id = ?').get(workspaces[1])).toEqual({ n: 0 });
});
