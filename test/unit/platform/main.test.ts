// The composition root, wired against the electron double and a fake host: what happens before ready,
// what createHost receives, the window, and the bounded shutdown on quit.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Host, HostOptions } from '../../../electron/host/host';
import { SafeStorageCipher } from '../../../electron/platform/safe-storage-cipher';
import { UtilitySpawner } from '../../../electron/platform/utility-spawner';
import { FakeBrowserWindow, shell } from './electron-shell-double';

vi.mock('electron', async () => (await import('./electron-shell-double')).electronShellModule);

const hostState = vi.hoisted(() => ({
  options: [] as unknown[],
  closed: 0,
  releaseClose: null as (() => void) | null,
}));

vi.mock('../../../electron/host/host', () => ({
  createHost: async (options: unknown): Promise<Host> => {
    hostState.options.push(options);
    const host = {
      handle: async () => ({ ok: true, result: null }),
      onEvent: () => () => undefined,
      close: () =>
        new Promise<void>((resolve) => {
          hostState.closed += 1;
          hostState.releaseClose = resolve;
        }),
    };
    // Only what main.ts uses; the real Host also has call() and services.
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

  it('creates the host in desktop mode with the Electron seams', () => {
    expect(hostState.options).toHaveLength(1);
    const options = hostState.options[0] as HostOptions;
    expect(options.mode).toBe('desktop');
    expect(options.dataDir).toBe('/tmp/dspatch-user-data');
    expect(options.appRoot).toBe('/app');
    expect(options.version).toBe('0.1.0');
    expect(options.spawner).toBeInstanceOf(UtilitySpawner);
    expect(options.cipher).toBeInstanceOf(SafeStorageCipher);
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

  it('focuses the existing window when a second instance starts', () => {
    const win = FakeBrowserWindow.instances[0]!;
    shell.app.emit('second-instance');
    expect(win.focus).toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
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
