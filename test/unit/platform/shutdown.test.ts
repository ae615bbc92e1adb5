import { describe, expect, it, vi } from 'vitest';
import { closeWithTimeout } from '../../../electron/platform/shutdown';

const log = () => ({ info: vi.fn(), warn: vi.fn(), error: vi.fn() });

describe('closeWithTimeout', () => {
  it('resolves closed when close finishes in time', async () => {
    const close = vi.fn(async () => undefined);
    await expect(closeWithTimeout(close, 1_000, log())).resolves.toBe('closed');
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('resolves failed and logs when close rejects', async () => {
    const logger = log();
    await expect(
      closeWithTimeout(async () => Promise.reject(new Error('db busy')), 1_000, logger),
    ).resolves.toBe('failed');
    expect(logger.error).toHaveBeenCalled();
  });

  it('resolves failed when close throws synchronously', async () => {
    const close = () => {
      throw new Error('sync');
    };
    await expect(closeWithTimeout(close as () => Promise<void>, 1_000, log())).resolves.toBe('failed');
  });

  it('gives up after the timeout', async () => {
    vi.useFakeTimers();
    try {
      const logger = log();
      const outcome = closeWithTimeout(() => new Promise<void>(() => undefined), 5_000, logger);
      await vi.advanceTimersByTimeAsync(5_000);
      await expect(outcome).resolves.toBe('timeout');
      expect(logger.warn).toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });
});
