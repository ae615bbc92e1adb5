// Rich replies: the echo agent streams back the markdown typed here, and the reply renders GitHub-
// flavoured markdown (a table, a task list, strikethrough, autolinks), a highlighted code block with
// its language and a Copy button, math, data: images only, and no javascript: links.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, startApp, workspaceDir, type RunningApp } from './app-harness';

const DOT =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAwAAAAMCAIAAADZF8uwAAAAE0lEQVR4nGO4Y2NDEDGMKhqMigA+9r9B6g93cwAAAABJRU5ErkJggg==';
const CODE =
  "const greeting: string = 'hello';\nexport function greet(name: string) {\n  return `${greeting} ${name}`;\n}";
const REPLY = [
  '## Plan',
  '',
  '| Step | Owner | Done |',
  '| --- | --- | --- |',
  '| Parse | echo | yes |',
  '| Render | timeline | ~~no~~ |',
  '',
  '- [x] write the table',
  '- [ ] copy the code',
  '',
  '```ts',
  CODE,
  '```',
  '',
  `Inline ![red dot](${DOT}) and a remote ![tracker](http://127.0.0.1:9/pixel.png) image.`,
  '',
  'See https://example.com/docs or [click me](javascript:alert(1)).',
  '',
  'Euler: $e^{i\\pi} + 1 = 0$, for $5 or $10.',
  '',
  '$$',
  '\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}',
  '$$',
].join('\n');

let app: RunningApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const requested: string[] = [];

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(app.url).origin });
  page = await context.newPage();
  page.on('request', (request) => requested.push(request.url()));
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('markdown in the chat', () => {
  it('renders tables, task lists, highlighted code with Copy, data images, and no unsafe links', async () => {
    const dir = workspaceDir('name: markdown-e2e\nagents:\n  echo:\n    template: echo\n');
    await page.goto(app.url);
    await page.getByTestId('open-folder-input').fill(dir);
    await page.getByTestId('open-folder-button').click();
    await page.getByTestId('workspace-card').filter({ hasText: 'markdown-e2e' }).click();
    await page.getByTestId('launch-button').click();
    await page
      .getByRole('dialog', { name: 'Launch markdown-e2e?' })
      .getByRole('button', { name: 'Confirm and launch' })
      .click();
    await page.getByTestId('session-item').first().click();
    await page.getByTestId('composer-input').fill(REPLY);
    await page.getByTestId('composer-send').click();

    const reply = page.locator('[data-testid="entry-message-assistant"][data-status="done"]');
    await expect.poll(() => reply.count(), { timeout: 20_000 }).toBe(1);

    const table = reply.getByRole('table');
    expect(await table.count()).toBe(1);
    expect(await table.getByRole('columnheader').allInnerTexts()).toEqual(['Step', 'Owner', 'Done']);
    expect(await table.getByRole('row').count()).toBe(3);
    expect(await table.locator('s').innerText()).toBe('no');

    const boxes = reply.getByRole('checkbox');
    expect(await boxes.count()).toBe(2);
    expect(await reply.getByRole('checkbox', { name: 'write the table' }).isChecked()).toBe(true);
    expect(await reply.getByRole('checkbox', { name: 'copy the code' }).isChecked()).toBe(false);
    for (const box of await boxes.all()) expect(await box.isDisabled()).toBe(true);

    // The code block: its language, colours from the highlighter, and a Copy button that copies it.
    const code = reply.locator('pre code');
    expect((await code.innerText()).trimEnd()).toBe(CODE);
    expect(await reply.locator('.code-lang').innerText()).toBe('ts');
    // Highlighted once the page is idle.
    await expect.poll(() => code.locator('.hljs-keyword').count()).toBeGreaterThan(0);
    await reply.getByRole('button', { name: 'Copy code' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(CODE);
    await reply.hover();
    await reply.getByRole('button', { name: 'Copy message' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(REPLY);

    // Images: a data: URL shows, a remote one is never requested.
    const dot = reply.getByRole('img', { name: 'red dot' });
    expect(await dot.getAttribute('src')).toBe(DOT);
    expect(await reply.getByRole('img', { name: 'tracker' }).count()).toBe(0);
    expect(await reply.innerText()).toContain('[image: tracker]');
    expect(requested.filter((url) => url.includes('pixel.png'))).toEqual([]);

    // Links: an autolink opens outside the app; a javascript: link is only text.
    const link = reply.getByRole('link', { name: 'https://example.com/docs' });
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await reply.getByRole('link', { name: 'click me' }).count()).toBe(0);
    expect(await reply.getByText('click me').count()).toBe(1);
    expect(await reply.locator('[href^="javascript"]').count()).toBe(0);

    // Math: typeset, with MathML that assistive technology reads; prices stay text.
    const formulas = reply.getByRole('math');
    expect(await formulas.count()).toBe(2);
    expect(await reply.locator('.katex-block').count()).toBe(1);
    expect(await reply.innerText()).toContain('for $5 or $10.');

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const width of [1400, 480]) {
        await page.setViewportSize({ width, height: 900 });
        await reply.locator('.code-frame').scrollIntoViewIfNeeded();
        await screenshot(page, `markdown-${width}-${scheme}`);
      }
    }
  });
});
