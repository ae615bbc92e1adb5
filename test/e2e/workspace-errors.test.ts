// What a user sees when something is wrong: a malformed dspatch.workspace.yml (the error with its
// line), and a launch without a required secret (the message, and a button straight to the field).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppPage, screenshot, workspaceDir, type RunningApp } from './app-harness';

let app: RunningApp;
let page: Page;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ app, page, close } = await openAppPage());
  await page.goto(app.url);
});
afterAll(() => close?.());

async function openFolder(dir: string) {
  await page.getByTestId('nav-workspaces').click();
  await page.getByTestId('open-folder-input').fill(dir);
  await page.getByTestId('open-folder-button').click();
}

describe('workspace errors in the browser', () => {
  it('shows a malformed dspatch.workspace.yml with the file, line and path', async () => {
    const dir = workspaceDir('name: broken\nagents:\n  lead:\n    template: echo\n    peers: [reviewr]\n');
    await openFolder(dir);
    const banner = page.getByTestId('error-banner');
    await expect.poll(() => banner.innerText()).toMatch(/dspatch\.workspace\.yml:5 agents\.lead\.peers\[0\]: unknown agent "reviewr"/);
    await screenshot(page, 'errors-01-malformed-yaml');

    const syntax = workspaceDir('name: broken\nagents:\n  lead: {template: echo\n');
    await openFolder(syntax);
    await expect.poll(() => banner.innerText()).toMatch(/dspatch\.workspace\.yml:\d+.*YAML syntax error/);
  });

  it('refuses to launch without a required secret and takes the user to the field', async () => {
    const dir = workspaceDir('name: needs-key\nagents:\n  assistant:\n    template: openai-assistant\n');
    await openFolder(dir);
    await page.getByTestId('workspace-card').filter({ hasText: 'needs-key' }).click();
    await page.getByTestId('launch-button').click();
    await page.getByRole('dialog', { name: 'Launch needs-key?' }).getByRole('button', { name: 'Confirm and launch' }).click();

    const banner = page.getByTestId('error-banner');
    await expect.poll(() => banner.innerText()).toContain(
      "OPENAI_API_KEY is missing for agent 'assistant' in workspace 'needs-key'",
    );
    await screenshot(page, 'errors-02-missing-secret');
    await page.getByTestId('set-secret-button').click();
    const input = page.getByTestId('secret-input-OPENAI_API_KEY');
    await expect.poll(() => input.evaluate((element) => element.matches(':focus'))).toBe(true);
    expect(await input.getAttribute('type')).toBe('password');
    await input.fill('sk-test-fixture-key-0000');
    await page.getByTestId('secret-save-OPENAI_API_KEY').click();
    await expect.poll(() => page.getByTestId('secret-row-OPENAI_API_KEY').innerText()).toMatch(/0000/);

    await page.getByTestId('launch-button').click();
    await expect.poll(() => page.getByTestId('run-status').innerText(), { timeout: 30_000 }).toMatch(/running/i);
    await screenshot(page, 'errors-03-launched');
  });
});
