// Provider and model pickers in the workspace editor: in the new-workspace wizard an agent gets a
// provider declared in its file, a typed model and its own system_prompt, and the YAML says so (with
// the user's comment kept); on the workspace's page, Edit changes the model and saves the file; a
// provider from Settings lists its models on "Load models".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fixtures/openai-server';
import { dspatch } from '../helpers/cli';
import { tempDir } from '../helpers/paths';
import { openAppPage, screenshot, type RunningApp } from './app-harness';

let app: RunningApp;
let page: Page;
let close: (() => Promise<void>) | undefined;
let model: FakeOpenAI;

beforeAll(async () => {
  model = await startFakeOpenAI({ models: ['tiny-coder', 'big-thinker'] });
  ({ app, page, close } = await openAppPage({ width: 1400, height: 900 }));
  await page.goto(app.url);
});
afterAll(async () => {
  await close?.();
  await model?.close();
});

function shoot(name: string): Promise<void> {
  return screenshot(page, name);
}

/** The values the datalist of the input labelled `label` offers (a string, so the Node typings need no DOM). */
function datalistOptions(label: string): Promise<string[]> {
  return page.evaluate<string[]>(
    `[...(document.querySelector('input[aria-label=${JSON.stringify(label)}]')?.list?.options ?? [])].map((option) => option.value)`,
  );
}

