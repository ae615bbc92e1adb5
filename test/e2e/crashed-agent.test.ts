// A conversation whose agent crashed, as a user sees it: the conversation says so and offers Restart,
// the workspace header names the crashed agent, and Restart brings the agent back with the history.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dspatch } from '../helpers/cli';
import { repoRoot } from '../helpers/paths';
import { openAppPage, screenshot, workspaceDir, type RunningApp } from './app-harness';

let app: RunningApp;
let page: Page;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ app, page, close } = await openAppPage());
  const added = await dspatch(['templates', 'add', join(repoRoot, 'test', 'fixtures', 'templates', 'crasher'), '--data-dir', app.dataDir]);
  if (added.code !== 0) throw new Error(`templates add failed: ${added.stderr}`);
  await page.goto(app.url);
});
afterAll(() => close?.());

describe('a crashed agent in the browser', () => {
  it('says the agent crashed and restarts it with the Restart button', async () => {
    const dir = workspaceDir('name: crashy\nagents:\n  crasher:\n    template: crasher\n');
    await page.getByTestId('open-folder-input').fill(dir);
    await page.getByTestId('open-folder-button').click();
    await page.getByTestId('workspace-card').filter({ hasText: 'crashy' }).click();
    await page.getByTestId('launch-button').click();
    await page.getByRole('dialog', { name: 'Launch crashy?' }).getByRole('button', { name: 'Confirm and launch' }).click();
    await page.getByTestId('session-item').first().click();

    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.fill('crash now');
    await page.getByTestId('composer-send').click();

    const restart = page.getByRole('button', { name: 'Restart' });
    await restart.waitFor({ timeout: 20_000 });
    await expect.poll(() => page.getByTestId('session-view').innerText()).toContain('The agent crashed.');
    await expect
      .poll(() => page.getByRole('alert').filter({ hasText: "Agent 'crasher' crashed" }).count())
      .toBe(1);
    await screenshot(page, 'crash-01-crashed');

    await restart.click();
    await expect.poll(() => page.getByTestId('session-state').getAttribute('data-state'), { timeout: 20_000 }).toBe('idle');
    expect(await page.getByRole('button', { name: 'Restart' }).count()).toBe(0);
    expect(await page.getByRole('alert').filter({ hasText: "Agent 'crasher' crashed" }).count()).toBe(0);

    // The restarted agent had the conversation so far replayed to it.
    await composer.fill('are you back?');
    await page.getByTestId('composer-send').click();
    await expect
      .poll(() => page.getByTestId('entry-message-assistant').last().innerText(), { timeout: 20_000 })
      .toContain('history (2): user: crash now | assistant: partial reply before the crash');
  });
});
