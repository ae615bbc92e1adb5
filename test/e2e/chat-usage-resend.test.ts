// The chat's per-turn usage, Regenerate and Edit in the browser, and a workspace page that follows its
// file on disk. The conversation is made through the host first (fake model), then the app is served
// on the same data folder and driven by role and accessible name.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fixtures/openai-server';
import { addWorkspace, cleanupHarness, confirmLaunch, sendAndWait, singleAgentYaml, startHost } from '../helpers/host-harness';
import { tempDir } from '../helpers/paths';
import { launchBrowser, screenshot, startApp, type RunningApp } from './app-harness';

let app: RunningApp;
let browser: Browser;
let page: Page;
let model: FakeOpenAI;
let sessionId: string;
let watchedId: string;
let watchedFile: string;

beforeAll(async () => {
  model = await startFakeOpenAI();
  const dataDir = tempDir('dspatch-e2e-data-');
  const t = await startHost({ dataDir });
  const yaml = ['name: usage-e2e', 'agents:', '  assistant:', '    template: openai-assistant', '    env:', `      OPENAI_BASE_URL: ${model.baseURL}`, ''].join('\n');
  const { id: workspaceId } = await addWorkspace(t, yaml);
  await t.host.call('secrets.set', { workspaceId, key: 'OPENAI_API_KEY', value: 'sk-e2e-usage-key-0123456789' });
  await confirmLaunch(t, workspaceId);
  sessionId = (await t.host.call('workspaces.launch', { workspaceId })).sessions[0].id;
  model.script({
    text: 'Here is a table:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```ts\nconst x = 1;\n```',
    usage: { inputTokens: 1234, cachedInputTokens: 200, outputTokens: 56, reasoningTokens: 12 },
  });
  await sendAndWait(t, sessionId, 'Show me a table and some code');
  const watched = await addWorkspace(t, singleAgentYaml('watched-e2e', 'echo', 'echo'));
  watchedId = watched.id;
  watchedFile = join(watched.dir, 'dspatch.workspace.yml');
  await t.close();
  app = await startApp({ dataDir });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await model?.close();
  await cleanupHarness();
});

