// `dspatch api-key` as users run it (the built CLI): the key is made once and kept; while `dspatch
// serve` holds the folder, the command asks that host, and the key it prints opens the served API.
import { AcontextClient } from '@acontext/acontext';
import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dspatch, killServers, serveProcess } from '../../helpers/cli';
import { cleanupHarness, scratchDir } from '../../helpers/host-harness';
import { repoRoot } from '../../helpers/paths';

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-cli.js'], { cwd: repoRoot, stdio: 'pipe' });
}, 120_000);
afterEach(killServers);
afterAll(cleanupHarness);

describe('dspatch api-key', () => {
  it('prints the same key every time, also through a running serve, and that key opens its /api/v1', async () => {
    const dataDir = scratchDir('dspatch-it-apikey-');
    const first = await dspatch(['api-key', '--data-dir', dataDir]);
    expect(first.code).toBe(0);
    const key = first.stdout.trim();
    expect(key).toMatch(/^sk-ac-[A-Za-z0-9_-]{32}$/);

    const { url } = await serveProcess(dataDir);
    const again = await dspatch(['api-key', '--data-dir', dataDir, '--json']);
    expect(JSON.parse(again.stdout)).toEqual({ apiKey: key });
    const client = new AcontextClient({ apiKey: key, baseUrl: `${url.origin}/api/v1` });
    expect(await client.ping()).toBe('pong');
    await expect(new AcontextClient({ apiKey: 'sk-ac-guess', baseUrl: `${url.origin}/api/v1` }).ping()).rejects.toMatchObject({ statusCode: 401 });
  });
});
