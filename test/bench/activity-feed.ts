// Benchmark: the Activity feed over 100,000 activities (plus tool calls, tasks and log lines) in a
// real SQLite file. Prints the feed query's time for its first page (in process, and over the
// WebSocket of a real `dspatch serve`), a deep page by cursor, the common filters, the query plan,
// and Debian's Chromium (headless) opening the Activity page: from the click on "Activity" to the
// first row painted, and a cold load of `#/activity` to its first row.
import { cpus, loadavg } from 'node:os';
import { chromium, type Page } from 'playwright-core';
import { newId } from '../../agents/protocol';
import type { FeedFilter } from '../../electron/store/activity-feed-repo';
import { Store } from '../../electron/store/store';
import { percentile, serveHost, tempDir } from './bench-utils';

const ACTIVITIES = 100_000;
const TOOL_CALLS = 20_000;
const LOGS = 20_000;
const TASKS = 1_000;
const SESSIONS = 50;
const QUERY_RUNS = 30;
const PAINT_RUNS = 5;
const VIEWPORT = { width: 1400, height: 900 };
const SPAN_MS = 30 * 24 * 3600 * 1000;

const dataDir = tempDir('dspatch-bench-feed-');
const workspaceDir = tempDir('dspatch-bench-feed-ws-');

// 1. Seed: rows as the write path stores them, spread over 30 days, in one transaction.
const seedStarted = performance.now();
const store = Store.open(dataDir);
const db = store.db;
const now = Date.now();
const workspaceId = newId();
const sessionIds = Array.from({ length: SESSIONS }, () => newId());
const at = (i: number, n: number) => now - SPAN_MS + Math.floor((i / n) * SPAN_MS);
store.transaction(() => {
  db.prepare('INSERT INTO workspaces (id, name, dir, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(workspaceId, 'bench-feed', workspaceDir, now, now);
  const session = db.prepare("INSERT INTO sessions (id, workspace_id, agent_key, title, state, created_at, updated_at) VALUES (?, ?, ?, ?, 'stopped', ?, ?)");
  sessionIds.forEach((id, i) => session.run(id, workspaceId, `agent${i % 5}`, `Session ${i}`, now - SPAN_MS, now));
  const activity = db.prepare('INSERT INTO activities (id, session_id, turn_id, kind, data, position, created_at, updated_at) VALUES (?, ?, NULL, ?, ?, ?, ?, ?)');
  const kinds = ['thinking', 'thinking', 'thinking', 'talk_to.request', 'talk_to.response', 'inquiry.request', 'inquiry.response', 'error'];
  for (let i = 0; i < ACTIVITIES; i++) {
    const kind = kinds[i % kinds.length];
    const data = kind === 'error' ? { message: `The model API answered 500 (${i}).` } : kind.startsWith('talk_to') ? { peer: 'helper', text: `Please look at part ${i}.` } : { text: `Thinking about step ${i}: the write path keeps a tick's cost flat, so the renderer …`.repeat(3) };
    const time = at(i, ACTIVITIES);
    activity.run(newId(), sessionIds[i % SESSIONS], kind, JSON.stringify(data), i, time, time);
  }
  const call = db.prepare('INSERT INTO tool_calls (session_id, call_id, workspace_id, agent_key, tool, arguments, result, is_error, call_activity_id, started_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  for (let i = 0; i < TOOL_CALLS; i++) {
    const time = at(i, TOOL_CALLS);
    call.run(sessionIds[i % SESSIONS], `call_${i}`, workspaceId, `agent${i % 5}`, i % 3 ? 'read_file' : 'run_tests', JSON.stringify({ path: `src/file-${i}.ts` }), `contents of file ${i}`, i % 17 === 0 ? 1 : 0, newId(), time, time + 120);
  }
  const log = db.prepare("INSERT INTO logs (workspace_id, session_id, agent_key, level, source, message, created_at) VALUES (?, ?, ?, ?, 'agent', ?, ?)");
  for (let i = 0; i < LOGS; i++) log.run(workspaceId, sessionIds[i % SESSIONS], `agent${i % 5}`, i % 10 ? 'info' : 'warn', `log line ${i}`, at(i, LOGS));
  const task = db.prepare("INSERT INTO tasks (id, session_id, task_order, description, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'success', ?, ?)");
  for (let i = 0; i < TASKS; i++) task.run(newId(), sessionIds[i % SESSIONS], Math.floor(i / SESSIONS) + 1, `Task ${i}`, at(i, TASKS), at(i, TASKS));
});
const seedSeconds = (performance.now() - seedStarted) / 1000;

// 2. The query in process: median of runs, per filter.
function timeQuery(filter: FeedFilter): number {
  const times: number[] = [];
  for (let run = 0; run < QUERY_RUNS; run++) {
    const started = performance.now();
    store.activityFeed.page(filter);
    times.push(performance.now() - started);
  }
  return percentile(times, 50);
}
let cursor: string | undefined;
for (let page = 0; page < 200; page++) cursor = store.activityFeed.page({ limit: 100, before: cursor }).nextCursor ?? undefined;
const queries: [string, FeedFilter][] = [
  ['first page (100 rows), no filter', { limit: 100 }],
  ['page 201 by cursor (20,000 rows in)', { limit: 100, before: cursor }],
  ['kind = tool calls', { limit: 100, kinds: ['tool'] }],
  ['level = error', { limit: 100, level: 'error' }],
  ['one session', { limit: 100, sessionId: sessionIds[7] }],
  ['workspace + agent', { limit: 100, workspaceId, agentKey: 'agent3' }],
  ['text "step 4242" (a scan: rare match)', { limit: 100, query: 'step 4242' }],
];
const queryTimes = queries.map(([label, filter]) => [label, timeQuery(filter)] as const);
const plan = store.activityFeed.plan({ limit: 100 });
store.close();

// 3. Over a real host, and in Chromium.
const host = await serveHost(dataDir);
const wsTimes: number[] = [];
for (let run = 0; run < QUERY_RUNS; run++) {
  const started = performance.now();
  await host.call('activity.feed', { limit: 100 });
  wsTimes.push(performance.now() - started);
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const PROBE = `
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  document.addEventListener('click', (event) => { window.__clickAt = event.timeStamp; }, true);
  window.__paintedWhen = (selector) => new Promise((resolve) => {
    const done = () => requestAnimationFrame(() => setTimeout(() => resolve(performance.now())));
    if (document.querySelector(selector)) return done();
    const observer = new MutationObserver(() => {
      if (document.querySelector(selector)) { observer.disconnect(); done(); }
    });
    observer.observe(document.documentElement, { childList: true, subtree: true });
  });
`;
type ProbeWindow = typeof globalThis & { __longTasks: { start: number; duration: number }[]; __clickAt: number; __paintedWhen(selector: string): Promise<number> };

async function freshPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  await page.addInitScript(PROBE);
  return page;
}

const clicks: { ms: number; longTasks: number; maxLongTask: number; rows: number }[] = [];
const colds: number[] = [];
for (let run = 0; run < PAINT_RUNS; run++) {
  const page = await freshPage();
  await page.goto(`${host.url}#/workspaces`);
  const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity', exact: true });
  await link.waitFor();
  await page.waitForTimeout(300); // the app's own start is not what is measured
  const painted = page.evaluate((selector) => (window as unknown as ProbeWindow).__paintedWhen(selector), '.feed-row');
  await link.click();
  const paintedAt = await painted;
  const result = await page.evaluate(() => {
    const w = window as unknown as ProbeWindow;
    return { clickAt: w.__clickAt, tasks: w.__longTasks, rows: document.querySelectorAll('.feed-row').length };
  });
  const inside = result.tasks.filter((task) => task.start + task.duration >= result.clickAt && task.start <= paintedAt);
  clicks.push({ ms: paintedAt - result.clickAt, longTasks: inside.length, maxLongTask: Math.max(0, ...inside.map((task) => task.duration)), rows: result.rows });
  await page.close();

  // Cold: a fresh page loading the app straight at #/activity, to its first row painted.
  const cold = await freshPage();
  await cold.goto(`${host.url}#/activity`);
  colds.push(await cold.evaluate(() => (window as unknown as ProbeWindow).__paintedWhen('.feed-row')));
  await cold.close();
}
await browser.close();
await host.stop();

const median = (values: number[]) => percentile(values, 50);
const pad = (label: string) => label.padEnd(52);
console.log(
  `Activity feed over ${ACTIVITIES.toLocaleString()} activities, ${TOOL_CALLS.toLocaleString()} tool calls, ${LOGS.toLocaleString()} log lines and ${TASKS.toLocaleString()} tasks in ${SESSIONS} sessions (seeded in ${seedSeconds.toFixed(1)} s); load average ${loadavg()
    .map((load) => load.toFixed(1))
    .join(' ')} on ${cpus().length} CPUs`,
);
console.log(`  activity.feed in process, median of ${QUERY_RUNS}:`);
for (const [label, ms] of queryTimes) console.log(`    ${pad(label)}${ms.toFixed(2)} ms${label.startsWith('first page') ? '   goal < 10 ms' : ''}`);
console.log(`  ${pad('first page over the WebSocket (from Node)')}${median(wsTimes).toFixed(1)} ms`);
console.log(`  ${pad('Chromium: click "Activity" → first row painted')}${median(clicks.map((c) => c.ms)).toFixed(0)} ms (runs: ${clicks.map((c) => c.ms.toFixed(0)).join(', ')})   goal < 150 ms`);
console.log(`  ${pad('  long tasks meanwhile, longest')}${median(clicks.map((c) => c.longTasks))}, ${median(clicks.map((c) => c.maxLongTask)).toFixed(0)} ms   goal none > 50 ms`);
console.log(`  ${pad('  rows in the DOM (virtualized)')}${median(clicks.map((c) => c.rows))} of 100 loaded`);
console.log(`  ${pad('Chromium: cold load of #/activity → first row')}${median(colds).toFixed(0)} ms after navigation start (runs: ${colds.map((ms) => ms.toFixed(0)).join(', ')})`);
console.log('  query plan of the first page:');
for (const line of plan) console.log(`    ${line}`);
process.exit(0);
