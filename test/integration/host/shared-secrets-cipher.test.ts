// Desktop and CLI share one data folder but not one cipher: the app saves with the OS secret storage
// (safeStorage), the CLI with <dataDir>/secret.key. Here secrets the CLI cannot decrypt are stored
// for real (a safeStorage-shaped blob, and one from a real FileCipher with another key), and the CLI
// must name each one with its workspace and say how to provide it for one run; the app's cipher must
// read what the CLI saved.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DesktopCipher, FileCipher, SECRET_KEY_FILE } from '../../../electron/serve/file-cipher';
import { dspatch } from '../../helpers/cli';
import { fixtureTemplatesDir, scratchDir, singleAgentYaml, startHost, workspaceDir, cleanupHarness } from '../../helpers/host-harness';

const dataDir = scratchDir('dspatch-shared-secrets-');
const dir = workspaceDir(singleAgentYaml('cli-shared', 'reporter', 'secret-env'));
const cli = (args: string[], env: Record<string, string> = {}) => dspatch([...args, '--data-dir', dataDir], { env });
const check = (token: string) => `check ${createHash('sha256').update(token).digest('hex')}`;

afterAll(cleanupHarness);

/** Stores MY_TOKEN of the workspace as `blob`, the way the host stores any ciphertext. */
async function storeBlob(blob: Buffer): Promise<void> {
  const t = await startHost({ dataDir });
  try {
    const [workspace] = await t.host.call('workspaces.list', {});
    t.host.services.store.secrets.set(workspace.id, 'MY_TOKEN', blob, '…1234', Date.now());
  } finally {
    await t.close();
  }
}

describe('secrets the CLI cannot read', () => {
  beforeAll(async () => {
    expect((await cli(['templates', 'add', join(fixtureTemplatesDir, 'secret-env')])).code).toBe(0);
    expect((await cli(['workspaces', 'add', dir])).code).toBe(0);
  }, 60_000);

  it('names a secret the desktop app saved in the OS keychain, says how to provide it, then runs with it from the environment', async () => {
    // Chromium's os_crypt format as Electron's safeStorage writes it on Linux: "v11" ‖ AES-CBC data.
    await storeBlob(Buffer.concat([Buffer.from('v11'), randomBytes(32)]));
    const refused = await cli(['run', dir, '--prompt', 'hi']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("MY_TOKEN of workspace 'cli-shared'");
    expect(refused.stderr).toContain('saved by the dspatch desktop app in the OS secret storage');
    expect(refused.stderr).toContain('Start the dspatch desktop app');
    expect(refused.stderr).toContain('MY_TOKEN=… dspatch run DIR');

    const token = `env-${randomBytes(16).toString('hex')}`;
    const ran = await cli(['run', dir, '--prompt', check(token)], { MY_TOKEN: token });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('MY_TOKEN matches=yes');
  });

  it('names a secret encrypted with another key, without showing any of it', async () => {
    const other = new FileCipher(scratchDir('dspatch-other-key-'));
    const value = `other-${randomBytes(16).toString('hex')}`;
    await storeBlob(await other.encrypt(value));
    const refused = await cli(['run', dir, '--prompt', 'hi']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("MY_TOKEN of workspace 'cli-shared'");
    expect(refused.stderr).toContain('wrong key or corrupted data');
    expect(refused.stderr + refused.stdout).not.toContain(value);
  });
});

describe("the desktop app's cipher", () => {
  it('reads what the CLI saved with the file key, and what it saved itself', async () => {
    const folder = scratchDir('dspatch-desktop-cipher-');
    const saved = await new FileCipher(folder).encrypt('from the CLI');
    // A real cipher with a key of its own stands for safeStorage (which needs Electron).
    const desktop = new DesktopCipher(new FileCipher(scratchDir('dspatch-os-storage-')), new FileCipher(folder, { createKey: false }));
    expect(await desktop.decrypt(saved)).toBe('from the CLI');
    expect(await desktop.decrypt(await desktop.encrypt('from the app'))).toBe('from the app');
    // Neither key: the OS storage's error, not the file's.
    const stranger = await new FileCipher(scratchDir('dspatch-stranger-')).encrypt('x');
    await expect(desktop.decrypt(stranger)).rejects.toThrow(/dspatch-os-storage-.*wrong key/);
  });

  it('never makes a key file of its own', async () => {
    const folder = scratchDir('dspatch-desktop-nokey-');
    const desktop = new DesktopCipher(new FileCipher(scratchDir('dspatch-os-storage-')), new FileCipher(folder, { createKey: false }));
    const stranger = await new FileCipher(scratchDir('dspatch-stranger-')).encrypt('x');
    await expect(desktop.decrypt(stranger)).rejects.toThrow(/wrong key/);
    expect(existsSync(join(folder, SECRET_KEY_FILE))).toBe(false);
  });
});
