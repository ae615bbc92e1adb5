// While the echo agent streams a slow reply, the user writes the next message: it waits under the
// composer as "queued" (removable) and is sent by itself once the reply ends. The header's Stop
// (every agent of the workspace) asks before it cuts running replies off.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppPage, screenshot, workspaceDir, type RunningApp } from './app-harness';

let app: RunningApp;
let page: Page;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => ({ app, page, close } = await openAppPage()));
afterAll(() => close?.());

const SLOW = '/slow one two three four five six seven eight nine ten eleven twelve';

describe('queueing while the agent works, and stopping the workspace', () => {
  it('queues a message during a reply, sends it after, and asks before stopping all agents', async () => {
    const dir = workspaceDir('name: queue-e2e\nagents:\n  echo:\n    template: echo\n');
    await page.goto(app.url);
    await page.getByTestId('open-folder-input').fill(dir);
    await page.getByTestId('open-folder-button').click();
    await page.getByTestId('workspace-card').filter({ hasText: 'queue-e2e' }).click();
    await page.getByRole('button', { name: 'Launch' }).click();
    await page.getByRole('dialog', { name: 'Launch queue-e2e?' }).getByRole('button', { name: 'Confirm and launch' }).click();
    await page.getByTestId('session-item').first().click();

    const input = page.getByRole('textbox', { name: 'Message' });
    await input.fill(SLOW);
    await page.getByRole('button', { name: 'Send', exact: true }).click();

    // While it streams, the box stays editable and Send has become Queue.
    const queueButton = page.getByRole('button', { name: 'Queue', exact: true });
    await expect.poll(() => queueButton.count(), { timeout: 20_000 }).toBe(1);
    expect(await input.isEditable()).toBe(true);
    await input.fill('/slow the queued one is next');
    await queueButton.click();
    await input.fill('never mind this one');
    await input.press('Enter');

    const queued = page.getByRole('list', { name: 'Queued messages' });
    await expect.poll(() => queued.getByRole('listitem').allInnerTexts()).toEqual([
      expect.stringMatching(/^queued\s*\/slow the queued one is next/),
      expect.stringMatching(/^queued\s*never mind this one/),
    ]);
    await screenshot(page, 'queue-01-queued');
    await queued.getByRole('button', { name: 'Remove queued message: never mind this one' }).click();
    expect(await queued.getByRole('listitem').count()).toBe(1);
    // Not sent while the first reply still streams.
    expect(await page.getByTestId('entry-message-user').allInnerTexts()).toHaveLength(1);

    // Once the first reply is done, the queued message goes out by itself, and only that one.
    const users = page.getByTestId('entry-message-user');
    await expect.poll(() => users.allInnerTexts(), { timeout: 30_000 }).toEqual([
      expect.stringContaining(SLOW),
      expect.stringContaining('/slow the queued one is next'),
    ]);
    expect(await queued.count()).toBe(0);
    const replies = page.getByTestId('entry-message-assistant');
    expect(await replies.first().innerText()).toContain('one two three four five six seven eight nine ten eleven twelve');

    // The header's Stop asks first; Cancel leaves the agents running.
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Stop all agents of queue-e2e?' });
    await expect.poll(() => confirm.isVisible()).toBe(true);
    expect(await confirm.innerText()).toContain('Running replies are cut off.');
    await screenshot(page, 'queue-02-stop-confirm');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => confirm.isVisible()).toBe(false);
    expect(await page.getByTestId('run-status').getAttribute('data-status')).toBe('running');

    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await confirm.getByRole('button', { name: 'Stop all agents' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Launch' }).isEnabled(), { timeout: 30_000 }).toBe(true);
    expect(await page.getByTestId('run-status').getAttribute('data-status')).not.toBe('running');
  });
});
