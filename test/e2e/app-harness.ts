// End-to-end harness: the real app in browser mode (`dspatch serve`, its own process) driven in
// Debian's Chromium through playwright-core. Never downloads a browser.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot, tempDir } from '../helpers/paths';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(repoRoot, '.test-results', 'screenshots');

export interface RunningApp {
  url: string;
  dataDir: string;
  process: ChildProcess;
  output: string[];
  stop(): Promise<void>;
}

/** Starts `dspatch serve` on a free port and resolves with the printed URL. */
export async function startApp(options: { dataDir?: string; env?: Record<string, string> } = {}): Promise<RunningApp> {
  const dataDir = options.dataDir ?? tempDir('dspatch-e2e-data-');
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'dspatch.cjs'), 'serve', '--port', '0', '--data-dir', dataDir], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dataDir, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      output.push(line);
      if (line.startsWith('http://')) resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`dspatch serve exited with ${code}:\n${output.join('\n')}`)));
  });
  return {
    url,
    dataDir,
    process: child,
    output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

/** The usual start of an e2e file: the app in browser mode and one Chromium page on it; `close` ends both. */
export async function openAppPage(
  viewport = { width: 1280, height: 800 },
): Promise<{ app: RunningApp; browser: Browser; page: Page; close: () => Promise<void> }> {
  const app = await startApp();
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport });
  return {
    app,
    browser,
    page,
    async close() {
      await browser.close();
      await app.stop();
    },
  };
}

/** With a color scheme: taken in it, once the switch's CSS transitions have finished; then back to light. */
export async function screenshot(page: Page, name: string, colorScheme?: 'light' | 'dark'): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  if (colorScheme) {
    await page.emulateMedia({ colorScheme });
    await page.evaluate(
      'Promise.all(document.getAnimations().filter((a) => a instanceof CSSTransition).map((a) => a.finished)).then(() => true)',
    );
  }
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
  if (colorScheme) await page.emulateMedia({ colorScheme: 'light' });
}

/** A workspace folder holding the given dspatch.workspace.yml. */
export function workspaceDir(yaml: string): string {
  const dir = tempDir('dspatch-e2e-ws-');
  writeFileSync(join(dir, 'dspatch.workspace.yml'), yaml);
  return dir;
}
