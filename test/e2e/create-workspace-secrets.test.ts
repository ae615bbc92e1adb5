// Creating a workspace in the GUI: a root openai-assistant with an echo sub-agent, the OPENAI_API_KEY
// prompt right in the flow, then a chat against the fake model — and proof that the typed key went
// nowhere it must not: not to the page, the logs, the database file, the CLI's exports, or the
// environment of the agent whose template does not require it.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fixtures/openai-server';
import { repoRoot, tempDir } from '../helpers/paths';
import { launchBrowser, screenshot, startApp, type RunningApp } from './app-harness';
import { scriptedModel } from './model-script';

const KEY = 'sk-proj-e2eSecretValue-7f3a9c2d41b8';

let app: RunningApp;
let browser: Browser;
let page: Page;
let model: FakeOpenAI;
const framesReceived: string[] = [];

beforeAll(async () => {
  model = await startFakeOpenAI({ responder: scriptedModel });
  app = await startApp();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => framesReceived.push(String(payload))));
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await model?.close();
});

/** The environment of the running agent process for an agent key, read from /proc. */
function agentEnvironment(agentKey: string): Map<string, string> | null {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      continue;
    }
    const entries = environ.split('\0').filter(Boolean).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
    const env = new Map(entries);
    if (env.get('DSPATCH_AGENT_KEY') === agentKey && env.get('DSPATCH_WORKSPACE_DIR')?.startsWith('/tmp/dspatch-e2e-new-')) return env;
  }
  return null;
}

function cli(...args: string[]): string {
  return execFileSync(process.execPath, [join(repoRoot, 'bin/dspatch.cjs'), ...args, '--data-dir', app.dataDir], { encoding: 'utf8' });
}

describe('creating a workspace in the GUI', () => {
  it('asks for the secret during creation, launches, chats, and never leaks the key', async () => {
    const dir = join(tempDir('dspatch-e2e-new-'), 'shop');
    await page.goto(app.url);
    await page.getByTestId('nav-new-workspace').click();

    // Step 1: folder and name.
    await page.getByTestId('new-dir-input').fill(dir);
    await page.getByTestId('new-name-input').fill('shop');
    await page.getByTestId('new-next').click();

    // Step 2: agents, built in the Visual tab, then the endpoint added in the YAML tab.
    await page.getByTestId('template-select').selectOption('openai-assistant');
    await page.getByTestId('add-agent-button').click();
    await page.getByLabel('Sub-agent template').first().selectOption('echo');
    await page.getByTestId('add-sub-agent-button').first().click();
    await expect.poll(() => page.getByTestId('agent-card').count()).toBe(2);
    await page.getByTestId('tab-yaml').click();
    const editor = page.getByTestId('yaml-editor');
    const built = await editor.inputValue();
    expect(built).toMatch(/openai-assistant:\n\s+template: openai-assistant\n[\s\S]*sub_agents:\n\s+echo:\n\s+template: echo/);
    await editor.fill(built.replace('agents:', `env:\n  OPENAI_BASE_URL: ${model.baseURL}\nagents:`));
    await page.getByTestId('tab-visual').click();
    await expect.poll(() => page.getByTestId('agent-card').count()).toBe(2);
    await expect.poll(() => page.getByTestId('new-next').isEnabled(), { timeout: 10_000 }).toBe(true);
    await page.getByTestId('new-next').click();

    // Step 3: the secret is asked for right here, masked, and Create waits for it.
    const secret = page.getByTestId('secret-input-OPENAI_API_KEY');
    await expect.poll(() => secret.count()).toBe(1);
    expect(await secret.getAttribute('type')).toBe('password');
    expect(await page.getByTestId('new-workspace').innerText()).toMatch(/OPENAI_API_KEY\s*required\s*Needed by openai-assistant/);
    await expect.poll(() => page.getByTestId('create-button').isDisabled()).toBe(true);
    await screenshot(page, 'create-01-secrets-step');
    await secret.fill(KEY);
    await expect.poll(() => page.getByTestId('create-button').isEnabled()).toBe(true);
    await page.getByTestId('create-button').click();

    // The workspace: launch and chat with the root agent.
    await expect.poll(() => page.getByTestId('workspace-view').count(), { timeout: 10_000 }).toBe(1);
    expect(readFileSync(join(dir, 'dspatch.workspace.yml'), 'utf8')).toContain('template: openai-assistant');
    await page.getByTestId('launch-button').click();
    // Created in the app, so its code is not asked about; where the typed key goes is.
    const consent = page.getByRole('dialog', { name: 'Launch shop?' });
    await expect.poll(() => consent.getByRole('listitem').allInnerTexts()).toEqual([
      `sends OPENAI_API_KEY (a secret of this workspace) to ${new URL(model.baseURL).host}`,
    ]);
    await consent.getByRole('button', { name: 'Confirm and launch' }).click();
    await page.getByTestId('session-item').first().click();
    await page.getByTestId('composer-input').fill('what time is it?');
    await page.getByTestId('composer-send').click();
    await expect.poll(() => page.getByTestId('entry-tool-call').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('entry-message-assistant').last().innerText(), { timeout: 30_000 }).toContain('According to the tool');
    await screenshot(page, 'create-02-chat');

    // The secrets panel shows only a hint.
    await page.getByTestId('tab-secrets').click();
    await expect.poll(() => page.getByTestId('secret-row-OPENAI_API_KEY').innerText()).toContain(KEY.slice(-4));
    expect(await page.content()).not.toContain(KEY);

    // The key went to the model, and to the agent whose template requires it…
    expect(model.requests.some((request) => request.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    const assistantEnv = agentEnvironment('openai-assistant');
    expect(assistantEnv?.get('OPENAI_API_KEY')).toBe(KEY);
    // …and nowhere else.
    const echoEnv = agentEnvironment('echo');
    expect(echoEnv).not.toBeNull();
    expect(echoEnv!.has('OPENAI_API_KEY')).toBe(false);
    expect([...echoEnv!.values()].some((value) => value.includes(KEY))).toBe(false);

    expect(framesReceived.length).toBeGreaterThan(10);
    expect(framesReceived.filter((frame) => frame.includes(KEY))).toEqual([]);
    const files = ['dspatch.db', 'dspatch.db-wal', 'dspatch.db-shm', join('logs', 'host.log')];
    for (const file of files) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(app.dataDir, file));
      } catch {
        continue;
      }
      expect(bytes.includes(KEY), `${file} holds the key`).toBe(false);
    }
    const sessionId = await page.getByTestId('session-item').first().getAttribute('data-session-id');
    for (const exported of [
      cli('sessions', 'show', sessionId!, '--json'),
      cli('workspaces', 'show', 'shop', '--json'),
      cli('sessions', 'list', '--json'),
    ]) {
      expect(exported.length).toBeGreaterThan(0);
      expect(exported).not.toContain(KEY);
    }
    expect(app.output.join('\n')).not.toContain(KEY);
  });
});
