// Keeping conversations in order in the browser: rename one in a dialog, pin one to the top,
// archive one out of sight, delete one after a question, open one by its stable link after a
// reload, and remove the workspace while its folder stays on disk.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppPage, screenshot, workspaceDir, type RunningApp } from './app-harness';

let app: RunningApp;
let page: Page;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => ({ app, page, close } = await openAppPage()));
afterAll(() => close?.());

const list = () => page.getByRole('complementary', { name: 'Agents and conversations' });
const conversation = (title: string) => list().getByRole('link', { name: new RegExp(title) });
const linkNames = () => list().getByRole('link').allInnerTexts();

async function say(text: string): Promise<void> {
  const before = await page.getByTestId('entry-message-assistant').count();
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect.poll(() => page.getByTestId('entry-message-assistant').count(), { timeout: 20_000 }).toBe(before + 1);
  await expect.poll(() => page.getByTestId('entry-message-assistant').last().innerText(), { timeout: 20_000 }).toContain(text.replace(/[#*]/g, '').trim());
  // The turn is over when the conversation is idle again.
  await expect.poll(() => list().locator('[aria-current="page"]').getAttribute('data-state'), { timeout: 20_000 }).toBe('idle');
}

async function act(title: string, action: string): Promise<void> {
  await list().getByRole('button', { name: `Actions for ${title}` }).click();
  await list().getByRole('group', { name: `Actions for ${title}` }).getByRole('button', { name: action }).click();
}

describe('managing conversations', () => {
  it('renames, pins, archives, deletes, opens by link, and removes the workspace', async () => {
    const dir = workspaceDir('name: manage-e2e\nagents:\n  echo:\n    template: echo\n');
    await page.goto(app.url);
    await page.getByTestId('open-folder-input').fill(dir);
    await page.getByTestId('open-folder-button').click();
    await page.getByTestId('workspace-card').filter({ hasText: 'manage-e2e' }).click();
    await page.getByTestId('launch-button').click();
    await page.getByRole('dialog', { name: 'Launch manage-e2e?' }).getByRole('button', { name: 'Confirm and launch' }).click();

    // Three conversations, each titled by its first message without the markdown.
    await list().getByRole('link').first().click();
    await say('# Plan the **release**');
    await expect.poll(() => conversation('Plan the release').count()).toBe(1);
    for (const topic of ['Second topic', 'Third topic']) {
      const before = page.url();
      await list().getByRole('button', { name: 'New conversation with echo' }).click();
      await expect.poll(() => page.url()).not.toBe(before);
      await expect.poll(() => page.getByTestId('entry-message-assistant').count()).toBe(0);
      await say(topic);
      await expect.poll(() => conversation(topic).count()).toBe(1);
    }

    await act('Plan the release', 'Rename');
    const rename = page.getByRole('dialog', { name: 'Rename conversation' });
    await rename.getByRole('textbox', { name: 'Title' }).fill('Release plan');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await expect.poll(() => conversation('Release plan').count()).toBe(1);
    expect(await conversation('Plan the release').count()).toBe(0);

    // Renaming touched "Release plan" last, so "Second topic" is not on top until it is pinned.
    expect((await linkNames())[0]).not.toContain('Second topic');
    await act('Second topic', 'Pin');
    await expect.poll(async () => (await linkNames())[0]).toContain('Second topic');
    expect((await linkNames())[0]).toMatch(/^Second topic\s+pinned/);
    await screenshot(page, 'manage-01-pinned');

    await act('Third topic', 'Archive');
    await expect.poll(() => conversation('Third topic').count()).toBe(0);
    const showArchived = list().getByRole('checkbox', { name: /Show archived/ });
    await showArchived.check();
    await expect.poll(() => conversation('Third topic').count()).toBe(1);
    await showArchived.uncheck();
    await expect.poll(() => conversation('Third topic').count()).toBe(0);

    // Delete asks first; Cancel keeps the conversation.
    await act('Release plan', 'Delete');
    const question = page.getByRole('dialog', { name: 'Delete this conversation?' });
    await expect.poll(() => question.isVisible()).toBe(true);
    await question.getByRole('button', { name: 'Cancel' }).click();
    expect(await conversation('Release plan').count()).toBe(1);
    await act('Release plan', 'Delete');
    await question.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => conversation('Release plan').count()).toBe(0);

    // The stable link needs only the conversation's id, and survives a reload.
    const second = conversation('Second topic');
    const sessionId = (await second.getAttribute('data-session-id'))!;
    const workspaceId = (await page.getByTestId('workspace-view').getAttribute('data-workspace-id'))!;
    const link = new URL(app.url);
    link.hash = `#/sessions/${sessionId}`;
    await page.goto(link.toString());
    await page.reload();
    await expect.poll(() => new URL(page.url()).hash, { timeout: 20_000 }).toBe(`#/workspaces/${workspaceId}/sessions/${sessionId}`);
    await expect.poll(() => page.getByTestId('entry-message-user').last().innerText(), { timeout: 20_000 }).toContain('Second topic');
    expect(await second.getAttribute('aria-current')).toBe('page');

    await page.getByRole('button', { name: 'Remove workspace' }).click();
    const remove = page.getByRole('dialog', { name: 'Remove manage-e2e from dspatch?' });
    await expect.poll(() => remove.innerText()).toContain(`The folder ${dir} and its files stay on disk`);
    await screenshot(page, 'manage-02-remove-workspace');
    await remove.getByRole('button', { name: 'Remove workspace' }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/workspaces');
    await expect.poll(() => page.getByTestId('workspace-card').filter({ hasText: 'manage-e2e' }).count()).toBe(0);
    expect(existsSync(join(dir, 'dspatch.workspace.yml'))).toBe(true);
  });
});
