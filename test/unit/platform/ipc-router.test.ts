import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BrowserWindow } from 'electron';
import { HOST_METHODS } from '../../../electron/api/contract';
import type { HostEvent } from '../../../electron/api/contract';
import type { Host } from '../../../electron/host/host';
import { createIpcRouter, HOST_EVENT_CHANNEL } from '../../../electron/platform/ipc-router';
import type { PlatformLogger } from '../../../electron/platform/logger';
import {
  FakeBrowserWindow,
  FakeWebFrame,
  invokeHandler,
  resetElectronShell,
  shell,
} from './electron-shell-double';
import type { FakeWebContents } from './electron-shell-double';

vi.mock('electron', async () => (await import('./electron-shell-double')).electronShellModule);

const APP_PAGE = 'app://dspatch/index.html';

function fakeHost() {
  const listeners = new Set<(event: HostEvent) => void>();
  const handle = vi.fn<Host['handle']>(async (method, request) => ({
    ok: true,
    result: { method, request },
  }));
  const host: Pick<Host, 'handle' | 'onEvent'> = {
    handle,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    host,
    handle,
    emit: (event: HostEvent) => listeners.forEach((listener) => listener(event)),
    listeners,
  };
}

function spyLogger() {
  return {
    info: vi.fn<PlatformLogger['info']>(),
    warn: vi.fn<PlatformLogger['warn']>(),
    error: vi.fn<PlatformLogger['error']>(),
  };
}

function openWindow(url = APP_PAGE): FakeBrowserWindow {
  const win = new FakeBrowserWindow();
  win.webContents.url = url;
  win.webContents.mainFrame.url = url;
  return win;
}

function eventFrom(
  win: { webContents: FakeWebContents },
  frame: FakeWebFrame | null = win.webContents.mainFrame,
) {
  return { sender: win.webContents, senderFrame: frame };
}

function setup() {
  const fake = fakeHost();
  const log = spyLogger();
  const win = openWindow();
  const windows = [win];
  const router = createIpcRouter({
    host: fake.host,
    windows: () => windows as unknown as BrowserWindow[],
    log,
  });
  return { ...fake, log, win, windows, router };
}

const REFUSED = { ok: false, error: { code: 'bad_request', message: 'Request refused: unknown sender' } };

describe('ipc router', () => {
  beforeEach(() => resetElectronShell());

  it('registers exactly one handler per HostApi method and no other channel', () => {
    setup();
    expect([...shell.ipcHandlers.keys()].sort()).toEqual([...HOST_METHODS].sort());
    expect(shell.ipcMain.handle).toHaveBeenCalledTimes(HOST_METHODS.length);
    expect(shell.ipcHandlers.has('invoke')).toBe(false);
  });

  it('passes a trusted request to host.handle and returns its envelope unchanged', async () => {
    const { handle, win } = setup();
    const request = { workspaceId: 'w1' };
    const envelope = await invokeHandler('workspaces.get', eventFrom(win), request);
    expect(handle).toHaveBeenCalledWith('workspaces.get', request);
    expect(envelope).toEqual({ ok: true, result: { method: 'workspaces.get', request } });
  });

  it('returns error envelopes from the host as they are', async () => {
    const { handle, win } = setup();
    const error = { code: 'not_found' as const, message: 'No workspace w9.' };
    handle.mockResolvedValueOnce({ ok: false, error });
    expect(await invokeHandler('workspaces.get', eventFrom(win), { workspaceId: 'w9' })).toEqual({
      ok: false,
      error,
    });
  });

  it('turns a throwing host into an internal error envelope', async () => {
    const { handle, win, log } = setup();
    handle.mockRejectedValueOnce(new Error('boom'));
    const envelope = (await invokeHandler('app.info', eventFrom(win), {})) as {
      ok: boolean;
      error: { code: string };
    };
    expect(envelope.ok).toBe(false);
    expect(envelope.error.code).toBe('internal');
    expect(log.error).toHaveBeenCalled();
  });

  const hostile: [string, (win: FakeBrowserWindow) => unknown][] = [
    [
      'a subframe of our window',
      (win) => eventFrom(win, new FakeWebFrame(APP_PAGE, win.webContents.mainFrame)),
    ],
    [
      'a frame on another origin',
      (win) => eventFrom(win, new FakeWebFrame('https://evil.example/index.html')),
    ],
    ['a file:// page', (win) => eventFrom(win, new FakeWebFrame('file:///tmp/index.html'))],
    ['a look-alike app host', (win) => eventFrom(win, new FakeWebFrame('app://dspatch.evil/index.html'))],
    ['a frame that is gone', (win) => eventFrom(win, null)],
    ['a webContents we did not create', () => eventFrom(openWindow())],
    [
      'a destroyed window',
      (win) => {
        win.destroyed = true;
        return eventFrom(win);
      },
    ],
  ];

  it.each(hostile)('refuses %s without calling the host', async (_name, makeEvent) => {
    const { handle, win, log } = setup();
    const envelope = await invokeHandler('workspaces.list', makeEvent(win), {});
    expect(envelope).toEqual(REFUSED);
    expect(handle).not.toHaveBeenCalled();
    expect(log.warn).toHaveBeenCalledWith(
      'ipc request refused',
      expect.objectContaining({ method: 'workspaces.list' }),
    );
  });

  it('never logs the request payload of a refused call', async () => {
    const { log } = setup();
    await invokeHandler('secrets.set', eventFrom(openWindow()), {
      workspaceId: 'w',
      key: 'K',
      value: 'sk-secret',
    });
    expect(JSON.stringify(log.warn.mock.calls)).not.toContain('sk-secret');
  });

  it('broadcasts host events on host:event to our app windows only', () => {
    const { emit, win, windows } = setup();
    const second = openWindow();
    const navigatedAway = openWindow('https://evil.example/');
    const destroyed = openWindow();
    destroyed.destroyed = true;
    const stranger = openWindow();
    windows.push(second, navigatedAway, destroyed);

    const event: HostEvent = { type: 'workspaces.changed' };
    emit(event);

    expect(win.webContents.send).toHaveBeenCalledWith(HOST_EVENT_CHANNEL, event);
    expect(second.webContents.send).toHaveBeenCalledWith(HOST_EVENT_CHANNEL, event);
    expect(navigatedAway.webContents.send).not.toHaveBeenCalled();
    expect(destroyed.webContents.send).not.toHaveBeenCalled();
    expect(stranger.webContents.send).not.toHaveBeenCalled();
  });

  it('dispose removes every handler and stops relaying events', () => {
    const { router, listeners, emit, win } = setup();
    router.dispose();
    expect(shell.ipcHandlers.size).toBe(0);
    expect(listeners.size).toBe(0);
    emit({ type: 'workspaces.changed' });
    expect(win.webContents.send).not.toHaveBeenCalled();
  });
});
