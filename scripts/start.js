// `npm start` (after `npm run build`): run the desktop app when the Electron binary is installed,
// otherwise fall back to browser mode (`dspatch serve`) with the same arguments.
import { join } from 'node:path';
import { electronBinary, NO_ELECTRON, projectDir, run } from './launch.js';

const args = process.argv.slice(2);
const electron = electronBinary();
if (electron) {
  run(electron, [projectDir, ...args]);
} else {
  console.log(`${NO_ELECTRON} — starting browser mode instead.`);
  run(process.execPath, [join(projectDir, 'bin', 'dspatch.cjs'), 'serve', ...args]);
}
