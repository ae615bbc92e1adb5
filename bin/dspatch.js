#!/usr/bin/env node
// The installed `dspatch` command runs the built CLI. `--version` alone is answered here: loading the
// CLI's modules would take longer than the rest of the command.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
  process.exit(0);
}
const cli = fileURLToPath(new URL('../out/cli/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('dspatch: the app is not built yet. Run `npm run build` (or `npm start`) first.\n');
  process.exit(1);
}
await import(cli);
