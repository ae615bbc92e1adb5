// Bundles the `dspatch` command (electron/cli.ts and the Electron-free host) into out/cli/: cli.js and
// the chunks it imports when a command needs them (cli.ts imports the host lazily). Dependencies are
// bundled in: resolving and loading a few hundred files from node_modules was most of `dspatch serve`'s
// start. Native better-sqlite3, esbuild (it runs its own binary) and openai (loaded only when tasks
// are extracted) stay in node_modules. SQL migrations are inlined as text.
//
// Chunk names carry a content hash, and those of earlier builds are left in place: a process started
// from an earlier build may still import one of them.
import { build } from 'esbuild';
import { rawText } from './esbuild-raw-text.js';

await build({
  entryPoints: ['electron/cli.ts'],
  outdir: 'out/cli',
  splitting: true,
  chunkNames: '[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', 'esbuild', 'openai'],
  // Bundled CommonJS packages (pino, ws, yaml) call require() for Node's built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  sourcemap: true,
  logLevel: 'warning',
  plugins: [rawText],
});
