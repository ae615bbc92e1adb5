// Tool approvals in the browser: a needsApproval tool call shows as an approval card in the chat
// (Approve, Reject, Always approve), the run goes on after the decision, and the tools always
// approved are listed under Settings → Approvals, each with Remove.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fixtures/openai-server';
import { dspatch } from '../helpers/cli';
import { repoRoot } from '../helpers/paths';
import { launchBrowser, screenshot, startApp, workspaceDir, type RunningApp } from './app-harness';

let app: RunningApp;
let browser: Browser;
let page: Page;
let model: FakeOpenAI;

beforeAll(async () => {
  model = await startFakeOpenAI();
  app = await startApp();
  const added = await dspatch(['templates', 'add', join(repoRoot, 'test', 'fixtures', 'templates', 'approver'), '--data-dir', app.dataDir]);
  if (added.code !== 0) throw new Error(`templates add failed: ${added.stderr}`);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await model?.close();
});

describe('tool approvals in the browser', () => {
  it('asks with an approval card, goes on when approved, and lists "always approve" in Settings', async () => {
    model.script(
      { toolCalls: [{ name: 'delete_file', arguments: { path: 'notes.txt' }, callId: 'call_e2e_1' }] },
      { text: 'Deleted notes.txt.' },
      { toolCalls: [{ name: 'delete_file', arguments: { path: 'old.log' }, callId: 'call_e2e_2' }] },
      { text: 'Deleted old.log.' },
    );
    const dir = workspaceDir(`name: approvals-e2e\nenv:\n  OPENAI_BASE_URL: ${model.baseURL}\nagents:\n  worker:\n    template: approver\n`);
    await page.goto(app.url);
    await page.getByTestId('open-folder-input').fill(dir);
    await page.getByTestId('open-folder-button').click();
    await page.getByTestId('workspace-card').filter({ hasText: 'approvals-e2e' }).click();
    await page.getByTestId('tab-secrets').click();
    await page.getByTestId('secret-input-OPENAI_API_KEY').fill('sk-e2e-approvals-key-1234');
    await page.getByTestId('secret-save-OPENAI_API_KEY').click();
    await page.getByTestId('tab-overview').click();
    await page.getByTestId('launch-button').click();
    await page.getByRole('dialog', { name: 'Launch approvals-e2e?' }).getByRole('button', { name: 'Confirm and launch' }).click();
    await page.getByTestId('session-item').first().click();

    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.fill('Delete notes.txt');
    await page.getByTestId('composer-send').click();
    const card = page.getByRole('group', { name: 'Approval: delete_file' }).last();
    await card.getByRole('button', { name: 'Approve', exact: true }).waitFor({ timeout: 30_000 });
    expect(await card.getByLabel('Arguments of delete_file').innerText()).toContain('"path": "notes.txt"');
    await expect.poll(() => card.getByRole('button', { name: 'Reject' }).count()).toBe(1);
    await expect.poll(() => card.getByRole('button', { name: 'Always approve delete_file in this workspace' }).count()).toBe(1);
    await screenshot(page, 'approval-card-pending');
    await card.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect.poll(() => card.innerText(), { timeout: 30_000 }).toContain('Approved');
    await expect.poll(() => page.getByTestId('entry-message-assistant').last().innerText(), { timeout: 30_000 }).toContain('Deleted notes.txt.');

    // Always approve: the second call's card is decided, and the rule shows in Settings.
    await composer.fill('Delete old.log');
    await page.getByTestId('composer-send').click();
    const second = page.getByRole('group', { name: 'Approval: delete_file' }).nth(1);
    await second.getByRole('button', { name: 'Always approve delete_file in this workspace' }).click({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('entry-message-assistant').last().innerText(), { timeout: 30_000 }).toContain('Deleted old.log.');

    await page.goto(`${app.url.split('#')[0]}#/settings/approvals`);
    const section = page.getByRole('region', { name: 'Approvals' });
    const row = section.getByRole('row').filter({ hasText: 'delete_file' });
    await expect.poll(() => row.innerText(), { timeout: 10_000 }).toContain('approvals-e2e');
    await screenshot(page, 'settings-approvals');
    await section.getByRole('button', { name: 'Remove: always approve delete_file in approvals-e2e' }).click();
    await expect.poll(() => section.innerText(), { timeout: 10_000 }).toContain('No tool is always approved');
  });
});
