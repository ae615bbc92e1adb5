// Security baseline for every web contents and session (Electron security checklist items 13–17, 20):
// no navigation away from app://dspatch, no new windows, no <webview>, no permissions but notifications for our own pages. Links to https:
// pages open in the user's browser, and only after `new URL` parsed them.
import { app, session, shell } from 'electron';
import type { Session, WebContents } from 'electron';
import { consoleLogger } from './logger';
import type { PlatformLogger } from './logger';

export const APP_SCHEME = 'app';
export const APP_HOST = 'dspatch';
/** The one origin our pages are served from (see app-protocol.ts). */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

function parse(url: unknown): URL | null {
  if (typeof url !== 'string' || url.length === 0 || url.length > 8192) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** The electron-vite dev server's origin under `npm run dev`; null otherwise (always when packaged). */
let devServerOrigin: string | null = null;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * `npm run dev` only: the renderer then comes from electron-vite's dev server (hot reload), so that
 * page is ours too. Only an http(s) origin on this machine is accepted; main.ts never calls this when
 * packaged.
 */
export function trustDevServer(url: string): void {
  const parsed = parse(url);
  if (
    !parsed ||
    (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') ||
    !LOOPBACK_HOSTS.has(parsed.hostname) ||
    parsed.username !== '' ||
    parsed.password !== ''
  ) {
    throw new Error(`Refusing to trust a renderer dev server that is not on this machine: ${url}`);
  }
  devServerOrigin = parsed.origin;
}

/**
 * True only for our pages: `app://dspatch/...` (exact scheme and host, no port, no credentials), or
 * the dev server's exact origin once trustDevServer() named it. Hosts are compared exactly (no case
 * folding, no suffix matching), so `app://dspatch.evil`, `app://evil/dspatch` and `app://x@dspatch`
 * are all refused.
 */
export function isAppUrl(url: unknown): boolean {
  const parsed = parse(url);
  if (parsed === null || parsed.username !== '' || parsed.password !== '') return false;
  if (devServerOrigin !== null && parsed.origin === devServerOrigin) return true;
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.hostname === APP_HOST &&
    parsed.port === ''
  );
}

/**
 * True for a URL we may hand to `shell.openExternal`: `https:` only, with a host and no credentials.
 * Everything else (file:, javascript:, custom protocol handlers, smb:, http:) is refused.
 */
export function isSafeExternalUrl(url: unknown): boolean {
  const parsed = parse(url);
  return (
    parsed !== null &&
    parsed.protocol === 'https:' &&
    parsed.hostname.length > 0 &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/** Opens a vetted https: URL in the user's browser; returns whether it did. */
export function openExternalSafely(url: string, log: PlatformLogger = consoleLogger): boolean {
  if (!isSafeExternalUrl(url)) return false;
  // Hand over the re-serialised URL, not the raw string.
  const href = new URL(url).href;
  shell.openExternal(href).catch((error: unknown) => {
    log.warn('could not open external link', {
      error: error instanceof Error ? error.message : String(error),
    });
  });
  return true;
}

function describeUrl(url: string): string {
  const parsed = parse(url);
  return parsed ? `${parsed.protocol}//${parsed.host}` : '(unparseable)';
}

/** Applies navigation, window-open and webview rules to one web contents. Exported for tests. */
export function hardenWebContents(contents: WebContents, log: PlatformLogger = consoleLogger): void {
  contents.on('will-navigate', (event) => {
    const url = event.url;
    if (isAppUrl(url)) return;
    event.preventDefault();
    // A plain link click in rendered content: show it in the browser instead of replacing the app.
    if (!openExternalSafely(url, log)) log.warn('navigation blocked', { to: describeUrl(url) });
  });
  contents.on('will-redirect', (event) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    log.warn('redirect blocked', { to: describeUrl(event.url) });
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (!openExternalSafely(url, log)) log.warn('window.open blocked', { to: describeUrl(url) });
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('<webview> blocked');
  });
}

/** Refuses every permission request and check (camera, notifications, clipboard-read, …). */
/** The one permission our own pages get: desktop notifications (a question, a long turn ending). */
const APP_PERMISSIONS = new Set(['notifications']);

/** Every permission is refused, except notifications for our own pages. */
export function restrictPermissions(target: Session): void {
  target.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(APP_PERMISSIONS.has(permission) && isAppUrl(details.requestingUrl)),
  );
  target.setPermissionCheckHandler((_contents, permission, requestingOrigin) => APP_PERMISSIONS.has(permission) && isAppUrl(requestingOrigin));
}

/** Installs the baseline app-wide. Call once, after `ready`. */
export function installSecurityHandlers(log: PlatformLogger = consoleLogger): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, log));
  app.on('session-created', (created) => restrictPermissions(created));
  restrictPermissions(session.defaultSession);
}
