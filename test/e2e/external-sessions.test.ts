// External sessions in the browser: an agent outside the app stores its conversation through the
// real /api/v1 of `dspatch serve` with the official client @acontext/acontext (the key from
// `dspatch api-key`), the fixture model scripted as the task extractor. The External sessions page
// lists it under its space, live; opening it shows the messages and the tool call with its result,
// read-only; "Extract now" finds its task; the Tools table links back into it; Settings → Acontext
// API gives the same base URL and key; Usage shows the extractor's calls under External sessions.
import { AcontextClient } from '@acontext/acontext';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fixtures/openai-server';
import { extractor } from '../helpers/acontext-api';
import { dspatch } from '../helpers/cli';
import { launchBrowser, screenshot, startApp, type RunningApp } from './app-harness';

let app: RunningApp;
let browser: Browser;
let page: Page;
let model: FakeOpenAI;
let apiKey: string;
let baseUrl: string;

const QUESTION = "What's the weather in Helsinki?";
const ANSWER = 'It is sunny and 18°C in Helsinki.';

beforeAll(async () => {
  model = await startFakeOpenAI({ responder: extractor });
  app = await startApp({
    env: {
      DSPATCH_TASKS_BASE_URL: model.baseURL,
      DSPATCH_TASKS_API_KEY: 'sk-e2e-tasks-key',
      DSPATCH_TASKS_MODEL: 'extractor-e2e',
    },
  });
  const printed = await dspatch(['api-key', '--json', '--data-dir', app.dataDir]);
  apiKey = (JSON.parse(printed.stdout) as { apiKey: string }).apiKey;
  baseUrl = `${new URL(app.url).origin}/api/v1`;
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(app.url).origin });
  page = await context.newPage();
  await page.goto(app.url);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await model?.close();
});

function shoot(name: string, colorScheme: 'light' | 'dark' = 'light'): Promise<void> {
  return screenshot(page, name, colorScheme);
}

/** A string, so the test's Node typings need no DOM. */
function clipboard(): Promise<string> {
  return page.evaluate<string>('navigator.clipboard.readText()');
}

function nav(name: string) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
}

