// Benchmark: what the budget check adds to every sent message. A real SQLite store holds ROWS usage rows
// in one UTC month at a steady rate (3 workspaces, 6 models), a global budget and one per workspace. The
// clock is the month's last day, the worst case: all earlier days are full. We time
// BudgetService.assertCanStartTurn (the check on each send) cold (it sums the earlier days once a day),
// after a new call (it sums today's calls again) and with nothing new since the last check (what a send
// usually finds: the host checks after each turn), and BudgetService.status (Settings, the CLI).
import { randomUUID } from 'node:crypto';
import { BudgetService, utcMonth } from '../../electron/host/budget-service';
import { Store } from '../../electron/store/store';
import { percentile, tempDir } from './bench-utils';

const ROWS = Number(process.env.BUDGET_BENCH_ROWS) || 1_000_000;
const RUNS = 30;
const GOAL_MS = 100;

const store = Store.open(tempDir('dspatch-bench-budget-'));
const workspaces = ['shop', 'lab', 'docs'].map((name) => {
  const id = randomUUID();
  store.workspaces.insert({ id, name, dir: `/bench/${id}`, createdAt: 0, updatedAt: 0 });
  return id;
});
const models = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'o4-mini', 'gpt-5', 'house-model'];
const { since, until } = utcMonth(Date.now());
const now = until - 1;
const span = now - since;
function call(i: number, createdAt: number) {
  store.usage.insert({
    id: randomUUID(),
    workspaceId: workspaces[i % workspaces.length],
    runId: null,
    sessionId: null,
    agentKey: 'coder',
    source: 'agent',
    model: models[i % models.length],
    requests: 1,
    inputTokens: 1_000,
    cachedInputTokens: 200,
    outputTokens: 300,
    reasoningTokens: 0,
    createdAt,
  });
}
store.transaction(() => {
  for (let i = 0; i < ROWS; i++) call(i, since + Math.floor((i / ROWS) * span));
});
const budgets = new BudgetService(store, {
  emit: () => {},
  flush: () => {},
  onError: (error) => console.error(error),
});
budgets.set(undefined, 1_000_000_000, now);
for (const id of workspaces) budgets.set(id, 1_000_000_000, now);
budgets.forgetEarlierDays();

function time(work: () => void): number[] {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  return times;
}

let started = performance.now();
budgets.assertCanStartTurn(workspaces[0], now);
const first = performance.now() - started;
let calls = ROWS;
const afterCall: number[] = [];
for (let run = 0; run < RUNS; run++) {
  call(calls++, now);
  const before = performance.now();
  budgets.assertCanStartTurn(workspaces[0], now);
  afterCall.push(performance.now() - before);
}
const send = time(() => budgets.assertCanStartTurn(workspaces[0], now));
budgets.forgetEarlierDays();
started = performance.now();
budgets.status(now);
const firstStatus = performance.now() - started;
const status = time(() => budgets.status(now));
const line = (name: string, times: number[]) =>
  `${name}: p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms`;
console.log(
  `${ROWS.toLocaleString('en-US')} usage rows this month, 4 budgets (global + 3 workspaces), ${RUNS} runs each`,
);
console.log(
  `first check on send of the day (sums the earlier days): ${first.toFixed(1)} ms; first budgets.status: ${firstStatus.toFixed(1)} ms`,
);
console.log(line('check on send after a new call (global + 1 workspace)', afterCall));
console.log(line('check on send, nothing new since the last check', send));
console.log(line('budgets.status (all 4)', status));
console.log(
  `goal: the check on send after a new call under ${GOAL_MS} ms p50 — ${percentile(afterCall, 50) < GOAL_MS ? 'met' : 'NOT met'}`,
);
budgets.close();
store.close();
