// The one application window. Its web preferences are the security baseline (checklist items 2–4, 6)
// and are spelled out even where they equal Electron's defaults, so a test can pin them. It reopens
// where the user left it (window-state.ts).
import { BrowserWindow, screen } from 'electron';
import type { BrowserWindowConstructorOptions } from 'electron';
import type { PlatformLogger } from './logger';
import { restorableWindowState, trackWindowState } from './window-state';
import type { WindowState } from './window-state';

export const WINDOW_BACKGROUND = '#101114';

/** `saved`: the last bounds, when still visible; without them Electron centres the window. */
export function mainWindowOptions(
  preloadPath: string,
  saved: WindowState | null = null,
): BrowserWindowConstructorOptions {
  return {
    ...(saved
      ? { x: saved.x, y: saved.y, width: saved.width, height: saved.height }
      : { width: 1320, height: 860 }),
    minWidth: 880,
    minHeight: 560,
    title: 'dspatch',
    show: false, // shown on ready-to-show: no white flash
    backgroundColor: WINDOW_BACKGROUND,
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

export interface MainWindowPlace {
  /** app://dspatch/index.html, or the dev server's page under `npm run dev`. */
  pageUrl: string;
  /** Where the window's size and position are kept (windowStateFile(dataDir)). */
  stateFile: string;
}

export function createMainWindow(
  preloadPath: string,
  log: PlatformLogger,
  place: MainWindowPlace,
): BrowserWindow {
  const workAreas = screen.getAllDisplays().map((display) => display.workArea);
  const saved = restorableWindowState(place.stateFile, workAreas);
  const win = new BrowserWindow(mainWindowOptions(preloadPath, saved));
  trackWindowState(win, place.stateFile, log);
  win.once('ready-to-show', () => {
    if (saved?.maximized) win.maximize();
    win.show();
  });
  win.webContents.on('did-fail-load', (_event, code, description, url) => {
    log.error('window failed to load', { code, description, url });
  });
  win.webContents.on('render-process-gone', (_event, details) => {
    log.error('renderer process gone', { reason: details.reason, exitCode: details.exitCode });
  });
  win.webContents.on('preload-error', (_event, preloadPath, error) => {
    log.error('preload failed', { preloadPath, error: error.message });
  });
  void win.loadURL(place.pageUrl).catch((error: unknown) => {
    log.error('could not load the app page', {
      error: error instanceof Error ? error.message : String(error),
    });
  });
  return win;
}
