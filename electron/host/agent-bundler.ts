// Bundles a template's TypeScript entry point with the `dspatch` SDK (and everything it imports)
// into one CommonJS file a plain Node or Electron utility process can run.
//
// Built-in templates are bundled once, by `npm run build` (buildBuiltinBundles, from
// scripts/build-agents.js): their bundles ship in the package with a manifest of their sha256, and a
// launch only checks that hash. Any other template is bundled at launch, into a cache keyed by a hash
// of its sources, so a relaunch costs a hash, not a build; the package files a bundle took from
// node_modules are recorded beside it, and an edited one rebuilds it. The cache is only trusted as far as its
// content: each bundle's sha256 is recorded beside it and checked before every run, and a bundle that
// no longer matches (edited, truncated, replaced) is rebuilt, never run.
//
// Launch-time bundling runs the esbuild found in `nodeModulesDir` (in a package: app.asar.unpacked),
// never one inside app.asar: its native binary and the files it reads must be real files on disk. The
// manifest also lists every package the SDK can pull into a bundle, taken from esbuild's own metafile,
// so that electron-builder unpacks exactly those (electron-builder.config.mjs).
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, relative, resolve, sep } from 'node:path';
import type * as Esbuild from 'esbuild';
import { preparePrivateDir } from './data-dir';
import { HostError } from './errors';
import { missingPackageHint } from './template-scaffold';

export interface BundleRequest {
  /** The template's entry file, e.g. <template>/agent.ts. */
  entryPath: string;
  /** The app's `agents/` folder: the SDK, runtime and protocol sources. */
  agentsDir: string;
  cacheDir: string;
  /** Where bare imports (`@openai/agents`, `zod`, …) and esbuild itself resolve from: the app's node_modules. */
  nodeModulesDir: string;
  /** The build-time bundles of the built-in templates and their manifest (<appRoot>/out/agents), if built. */
  prebuiltDir?: string;
  /** Told when a cached bundle failed its check and is rebuilt. */
  warn: (message: string) => void;
}

/** <prebuiltDir>/manifest.json, written by `npm run build`. */
export interface PrebuiltManifest {
  esbuild: string;
  bundles: { template: string; sources: string; file: string; sha256: string }[];
  /** Folders under node_modules that launch-time bundles may read: electron-builder unpacks them. */
  unpack: string[];
}

export const PREBUILT_MANIFEST = 'manifest.json';

/**
 * Where the app's own files are on disk for processes that cannot read inside an archive (esbuild,
 * agent processes): the tree electron-builder unpacks next to app.asar. Unchanged outside a package.
 */
export function unpackedAppRoot(appPath: string): string {
  return appPath.replace(/app\.asar$/, 'app.asar.unpacked');
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
  const sources = sourcesKey(entryPath, request.agentsDir, esbuildVersion(request.nodeModulesDir));
  const prebuilt = request.prebuiltDir ? prebuiltBundle(request.prebuiltDir, sources) : null;
  if (prebuilt) return prebuilt;
  // The same sources in two folders are two cache entries: a bundle may name its source paths.
  const key = createHash('sha256').update(`${sources}\n${entryPath}`).digest('hex').slice(0, 24);
  const outFile = join(request.cacheDir, `agent-${key}.cjs`);
  if (existsSync(outFile)) {
    const problem = checkBundle(outFile, readRecordedHash(`${outFile}.sha256`));
    // A package the bundle took from a node_modules folder changed since: build again, quietly.
    if (!problem && packagesUnchanged(`${outFile}.packages.json`)) return outFile;
    if (problem) request.warn(`The cached agent bundle ${outFile} ${problem}; it was not run and is being rebuilt.`);
  }
  let pending = building.get(outFile);
  if (!pending) {
    pending = buildBundle(entryPath, outFile, request).finally(() => building.delete(outFile));
    building.set(outFile, pending);
  }
  return pending;
}

/**
 * The inputs of a bundle, independent of where they are installed: the esbuild version, the build
 * recipe, and the content (by relative path) of the template folder and of the SDK, runtime and
 * protocol. A packaged built-in template has the key `npm run build` recorded for it.
 */
function sourcesKey(entryPath: string, agentsDir: string, esbuild: string): string {
  const hash = createHash('sha256');
  hash.update(`esbuild ${esbuild}\n${RECIPE}\n${basename(entryPath)}\n`);
  hashTree(hash, resolve(entryPath, '..'));
  hash.update('\0agents\n');
  hashTree(hash, agentsDir, join(agentsDir, 'templates'));
  return hash.digest('hex').slice(0, 24);
}

const manifests = new Map<string, PrebuiltManifest | null>();

