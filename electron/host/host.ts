// The host's composition root, free of Electron: the store, services and supervisor behind one
// `handle(method, request)` that validates every request before any service sees it. Electron main,
// browser mode and the CLI each create one with their own Spawner and SecretCipher.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { requestSchemas, type HostErrorPayload, type HostEvent, type HostMethod, type HostRequest, type HostResponses } from '../api/contract';
import { Store } from '../store/store';
import { HostError } from './errors';
import { createLogger, type Logger } from './logger';
import type { SecretCipher, Spawner } from './ports';
import { Redactor } from './redactor';
import { SecretService } from './secret-service';
import { SessionService } from './session-service';
import { SessionWriter } from './session-writer';
import { Supervisor } from './supervisor';
import { TemplateService } from './template-service';
import { WorkspaceService } from './workspace-service';

export interface HostOptions {
  dataDir: string;
  /** Where the app's agents/ and node_modules/ are: the repository, or the packaged app's resources. */
  appRoot: string;
  mode: 'desktop' | 'browser';
  spawner: Spawner;
  cipher: SecretCipher;
  version: string;
  /** Bundled agents are cached here; defaults to <dataDir>/cache/agents. */
  agentCacheDir?: string;
  /** The native folder picker, where there is one (desktop). Resolves null when cancelled. */
  pickDirectory?: (title: string) => Promise<string | null>;
}

export type Envelope = { ok: true; result: unknown } | { ok: false; error: HostErrorPayload };

export interface HostServices {
  store: Store;
  workspaces: WorkspaceService;
  sessions: SessionService;
  supervisor: Supervisor;
  secrets: SecretService;
  templates: TemplateService;
  writer: SessionWriter;
  logger: Logger;
}

export interface Host {
  /** Validates `request` against requestSchemas[method]; never throws: resolves to an envelope. */
  handle(method: string, request: unknown): Promise<Envelope>;
  /** Typed in-process call for the CLI and tests; throws HostError. */
  call<M extends HostMethod>(method: M, request: HostRequest<M>): Promise<HostResponses[M]>;
  onEvent(listener: (event: HostEvent) => void): () => void;
  readonly services: HostServices;
  close(): Promise<void>;
}

type Handlers = { [M in HostMethod]: (request: HostRequestParsed<M>) => Promise<HostResponses[M]> | HostResponses[M] };
type HostRequestParsed<M extends HostMethod> = z.infer<(typeof requestSchemas)[M]>;

