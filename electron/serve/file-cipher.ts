// SecretCipher for browser mode and the CLI, where there is no OS keychain: AES-256-GCM with a random
// key kept in <dataDir>/secret.key (mode 0600). Anyone who can read that file can read the secrets,
// and describe() says so to the user.
//
// Blob layout: version(1) ‖ iv(12) ‖ ciphertext ‖ tag(16). The version byte is also the GCM
// additional data, so it cannot be altered without failing authentication.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, copyFile, link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { SecretBackendInfo } from '../api/types';
import type { SecretCipher } from '../host/ports';

export const SECRET_KEY_FILE = 'secret.key';
const VERSION = 1;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES;
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

/** Structurally compatible with the platform and host loggers; never given a secret. */
export interface CipherLogger {
  warn(message: string, context?: Record<string, unknown>): void;
}

export interface FileCipherOptions {
  log?: CipherLogger;
  /** False: only read an existing key file, never make one (the desktop app reading what the CLI saved). */
  createKey?: boolean;
}

/** Chromium's os_crypt, under Electron's safeStorage on Linux and macOS, starts every blob with "v10" or "v11". */
const OS_STORAGE_PREFIX = /^v1[01]/;

const consoleWarn: CipherLogger = {
  warn: (message, context) => console.warn(`[dspatch] warn ${message}`, context ?? ''),
};

export class FileCipher implements SecretCipher {
  readonly keyPath: string;
  private readonly dataDir: string;
  private readonly log: CipherLogger;
  private readonly mayCreateKey: boolean;
  private key: Promise<Buffer> | null = null;

  constructor(dataDir: string, options: FileCipherOptions = {}) {
    this.dataDir = path.resolve(dataDir);
    this.keyPath = path.join(this.dataDir, SECRET_KEY_FILE);
    this.log = options.log ?? consoleWarn;
    this.mayCreateKey = options.createKey ?? true;
  }

  async describe(): Promise<SecretBackendInfo> {
    return {
      backend: 'aes-256-gcm-file',
      osProtected: false,
      note: `Secrets are encrypted with a key stored in ${this.keyPath} (not an OS keychain).`,
    };
  }

  async encrypt(plain: string): Promise<Buffer> {
    const key = await this.loadKey();
    const iv = randomBytes(IV_BYTES);
    const version = Buffer.from([VERSION]);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(version);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([version, iv, body, cipher.getAuthTag()]);
  }

  async decrypt(blob: Buffer): Promise<string> {
    if (OS_STORAGE_PREFIX.test(blob.subarray(0, 3).toString('latin1'))) {
      throw new Error(
        'Secret cannot be decrypted: it was saved by the dspatch desktop app in the OS secret storage, which only the desktop app can read.',
      );
    }
    const key = await this.loadKey();
    if (blob.length < HEADER_BYTES + TAG_BYTES)
      throw new Error('Secret cannot be decrypted: the stored value is truncated.');
    if (blob[0] !== VERSION)
      throw new Error(`Secret cannot be decrypted: unknown format version ${blob[0]}.`);
    const iv = blob.subarray(1, HEADER_BYTES);
    const body = blob.subarray(HEADER_BYTES, blob.length - TAG_BYTES);
    const tag = blob.subarray(blob.length - TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(blob.subarray(0, 1));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      // GCM authenticates before anything is returned, so no plaintext exists to leak; the message
      // is ours and generic on purpose.
      throw new Error(`Secret cannot be decrypted with ${this.keyPath}: wrong key or corrupted data.`);
    }
  }

  /** Loaded once; a failure is not cached, so fixing the file and retrying works. */
  private loadKey(): Promise<Buffer> {
    if (!this.key) {
      this.key = this.readOrCreateKey().catch((error: unknown) => {
        this.key = null;
        throw error;
      });
    }
    return this.key;
  }

  private async readOrCreateKey(): Promise<Buffer> {
    const existing = await this.readKey();
    if (existing) return existing;
    if (!this.mayCreateKey) throw new Error(`Secret cannot be decrypted: there is no ${this.keyPath}.`);
    await this.createKey();
    const created = await this.readKey();
    if (!created) throw new Error(`Could not create ${this.keyPath}.`);
    return created;
  }

  /** The key, or null when the file does not exist. A short or long file is corrupt, never replaced. */
  private async readKey(): Promise<Buffer | null> {
    let key: Buffer;
    try {
      key = await readFile(this.keyPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    if (key.length !== KEY_BYTES) {
      // Replacing it would make every stored secret unreadable without telling anyone.
      throw new Error(
        `${this.keyPath} is corrupt (expected ${KEY_BYTES} bytes, found ${key.length}); restore it or delete it and enter the secrets again.`,
      );
    }
    await this.tightenMode();
    return key;
  }

  /**
   * A key file readable by group or others is narrowed to 0600 and a warning logged, rather than
   * refused: refusing would lock the user out of their secrets, while the warning tells them the key
   * may have been exposed. Windows has no such mode bits, so nothing is checked there.
   */
  private async tightenMode(): Promise<void> {
    if (process.platform === 'win32') return;
    const { mode } = await stat(this.keyPath);
    if ((mode & 0o077) === 0) return;
    await chmod(this.keyPath, 0o600);
    this.log.warn(
      'secret key file was readable by other users; its mode is now 0600. Consider rotating the stored secrets.',
      {
        file: this.keyPath,
        previousMode: (mode & 0o777).toString(8),
      },
    );
  }

  /**
   * Writes a fresh key to a private temp file, then hard-links it into place: link() fails if the
   * key already exists, so two processes starting together (serve and the CLI) agree on one key and
   * no reader ever sees a half-written file.
   */
  private async createKey(): Promise<void> {
    await mkdir(this.dataDir, { recursive: true, mode: 0o700 });
    const temp = `${this.keyPath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const file = await open(temp, 'wx', 0o600);
    try {
      await file.writeFile(randomBytes(KEY_BYTES));
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await chmod(temp, 0o600); // open()'s mode is narrowed by the umask, never widened; make it exact
      await link(temp, this.keyPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return;
      if (!NO_HARD_LINKS.has(code ?? '')) throw error;
      // A file system without hard links: an exclusive copy still never overwrites a key.
      await copyFile(temp, this.keyPath, constants.COPYFILE_EXCL).catch((copyError: unknown) => {
        if ((copyError as NodeJS.ErrnoException).code !== 'EEXIST') throw copyError;
      });
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }
}

/**
 * The desktop app's cipher: saves with the OS secret storage (`primary`), and reads both what it saved
 * and what the CLI or browser mode saved with the file key beside the database, so a secret entered in
 * either one works in the other. Which one made a blob is told by trying: safeStorage first.
 */
export class DesktopCipher implements SecretCipher {
  constructor(
    private readonly primary: SecretCipher,
    private readonly file: FileCipher,
  ) {}

  describe(): Promise<SecretBackendInfo> {
    return this.primary.describe();
  }

  encrypt(plain: string): Promise<Buffer> {
    return this.primary.encrypt(plain);
  }

  async decrypt(blob: Buffer): Promise<string> {
    try {
      return await this.primary.decrypt(blob);
    } catch (error) {
      if (blob[0] !== VERSION) throw error;
      return this.file.decrypt(blob).catch(() => Promise.reject(error as Error));
    }
  }
}