/** The build-time bundle made from exactly these sources, checked against its recorded sha256; null when there is none. */
function prebuiltBundle(prebuiltDir: string, sources: string): string | null {
  let manifest = manifests.get(prebuiltDir);
  if (manifest === undefined) {
    const file = join(prebuiltDir, PREBUILT_MANIFEST);
    manifest = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PrebuiltManifest) : null;
    manifests.set(prebuiltDir, manifest);
  }
  const entry = manifest?.bundles.find((bundle) => bundle.sources === sources);
  if (!entry) return null;
  const bundleFile = join(prebuiltDir, entry.file);
  const problem = !existsSync(bundleFile)
    ? 'is missing'
    : checkBundle(bundleFile, entry.sha256) && 'does not match the sha256 recorded when dspatch was built (it changed on disk)';
  if (problem) {
    // Never rebuilt in place: the app's own files changed, so the installation itself is damaged.
    throw new HostError('invalid_config', `The built-in agent bundle ${bundleFile} ${problem}; it was not run. Reinstall dspatch.`);
  }
  return bundleFile;
}

/** esbuild's version, without loading it: a launch of prebuilt or cached bundles never starts esbuild. */
function esbuildVersion(nodeModulesDir: string): string {
  return (JSON.parse(readFileSync(join(nodeModulesDir, 'esbuild', 'package.json'), 'utf8')) as { version: string }).version;
}

/** The esbuild installed in nodeModulesDir; its binary is resolved from there too. */
function loadEsbuild(nodeModulesDir: string): typeof Esbuild {
  return createRequire(join(nodeModulesDir, '..', 'package.json'))('esbuild') as typeof Esbuild;
}

/** The one recipe for every agent bundle, at build time and at launch. */
function buildOptions(agentsDir: string, nodeModulesDir: string): Esbuild.BuildOptions {
  return {
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
    alias: { dspatch: join(agentsDir, 'sdk', 'index.ts') },
    nodePaths: [nodeModulesDir],
    external: EXTERNAL,
  };
}

/** Bundles being built in this process, by output file: two launches of one template share a build (and its temp file). */
const building = new Map<string, Promise<string>>();

async function buildBundle(entryPath: string, outFile: string, request: BundleRequest): Promise<string> {
  const hashFile = `${outFile}.sha256`;
  preparePrivateDir(request.cacheDir);
  const tempFile = `${outFile}.${process.pid}.tmp`;
  let metafile: Esbuild.Metafile | undefined;
  try {
    metafile = await runBuild(loadEsbuild(request.nodeModulesDir), {
      ...buildOptions(request.agentsDir, request.nodeModulesDir),
      entryPoints: [entryPath],
      outfile: tempFile,
      metafile: true,
    });
  } catch (error) {
    const hint = missingPackageHint((error as { errors?: unknown }).errors, resolve(entryPath, '..'));
    const detail = hint ?? (error instanceof Error ? error.message.split('\n').slice(0, 6).join('\n') : String(error));
    throw new HostError('invalid_config', `The agent ${relative(process.cwd(), entryPath)} does not build:\n${detail}`);
  }
  // Like everything in the data folder, readable by this user only (esbuild writes 0644).
  chmodSync(tempFile, 0o600);
  // The hash and the packages first: a bundle without its hash beside it fails the check and is rebuilt.
  writeFileSync(`${hashFile}.${process.pid}.tmp`, sha256(readFileSync(tempFile)), { mode: 0o600 });
  renameSync(`${hashFile}.${process.pid}.tmp`, hashFile);
  const packagesFile = `${outFile}.packages.json`;
  writeFileSync(`${packagesFile}.${process.pid}.tmp`, JSON.stringify(packageInputs(metafile)), { mode: 0o600 });
  renameSync(`${packagesFile}.${process.pid}.tmp`, packagesFile);
  // Rename is atomic: a concurrent launch never runs a half-written bundle.
  renameSync(tempFile, outFile);
  return outFile;
}

export interface BuiltinTemplate {
  name: string;
  entryPath: string;
}

/**
 * `npm run build`: bundles each built-in template into outDir and writes the manifest that launches
 * check (PrebuiltManifest), including the node_modules folders that esbuild read for them and for
 * the whole SDK (what a user template may import through `dspatch`).
 */
