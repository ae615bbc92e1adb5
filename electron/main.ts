// Electron composition root: app lifecycle and wiring, nothing else. The host (services, SQLite, agent
// supervision) is Electron-free; platform/ supplies its Electron seams (utility processes, safeStorage)
// and the window, IPC, protocol and security plumbing around it.
import { app, dialog, safeStorage } from 'electron';
import type { BrowserWindow } from 'electron';
import { join } from 'node:path';
import { unpackedAppRoot } from './host/agent-bundler';
import { createHost } from './host/host';
import type { Host } from './host/host';
import { logsDirOf } from './host/logger';
import { registerAppScheme, serveAppProtocol } from './platform/app-protocol';
import { createIpcRouter } from './platform/ipc-router';
import type { IpcRouter } from './platform/ipc-router';
import { consoleLogger } from './platform/logger';
import { createMainWindow } from './platform/main-window';
import { createSavePathPicker } from './platform/save-dialog';
import { installAppMenu } from './platform/menu';
import { SafeStorageCipher } from './platform/safe-storage-cipher';
import { nodeVersionProblem } from './platform/runtime-check';
import { APP_ENTRY_URL, installSecurityHandlers, trustDevServer } from './platform/security';
import { closeWithTimeout } from './platform/shutdown';
import { UtilitySpawner } from './platform/utility-spawner';
import { windowStateFile } from './platform/window-state';
import { createApiListener } from './serve/acontext-http';
import { DesktopCipher, FileCipher } from './serve/file-cipher';
import { startControlServer } from './serve/host-socket';
import type { ControlServer } from './serve/host-socket';

const log = consoleLogger;
const HOST_CLOSE_TIMEOUT_MS = 5_000;

/** out/main/main.js → out/preload/preload.cjs and out/renderer. */
const here = import.meta.dirname;
const PRELOAD_PATH = join(here, '..', 'preload', 'preload.cjs');
const RENDERER_DIR = join(here, '..', 'renderer');
/** `npm run dev`: electron-vite serves the renderer with hot reload at this URL. Never when packaged. */
const DEV_RENDERER_URL = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;

const windows = new Set<BrowserWindow>();
let host: Host | null = null;
let control: ControlServer | null = null;
let router: IpcRouter | null = null;
let shutdown: 'running' | 'closing' | 'closed' = 'running';

function openWindow(): BrowserWindow {
  const win = createMainWindow(PRELOAD_PATH, log, {
    pageUrl: DEV_RENDERER_URL ?? APP_ENTRY_URL,
    stateFile: windowStateFile(app.getPath('userData')),
  });
  windows.add(win);
  win.on('closed', () => windows.delete(win));
  return win;
}

function focusWindow(): void {
  const [win] = windows;
  if (!win) {
    if (host) openWindow();
    return;
  }
  if (win.isMinimized()) win.restore();
  win.focus();
}

async function start(): Promise<void> {
  installSecurityHandlers(log);
  serveAppProtocol(RENDERER_DIR);
  if (DEV_RENDERER_URL) trustDevServer(DEV_RENDERER_URL);

  const dataDir = app.getPath('userData');
  installAppMenu(
    {
      isDev: !app.isPackaged,
      appName: app.getName(),
      dataDir,
      logsDir: logsDirOf(dataDir),
      platform: process.platform,
    },
    log,
  );
  host = await createHost({
    dataDir,
    // When packaged: the tree unpacked beside app.asar (agents, esbuild, the SDK's packages, built-in bundles).
    appRoot: unpackedAppRoot(app.getAppPath()),
    mode: 'desktop',
    spawner: new UtilitySpawner(log),
    // Also reads secrets the CLI saved with <dataDir>/secret.key while the app was not running.
    cipher: new DesktopCipher(new SafeStorageCipher(safeStorage), new FileCipher(dataDir, { createKey: false, log })),
    version: app.getVersion(),
    // The Acontext API's own 127.0.0.1 listener, opened when Settings turn it on.
    apiListener: createApiListener(() => host),
    pickDirectory: async (title) => {
      const [win] = windows;
      const options = { title, properties: ['openDirectory', 'createDirectory'] as ('openDirectory' | 'createDirectory')[] };
      const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    pickSavePath: createSavePathPicker(() => [...windows], () => app.getPath('documents')),
  });
  await host.services.acontext.start();
  router = createIpcRouter({ host, windows: () => [...windows], log });
  // The CLI on this data folder goes through this host instead of opening the database beside it.
  control = await startControlServer(host, dataDir).catch((error: unknown) => {
    log.warn('Other dspatch commands cannot reach this app; they are refused while it runs', {
      error: error instanceof Error ? error.message : String(error),
    });
    return null;
  });
  log.info('dspatch desktop started', {
    version: app.getVersion(),
    electron: process.versions.electron,
    dataDir,
  });
  openWindow();
}

function main(): void {
  const versionProblem = nodeVersionProblem(process.versions.node);
  if (versionProblem) {
    log.error(versionProblem);
    app.exit(1);
    return;
  }
  if (!app.requestSingleInstanceLock()) {
    log.info('dspatch is already running; handing over to that instance');
    app.quit();
    return;
  }

  // Both must happen before `ready`.
  app.enableSandbox();
  registerAppScheme();
  app.setAppUserModelId('dev.dspatch.desktop');

  app.on('second-instance', focusWindow);
  app.on('activate', focusWindow); // macOS: dock click with no window open

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('before-quit', (event) => {
    if (shutdown === 'closed' || !host) return;
    event.preventDefault();
    if (shutdown === 'closing') return;
    shutdown = 'closing';
    router?.dispose();
    const closing = host;
    const closingControl = control;
    void closeWithTimeout(async () => {
      await closingControl?.close();
      await closing.close();
    }, HOST_CLOSE_TIMEOUT_MS, log).then(() => {
      shutdown = 'closed';
      app.quit();
    });
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => app.quit());
  }

  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      log.error('dspatch failed to start', { error: message });
      dialog.showErrorBox('dspatch could not start', message);
      app.exit(1);
    });
}

main();
