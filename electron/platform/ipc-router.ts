// Electron IPC transport of the HostApi: one `ipcMain.handle` channel per method (channel = method name)
// and one push channel for events. Every call is checked before the host sees it (security checklist
// item 17): the sender must be the main frame of one of our windows, showing a page from app://dspatch.
// Request payloads are validated by the host against their request schema; nothing here looks inside them.
import { ipcMain } from 'electron';
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { HOST_METHODS } from '../api/contract';
import type { HostErrorPayload, HostEvent } from '../api/contract';
import type { Host } from '../host/host';
import { consoleLogger } from './logger';
import type { PlatformLogger } from './logger';
import { isAppUrl } from './security';

/** The one channel host events are pushed on. */
export const HOST_EVENT_CHANNEL = 'host:event';

export type HostEnvelope = Awaited<ReturnType<Host['handle']>>;

export const UNKNOWN_SENDER_ERROR: HostErrorPayload = Object.freeze({
  code: 'bad_request',
  message: 'Request refused: unknown sender',
});

export interface IpcRouterOptions {
  host: Pick<Host, 'handle' | 'onEvent'>;
  /** The windows we created and still own; senders and event receivers are drawn from these only. */
  windows: () => readonly BrowserWindow[];
  log?: PlatformLogger;
}

export interface IpcRouter {
  /** Removes every handler and stops relaying events. */
  dispose(): void;
}

/** Why a sender is refused, or null when it is trusted. Exported for tests and logs. */
export function senderProblem(event: IpcMainInvokeEvent, windows: readonly BrowserWindow[]): string | null {
  const frame = event.senderFrame;
  if (!frame) return 'frame gone';
  if (frame.parent !== null) return 'subframe';
  if (!isAppUrl(frame.url)) return 'foreign origin';
  const ours = windows.some(
    (win) => !win.isDestroyed() && !win.webContents.isDestroyed() && win.webContents === event.sender,
  );
  if (!ours) return 'unknown window';
  return null;
}

function originOf(url: string | undefined): string {
  if (!url) return '(none)';
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(unparseable)';
  }
}

export function createIpcRouter(options: IpcRouterOptions): IpcRouter {
  const { host, windows } = options;
  const log = options.log ?? consoleLogger;

  for (const method of HOST_METHODS) {
    ipcMain.removeHandler(method); // one handler a channel, even after a re-init
    ipcMain.handle(method, async (event: IpcMainInvokeEvent, request: unknown): Promise<HostEnvelope> => {
      const problem = senderProblem(event, windows());
      if (problem) {
        log.warn('ipc request refused', {
          method,
          reason: problem,
          origin: originOf(event.senderFrame?.url),
        });
        return { ok: false, error: UNKNOWN_SENDER_ERROR };
      }
      try {
        return await host.handle(method, request);
      } catch (error) {
        // host.handle promises never to throw; if it does, the renderer still gets an envelope.
        log.error('host.handle threw', {
          method,
          error: error instanceof Error ? error.message : String(error),
        });
        return {
          ok: false,
          error: { code: 'internal', message: 'Something went wrong. See the logs for details.' },
        };
      }
    });
  }

  const unsubscribe = host.onEvent((hostEvent: HostEvent) => {
    for (const win of windows()) {
      if (win.isDestroyed() || win.webContents.isDestroyed()) continue;
      // Never push to a page that is not ours (navigation is blocked, but be certain).
      if (!isAppUrl(win.webContents.getURL())) continue;
      win.webContents.send(HOST_EVENT_CHANNEL, hostEvent);
    }
  });

  return {
    dispose() {
      unsubscribe();
      for (const method of HOST_METHODS) ipcMain.removeHandler(method);
    },
  };
}
