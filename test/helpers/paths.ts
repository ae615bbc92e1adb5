import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const agentsDir = join(repoRoot, 'agents');
export const templatesDir = join(agentsDir, 'templates');
export const nodeModulesDir = join(repoRoot, 'node_modules');
/** Shared between test files so each agent template is bundled once per machine, not per test. */
export const agentCacheDir = join(tmpdir(), 'dspatch-test-agent-cache');

export function tempDir(prefix = 'dspatch-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