describe('chat usage, regenerate and edit', () => {
  it('shows the turn usage under the reply, at any width, in light and dark', async () => {
    await page.goto(`${app.url}#/sessions/${sessionId}`);
    const usage = page.getByRole('group', { name: /^Turn usage:/ });
    await expect.poll(() => usage.count(), { timeout: 30_000 }).toBe(1);
    const name = await usage.getAttribute('aria-label');
    expect(name).toContain('1,234 in (200 cached)');
    expect(name).toContain('56 out (12 reasoning)');
    expect(name).toMatch(/\$\d+\.\d{4}|cost unknown/);
    expect(name).toMatch(/took /);
    await screenshot(page, 'chat-usage-1400-light', 'light');
    await screenshot(page, 'chat-usage-1400-dark', 'dark');
    await page.setViewportSize({ width: 480, height: 900 });
    await expect.poll(() => usage.isVisible()).toBe(true);
    await screenshot(page, 'chat-usage-480-light', 'light');
    await screenshot(page, 'chat-usage-480-dark', 'dark');
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  it('regenerates the last reply and sends an edited last message in its place', async () => {
    await page.goto(`${app.url}#/sessions/${sessionId}`);
    const replies = page.getByTestId('entry-message-assistant');
    model.script({ text: 'A regenerated reply.', usage: { inputTokens: 10, outputTokens: 4 } });
    await page.getByRole('button', { name: 'Regenerate' }).click();
    await expect.poll(() => replies.last().innerText(), { timeout: 30_000 }).toContain('A regenerated reply.');
    await expect.poll(() => replies.count()).toBe(1);
    expect(model.requests.at(-1)!.body.previous_response_id).toBeUndefined();

    await expect.poll(() => page.getByRole('button', { name: 'Edit' }).count(), { timeout: 30_000 }).toBe(1);
    model.script({ text: 'An answer to the edit.' });
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('textbox', { name: 'Edit your message' }).fill('Only a table, please');
    await page.getByRole('button', { name: 'Send edited message' }).click();
    await expect.poll(() => replies.last().innerText(), { timeout: 30_000 }).toContain('An answer to the edit.');
    await expect.poll(() => replies.count()).toBe(1);
    const users = page.getByTestId('entry-message-user');
    expect(await users.count()).toBe(1);
    expect(await users.first().innerText()).toContain('Only a table, please');
    expect(JSON.stringify(model.requests.at(-1)!.body)).not.toContain('Show me a table');
    await screenshot(page, 'chat-after-edit');
  });
});

describe('workspace page follows its file', () => {
  it('shows a broken file at once and recovers when it is fixed, without a reload', async () => {
    await page.goto(`${app.url}#/workspaces/${watchedId}`);
    await expect.poll(() => page.getByText('echo', { exact: true }).first().isVisible(), { timeout: 30_000 }).toBe(true);
    writeFileSync(watchedFile, 'name: watched-e2e\nagents: [broken');
    const problem = page.getByTestId('agents-config-error');
    await expect.poll(() => problem.count(), { timeout: 15_000 }).toBe(1);
    expect(await problem.innerText()).toContain('dspatch.workspace.yml has a problem');
    expect(await page.getByText('No agents are declared').count()).toBe(0);
    await screenshot(page, 'workspace-broken-file');
    writeFileSync(watchedFile, singleAgentYaml('watched-e2e', 'echo', 'echo'));
    await expect.poll(() => problem.count(), { timeout: 15_000 }).toBe(0);
  });
});

describe('new-workspace wizard, step 1', () => {
  it('checks the folder after the user acts, and asks before Cancel throws the draft away', async () => {
    await page.goto(`${app.url}#/new`);
    const folder = page.getByRole('textbox', { name: 'Project folder' });
    await folder.fill('projects/shop');
    // Typing alone shows nothing yet.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await page.getByRole('alert').count()).toBe(0);
    await folder.blur();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('not an absolute path');

    await folder.fill(join(tempDir('dspatch-e2e-wiz-'), 'missing', 'deeper'));
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('wizard');
    await page.getByRole('button', { name: 'Next →' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('cannot be created here');
    expect(await page.getByTestId('step-1').getAttribute('aria-current')).toBe('step');

    await folder.fill(join(tempDir('dspatch-e2e-wiz-'), 'shop'));
    await page.getByRole('button', { name: 'Next →' }).click();
    await expect.poll(() => page.getByTestId('step-2').getAttribute('aria-current')).toBe('step');

    await page.getByRole('button', { name: 'Cancel' }).click();
    const dialog = page.getByRole('dialog', { name: 'Discard this new workspace?' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await screenshot(page, 'wizard-discard-confirm');
    await dialog.getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/workspaces');
  });
});

describe('queued messages', () => {
  it('survive a reload and are sent once the reply ends', async () => {
    await page.goto(`${app.url}#/workspaces/${watchedId}`);
    await page.getByRole('button', { name: 'Launch' }).click();
    await page.getByRole('dialog', { name: 'Launch watched-e2e?' }).getByRole('button', { name: 'Confirm and launch' }).click();
    await page.getByTestId('session-item').first().click();
    const input = page.getByRole('textbox', { name: 'Message' });
    await input.fill('/slow one two three four five six seven eight nine ten eleven twelve thirteen fourteen');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const queueButton = page.getByRole('button', { name: 'Queue', exact: true });
    await expect.poll(() => queueButton.count(), { timeout: 20_000 }).toBe(1);
    await input.fill('kept across a reload');
    await queueButton.click();
    const queued = page.getByRole('list', { name: 'Queued messages' });
    await expect.poll(() => queued.getByRole('listitem').count()).toBe(1);

    await page.reload();
    await expect.poll(() => queued.getByRole('listitem').allInnerTexts(), { timeout: 20_000 }).toEqual([expect.stringContaining('kept across a reload')]);
    const users = page.getByTestId('entry-message-user');
    await expect.poll(() => users.last().innerText(), { timeout: 30_000 }).toContain('kept across a reload');
    expect(await queued.count()).toBe(0);
    // Sent, so gone from storage too: another reload does not send it twice.
    await page.reload();
    await expect.poll(() => users.count(), { timeout: 20_000 }).toBe(2);
    expect(await queued.count()).toBe(0);
  });
});
