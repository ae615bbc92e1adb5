// Budgets in the browser: Settings → Budgets refuses a bad limit in words, a limit below this month's
// spending warns at once (in the section and in the app-wide banner), and a message sent while the
// budget is used up is refused in the chat with the reason and a way to Budgets, the text kept.
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupHarness, launchWorkspace, singleAgentYaml, startHost } from '../helpers/host-harness';
import { tempDir } from '../helpers/paths';
import { launchBrowser, screenshot, startApp, type RunningApp } from './app-harness';

let app: RunningApp;
let browser: Browser;
let page: Page;
let sessionId: string;
/** Generous: the machine is shared, and a host call and a render may take seconds under load. */
const POLL = { timeout: 20_000 };

declare global {
  interface Window {
    budgetNotifications: { title: string; body: string }[];
  }
}

/** Records what the app shows as desktop notifications; construction still goes through. */
const RECORD_NOTIFICATIONS = `
  window.budgetNotifications = [];
  const Real = window.Notification;
  class Recorded extends Real {
    constructor(title, options) {
      super(title, options);
      window.budgetNotifications.push({ title, body: options?.body ?? '' });
    }
    static get permission() {
      return Real.permission;
    }
  }
  window.Notification = Recorded;
`;

beforeAll(async () => {
  // A workspace with a conversation and $4 of gpt-4o calls this month, written before the app starts.
  const dataDir = tempDir('dspatch-e2e-data-');
  const t = await startHost({ dataDir });
  const launched = await launchWorkspace(t, singleAgentYaml('shop', 'coder', 'echo'));
  sessionId = launched.sessionId;
  t.host.services.store.usage.insert({
    id: randomUUID(),
    workspaceId: launched.workspace.id,
    runId: null,
    sessionId,
    agentKey: 'coder',
    source: 'agent',
    model: 'gpt-4o',
    requests: 1,
    inputTokens: 0,
    cachedInputTokens: 0,
    outputTokens: 400_000,
    reasoningTokens: 0,
    createdAt: Date.now(),
  });
  await t.close();
  app = await startApp({ dataDir });
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(RECORD_NOTIFICATIONS);
  await context.grantPermissions(['notifications'], { origin: new URL(app.url).origin });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await cleanupHarness();
});

describe('budgets', () => {
  it('are set in Settings, warn at once in a banner, and refuse a message in the chat once used up', async () => {
    await page.goto(`${app.url.split('#')[0]}#/settings/budgets`);
    const section = page.getByRole('region', { name: 'Budgets' });
    await expect.poll(() => section.getByText('No budgets: spending is not limited.').count(), POLL).toBe(1);
    expect(await section.textContent()).toContain('calendar month in UTC');

    const limit = section.getByRole('spinbutton', { name: 'Monthly limit (USD)' });
    const save = section.getByRole('button', { name: 'Save budget' });
    await limit.fill('-3');
    await save.click();
    await expect.poll(() => section.getByText('The least is $0.01; remove the budget for no limit.').count(), POLL).toBe(1);
    expect(await section.getByTestId('budget-row').count()).toBe(0);

    // $5 for shop, $4 already spent: a warning at once, here, in the app-wide banner and (the window
    // being in the background) as a desktop notification.
    await page.evaluate(() => window.dispatchEvent(new Event('blur')));
    await section.getByRole('combobox', { name: 'Applies to' }).selectOption({ label: 'Workspace shop' });
    await limit.fill('5');
    await save.click();
    await expect
      .poll(() => section.getByRole('alert').textContent(), POLL)
      .toContain("Saved, but the budget of workspace 'shop' is already at 80.0% — $4.00 of $5.00 spent in");
    const banner = page.getByTestId('budget-banner');
    await expect.poll(() => banner.textContent(), POLL).toContain("The budget of workspace 'shop' is over 80%. $4.00 of $5.00 spent in");
    expect(await banner.getAttribute('role')).toBe('status');
    expect(await section.getByTestId('budget-row').getAttribute('data-level')).toBe('warning');
    await expect
      .poll(() => page.evaluate(() => window.budgetNotifications), POLL)
      .toEqual([{ title: "Budget at 80%: the budget of workspace 'shop'", body: '$4.00 of $5.00 spent this month (UTC).' }]);
    await screenshot(page, 'budgets-warning');

    // Dismissed, the warning stays away (also after a reload); reaching 100 % shows the banner again.
    await page.getByRole('button', { name: "Dismiss the notice about the budget of workspace 'shop'" }).click();
    expect(await banner.count()).toBe(0);
    await page.reload();
    await expect.poll(() => section.getByTestId('budget-row').count(), POLL).toBe(1);
    expect(await banner.count()).toBe(0);
    await page.evaluate(() => window.dispatchEvent(new Event('blur')));
    await section.getByRole('button', { name: "Change the budget of workspace 'shop'" }).click();
    await limit.fill('3');
    await save.click();
    await expect.poll(() => banner.textContent(), POLL).toContain("The budget of workspace 'shop' is used up: new turns are refused.");
    expect(await banner.getAttribute('role')).toBe('alert');
    // Notified once (the reload started a new recorder).
    await expect.poll(() => page.evaluate(() => window.budgetNotifications), POLL).toEqual([
      { title: "Budget used up: the budget of workspace 'shop'", body: '$4.00 of $3.00 spent this month (UTC). New turns are refused.' },
    ]);
    expect(await section.getByTestId('budget-row').textContent()).toContain('Used up: new turns are refused');

    // The chat refuses the message with the reason and keeps what was typed.
    await page.goto(`${app.url.split('#')[0]}#/sessions/${sessionId}`);
    await page.getByTestId('launch-button').click();
    const composer = page.getByTestId('composer-input');
    await expect.poll(() => composer.isEnabled(), POLL).toBe(true);
    await composer.fill('Please keep going with the report');
    await page.getByTestId('composer-send').click();
    const refusal = page.getByTestId('error-banner').filter({ hasText: 'Not sent' });
    await expect
      .poll(() => refusal.textContent(), POLL)
      .toContain("Not sent: the budget of workspace 'shop' is used up — $4.00 of $3.00 spent in");
    expect(await refusal.textContent()).toContain('Raise or remove it in Settings → Budgets');
    expect(await composer.inputValue()).toBe('Please keep going with the report');
    expect(await page.getByTestId('entry-message-user').count()).toBe(0);
    await screenshot(page, 'budgets-refused-in-chat');

    // From the refusal to the budget, removed: the banner goes.
    await refusal.getByRole('button', { name: 'Open Budgets' }).click();
    expect(new URL(page.url()).hash).toBe('#/settings/budgets');
    await section.getByRole('button', { name: "Remove the budget of workspace 'shop'" }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => section.getByText('No budgets: spending is not limited.').count(), POLL).toBe(1);
    await expect.poll(() => banner.count(), POLL).toBe(0);
  });
});
