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

  /**
   * Decrypts the workspace secrets named in `keys`. Those that cannot be decrypted are all named in
   * one error, but for keys in `provided` (given for this launch instead), which are left out.
   */
  async decrypt(
    workspaceId: string,
    keys: ReadonlySet<string>,
    context: { workspace: string; provided?: ReadonlySet<string> },
  ): Promise<Map<string, string>> {
    const values = new Map<string, string>();
    const unreadable: { key: string; reason: string }[] = [];
    for (const row of this.store.secrets.listForWorkspace(workspaceId)) {
      if (!keys.has(row.key)) continue;
      try {
        values.set(row.key, await this.#decryptValue(row.ciphertext));
      } catch (error) {
        if (!context.provided?.has(row.key)) unreadable.push({ key: row.key, reason: reasonOf(error) });
      }
    }
    if (unreadable.length > 0) {
      const names = unreadable.map(({ key, reason }) => `${key} of workspace '${context.workspace}' (${reason})`);
      const example = unreadable.map(({ key }) => `${key}=…`).join(' ');
      throw new HostError(
        'missing_secret',
        `dspatch cannot read ${unreadable.length === 1 ? 'the stored secret' : `${unreadable.length} stored secrets`} ${names.join(', ')}. ` +
          `Start the dspatch desktop app and run the command again (commands then go through it), provide ${unreadable.length === 1 ? 'it' : 'them'} ` +
          `for this run in the environment (${example} dspatch run DIR), or enter ${unreadable.length === 1 ? 'it' : 'them'} again.`,
        { workspaceId, key: unreadable[0].key, keys: unreadable.map(({ key }) => key) },
      );
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
      return await this.#decryptValue(ciphertext);
    } catch (error) {
      throw new HostError('missing_secret', `${what} cannot be decrypted (${reasonOf(error)}). Enter it again.`, details);
    }
  }

  async #decryptValue(ciphertext: Buffer): Promise<string> {
    const value = await this.cipher.decrypt(ciphertext);
    this.redactor.add(value);
    return value;
  }
}

/** The cipher's own explanation (ours, never a value), without its trailing period. */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^Secret cannot be decrypted:? ?/, '').replace(/\.$/, '') || 'it was stored on another machine or with another key';
}
