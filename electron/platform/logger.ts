// The small logging seam of the Electron adapters. main.ts hands in the app logger; tests hand in a spy.
// Never log request payloads or env values here: they can carry secrets.

export interface PlatformLogger {
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

function line(level: string, message: string, context?: Record<string, unknown>): string {
  return context && Object.keys(context).length > 0
    ? `[dspatch] ${level} ${message} ${JSON.stringify(context)}`
    : `[dspatch] ${level} ${message}`;
}

/** Plain console logger: one line an entry, context as JSON. */
export const consoleLogger: PlatformLogger = {
  info: (message, context) => console.log(line('info', message, context)),
  warn: (message, context) => console.warn(line('warn', message, context)),
  error: (message, context) => console.error(line('error', message, context)),
};
