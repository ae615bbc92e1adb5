// workspaces.checkDir, the new-workspace wizard's folder check: the answers match what
// workspaces.create then does, and hostile input gets a sentence back, never a crash.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupHarness, scratchDir, startHost } from '../../helpers/host-harness';

afterEach(cleanupHarness);

describe('workspaces.checkDir', () => {
  it('accepts an existing folder or one that can be created, and says what is wrong otherwise', async () => {
    const t = await startHost();
    const root = scratchDir('dspatch-checkdir-');
    const check = (dir: string) => t.host.call('workspaces.checkDir', { dir });

    expect(await check(root)).toEqual({ problem: null, exists: true, hasConfig: false });
    expect(await check(join(root, 'new-project'))).toEqual({ problem: null, exists: false, hasConfig: false });
    writeFileSync(join(root, 'dspatch.workspace.yml'), 'name: x\n');
    expect((await check(`  ${root}  `)).hasConfig).toBe(true);

    expect((await check('projects/shop')).problem).toMatch(/not an absolute path.*\/shop/);
    expect((await check('')).problem).toMatch(/Type the project folder/);
    expect((await check(join(root, 'missing', 'deeper'))).problem).toMatch(/does not exist and cannot be created here/);
    writeFileSync(join(root, 'a-file'), '');
    expect((await check(join(root, 'a-file'))).problem).toMatch(/is a file, not a folder/);
    expect((await check(join(root, 'a-file', 'below'))).problem).toMatch(/cannot be created here/);
    // A path that climbs out is resolved first: what is checked is what create would use.
    mkdirSync(join(root, 'sub'));
    expect((await check(join(root, 'sub', '..', 'other'))).problem).toBeNull();
    // Over the bound, or not a string: a typed refusal.
    await expect(t.host.call('workspaces.checkDir', { dir: '/'.repeat(5000) })).rejects.toThrow(/Invalid request/);
    await expect(t.host.call('workspaces.checkDir', { dir: 42 } as never)).rejects.toThrow(/Invalid request/);
    expect((await check('/\u0000evil')).problem).toBeTypeOf('string');
  });
});
