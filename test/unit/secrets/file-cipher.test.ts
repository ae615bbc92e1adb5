import { mkdtemp, readFile, rm, stat, chmod, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileCipher } from '../../../electron/serve/file-cipher';

const PLAIN = 'sk-proj-Very$ecret-Välue-0123456789';
const posix = process.platform !== 'win32';

describe('FileCipher', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'dspatch-cipher-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('round-trips values, including empty and long ones', async () => {
    const cipher = new FileCipher(dataDir);
    for (const value of [PLAIN, '', 'x'.repeat(100_000), '🔑 emoji']) {
      expect(await cipher.decrypt(await cipher.encrypt(value))).toBe(value);
    }
  });

  it('writes version ‖ iv ‖ ciphertext ‖ tag without the plaintext', async () => {
    const cipher = new FileCipher(dataDir);
    const blob = await cipher.encrypt(PLAIN);
    expect(blob[0]).toBe(1);
    expect(blob.length).toBe(1 + 12 + Buffer.byteLength(PLAIN) + 16);
    expect(blob.includes(Buffer.from(PLAIN))).toBe(false);
    expect(blob.toString('latin1')).not.toContain('Very$ecret');
    // A fresh IV each time.
    expect((await cipher.encrypt(PLAIN)).equals(blob)).toBe(false);
  });

  it('creates a 32-byte key file with mode 0600 (and a missing data dir)', async () => {
    const nested = path.join(dataDir, 'a', 'b');
    const cipher = new FileCipher(nested);
    await cipher.encrypt(PLAIN);
    const keyPath = path.join(nested, 'secret.key');
    expect(cipher.keyPath).toBe(keyPath);
    expect((await readFile(keyPath)).length).toBe(32);
    if (posix) expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
  });

  it('lets a second instance on the same data dir decrypt', async () => {
    const blob = await new FileCipher(dataDir).encrypt(PLAIN);
    expect(await new FileCipher(dataDir).decrypt(blob)).toBe(PLAIN);
  });

  it('agrees on one key when instances start at the same time', async () => {
    const ciphers = Array.from({ length: 8 }, () => new FileCipher(dataDir));
    const blobs = await Promise.all(ciphers.map((cipher) => cipher.encrypt(PLAIN)));
    for (const cipher of ciphers) {
      for (const blob of blobs) expect(await cipher.decrypt(blob)).toBe(PLAIN);
    }
  });

  it('fails with the wrong key without leaking the plaintext', async () => {
    const blob = await new FileCipher(dataDir).encrypt(PLAIN);
    const otherDir = await mkdtemp(path.join(os.tmpdir(), 'dspatch-cipher-other-'));
    try {
      const error = await new FileCipher(otherDir).decrypt(blob).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/wrong key or corrupted/);
      expect(String((error as Error).stack)).not.toContain(PLAIN);
      expect((error as Error).message).not.toContain('Very$ecret');
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it('rejects corrupted, truncated and unknown-version blobs', async () => {
    const cipher = new FileCipher(dataDir);
    const blob = await cipher.encrypt(PLAIN);
    const flipped = Buffer.from(blob);
    flipped[20] ^= 0x01;
    const badTag = Buffer.from(blob);
    badTag[badTag.length - 1] ^= 0x01;
    const badVersion = Buffer.from(blob);
    badVersion[0] = 2;
    for (const bad of [flipped, badTag, badVersion, blob.subarray(0, 20), Buffer.alloc(0)]) {
      const error = await cipher.decrypt(bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/cannot be decrypted/);
      expect((error as Error).message).not.toContain('Very$ecret');
    }
  });

  it.runIf(posix)('narrows a group/world-readable key file to 0600 and warns', async () => {
    const blob = await new FileCipher(dataDir).encrypt(PLAIN);
    const keyPath = path.join(dataDir, 'secret.key');
    await chmod(keyPath, 0o644);
    const warnings: string[] = [];
    const cipher = new FileCipher(dataDir, { log: { warn: (message) => warnings.push(message) } });
    expect(await cipher.decrypt(blob)).toBe(PLAIN);
    expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/readable by other users/);
  });

  it('refuses a key file of the wrong size instead of replacing it', async () => {
    const keyPath = path.join(dataDir, 'secret.key');
    await writeFile(keyPath, Buffer.alloc(10), { mode: 0o600 });
    const cipher = new FileCipher(dataDir);
    await expect(cipher.encrypt(PLAIN)).rejects.toThrow(/corrupt/);
    expect((await readFile(keyPath)).length).toBe(10);
  });

  it('describes itself as a file key, not an OS keychain', async () => {
    const info = await new FileCipher(dataDir).describe();
    expect(info).toEqual({
      backend: 'aes-256-gcm-file',
      osProtected: false,
      note: `Secrets are encrypted with a key stored in ${path.join(dataDir, 'secret.key')} (not an OS keychain).`,
    });
  });
});
