// Structured host logs (pino) to <dataDir>/logs/host.log (0600), every string passed through the redactor.
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { preparePrivateDir, preparePrivateFile } from './data-dir';
import type { Redactor } from './redactor';

export type { Logger };

export function createLogger(dataDir: string, redactor: Redactor): Logger {
  const dir = join(dataDir, 'logs');
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
