// `npm test`: everything a clean machine can run, in order — typecheck, lint, build, then the unit,
// integration and end-to-end tests (vitest; the e2e tests drive Debian's Chromium). Ends with one
// summary line `tests: N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const steps = [
  ['typecheck', 'npm', ['run', '--silent', 'typecheck']],
  ['lint', 'npm', ['run', '--silent', 'lint']],
  ['build', 'npm', ['run', '--silent', 'build']],
];
for (const [name, command, args] of steps) {
  console.log(`\n▶ ${name}`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`\n✗ ${name} failed`);
    process.exit(result.status ?? 1);
  }
}

console.log('\n▶ vitest (unit, integration, e2e)');
const reportFile = '.test-results/vitest.json';
mkdirSync('.test-results', { recursive: true });
rmSync(reportFile, { force: true });
const run = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);

if (!existsSync(reportFile)) {
  console.error('vitest wrote no report');
  process.exit(run.status || 1);
}
const report = JSON.parse(readFileSync(reportFile, 'utf8'));
const passed = report.numPassedTests ?? 0;
// A file that fails to load has no failed test but a failed suite: count it, once.
const failed = report.numFailedTests || (report.numFailedTestSuites ?? 0);
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(run.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
