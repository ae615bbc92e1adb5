import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createMainWindow, mainWindowOptions } from '../../../electron/platform/main-window';
import { FakeBrowserWindow, resetElectronShell } from './electron-shell-double';

vi.mock('electron', async () => (await import('./electron-shell-double')).electronShellModule);

const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

describe('main window', () => {
  beforeEach(() => resetElectronShell());

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

  it('loads app://dspatch/index.html and shows only when ready', () => {
    createMainWindow('/p.cjs', log);
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.webContents.loadURL).toHaveBeenCalledWith('app://dspatch/index.html');
    expect(win.show).not.toHaveBeenCalled();
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalledTimes(1);
  });
});
