import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Session, WebContents } from 'electron';
import {
  restrictPermissions,
  hardenWebContents,
  installSecurityHandlers,
  isAppUrl,
  isSafeExternalUrl,
} from '../../../electron/platform/security';
import type * as Security from '../../../electron/platform/security';
import { FakeWebContents, resetElectronShell, shell } from './electron-shell-double';

vi.mock('electron', async () => (await import('./electron-shell-double')).electronShellModule);

const quietLog = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

describe('isAppUrl', () => {
  it.each([
    'app://dspatch/index.html',
    'app://dspatch/',
    'app://dspatch',
    'app://dspatch/assets/main-3f2a.js?x=1#top',
  ])('accepts %s', (url) => {
    expect(isAppUrl(url)).toBe(true);
  });

  it.each([
    ['another app host', 'app://evil/index.html'],
    ['a suffix look-alike', 'app://dspatch.evil.com/index.html'],
    ['a prefix look-alike', 'app://evildspatch/index.html'],
    ['credentials', 'app://user@dspatch/index.html'],
    ['user and password', 'app://dspatch:pw@dspatch/'],
    ['a port', 'app://dspatch:8080/index.html'],
    ['http', 'http://dspatch/index.html'],
    ['https', 'https://dspatch/index.html'],
    ['file', 'file:///app/dspatch/index.html'],
    ['javascript', 'javascript:alert(1)//app://dspatch/'],
    ['data', 'data:text/html,<script>alert(1)</script>'],
    ['about:blank', 'about:blank'],
    ['devtools', 'devtools://devtools/bundled/inspector.html'],
    ['a path that names the host', 'https://evil.example/app://dspatch/'],
    ['an uppercase scheme trick', 'APP:/\\dspatch.evil/'],
    ['empty', ''],
    ['garbage', 'not a url'],
    ['a non-string', 42],
    ['undefined', undefined],
  ])('refuses %s', (_name, url) => {
    expect(isAppUrl(url)).toBe(false);
  });
});

