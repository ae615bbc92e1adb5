// The application menu and the About panel. buildMenuTemplate is pure: what the menu holds depends only
// on its inputs, and its click handlers call the functions handed in, so tests run it without Electron.
// installAppMenu wires it to Menu, shell.openPath and app.showAboutPanel.
import { app, Menu, shell } from 'electron';
import type { AboutPanelOptionsOptions, MenuItemConstructorOptions } from 'electron';
import type { PlatformLogger } from './logger';

/** Must match `copyright` in electron-builder.base.yml (a unit test compares them). */
export const COPYRIGHT = 'Copyright © dspatch contributors';

export interface MenuContext {
  /** Unpackaged (`npm start`, `npm run dev`): adds DevTools and force reload. */
  isDev: boolean;
  appName: string;
  dataDir: string;
  logsDir: string;
  platform: NodeJS.Platform;
}

export interface MenuActions {
  /** shell.openPath: resolves '' on success, else an error message. */
  openPath(path: string): Promise<string>;
  showAboutPanel(): void;
  log: PlatformLogger;
}

const separator: MenuItemConstructorOptions = { type: 'separator' };

export function buildMenuTemplate(context: MenuContext, actions: MenuActions): MenuItemConstructorOptions[] {
  const { isDev, appName, platform } = context;
  const mac = platform === 'darwin';
  const openFolder = (label: string, path: string): MenuItemConstructorOptions => ({
    label,
    click: () => {
      void actions.openPath(path).then((error) => {
        if (error) actions.log.warn('could not open folder', { path, error });
      });
    },
  });
  const about: MenuItemConstructorOptions = {
    label: `About ${appName}`,
    click: () => actions.showAboutPanel(),
  };

  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: appName,
      submenu: [
        about,
        separator,
        { role: 'services' },
        separator,
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        separator,
        { role: 'quit' },
      ],
    });
  }
  template.push(
    { label: 'File', submenu: [mac ? { role: 'close' } : { role: 'quit' }] },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        separator,
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        ...(mac ? [{ role: 'pasteAndMatchStyle' } as const] : []),
        { role: 'delete' },
        separator,
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        // A reload is safe: the renderer reloads each open session from the host (snapshot + seq).
        { role: 'reload' },
        ...(isDev ? [{ role: 'forceReload' } as const, { role: 'toggleDevTools' } as const] : []),
        separator,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        separator,
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: 'Window',
      submenu: [
        { role: 'minimize' },
        { role: 'zoom' },
        ...(mac ? [separator, { role: 'front' } as const] : [{ role: 'close' } as const]),
      ],
    },
    {
      role: 'help',
      submenu: [
        ...(mac ? [] : [about, separator]),
        openFolder('Open Data Folder', context.dataDir),
        openFolder('Open Logs Folder', context.logsDir),
      ],
    },
  );
  return template;
}

export interface AboutContext {
  appName: string;
  appVersion: string;
  /** process.versions inside Electron. */
  versions: { electron: string; chrome: string; node: string };
  dataDir: string;
  platform: NodeJS.Platform;
}

/**
 * The About panel: app version, the Electron, Chrome and Node it runs on, and the data folder. macOS
 * and Windows show `credits`; the Linux panel has no such field, so the lines go under the copyright.
 */
export function aboutPanelOptions(context: AboutContext): AboutPanelOptionsOptions {
  const { versions } = context;
  const details = [
    `Electron ${versions.electron}`,
    `Chrome ${versions.chrome}`,
    `Node ${versions.node}`,
    `Data folder: ${context.dataDir}`,
  ].join('\n');
  const base = { applicationName: context.appName, applicationVersion: context.appVersion };
  return context.platform === 'linux'
    ? { ...base, copyright: `${COPYRIGHT}\n\n${details}` }
    : { ...base, copyright: COPYRIGHT, credits: details };
}

/** Sets the About panel and the application menu. Call after `ready`. */
export function installAppMenu(context: MenuContext, log: PlatformLogger): void {
  app.setAboutPanelOptions(
    aboutPanelOptions({
      appName: context.appName,
      appVersion: app.getVersion(),
      versions: {
        electron: process.versions.electron,
        chrome: process.versions.chrome,
        node: process.versions.node,
      },
      dataDir: context.dataDir,
      platform: context.platform,
    }),
  );
  const template = buildMenuTemplate(context, {
    openPath: (path) => shell.openPath(path),
    showAboutPanel: () => app.showAboutPanel(),
    log,
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
