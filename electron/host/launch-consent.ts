// What the user must confirm before a workspace runs: that code from its folder runs with their
// rights, and which of their secrets its file sends to which host. Pure functions of the workspace
// file and its templates; the store remembers what was confirmed (consent-repo.ts), the workspace
// service refuses a launch until it was.
import { createHash } from 'node:crypto';
import type { ConsentItem } from '../api/types';
import { agentRequiredEnv, findApiKeyPlaceholders, flattenAgents, type SettingsProviders, type WorkspaceConfig } from './workspace-config';

/**
 * Where secrets go, per agent, from the env its process gets (workspace env, its own env, its
 * template's required_env):
 *
 * - A *secret* is a saved API key (a value holding `{{apikey:Name}}`), or a key whose value the user
 *   supplies rather than the file: a required_env key the file leaves unset, or a declared key left
 *   empty (filled from the workspace's stored secrets, or the shell for `dspatch run`). Literal values
 *   are the file author's own and are not secrets of the user.
 * - An *endpoint* is any value holding a URL (`scheme://host…`), whatever its name (proxies count),
 *   and any non-empty value of a name ending in _BASE_URL, _API_BASE, _URL, _ENDPOINT or _HOST (which
 *   catches `host:port` written without a scheme). Its host is shown without user info or path.
 * - Every secret of an agent may go to every endpoint of that agent: each pair is a route.
 *   A saved key with no endpoint beside it goes to the agent's default endpoint — still a route,
 *   since saved keys are shared by all workspaces and this file chose to use one. A workspace secret
 *   with no endpoint is no route: the user typed it for this workspace and it goes to the default.
 */
export interface KeyRoute {
  /** The saved key's name, or the env name of a workspace secret. */
  secret: string;
  savedKey: boolean;
  /** host[:port], or null for the agent's default endpoint. */
  host: string | null;
}

const ENDPOINT_NAME = /_(BASE_URL|API_BASE|URL|ENDPOINT|HOST)$/i;
const URL_HOST = /[a-z][a-z0-9+.-]*:\/\/([^\s/?#]+)/gi;
const MAX_HOST_LENGTH = 120;

function endpointHosts(name: string, value: string): string[] {
  const hosts = [...value.matchAll(URL_HOST)].map((match) => match[1]);
  if (hosts.length === 0 && ENDPOINT_NAME.test(name) && value.trim() !== '') hosts.push(value.trim());
  // user:pass@host: the user info is not where the request goes (and may itself hold a placeholder).
  return hosts.map((host) => host.slice(host.lastIndexOf('@') + 1).slice(0, MAX_HOST_LENGTH).toLowerCase());
}

/**
 * Every route the file sets up, sorted and without repeats. `requiredEnv` gives each template's required_env;
 * `settingsProviders` are the Settings providers its agents may name (their URLs and keys are routes too).
 */
export function keyRoutes(
  config: WorkspaceConfig,
  requiredEnv: (template: string) => readonly string[],
  settingsProviders?: SettingsProviders,
): KeyRoute[] {
  const routes = new Map<string, KeyRoute>();
  for (const agent of flattenAgents(config, settingsProviders)) {
    const env: Record<string, string> = { ...config.env, ...agent.env };
    const secrets: Omit<KeyRoute, 'host'>[] = [];
    const hosts = new Set<string>();
    for (const [name, value] of Object.entries(env)) {
      if (agent.waivedEnv?.includes(name)) continue; // never sent: its provider needs no key
      for (const saved of findApiKeyPlaceholders(value).names) secrets.push({ secret: saved, savedKey: true });
      if (value === '') secrets.push({ secret: name, savedKey: false });
      for (const host of endpointHosts(name, value)) hosts.add(host);
    }
    for (const name of agentRequiredEnv(agent, requiredEnv(agent.template))) {
      if (env[name] === undefined) secrets.push({ secret: name, savedKey: false });
    }
    for (const secret of secrets) {
      const targets: (string | null)[] = hosts.size > 0 ? [...hosts] : secret.savedKey ? [null] : [];
      for (const host of targets) {
        const route = { ...secret, host };
        routes.set(JSON.stringify(route), route);
      }
    }
  }
  return [...routes].sort(([a], [b]) => a.localeCompare(b)).map(([, route]) => route);
}

export function routesFingerprint(routes: readonly KeyRoute[]): string {
  return sha256(JSON.stringify(routes));
}

/** Of everything pending, which the client must send back to confirm exactly that. */
export function consentFingerprint(items: readonly ConsentItem[]): string {
  return sha256(JSON.stringify(items));
}

export function codeItem(dir: string): ConsentItem {
  return { kind: 'code', dir, text: `runs code from ${dir} with your rights` };
}

export function routeItem(route: KeyRoute): ConsentItem {
  const what = route.savedKey ? `saved key '${route.secret}'` : `${route.secret} (a secret of this workspace)`;
  const where = route.host ?? "the agent's default endpoint";
  return { kind: 'key', secret: route.secret, savedKey: route.savedKey, host: route.host, text: `sends ${what} to ${where}` };
}

/** One sentence for a workspace's pending items, e.g. for the CLI and error messages; '' for none. */
export function consentSummary(workspace: string, items: readonly ConsentItem[]): string {
  if (items.length === 0) return '';
  return `Workspace '${workspace}' ${items.map((item) => item.text).join('; ')}.`;
}

/** What adding a template means, said once: the same words in the GUI's error and the CLI. */
export function templateCodeNotice(dir: string): string {
  return `The template in ${dir} is code: every workspace that uses it runs it with your rights.`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
