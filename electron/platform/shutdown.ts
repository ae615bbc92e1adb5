// Bounded shutdown: the host gets a fixed time to stop agents and flush SQLite, then we quit anyway.
import type { PlatformLogger } from './logger';

/** Resolves 'closed', 'timeout' or 'failed'; never rejects and never waits longer than `timeoutMs`. */
export async function closeWithTimeout(
  close: () => Promise<void>,
  timeoutMs: number,
  log: PlatformLogger,
): Promise<'closed' | 'timeout' | 'failed'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const closing = Promise.resolve()
    .then(close)
    .then(
      () => 'closed' as const,
      (error: unknown) => {
        log.error('host did not close cleanly', {
          error: error instanceof Error ? error.message : String(error),
        });
        return 'failed' as const;
      },
    );
  try {
    const outcome = await Promise.race([closing, timeout]);
    if (outcome === 'timeout') log.warn('host close timed out; quitting anyway', { timeoutMs });
    return outcome;
  } finally {
    clearTimeout(timer);
  }
}
