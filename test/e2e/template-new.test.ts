// Settings → Templates → New template: the user names a template and a new folder, the app writes the
// scaffold there and offers it to the Add form, where adding still asks for consent. A hostile name is
// refused with the reason and nothing is written.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppPage, screenshot, type RunningApp } from './app-harness';

let app: RunningApp;
let page: Page;
let close: (() => Promise<void>) | undefined;
const parent = mkdtempSync(join(tmpdir(), 'dspatch-e2e-tpl-'));

beforeAll(async () => {
  ({ app, page, close } = await openAppPage());
  await page.goto(app.url);
});
afterAll(async () => {
  await close?.();
  rmSync(parent, { recursive: true, force: true });
});

describe('New template in Settings', () => {
  it('refuses a hostile name, then scaffolds a folder that can be added', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByRole('button', { name: 'New template' }).click();
    const form = page.getByRole('form', { name: 'New template' });

    await form.getByLabel('Template name').fill('../escape');
    await form.getByLabel('New folder').fill(join(parent, 'escape'));
    await form.getByRole('button', { name: 'Create template' }).click();
    await expect.poll(() => form.innerText()).toContain('is not allowed: use lower-case letters, digits and dashes');
    expect(readdirSync(parent)).toEqual([]);

    const dir = join(parent, 'gui-agent');
    await form.getByLabel('Template name').fill('gui-agent');
    await form.getByLabel('New folder').fill(dir);
    await form.getByRole('button', { name: 'Create template' }).click();
    await expect.poll(() => form.getByRole('status').innerText()).toContain(`Created ${dir}.`);
    expect(existsSync(join(dir, 'dspatch.agent.yml'))).toBe(true);
    expect(await page.getByTestId('template-dir-input').inputValue()).toBe(dir);
    await screenshot(page, 'template-new-01-created');

    await page.getByRole('button', { name: 'Add template' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add this template?' });
    await dialog.getByRole('button', { name: 'Trust and add' }).click();
    await expect.poll(() => page.getByTestId('template-item').filter({ hasText: 'gui-agent' }).count()).toBe(1);
  });
});
