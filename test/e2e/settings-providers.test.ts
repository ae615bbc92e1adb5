// Settings → Providers in the browser: the built-in openai is listed, a keyless Chat Completions
// provider is added with the form (its problems said in words first), Test connection shows the
// fixture server's models, and the provider is removed after a confirmation.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fixtures/openai-server';
import { cleanupHarness } from '../helpers/host-harness';
import { tempDir } from '../helpers/paths';
import { launchBrowser, screenshot, startApp, type RunningApp } from './app-harness';

let app: RunningApp;
let browser: Browser;
let page: Page;
let fake: FakeOpenAI;
/** Generous: the machine is shared, and a host call and a render may take seconds under load. */
const POLL = { timeout: 20_000 };

beforeAll(async () => {
  fake = await startFakeOpenAI({ models: ['qwen3', 'llama3.2'] });
  app = await startApp({ dataDir: tempDir('dspatch-e2e-data-') });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await fake?.close();
  await cleanupHarness();
});

describe('Settings → Providers', () => {
  it('adds a provider, tests its connection and removes it', async () => {
    await page.goto(`${app.url.split('#')[0]}#/settings/providers`);
    const section = page.getByRole('region', { name: 'Providers' });
    const rows = section.getByTestId('provider-row');
    await expect.poll(() => rows.count(), POLL).toBe(1);
    expect(await rows.first().textContent()).toContain('openai');
    expect(await section.getByRole('button', { name: 'Remove provider openai' }).count()).toBe(0);
    // On the same page, task extraction is on but has no key yet: it says so rather than "Off".
    const tasks = page.getByRole('region', { name: 'Tasks', exact: true });
    await expect.poll(() => tasks.getByTestId('tasks-settings-state').textContent(), POLL).toBe('Not set up');
    expect(await tasks.getByRole('switch', { name: 'Extract tasks from conversations' }).isChecked()).toBe(true);

    const form = section.getByRole('form', { name: 'Add a provider' });
    const add = form.getByRole('button', { name: 'Add provider' });
    await form.getByRole('textbox', { name: 'Base URL' }).fill('localhost:11434');
    await add.click();
    await expect.poll(() => section.getByTestId('provider-problems').textContent(), POLL).toBe(
      'Name: Name the provider, e.g. ollama.Base URL: Enter an http:// or https:// URL, e.g. http://127.0.0.1:11434/v1.',
    );

    await form.getByRole('textbox', { name: 'Name' }).fill('local');
    await form.getByRole('textbox', { name: 'Base URL' }).fill(fake.baseURL);
    await form.getByRole('combobox', { name: 'API style' }).selectOption('chat');
    await form.getByRole('combobox', { name: 'API key' }).selectOption({ label: 'No key (none)' });
    await form.getByRole('textbox', { name: 'Default model (optional)' }).fill('llama3.2');
    await add.click();
    await expect.poll(() => section.getByRole('status').first().textContent(), POLL).toBe('Saved provider local. Agents use it with provider: local');
    await expect.poll(() => rows.count(), POLL).toBe(2);
    const local = section.locator('[data-testid="provider-row"][data-name="local"]');
    expect(await local.textContent()).toContain('No key');

    await section.getByRole('button', { name: 'Test connection to local' }).click();
    const models = section.getByRole('list', { name: 'Models of local' });
    await expect.poll(() => models.getByRole('listitem').allTextContents(), POLL).toEqual(['llama3.2', 'qwen3']);
    expect(await section.getByRole('status', { name: 'Connection test of local' }).textContent()).toContain('Connected: 2 models.');
    expect(fake.requests.map((r) => [r.method, r.path])).toEqual([
      ['GET', '/v1/models'],
      ['POST', '/v1/chat/completions'],
    ]);
    await screenshot(page, 'settings-providers-tested');
    await page.setViewportSize({ width: 480, height: 900 });
    await screenshot(page, 'settings-providers-tested-480');
    await page.setViewportSize({ width: 1400, height: 900 });

    await section.getByRole('button', { name: 'Remove provider local' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => rows.count(), POLL).toBe(1);
  });
});
