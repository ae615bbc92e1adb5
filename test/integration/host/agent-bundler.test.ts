// Bundling agents with real esbuild: builds that run at the same time all succeed, and the esbuild
// service process they shared does not outlive them (it holds 130–250 MB for nothing otherwise).
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleAgent, type BundleRequest } from '../../../electron/host/agent-bundler';
import { fixtureTemplatesDir } from '../../helpers/host-harness';
import { agentsDir, nodeModulesDir, tempDir } from '../../helpers/paths';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function request(template: string, cacheDir: string): BundleRequest {
  return { entryPath: join(fixtureTemplatesDir, template, 'agent.ts'), agentsDir, cacheDir, nodeModulesDir, warn: () => undefined };
}

/** This process's child processes running the esbuild binary (Linux /proc). */
function esbuildChildren(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const [name, rest] = [stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), stat.slice(stat.lastIndexOf(')') + 2).split(' ')];
        return name === 'esbuild' && Number(rest[1]) === process.pid && rest[0] !== 'Z';
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** A killed child leaves /proc once it has exited and Node has reaped it, shortly after. */
async function untilNoEsbuildChild(): Promise<number[]> {
  for (let i = 0; i < 100 && esbuildChildren().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  return esbuildChildren();
}

describe.runIf(process.platform === 'linux')('bundling agents', () => {
  it('builds concurrent bundles, the same template twice among them, then stops the esbuild service', async () => {
    const cacheDir = tempDir('dspatch-bundle-cache-');
    dirs.push(cacheDir);
    const templates = ['asker', 'caller', 'crasher', 'asker'];
    const builds = templates.map((template) => bundleAgent(request(template, cacheDir)));
    const bundles = await Promise.all(builds);

    expect(new Set(bundles).size).toBe(3);
    expect(bundles[3]).toBe(bundles[0]);
    for (const bundle of bundles) expect(readFileSync(bundle, 'utf8')).toContain('instance.spawn');
    expect(await untilNoEsbuildChild()).toEqual([]);

    // A later build starts a service of its own, and stops it too.
    const later = await bundleAgent(request('failing-tools', cacheDir));
    expect(readFileSync(later, 'utf8')).toContain('instance.spawn');
    expect(await untilNoEsbuildChild()).toEqual([]);
  });

  it('stops the esbuild service after a build that fails', async () => {
    const cacheDir = tempDir('dspatch-bundle-cache-');
    const templateDir = tempDir('dspatch-broken-template-');
    dirs.push(cacheDir, templateDir);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(templateDir, 'agent.ts'), "import { missing } from './nowhere';\nmissing();\n");
    await expect(bundleAgent({ ...request('asker', cacheDir), entryPath: join(templateDir, 'agent.ts') })).rejects.toThrow(/does not build/);
    expect(await untilNoEsbuildChild()).toEqual([]);
  });
});
