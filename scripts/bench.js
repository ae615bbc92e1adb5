// `npm run bench`: builds the app, then runs each benchmark in test/bench/ (bundled with esbuild,
// dependencies from node_modules) one after another. Each prints its own figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { build } from 'esbuild';
import { rawText } from './esbuild-raw-text.js';

const only = process.argv[2];
const benches = readdirSync('test/bench').filter((name) => name.endsWith('.ts') && name !== 'bench-utils.ts' && (!only || name.includes(only)));
for (const name of benches) {
  const outfile = `.bench/${name.replace(/\.ts$/, '.mjs')}`;
  await build({ entryPoints: [`test/bench/${name}`], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning', plugins: [rawText] });
  console.log(`\n=== ${name} ===`);
  const result = spawnSync(process.execPath, [outfile], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
