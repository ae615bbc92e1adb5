// Per-device preferences and getting the user's attention: the theme pinned in Settings survives a
// reload; `?` lists the shortcuts and they move between conversations; unanswered questions show in
// the tab title and, while the page is in the background, as desktop notifications that lead back.
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureTemplatesDir } from '../helpers/host-harness';
import { launchBrowser, screenshot, startApp, workspaceDir, type RunningApp } from './app-harness';

interface RecordedNotification {
  title: string;
  body: string;
}

declare global {
  interface Window {
    recordedNotifications: (RecordedNotification & { click(): void })[];
    permissionRequests: number;
  }
}

/** Wraps the real Notification class to record what the app shows; construction still goes through. */
const RECORD_NOTIFICATIONS = `
  window.recordedNotifications = [];
  window.permissionRequests = 0;
  const Real = window.Notification;
  class Recorded extends Real {
    constructor(title, options) {
      super(title, options);
      window.recordedNotifications.push({ title, body: options?.body ?? '', click: () => this.dispatchEvent(new Event('click')) });
    }
    static requestPermission() {
      window.permissionRequests += 1;
      return Real.requestPermission();
    }
    static get permission() {
      return Real.permission;
    }
  }
  window.Notification = Recorded;
`;

let app: RunningApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  await context.addInitScript(RECORD_NOTIFICATIONS);
  page = await context.newPage();
  await page.goto(app.url);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const rootScheme = (p: Page) => p.evaluate(() => getComputedStyle(document.documentElement).colorScheme);
const background = (p: Page) => p.evaluate(() => getComputedStyle(document.body).backgroundColor);
const notifications = (p: Page) =>
  p.evaluate(() => window.recordedNotifications.map(({ title, body }) => ({ title, body })));

describe('theme', () => {
  it('pins dark over a light OS, keeps it after a reload, and follows the OS again on System', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    const theme = page.getByRole('radiogroup', { name: 'Theme' });
    expect(await theme.getByRole('radio', { name: 'System' }).isChecked()).toBe(true);
    const light = await background(page);

    await theme.getByRole('radio', { name: 'Dark' }).check();
    expect(await rootScheme(page)).toBe('dark');
    await expect.poll(() => background(page)).toBe('rgb(14, 16, 20)');
    await screenshot(page, 'attention-01-dark-theme');

    await page.reload();
    expect(await rootScheme(page)).toBe('dark');
    expect(await page.getByRole('radiogroup', { name: 'Theme' }).getByRole('radio', { name: 'Dark' }).isChecked()).toBe(
      true,
    );

    await page.getByRole('radiogroup', { name: 'Theme' }).getByRole('radio', { name: 'System' }).check();
    await expect.poll(() => background(page)).toBe(light);
    await page.reload();
    await expect.poll(() => background(page)).toBe(light);
  });

  it('applies the stored theme before the app script runs', async () => {
    const fresh = await context.newPage();
    // Records the theme when the parser reaches #root: after <head>'s scripts, before the app's module runs.
    await fresh.addInitScript(() => {
      localStorage.setItem('dspatch.theme', 'dark');
      new MutationObserver((_changes, observer) => {
        if (!document.getElementById('root')) return;
        observer.disconnect();
        document.documentElement.dataset.themeAtParse = document.documentElement.dataset.theme ?? 'none';
      }).observe(document, { childList: true, subtree: true });
    });
    await fresh.goto(app.url);
    expect(await fresh.evaluate(() => document.documentElement.dataset.themeAtParse)).toBe('dark');
    await fresh.evaluate(() => localStorage.removeItem('dspatch.theme'));
    await fresh.close();
  });
});

describe('notifications permission', () => {
  it('is never asked for on load, only from the Settings button', async () => {
    await page.reload();
    expect(await page.evaluate(() => window.permissionRequests)).toBe(0);
    const button = page.getByRole('button', { name: 'Enable desktop notifications' });
    expect(await button.isVisible()).toBe(true);
    await button.click();
    await expect.poll(() => page.evaluate(() => window.permissionRequests)).toBe(1);
  });
});

