// The running workspace as a live tree, and inquiry priority and expiry, as a user sees them: each
// agent's state follows the conversation (generating, waiting for agent, waiting for inquiry,
// crashed, idle) with no reload; the talk_to chain shows who waits on whom; a high-priority question
// is marked on the Inquiries page, and one nobody answered in time shows as expired.
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dspatch } from '../helpers/cli';
import { fixtureTemplatesDir } from '../helpers/host-harness';
import { launchBrowser, screenshot, startApp, workspaceDir, type RunningApp } from './app-harness';

declare global {
  interface Window {
    shownNotifications: string[];
  }
}

/** Records the titles of the desktop notifications the app shows; construction still goes through. */
const RECORD_NOTIFICATIONS = `
  window.shownNotifications = [];
  const Real = window.Notification;
  class Recorded extends Real {
    constructor(title, options) {
      super(title, options);
      window.shownNotifications.push(title);
    }
    static get permission() {
      return Real.permission;
    }
  }
  window.Notification = Recorded;
`;

let app: RunningApp;
let browser: Browser;
let page: Page;

const YAML = [
  'name: live-team',
  'agents:',
  '  lead:',
  '    template: relay',
  '    sub_agents:',
  '      helper:',
  '        template: relay',
  '        sub_agents:',
  '          worker:',
  '            template: relay',
  '  asker:',
  '    template: timed-asker',
  '  crasher:',
  '    template: crasher',
  '',
].join('\n');

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(RECORD_NOTIFICATIONS);
  await context.grantPermissions(['notifications'], { origin: new URL(app.url).origin });
  page = await context.newPage();
  for (const name of ['relay', 'timed-asker', 'crasher']) {
    const added = await dspatch(['templates', 'add', join(fixtureTemplatesDir, name), '--data-dir', app.dataDir]);
    if (added.code !== 0) throw new Error(`templates add ${name} failed: ${added.stderr}`);
  }
  await page.goto(app.url);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

function tree(): Locator {
  return page.getByRole('tree', { name: 'Live agent tree' });
}

async function expectItem(name: string): Promise<void> {
  try {
    await expect.poll(() => tree().getByRole('treeitem', { name, exact: true }).count(), { timeout: 20_000 }).toBe(1);
  } catch (error) {
    const shown = (await tree().count()) ? await tree().ariaSnapshot() : 'no live tree on the page';
    throw new Error(`No tree item "${name}". The tree:\n${shown}`, { cause: error });
  }
}

async function openSessionOf(agentKey: string): Promise<void> {
  await page.locator(`[data-testid="session-item"][data-agent-key="${agentKey}"]`).first().click();
  await page.getByRole('textbox', { name: 'Message' }).waitFor();
}

async function send(text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByTestId('composer-send').click();
}

describe('the live agent tree', () => {
  it("follows each agent's state, shows the talk_to chain, and a high-priority and an expired inquiry", async () => {
    await page.getByTestId('open-folder-input').fill(workspaceDir(YAML));
    await page.getByTestId('open-folder-button').click();
    await page.getByTestId('workspace-card').filter({ hasText: 'live-team' }).click();
    await page.getByTestId('launch-button').click();
    await page.getByRole('dialog', { name: 'Launch live-team?' }).getByRole('button', { name: 'Confirm and launch' }).click();
    // The launch opens the first conversation; the tree is on the overview.
    await page.getByTestId('session-view').waitFor({ timeout: 20_000 });
    await page.getByTestId('tab-overview').click();

    await expectItem('lead: idle');
    await expectItem('helper: no conversation');
    await expectItem('asker: idle');
    await expectItem('crasher: idle');
    const lead = tree().getByRole('treeitem', { name: 'lead: idle' });
    expect(await lead.getByRole('treeitem', { name: 'helper: no conversation' }).count()).toBe(1);

    // A chain lead → helper → worker, the worker hanging until stopped.
    await openSessionOf('lead');
    await send('hang');
    await expect
      .poll(() => page.getByRole('navigation', { name: /talk_to chain/ }).getAttribute('aria-label'), { timeout: 20_000 })
      .toBe('talk_to chain: lead (waiting for helper) → helper (waiting for worker) → worker (generating)');
    // The talk_to row in lead's conversation says whom it waits on, down the chain.
    await expect.poll(() => page.getByTestId('talk-waiting').innerText()).toBe('waiting for helper → worker');
    await page.getByTestId('tab-overview').click();
    await expectItem('lead: waiting for agent helper');
    await expectItem('helper: waiting for agent worker');
    await expectItem('worker: generating');
    await screenshot(page, 'live-tree-01-chain');

    // Stop on the caller stops the whole chain.
    await openSessionOf('lead');
    await page.getByTestId('composer-stop').click();
    await page.getByTestId('tab-overview').click();
    await expectItem('lead: idle');
    await expectItem('helper: idle');
    await expectItem('worker: idle');

    // A high-priority question: a desktop notification even while the user looks at the app,
    // waiting for inquiry in the tree, and marked on the Inquiries page.
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await openSessionOf('asker');
    await send('high: the release');
    await page.getByTestId('tab-overview').click();
    await expectItem('asker: waiting for inquiry');
    await expect.poll(() => page.evaluate(() => window.shownNotifications)).toEqual(['High priority: asker is asking you']);
    await page.goto(`${app.url}#/inquiries`);
    const high = page.getByRole('article', { name: /^High priority question/ });
    await high.waitFor({ timeout: 20_000 });
    expect(await high.getByTestId('inquiry-priority').innerText()).toBe('High priority');
    await screenshot(page, 'live-tree-02-high-priority');
    await high.getByRole('button', { name: /^yes/ }).click();
    await expect.poll(() => page.getByRole('article', { name: /^High priority question/ }).count()).toBe(0);

    // One nobody answers within its timeout (about a second) shows as expired.
    await page.goBack();
    await page.getByTestId('tab-overview').waitFor();
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await openSessionOf('asker');
    await send('expire: the colour');
    await expect
      .poll(() => page.getByTestId('entry-message-assistant').last().innerText(), { timeout: 20_000 })
      .toContain('nobody answered');
    // A normal question notifies only while the app is in the background: none this time (the
    // page was loaded again since the first notification).
    expect(await page.evaluate(() => window.shownNotifications)).toEqual([]);
    await page.goto(`${app.url}#/inquiries`);
    await page.getByRole('radio', { name: 'All' }).check();
    const expired = page.getByRole('article', { name: /^Question, expired/ });
    await expired.waitFor({ timeout: 20_000 });
    expect(await expired.getByTestId('inquiry-expired').innerText()).toBe('Expired');
    expect(await expired.getByRole('textbox', { name: 'Your answer' }).count()).toBe(0);
    await screenshot(page, 'live-tree-03-expired');

    // A crash shows in the tree.
    await page.goBack();
    await page.getByTestId('tab-overview').waitFor();
    await openSessionOf('crasher');
    await send('crash now');
    await page.getByTestId('tab-overview').click();
    await expectItem('crasher: crashed');
  });
});
