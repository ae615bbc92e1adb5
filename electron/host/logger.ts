// Structured host logs (pino) to <dataDir>/logs/host.log, every string passed through the redactor.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { Redactor } from './redactor';

export type { Logger };

export function createLogger(dataDir: string, redactor: Redactor): Logger {
  const dir = join(dataDir, 'logs');
  mkdirSync(dir, { recursive: true });
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
    pino.destination({ dest: join(dir, 'host.log'), sync: true, mkdir: true }),
  );
}
