// Export in the browser: a conversation's header has Export → Markdown / JSON; choosing one downloads
// the file (the browser's download event), which holds the conversation with its secret redacted.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupHarness, launchWorkspace, sendAndWait, startHost } from '../helpers/host-harness';
import { tempDir } from '../helpers/paths';
import { launchBrowser, screenshot, startApp, type RunningApp } from './app-harness';

const SECRET = 'e2e-export-Secret-0815-abcdef';
let app: RunningApp;
let browser: Browser;
let page: Page;
let sessionId: string;

beforeAll(async () => {
  // A real echo conversation, written by a host that is closed again before the app starts.
  const dataDir = tempDir('dspatch-e2e-data-');
  const t = await startHost({ dataDir });
  const launched = await launchWorkspace(t, 'name: export-e2e\nagents:\n  echo:\n    template: echo\n');
  sessionId = launched.sessionId;
  await t.host.call('secrets.set', { workspaceId: launched.workspace.id, key: 'SOME_TOKEN', value: SECRET });
  await sendAndWait(t, sessionId, `Run this:\n\`\`\`sh\nnpm test\n\`\`\`\nwith token ${SECRET}`);
  await t.close();
  app = await startApp({ dataDir });
  browser = await launchBrowser();
  page = await (
    await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })
  ).newPage();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await cleanupHarness();
});

describe('export a conversation', () => {
  it('downloads Markdown and JSON from the Export menu', async () => {
    await page.goto(`${app.url}#/sessions/${sessionId}`);
    await expect
      .poll(() => page.getByTestId('entry-message-assistant').count(), { timeout: 20_000 })
      .toBeGreaterThan(0);

    const exportButton = page.getByRole('button', { name: 'Export', exact: true });
    await exportButton.click();
    expect(await exportButton.getAttribute('aria-expanded')).toBe('true');
    const menu = page.getByRole('menu', { name: 'Export as' });
    expect(await menu.getByRole('menuitem').allInnerTexts()).toEqual(['Markdown', 'JSON']);
    await screenshot(page, 'export-menu');

    const [markdown] = await Promise.all([
      page.waitForEvent('download'),
      menu.getByRole('menuitem', { name: 'Markdown' }).click(),
    ]);
    expect(markdown.suggestedFilename()).toMatch(new RegExp(`^[a-z0-9-]+-${sessionId.slice(0, 8)}\\.md$`));
    const text = readFileSync((await markdown.path())!, 'utf8');
    expect(text).toMatch(/^## Turn 1 · /m);
    expect(text).toContain('**You:**\n\nRun this:\n```sh\nnpm test\n```\nwith token [redacted]');
    expect(text).toContain('**echo:**');
    expect(text).toContain('## Usage and cost');
    expect(text).not.toContain(SECRET);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Downloaded' }).count()).toBe(1);
    expect(await menu.count()).toBe(0);

    // By keyboard: Enter opens the menu on its first item, the arrow moves to JSON.
    await exportButton.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Markdown');
    await page.keyboard.press('ArrowDown');
    const [json] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(json.suggestedFilename()).toMatch(/\.json$/);
    const exported = JSON.parse(readFileSync((await json.path())!, 'utf8')) as {
      session: { id: string };
      messages: { role: string; content: string }[];
    };
    expect(exported.session.id).toBe(sessionId);
    expect(exported.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(JSON.stringify(exported)).not.toContain(SECRET);
  });
});
