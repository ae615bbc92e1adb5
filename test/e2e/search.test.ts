// Ctrl+K search in the browser: a conversation of 600 messages stored before the app starts (a real
// SQLite file, indexed by the migration), the dialog opened by the shortcut, a hit clicked, and the
// conversation opened at a message three pages back, highlighted and in view. Snippets are text:
// stored markup never becomes an element.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../agents/protocol';
import { Store } from '../../electron/store/store';
import { tempDir } from '../helpers/paths';
import { launchBrowser, screenshot, startApp, workspaceDir, type RunningApp } from './app-harness';
import type { Browser } from 'playwright-core';

const MESSAGES = 600;
const TARGET = 7;

let app: RunningApp;
let browser: Browser;
let page: Page;

/** A workspace with one long conversation, written through the store as the host would have. */
function seed(dataDir: string): { sessionId: string; targetId: string } {
  const store = Store.open(dataDir);
  try {
    const now = Date.now() - MESSAGES * 1000;
    const workspaceId = newId();
    store.workspaces.insert({ id: workspaceId, name: 'search-e2e', dir: workspaceDir('name: search-e2e\nagents:\n  echo:\n    template: echo\n'), createdAt: now, updatedAt: now });
    const sessionId = newId();
    store.sessions.insertSession({ id: sessionId, workspaceId, agentKey: 'echo', parentSessionId: null, title: 'Long planning chat', state: 'stopped', createdAt: now, updatedAt: now, pinnedAt: null, archivedAt: null });
    let targetId = '';
    store.transaction(() => {
      for (let i = 1; i <= MESSAGES; i++) {
        const id = newId();
        const text =
          i === TARGET
            ? 'The backups of the <img src=x onerror="document.title=`pwned`"> marmalade cluster live in bucket seven'
            : `Message ${i} about routine work on the service`;
        if (i === TARGET) targetId = id;
        store.sessions.insertMessage({ id, sessionId, turnId: null, role: i % 2 ? 'user' : 'assistant', text, sender: null, status: 'done', position: i, now: now + i * 1000 });
      }
    });
    return { sessionId, targetId };
  } finally {
    store.close();
  }
}

let seeded: { sessionId: string; targetId: string };

beforeAll(async () => {
  const dataDir = tempDir('dspatch-e2e-search-');
  seeded = seed(dataDir);
  app = await startApp({ dataDir });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('search (Ctrl+K)', () => {
  it('finds a message, opens its conversation scrolled to it three pages back, and shows markup as text', async () => {
    await page.goto(app.url);
    await page.getByRole('heading').first().waitFor();
    await page.keyboard.press('Control+K');
    const dialog = page.getByRole('dialog', { name: 'Search conversations' });
    await dialog.waitFor();
    const box = dialog.getByRole('combobox', { name: 'Search all conversations' });
    await expect.poll(() => box.evaluate((element) => element === document.activeElement)).toBe(true);
    await box.fill('marmalade');

    const results = dialog.getByRole('listbox', { name: 'Search results' });
    const group = results.getByRole('group', { name: 'Long planning chat (echo in search-e2e)' });
    const hit = group.getByRole('option');
    await expect.poll(() => hit.count(), { timeout: 20_000 }).toBe(1);
    expect(await hit.getAttribute('aria-selected')).toBe('true');
    expect(await hit.innerText()).toContain('<img src=x onerror="document.title=`pwned`"> marmalade cluster');
    // The match is a <mark>; the stored tag stayed text.
    expect(await hit.locator('mark').allInnerTexts()).toEqual(['marmalade']);
    expect(await dialog.locator('img').count()).toBe(0);
    await screenshot(page, 'search-01-dialog');

    await hit.click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    // The id link resolves to the conversation's place in its workspace, keeping the entry.
    await expect.poll(() => new URL(page.url()).hash).toMatch(new RegExp(`^#/workspaces/[^/]+/sessions/${seeded.sessionId}\\?entry=${seeded.targetId}$`));
    const highlighted = page.locator('.timeline-row.highlighted');
    await expect.poll(() => highlighted.count(), { timeout: 20_000 }).toBe(1);
    expect(await highlighted.innerText()).toContain('marmalade cluster live in bucket seven');
    // In view: the timeline loaded the earlier pages and scrolled there.
    await expect.poll(() => highlighted.evaluate((row) => {
      const rect = row.getBoundingClientRect();
      return rect.top >= 0 && rect.bottom <= window.innerHeight && rect.height > 0;
    })).toBe(true);
    expect(await page.title()).not.toBe('pwned');
    await screenshot(page, 'search-02-highlighted');
  });

  it('moves through hits with the arrow keys, opens one with Enter, and closes with Escape', async () => {
    await page.keyboard.press('Control+K');
    const dialog = page.getByRole('dialog', { name: 'Search conversations' });
    const box = dialog.getByRole('combobox', { name: 'Search all conversations' });
    await box.fill('routine wor');
    const options = dialog.getByRole('option');
    await expect.poll(() => options.count(), { timeout: 20_000 }).toBe(50);
    await expect.poll(() => dialog.getByRole('status').innerText()).toBe('50 results');
    await box.press('ArrowDown');
    await box.press('ArrowDown');
    const third = options.nth(2);
    expect(await third.getAttribute('aria-selected')).toBe('true');
    expect(await box.getAttribute('aria-activedescendant')).toBe(await third.getAttribute('id'));
    const text = await third.innerText();
    const number = /Message (\d+)/.exec(text)![1];
    await box.press('Enter');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    const highlighted = page.locator('.timeline-row.highlighted');
    await expect.poll(() => highlighted.innerText().catch(() => ''), { timeout: 20_000 }).toContain(`Message ${number} about routine work`);

    await page.keyboard.press('Control+K');
    await box.fill('zzzzqx');
    await expect.poll(() => dialog.getByRole('status').innerText()).toBe('Nothing found for “zzzzqx”.');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
  });

  it('lists the shortcut in the shortcuts sheet', async () => {
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('?');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect.poll(() => sheet.getByRole('row', { name: /Search all conversations/ }).count()).toBe(1);
    await page.keyboard.press('Escape');
  });
});
