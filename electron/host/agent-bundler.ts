// Bundles a template's TypeScript entry point with the `dspatch` SDK (and everything it imports)
// into one CommonJS file a plain Node or Electron utility process can run. Bundles are cached by a
// hash of their inputs, so a relaunch costs a hash, not a build. The cache is only trusted as far
// as its content: each bundle's sha256 is recorded beside it and checked before every run, and a
// bundle that no longer matches (edited, truncated, replaced) is rebuilt, never run.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type * as Esbuild from 'esbuild';
import { preparePrivateDir } from './data-dir';
import { HostError } from './errors';

export interface BundleRequest {
  /** The template's entry file, e.g. <template>/agent.ts. */
  entryPath: string;
  /** The app's `agents/` folder: the SDK, runtime and protocol sources. */
  agentsDir: string;
  cacheDir: string;
  /** Where bare imports (`@openai/agents`, `zod`, …) resolve from: the app's node_modules. */
  nodeModulesDir: string;
  /** Told when a cached bundle failed its check and is rebuilt. */
  warn: (message: string) => void;
}

const SOURCE_FILE = /\.(ts|tsx|js|mjs|cjs|json)$/;
/** Optional native speed-ups of `ws`; it falls back to plain JS without them. */
const EXTERNAL = ['bufferutil', 'utf-8-validate'];
/** Part of the cache key: change it whenever the build options below change. */
const RECIPE = `cjs node20 no-sourcemap minify-whitespace ascii external=${EXTERNAL.join(',')}`;

export async function bundleAgent(request: BundleRequest): Promise<string> {
  const entryPath = resolve(request.entryPath);
  if (!existsSync(entryPath)) {
    throw new HostError('invalid_config', `The agent entry point ${entryPath} does not exist.`);
  }
  const templateDir = resolve(entryPath, '..');
  // Imported here, not at the top: a host that never bundles (or finds its bundles cached) never loads it.
  const esbuild = await import('esbuild');
  const hash = createHash('sha256');
  hash.update(`esbuild ${esbuild.version}\n${RECIPE}\n${entryPath}\n`);
  hashTree(hash, templateDir);
  hashTree(hash, request.agentsDir, join(request.agentsDir, 'templates'));
  const key = hash.digest('hex').slice(0, 24);
  const outFile = join(request.cacheDir, `agent-${key}.cjs`);
  if (existsSync(outFile)) {
    const problem = checkBundle(outFile, `${outFile}.sha256`);
    if (!problem) return outFile;
    request.warn(`The cached agent bundle ${outFile} ${problem}; it was not run and is being rebuilt.`);
  }
  let pending = building.get(outFile);
  if (!pending) {
    pending = buildBundle(esbuild, entryPath, outFile, request).finally(() => building.delete(outFile));
    building.set(outFile, pending);
  }
  return pending;
}

/** Bundles being built in this process, by output file: two launches of one template share a build (and its temp file). */
const building = new Map<string, Promise<string>>();

async function buildBundle(esbuild: typeof Esbuild, entryPath: string, outFile: string, request: BundleRequest): Promise<string> {
  const hashFile = `${outFile}.sha256`;
  preparePrivateDir(request.cacheDir);
  const tempFile = `${outFile}.${process.pid}.tmp`;
  try {
    await runBuild(esbuild, {
      entryPoints: [entryPath],
      outfile: tempFile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      // An inline map would double the source text every agent process holds in memory.
      sourcemap: false,
      // V8 keeps a script's source in memory for the process's life: without comments and padding,
      // and all ASCII (one byte a character instead of two), it is a third of the size.
      minifyWhitespace: true,
      charset: 'ascii',
      logLevel: 'silent',
      alias: { dspatch: join(request.agentsDir, 'sdk', 'index.ts') },
      nodePaths: [request.nodeModulesDir],
      external: EXTERNAL,
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n').slice(0, 6).join('\n') : String(error);
    throw new HostError('invalid_config', `The agent ${relative(process.cwd(), entryPath)} does not build:\n${detail}`);
  }
  // Like everything in the data folder, readable by this user only (esbuild writes 0644).
  chmodSync(tempFile, 0o600);
  // The hash first: a bundle without its hash beside it fails the check and is rebuilt.
  writeFileSync(`${hashFile}.${process.pid}.tmp`, sha256(readFileSync(tempFile)), { mode: 0o600 });
  renameSync(`${hashFile}.${process.pid}.tmp`, hashFile);
  // Rename is atomic: a concurrent launch never runs a half-written bundle.
  renameSync(tempFile, outFile);
  return outFile;
}

let buildsRunning = 0;

/**
 * esbuild's build() starts a service process and leaves it running: 130–250 MB for as long as the
 * host lives, for bundles made once per template. Stopped when the last concurrent build ends (a
 * workspace's agents are bundled while another launch may be bundling); the next build starts a new one.
 */
async function runBuild(esbuild: typeof Esbuild, options: Esbuild.BuildOptions): Promise<void> {
  buildsRunning++;
  try {
    await esbuild.build(options);
  } finally {
    if (--buildsRunning === 0) await esbuild.stop();
  }
}

/** Why a cached bundle may not run, or null when its content is what was built. */
function checkBundle(bundleFile: string, hashFile: string): string | null {
  let recorded: string;
  try {
    recorded = readFileSync(hashFile, 'utf8').trim();
  } catch {
    return 'has no recorded hash';
  }
  return sha256(readFileSync(bundleFile)) === recorded ? null : 'does not match its recorded sha256 (it changed on disk)';
}

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

function hashTree(hash: ReturnType<typeof createHash>, dir: string, skip?: string): void {
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (path === skip) continue;
    const stat = statSync(path);
    if (stat.isDirectory()) hashTree(hash, path, skip);
    else if (SOURCE_FILE.test(name)) hash.update(`${path}\n`).update(readFileSync(path));
  }
}
