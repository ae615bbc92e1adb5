// The one application window. Its web preferences are the security baseline (checklist items 2–4, 6)
// and are spelled out even where they equal Electron's defaults, so a test can pin them.
import { BrowserWindow } from 'electron';
import type { BrowserWindowConstructorOptions } from 'electron';
import { APP_ENTRY_URL } from './security';
import type { PlatformLogger } from './logger';

export const WINDOW_BACKGROUND = '#101114';

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1320,
    height: 860,
    minWidth: 880,
    minHeight: 560,
    title: 'dspatch',
    show: false, // shown on ready-to-show: no white flash
    backgroundColor: WINDOW_BACKGROUND,
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: true,
    },
  };
}

export function createMainWindow(preloadPath: string, log: PlatformLogger): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions(preloadPath));
  win.once('ready-to-show', () => win.show());
  win.webContents.on('did-fail-load', (_event, code, description, url) => {
    log.error('window failed to load', { code, description, url });
  });
  win.webContents.on('render-process-gone', (_event, details) => {
    log.error('renderer process gone', { reason: details.reason, exitCode: details.exitCode });
  });
  win.webContents.on('preload-error', (_event, preloadPath, error) => {
    log.error('preload failed', { preloadPath, error: error.message });
  });
  void win.loadURL(APP_ENTRY_URL).catch((error: unknown) => {
    log.error('could not load the app page', {
      error: error instanceof Error ? error.message : String(error),
    });
  });
  return win;
}
