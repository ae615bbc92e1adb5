// The application menu: its contents per platform and build, and its handlers against the doubles.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MenuItem, MenuItemConstructorOptions } from 'electron';
import {
  aboutPanelOptions,
  buildMenuTemplate,
  COPYRIGHT,
  installAppMenu,
} from '../../../electron/platform/menu';
import type { MenuActions, MenuContext } from '../../../electron/platform/menu';
import { resetElectronShell, shell } from './electron-shell-double';

vi.mock('electron', async () => (await import('./electron-shell-double')).electronShellModule);

type Item = MenuItemConstructorOptions | MenuItem;

const linux: MenuContext = {
  isDev: false,
  appName: 'dspatch',
  dataDir: '/home/u/.config/dspatch',
  logsDir: '/home/u/.config/dspatch/logs',
  platform: 'linux',
};

function actions() {
  return {
    openPath: vi.fn(async (_path: string) => ''),
    showAboutPanel: vi.fn(),
    log: { info: vi.fn(), warn: vi.fn(), error: vi.fn() },
  } satisfies MenuActions;
}

const titleOf = (item: Item): string | undefined => item.label ?? item.role;

function submenu(template: readonly Item[], title: string): Item[] {
  const menu = template.find((item) => titleOf(item) === title);
  if (!menu) throw new Error(`no ${title} menu in ${template.map(titleOf).join(', ')}`);
  return menu.submenu as Item[];
}

const rolesIn = (items: readonly Item[]): (string | undefined)[] =>
  items.filter((item) => item.type !== 'separator').map((item) => item.role);

function item(items: readonly Item[], label: string): Item {
  const found = items.find((entry) => entry.label === label);
  if (!found) throw new Error(`no "${label}" in ${items.map(titleOf).join(', ')}`);
  return found;
}

/** Calls a click handler the way a menu would (its arguments are unused by ours). */
function click(entry: Item): void {
  (entry.click as () => void)();
}

