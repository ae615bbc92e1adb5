// The Usage dashboard in Chromium: a range preset that the URL keeps across a reload, the per-day
// charts with their text alternative, a breakdown row drilled down to its calls with a link to the
// conversation, and the CSV download.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupHarness,
  launchWorkspace,
  sendAndWait,
  singleAgentYaml,
  startHost,
} from '../helpers/host-harness';
import { tempDir } from '../helpers/paths';
import { launchBrowser, screenshot, startApp, type RunningApp } from './app-harness';

let app: RunningApp;
let browser: Browser;
let page: Page;
let sessionId: string;
const DAY = 86_400_000;

beforeAll(async () => {
  // Usage as the host records it, written before the app starts: one call today in a conversation,
  // one twenty days ago outside any (inside 30 days, not inside 7).
  const dataDir = tempDir('dspatch-e2e-data-');
  const t = await startHost({ dataDir });
  const launched = await launchWorkspace(t, singleAgentYaml('dash', 'coder', 'echo'));
  sessionId = launched.sessionId;
  await sendAndWait(t, sessionId, 'Plan the release');
  const calls = [
    { model: 'gpt-4o', sessionId, createdAt: Date.now() - 60_000 },
    { model: 'house-model', sessionId: null, createdAt: Date.now() - 20 * DAY },
  ];
  for (const call of calls) {
    t.host.services.store.usage.insert({
      id: randomUUID(),
      workspaceId: launched.workspace.id,
      runId: null,
      agentKey: 'coder',
      source: 'agent',
      requests: 1,
      inputTokens: 1_000_000,
      cachedInputTokens: 200_000,
      outputTokens: 100_000,
      reasoningTokens: 0,
      ...call,
    });
  }
  await t.close();
  app = await startApp({ dataDir });
  browser = await launchBrowser();
  page = await (
    await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true })
  ).newPage();
  await page.goto(app.url);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await cleanupHarness();
});

describe('usage dashboard', () => {
  it('keeps a preset in the URL, draws the charts with a text alternative, drills down to calls and exports CSV', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Usage', exact: true })
      .click();
    const totals = page.getByTestId('usage-totals');
    await expect.poll(() => totals.textContent()).toMatch(/^2Model calls/);
    expect(await totals.textContent()).toContain('unknown');

    const range = page.getByRole('radiogroup', { name: 'Date range' });
    await range.getByRole('radio', { name: '7 days' }).check();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/usage?range=7d');
    await expect.poll(() => totals.textContent()).toMatch(/^1Model calls/);
    await page.reload();
    await expect.poll(() => page.getByRole('radio', { name: '7 days' }).isChecked()).toBe(true);
    await expect.poll(() => totals.textContent()).toMatch(/^1Model calls/);
    // $2.00 + $0.25 + $1.00 at the seeded gpt-4o price.
    expect(await totals.textContent()).toContain('$3.2500');

    // The charts: a canvas named by its summary, and every value in a table for assistive technology.
    const tokensChart = page.getByRole('img', { name: /^Tokens per day from / });
    await expect.poll(() => tokensChart.isVisible()).toBe(true);
    expect(await tokensChart.getAttribute('aria-label')).toContain('gpt-4o 1.1M');
    const table = page.getByRole('table', { name: 'Cost per day, per day' });
    expect(await table.getByRole('columnheader', { name: 'gpt-4o' }).count()).toBe(1);
    expect(await table.textContent()).toContain('$3.25');
    await page
      .getByRole('radiogroup', { name: 'Stack the chart by' })
      .getByRole('radio', { name: 'By workspace' })
      .check();
    await expect
      .poll(async () =>
        page
          .getByRole('table', { name: 'Tokens per day, per day' })
          .getByRole('columnheader', { name: 'dash' })
          .count(),
      )
      .toBe(1);
    await screenshot(page, 'usage-dashboard', 'light');
    await screenshot(page, 'usage-dashboard-dark', 'dark');

    // A session's row drills down to its calls, each linking to the conversation.
    await page
      .getByRole('radiogroup', { name: 'Break down by' })
      .getByRole('radio', { name: 'Session' })
      .check();
    const calls = page.getByRole('button', { name: 'Calls of Plan the release' });
    await calls.click();
    expect(await calls.getAttribute('aria-expanded')).toBe('true');
    const panel = page.getByTestId('usage-calls');
    await expect.poll(() => panel.getByTestId('usage-call').count()).toBe(1);
    const link = panel.getByRole('link', { name: /^Open the conversation of the call at / });
    expect(await link.getAttribute('href')).toBe(`#/sessions/${sessionId}`);

    // CSV: the chart's rows for the range, downloaded as a file.
    await page.getByRole('radio', { name: '30 days' }).check();
    await expect.poll(() => totals.textContent()).toMatch(/^2Model calls/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      /^dspatch-usage-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}-by-workspace\.csv$/,
    );
    const csv = readFileSync(await download.path(), 'utf8').split('\r\n');
    expect(csv[0]).toBe(
      'day,workspace,requests,input_tokens,cached_input_tokens,output_tokens,reasoning_tokens,cost_usd',
    );
    expect(csv.filter((line) => line.includes(',dash,'))).toHaveLength(2);
    // The day of house-model has no price: its cost cell is empty, not 0.
    expect(csv.some((line) => line.endsWith(',dash,1,1000000,200000,100000,0,'))).toBe(true);
  });
});
