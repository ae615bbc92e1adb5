// The app:// scheme: the renderer build (out/renderer) served from a real, privileged origin
// (app://dspatch) instead of file://. That origin is what sender validation, navigation rules and the CSP
// check against, and it lets the grantFileProtocolExtraPrivileges fuse stay off.
import { protocol } from 'electron';
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './security';

/** Strict CSP for every page and asset we serve. Styles allow inline for React style props. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a request URL to a file under `rootDir`, or null when the request must be refused: another
 * host, a malformed escape, an encoded separator (`%2f`, `%5c`) or NUL, a `..` segment that survived
 * URL parsing, or any path that resolves outside the root.
 */
export function resolveAppPath(rootDir: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  // Encoded separators and NUL have no legitimate use in our asset paths.
  if (/%(2f|5c|00)/i.test(url.pathname)) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  // Refuse any `..` segment outright rather than relying on normalisation.
  if (pathname.split('/').some((segment) => segment === '..')) return null;
  const root = resolve(rootDir);
  const relative = pathname.replace(/^\/+/, '');
  const target = resolve(root, relative === '' ? 'index.html' : relative);
  if (target !== root && !target.startsWith(root + sep)) return null;
  return target;
}

function textResponse(status: number, body: string): Response {
  return new Response(body, {
    status,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
    },
  });
}

/** The protocol handler, without Electron: takes a Fetch Request, answers with a Fetch Response. */
export function createAppRequestHandler(rootDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'Method not allowed');
    let filePath = resolveAppPath(rootDir, request.url);
    if (!filePath) return textResponse(404, 'Not found');
    try {
      if ((await stat(filePath)).isDirectory()) {
        filePath = resolve(filePath, 'index.html');
      }
      const body = await readFile(filePath);
      return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
        status: 200,
        headers: {
          'content-type': contentTypeFor(filePath),
          'content-length': String(body.byteLength),
          'content-security-policy': CONTENT_SECURITY_POLICY,
          'x-content-type-options': 'nosniff',
          'cache-control': 'no-cache',
        },
      });
    } catch {
      return textResponse(404, 'Not found');
    }
  };
}

/** Must run before `app` is ready (Electron only accepts privileged schemes at startup). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves `rootDir` (out/renderer) on app://dspatch. Call after `ready`. */
export function serveAppProtocol(rootDir: string): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(rootDir));
}
