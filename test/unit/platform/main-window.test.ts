import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMainWindow, mainWindowOptions } from '../../../electron/platform/main-window';
import { readWindowState, windowStateFile, writeWindowState } from '../../../electron/platform/window-state';
import { FakeBrowserWindow, fakeDisplay, resetElectronShell, shell } from './electron-shell-double';

vi.mock('electron', async () => (await import('./electron-shell-double')).electronShellModule);

const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
const PAGE = 'app://dspatch/index.html';

let dataDir: string;
let stateFile: string;

describe('main window', () => {
  beforeEach(() => {
    resetElectronShell();
    dataDir = mkdtempSync(join(tmpdir(), 'dspatch-main-window-'));
    stateFile = windowStateFile(dataDir);
  });

  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('uses the secure web preferences and the given preload', () => {
    const { webPreferences, show, backgroundColor } = mainWindowOptions('/app/out/preload/preload.cjs');
    expect(webPreferences).toMatchObject({
      preload: '/app/out/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(show).toBe(false);
    expect(backgroundColor).toMatch(/^#[0-9a-f]{6}$/i);
  });

  it('loads the given page and shows only when ready', () => {
    createMainWindow('/p.cjs', log, { pageUrl: PAGE, stateFile });
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.webContents.loadURL).toHaveBeenCalledWith(PAGE);
    expect(win.show).not.toHaveBeenCalled();
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalledTimes(1);
    expect(win.maximize).not.toHaveBeenCalled();
  });

  it('opens at the default size, centred, the first time', () => {
    createMainWindow('/p.cjs', log, { pageUrl: PAGE, stateFile });
    const { options } = FakeBrowserWindow.instances[0]!;
    expect(options).toMatchObject({ width: 1320, height: 860 });
    expect(options).not.toHaveProperty('x');
  });

  it('reopens where it was left, maximized again if it was, and remembers where it goes', () => {
    writeWindowState(stateFile, { x: 300, y: 120, width: 1000, height: 700, maximized: true });
    createMainWindow('/p.cjs', log, { pageUrl: PAGE, stateFile });
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.options).toMatchObject({ x: 300, y: 120, width: 1000, height: 700 });
    win.emit('ready-to-show');
    expect(win.maximize).toHaveBeenCalledTimes(1);

    win.maximized = false;
    win.normalBounds = { x: 10, y: 20, width: 900, height: 650 };
    win.emit('close');
    expect(readWindowState(stateFile)).toEqual({ x: 10, y: 20, width: 900, height: 650, maximized: false });
  });

  it('opens at the default place when the saved one is on a display that is gone', () => {
    writeWindowState(stateFile, { x: 2500, y: 120, width: 1000, height: 700, maximized: false });
    shell.screen.getAllDisplays.mockReturnValueOnce([fakeDisplay({ x: 0, y: 0, width: 1920, height: 1050 })]);
    createMainWindow('/p.cjs', log, { pageUrl: PAGE, stateFile });
    expect(FakeBrowserWindow.instances[0]!.options).toMatchObject({ width: 1320, height: 860 });
    expect(FakeBrowserWindow.instances[0]!.options).not.toHaveProperty('x');
  });
});
