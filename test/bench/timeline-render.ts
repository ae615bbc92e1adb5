// Benchmark: the chat timeline in a real browser. A real `dspatch serve` gets a session of 2,000
// messages through its own write path (the bench-transcript agent answers 1,000 prompts with ~2.6 KB
// of markdown each: prose, a TypeScript and a Python block, a table; a tool call every third turn).
// Then Debian's Chromium (headless) opens it, several times from a fresh page:
//   - click on the session → its last message in the DOM and painted (a rAF, then a task, after it
//     appears), and the long tasks (> 50 ms) in between;
//   - with every page loaded ("Load earlier"), a scroll from the top to the bottom, one viewport a
//     frame, and the long tasks meanwhile; and how far the estimated height was from the real one;
//   - a reply with highlighted code streaming in (another session): frames dropped, long tasks.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { SNAPSHOT_ENTRIES } from '../../renderer/features/chat/session-store';
import { percentile, repoRoot, serveHost, tempDir } from './bench-utils';

const TURNS = 1000;
const RUNS = 5;
const SCROLL_RUNS = 3;
const STREAM_RUNS = 3;
const STREAMED_PARTS = 6;
const VIEWPORT = { width: 1400, height: 900 };

const dataDir = tempDir('dspatch-bench-render-');
const workspaceDir = tempDir('dspatch-bench-render-ws-');
const cli = join(repoRoot, 'bin', 'dspatch.cjs');
const added = spawnSync(
  process.execPath,
  [cli, 'templates', 'add', join(repoRoot, 'test/bench/templates/transcript'), '--data-dir', dataDir],
  { encoding: 'utf8' },
);
if (added.status !== 0) throw new Error(`templates add failed: ${added.stderr}`);
writeFileSync(
  join(workspaceDir, 'dspatch.workspace.yml'),
  'name: bench-render\nagents:\n  writer:\n    template: bench-transcript\n',
);

const host = await serveHost(dataDir);
let onIdle = () => {};
host.onEvent((event) => {
  const change = event.change as { type?: string; state?: string } | undefined;
  if (event.type === 'session.event' && change?.type === 'state' && change.state === 'idle') onIdle();
});
async function turn(sessionId: string, text: string): Promise<void> {
  const idle = new Promise<void>((resolve) => (onIdle = resolve));
  await host.call('sessions.send', { sessionId, text });
  await idle;
}

const workspace = await host.launch(workspaceDir);
const long = workspace.sessions[0];
const seedStarted = performance.now();
for (let k = 0; k < TURNS; k++) {
  await turn(
    long.id,
    `${k}: how does part ${k} of the write path keep a tick's cost flat, and what should the renderer do with a session this long when it opens it and when I scroll back through it?`,
  );
}
const seedSeconds = (performance.now() - seedStarted) / 1000;
const snapshot = await host.call<{
  entries: { id: string; kind: string; text?: string; data?: Record<string, unknown> }[];
}>('sessions.open', { sessionId: long.id, limit: 5000 });
const messages = snapshot.entries.filter((entry) => entry.kind === 'message');
const chars = snapshot.entries.reduce(
  (sum, entry) => sum + (entry.text ?? JSON.stringify(entry.data ?? {})).length,
  0,
);
const lastId = snapshot.entries.at(-1)!.id;
// The host's share of an open: the snapshot the renderer asks for (its newest SNAPSHOT_ENTRIES).
const snapshotTimes: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const started = performance.now();
  await host.call('sessions.open', { sessionId: long.id, limit: SNAPSHOT_ENTRIES });
  snapshotTimes.push(performance.now() - started);
}
const streamSessions: { id: string }[] = [];
for (let run = 0; run < STREAM_RUNS; run++) {
  streamSessions.push(
    await host.call<{ id: string }>('sessions.create', { workspaceId: workspace.id, agentKey: 'writer' }),
  );
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu'],
});
const sessionUrl = (sessionId: string) => `${host.url}#/workspaces/${workspace.id}/sessions/${sessionId}`;

// Installed before the app's scripts: long tasks, the click's time, and "painted" for a row.
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
    observer.observe(document.body, { childList: true, subtree: true });
  });
