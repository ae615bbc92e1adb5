// The Usage page's cost in the browser: a priced snapshot shows dollars, an unpriced model shows
// "unknown" (never $0) with "Add a price", which opens Settings → Prices with the model filled in;
// once saved, the Usage page shows its cost and the total. The calls are from March 2026: the page is
// opened on that custom range through the URL.
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkspace, cleanupHarness, singleAgentYaml, startHost } from '../helpers/host-harness';
import { tempDir } from '../helpers/paths';
import { launchBrowser, screenshot, startApp, type RunningApp } from './app-harness';

let app: RunningApp;
let browser: Browser;
let page: Page;
const MARCH = 'range=custom&from=2026-03-01&to=2026-03-31';

beforeAll(async () => {
  // Usage as the host records it, written before the app starts: no model is needed to have calls.
  const dataDir = tempDir('dspatch-e2e-data-');
  const t = await startHost({ dataDir });
  const workspace = await addWorkspace(t, singleAgentYaml('costs', 'coder', 'echo'));
  for (const model of ['gpt-4o-2024-08-06', 'house-model']) {
    t.host.services.store.usage.insert({
      id: randomUUID(),
      workspaceId: workspace.id,
      runId: null,
      sessionId: null,
      agentKey: 'coder',
      source: 'agent',
      model,
      requests: 1,
      inputTokens: 1_000_000,
      cachedInputTokens: 200_000,
      outputTokens: 100_000,
      reasoningTokens: 0,
      createdAt: Date.UTC(2026, 2, 10),
    });
  }
  await t.close();
  app = await startApp({ dataDir });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  await page.goto(app.url);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await cleanupHarness();
});

describe('usage cost', () => {
  it('shows an unknown cost with "Add a price", and the cost once the price is saved', async () => {
    await page.goto(`${app.url}#/usage?${MARCH}`);
    const byModel = page.getByTestId('usage-breakdown');
    const row = (model: string) => byModel.locator(`[data-testid="usage-breakdown-row"][data-label="${model}"]`);
    // 800k uncached × $2.50 + 200k cached × $1.25 + 100k output × $10, at the seeded gpt-4o price.
    await expect.poll(() => row('gpt-4o-2024-08-06').getByTestId('usage-cost').textContent()).toBe('$3.2500');
    await expect.poll(() => row('house-model').getByTestId('usage-cost').textContent()).toContain('unknown');
    expect(await page.getByTestId('usage-totals').textContent()).toContain('unknown');
    await screenshot(page, 'usage-cost-unknown');

    await row('house-model').getByRole('button', { name: 'Add a price for house-model' }).click();
    expect(new URL(page.url()).hash).toBe('#/settings/prices?model=house-model');
    const prices = page.getByTestId('prices-settings');
    await expect.poll(() => prices.getByRole('textbox', { name: 'Model' }).inputValue()).toBe('house-model');

    // A negative price is refused in words before anything is sent.
    await prices.getByRole('spinbutton', { name: 'Input $/1M', exact: true }).fill('-1');
    await prices.getByRole('spinbutton', { name: 'Cached input $/1M' }).fill('0.5');
    await prices.getByRole('spinbutton', { name: 'Output $/1M' }).fill('2');
    await prices.getByRole('button', { name: 'Save price' }).click();
    expect(await prices.getByTestId('price-problems').textContent()).toContain('A price cannot be negative.');
    expect(await prices.locator('[data-testid="price-row"][data-model="house-model"]').count()).toBe(0);

    await prices.getByRole('spinbutton', { name: 'Input $/1M', exact: true }).fill('1');
    await prices.getByRole('button', { name: 'Save price' }).click();
    await expect.poll(() => prices.locator('[data-testid="price-row"][data-model="house-model"]').count()).toBe(1);
    await screenshot(page, 'settings-prices');

    await page.goto(`${app.url}#/usage?${MARCH}`);
    // 800k × $1 + 200k × $0.50 + 100k × $2
    await expect.poll(() => row('house-model').getByTestId('usage-cost').textContent()).toBe('$1.1000');
    expect(await page.getByTestId('usage-totals').textContent()).toContain('$4.3500');
    await screenshot(page, 'usage-cost-known');
  });
});
