import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  contentTypeFor,
  createAppRequestHandler,
  registerAppScheme,
  resolveAppPath,
  serveAppProtocol,
} from '../../../electron/platform/app-protocol';
import { resetElectronShell, shell } from './electron-shell-double';

vi.mock('electron', async () => (await import('./electron-shell-double')).electronShellModule);

let base: string;
let root: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'dspatch-app-protocol-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>dspatch</title>');
  writeFileSync(join(root, 'assets', 'main.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'style.css'), 'body{}');
  writeFileSync(join(root, 'assets', 'logo.svg'), '<svg/>');
  writeFileSync(join(root, 'assets', 'blob.bin'), 'x');
  // A file just outside the served root, which no request may reach.
  writeFileSync(join(base, 'secret.txt'), 'top secret');
  mkdirSync(join(base, 'renderer-evil'));
  writeFileSync(join(base, 'renderer-evil', 'x.js'), 'evil');
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('resolveAppPath', () => {
  it('maps app URLs to files under the root, / to index.html', () => {
    expect(resolveAppPath(root, 'app://dspatch/')).toBe(join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://dspatch/index.html')).toBe(join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://dspatch/assets/main.js?v=1#x')).toBe(join(root, 'assets', 'main.js'));
    expect(resolveAppPath(root, 'app://dspatch/assets/a%20b.js')).toBe(join(root, 'assets', 'a b.js'));
  });

  // URL parsing already folds plain and %2e-encoded dot segments (as Chromium does for standard
  // schemes), so these land back inside the root: never outside it.
  it.each([
    'app://dspatch/../secret.txt',
    'app://dspatch/../../../../etc/passwd',
    'app://dspatch/%2e%2e/secret.txt',
    'app://dspatch/%2E%2E/secret.txt',
    'app://dspatch/assets/%2e%2e/%2e%2e/secret.txt',
    'app://dspatch/./assets/../../secret.txt',
  ])('keeps %s inside the root', (url) => {
    const resolved = resolveAppPath(root, url);
    expect(resolved === null || resolved.startsWith(root + sep)).toBe(true);
    expect(resolved).not.toBe(join(base, 'secret.txt'));
  });

  it.each([
    'app://dspatch/assets/..%2f..%2fsecret.txt',
    'app://dspatch/..%2fsecret.txt',
    'app://dspatch/..%5csecret.txt',
    'app://dspatch/%5c..%5csecret.txt',
    'app://dspatch/%2e%2e%2frenderer-evil/x.js',
    'app://dspatch/%2f%2e%2e%2fsecret.txt',
    'app://dspatch/%2fetc%2fpasswd',
    'app://dspatch/index.html%00.js',
    'app://dspatch/%E0%A4%A', // malformed escape
    'app://evil/index.html',
    'app://dspatch:1234/index.html',
    'file:///etc/passwd',
    'https://dspatch/index.html',
    'not a url',
  ])('refuses %s', (url) => {
    expect(resolveAppPath(root, url)).toBeNull();
  });
});

describe('app:// request handler', () => {
  const handler = () => createAppRequestHandler(root);
  const get = (url: string, method = 'GET') => handler()(new Request(url, { method }));

  it('serves index.html with the strict CSP and a correct content type', async () => {
    const response = await get('app://dspatch/index.html');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>dspatch</title>');
  });

  it('pins the CSP directives', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors 'none'",
    );
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
  });

  it.each([
    ['app://dspatch/', 'text/html; charset=utf-8'],
    ['app://dspatch/assets/main.js', 'text/javascript; charset=utf-8'],
    ['app://dspatch/assets/style.css', 'text/css; charset=utf-8'],
    ['app://dspatch/assets/logo.svg', 'image/svg+xml'],
    ['app://dspatch/assets/blob.bin', 'application/octet-stream'],
  ])('serves %s as %s', async (url, type) => {
    const response = await get(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it.each([
    'app://dspatch/../secret.txt',
    'app://dspatch/%2e%2e/secret.txt',
    'app://dspatch/assets/..%2f..%2fsecret.txt',
    'app://dspatch/..%5csecret.txt',
    'app://dspatch/missing.js',
    'app://other/index.html',
  ])('answers 404 for %s and never leaks the file', async (url) => {
    const response = await get(url);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('top secret');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await get('app://dspatch/index.html', 'POST')).status).toBe(405);
    const head = await get('app://dspatch/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('knows the common content types', () => {
    expect(contentTypeFor('a.MJS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('a.woff2')).toBe('font/woff2');
    expect(contentTypeFor('a.png')).toBe('image/png');
    expect(contentTypeFor('noext')).toBe('application/octet-stream');
  });
});

describe('scheme registration', () => {
  beforeEach(() => resetElectronShell());

  it('registers app:// as standard, secure and fetch-capable, and nothing more', () => {
    registerAppScheme();
    expect(shell.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
  });

  it('serveAppProtocol installs the handler for app', async () => {
    serveAppProtocol(root);
    const handler = shell.protocolHandlers.get('app');
    expect(handler).toBeDefined();
    const response = await handler!(new Request('app://dspatch/index.html'));
    expect(response.status).toBe(200);
  });
});
