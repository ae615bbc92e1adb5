// The composition root, wired against the electron double and a fake host: what happens before ready,
// what createHost receives, the window, and the bounded shutdown on quit.
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Host, HostOptions } from '../../../electron/host/host';
import { DesktopCipher } from '../../../electron/serve/file-cipher';
import { UtilitySpawner } from '../../../electron/platform/utility-spawner';
import { FakeBrowserWindow, shell } from './electron-shell-double';

vi.mock('electron', async () => (await import('./electron-shell-double')).electronShellModule);

const hostState = vi.hoisted(() => ({
  options: [] as unknown[],
  /** requestSingleInstanceLock calls made before createHost ran. */
  locksBeforeHost: -1,
  closed: 0,
  releaseClose: null as (() => void) | null,
}));

vi.mock('../../../electron/host/host', () => ({
  createHost: async (options: unknown): Promise<Host> => {
    const { shell: electron } = await import('./electron-shell-double');
    hostState.locksBeforeHost = electron.app.requestSingleInstanceLock.mock.calls.length;
    hostState.options.push(options);
    const host = {
      handle: async () => ({ ok: true, result: null }),
      onEvent: () => () => undefined,
      close: () =>
        new Promise<void>((resolve) => {
          hostState.closed += 1;
          hostState.releaseClose = resolve;
        }),
      services: { acontext: { start: async () => undefined } },
    };
    // Only what main.ts uses; the real Host also has call() and the other services.
    return host as unknown as Host;
  },
}));

const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

// Calls made while main.ts loads, recorded before vitest clears mock calls for each test.
let beforeReady: {
  sandbox: number;
  lock: number;
  scheme: unknown[][];
  userModelId: unknown[][];
};
// Calls made while starting (after ready), recorded the same way.
let started: { aboutPanel: number; displays: number };

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  // main.ts refuses to start on Node < 22; report the Node that Electron 45 embeds.
  const real = Object.getOwnPropertyDescriptor(process.versions, 'node')!;
  Object.defineProperty(process.versions, 'node', { ...real, value: '22.20.0' });
  try {
    await import('../../../electron/main');
  } finally {
    Object.defineProperty(process.versions, 'node', real);
  }
  beforeReady = {
    sandbox: shell.app.enableSandbox.mock.calls.length,
    lock: shell.app.requestSingleInstanceLock.mock.calls.length,
    scheme: shell.protocol.registerSchemesAsPrivileged.mock.calls,
    userModelId: shell.app.setAppUserModelId.mock.calls,
  };
  await flush();
  started = {
    aboutPanel: shell.app.setAboutPanelOptions.mock.calls.length,
    displays: shell.screen.getAllDisplays.mock.calls.length,
  };
});

describe('electron/main.ts', () => {
  it('takes the single-instance lock, enables the sandbox and registers app:// before ready', () => {
    expect(beforeReady.lock).toBe(1);
    expect(beforeReady.sandbox).toBe(1);
    expect(beforeReady.scheme[0]?.[0]).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(beforeReady.userModelId).toEqual([['dev.dspatch.desktop']]);
  });

  it('holds the single-instance lock before the host claims the data folder', () => {
    expect(hostState.locksBeforeHost).toBe(1);
  });

  it('creates the host in desktop mode with the Electron seams', () => {
    expect(hostState.options).toHaveLength(1);
    const options = hostState.options[0] as HostOptions;
    expect(options.mode).toBe('desktop');
    expect(options.dataDir).toBe('/tmp/dspatch-user-data');
    expect(options.appRoot).toBe('/app');
    expect(options.version).toBe('0.1.0');
    expect(options.spawner).toBeInstanceOf(UtilitySpawner);
    // The Acontext API's own listener, opened only when Settings turn it on.
    expect(options.apiListener).toMatchObject({ listen: expect.any(Function), close: expect.any(Function) });
    // Saves with the OS secret storage and also reads what the CLI saved with the file key.
    expect(options.cipher).toBeInstanceOf(DesktopCipher);
  });

  it('serves app://, routes every HostApi method and opens one window on the app page', () => {
    expect(shell.protocolHandlers.has('app')).toBe(true);
    expect(shell.ipcHandlers.has('workspaces.list')).toBe(true);
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.webContents.url).toBe('app://dspatch/index.html');
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs.preload).toMatch(/[/\\]preload[/\\]preload\.cjs$/);
    expect(prefs.sandbox).toBe(true);
  });

  it('restores and focuses the existing window when a second instance starts', () => {
    const win = FakeBrowserWindow.instances[0]!;
    win.minimized = true;
    shell.app.emit('second-instance');
    expect(win.restore).toHaveBeenCalledTimes(1);
    expect(win.focus).toHaveBeenCalledTimes(1);
    expect(FakeBrowserWindow.instances).toHaveLength(1);
  });

  it('installs the application menu, with DevTools (unpackaged) and the data and logs folders', () => {
    const template = shell.applicationMenu.current?.template ?? [];
    const view = template.find((menu) => menu.label === 'View')?.submenu as { role?: string }[];
    expect(view.map((entry) => entry.role)).toContain('toggleDevTools');
    const help = template.find((menu) => menu.role === 'help')?.submenu as {
      label?: string;
      click?: () => void;
    }[];
    help.find((entry) => entry.label === 'Open Data Folder')?.click?.();
    help.find((entry) => entry.label === 'Open Logs Folder')?.click?.();
    expect(shell.shell.openPath.mock.calls).toEqual([
      ['/tmp/dspatch-user-data'],
      [join('/tmp/dspatch-user-data', 'logs')],
    ]);
    expect(started.aboutPanel).toBe(1);
  });

  it("tracks the window's size and position, restoring them only onto a current display", () => {
    expect(started.displays).toBe(1); // to check that saved bounds are still on a display
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.listenerCount('close')).toBeGreaterThan(0);
    expect(win.listenerCount('move')).toBe(1);
  });

  it('closes the host before quitting, once, then quits', async () => {
    const quitEvent = () => {
      const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
      shell.app.emit('before-quit', event);
      return event.defaultPrevented;
    };
    expect(quitEvent()).toBe(true);
    expect(quitEvent()).toBe(true); // a second quit while closing waits for the same close
    await flush();
    expect(hostState.closed).toBe(1);
    // The IPC handlers are gone as soon as shutdown starts.
    expect(shell.ipcHandlers.size).toBe(0);
    expect(shell.app.quit).not.toHaveBeenCalled();

    hostState.releaseClose?.();
    await flush();
    expect(shell.app.quit).toHaveBeenCalledTimes(1);
    expect(quitEvent()).toBe(false); // the real quit goes through
  });
});
