// SecretCipher on Electron's safeStorage (the async API of Electron 45; the sync trio is deprecated).
// The safeStorage object is handed in by main.ts, so this file only imports Electron's types and is
// unit-tested under plain Node with a double.
import type { SafeStorage } from 'electron';
import type { SecretBackendInfo } from '../api/types';
import type { SecretCipher } from '../host/ports';

/** The part of Electron's safeStorage this cipher uses. */
export type SafeStorageApi = Pick<
  SafeStorage,
  'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'
>;

export interface SafeStorageCipherOptions {
  /** Defaults to process.platform; getSelectedStorageBackend() only means something on Linux. */
  platform?: NodeJS.Platform;
}

const UNAVAILABLE = 'OS secret storage is not available, so secrets cannot be saved or read.';

const NOTES: Record<string, { osProtected: boolean; note: string }> = {
  basic_text: {
    osProtected: false,
    note:
      'No OS keyring was found (Linux "basic_text" storage): secrets are only obfuscated with a fixed password, ' +
      'not protected. Start GNOME Keyring or KWallet, or launch with --password-store=gnome-libsecret.',
  },
  gnome_libsecret: {
    osProtected: true,
    note: 'Secrets are encrypted with a key kept in the GNOME keyring (libsecret).',
  },
  kwallet: { osProtected: true, note: 'Secrets are encrypted with a key kept in KWallet.' },
  kwallet5: { osProtected: true, note: 'Secrets are encrypted with a key kept in KWallet 5.' },
  kwallet6: { osProtected: true, note: 'Secrets are encrypted with a key kept in KWallet 6.' },
  unknown: {
    osProtected: false,
    note: 'The OS secret storage backend could not be determined, so secrets may not be protected by a keyring.',
  },
};

export class SafeStorageCipher implements SecretCipher {
  private readonly safeStorage: SafeStorageApi;
  private readonly platform: NodeJS.Platform;

  constructor(safeStorage: SafeStorageApi, options: SafeStorageCipherOptions = {}) {
    this.safeStorage = safeStorage;
    this.platform = options.platform ?? process.platform;
  }

  async describe(): Promise<SecretBackendInfo> {
    // Also initializes the async encryptor; the Linux backend reads 'unknown' before that.
    if (!(await this.safeStorage.isAsyncEncryptionAvailable())) {
      return { backend: 'safeStorage:unavailable', osProtected: false, note: UNAVAILABLE };
    }
    if (this.platform === 'darwin') {
      return {
        backend: 'safeStorage:keychain',
        osProtected: true,
        note: 'Secrets are encrypted with a key kept in the macOS Keychain.',
      };
    }
    if (this.platform === 'win32') {
      return {
        backend: 'safeStorage:dpapi',
        osProtected: true,
        note: 'Secrets are encrypted with Windows DPAPI for your user account.',
      };
    }
    const backend = this.safeStorage.getSelectedStorageBackend();
    const known = NOTES[backend] ?? NOTES.unknown;
    return { backend: `safeStorage:${backend}`, ...known };
  }

  /** basic_text still encrypts (weakly); describe() is what warns the user, not a refusal here. */
  async encrypt(plain: string): Promise<Buffer> {
    await this.requireAvailable();
    return this.safeStorage.encryptStringAsync(plain);
  }

  /**
   * `shouldReEncrypt` (the OS rotated its key) is not surfaced: the old blob stays readable, and
   * SecretCipher has no way to hand a fresh one back.
   */
  async decrypt(cipher: Buffer): Promise<string> {
    await this.requireAvailable();
    try {
      const { result } = await this.safeStorage.decryptStringAsync(cipher);
      return result;
    } catch (error) {
      throw new Error(
        'Secret cannot be decrypted with the OS secret storage: it was saved by another user or machine, or it is corrupted.',
        { cause: error },
      );
    }
  }

  private async requireAvailable(): Promise<void> {
    if (!(await this.safeStorage.isAsyncEncryptionAvailable())) throw new Error(UNAVAILABLE);
  }
}
