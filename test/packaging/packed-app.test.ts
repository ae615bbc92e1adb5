// The desktop package as electron-builder makes it (`npm run pack`, with a placeholder Electron where
// the binary is absent), checked from the outside: what app.asar holds, what is unpacked beside it,
// the fuses, and the host's own launch path run in plain Node against the packaged files. Plain Node
// cannot read inside app.asar (to it, it is one file), which is what an agent process gets: so every
// agent here, and the esbuild that bundles the user template, must work from app.asar.unpacked alone.
// Needs `npm run build` first (npm test builds before it runs the tests).
import * as asar from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { PrebuiltManifest } from '../../electron/host/agent-bundler';
import { useFakeOpenAI } from '../helpers/fake-model';
import { cleanupHarness, confirmLaunch, scratchDir, sendAndWait, startHost, workspaceDir, type TestHost } from '../helpers/host-harness';
import { repoRoot, tempDir } from '../helpers/paths';

const API_KEY = 'sk-dspatch-packaged-test-0123456789abcdef';
const fake = useFakeOpenAI();
afterEach(cleanupHarness);

let packDir = '';
let resources = '';
let unpacked = '';
let asarFile = '';
let files: string[] = [];

beforeAll(async () => {
  packDir = tempDir('dspatch-pack-');
  await promisify(execFile)(process.execPath, [join(repoRoot, 'scripts', 'pack.js'), '--output', packDir], {
    cwd: repoRoot,
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    maxBuffer: 16 * 1024 * 1024,
  });
  resources = join(packDir, 'linux-unpacked', 'resources');
  unpacked = join(resources, 'app.asar.unpacked');
  asarFile = join(resources, 'app.asar');
  files = asar.listPackage(asarFile, { isPack: false }).map((file) => file.slice(1));
});

afterAll(() => {
  // The package is ~80 MB: not left behind in /tmp.
  if (packDir) rmSync(packDir, { recursive: true, force: true });
});

const manifest = (): PrebuiltManifest => JSON.parse(readFileSync(join(unpacked, 'out', 'agents', 'manifest.json'), 'utf8')) as PrebuiltManifest;
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const isUnpacked = (path: string) => (asar.statFile(asarFile, path, false) as { unpacked?: boolean }).unpacked === true;

describe('the packaged app (npm run pack)', () => {
  it('packs the app into app.asar: main, preload, renderer and package.json; no CLI, maps or tests', () => {
    for (const file of ['package.json', 'out/main/main.js', 'out/preload/preload.cjs', 'out/renderer/index.html']) {
      expect(files, file).toContain(file);
      expect(isUnpacked(file), file).toBe(false);
    }
    const packageJson = JSON.parse(asar.extractFile(asarFile, 'package.json').toString('utf8')) as { main: string; productName: string };
    expect(packageJson.main).toBe('out/main/main.js');
    expect(files.filter((file) => file.startsWith('out/cli/'))).toEqual([]);
    expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
    expect(files.filter((file) => /\.(test|spec)\.[cm]?[jt]sx?$/.test(file))).toEqual([]);
    // Production dependencies only: no test tools, no Electron itself.
    for (const dev of ['vitest', 'playwright-core', 'electron', 'electron-builder', 'typescript']) {
      expect(files.some((file) => file.startsWith(`node_modules/${dev}/`)), dev).toBe(false);
    }
  });

  it('unpacks the agent sources, the built-in bundles with their recorded hashes, esbuild and every package the SDK reads', () => {
    const { bundles, unpack } = manifest();
    expect(bundles.map((bundle) => bundle.template).sort()).toEqual(['echo', 'openai-assistant']);
    for (const bundle of bundles) expect(sha256(join(unpacked, 'out', 'agents', bundle.file))).toBe(bundle.sha256);
    for (const file of ['agents/sdk/index.ts', 'agents/protocol.ts', 'agents/templates/openai-assistant/dspatch.agent.yml']) {
      expect(existsSync(join(unpacked, file)), file).toBe(true);
    }
    // The packages the issue found missing from the hand-kept list are among those computed.
    expect(unpack).toEqual(expect.arrayContaining(['ws', 'jose', 'cross-spawn', 'eventsource', '@openai/agents-core', 'zod', 'openai']));
    for (const folder of unpack.filter((name) => existsSync(join(repoRoot, 'node_modules', name, 'package.json')) && isProduction(name))) {
      expect(existsSync(join(unpacked, 'node_modules', folder, 'package.json')), folder).toBe(true);
    }
    const esbuildBinary = join(unpacked, 'node_modules', '@esbuild', `linux-${process.arch}`, 'bin', 'esbuild');
    accessSync(esbuildBinary, constants.X_OK);
    expect(readdirSync(join(unpacked, 'node_modules', 'better-sqlite3', 'build', 'Release'))).toEqual(['better_sqlite3.node']);
  });

  it('flips the security fuses in the executable as electron-builder.base.yml sets them', async () => {
    const { electronFuses } = parse(readFileSync(join(repoRoot, 'electron-builder.base.yml'), 'utf8')) as { electronFuses: Record<string, boolean> };
    const wire = await getCurrentFuseWire(join(packDir, 'linux-unpacked', 'dspatch'));
    expect(Object.keys(electronFuses).length).toBeGreaterThan(5);
    for (const [name, enabled] of Object.entries(electronFuses)) {
      const fuse = FuseV1Options[(name[0].toUpperCase() + name.slice(1)) as keyof typeof FuseV1Options];
      expect(wire[fuse], name).toBe(enabled ? 49 : 48); // '1' and '0' in the binary
    }
  });

  it('launches openai-assistant from its build-time bundle and a user template bundled at launch from the unpacked SDK', async () => {
    const cacheDir = scratchDir('dspatch-pack-cache-');
    const t = await startHost({ appRoot: unpacked, agentCacheDir: cacheDir });

    // The built-in template, against the fixture model server.
    fake.script({ text: 'Hello from the package.' });
    const started = performance.now();
    const builtIn = await launchWithKey(t, 'packaged-builtin', 'openai-assistant');
    const first = await sendAndWait(t, builtIn, 'Hi');
    const coldStartMs = performance.now() - started;
    expect(first.reply).toBe('Hello from the package.');
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    // Nothing was compiled for it: the cache holds no bundle.
    expect(readdirSync(cacheDir).filter((file) => file.endsWith('.cjs'))).toEqual([]);

    // A user template: esbuild (from app.asar.unpacked) bundles it with the SDK and zod at launch.
    await t.host.call('templates.add', { dir: userTemplate(), confirm: true });
    fake.script({ text: 'A user template answers.' });
    const user = await launchWithKey(t, 'packaged-user', 'packaged-user-agent');
    expect((await sendAndWait(t, user, 'Hi')).reply).toBe('A user template answers.');
    expect(readdirSync(cacheDir).filter((file) => file.endsWith('.cjs'))).toHaveLength(1);
    // Tests never assert wall-clock times; the figure is for the report.
    console.log(`packaged cold start (launch → first reply, openai-assistant, fixture model): ${coldStartMs.toFixed(0)} ms`);
  });

  it('refuses to run a built-in bundle that changed after the build, and says to reinstall', async () => {
    const echo = manifest().bundles.find((bundle) => bundle.template === 'echo')!;
    const file = join(unpacked, 'out', 'agents', echo.file);
    writeFileSync(file, `${readFileSync(file, 'utf8')}\nprocess.env.STOLEN = 'yes';\n`);
    const t = await startHost({ appRoot: unpacked, agentCacheDir: scratchDir('dspatch-pack-cache-') });
    const workspace = await t.host.call('workspaces.add', { dir: workspaceDir('name: tampered\nagents:\n  main:\n    template: echo\n') });
    await confirmLaunch(t, workspace.id);
    await expect(t.host.call('workspaces.launch', { workspaceId: workspace.id })).rejects.toThrow(
      /built-in agent bundle .*echo-.*does not match the sha256 recorded when dspatch was built.*Reinstall dspatch/s,
    );
  });
});

