// The agent bundle cache is trusted only as far as its content: a cached bundle that changed on
// disk after it was built is never handed out to run. Real esbuild builds into a private cache dir.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleAgent, type BundleRequest } from '../../../electron/host/agent-bundler';
import { fixtureTemplatesDir } from '../../helpers/host-harness';
import { agentsDir, nodeModulesDir, tempDir } from '../../helpers/paths';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function request(warnings: string[]): BundleRequest {
  const cacheDir = tempDir('dspatch-bundle-cache-');
  dirs.push(cacheDir);
  return {
    entryPath: join(fixtureTemplatesDir, 'asker', 'agent.ts'),
    agentsDir,
    cacheDir,
    nodeModulesDir,
    warn: (message) => warnings.push(message),
  };
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('the agent bundle cache', () => {
  it('rebuilds a cached bundle whose content was changed instead of running it', async () => {
    const warnings: string[] = [];
    const options = request(warnings);
    const built = await bundleAgent(options);
    const original = readFileSync(built, 'utf8');
    expect(readFileSync(`${built}.sha256`, 'utf8')).toBe(sha256(built));

    // Unchanged: used as it is, without a warning.
    expect(await bundleAgent(options)).toBe(built);
    expect(warnings).toEqual([]);

    writeFileSync(built, `${original}\nglobalThis.tampered = true;\n`);
    const used = await bundleAgent(options);
    expect(readFileSync(used, 'utf8')).toBe(original);
    expect(sha256(used)).toBe(readFileSync(`${used}.sha256`, 'utf8'));
    expect(warnings).toEqual([
      `The cached agent bundle ${built} does not match its recorded sha256 (it changed on disk); it was not run and is being rebuilt.`,
    ]);
  });

  it('rebuilds a cached bundle that has no recorded hash', async () => {
    const warnings: string[] = [];
    const options = request(warnings);
    const built = await bundleAgent(options);
    const original = readFileSync(built, 'utf8');
    // A bundle planted in the cache under the expected name, without the hash the host records.
    rmSync(`${built}.sha256`);
    writeFileSync(built, 'process.exit(42);\n');

    const used = await bundleAgent(options);
    expect(readFileSync(used, 'utf8')).toBe(original);
    expect(warnings).toEqual([`The cached agent bundle ${built} has no recorded hash; it was not run and is being rebuilt.`]);
  });
});
