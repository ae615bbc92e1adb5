// A small stand-in for the parts of 'electron' the shell modules use (ipcMain, ipcRenderer,
// contextBridge, utilityProcess, protocol, app, session, shell, screen, Menu, BrowserWindow). Tests
// install it with
//   vi.mock('electron', async () => (await import('./electron-shell-double')).electronShellModule)
// and inspect the same singleton through `shell`. Call `resetElectronShell()` in beforeEach.
// The members platform code calls are checked against Electron's own declarations at the end of
// this file, so a double that drifts from electron.d.ts fails the typecheck.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { vi } from 'vitest';
import type {
  App,
  BrowserWindow,
  Display,
  Menu,
  MenuItem,
  MenuItemConstructorOptions,
  Rectangle,
  Screen,
  Shell,
  WebContents,
} from 'electron';

type Handler = (event: unknown, ...args: unknown[]) => unknown;

export class FakeWebFrame {
  constructor(
    public url: string,
    public parent: FakeWebFrame | null = null,
  ) {}
}

let nextId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  destroyed = false;
  url = '';
  readonly mainFrame: FakeWebFrame;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly send = vi.fn<(channel: string, ...args: unknown[]) => void>();
  readonly loadURL = vi.fn(async (url: string) => {
    this.url = url;
    this.mainFrame.url = url;
  });

  constructor(url = '') {
    super();
    this.url = url;
    this.mainFrame = new FakeWebFrame(url);
  }
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  /** Emits an Electron-style cancellable event; returns whether a listener called preventDefault(). */
  emitCancellable(name: string, details: Record<string, unknown> = {}, ...rest: unknown[]): boolean {
    let prevented = false;
    const event = { ...details, preventDefault: () => (prevented = true) };
    this.emit(name, event, ...rest);
    return prevented;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents: FakeWebContents;
  destroyed = false;
  visible = false;
  minimized = false;
  maximized = false;
  /** The bounds the window has when neither maximized nor minimized. */
  normalBounds: Rectangle;
  readonly show = vi.fn(() => {
    this.visible = true;
  });
  readonly focus = vi.fn();
  readonly restore = vi.fn(() => {
    this.minimized = false;
  });
  readonly maximize = vi.fn(() => {
    this.maximized = true;
  });

  constructor(public readonly options: Record<string, unknown> = {}) {
    super();
    this.webContents = new FakeWebContents();
    const { x, y, width, height } = options as Partial<Rectangle>;
    this.normalBounds = { x: x ?? 100, y: y ?? 80, width: width ?? 800, height: height ?? 600 };
    FakeBrowserWindow.instances.push(this);
  }
  loadURL(url: string): Promise<void> {
    return this.webContents.loadURL(url);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  getNormalBounds(): Rectangle {
    return { ...this.normalBounds };
  }
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.instances.filter((win) => !win.destroyed);
  }
}

export class FakeUtilityProcess extends EventEmitter {
  pid: number | undefined = 4242;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly postMessage = vi.fn<(message: unknown) => void>();
  readonly kill = vi.fn(() => true);
}

/** What Menu.buildFromTemplate returns here: the template it was given. */
export interface FakeMenu {
  template: (MenuItemConstructorOptions | MenuItem)[];
}

/** A display with just the fields platform code reads; the rest of Display is filled with zeros. */
export function fakeDisplay(workArea: Rectangle): Display {
  return {
    accelerometerSupport: 'unknown',
    bounds: workArea,
    colorDepth: 24,
    colorSpace: 'srgb',
    depthPerComponent: 8,
    detected: true,
    displayFrequency: 60,
    id: workArea.x * 10_000 + workArea.y,
    internal: false,
    label: 'fake',
    maximumCursorSize: { width: 0, height: 0 },
    monochrome: false,
    nativeOrigin: { x: workArea.x, y: workArea.y },
    rotation: 0,
    scaleFactor: 1,
    size: { width: workArea.width, height: workArea.height },
    touchSupport: 'unknown',
    workArea,
    workAreaSize: { width: workArea.width, height: workArea.height },
  };
}

class FakeSession {
  readonly setPermissionRequestHandler = vi.fn();
  readonly setPermissionCheckHandler = vi.fn();
}

