// A small stand-in for the parts of 'electron' the shell modules use (ipcMain, ipcRenderer,
// contextBridge, utilityProcess, protocol, app, session, shell, BrowserWindow). Tests install it with
//   vi.mock('electron', async () => (await import('./electron-shell-double')).electronShellModule)
// and inspect the same singleton through `shell`. Call `resetElectronShell()` in beforeEach.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { vi } from 'vitest';

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
  readonly show = vi.fn(() => (this.visible = true));
  readonly focus = vi.fn();
  readonly restore = vi.fn();

  constructor(public readonly options: Record<string, unknown> = {}) {
    super();
    this.webContents = new FakeWebContents();
    FakeBrowserWindow.instances.push(this);
  }
  loadURL(url: string): Promise<void> {
    return this.webContents.loadURL(url);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return false;
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
    requestSingleInstanceLock: vi.fn(() => true),
    enableSandbox: vi.fn(),
    setAppUserModelId: vi.fn(),
    quit: vi.fn(),
    exit: vi.fn(),
  });
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
    shell: { openExternal: vi.fn(async (_url: string) => undefined) },
    app,
    dialog: { showErrorBox: vi.fn() },
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
