// Who may talk to browser mode's server, for plain HTTP and WebSocket upgrades alike. A request must
// name this server in its Host header (so a page on another site cannot reach it by DNS rebinding), a
// browser's Origin must be a page of this server, and the API also needs the access token.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface Refusal {
  status: 401 | 403 | 404 | 421;
  /** Plain text for whoever sees the response: what happened and what to do. */
  reason: string;
}

export interface AccessPolicy {
  /** What to open, e.g. http://127.0.0.1:7450 or the --public-url. */
  readonly origin: string;
  /** Something the person starting the server must know about who can reach it, or null. */
  readonly warning: string | null;
  /** Host and Origin: null when the request is for this server. */
  checkRequest(headers: IncomingHttpHeaders): Refusal | null;
  checkToken(given: string | null): Refusal | null;
  /** The CSP for a page served to a request that passed checkRequest: it may connect back only to its own host. */
  contentSecurityPolicy(headers: IncomingHttpHeaders): string;
}

export interface AccessPolicyOptions {
  bindHost: string;
  port: number;
  token: string;
  publicUrl: URL | null;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::']);
/** Characters a Host header may hold: names, IPv4, bracketed IPv6 and a port. Anything else is refused unparsed. */
const HOST_HEADER = /^[A-Za-z0-9.\-:[\]]{1,255}$/;

export function createAccessPolicy({ bindHost, port, token, publicUrl }: AccessPolicyOptions): AccessPolicy {
  const wildcard = WILDCARD_HOSTS.has(bindHost);
  const names = ['127.0.0.1', 'localhost', '[::1]'];
  if (!wildcard) names.push(bindHost.includes(':') ? `[${bindHost}]` : bindHost);
  const localOrigins = names.map((name) => new URL(`http://${name}:${port}`).origin);
  const origins = new Set(publicUrl ? [...localOrigins, publicUrl.origin] : localOrigins);
  const hosts = new Set([...origins].map((origin) => new URL(origin).host));
  const origin = publicUrl?.origin ?? (wildcard ? localOrigins[0] : localOrigins[localOrigins.length - 1]);
  const elsewhere = `restart it with --public-url http://ADDRESS:${port}, ADDRESS being how other machines reach this one`;

  let warning: string | null = null;
  if (wildcard && !publicUrl) {
    warning =
      `Listening on ${bindHost}, but the app answers only at ${localOrigins[0]} and ${localOrigins[1]}: ` +
      `other machines get "421 Misdirected Request". To open it from another machine, ${elsewhere}. ` +
      'Anyone who can reach the port and has the link can use the app.';
  } else if (!isLoopback(bindHost)) {
    warning = `Listening on ${bindHost}: anyone who can reach ${origin} and has the link can use the app.`;
  }

  return {
    origin,
    warning,
    checkRequest(headers) {
      const host = hostOf(headers.host);
      if (host === null || !hosts.has(host)) {
        const named = host === null ? 'the address in this request' : `"${headers.host}"`;
        return {
          status: 421,
          reason: `This dspatch server does not answer to ${named}. Open the URL printed by \`dspatch serve\`; to use another address, ${elsewhere}.`,
        };
      }
      // Non-browser clients send no Origin; browsers always do on the API, and only our pages may use it.
      if (headers.origin !== undefined && !origins.has(headers.origin)) {
        return {
          status: 403,
          reason:
            'A page from another site may not use this dspatch server. Open the URL printed by `dspatch serve`.',
        };
      }
      return null;
    },
    checkToken(given) {
      if (given !== null && sameSecret(given, token)) return null;
      return {
        status: 401,
        reason:
          'A valid access token is required. Open the full URL printed by `dspatch serve` (it contains the token); a token from an earlier run no longer works.',
      };
    },
    contentSecurityPolicy(headers) {
      const host = hostOf(headers.host) ?? new URL(origin).host;
      // 'self' does not cover ws: in every browser, so name the page's own host, and nothing else.
      return `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://${host} wss://${host}; base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors 'none'`;
    },
  };
}

/** Checks --public-url: people open it, so it must be a plain http(s) origin the renderer can put /api after. */
export function parsePublicUrl(text: string): URL {
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    // Reported below.
  }
  if (
    !url ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    throw new Error(
      `--public-url must be an http or https address with only a host and port, like http://192.168.1.5:7450; "${text}" is not.`,
    );
  }
  return url;
}

/** The Host header as URL parsing normalizes it (case, default port, IPv6 form), or null when it is not a host. */
function hostOf(header: string | undefined): string | null {
  if (header === undefined || !HOST_HEADER.test(header)) return null;
  try {
    return new URL(`http://${header}`).host;
  } catch {
    return null;
  }
}

function isLoopback(bindHost: string): boolean {
  return bindHost === 'localhost' || bindHost === '::1' || bindHost.startsWith('127.');
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
