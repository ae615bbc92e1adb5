// A stand-in for the parts of 'electron' that platform/ code uses, for unit tests under plain Node
// (the Electron binary is not installed). Grow it as more platform files get tested.
import type { SafeStorageApi } from '../../../electron/platform/safe-storage-cipher';

export type StorageBackend = ReturnType<SafeStorageApi['getSelectedStorageBackend']>;

const MAGIC = Buffer.from('fake-safe-storage:');

export interface FakeSafeStorage extends SafeStorageApi {
  setBackend(backend: StorageBackend): void;
  setAvailable(available: boolean): void;
  /** Make the next decryptStringAsync results ask for re-encryption. */
  setShouldReEncrypt(value: boolean): void;
  readonly calls: { encrypt: number; decrypt: number };
}

/**
 * A fake safeStorage: "encryption" is a magic prefix plus the UTF-8 bytes XOR 0x5a, so it is
 * reversible, never equals the plaintext, and rejects blobs it did not make, like the real one.
 */
export function createFakeSafeStorage(
  options: { backend?: StorageBackend; available?: boolean } = {},
): FakeSafeStorage {
  let backend: StorageBackend = options.backend ?? 'gnome_libsecret';
  let available = options.available ?? true;
  let shouldReEncrypt = false;
  const calls = { encrypt: 0, decrypt: 0 };
  const flip = (bytes: Buffer): Buffer => Buffer.from(bytes.map((byte) => byte ^ 0x5a));

  return {
    calls,
    setBackend: (value) => {
      backend = value;
    },
    setAvailable: (value) => {
      available = value;
    },
    setShouldReEncrypt: (value) => {
      shouldReEncrypt = value;
    },
    isAsyncEncryptionAvailable: async () => available,
    getSelectedStorageBackend: () => backend,
    encryptStringAsync: async (plainText) => {
      calls.encrypt++;
      if (!available) throw new Error('Encryption is not available.');
      return Buffer.concat([MAGIC, flip(Buffer.from(plainText, 'utf8'))]);
    },
    decryptStringAsync: async (encrypted) => {
      calls.decrypt++;
      if (!available) throw new Error('Decryption is not available.');
      if (!encrypted.subarray(0, MAGIC.length).equals(MAGIC)) {
        throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      }
      return { shouldReEncrypt, result: flip(encrypted.subarray(MAGIC.length)).toString('utf8') };
    },
  };
}

/** Shaped like the module, for `vi.mock('electron', () => electronDouble())`. */
export function electronDouble(safeStorage: FakeSafeStorage = createFakeSafeStorage()): {
  safeStorage: FakeSafeStorage;
} {
  return { safeStorage };
}
