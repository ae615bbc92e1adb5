// What `npm start` (scripts/start.js) and `npm run dev` (scripts/dev.js) share: finding the Electron
// executable, and running a child that takes our place (signals forwarded, its exit status ours).
//
// The binary is looked up without `require('electron')` first: with the binary missing, electron@45's
// index.js tries to download it (network) before throwing. Only when the file is known to exist do we
// ask the package for its path.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(projectDir, 'package.json'));

/** The one line printed where the binary is missing; the caller says what it does instead. */
export const NO_ELECTRON =
  'The Electron binary is not installed here (no download, or ELECTRON_SKIP_BINARY_DOWNLOAD)';

/** Absolute path of the Electron executable, or null when it is not installed. */
function findElectronBinary() {
  let packageDir;
  try {
    packageDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(packageDir, 'path.txt');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!override && !existsSync(pathFile)) return null;
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const expected = override ? join(override, relative) : join(packageDir, 'dist', relative);
  if (!existsSync(expected)) return null;
  try {
    const binary = require('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

/**
 * npm does not run Electron's download script on install (package.json allowScripts), so an
 * `npm install` never fails offline. Fetch the binary here, once, unless told not to.
 */
function installElectronBinary() {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return;
  let installer;
  try {
    installer = join(dirname(require.resolve('electron/package.json')), 'install.js');
  } catch {
    return;
  }
  spawnSync(process.execPath, [installer], {
    cwd: projectDir,
    stdio: ['ignore', 'ignore', 'ignore'],
    timeout: 5 * 60_000,
  });
}

/** The Electron executable, downloading it first if allowed; null when there is none. */
export function electronBinary() {
  const found = findElectronBinary();
  if (found) return found;
  installElectronBinary();
  return findElectronBinary();
}

/** Runs `command` in the project folder in our place: Ctrl-C reaches it, and its exit is ours. */
export function run(command, args, env = process.env) {
  const child = spawn(command, args, { cwd: projectDir, stdio: 'inherit', env });
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on('SIGINT', () => forward('SIGINT'));
  process.on('SIGTERM', () => forward('SIGTERM'));
  child.on('error', (error) => {
    console.error(`Could not start ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      // Re-raise so our parent sees the same cause of death.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}
