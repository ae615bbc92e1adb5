// A sub-agent's question answered by its supervisor agent, as a user sees it: the Inquiries page
// shows where the question went (the lead, interrupting its wait) and who answered it; the
// sub-agent's conversation shows it as one compact row. Both agents run on the fake model.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dspatch } from '../helpers/cli';
import { fixtureTemplatesDir } from '../helpers/host-harness';
import { lastUserText, startFakeOpenAI, type FakeOpenAI, type RecordedRequest, type Turn } from '../fixtures/openai-server';
import { openAppPage, screenshot, workspaceDir, type RunningApp } from './app-harness';

let app: RunningApp;
let page: Page;
let model: FakeOpenAI;
let close: (() => Promise<void>) | undefined;
let calls = 0;

const call = (name: string, args: Record<string, unknown> = {}): Turn => ({ toolCalls: [{ name, arguments: args, callId: `call_${name}_${++calls}` }] });

/** The lead delegates to the helper; the helper asks; the lead reads the question, answers "blue" and goes back to waiting. */
function teamModel(request: RecordedRequest): Turn {
  const lead = String(request.body.instructions ?? '').includes('ROLE lead');
  const items = request.body.input;
  const last = Array.isArray(items) ? items.at(-1) : undefined;
  const output = last && typeof last === 'object' && !Array.isArray(last) && last.type === 'function_call_output' ? last : null;
  const tool = output ? String(output.call_id).replace(/^call_/, '').replace(/_\d+$/, '') : null;
  const text = output ? String(output.output) : (lastUserText(request) ?? '');
  if (!lead) return output ? { text: `helper got: ${text}` } : call('send_inquiry', { markdown: 'Which colour for the button?', suggestions: ['blue', 'red'] });
  if (!output) return call('talk_to_helper', { text: 'Build the button.', continue_previous_conversation: false });
  if (text.startsWith('INTERRUPTED')) return call('receive_incoming_inquiry');
  if (tool === 'receive_incoming_inquiry') return call('reply_to_inquiry', { response: 'blue' });
  if (tool === 'reply_to_inquiry') return call('continue_waiting_for_agent_response');
  return { text: `lead done: ${text}` };
}

beforeAll(async () => {
  model = await startFakeOpenAI({ responder: teamModel });
  ({ app, page, close } = await openAppPage());
  const added = await dspatch(['templates', 'add', join(fixtureTemplatesDir, 'openai-team'), '--data-dir', app.dataDir]);
  if (added.code !== 0) throw new Error(`templates add failed: ${added.stderr}`);
  await page.goto(app.url);
});
afterAll(async () => {
  await close?.();
  await model?.close();
});

describe('an inquiry answered by the supervisor agent', () => {
  it('shows the forwarding chain and who answered on the Inquiries page, and a compact row in the conversation', async () => {
    const yaml = [
      'name: forward-team',
      'env:',
      `  OPENAI_BASE_URL: ${model.baseURL}`,
      'agents:',
      '  lead:',
      '    template: openai-team',
      '    fields:',
      '      system_prompt: ROLE lead',
      '    sub_agents:',
      '      helper:',
      '        template: openai-team',
      '        fields:',
      '          system_prompt: ROLE helper',
      '',
    ].join('\n');
    await page.getByTestId('open-folder-input').fill(workspaceDir(yaml));
    await page.getByTestId('open-folder-button').click();
    await page.getByTestId('workspace-card').filter({ hasText: 'forward-team' }).click();
    await page.getByTestId('tab-secrets').click();
    await page.getByTestId('secret-input-OPENAI_API_KEY').fill('sk-e2e-forward-key-1234');
    await page.getByTestId('secret-save-OPENAI_API_KEY').click();
    await page.getByTestId('tab-overview').click();
    await page.getByTestId('launch-button').click();
    await page.getByRole('dialog', { name: 'Launch forward-team?' }).getByRole('button', { name: 'Confirm and launch' }).click();

    await page.locator('[data-testid="session-item"][data-agent-key="lead"]').first().click();
    await page.getByRole('textbox', { name: 'Message' }).fill('go');
    await page.getByTestId('composer-send').click();
    const reply = page.getByTestId('entry-message-assistant').last();
    await expect
      .poll(async () => ((await reply.count()) ? reply.innerText() : ''), { timeout: 30_000 })
      .toContain("helper got: Response from your supervisor agent 'lead': blue");

    // The helper's conversation: the question its supervisor answered, as one row.
    await page.locator('[data-testid="session-item"][data-agent-key="helper"]').first().click();
    const row = page.getByRole('note', { name: 'Question answered by agent lead' });
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1);
    expect(await row.innerText()).toContain('Which colour for the button?');
    expect(await row.innerText()).toMatch(/answered by lead:\s*blue/);

    await page.getByRole('link', { name: /^Inquiries/ }).click();
    await page.getByRole('radiogroup', { name: 'Show questions' }).getByRole('radio', { name: 'Answered' }).check();
    const card = page.getByTestId('inquiry-card').filter({ hasText: 'Which colour for the button?' });
    await expect.poll(() => card.count(), { timeout: 20_000 }).toBe(1);
    const chain = card.getByRole('list', { name: 'Forwarding chain' });
    expect(await chain.getByRole('listitem').allInnerTexts()).toEqual([expect.stringMatching(/agent lead at .* · interrupted its wait$/)]);
    expect(await card.getByTestId('inquiry-answered-by').innerText()).toMatch(/^Answered by agent lead/);
    expect(await card.innerText()).toContain('Answer from agent lead');
    await screenshot(page, 'inquiry-forwarding-01-answered-by-lead');

    // The forward timeout is a setting.
    await page.getByRole('link', { name: /^Settings/ }).click();
    const timeout = page.getByRole('spinbutton', { name: 'Supervisor answer timeout (seconds)' });
    await expect.poll(() => timeout.inputValue(), { timeout: 10_000 }).toBe('60');
    await timeout.fill('45');
    await page.getByRole('button', { name: 'Save inquiry settings' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Inquiries' }).getByRole('status').innerText()).toBe('Saved.');
    await page.reload();
    await expect.poll(() => page.getByRole('spinbutton', { name: 'Supervisor answer timeout (seconds)' }).inputValue(), { timeout: 10_000 }).toBe('45');
  });
});
