// Bundles the `dspatch` command (electron/cli.ts and the Electron-free host) into out/cli/cli.js.
// Dependencies stay in node_modules; SQL migrations are inlined as text.
import { build } from 'esbuild';
import { rawText } from './esbuild-raw-text.js';

await build({
  entryPoints: ['electron/cli.ts'],
  outfile: 'out/cli/cli.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [rawText],
});
