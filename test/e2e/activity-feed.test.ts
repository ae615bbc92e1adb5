// The Activity feed in Chromium: a tool call the openai-assistant made (through the real write path,
// against the fixture model) is in the feed; choosing a kind puts it in the URL, a reload keeps it;
// a turn run meanwhile (`dspatch run` through the serving host) appears live; a click on a row opens
// the conversation scrolled to that tool call, highlighted.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dspatch } from '../helpers/cli';
import { useFakeOpenAI } from '../helpers/fake-model';
import { addWorkspace, cleanupHarness, confirmLaunch, sendAndWait, startHost } from '../helpers/host-harness';
import { tempDir } from '../helpers/paths';
import { launchBrowser, screenshot, startApp, type RunningApp } from './app-harness';

const fake = useFakeOpenAI();
let app: RunningApp;
let browser: Browser;
let page: Page;
let dataDir: string;
let workspaceDirPath: string;
let sessionId: string;

beforeAll(async () => {
  dataDir = tempDir('dspatch-e2e-data-');
  const t = await startHost({ dataDir });
  const yaml = ['name: feed-e2e', 'agents:', '  assistant:', '    template: openai-assistant', '    env:', `      OPENAI_BASE_URL: ${fake.baseURL}`, ''].join('\n');
  const workspace = await addWorkspace(t, yaml);
  workspaceDirPath = workspace.dir;
  await t.host.call('secrets.set', { workspaceId: workspace.id, key: 'OPENAI_API_KEY', value: 'sk-feed-e2e-0123456789abcdef' });
  await confirmLaunch(t, workspace.id);
  const { sessions } = await t.host.call('workspaces.launch', { workspaceId: workspace.id });
  sessionId = sessions[0].id;
  fake.script(
    { toolCalls: [{ name: 'get_current_time', arguments: { timezone: 'Europe/Paris' }, callId: 'call_e2e1' }] },
    { text: 'It is noon in Paris.' },
  );
  await sendAndWait(t, sessionId, 'What time is it in Paris?');
  await t.close();
  app = await startApp({ dataDir });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1300, height: 850 } })).newPage();
  await page.goto(app.url);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await cleanupHarness();
});

describe('activity feed', () => {
  it('shows the tool call, filters by kind through the URL, stays filtered on reload, updates live and opens the highlighted entry', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity', exact: true }).click();
    const feed = page.getByRole('list', { name: 'Activity' });
    const parisCall = feed.getByRole('link', { name: /get_current_time.*Europe\/Paris/ });
    await expect.poll(() => parisCall.count(), { timeout: 20_000 }).toBe(1);
    // Lifecycle and log rows are there too before filtering.
    await expect.poll(() => feed.getByRole('listitem').count()).toBeGreaterThan(1);

    await page.getByRole('combobox', { name: 'Kind' }).selectOption({ label: 'Tool calls' });
    await expect.poll(() => new URL(page.url()).hash).toBe('#/activity?kind=tool');
    await expect.poll(() => feed.getByRole('listitem').count()).toBe(1);
    await screenshot(page, 'activity-feed-tools');

    await page.reload();
    await expect.poll(() => page.getByRole('combobox', { name: 'Kind' }).inputValue(), { timeout: 20_000 }).toBe('tool');
    await expect.poll(() => feed.getByRole('listitem').count(), { timeout: 20_000 }).toBe(1);

    // A turn through the serving host while the page is open: its tool call arrives without a reload.
    fake.script(
      { toolCalls: [{ name: 'get_current_time', arguments: { timezone: 'Asia/Tokyo' }, callId: 'call_e2e2' }] },
      { text: 'It is evening in Tokyo.' },
    );
    const run = await dspatch(['run', workspaceDirPath, '--prompt', 'And in Tokyo?', '--data-dir', dataDir]);
    expect(run.code, run.stderr).toBe(0);
    await expect.poll(() => feed.getByRole('link', { name: /get_current_time.*Asia\/Tokyo/ }).count(), { timeout: 20_000 }).toBe(1);
    expect(await feed.getByRole('listitem').count()).toBe(2);

    const href = await parisCall.getAttribute('href');
    expect(href).toMatch(new RegExp(`^#/sessions/${sessionId}\\?entry=[0-9a-f-]+$`));
    const entryId = href!.split('entry=')[1];
    await parisCall.click();
    // The id-only link resolves to the conversation's place in its workspace, keeping the entry.
    await expect.poll(() => new URL(page.url()).hash).toMatch(new RegExp(`/sessions/${sessionId}\\?entry=${entryId}$`));
    const highlighted = page.locator('.timeline-row.highlighted');
    await expect.poll(() => highlighted.count(), { timeout: 20_000 }).toBe(1);
    expect(await highlighted.locator(`[data-entry-id="${entryId}"]`).count()).toBe(1);
    expect(await highlighted.textContent()).toContain('get_current_time');
    await screenshot(page, 'activity-feed-opened-entry');
  });
});
