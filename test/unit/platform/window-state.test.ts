// Remembered window bounds: the file (real, in a temp folder), the visibility rule, and the tracker
// against the BrowserWindow double with fake timers.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  isVisibleOnSomeDisplay,
  readWindowState,
  restorableWindowState,
  SAVE_DEBOUNCE_MS,
  trackWindowState,
  windowStateFile,
  writeWindowState,
} from '../../../electron/platform/window-state';
import type { WindowState } from '../../../electron/platform/window-state';
import { FakeBrowserWindow, resetElectronShell } from './electron-shell-double';

vi.mock('electron', async () => (await import('./electron-shell-double')).electronShellModule);

const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
const primary = { x: 0, y: 0, width: 1920, height: 1050 };
const rightOfPrimary = { x: 1920, y: 0, width: 2560, height: 1410 };
const saved: WindowState = { x: 200, y: 100, width: 1200, height: 800, maximized: false };

let dataDir: string;
let file: string;

beforeEach(() => {
  resetElectronShell();
  dataDir = mkdtempSync(join(tmpdir(), 'dspatch-window-'));
  file = windowStateFile(dataDir);
});

afterEach(() => {
  vi.useRealTimers();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the window state file', () => {
  it('lives in the data folder, readable by the user only, and reads back what was written', () => {
    expect(file).toBe(join(dataDir, 'window-state.json'));
    writeWindowState(file, saved);
    expect(readWindowState(file)).toEqual(saved);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('narrows a file that was left wider than 0600', () => {
    if (process.platform === 'win32') return;
    writeFileSync(`${file}.${process.pid}.tmp`, '{}', { mode: 0o644 });
    writeWindowState(file, saved);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['missing', null],
    ['not JSON', 'x: 1'],
    ['the wrong shape', JSON.stringify({ x: 1, y: 2 })],
    ['a negative size', JSON.stringify({ ...saved, width: -5 })],
    ['fractional pixels', JSON.stringify({ ...saved, x: 0.5 })],
  ])('is ignored when %s', (_name, content) => {
    if (content !== null) writeFileSync(file, content);
    expect(readWindowState(file)).toBeNull();
  });
});

describe('isVisibleOnSomeDisplay', () => {
  it.each([
    ['inside the primary display', saved],
    ['across two displays', { x: 1500, y: 100, width: 1000, height: 700 }],
    ['on the second display', { x: 2500, y: 300, width: 900, height: 600 }],
    ['mostly off the left edge, its right part showing', { x: -1000, y: 100, width: 1200, height: 800 }],
  ])('accepts a window %s', (_name, bounds) => {
    expect(isVisibleOnSomeDisplay(bounds, [primary, rightOfPrimary])).toBe(true);
  });

  it.each([
    ['on a display that was unplugged', { x: 2500, y: 300, width: 900, height: 600 }],
    ['above the screen', { x: 200, y: -2000, width: 1200, height: 800 }],
    ['showing only a 40 px sliver', { x: 1880, y: 100, width: 1200, height: 800 }],
    ['showing only its bottom 20 px', { x: 200, y: -780, width: 1200, height: 800 }],
  ])('refuses a window %s', (_name, bounds) => {
    expect(isVisibleOnSomeDisplay(bounds, [primary])).toBe(false);
  });

  it('restores only saved bounds that are visible now', () => {
    writeWindowState(file, { ...saved, x: 2500 });
    expect(restorableWindowState(file, [primary, rightOfPrimary])).toEqual({ ...saved, x: 2500 });
    expect(restorableWindowState(file, [primary])).toBeNull();
  });
});

describe('trackWindowState', () => {
  function trackedWindow(): FakeBrowserWindow {
    const win = new FakeBrowserWindow(saved);
    trackWindowState(win, file, log);
    return win;
  }

  it('saves once, after moving and resizing have stopped for the debounce time', () => {
    vi.useFakeTimers();
    const win = trackedWindow();
    for (let step = 1; step <= 5; step++) {
      win.normalBounds = { ...win.normalBounds, x: 200 + step * 10, width: 1200 + step };
      win.emit(step % 2 ? 'move' : 'resize');
      vi.advanceTimersByTime(SAVE_DEBOUNCE_MS - 1);
      expect(readWindowState(file)).toBeNull();
    }
    vi.advanceTimersByTime(1);
    expect(readWindowState(file)).toEqual({ ...saved, x: 250, width: 1205 });
  });

  it('saves at once on close, without waiting for a pending save', () => {
    vi.useFakeTimers();
    const win = trackedWindow();
    win.normalBounds = { x: 40, y: 30, width: 1000, height: 700 };
    win.emit('resize');
    win.emit('close');
    expect(readWindowState(file)).toEqual({ x: 40, y: 30, width: 1000, height: 700, maximized: false });
    rmSync(file);
    vi.advanceTimersByTime(SAVE_DEBOUNCE_MS * 2);
    expect(readWindowState(file)).toBeNull(); // the pending save was dropped
  });

  it('keeps the normal bounds of a maximized window, and that it was maximized', () => {
    const win = trackedWindow();
    win.maximized = true;
    win.emit('close');
    expect(readWindowState(file)).toEqual({ ...saved, maximized: true });
  });

  it('logs a state it cannot write instead of throwing', () => {
    const win = new FakeBrowserWindow(saved);
    const unwritable = join(dataDir, 'gone', 'window-state.json');
    trackWindowState(win, unwritable, log);
    expect(() => win.emit('close')).not.toThrow();
    expect(log.warn).toHaveBeenCalledWith('could not save the window position', {
      error: expect.any(String),
    });
    mkdirSync(join(dataDir, 'gone'));
    win.emit('close');
    expect(JSON.parse(readFileSync(unwritable, 'utf8'))).toEqual(saved);
  });
});