function createShell() {
  const ipcHandlers = new Map<string, Handler>();
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response> | Response>();
  const exposed: Record<string, unknown> = {};
  const forked: {
    modulePath: string;
    args: string[];
    options: Record<string, unknown>;
    proc: FakeUtilityProcess;
  }[] = [];
  const ipcRenderer = Object.assign(new EventEmitter(), {
    invoke: vi.fn(async (_channel: string, ..._args: unknown[]): Promise<unknown> => undefined),
  });
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    getPath: vi.fn((_name: string) => '/tmp/dspatch-user-data'),
    getAppPath: vi.fn(() => '/app'),
    getVersion: vi.fn(() => '0.1.0'),
    whenReady: vi.fn(() => Promise.resolve()),
    getName: vi.fn(() => 'dspatch'),
    requestSingleInstanceLock: vi.fn((_additionalData?: Record<string, unknown>) => true),
    enableSandbox: vi.fn(),
    setAppUserModelId: vi.fn(),
    setAboutPanelOptions: vi.fn(),
    showAboutPanel: vi.fn(),
    quit: vi.fn(),
    exit: vi.fn(),
  });
  const applicationMenu: { current: FakeMenu | null } = { current: null };
  return {
    ipcHandlers,
    protocolHandlers,
    exposed,
    forked,
    forkError: null as Error | null,
    defaultSession: new FakeSession(),
    ipcMain: {
      handle: vi.fn((channel: string, handler: Handler) => {
        if (ipcHandlers.has(channel))
          throw new Error(`Attempted to register a second handler for '${channel}'`);
        ipcHandlers.set(channel, handler);
      }),
      removeHandler: vi.fn((channel: string) => {
        ipcHandlers.delete(channel);
      }),
    },
    ipcRenderer,
    contextBridge: {
      exposeInMainWorld: vi.fn((key: string, value: unknown) => {
        exposed[key] = value;
      }),
    },
    protocol: {
      registerSchemesAsPrivileged: vi.fn(),
      handle: vi.fn((scheme: string, handler: (request: Request) => Promise<Response> | Response) => {
        protocolHandlers.set(scheme, handler);
      }),
    },
    shell: {
      openExternal: vi.fn(async (_url: string) => undefined),
      /** Resolves '' (success) like Electron's; set `mockResolvedValueOnce('…')` for a failure. */
      openPath: vi.fn(async (_path: string) => ''),
    },
    screen: {
      getAllDisplays: vi.fn(() => [fakeDisplay({ x: 0, y: 0, width: 1920, height: 1050 })]),
    },
    applicationMenu,
    Menu: {
      buildFromTemplate: vi.fn((template: (MenuItemConstructorOptions | MenuItem)[]): FakeMenu => ({
        template,
      })),
      setApplicationMenu: vi.fn((menu: FakeMenu | null) => {
        applicationMenu.current = menu;
      }),
    },
    app,
    dialog: {
      showErrorBox: vi.fn(),
      /** Resolves cancelled; set `mockResolvedValueOnce({ canceled: false, filePath })` for a choice. */
      showSaveDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: true, filePath: '' }) as { canceled: boolean; filePath: string }),
    },
    safeStorage: { isEncryptionAvailable: vi.fn(() => true) },
  };
}

/** The one instance every test and every mocked import sees. */
export const shell = createShell();

/** Clears recorded calls, handlers, listeners and fakes; keeps object identities stable. */
export function resetElectronShell(): void {
  shell.ipcHandlers.clear();
  shell.protocolHandlers.clear();
  for (const key of Object.keys(shell.exposed)) delete shell.exposed[key];
  shell.forked.length = 0;
  shell.forkError = null;
  shell.ipcRenderer.removeAllListeners();
  shell.app.removeAllListeners();
  shell.app.isPackaged = false;
  shell.applicationMenu.current = null;
  vi.clearAllMocks();
  FakeBrowserWindow.instances = [];
}

/** Invokes a registered ipcMain handler the way Electron would. */
export async function invokeHandler(channel: string, event: unknown, request: unknown): Promise<unknown> {
  const handler = shell.ipcHandlers.get(channel);
  if (!handler) throw new Error(`No handler for '${channel}'`);
  return handler(event, request);
}

/** The module object `vi.mock('electron', …)` returns. Members are stable; reset clears their state. */
export const electronShellModule = {
  ipcMain: shell.ipcMain,
  ipcRenderer: shell.ipcRenderer,
  contextBridge: shell.contextBridge,
  protocol: shell.protocol,
  shell: shell.shell,
  screen: shell.screen,
  Menu: shell.Menu,
  app: shell.app,
  dialog: shell.dialog,
  safeStorage: shell.safeStorage,
  session: { defaultSession: shell.defaultSession },
  utilityProcess: {
    fork: (modulePath: string, args: string[] = [], options: Record<string, unknown> = {}) => {
      if (shell.forkError) throw shell.forkError;
      const proc = new FakeUtilityProcess();
      shell.forked.push({ modulePath, args, options, proc });
      return proc;
    },
  },
  BrowserWindow: FakeBrowserWindow,
};

// Shape checks against electron.d.ts (compile time only). Each fake must be assignable to Electron's
// declaration of the members platform code uses; `Conforms` fails the typecheck when one drifts.
type Conforms<Fake extends Real, Real> = [Fake, Real];
export type ElectronShapeChecks = [
  Conforms<
    typeof shell.app,
    Pick<
      App,
      | 'isPackaged'
      | 'getPath'
      | 'getAppPath'
      | 'getVersion'
      | 'getName'
      | 'whenReady'
      | 'requestSingleInstanceLock'
      | 'enableSandbox'
      | 'setAppUserModelId'
      | 'setAboutPanelOptions'
      | 'showAboutPanel'
      | 'quit'
      | 'exit'
    >
  >,
  Conforms<typeof shell.shell, Pick<Shell, 'openExternal' | 'openPath'>>,
  Conforms<typeof shell.screen, Pick<Screen, 'getAllDisplays'>>,
  // The fake menu stands in for a Menu object, so compare the parameters, not the Menu type itself.
  Conforms<Parameters<typeof Menu.buildFromTemplate>, Parameters<typeof shell.Menu.buildFromTemplate>>,
  Conforms<
    FakeBrowserWindow,
    Pick<
      BrowserWindow,
      | 'show'
      | 'focus'
      | 'restore'
      | 'maximize'
      | 'isDestroyed'
      | 'isMinimized'
      | 'isMaximized'
      | 'getNormalBounds'
      | 'loadURL'
    >
  >,
  Conforms<FakeWebContents, Pick<WebContents, 'id' | 'getURL' | 'isDestroyed' | 'loadURL'>>,
];
