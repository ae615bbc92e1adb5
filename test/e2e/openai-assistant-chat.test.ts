// The openai-assistant template in the browser, pointed at the fake model through the workspace env:
// the reply streams in, a tool call shows with its result, and the reasoning shows too.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fixtures/openai-server';
import { launchBrowser, screenshot, startApp, workspaceDir, type RunningApp } from './app-harness';
import { ANSWER_PREFIX, scriptedModel } from './model-script';

let app: RunningApp;
let browser: Browser;
let page: Page;
let model: FakeOpenAI;

beforeAll(async () => {
  model = await startFakeOpenAI({ responder: scriptedModel });
  app = await startApp();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await model?.close();
});

describe('openai-assistant in the browser', () => {
  it('streams text, shows a tool call with its result, and shows reasoning', async () => {
    const dir = workspaceDir(
      `name: assistant-e2e\nenv:\n  OPENAI_BASE_URL: ${model.baseURL}\nagents:\n  assistant:\n    template: openai-assistant\n`,
    );
    await page.goto(app.url);
    await page.getByTestId('open-folder-input').fill(dir);
    await page.getByTestId('open-folder-button').click();
    await page.getByTestId('workspace-card').filter({ hasText: 'assistant-e2e' }).click();

    await page.getByTestId('tab-secrets').click();
    await page.getByTestId('secret-input-OPENAI_API_KEY').fill('sk-e2e-assistant-key-1234');
    await page.getByTestId('secret-save-OPENAI_API_KEY').click();
    await page.getByTestId('tab-overview').click();
    await page.getByTestId('launch-button').click();
    await page.getByRole('dialog', { name: 'Launch assistant-e2e?' }).getByRole('button', { name: 'Confirm and launch' }).click();
    await page.getByTestId('session-item').first().click();

    await page.getByTestId('composer-input').fill('hello agent');
    await page.getByTestId('composer-send').click();
    const reply = page.getByTestId('entry-message-assistant').last();
    await expect.poll(async () => ((await reply.count()) ? reply.innerText() : ''), { timeout: 30_000 }).toMatch(/^You said/);
    const partial = await reply.innerText();
    await expect.poll(() => reply.innerText(), { timeout: 30_000 }).toContain('several small pieces');
    expect(partial.length).toBeLessThan((await reply.innerText()).length);
    await expect.poll(() => page.getByTestId('composer-send').count(), { timeout: 30_000 }).toBe(1);

    await page.getByTestId('composer-input').fill('what time is it?');
    await page.getByTestId('composer-send').click();
    const thinking = page.getByTestId('entry-thinking').last();
    await expect.poll(() => thinking.count(), { timeout: 30_000 }).toBe(1);
    await thinking.click();
    await expect.poll(() => thinking.innerText()).toContain('I should call the clock tool');
    const toolCall = page.getByTestId('entry-tool-call').last();
    await expect.poll(() => toolCall.innerText(), { timeout: 30_000 }).toContain('get_current_time');
    await toolCall.click();
    await expect.poll(() => toolCall.innerText(), { timeout: 30_000 }).toContain('"timezone": "UTC"');
    await expect.poll(() => toolCall.getByTestId('entry-tool-result').innerText(), { timeout: 30_000 }).toMatch(/\(UTC\); ISO \d{4}-/);
    const answer = page.getByTestId('entry-message-assistant').last();
    await expect.poll(() => answer.innerText(), { timeout: 30_000 }).toContain(ANSWER_PREFIX);
    await screenshot(page, 'assistant-01-tool-call-and-reasoning');

    // The key reached the model and nothing else of the host's environment did.
    const authorized = model.requests.filter((request) => request.headers.authorization === 'Bearer sk-e2e-assistant-key-1234');
    expect(authorized.length).toBe(model.requests.length);
    expect(model.requests.length).toBeGreaterThanOrEqual(3);
  });
});
