// Task extraction in the browser, with the fixture model scripted as the extractor (set through the
// host's DSPATCH_TASKS_* environment): Settings → Tasks shows what the environment sets; chatting
// with the echo agent makes tasks appear live in the conversation's Tasks panel; "Extract now"
// against a refusing endpoint shows the 401 with Retry, and Retry reads the messages once the
// endpoint answers; the workspace's Tasks tab filters by status and links back; the Tools tab counts
// the openai-assistant's tool call and links to it.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  lastUserText,
  startFakeOpenAI,
  toolOutputs,
  type FakeOpenAI,
  type RecordedRequest,
  type Turn,
} from '../fixtures/openai-server';
import { launchBrowser, screenshot, startApp, workspaceDir, type RunningApp } from './app-harness';
import { scriptedModel } from './model-script';

let app: RunningApp;
let browser: Browser;
let page: Page;
let model: FakeOpenAI;

/** The extractor's requests carry the task tools; everything else is an agent's. */
function isExtraction(request: RecordedRequest): boolean {
  const tools = request.body.tools;
  return Array.isArray(tools) && JSON.stringify(tools).includes('"insert_task"');
}

/**
 * Every user message of the batch becomes a task in its own words, linked with the reply after it,
 * with one progress line; a message that states a preference adds it; tasks already running are
 * done (the user moved on). Then finish.
 */
function extractor(request: RecordedRequest): Turn {
  if (toolOutputs(request).length > 0) return { toolCalls: [{ name: 'finish', arguments: {} }] };
  const prompt = lastUserText(request) ?? '';
  const existing = [...prompt.matchAll(/^Task (\d+) \((\w+)\)/gm)];
  const asked = [...prompt.matchAll(/<message id=(\d+) from=user>\n(.*)/g)];
  return {
    toolCalls: [
      ...existing
        .filter(([, , status]) => status === 'running')
        .map(([, order]) => ({
          name: 'update_task',
          arguments: { task_order: Number(order), task_status: 'success' },
        })),
      ...asked.flatMap(([, id, text], index) => {
        const order = existing.length + index + 1;
        return [
          { name: 'insert_task', arguments: { after_task_order: order - 1, task_description: text } },
          {
            name: 'append_messages_to_task',
            arguments: { task_order: order, message_id_range: [Number(id), Number(id) + 1] },
          },
          {
            name: 'append_task_progress',
            arguments: { task_order: order, progress: `The agent answered: ${text}` },
          },
          ...(/prefer/i.test(text)
            ? [{ name: 'submit_user_preference', arguments: { preference: 'The user prefers trains.' } }]
            : []),
        ];
      }),
    ],
  };
}

const refusing: Turn = { error: { kind: 'http', status: 401, message: 'Incorrect API key provided' } };
let extractionTurn: (request: RecordedRequest) => Turn = extractor;

beforeAll(async () => {
  model = await startFakeOpenAI({
    responder: (request) => (isExtraction(request) ? extractionTurn(request) : scriptedModel(request)),
  });
  app = await startApp({
    env: {
      DSPATCH_TASKS_BASE_URL: model.baseURL,
      DSPATCH_TASKS_API_KEY: 'sk-e2e-tasks-key',
      DSPATCH_TASKS_MODEL: 'extractor-e2e',
    },
  });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(app.url);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await model?.close();
});

/** Settings → Tasks: set the buffer and save. */
async function saveBuffer(batch: string, idleSeconds: string): Promise<void> {
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  const settings = page.getByRole('region', { name: 'Tasks', exact: true });
  await settings.getByLabel('Batch size').fill(batch);
  await settings.getByLabel('Idle seconds').fill(idleSeconds);
  await settings.getByRole('button', { name: 'Save task settings' }).click();
  await expect.poll(() => settings.getByRole('status').innerText()).toBe('Saved. Task extraction is on.');
}

async function openWorkspace(yaml: string, name: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: /^Workspaces/ })
    .click();
  await page.getByTestId('open-folder-input').fill(workspaceDir(yaml));
  await page.getByTestId('open-folder-button').click();
  await page.getByTestId('workspace-card').filter({ hasText: name }).click();
}

async function launch(name: string): Promise<void> {
  await page.getByRole('button', { name: '▶ Launch' }).click();
  await page
    .getByRole('dialog', { name: `Launch ${name}?` })
    .getByRole('button', { name: 'Confirm and launch' })
    .click();
}

async function send(text: string): Promise<void> {
  const replies = page.getByTestId('entry-message-assistant');
  const before = await replies.count();
  await page.getByRole('textbox', { name: 'Message', exact: true }).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect.poll(() => replies.count(), { timeout: 20_000 }).toBe(before + 1);
  await expect
    .poll(() => page.getByRole('button', { name: 'Send', exact: true }).isVisible(), { timeout: 20_000 })
    .toBe(true);
}

function shoot(name: string, colorScheme: 'light' | 'dark' = 'light'): Promise<void> {
  return screenshot(page, name, colorScheme);
}