describe('external sessions in the browser', () => {
  it('lists API sessions by space and shows one read-only with its tasks, tools, key and usage', async () => {
    // Nothing is extracted on its own in this test: "Extract now" is what reads the messages.
    await nav('Settings').click();
    const taskSettings = page.getByRole('region', { name: 'Tasks', exact: true });
    await taskSettings.getByLabel('Batch size').fill('100');
    await taskSettings.getByLabel('Idle seconds').fill('3600');
    await taskSettings.getByRole('button', { name: 'Save task settings' }).click();
    await expect
      .poll(() => taskSettings.getByRole('status').innerText())
      .toBe('Saved. Task extraction is on.');

    await nav('External sessions').click();
    await expect.poll(() => page.getByText('No external sessions yet').isVisible()).toBe(true);

    // The agent outside the app stores the README's conversation in a space, and a question in none.
    const client = new AcontextClient({ baseUrl, apiKey });
    const space = await client.spaces.create({ configs: { name: 'travel' } });
    const session = await client.sessions.create({ spaceId: space.id });
    await client.sessions.storeMessage(session.id, { role: 'user', content: QUESTION });
    await client.sessions.storeMessage(session.id, {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Helsinki"}' },
        },
      ],
    });
    await client.sessions.storeMessage(session.id, {
      role: 'tool',
      tool_call_id: 'call_1',
      content: 'Sunny, 18°C',
    });
    await client.sessions.storeMessage(session.id, { role: 'assistant', content: ANSWER });
    const loose = await client.sessions.create();
    await client.sessions.storeMessage(loose.id, { role: 'user', content: 'Is there anybody out there?' });

    // The page follows: each session under its space, with where its tasks stand.
    const travel = page.getByRole('region', { name: 'travel', exact: true });
    const row = travel.getByRole('listitem').filter({ has: page.getByRole('link', { name: QUESTION }) });
    await expect.poll(() => row.getByTestId('external-session-tasks').innerText()).toBe('4 messages waiting');
    expect(await travel.getByText(space.id).isVisible()).toBe(true);
    const noSpace = page.getByRole('region', { name: 'No space', exact: true });
    await expect
      .poll(() => noSpace.getByRole('link', { name: 'Is there anybody out there?' }).count())
      .toBe(1);
    await shoot('external-01-list-1400-light');
    await shoot('external-02-list-1400-dark', 'dark');

    // Opened: the messages and the tool call with its result, read-only, at a stable address.
    await row.getByRole('link', { name: QUESTION }).click();
    expect(new URL(page.url()).hash).toBe(`#/external/${session.id}`);
    const user = page.getByTestId('entry-message-user');
    await expect.poll(() => user.innerText()).toBe(QUESTION);
    expect(await page.getByTestId('entry-message-assistant').innerText()).toContain(ANSWER);
    const toolCall = page.getByTestId('entry-tool-call');
    expect(await toolCall.getAttribute('data-tool')).toBe('get_weather');
    expect(await toolCall.getAttribute('data-status')).toBe('done');
    await toolCall.getByRole('button', { name: /get_weather/ }).click();
    expect(await toolCall.getByTestId('entry-tool-result').innerText()).toBe('Sunny, 18°C');
    expect(await page.getByText('Stored through the API — read-only here').isVisible()).toBe(true);
    expect(await page.getByRole('textbox', { name: 'Message', exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Send', exact: true }).count()).toBe(0);
    expect(await page.getByRole('navigation', { name: 'Breadcrumb' }).innerText()).toContain('travel');

    // Extract now reads the four messages: the request becomes a task, with the tool it used.
    const panel = page.getByRole('region', { name: 'Tasks', exact: true });
    const status = panel.getByTestId('extraction-status');
    await expect.poll(() => status.innerText()).toBe('4 messages waiting');
    await panel.getByRole('button', { name: 'Extract now' }).click();
    const task = panel.getByRole('listitem').filter({ has: page.getByRole('button', { name: QUESTION }) });
    await expect.poll(() => task.count(), { timeout: 20_000 }).toBe(1);
    expect(await task.getByRole('list', { name: 'Progress' }).innerText()).toBe('Used get_weather');
    await expect.poll(() => status.innerText()).toBe('All messages read');
    await shoot('external-03-session-1400-light');
    await shoot('external-04-session-1400-dark', 'dark');

    // A message stored now shows up live.
    await client.sessions.storeMessage(session.id, { role: 'user', content: 'And tomorrow?' });
    await expect.poll(() => user.allInnerTexts()).toEqual([QUESTION, 'And tomorrow?']);
    await expect.poll(() => status.innerText()).toBe('1 message waiting');

    // The conversation's Tools table links to the call, in this same read-only view.
    const tools = panel.getByRole('table', { name: 'Tool calls in this conversation' });
    await tools.getByRole('link', { name: 'get_weather' }).click();
    expect(new URL(page.url()).hash).toMatch(new RegExp(`^#/external/${session.id}\\?entry=`));
    const highlighted = page.locator('.timeline-row.highlighted').getByTestId('entry-tool-call');
    await expect.poll(() => highlighted.getAttribute('data-tool')).toBe('get_weather');

    // Back on the list, the summary counts the task; a session deleted through the API leaves it.
    await page
      .getByRole('navigation', { name: 'Breadcrumb' })
      .getByRole('link', { name: 'External sessions' })
      .click();
    await expect.poll(() => row.getByTestId('external-session-tasks').innerText()).toBe('1 task, 1 running');
    await client.sessions.delete(loose.id);
    await expect.poll(() => noSpace.count()).toBe(0);

    // Narrow window: the list and the conversation (its panel behind the Tasks toggle).
    await page.setViewportSize({ width: 480, height: 800 });
    await shoot('external-05-list-480-light');
    await shoot('external-06-list-480-dark', 'dark');
    await row.getByRole('link', { name: QUESTION }).click();
    await expect.poll(() => user.count()).toBe(2);
    expect(await page.getByRole('button', { name: 'Tasks', exact: true }).getAttribute('aria-expanded')).toBe(
      'false',
    );
    await shoot('external-07-session-480-light');
    await shoot('external-08-session-480-dark', 'dark');
    await page.setViewportSize({ width: 1400, height: 900 });

    // Settings → Acontext API, from the page's link: the address the client used, and its key, copied
    // and revealed on demand.
    await nav('External sessions').click();
    await page.getByRole('link', { name: 'API settings' }).click();
    const api = page.getByRole('region', { name: 'Acontext API', exact: true });
    await expect.poll(() => page.evaluate('document.activeElement?.textContent')).toBe('Acontext API');
    await expect.poll(() => api.getByTestId('acontext-base-url').innerText()).toBe(baseUrl);
    const key = api.getByTestId('acontext-api-key');
    expect(await key.innerText()).not.toContain(apiKey.slice(6));
    await api.getByRole('button', { name: 'Copy API key' }).click();
    await expect.poll(() => clipboard()).toBe(apiKey);
    expect(await key.innerText()).not.toContain(apiKey.slice(6));
    await api.getByRole('button', { name: 'Reveal API key' }).click();
    await expect.poll(() => key.innerText()).toBe(apiKey);
    await api.getByRole('button', { name: 'Copy base URL' }).click();
    await expect.poll(() => clipboard()).toBe(baseUrl);
    // Browser mode: served with the app; the switch is the desktop app's.
    expect(await api.getByTestId('acontext-browser-note').innerText()).toContain('dspatch serve');
    expect(await api.getByRole('switch').count()).toBe(0);
    await api.getByRole('button', { name: 'Copy code' }).click();
    await expect.poll(() => clipboard()).toContain(`baseUrl: '${baseUrl}'`);
    await api.scrollIntoViewIfNeeded();
    await shoot('external-09-settings-1400-light');
    await shoot('external-10-settings-1400-dark', 'dark');
    await page.setViewportSize({ width: 480, height: 800 });
    await api.scrollIntoViewIfNeeded();
    await shoot('external-11-settings-480-light');
    await shoot('external-12-settings-480-dark', 'dark');
    await page.setViewportSize({ width: 1400, height: 900 });
    await api.getByRole('button', { name: 'Hide API key' }).click();
    expect(await key.innerText()).not.toContain(apiKey.slice(6));

    // Usage: the extractor's calls for external sessions, chosen like a workspace.
    await nav('Usage').click();
    await page.getByRole('combobox', { name: 'Workspace' }).selectOption({ label: 'External sessions' });
    const breakdownRow = page.getByTestId('usage-breakdown-row').first();
    await breakdownRow.waitFor();
    await breakdownRow.getByRole('button', { name: /^Calls of / }).click();
    const calls = page.getByTestId('usage-calls').getByRole('row').filter({ hasText: 'task extraction' });
    await expect.poll(() => calls.count()).toBeGreaterThan(0);
    expect(await calls.first().innerText()).toContain('extractor-e2e');
  });
});
