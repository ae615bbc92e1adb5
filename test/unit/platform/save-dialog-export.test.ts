// The desktop's save dialog for an export, against the electron double: it opens over the app's
// window with the suggested name in the Documents folder and a filter for the format, and a
// cancelled dialog gives null.
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BrowserWindow } from 'electron';
import { createSavePathPicker } from '../../../electron/platform/save-dialog';
import { FakeBrowserWindow, resetElectronShell, shell } from './electron-shell-double';

vi.mock('electron', async () => (await import('./electron-shell-double')).electronShellModule);

beforeEach(resetElectronShell);

describe('createSavePathPicker', () => {
  it('opens the save dialog over the window and returns the chosen path', async () => {
    const win = new FakeBrowserWindow() as unknown as BrowserWindow;
    shell.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: '/home/me/chat.md' });
    const pick = createSavePathPicker(
      () => [win],
      () => '/home/me/Documents',
    );

    const path = await pick({
      title: 'Export conversation',
      defaultName: 'fix-build-0193ab12.md',
      format: 'md',
    });

    expect(path).toBe('/home/me/chat.md');
    expect(shell.dialog.showSaveDialog).toHaveBeenCalledTimes(1);
    const [parent, options] = shell.dialog.showSaveDialog.mock.calls[0] as [unknown, Record<string, unknown>];
    expect(parent).toBe(win);
    expect(options).toMatchObject({
      title: 'Export conversation',
      defaultPath: join('/home/me/Documents', 'fix-build-0193ab12.md'),
      filters: [{ name: 'Markdown', extensions: ['md'] }],
    });
    expect(options.properties).toContain('showOverwriteConfirmation');
  });

  it('resolves null when the dialog is cancelled, and opens unparented without a window', async () => {
    const pick = createSavePathPicker(
      () => [],
      () => '/home/me/Documents',
    );

    expect(await pick({ title: 'Export conversation', defaultName: 'a.json', format: 'json' })).toBeNull();

    const [only] = shell.dialog.showSaveDialog.mock.calls[0] as [Record<string, unknown>];
    expect(only).toMatchObject({ filters: [{ name: 'JSON', extensions: ['json'] }] });
  });
});
