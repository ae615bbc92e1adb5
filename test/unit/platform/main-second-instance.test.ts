// A second launch: main.ts against the electron double with the single-instance lock already held by
// another process. It must hand over and quit before anything claims the data folder (the host takes
// an OS lock on it, which the first instance holds), before `ready`, without a window or a menu.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, shell } from './electron-shell-double';

vi.mock('electron', async () => (await import('./electron-shell-double')).electronShellModule);

const createHost = vi.hoisted(() => ({ calls: 0 }));

vi.mock('../../../electron/host/host', () => ({
  createHost: async () => {
    createHost.calls += 1;
    throw new Error('a second instance must not create a host');
  },
}));

let recorded: { lock: number; quit: number; whenReady: number; listeners: string[] };

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  shell.app.requestSingleInstanceLock.mockReturnValue(false);
  const real = Object.getOwnPropertyDescriptor(process.versions, 'node')!;
  Object.defineProperty(process.versions, 'node', { ...real, value: '22.20.0' });
  try {
    await import('../../../electron/main');
  } finally {
    Object.defineProperty(process.versions, 'node', real);
  }
  await new Promise<void>((resolve) => setTimeout(resolve, 0));
  // Recorded here: vitest clears mock calls before each test.
  recorded = {
    lock: shell.app.requestSingleInstanceLock.mock.calls.length,
    quit: shell.app.quit.mock.calls.length,
    whenReady: shell.app.whenReady.mock.calls.length,
    listeners: shell.app.eventNames().map(String),
  };
});

describe('electron/main.ts as a second instance', () => {
  it('asks for the lock once and quits', () => {
    expect(recorded.lock).toBe(1);
    expect(recorded.quit).toBe(1);
  });

  it('never gets to ready, a host, a window or a menu', () => {
    expect(recorded.whenReady).toBe(0);
    expect(createHost.calls).toBe(0);
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    expect(shell.applicationMenu.current).toBeNull();
    // Not even the listeners: the first instance gets 'second-instance', this one handles nothing.
    expect(recorded.listeners).toEqual([]);
  });
});
