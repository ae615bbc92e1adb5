// Secrets: encrypted through the SecretCipher the moment they arrive, decrypted only to build an
// agent's env at launch. Callers outside the host only ever get {key, isSet, hint}.
import type { ApiKeySummary } from '../api/types';
import type { Store } from '../store/store';
import { HostError } from './errors';
import type { SecretCipher } from './ports';
import { secretHint, type Redactor } from './redactor';

export class SecretService {
  constructor(
    private readonly store: Store,
    private readonly cipher: SecretCipher,
    private readonly redactor: Redactor,
  ) {}

  async set(workspaceId: string, key: string, value: string): Promise<void> {
    this.redactor.add(value);
    const ciphertext = await this.cipher.encrypt(value);
    this.store.secrets.set(workspaceId, key, ciphertext, secretHint(value), Date.now());
  }

  /** A value used as a secret without being stored (the CLI's env): blanked out of logs like a stored one. */
  redactValue(value: string): void {
    this.redactor.add(value);
  }

  remove(workspaceId: string, key: string): boolean {
    return this.store.secrets.remove(workspaceId, key);
  }

  status(workspaceId: string): Map<string, string | null> {
    return new Map(this.store.secrets.listForWorkspace(workspaceId).map((row) => [row.key, row.hint]));
  }

  /** Decrypts the workspace secrets named in `keys`. An undecryptable one is named in the error. */
  async decrypt(workspaceId: string, keys: ReadonlySet<string>, context: { workspace: string }): Promise<Map<string, string>> {
    const values = new Map<string, string>();
    for (const row of this.store.secrets.listForWorkspace(workspaceId)) {
      if (!keys.has(row.key)) continue;
      values.set(row.key, await this.#decrypt(row.ciphertext, `${row.key} of workspace '${context.workspace}'`, { workspaceId, key: row.key }));
    }
    return values;
  }

  listApiKeys(): ApiKeySummary[] {
    return this.store.secrets.listApiKeys().map((row) => ({ name: row.key, hint: row.hint, createdAt: row.createdAt }));
  }

  async setApiKey(name: string, value: string): Promise<void> {
    this.redactor.add(value);
    this.store.secrets.setApiKey(name, await this.cipher.encrypt(value), secretHint(value), Date.now());
  }

  removeApiKey(name: string): void {
    if (!this.store.secrets.removeApiKey(name)) throw new HostError('not_found', `There is no saved API key named "${name}".`);
  }

  async decryptApiKeys(names: ReadonlySet<string>): Promise<Map<string, string>> {
    const values = new Map<string, string>();
    for (const row of this.store.secrets.listApiKeys()) {
      if (names.has(row.key)) values.set(row.key, await this.#decrypt(row.ciphertext, `the saved API key "${row.key}"`, { apiKey: row.key }));
    }
    return values;
  }

  async #decrypt(ciphertext: Buffer, what: string, details: Record<string, unknown>): Promise<string> {
    try {
      const value = await this.cipher.decrypt(ciphertext);
      this.redactor.add(value);
      return value;
    } catch {
      throw new HostError(
        'missing_secret',
        `${what} cannot be decrypted (it was stored on another machine or with another key). Enter it again.`,
        details,
      );
    }
  }
}
