// `npm start` (after `npm run build`): run the desktop app when the Electron binary is installed,
// otherwise fall back to browser mode (`dspatch serve`) with the same arguments.
//
// The binary is looked up without `require('electron')` first: with the binary missing, electron@45's
// index.js tries to download it (network) before throwing. Only when the file is known to exist do we
// ask the package for its path.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(projectDir, 'package.json'));

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

function run(command, args) {
  const child = spawn(command, args, { cwd: projectDir, stdio: 'inherit' });
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
  spawnSync(process.execPath, [installer], { cwd: projectDir, stdio: ['ignore', 'ignore', 'ignore'], timeout: 5 * 60_000 });
}

const args = process.argv.slice(2);
let electron = findElectronBinary();
if (!electron) {
  installElectronBinary();
  electron = findElectronBinary();
}
if (electron) {
  run(electron, [projectDir, ...args]);
} else {
  console.log(
    'The Electron binary is not installed here (no download, or ELECTRON_SKIP_BINARY_DOWNLOAD) — starting browser mode instead.',
  );
  run(process.execPath, [join(projectDir, 'bin', 'dspatch.js'), 'serve', ...args]);
}