export async function createHost(options: HostOptions): Promise<Host> {
  const listeners = new Set<(event: HostEvent) => void>();
  const emit = (event: HostEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logger.error({ err: error }, 'An event listener failed');
      }
    }
  };
  const redactor = new Redactor();
  const store = Store.open(options.dataDir);
  const logger = createLogger(options.dataDir, redactor);
  const ownsDataDir = claimDataDir(options.dataDir);
  if (ownsDataDir) {
    // Runs and sessions left active by a host that died: nothing drives them any more.
    const now = Date.now();
    store.workspaces.markAbandonedRuns(now);
    store.sessions.markAllStopped(now);
  }

  const writer = new SessionWriter(store, redactor, emit);
  const supervisor = new Supervisor(store, writer, options.spawner, logger, emit);
  const templates = new TemplateService(store, join(options.appRoot, 'agents', 'templates'));
  const secrets = new SecretService(store, options.cipher, redactor);
  const workspaces = new WorkspaceService(store, templates, secrets, supervisor, {
    agentsDir: join(options.appRoot, 'agents'),
    nodeModulesDir: join(options.appRoot, 'node_modules'),
    cacheDir: options.agentCacheDir ?? join(options.dataDir, 'cache', 'agents'),
  });
  const sessions = new SessionService(store, writer, supervisor, workspaces, emit);
  const secretBackend = await options.cipher.describe();

  const ok = { ok: true } as const;
  const handlers: Handlers = {
    'app.info': () => ({ version: options.version, mode: options.mode, dataDir: options.dataDir, secrets: secretBackend }),
    'app.pickDirectory': async (r) => {
      if (!options.pickDirectory) throw new HostError('not_supported', 'There is no folder picker in browser mode: type the path.');
      return { path: await options.pickDirectory(r.title ?? 'Choose a folder') };
    },
    'workspaces.list': () => workspaces.list(),
    'workspaces.get': (r) => workspaces.get(r.workspaceId),
    'workspaces.add': async (r) => {
      const summary = await workspaces.add(r.dir);
      emit({ type: 'workspaces.changed' });
      return summary;
    },
    'workspaces.validate': (r) => workspaces.validate(r.yaml),
    'workspaces.create': async (r) => {
      const summary = await workspaces.create(r);
      emit({ type: 'workspaces.changed' });
      return summary;
    },
    'workspaces.update': async (r) => {
      const summary = await workspaces.update(r);
      emit({ type: 'workspaces.changed' });
      return summary;
    },
    'workspaces.remove': async (r) => {
      await workspaces.remove(r.workspaceId);
      emit({ type: 'workspaces.changed' });
      return ok;
    },
    'workspaces.launch': async (r) => supervisor.start(await workspaces.plan(r.workspaceId)),
    'workspaces.stop': async (r) => {
      await supervisor.stop(r.workspaceId);
      return ok;
    },
    'secrets.set': async (r) => {
      await workspaces.get(r.workspaceId);
      await secrets.set(r.workspaceId, r.key, r.value);
      return ok;
    },
    'secrets.remove': (r) => {
      if (!secrets.remove(r.workspaceId, r.key)) throw new HostError('not_found', `${r.key} is not set for this workspace.`);
      return ok;
    },
    'apiKeys.list': () => secrets.listApiKeys(),
    'apiKeys.set': async (r) => {
      await secrets.setApiKey(r.name, r.value);
      return ok;
    },
    'apiKeys.remove': (r) => {
      secrets.removeApiKey(r.name);
      return ok;
    },
    'templates.list': () => templates.summaries(),
    'templates.readme': async (r) => ({ markdown: await templates.readme(r.name) }),
    'templates.add': (r) => templates.add(r.dir),
    'templates.remove': async (r) => {
      await templates.remove(r.name);
      return ok;
    },
    'sessions.list': (r) => sessions.list(r.workspaceId),
    'sessions.open': (r) => sessions.open(r.sessionId, r.limit),
    'sessions.history': (r) => sessions.history(r.sessionId, r.beforeEntryId, r.limit),
    'sessions.create': (r) => sessions.create(r.workspaceId, r.agentKey),
    'sessions.send': (r) => sessions.send(r.sessionId, r.text),
    'sessions.interrupt': (r) => {
      sessions.interrupt(r.sessionId);
      return ok;
    },
    'inquiries.list': (r) => sessions.listInquiries(r.status ?? 'pending'),
    'inquiries.answer': (r) => {
      sessions.answerInquiry(r.inquiryId, r.text, r.suggestionIndex);
      return ok;
    },
    'logs.list': (r) => {
      writer.flush();
      return store.logs.list(r);
    },
    'usage.list': (r) => {
      writer.flush();
      return store.usage.list(r);
    },
    'usage.summary': (r) => {
      writer.flush();
      return store.usage.summary(r.workspaceId);
    },
  };

  async function call<M extends HostMethod>(method: M, request: HostRequest<M>): Promise<HostResponses[M]> {
    const schema = requestSchemas[method];
    const parsed = schema.safeParse(request);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HostError('bad_request', `Invalid request for ${method}: ${issue ? `${issue.path.join('.') || 'request'} ${issue.message}` : 'malformed'}.`);
    }
    const handler = handlers[method] as (request: unknown) => Promise<HostResponses[M]> | HostResponses[M];
    return handler(parsed.data);
  }

  let closed = false;
  return {
    services: { store, workspaces, sessions, supervisor, secrets, templates, writer, logger },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    call,
    async handle(method, request) {
      if (!Object.hasOwn(requestSchemas, method)) {
        return { ok: false, error: { code: 'bad_request', message: `Unknown method "${String(method).slice(0, 100)}".` } };
      }
      try {
        return { ok: true, result: await call(method as HostMethod, request as never) };
      } catch (error) {
        if (error instanceof HostError) return { ok: false, error: redactor.redactDeep(error.toPayload()) };
        logger.error({ err: error, method }, 'A request failed');
        return { ok: false, error: { code: 'internal', message: 'Something went wrong on the host; the details are in the log.' } };
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await supervisor.stopAll();
      writer.close();
      store.close();
      if (ownsDataDir) releaseDataDir(options.dataDir);
      logger.flush();
    },
  };
}

/**
 * Records this process as the data dir's active host, unless another live host already is (the app
 * is open while a CLI command reads the same data): then that host's runs are not ours to reset.
 */
function claimDataDir(dataDir: string): boolean {
  const pidFile = join(dataDir, 'host.pid');
  try {
    const other = Number(readFileSync(pidFile, 'utf8'));
    if (other && other !== process.pid && isAlive(other)) return false;
  } catch {
    // No pid file: nobody holds it.
  }
  writeFileSync(pidFile, String(process.pid));
  return true;
}

function releaseDataDir(dataDir: string): void {
  const pidFile = join(dataDir, 'host.pid');
  try {
    if (Number(readFileSync(pidFile, 'utf8')) === process.pid) rmSync(pidFile);
  } catch {
    // Already gone.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
