#!/usr/bin/env node
// The installed `dspatch` command runs the built CLI.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../out/cli/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('dspatch: the app is not built yet. Run `npm run build` (or `npm start`) first.\n');
  process.exit(1);
}
await import(cli);
