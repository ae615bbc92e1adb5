// `npm run pack`: electron-builder's unpacked Linux app (`--dir`) in release/pack/linux-unpacked
// (or `--output DIR`), after `npm run build`. Where the Electron binary was never downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD,
// as here and in CI), a placeholder Electron distribution stands in for it, so everything else in
// electron-builder's pipeline (file lists, asar, asarUnpack, fuses, resources, desktop metadata) runs
// for real and offline. Such a package cannot start; test/packaging/ checks it instead.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '..');
const { build, Platform } = require('electron-builder');
const { FuseV1Options, FuseState, SENTINEL } = { ...require('@electron/fuses'), ...require('@electron/fuses/dist/constants') };
const { default: config } = await import('../electron-builder.config.mjs');

const PLACEHOLDER_NOTE = 'placeholder Electron (npm run pack without the Electron binary)';
const { values } = parseArgs({ options: { output: { type: 'string' } } });
const output = resolve(values.output ?? join(root, 'release', 'pack'));

/** The real distribution when it was downloaded (node_modules/electron/dist), or null. */
function realElectronDist() {
  const dist = join(root, 'node_modules', 'electron', 'dist');
  return existsSync(join(root, 'node_modules', 'electron', 'path.txt')) && existsSync(dist) ? dist : null;
}

/**
 * What electron-builder reads from an unpacked Linux Electron: an `electron` executable (renamed to
 * the app's executableName) whose bytes carry the fuse wire (@electron/fuses finds it after its
 * sentinel: version, length, one state per fuse), and the folders it writes into or prunes.
 * The fuses start as Electron ships them, so flipping them is observable.
 */
function placeholderElectronDist(dist) {
  mkdirSync(join(dist, 'resources'), { recursive: true });
  mkdirSync(join(dist, 'locales'), { recursive: true });
  writeFileSync(join(dist, 'locales', 'en-US.pak'), '');
  const shipped = {
    [FuseV1Options.RunAsNode]: FuseState.ENABLE,
    [FuseV1Options.EnableCookieEncryption]: FuseState.DISABLE,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: FuseState.ENABLE,
    [FuseV1Options.EnableNodeCliInspectArguments]: FuseState.ENABLE,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: FuseState.DISABLE,
    [FuseV1Options.OnlyLoadAppFromAsar]: FuseState.DISABLE,
    [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: FuseState.DISABLE,
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: FuseState.ENABLE,
  };
  const wire = Object.keys(shipped).map((fuse) => shipped[fuse]);
  const script = `#!/bin/sh\necho "This is a ${PLACEHOLDER_NOTE}: it cannot run the app." >&2\nexit 1\n# `;
  const fuses = Buffer.concat([Buffer.from(SENTINEL, 'latin1'), Buffer.from([1, wire.length, ...wire]), Buffer.from('\n')]);
  writeFileSync(join(dist, 'electron'), Buffer.concat([Buffer.from(script), fuses]));
  chmodSync(join(dist, 'electron'), 0o755);
  const version = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  writeFileSync(join(dist, 'version'), version);
  writeFileSync(join(dist, 'LICENSE'), `${PLACEHOLDER_NOTE}\n`);
}

const real = realElectronDist();
// Its own folder each run: packs may run side by side (tests, other checkouts).
const placeholder = real ? null : mkdtempSync(join(tmpdir(), 'dspatch-electron-placeholder-'));
try {
  if (placeholder) {
    console.log(`pack: the Electron binary is absent; packaging with a ${PLACEHOLDER_NOTE}.`);
    placeholderElectronDist(placeholder);
  }
  await build({
    targets: Platform.LINUX.createTarget('dir'),
    config: {
      ...config,
      directories: { ...config.directories, output },
      electronDist: real ?? placeholder,
      // Rebuilding better-sqlite3 for Electron's ABI downloads Electron's headers: only with the real binary.
      npmRebuild: real ? config.npmRebuild : false,
    },
  });
  console.log(`pack: ${join(output, 'linux-unpacked')}`);
} finally {
  if (placeholder) rmSync(placeholder, { recursive: true, force: true });
}