/** Adds a one-agent workspace on the fixture model, stores its key, confirms and launches it; the session id. */
async function launchWithKey(t: TestHost, name: string, template: string): Promise<string> {
  const yaml = `name: ${name}\nagents:\n  main:\n    template: ${template}\n    env:\n      OPENAI_BASE_URL: ${fake.baseURL}\n`;
  const workspace = await t.host.call('workspaces.add', { dir: workspaceDir(yaml) });
  await t.host.call('secrets.set', { workspaceId: workspace.id, key: 'OPENAI_API_KEY', value: API_KEY });
  await confirmLaunch(t, workspace.id);
  const { sessions } = await t.host.call('workspaces.launch', { workspaceId: workspace.id });
  return sessions[0].id;
}

/** A template outside the app that imports the SDK (OpenAiAgentContext, tool) and zod directly. */
function userTemplate(): string {
  const dir = scratchDir('dspatch-pack-template-');
  writeFileSync(
    join(dir, 'dspatch.agent.yml'),
    'name: packaged-user-agent\ndescription: A user template for the packaging test.\nentry_point: agent.ts\nrequired_env:\n  - OPENAI_API_KEY\n',
  );
  writeFileSync(
    join(dir, 'agent.ts'),
    [
      "import { DspatchEngine, OpenAiAgentContext, tool } from 'dspatch';",
      "import { z } from 'zod';",
      "const shout = tool({ name: 'shout', description: 'Upper-cases text.', parameters: z.object({ text: z.string() }), execute: ({ text }) => text.toUpperCase() });",
      'const dspatch = new DspatchEngine();',
      'dspatch.agent(OpenAiAgentContext, async function* (prompt, ctx) {',
      "  ctx.setup({ options: { model: 'gpt-4o' }, tools: [shout] });",
      '  await using _agent = await ctx.enter();',
      '  while (true) {',
      '    await ctx.run(prompt);',
      '    const next: string | undefined = yield;',
      '    if (next === undefined) break;',
      '    prompt = next;',
      '  }',
      '});',
      'dspatch.run();',
      '',
    ].join('\n'),
  );
  return dir;
}

/** Whether npm installed `name` for production (electron-builder packs only those). */
function isProduction(name: string): boolean {
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  return lock.packages[`node_modules/${name}`]?.dev !== true;
}
