import { describe, expect, it } from 'vitest';
import { SafeStorageCipher } from '../../../electron/platform/safe-storage-cipher';
import { createFakeSafeStorage } from './electron-double';

describe('SafeStorageCipher', () => {
  it('round-trips through safeStorage without storing the plaintext', async () => {
    const storage = createFakeSafeStorage();
    const cipher = new SafeStorageCipher(storage, { platform: 'linux' });
    const blob = await cipher.encrypt('sk-test-äöü-123');
    expect(blob.includes(Buffer.from('sk-test'))).toBe(false);
    expect(await cipher.decrypt(blob)).toBe('sk-test-äöü-123');
    expect(storage.calls).toEqual({ encrypt: 1, decrypt: 1 });
  });

  it('returns the result even when the OS asks for re-encryption', async () => {
    const storage = createFakeSafeStorage();
    const cipher = new SafeStorageCipher(storage, { platform: 'linux' });
    const blob = await cipher.encrypt('value');
    storage.setShouldReEncrypt(true);
    expect(await cipher.decrypt(blob)).toBe('value');
  });

  it('reports a keyring backend on Linux as OS-protected', async () => {
    const cipher = new SafeStorageCipher(createFakeSafeStorage({ backend: 'kwallet6' }), {
      platform: 'linux',
    });
    expect(await cipher.describe()).toMatchObject({ backend: 'safeStorage:kwallet6', osProtected: true });
  });

  it('warns about basic_text', async () => {
    const storage = createFakeSafeStorage();
    const cipher = new SafeStorageCipher(storage, { platform: 'linux' });
    expect((await cipher.describe()).osProtected).toBe(true);
    storage.setBackend('basic_text');
    const info = await cipher.describe();
    expect(info.backend).toBe('safeStorage:basic_text');
    expect(info.osProtected).toBe(false);
    expect(info.note).toMatch(/not protected/);
    // Still usable: the UI warns, it does not block.
    expect(await cipher.decrypt(await cipher.encrypt('x'))).toBe('x');
  });

  it('treats an unknown backend as not protected', async () => {
    const cipher = new SafeStorageCipher(createFakeSafeStorage({ backend: 'unknown' }), {
      platform: 'linux',
    });
    expect(await cipher.describe()).toMatchObject({ backend: 'safeStorage:unknown', osProtected: false });
  });

  it('names the OS store on macOS and Windows without asking for a Linux backend', async () => {
    const storage = createFakeSafeStorage({ backend: 'basic_text' });
    expect(await new SafeStorageCipher(storage, { platform: 'darwin' }).describe()).toMatchObject({
      backend: 'safeStorage:keychain',
      osProtected: true,
    });
    expect(await new SafeStorageCipher(storage, { platform: 'win32' }).describe()).toMatchObject({
      backend: 'safeStorage:dpapi',
      osProtected: true,
    });
  });

  it('refuses to encrypt or decrypt when encryption is unavailable', async () => {
    const storage = createFakeSafeStorage();
    const cipher = new SafeStorageCipher(storage, { platform: 'linux' });
    const blob = await cipher.encrypt('secret-value');
    storage.setAvailable(false);
    expect(await cipher.describe()).toMatchObject({ backend: 'safeStorage:unavailable', osProtected: false });
    await expect(cipher.encrypt('secret-value')).rejects.toThrow(/not available/);
    await expect(cipher.decrypt(blob)).rejects.toThrow(/not available/);
    expect(storage.calls.encrypt).toBe(1);
  });

  it('wraps decryption failures in a message without the value', async () => {
    const cipher = new SafeStorageCipher(createFakeSafeStorage(), { platform: 'linux' });
    const error = await cipher.decrypt(Buffer.from('not-a-blob-secret-value')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/cannot be decrypted/);
    expect((error as Error).message).not.toContain('secret-value');
  });
});
