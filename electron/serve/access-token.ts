// The access token of `dspatch serve`, kept across restarts of the same data folder so a bookmarked
// link keeps working. It guards everything the app can do, so it is stored like a secret: encrypted
// with the folder's FileCipher, in a file only its owner may read. `--new-token` replaces it.
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SecretCipher } from '../host/ports';

export const ACCESS_TOKEN_FILE = 'serve-token';

export interface AccessToken {
  token: string;
  /** Why a new token was made, for the user: their old link no longer works. Null when it was reused or asked for. */
  replaced: string | null;
}

/** The stored token, or a new one (stored) when asked to rotate, when there is none, or when it cannot be read. */
export async function accessToken(dataDir: string, cipher: SecretCipher, options: { rotate?: boolean } = {}): Promise<AccessToken> {
  const file = path.join(dataDir, ACCESS_TOKEN_FILE);
  let replaced: string | null = null;
  if (!options.rotate) {
    try {
      return { token: await cipher.decrypt(await readFile(file)), replaced: null };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        replaced = `the stored access token could not be read (${error instanceof Error ? error.message : String(error)}), so a new one was made; links opened before no longer work`;
      }
    }
  }
  const token = randomBytes(24).toString('base64url');
  // Written whole, then renamed: a crash mid-write never leaves a half token behind.
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, await cipher.encrypt(token), { mode: 0o600 });
  await rename(temp, file);
  return { token, replaced };
}
