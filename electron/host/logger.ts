// Structured host logs (pino) to <dataDir>/logs/host.log (0600), every string passed through the redactor.
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { preparePrivateDir, preparePrivateFile } from './data-dir';
import type { Redactor } from './redactor';

export type { Logger };

/** Where the host log lives; the desktop app's Help menu opens it. */
export function logsDirOf(dataDir: string): string {
  return join(dataDir, 'logs');
}

export function createLogger(dataDir: string, redactor: Redactor): Logger {
  const dir = logsDirOf(dataDir);
  preparePrivateDir(dir);
  const file = join(dir, 'host.log');
  preparePrivateFile(file);
  return pino(
    {
      level: process.env.DSPATCH_LOG_LEVEL ?? 'info',
      base: { pid: process.pid },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => redactor.redactDeep(arg)) as Parameters<typeof method>);
        },
      },
    },
    pino.destination({ dest: file, sync: true }),
  );
}
