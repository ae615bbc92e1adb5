// The native save dialog for a conversation's export (the host's `pickSavePath`), attached to the
// app's window so it opens over it. The host writes the file; this only asks where.
import { dialog, type BrowserWindow, type FileFilter, type SaveDialogOptions } from 'electron';
import { join } from 'node:path';

const FILTERS: Record<'md' | 'json', FileFilter> = {
  md: { name: 'Markdown', extensions: ['md'] },
  json: { name: 'JSON', extensions: ['json'] },
};

export function createSavePathPicker(
  windows: () => BrowserWindow[],
  defaultFolder: () => string,
): (options: { title: string; defaultName: string; format: 'md' | 'json' }) => Promise<string | null> {
  return async ({ title, defaultName, format }) => {
    const [win] = windows();
    const options: SaveDialogOptions = {
      title,
      defaultPath: join(defaultFolder(), defaultName),
      filters: [FILTERS[format]],
      properties: ['createDirectory', 'showOverwriteConfirmation'],
    };
    const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
    return result.canceled || !result.filePath ? null : result.filePath;
  };
}
