// `npm run dev`: electron-vite's dev server. The renderer hot-reloads; main and preload are rebuilt on
// change (--watch) and the app restarts. It needs the Electron binary: without it, one line says so
// and points at browser mode.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { electronBinary, NO_ELECTRON, projectDir, run } from './launch.js';

const electron = electronBinary();
if (!electron) {
  console.log(`${NO_ELECTRON} — \`npm run dev\` needs it; use \`npm run serve\` for browser mode.`);
  process.exit(1);
}
const require = createRequire(join(projectDir, 'package.json'));
const cli = join(require.resolve('electron-vite/package.json'), '..', 'bin', 'electron-vite.js');
// electron-vite finds Electron through ELECTRON_EXEC_PATH first, so it runs the binary found above
// (which honours ELECTRON_OVERRIDE_DIST_PATH) rather than looking again.
run(process.execPath, [cli, 'dev', '--watch', ...process.argv.slice(2)], {
  ...process.env,
  ELECTRON_EXEC_PATH: electron,
});