describe('provider and model pickers', () => {
  let dir = '';

  it('creates a workspace whose agent uses a file provider, a typed model and its own system_prompt', async () => {
    dir = join(tempDir('dspatch-e2e-pickers-'), 'pickers');
    await page.getByTestId('nav-new-workspace').click();
    await page.getByTestId('new-dir-input').fill(dir);
    await page.getByTestId('new-name-input').fill('pickers');
    await page.getByTestId('new-next').click();

    // An assistant agent, renamed.
    await page.getByTestId('template-select').selectOption('openai-assistant');
    await page.getByTestId('add-agent-button').click();
    await page.getByRole('textbox', { name: 'Agent key' }).fill('assistant');

    // A provider declared in the file, with a comment, typed in the YAML tab.
    await page.getByRole('tab', { name: 'YAML' }).click();
    const yaml = page.getByRole('textbox', { name: 'Workspace YAML' });
    const built = await yaml.inputValue();
    await yaml.fill(
      built.replace(
        'agents:',
        `# a local server\nproviders:\n  local:\n    base_url: ${model.baseURL}\n    api: chat\n    api_key: none\nagents:`,
      ),
    );
    await page.getByRole('tab', { name: 'Visual' }).click();

    // The pickers: the file's provider, a typed model, the template's fields.
    const provider = page.getByRole('combobox', { name: 'Provider for assistant' });
    expect(await provider.locator('option').allInnerTexts()).toEqual(
      expect.arrayContaining(['Default (OpenAI)', 'local']),
    );
    await provider.selectOption('local');
    const modelInput = page.getByRole('combobox', { name: 'Model for assistant' });
    await modelInput.fill('llama3.2');
    const prompt = page.getByRole('textbox', { name: 'system_prompt for assistant' });
    expect(await prompt.inputValue()).toBe('You are a helpful coding assistant.');
    expect(await page.getByRole('textbox', { name: 'authority for assistant' }).inputValue()).toMatch(/^You may freely refactor/);
    await prompt.fill('You are terse.\nAnswer in one line.');
    await page.getByRole('button', { name: 'Add env variable for assistant' }).click();
    await page.getByRole('textbox', { name: 'Env name 1 for assistant' }).fill('LOG_LEVEL');
    await page.getByRole('textbox', { name: 'Env value 1 for assistant' }).fill('debug');
    // A file provider with api_key: none needs no key: the config is valid and nothing is asked.
    await expect.poll(() => page.getByTestId('validation-problems').getAttribute('data-state'), { timeout: 10_000 }).toBe('ok');
    await shoot('pickers-01-wizard-1400');
    await page.setViewportSize({ width: 480, height: 900 });
    await page.getByRole('combobox', { name: 'Provider for assistant' }).scrollIntoViewIfNeeded();
    await shoot('pickers-02-wizard-480');
    await page.setViewportSize({ width: 1400, height: 900 });

    // The YAML tab shows what the pickers wrote, and kept the comment.
    await page.getByRole('tab', { name: 'YAML' }).click();
    const text = await yaml.inputValue();
    expect(text).toContain('# a local server\nproviders:\n  local:');
    expect(text).toContain(
      '  assistant:\n    template: openai-assistant\n    provider: local\n    model: llama3.2\n    fields:\n      system_prompt: |-\n        You are terse.\n        Answer in one line.\n    env:\n      LOG_LEVEL: debug\n',
    );
    // …and an edit there shows in the pickers.
    await yaml.fill(text.replace('model: llama3.2', 'model: llama3.3'));
    await page.getByRole('tab', { name: 'Visual' }).click();
    expect(await page.getByRole('combobox', { name: 'Model for assistant' }).inputValue()).toBe('llama3.3');
    expect(await page.getByRole('combobox', { name: 'Provider for assistant' }).inputValue()).toBe('local');

    await expect.poll(() => page.getByTestId('new-next').isEnabled(), { timeout: 10_000 }).toBe(true);
    await page.getByTestId('new-next').click();
    await expect.poll(() => page.getByTestId('create-button').isEnabled(), { timeout: 10_000 }).toBe(true);
    await page.getByTestId('create-button').click();
    await expect.poll(() => page.getByTestId('workspace-view').count(), { timeout: 10_000 }).toBe(1);
    const file = readFileSync(join(dir, 'dspatch.workspace.yml'), 'utf8');
    expect(file).toContain('provider: local\n    model: llama3.3\n');
    expect(file).toContain('You are terse.\n        Answer in one line.');
  });

  it("edits and saves the model on the workspace's page", async () => {
    await page.getByTestId('tab-config').click();
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const modelInput = page.getByRole('combobox', { name: 'Model for assistant' });
    expect(await modelInput.inputValue()).toBe('llama3.3');
    await modelInput.fill('qwen2.5-coder');
    await expect.poll(() => page.getByTestId('validation-problems').getAttribute('data-state'), { timeout: 10_000 }).toBe('ok');
    await shoot('pickers-03-edit-1400');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Edit', exact: true }).count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByRole('textbox', { name: 'dspatch.workspace.yml' }).inputValue()).toContain('model: qwen2.5-coder');
    const file = readFileSync(join(dir, 'dspatch.workspace.yml'), 'utf8');
    expect(file).toContain('provider: local\n    model: qwen2.5-coder\n');
    expect(file).toContain('# a local server\n');
  });

  it('offers the Settings providers, and loads the models of one', async () => {
    const added = await dspatch([
      'providers',
      'add',
      'gateway',
      '--base-url',
      model.baseURL,
      '--api-key',
      'none',
      '--model',
      'tiny-coder',
      '--data-dir',
      app.dataDir,
    ]);
    expect(added.code, added.stderr).toBe(0);

    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const provider = page.getByRole('combobox', { name: 'Provider for assistant' });
    await expect.poll(() => provider.locator('option').allInnerTexts()).toContain('gateway');
    await provider.selectOption('gateway');
    const modelLabel = 'Model for assistant';
    expect(await datalistOptions(modelLabel)).toEqual(['tiny-coder']);
    await page.getByRole('button', { name: 'Load models for assistant' }).click();
    await expect.poll(() => datalistOptions(modelLabel)).toEqual(['tiny-coder', 'big-thinker']);
    expect(await page.getByRole('status').filter({ hasText: 'models from gateway' }).innerText()).toContain('2 models');
    await page.getByRole('combobox', { name: modelLabel }).fill('big-thinker');
    await expect.poll(() => page.getByTestId('validation-problems').getAttribute('data-state'), { timeout: 10_000 }).toBe('ok');
    await shoot('pickers-04-settings-provider-1400');
    await page.setViewportSize({ width: 480, height: 900 });
    await provider.scrollIntoViewIfNeeded();
    await shoot('pickers-05-settings-provider-480');
    await page.setViewportSize({ width: 1400, height: 900 });

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Edit', exact: true }).count(), { timeout: 10_000 }).toBe(1);
    const file = readFileSync(join(dir, 'dspatch.workspace.yml'), 'utf8');
    expect(file).toContain('provider: gateway\n    model: big-thinker\n');
  });
});