describe('isSafeExternalUrl', () => {
  it.each(['https://platform.openai.com/docs', 'https://example.com', 'https://例え.jp/パス?q=1'])(
    'accepts %s',
    (url) => {
      expect(isSafeExternalUrl(url)).toBe(true);
    },
  );

  it.each([
    ['http', 'http://example.com'],
    ['file', 'file:///etc/passwd'],
    ['file on a share', 'file://server/share/evil.exe'],
    ['smb', 'smb://attacker/share'],
    ['javascript', 'javascript:alert(document.cookie)'],
    ['javascript with https inside', 'javascript://https://example.com/%0Aalert(1)'],
    ['data', 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='],
    ['vbscript', 'vbscript:msgbox(1)'],
    ['ms protocol handler', 'ms-msdt:/id PCWDiagnostic'],
    ['search-ms', 'search-ms:query=evil&crumb=location:\\\\attacker\\share'],
    ['custom app handler', 'vscode://file/etc/passwd'],
    ['our own scheme', 'app://dspatch/index.html'],
    ['credentials', 'https://user:pass@example.com/'],
    ['user only', 'https://user@example.com/'],
    ['no host', 'https://'],
    ['empty', ''],
    ['relative', '/relative/path'],
    ['garbage', 'https//missing-colon.example'],
    ['a non-string', { href: 'https://example.com' }],
    ['null', null],
  ])('refuses %s', (_name, url) => {
    expect(isSafeExternalUrl(url)).toBe(false);
  });
});

describe('hardenWebContents', () => {
  let contents: FakeWebContents;
  beforeEach(() => {
    resetElectronShell();
    contents = new FakeWebContents('app://dspatch/index.html');
    hardenWebContents(contents as unknown as WebContents, quietLog);
  });

  it('allows navigation within the app origin', () => {
    expect(contents.emitCancellable('will-navigate', { url: 'app://dspatch/index.html#/chat' })).toBe(false);
  });

  it('blocks navigation away and opens https links externally instead', () => {
    expect(contents.emitCancellable('will-navigate', { url: 'https://example.com/docs' })).toBe(true);
    expect(shell.shell.openExternal).toHaveBeenCalledWith('https://example.com/docs');
  });

  it.each(['file:///etc/passwd', 'http://example.com', 'javascript:alert(1)', 'smb://host/share'])(
    'blocks navigation to %s without opening it',
    (url) => {
      expect(contents.emitCancellable('will-navigate', { url })).toBe(true);
      expect(shell.shell.openExternal).not.toHaveBeenCalled();
    },
  );

  it('blocks redirects away from the app and never opens them', () => {
    expect(contents.emitCancellable('will-redirect', { url: 'https://evil.example/' })).toBe(true);
    expect(contents.emitCancellable('will-redirect', { url: 'app://dspatch/index.html' })).toBe(false);
    expect(shell.shell.openExternal).not.toHaveBeenCalled();
  });

  it('denies every window.open, opening only https URLs externally', () => {
    const handler = contents.windowOpenHandler!;
    expect(handler({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'app://dspatch/index.html' })).toEqual({ action: 'deny' });
    expect(shell.shell.openExternal).toHaveBeenCalledTimes(1);
    expect(shell.shell.openExternal).toHaveBeenCalledWith('https://example.com/');
  });

  it('blocks <webview> attachment', () => {
    expect(contents.emitCancellable('will-attach-webview', {}, {}, {})).toBe(true);
  });
});

describe('permissions', () => {
  beforeEach(() => resetElectronShell());

  it('denies every permission but notifications, and those only to our own pages', () => {
    const target = { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() };
    restrictPermissions(target as unknown as Session);
    const requestHandler = target.setPermissionRequestHandler.mock.calls[0]![0] as (
      contents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
      details: { requestingUrl: string },
    ) => void;
    const request = (permission: string, requestingUrl: string) => {
      const callback = vi.fn();
      requestHandler({}, permission, callback, { requestingUrl });
      return callback.mock.calls[0]?.[0] as boolean;
    };
    for (const permission of ['media', 'clipboard-read', 'geolocation', 'openExternal', 'fullscreen']) {
      expect(request(permission, 'app://dspatch/index.html')).toBe(false);
    }
    expect(request('notifications', 'app://dspatch/index.html')).toBe(true);
    for (const foreign of ['https://evil.example/', 'app://dspatch.evil/', 'file:///etc/passwd', '']) {
      expect(request('notifications', foreign)).toBe(false);
    }
    const checkHandler = target.setPermissionCheckHandler.mock.calls[0]![0] as (...args: unknown[]) => boolean;
    expect(checkHandler({}, 'media', 'app://dspatch', {})).toBe(false);
    expect(checkHandler({}, 'notifications', 'app://dspatch', {})).toBe(true);
    expect(checkHandler({}, 'notifications', 'https://evil.example', {})).toBe(false);
  });

  it('installSecurityHandlers covers the default session, new sessions and new web contents', () => {
    installSecurityHandlers(quietLog);
    expect(shell.defaultSession.setPermissionRequestHandler).toHaveBeenCalledTimes(1);
    expect(shell.defaultSession.setPermissionCheckHandler).toHaveBeenCalledTimes(1);

    const created = { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() };
    shell.app.emit('session-created', created);
    expect(created.setPermissionRequestHandler).toHaveBeenCalledTimes(1);

    const contents = new FakeWebContents();
    shell.app.emit('web-contents-created', {}, contents);
    expect(contents.windowOpenHandler).not.toBeNull();
    expect(contents.emitCancellable('will-navigate', { url: 'https://evil.example/' })).toBe(true);
  });
});

describe('trustDevServer (npm run dev)', () => {
  // Each test gets a fresh module: the trusted dev origin is module state.
  async function freshSecurity(): Promise<typeof Security> {
    vi.resetModules();
    return import('../../../electron/platform/security');
  }

  it('trusts nothing but app://dspatch until told', async () => {
    const security = await freshSecurity();
    expect(security.isAppUrl('http://localhost:5173/')).toBe(false);
  });

  it("trusts the dev server's exact origin, and still app://dspatch", async () => {
    const security = await freshSecurity();
    security.trustDevServer('http://localhost:5173');
    expect(security.isAppUrl('http://localhost:5173/')).toBe(true);
    expect(security.isAppUrl('http://localhost:5173/src/main.tsx?t=1')).toBe(true);
    expect(security.isAppUrl('app://dspatch/index.html')).toBe(true);
    for (const url of [
      'http://localhost:5174/',
      'https://localhost:5173/',
      'http://127.0.0.1:5173/',
      'http://user@localhost:5173/',
      'http://localhost.evil.example:5173/',
      'app://evil/',
    ]) {
      expect(security.isAppUrl(url), url).toBe(false);
    }
  });

  it.each([
    'https://example.com:5173',
    'http://192.168.1.5:5173',
    'file:///tmp/index.html',
    'http://u:p@localhost:5173',
    'nonsense',
  ])('refuses to trust %s, which is not a dev server on this machine', async (url) => {
    const security = await freshSecurity();
    expect(() => security.trustDevServer(url)).toThrow(/not on this machine/);
    expect(security.isAppUrl(url)).toBe(false);
  });
});