export async function buildBuiltinBundles(options: {
  templates: BuiltinTemplate[];
  agentsDir: string;
  nodeModulesDir: string;
  outDir: string;
}): Promise<PrebuiltManifest> {
  const { agentsDir, nodeModulesDir, outDir } = options;
  const esbuild = loadEsbuild(nodeModulesDir);
  mkdirSync(outDir, { recursive: true });
  const manifest: PrebuiltManifest = { esbuild: esbuild.version, bundles: [], unpack: [] };
  const read = new Set<string>();
  const collect = (metafile: Esbuild.Metafile | undefined, workingDir: string) => {
    for (const input of Object.keys(metafile?.inputs ?? {})) {
      const folder = packageFolder(relative(nodeModulesDir, resolve(workingDir, input)));
      if (folder) read.add(folder);
    }
  };
  try {
    for (const template of options.templates) {
      const sources = sourcesKey(template.entryPath, agentsDir, esbuild.version);
      const file = `${template.name}-${sources}.cjs`;
      const result = await esbuild.build({
        ...buildOptions(agentsDir, nodeModulesDir),
        entryPoints: [template.entryPath],
        outfile: join(outDir, file),
        metafile: true,
      });
      collect(result.metafile, process.cwd());
      manifest.bundles.push({ template: template.name, sources, file, sha256: sha256(readFileSync(join(outDir, file))) });
    }
    // Everything the SDK exports, used: every package a user template can reach through `dspatch`.
    const sdk = await esbuild.build({
      ...buildOptions(agentsDir, nodeModulesDir),
      stdin: { contents: "export * from 'dspatch';", resolveDir: agentsDir, loader: 'ts' },
      write: false,
      metafile: true,
    });
    collect(sdk.metafile, process.cwd());
  } finally {
    await esbuild.stop();
  }
  manifest.unpack = [...read].sort();
  writeFileSync(join(outDir, PREBUILT_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** `@scope/name` or `name` (or `a/node_modules/b`) for a path relative to node_modules; null outside it. */
function packageFolder(path: string): string | null {
  if (path.startsWith('..') || resolve(path) === path) return null;
  const parts = path.split(sep);
  let end = 0;
  // The innermost package: after each node_modules segment comes one (or a scoped two-part) name.
  for (let i = 0; i < parts.length; ) {
    const length = parts[i].startsWith('@') ? 2 : 1;
    end = i + length;
    if (parts[end] !== 'node_modules') break;
    i = end + 1;
  }
  return parts.slice(0, end).join('/');
}

let buildsRunning = 0;

/**
 * esbuild's build() starts a service process and leaves it running: 130–250 MB for as long as the
 * host lives, for bundles made once per template. Stopped when the last concurrent build ends (a
 * workspace's agents are bundled while another launch may be bundling); the next build starts a new one.
 */
async function runBuild(esbuild: typeof Esbuild, options: Esbuild.BuildOptions): Promise<Esbuild.Metafile | undefined> {
  buildsRunning++;
  try {
    return (await esbuild.build(options)).metafile;
  } finally {
    if (--buildsRunning === 0) await esbuild.stop();
  }
}

/** A file a bundle read from a node_modules folder, as it was when the bundle was built. */
interface PackageInput {
  path: string;
  size: number;
  mtimeMs: number;
  sha256: string;
}

/**
 * The files the build read from node_modules folders (the template's own or the app's): the source
 * key hashes the template and SDK folders but not node_modules, which can be huge, so the cache keeps
 * exactly the package files the bundle used and checks them before each reuse.
 */
function packageInputs(metafile: Esbuild.Metafile | undefined): PackageInput[] {
  return Object.keys(metafile?.inputs ?? {})
    .map((input) => resolve(input))
    .filter((path) => path.split(sep).includes('node_modules'))
    .map((path) => {
      const stat = statSync(path);
      return { path, size: stat.size, mtimeMs: stat.mtimeMs, sha256: sha256(readFileSync(path)) };
    });
}

/** Whether every package file a cached bundle used is still as it was; false when unknown (an older cache entry). */
function packagesUnchanged(packagesFile: string): boolean {
  let inputs: PackageInput[];
  try {
    inputs = JSON.parse(readFileSync(packagesFile, 'utf8')) as PackageInput[];
  } catch {
    return false;
  }
  return inputs.every((input) => {
    if (!existsSync(input.path)) return false;
    const stat = statSync(input.path);
    if (stat.size !== input.size) return false;
    // Same size and time: unchanged for every editor and package manager; otherwise compare the content.
    return stat.mtimeMs === input.mtimeMs || sha256(readFileSync(input.path)) === input.sha256;
  });
}

function readRecordedHash(hashFile: string): string | null {
  try {
    return readFileSync(hashFile, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Why a bundle may not run, or null when its content is what was built. */
function checkBundle(bundleFile: string, recorded: string | null): string | null {
  if (!recorded) return 'has no recorded hash';
  return sha256(readFileSync(bundleFile)) === recorded ? null : 'does not match its recorded sha256 (it changed on disk)';
}

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Hashes the source files under `root` by their path relative to it, so the key does not depend on where they are installed. */
function hashTree(hash: ReturnType<typeof createHash>, root: string, skip?: string, dir = root): void {
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (path === skip) continue;
    const stat = statSync(path);
    if (stat.isDirectory()) hashTree(hash, root, skip, path);
    else if (SOURCE_FILE.test(name)) hash.update(`${relative(root, path).split(sep).join('/')}\n`).update(readFileSync(path));
  }
}