describe('shortcuts, the title count and notifications', () => {
  it('opens the shortcuts sheet with ? (not while typing) and closes it with Escape', async () => {
    await page.getByRole('link', { name: 'Workspaces' }).click();
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await page.getByTestId('open-folder-input').focus();
    await page.keyboard.type('?');
    expect(await sheet.isVisible()).toBe(false);
    await page.getByTestId('open-folder-input').fill('');
    await page.locator('body').focus();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

    await page.keyboard.press('?');
    await expect.poll(() => sheet.isVisible()).toBe(true);
    expect(await sheet.getByRole('row').count()).toBe(6);
    await screenshot(page, 'attention-02-shortcuts');
    await page.keyboard.press('Escape');
    await expect.poll(() => sheet.isVisible()).toBe(false);
  });

  it('moves between conversations, counts questions in the title, and notifies while in the background', async () => {
    await context.grantPermissions(['notifications'], { origin: new URL(app.url).origin });
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByTestId('template-dir-input').fill(join(fixtureTemplatesDir, 'asker'));
    await page.getByRole('button', { name: 'Add template' }).click();
    await page.getByRole('dialog', { name: 'Add this template?' }).getByRole('button', { name: 'Trust and add' }).click();
    await expect.poll(() => page.getByTestId('template-item').filter({ hasText: 'asker' }).count()).toBe(1);

    const dir = workspaceDir('name: attention-e2e\nagents:\n  asker:\n    template: asker\n');
    await page.getByRole('link', { name: 'Workspaces' }).click();
    await page.getByTestId('open-folder-input').fill(dir);
    await page.getByTestId('open-folder-button').click();
    await page.getByTestId('workspace-card').filter({ hasText: 'attention-e2e' }).click();
    await page.getByRole('button', { name: '▶ Launch' }).click();
    await page.getByRole('dialog', { name: 'Launch attention-e2e?' }).getByRole('button', { name: 'Confirm and launch' }).click();
    await expect.poll(() => page.getByTestId('run-status').getAttribute('data-status'), { timeout: 30_000 }).toBe('running');

    // The root agent starts a conversation on launch; the shortcut starts a second with the same agent.
    const conversations = page.getByRole('complementary', { name: 'Agents and conversations' }).getByRole('link');
    await expect.poll(() => conversations.count(), { timeout: 20_000 }).toBe(1);
    // The URL changes before React renders: wait for the list's highlight, drawn with the new view.
    const expectOpen = async (url: string) => {
      await expect.poll(() => page.url()).toBe(url);
      await expect
        .poll(() => conversations.and(page.locator('[aria-current="page"]')).getAttribute('href'))
        .toBe(new URL(url).hash);
    };
    await conversations.first().click();
    const first = page.url();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Control+Shift+O');
    await expect.poll(() => conversations.count()).toBe(2);
    await expect.poll(() => page.url()).not.toBe(first);
    const second = page.url();
    await expectOpen(second);

    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Control+Shift+ArrowDown');
    await expectOpen(first);
    await page.keyboard.press('Control+Shift+ArrowUp');
    await expectOpen(second);

    // The page goes to the background; the agent's question arrives there.
    await page.evaluate(() => window.dispatchEvent(new Event('blur')));
    await page.getByRole('textbox', { name: 'Message' }).fill('the roof');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.title(), { timeout: 20_000 }).toBe('(1) dspatch');
    await expect.poll(() => notifications(page)).toEqual([{ title: 'asker is asking you', body: 'Which colour for the roof?' }]);

    // A question in the other conversation: two waiting. The first notification leads back to its own.
    await page.keyboard.press('Control+Shift+ArrowDown');
    await expectOpen(first);
    await page.getByRole('textbox', { name: 'Message' }).fill('the door');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.title(), { timeout: 20_000 }).toBe('(2) dspatch');
    await page.evaluate(() => window.recordedNotifications[0].click());
    await expectOpen(second);

    // Back in the foreground. Answered: the count drops; a new question counts but notifies no one.
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await page.getByRole('button', { name: /^red/ }).click();
    await expect.poll(() => page.title()).toBe('(1) dspatch');
    await page.getByRole('textbox', { name: 'Message' }).fill('the gate');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.title(), { timeout: 20_000 }).toBe('(2) dspatch');
    expect(await notifications(page)).toHaveLength(2);

    await page.getByRole('link', { name: /^Inquiries/ }).click();
    expect(await page.getByTestId('inquiry-card').count()).toBe(2);
    await page.getByRole('radiogroup', { name: 'Show questions' }).getByRole('radio', { name: 'Answered' }).check();
    await expect.poll(() => page.getByTestId('inquiry-card').allInnerTexts()).toEqual([expect.stringContaining('the roof')]);
    await page.getByRole('radiogroup', { name: 'Show questions' }).getByRole('radio', { name: 'All' }).check();
    await expect.poll(() => page.getByTestId('inquiry-card').count()).toBe(3);
    await screenshot(page, 'attention-03-inquiries-history');
  });

  it('tells about a long turn that ended in the background, and Escape stops a running agent', async () => {
    const dir = workspaceDir('name: echo-attention-e2e\nagents:\n  echo:\n    template: echo\n');
    await page.getByRole('link', { name: 'Workspaces' }).click();
    await page.getByTestId('open-folder-input').fill(dir);
    await page.getByTestId('open-folder-button').click();
    await page.getByTestId('workspace-card').filter({ hasText: 'echo-attention-e2e' }).click();
    await page.getByRole('button', { name: '▶ Launch' }).click();
    await page.getByRole('dialog', { name: 'Launch echo-attention-e2e?' }).getByRole('button', { name: 'Confirm and launch' }).click();
    const conversations = page.getByRole('complementary', { name: 'Agents and conversations' }).getByRole('link');
    await expect.poll(() => conversations.count(), { timeout: 30_000 }).toBe(1);
    await conversations.first().click();
    // Highlighted in the same render that mounts its view: the composer below is this conversation's.
    await expect.poll(() => conversations.first().getAttribute('aria-current')).toBe('page');
    const before = (await notifications(page)).length;

    // Thirty words at the slow pace take about six seconds: a long turn.
    const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    await page.evaluate(() => window.dispatchEvent(new Event('blur')));
    await page.getByRole('textbox', { name: 'Message' }).fill(`/slow ${words}`);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await notifications(page)).slice(before), { timeout: 30_000 }).toEqual([
      { title: 'echo finished', body: expect.any(String) },
    ]);
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));

    await page.getByRole('textbox', { name: 'Message' }).fill(`/slow ${words}`);
    await page.keyboard.press('Enter');
    const reply = page.getByTestId('entry-message-assistant').last();
    await expect.poll(() => page.getByTestId('entry-message-assistant').count()).toBe(2);
    await expect.poll(() => reply.innerText(), { timeout: 20_000 }).toContain('word1');
    await page.keyboard.press('Escape');
    await expect.poll(() => reply.innerText(), { timeout: 20_000 }).toContain('Stopped before it finished.');
    expect(await reply.innerText()).not.toContain('word29');
  });
});
