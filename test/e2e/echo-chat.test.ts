// A new user's first minutes: open a folder holding an echo workspace, send a message, watch the
// reply stream in, reload and find the conversation still there.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppPage, screenshot, workspaceDir, type RunningApp } from './app-harness';

let app: RunningApp;
let page: Page;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => ({ app, page, close } = await openAppPage()));
afterAll(() => close?.());

describe('echo workspace in the browser', () => {
  it('opens a workspace folder, streams a reply, and keeps it after a reload', async () => {
    const dir = workspaceDir('name: echo-e2e\nagents:\n  echo:\n    template: echo\n');
    await page.goto(app.url);
    await page.getByTestId('open-folder-input').fill(dir);
    await page.getByTestId('open-folder-button').click();
    const card = page.getByTestId('workspace-card').filter({ hasText: 'echo-e2e' });
    await expect.poll(() => card.count()).toBe(1);
    await screenshot(page, 'echo-01-workspaces');
    await card.click();

    await page.getByTestId('launch-button').click();
    // A folder the user did not create in the app: launching it asks once.
    const consent = page.getByRole('dialog', { name: 'Launch echo-e2e?' });
    await expect.poll(() => consent.getByRole('listitem').allInnerTexts()).toEqual([`runs code from ${dir} with your rights`]);
    await consent.getByRole('button', { name: 'Confirm and launch' }).click();
    await page.getByTestId('session-item').first().click();
    const composer = page.getByTestId('composer-input');
    await composer.fill('/slow the quick brown fox jumps over the lazy dog');
    await page.getByTestId('composer-send').click();

    const reply = page.getByTestId('entry-message-assistant').last();
    // Streaming: a partial reply shows before the whole one.
    await expect.poll(async () => ((await reply.count()) ? await reply.innerText() : ''), { timeout: 20_000 }).toMatch(/^the quick/);
    const partial = await reply.innerText();
    expect(partial).not.toContain('lazy dog');
    await screenshot(page, 'echo-02-streaming');
    await expect.poll(() => reply.innerText(), { timeout: 20_000 }).toContain('the quick brown fox jumps over the lazy dog');
    await expect.poll(() => page.getByTestId('entry-message-user').last().innerText()).toContain('/slow the quick brown fox');

    await page.reload();
    await expect.poll(() => page.getByTestId('entry-message-assistant').last().innerText(), { timeout: 20_000 }).toContain(
      'the quick brown fox jumps over the lazy dog',
    );
    await screenshot(page, 'echo-03-after-reload');
  });
});
