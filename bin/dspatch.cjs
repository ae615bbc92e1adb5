#!/usr/bin/env node
// The installed `dspatch` command runs the built CLI (an ES module). This file is CommonJS, and
// answers `--version` alone itself: Node starts a CommonJS file faster, and loading the CLI's modules
// would take longer than the rest of that command.
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  process.stdout.write(`${JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version}\n`);
  process.exit(0);
}
const cli = join(__dirname, '..', 'out', 'cli', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write('dspatch: the app is not built yet. Run `npm run build` (or `npm start`) first.\n');
  process.exit(1);
}
import(pathToFileURL(cli).href).catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