function task(panel: Locator, description: string): Locator {
  return panel
    .getByRole('listitem')
    .filter({ has: page.getByRole('button', { name: description, exact: true }) });
}

describe('tasks in the browser', () => {
  it('shows tasks live beside the conversation, reports a refused extraction with Retry, and lists them per workspace', async () => {
    // Settings → Tasks says what the host's environment sets, and saves the buffer.
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const settings = page.getByRole('region', { name: 'Tasks', exact: true });
    await expect.poll(() => settings.getByTestId('tasks-settings-state').innerText()).toBe('On');
    const modelField = settings.getByRole('textbox', { name: 'Model' });
    expect(await modelField.inputValue()).toBe('extractor-e2e');
    expect(await modelField.isDisabled()).toBe(true);
    expect(await settings.getByText('Set by DSPATCH_TASKS_MODEL').isVisible()).toBe(true);
    expect(await settings.getByRole('textbox', { name: 'Endpoint' }).inputValue()).toBe(model.baseURL);
    expect(await settings.getByText('Set by DSPATCH_TASKS_BASE_URL').isVisible()).toBe(true);
    expect(await settings.getByRole('combobox', { name: 'API key' }).isDisabled()).toBe(true);
    expect(await settings.getByRole('switch', { name: 'Extract tasks from conversations' }).isChecked()).toBe(
      true,
    );
    expect(await settings.getByRole('spinbutton', { name: 'Batch size' }).isDisabled()).toBe(false);
    await shoot('tasks-01-settings');
    await saveBuffer('100', '1');

    await openWorkspace('name: tasks-e2e\nagents:\n  echo:\n    template: echo\n', 'tasks-e2e');
    await launch('tasks-e2e');
    await page.getByTestId('session-item').first().click();

    // Wide window: the panel is beside the timeline, open.
    const panel = page.getByRole('region', { name: 'Tasks', exact: true });
    expect(await page.getByRole('button', { name: 'Tasks', exact: true }).getAttribute('aria-expanded')).toBe(
      'true',
    );
    const status = panel.getByTestId('extraction-status');
    await expect.poll(() => status.innerText()).toBe('All messages read');

    // One second after the reply, the extractor reads the two messages: the task appears by itself.
    await send('Plan a trip to Lisbon, I prefer trains');
    const trip = task(panel, 'Plan a trip to Lisbon, I prefer trains');
    await expect.poll(() => trip.count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => trip.getByTestId('task-status').innerText()).toBe('Running');
    expect(await trip.getByRole('list', { name: 'Progress' }).innerText()).toBe(
      'The agent answered: Plan a trip to Lisbon, I prefer trains',
    );
    await expect.poll(() => status.innerText()).toBe('All messages read');
    expect(await panel.getByRole('region', { name: 'Your preferences' }).innerText()).toContain(
      'The user prefers trains.',
    );

    // Choosing the task highlights its request and the reply in the timeline.
    await panel.getByRole('button', { name: 'Plan a trip to Lisbon, I prefer trains' }).click();
    expect(
      await panel
        .getByRole('button', { name: 'Plan a trip to Lisbon, I prefer trains' })
        .getAttribute('aria-pressed'),
    ).toBe('true');
    const highlighted = page.locator('.timeline-row.highlighted');
    await expect.poll(() => highlighted.count()).toBe(2);
    expect(await highlighted.first().locator('.bubble').innerText()).toBe('Plan a trip to Lisbon, I prefer trains');
    await shoot('tasks-02-panel-1400-light');
    await shoot('tasks-03-panel-1400-dark', 'dark');

    // With a long wait, messages pile up until "Extract now"; the endpoint refuses the key.
    const conversation = page.url();
    await saveBuffer('100', '3600');
    await page.goto(conversation);
    // send() counts replies before it sends: let the reloaded timeline show the one reply first.
    await expect.poll(() => page.getByTestId('entry-message-assistant').count()).toBe(1);
    extractionTurn = () => refusing;
    await send('Book a hotel near the river');
    await expect.poll(() => status.innerText()).toBe('2 messages waiting');
    await panel.getByRole('button', { name: 'Extract now' }).click();
    const alert = panel.getByRole('alert');
    await expect.poll(() => alert.innerText(), { timeout: 20_000 }).toContain('refused the API key (401)');
    await expect.poll(() => status.innerText()).toBe('2 messages not read');
    expect(await task(panel, 'Book a hotel near the river').count()).toBe(0);
    await shoot('tasks-04-refused');

    // The endpoint takes the key again: Retry reads the messages; the first request is done.
    extractionTurn = extractor;
    await alert.getByRole('button', { name: 'Retry' }).click();
    const hotel = task(panel, 'Book a hotel near the river');
    await expect.poll(() => hotel.count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => panel.getByRole('alert').count()).toBe(0);
    expect(await status.innerText()).toBe('All messages read');
    expect(await trip.getByTestId('task-status').innerText()).toBe('Success');
    expect(await hotel.getByTestId('task-status').innerText()).toBe('Running');

    // The workspace's Tasks tab: grouped by conversation, filtered by status, linking back.
    await page.getByTestId('tab-tasks').click();
    const tasksTab = page.getByTestId('workspace-tasks');
    const rows = tasksTab.getByTestId('workspace-task');
    await expect.poll(() => rows.allInnerTexts()).toHaveLength(2);
    expect(await tasksTab.getByRole('region', { name: /\(echo\)$/ }).count()).toBe(1);
    const filter = tasksTab.getByRole('radiogroup', { name: 'Show tasks by status' });
    await filter.getByRole('radio', { name: /^Success/ }).check();
    expect(await rows.allInnerTexts()).toEqual([
      expect.stringContaining('Plan a trip to Lisbon, I prefer trains'),
    ]);
    await filter.getByRole('radio', { name: /^Failed/ }).check();
    expect(await rows.count()).toBe(0);
    expect(await tasksTab.getByText('No failed tasks').isVisible()).toBe(true);
    await filter.getByRole('radio', { name: /^Running/ }).check();
    await shoot('tasks-05-workspace-tab');
    await tasksTab.getByRole('link', { name: 'Book a hotel near the river' }).click();
    await expect
      .poll(() =>
        panel.getByRole('button', { name: 'Book a hotel near the river' }).getAttribute('aria-pressed'),
      )
      .toBe('true');
    await expect.poll(() => highlighted.first().locator('.bubble').innerText()).toBe('Book a hotel near the river');

    // Turned off, the panel says so and leads to Settings → Tasks; the tasks found stay.
    const extractSwitch = settings.getByRole('switch', { name: 'Extract tasks from conversations' });
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await extractSwitch.uncheck();
    await settings.getByRole('button', { name: 'Save task settings' }).click();
    await expect.poll(() => settings.getByRole('status').innerText()).toBe('Saved. Task extraction is off.');
    await page.goto(conversation);
    const off = panel.getByTestId('tasks-inactive');
    await expect
      .poll(() => off.innerText())
      .toContain('Task extraction is turned off. Turn it on in Settings → Tasks.');
    expect(await panel.getByRole('button', { name: 'Extract now' }).count()).toBe(0);
    expect(await task(panel, 'Book a hotel near the river').count()).toBe(1);
    await off.getByRole('link', { name: 'Open Settings → Tasks' }).click();
    await expect.poll(() => page.evaluate('document.activeElement?.textContent')).toBe('Tasks');
    await extractSwitch.check();
    await settings.getByRole('button', { name: 'Save task settings' }).click();
    await expect.poll(() => settings.getByRole('status').innerText()).toBe('Saved. Task extraction is on.');

    // A narrow window: the panel is closed behind its toggle and the chat keeps the room.
    await page.setViewportSize({ width: 480, height: 800 });
    await page.goto(conversation);
    await page.reload();
    const toggle = page.getByRole('button', { name: 'Tasks', exact: true });
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await panel.count()).toBe(0);
    const input = page.getByRole('textbox', { name: 'Message', exact: true });
    expect((await input.boundingBox())!.width).toBeGreaterThan(250);
    await shoot('tasks-06-chat-480-light');
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => task(panel, 'Book a hotel near the river').isVisible()).toBe(true);
    await shoot('tasks-07-panel-480-light');
    await shoot('tasks-08-panel-480-dark', 'dark');
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  it('counts a tool call in the Tools tab and links to it in its conversation', async () => {
    await openWorkspace(
      `name: tools-e2e\nenv:\n  OPENAI_BASE_URL: ${model.baseURL}\n  OPENAI_API_KEY: sk-e2e-tools-key\nagents:\n  assistant:\n    template: openai-assistant\n`,
      'tools-e2e',
    );
    await launch('tools-e2e');
    await page.getByTestId('session-item').first().click();
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('what time is it?');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('entry-tool-call').getAttribute('data-status'), { timeout: 30_000 })
      .toBe('done');

    // The conversation's own Tools section counts it as it happens.
    const panelTools = page
      .getByRole('region', { name: 'Tasks', exact: true })
      .getByRole('table', { name: 'Tool calls in this conversation' });
    await expect.poll(() => panelTools.getByRole('row', { name: /get_current_time/ }).count()).toBe(1);

    await page.getByTestId('tab-tools').click();
    const table = page.getByRole('table', { name: 'Tool calls in this workspace' });
    const row = table.getByRole('row', { name: /get_current_time/ });
    await expect.poll(() => row.count()).toBe(1);
    const cells = await row.getByRole('cell').allInnerTexts();
    expect(cells.slice(0, 3)).toEqual(['1', '0', '0%']);
    expect(cells[3]).toMatch(/^\d[\d,]* ms$/);
    expect(cells[5]).toBe('None');
    await shoot('tasks-09-tools-tab');

    await row.getByRole('link', { name: /^Open the last call of get_current_time/ }).click();
    const toolRow = page.locator('.timeline-row.highlighted').getByTestId('entry-tool-call');
    await expect.poll(() => toolRow.getAttribute('data-tool')).toBe('get_current_time');
  });
});
