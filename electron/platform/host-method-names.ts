// The HostApi method names as a plain list, for the sandboxed preload: importing `HOST_METHODS` from
// api/contract would drag zod into the preload bundle. The type below fails to compile when the
// contract gains a method this list lacks, and a unit test checks the list equals HOST_METHODS.
import type { HostMethod } from '../api/contract';

export const HOST_METHOD_NAMES = [
  'app.info',
  'app.pickDirectory',
  'workspaces.list',
  'workspaces.get',
  'workspaces.add',
  'workspaces.validate',
  'workspaces.create',
  'workspaces.update',
  'workspaces.remove',
  'workspaces.launch',
  'workspaces.launchConsent',
  'workspaces.consent',
  'workspaces.stop',
  'secrets.set',
  'secrets.remove',
  'apiKeys.list',
  'apiKeys.set',
  'apiKeys.remove',
  'templates.list',
  'templates.readme',
  'templates.add',
  'templates.remove',
  'sessions.list',
  'sessions.open',
  'sessions.history',
  'sessions.messages',
  'sessions.create',
  'sessions.send',
  'sessions.interrupt',
  'inquiries.list',
  'inquiries.answer',
  'logs.list',
  'usage.list',
  'usage.summary',
  'tasks.board',
  'tasks.flush',
  'tasks.retry',
  'tasks.settings',
  'tasks.updateSettings',
  'tools.stats',
  'acontext.settings',
  'acontext.updateSettings',
  'acontext.apiKey',
  'acontext.sessions',
] as const satisfies readonly HostMethod[];

type MissingMethods = Exclude<HostMethod, (typeof HOST_METHOD_NAMES)[number]>;
/** Compile-time guard: names the missing methods in the error when the list falls behind the contract. */
export const HOST_METHOD_NAMES_COMPLETE: [MissingMethods] extends [never] ? true : MissingMethods = true;
