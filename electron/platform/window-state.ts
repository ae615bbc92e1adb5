// The main window's size and position, remembered across launches in <dataDir>/window-state.json
// (0600, like every file in the data folder). Only bounds that are still visible on some display are
// restored: a monitor unplugged since the last run must not leave the window off-screen.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import type { BrowserWindow, Rectangle } from 'electron';
import { narrowToOwner } from '../host/data-dir';
import type { PlatformLogger } from './logger';

export const WINDOW_STATE_FILE = 'window-state.json';
/** Resize and move fire continuously while dragging; write once the user has stopped. */
export const SAVE_DEBOUNCE_MS = 500;
/** How much of a saved window must lie on one display's work area to be restored there. */
const MIN_VISIBLE = { width: 120, height: 60 };

const windowStateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maximized: z.boolean(),
});

export type WindowState = z.infer<typeof windowStateSchema>;

/** What the tracker needs of a window; BrowserWindow has it (checked where main-window.ts passes one). */
export interface TrackedWindow extends Pick<BrowserWindow, 'getNormalBounds' | 'isMaximized' | 'isDestroyed'> {
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
}

export function windowStateFile(dataDir: string): string {
  return join(dataDir, WINDOW_STATE_FILE);
}

/** The saved state, or null when there is none or it is unreadable (the window then opens centred). */
export function readWindowState(file: string): WindowState | null {
  try {
    const parsed = windowStateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Written whole to a temporary file, then renamed: a crash mid-write leaves the old state. */
export function writeWindowState(file: string, state: WindowState): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(state), { mode: 0o600 });
  narrowToOwner(temp); // `mode` only applies when the file is created
  renameSync(temp, file);
}

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/** True when enough of `bounds` lies on one of the work areas for the user to see and grab it. */
export function isVisibleOnSomeDisplay(bounds: Rectangle, workAreas: readonly Rectangle[]): boolean {
  return workAreas.some((area) => {
    const { width, height } = overlap(bounds, area);
    return (
      width >= Math.min(MIN_VISIBLE.width, bounds.width) &&
      height >= Math.min(MIN_VISIBLE.height, bounds.height)
    );
  });
}

/** The saved state if it can be shown on the current displays, else null. */
export function restorableWindowState(file: string, workAreas: readonly Rectangle[]): WindowState | null {
  const saved = readWindowState(file);
  return saved && isVisibleOnSomeDisplay(saved, workAreas) ? saved : null;
}

/**
 * Saves the window's state after it stops moving or resizing, and at once when it closes. A maximized
 * window keeps its normal bounds, so un-maximizing after a restart returns it to where it was.
 */
export function trackWindowState(
  win: TrackedWindow,
  file: string,
  log: PlatformLogger,
  debounceMs = SAVE_DEBOUNCE_MS,
): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const save = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (win.isDestroyed()) return;
    const { x, y, width, height } = win.getNormalBounds();
    try {
      writeWindowState(file, { x, y, width, height, maximized: win.isMaximized() });
    } catch (error) {
      log.warn('could not save the window position', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };
  const saveSoon = (): void => {
    clearTimeout(timer);
    timer = setTimeout(save, debounceMs);
  };
  win.on('resize', saveSoon);
  win.on('move', saveSoon);
  win.on('maximize', saveSoon);
  win.on('unmaximize', saveSoon);
  win.on('close', save);
}
