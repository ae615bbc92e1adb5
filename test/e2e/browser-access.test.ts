// Who gets into browser mode, in a real browser: a page with a wrong token shows the access screen
// (the host answers 401 before the WebSocket handshake, which a browser cannot see directly), the
// real link opens the app, and a page reaching the port under another name (DNS rebinding) gets 421.
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchBrowser, screenshot, startApp, type RunningApp } from './app-harness';

let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('browser access', () => {
  it('shows the access screen, saying the token was refused, for a wrong token', async () => {
    const page = await browser.newPage();
    const wrong = new URL(app.url);
    wrong.searchParams.set('token', 'not-the-token');
    await page.goto(wrong.toString());
    const screen = page.getByTestId('auth-required');
    await expect.poll(() => screen.innerText()).toMatch(/The token this page had was refused/);
    expect(await screen.innerText()).toContain('or run dspatch serve --new-token for a new one');
    await screenshot(page, 'access-01-token-refused');
    await page.close();
  });

  it('opens the app with the printed link', async () => {
    const page = await browser.newPage();
    await page.goto(app.url);
    await page.getByTestId('nav-workspaces').waitFor();
    expect(await page.getByTestId('auth-required').count()).toBe(0);
    await page.close();
  });

  it('opens the app in a new tab without the token once the link was opened', async () => {
    const context = await browser.newContext();
    const first = await context.newPage();
    await first.goto(app.url);
    await first.getByTestId('nav-workspaces').waitFor();
    const second = await context.newPage();
    await second.goto(new URL(app.url).origin);
    await second.getByTestId('nav-workspaces').waitFor();
    expect(await second.getByTestId('auth-required').count()).toBe(0);
    await context.close();
  });

  it('answers a page that reaches the port under another host name with 421, not the app', async () => {
    const { port } = new URL(app.url);
    // The browser resolves rebind.test to 127.0.0.1, as a DNS-rebinding attacker's name would.
    const rebinding = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--host-resolver-rules=MAP rebind.test 127.0.0.1'],
    });
    try {
      const page = await rebinding.newPage();
      const response = await page.goto(`http://rebind.test:${port}/`);
      expect(response?.status()).toBe(421);
      expect(await page.innerText('body')).toMatch(/does not answer to "rebind\.test:\d+".*--public-url/);
    } finally {
      await rebinding.close();
    }
  });
});
