// `dspatch serve` as users run it (the built CLI): the access link survives a restart on the same data
// folder, so a bookmark keeps working; `--new-token` replaces it and the old link stops opening the app.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_FILE } from '../../electron/serve/access-token';
import { killServers, serveProcess } from '../helpers/cli';
import { cleanupHarness, scratchDir } from '../helpers/host-harness';
import { repoRoot } from '../helpers/paths';

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-cli.js'], { cwd: repoRoot, stdio: 'pipe' });
}, 120_000);
afterEach(killServers);
afterAll(cleanupHarness);

/** Stops a serve the way Ctrl-C does, so it releases the data folder. */
async function stopServe(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  await exited;
}

/** What the app's socket address answers a plain request with this token: 426 (use a WebSocket) when it lets it in, 401 when not. */
async function apiStatus(url: URL, token: string): Promise<number> {
  return (await fetch(`${url.origin}/api?token=${encodeURIComponent(token)}`)).status;
}

describe('dspatch serve access link', () => {
  it('keeps the token across restarts, stored encrypted; --new-token replaces it', async () => {
    const dataDir = scratchDir('dspatch-it-token-');
    const first = await serveProcess(dataDir);
    const token = first.url.searchParams.get('token')!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    await stopServe(first.child);

    // Stored like a secret: only its owner may read the file, and the token is not in it as text.
    const file = join(dataDir, ACCESS_TOKEN_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file).includes(Buffer.from(token))).toBe(false);

    const second = await serveProcess(dataDir);
    expect(second.url.searchParams.get('token')).toBe(token);
    await stopServe(second.child);

    const rotated = await serveProcess(dataDir, {}, ['--new-token']);
    const newToken = rotated.url.searchParams.get('token')!;
    expect(newToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(newToken).not.toBe(token);
    expect(await apiStatus(rotated.url, token)).toBe(401);
    expect(await apiStatus(rotated.url, newToken)).toBe(426);
    await stopServe(rotated.child);

    const afterRotation = await serveProcess(dataDir);
    expect(afterRotation.url.searchParams.get('token')).toBe(newToken);
  });
});