`;
type Window = typeof globalThis & {
  __longTasks: { start: number; duration: number }[];
  __clickAt: number;
  __paintedWhen(selector: string): Promise<number>;
};

async function freshPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  await page.addInitScript(PROBE);
  return page;
}

function longTasksBetween(tasks: { start: number; duration: number }[], from: number, to: number) {
  const inside = tasks.filter((task) => task.start + task.duration >= from && task.start <= to);
  return { count: inside.length, max: Math.max(0, ...inside.map((task) => task.duration)) };
}

// 1. Open: from the click in the session list to the last message painted.
const opens: { ms: number; longTasks: number; maxLongTask: number; rows: number; markdownKb: number }[] = [];
for (let run = 0; run < RUNS; run++) {
  const page = await freshPage();
  await page.goto(`${host.url}#/workspaces/${workspace.id}`);
  const item = page.locator(`[data-testid="session-item"][data-session-id="${long.id}"]`);
  await item.waitFor();
  await page.waitForTimeout(300); // let the page settle: its own load is not what is measured
  const painted = page.evaluate(
    (selector) => (window as unknown as Window).__paintedWhen(selector),
    `[data-entry-id="${lastId}"]`,
  );
  await item.click();
  const paintedAt = await painted;
  const result = await page.evaluate(() => {
    const w = window as unknown as Window;
    const rows = Array.from(document.querySelectorAll('.timeline-row'));
    return {
      clickAt: w.__clickAt,
      tasks: w.__longTasks,
      rows: rows.length,
      markdown: rows.reduce((sum, row) => sum + (row.textContent ?? '').length, 0),
    };
  });
  const tasks = longTasksBetween(result.tasks, result.clickAt, paintedAt);
  opens.push({
    ms: paintedAt - result.clickAt,
    longTasks: tasks.count,
    maxLongTask: tasks.max,
    rows: result.rows,
    markdownKb: result.markdown / 1024,
  });
  await page.close();
}

// 2. Scroll the whole session, top to bottom, with every page loaded.
const scrolls: { longTasks: number; maxLongTask: number; frames: number; estimateRatio: number }[] = [];
for (let run = 0; run < SCROLL_RUNS; run++) {
  const page = await freshPage();
  await page.goto(sessionUrl(long.id));
  await page.locator(`[data-entry-id="${lastId}"]`).waitFor();
  const loadEarlier = page.getByTestId('load-earlier');
  while (await loadEarlier.count()) {
    await loadEarlier.click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="load-earlier"]:disabled'));
  }
  const result = await page.evaluate(async () => {
    const w = window as unknown as Window;
    const scroller = document.querySelector<HTMLElement>('[data-testid="timeline"]')!;
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    scroller.scrollTop = 0;
    for (let i = 0; i < 10; i++) await frame();
    const estimated = scroller.scrollHeight;
    const from = performance.now();
    let frames = 0;
    while (scroller.scrollTop + scroller.clientHeight < scroller.scrollHeight - 1) {
      scroller.scrollTop += scroller.clientHeight;
      frames++;
      await frame();
    }
    for (let i = 0; i < 10; i++) await frame();
    return {
      estimated,
      measured: scroller.scrollHeight,
      frames,
      tasks: w.__longTasks,
      from,
      to: performance.now(),
    };
  });
  const tasks = longTasksBetween(result.tasks, result.from, result.to);
  scrolls.push({
    longTasks: tasks.count,
    maxLongTask: tasks.max,
    frames: result.frames,
    estimateRatio: result.estimated / result.measured,
  });
  await page.close();
}