describe('buildMenuTemplate', () => {
  it('has File, Edit, View, Window and Help on Linux and Windows, and no app menu', () => {
    for (const platform of ['linux', 'win32'] as const) {
      const template = buildMenuTemplate({ ...linux, platform }, actions());
      expect(template.map(titleOf)).toEqual(['File', 'Edit', 'View', 'Window', 'help']);
      expect(rolesIn(submenu(template, 'File'))).toEqual(['quit']);
    }
  });

  it('puts undo, redo, cut, copy, paste and select all in Edit', () => {
    const edit = rolesIn(submenu(buildMenuTemplate(linux, actions()), 'Edit'));
    expect(edit).toEqual(['undo', 'redo', 'cut', 'copy', 'paste', 'delete', 'selectAll']);
  });

  it('offers reload, zoom and full screen in View, without DevTools in a packaged build', () => {
    const view = rolesIn(submenu(buildMenuTemplate(linux, actions()), 'View'));
    expect(view).toEqual(['reload', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
  });

  it('adds force reload and DevTools in a development build', () => {
    const view = rolesIn(submenu(buildMenuTemplate({ ...linux, isDev: true }, actions()), 'View'));
    expect(view).toEqual([
      'reload',
      'forceReload',
      'toggleDevTools',
      'resetZoom',
      'zoomIn',
      'zoomOut',
      'togglefullscreen',
    ]);
  });

  it('has minimize, zoom and close in Window', () => {
    expect(rolesIn(submenu(buildMenuTemplate(linux, actions()), 'Window'))).toEqual([
      'minimize',
      'zoom',
      'close',
    ]);
  });

  it('puts About and the data and logs folders in Help', () => {
    const help = submenu(buildMenuTemplate(linux, actions()), 'help');
    expect(help.filter((entry) => entry.type !== 'separator').map((entry) => entry.label)).toEqual([
      'About dspatch',
      'Open Data Folder',
      'Open Logs Folder',
    ]);
  });

  it('opens the data and logs folders and the About panel through the injected functions', async () => {
    const injected = actions();
    const help = submenu(buildMenuTemplate(linux, injected), 'help');

    click(item(help, 'Open Data Folder'));
    click(item(help, 'Open Logs Folder'));
    expect(injected.openPath).toHaveBeenNthCalledWith(1, '/home/u/.config/dspatch');
    expect(injected.openPath).toHaveBeenNthCalledWith(2, '/home/u/.config/dspatch/logs');

    expect(injected.showAboutPanel).not.toHaveBeenCalled();
    click(item(help, 'About dspatch'));
    expect(injected.showAboutPanel).toHaveBeenCalledTimes(1);
    await Promise.resolve();
    expect(injected.log.warn).not.toHaveBeenCalled();
  });

  it('logs a folder that cannot be opened (openPath resolves an error message)', async () => {
    const injected = actions();
    injected.openPath.mockResolvedValueOnce('Failed to open path');
    click(item(submenu(buildMenuTemplate(linux, injected), 'help'), 'Open Logs Folder'));
    await vi.waitFor(() =>
      expect(injected.log.warn).toHaveBeenCalledWith('could not open folder', {
        path: '/home/u/.config/dspatch/logs',
        error: 'Failed to open path',
      }),
    );
  });

  it('leads with the app menu on macOS, About in it rather than in Help', () => {
    const injected = actions();
    const template = buildMenuTemplate({ ...linux, platform: 'darwin' }, injected);
    expect(template.map(titleOf)).toEqual(['dspatch', 'File', 'Edit', 'View', 'Window', 'help']);
    const appMenu = submenu(template, 'dspatch');
    expect(rolesIn(appMenu)).toEqual([undefined, 'services', 'hide', 'hideOthers', 'unhide', 'quit']);
    click(item(appMenu, 'About dspatch'));
    expect(injected.showAboutPanel).toHaveBeenCalledTimes(1);
    expect(rolesIn(submenu(template, 'File'))).toEqual(['close']);
    expect(rolesIn(submenu(template, 'Edit'))).toContain('pasteAndMatchStyle');
    expect(rolesIn(submenu(template, 'Window'))).toEqual(['minimize', 'zoom', 'front']);
    expect(submenu(template, 'help').map((entry) => entry.label)).toEqual([
      'Open Data Folder',
      'Open Logs Folder',
    ]);
  });
});

describe('aboutPanelOptions', () => {
  const context = {
    appName: 'dspatch',
    appVersion: '0.1.0',
    versions: { electron: '45.4.1', chrome: '140.0.7339.41', node: '22.20.0' },
    dataDir: '/home/u/.config/dspatch',
  };
  const details = 'Electron 45.4.1\nChrome 140.0.7339.41\nNode 22.20.0\nData folder: /home/u/.config/dspatch';

  it('shows the versions and the data folder as credits on macOS and Windows', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      expect(aboutPanelOptions({ ...context, platform })).toEqual({
        applicationName: 'dspatch',
        applicationVersion: '0.1.0',
        copyright: COPYRIGHT,
        credits: details,
      });
    }
  });

  it('puts them under the copyright on Linux, whose panel has no credits', () => {
    expect(aboutPanelOptions({ ...context, platform: 'linux' })).toEqual({
      applicationName: 'dspatch',
      applicationVersion: '0.1.0',
      copyright: `${COPYRIGHT}\n\n${details}`,
    });
  });
});

describe('installAppMenu', () => {
  const realVersions = process.versions;

  beforeEach(() => {
    resetElectronShell();
    // Under plain Node there is no Electron or Chrome version; report the ones Electron would.
    Object.defineProperty(process, 'versions', {
      value: { ...realVersions, electron: '45.4.1', chrome: '140.0.7339.41' },
      configurable: true,
    });
  });

  afterEach(() => {
    Object.defineProperty(process, 'versions', { value: realVersions, configurable: true });
  });

  it('sets the About panel from the running versions and installs the menu', () => {
    installAppMenu(linux, actions().log);
    expect(shell.app.setAboutPanelOptions).toHaveBeenCalledTimes(1);
    const options = shell.app.setAboutPanelOptions.mock.calls[0]![0] as {
      applicationVersion: string;
      copyright: string;
    };
    expect(options.applicationVersion).toBe('0.1.0');
    expect(options.copyright).toContain('Electron 45.4.1\nChrome 140.0.7339.41\nNode ');
    expect(options.copyright).toContain('Data folder: /home/u/.config/dspatch');
    expect(shell.Menu.setApplicationMenu).toHaveBeenCalledTimes(1);
    expect(shell.applicationMenu.current?.template.map(titleOf)).toEqual([
      'File',
      'Edit',
      'View',
      'Window',
      'help',
    ]);
  });

  it('wires Help to shell.openPath and app.showAboutPanel', () => {
    installAppMenu(linux, actions().log);
    const help = submenu(shell.applicationMenu.current!.template, 'help');
    click(item(help, 'Open Logs Folder'));
    expect(shell.shell.openPath).toHaveBeenCalledWith('/home/u/.config/dspatch/logs');
    click(item(help, 'About dspatch'));
    expect(shell.app.showAboutPanel).toHaveBeenCalledTimes(1);
  });
});