// 3. A long reply with highlighted code streaming in: frames dropped and long tasks.
const streams: {
  dropped: number;
  frames: number;
  longTasks: number;
  maxLongTask: number;
  worstFrame: number;
}[] = [];
for (let run = 0; run < STREAM_RUNS; run++) {
  const page = await freshPage();
  await page.goto(sessionUrl(streamSessions[run].id));
  await page.getByTestId('composer-input').waitFor();
  await page.evaluate(() => {
    const w = window as unknown as Window & { __frames: number[]; __counting: boolean };
    w.__frames = [];
    w.__counting = true;
    const tick = (at: number) => {
      w.__frames.push(at);
      if (w.__counting) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const from = await page.evaluate(() => performance.now());
  await page.getByTestId('composer-input').fill(`stream ${STREAMED_PARTS}`);
  await page.getByTestId('composer-send').click();
  await page
    .locator('[data-testid="entry-message-assistant"][data-status="done"]')
    .waitFor({ timeout: 120_000 });
  const result = await page.evaluate(() => {
    const w = window as unknown as Window & { __frames: number[]; __counting: boolean };
    w.__counting = false;
    return { frames: w.__frames, tasks: w.__longTasks, to: performance.now() };
  });
  const gaps = result.frames.slice(1).map((at, i) => at - result.frames[i]);
  // A gap of n frame intervals (60 Hz) is n - 1 frames not drawn.
  const dropped = gaps.reduce((sum, gap) => sum + Math.max(0, Math.round(gap / (1000 / 60)) - 1), 0);
  const tasks = longTasksBetween(result.tasks, from, result.to);
  streams.push({
    dropped,
    frames: gaps.length,
    longTasks: tasks.count,
    maxLongTask: tasks.max,
    worstFrame: Math.max(...gaps),
  });
  await page.close();
}
await browser.close();
await host.stop();

const median = (values: number[]) => percentile(values, 50);
const pad = (label: string) => label.padEnd(50);
console.log(
  `Timeline: a session of ${messages.length.toLocaleString()} messages, ${snapshot.entries.length.toLocaleString()} entries, ${(chars / 1e6).toFixed(1)} M characters (≈ ${Math.round(chars / 4 / 1000)}K tokens); seeded through the host in ${seedSeconds.toFixed(0)} s`,
);
console.log(
  `Chromium headless ${VIEWPORT.width}×${VIEWPORT.height}; medians of ${RUNS} opens, ${SCROLL_RUNS} scrolls, ${STREAM_RUNS} streams, each from a fresh page; load average ${loadavg()
    .map((load) => load.toFixed(1))
    .join(' ')} on ${cpus().length} CPUs`,
);
console.log(
  `  ${pad('open: click → last message painted')}${median(opens.map((o) => o.ms)).toFixed(0)} ms (runs: ${opens.map((o) => o.ms.toFixed(0)).join(', ')})   goal < 120 ms`,
);
console.log(
  `  ${pad('  of which sessions.open over the WebSocket')}${median(snapshotTimes).toFixed(0)} ms (measured from Node)`,
);
console.log(
  `  ${pad('open: long tasks, longest')}${median(opens.map((o) => o.longTasks))}, ${median(opens.map((o) => o.maxLongTask)).toFixed(0)} ms   goal none > 50 ms`,
);
console.log(
  `  ${pad('open: rows mounted, their text')}${median(opens.map((o) => o.rows))} rows, ${median(opens.map((o) => o.markdownKb)).toFixed(1)} KB`,
);
console.log(
  `  ${pad('scroll top → bottom: long tasks, longest')}${median(scrolls.map((s) => s.longTasks))}, ${median(scrolls.map((s) => s.maxLongTask)).toFixed(0)} ms over ${median(scrolls.map((s) => s.frames))} frames   goal none > 50 ms`,
);
console.log(
  `  ${pad('scroll: estimated / measured height')}${median(scrolls.map((s) => s.estimateRatio)).toFixed(2)}   (1.00 = no jump when rows get measured)`,
);
console.log(
  `  ${pad(`streaming ${STREAMED_PARTS} highlighted parts: frames dropped`)}${median(streams.map((s) => s.dropped))} of ${median(streams.map((s) => s.frames))}, worst frame ${median(streams.map((s) => s.worstFrame)).toFixed(0)} ms   goal 0`,
);
console.log(
  `  ${pad('streaming: long tasks, longest')}${median(streams.map((s) => s.longTasks))}, ${median(streams.map((s) => s.maxLongTask)).toFixed(0)} ms   goal none > 50 ms`,
);
process.exit(0);
