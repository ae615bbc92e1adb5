// The host's composition root, free of Electron: the store, services and supervisor behind one
// `handle(method, request)` that validates every request before any service sees it. Electron main,
// browser mode and the CLI each create one with their own Spawner and SecretCipher.
import { join } from 'node:path';
import type * as z from 'zod';
import { requestSchema, type HostErrorPayload, type RequestSchemas, type HostEvent, type HostMethod, type HostRequest, type HostResponses } from '../api/contract';
import { Store } from '../store/store';
import { AcontextService } from './acontext/acontext-service';
import { BudgetService } from './budget-service';
import { claimDataDir } from './data-dir';
import { HostError } from './errors';
import { ProviderService } from './provider-service';
import { createLogger, type Logger } from './logger';
import type { ApiListener, SecretCipher, Spawner } from './ports';
import { Redactor } from './redactor';
import { SecretService } from './secret-service';
import { readInquirySettings, writeInquirySettings } from './inquiry-router';
import { SessionExports, writeExportFile, type ExportFormat } from './session-export';
import { SessionService } from './session-service';
import { SessionWriter } from './session-writer';
import { TaskService } from './tasks/task-service';
import { InquiryExpiry } from './inquiry-expiry';
import { Supervisor } from './supervisor';
import { TemplateService } from './template-service';
import { scaffoldTemplate } from './template-scaffold';
import { WorkspaceService } from './workspace-service';
import { WorkspaceWatcher } from './workspace-watcher';

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
  /** The native save dialog, where there is one (desktop). Resolves null when cancelled. */
  pickSavePath?: (options: { title: string; defaultName: string; format: ExportFormat }) => Promise<string | null>;
  /** How a second process names this host when refused the data folder: 'dspatch serve'. */
  holder?: string;
  /** The host's environment, read for DSPATCH_TASKS_* overrides; defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Desktop: the Acontext API's own listener, opened when Settings turn it on (after `services.acontext.start()`). */
  apiListener?: ApiListener;
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
  tasks: TaskService;
  acontext: AcontextService;
  logger: Logger;
}

export interface Host {
  /** Validates `request` against requestSchema(method); never throws: resolves to an envelope. */
  handle(method: string, request: unknown): Promise<Envelope>;
  /** Typed in-process call for the CLI and tests; throws HostError. */
  call<M extends HostMethod>(method: M, request: HostRequest<M>): Promise<HostResponses[M]>;
  onEvent(listener: (event: HostEvent) => void): () => void;
  readonly services: HostServices;
  close(): Promise<void>;
}

type Handlers = { [M in HostMethod]: (request: HostRequestParsed<M>) => Promise<HostResponses[M]> | HostResponses[M] };
type HostRequestParsed<M extends HostMethod> = z.infer<RequestSchemas[M]>;

export async function createHost(options: HostOptions): Promise<Host> {
  const listeners = new Set<(event: HostEvent) => void>();
  const emit = (raw: HostEvent) => {
    // The last line of defence: no event leaves the host with a known secret value in it.
    const event = redactor.redactDeep(raw);
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logger.error({ err: error }, 'An event listener failed');
      }
    }
    // A conversation changed: the task extractor's buffer counts what waits.
    if (raw.type === 'session.event' && raw.change.type === 'entry') tasks.notify(raw.sessionId);
    // A workspace was added, created or removed: watch the files of the ones there are now.
    if (raw.type === 'workspaces.changed') workspaceWatcher.sync();
    // A turn's state changes and the extractor's boards follow its model calls: spending may have moved.
    if ((raw.type === 'session.event' && raw.change.type === 'state') || raw.type === 'task.updated') budgets.scheduleCheck();
    // A removed workspace takes its calls with it: the budgets' kept sums of earlier days are stale.
    if (raw.type === 'workspaces.changed') budgets.forgetEarlierDays();
    // A question with a timeout: the one expiry timer moves if this one runs out first.
    if (raw.type === 'inquiry.updated' && raw.inquiry.status === 'pending' && raw.inquiry.expiresAt !== null) inquiryExpiry.scheduleAt(raw.inquiry.expiresAt);
  };
  const redactor = new Redactor();
  // Before the database is opened: a second host must never open it beside the first (data-dir.ts).
  const claim = claimDataDir(options.dataDir, options.holder ?? (options.mode === 'desktop' ? 'the desktop app' : 'dspatch'));
  let store: Store;
  let logger: Logger;
  try {
    store = Store.open(options.dataDir);
    logger = createLogger(options.dataDir, redactor);
  } catch (error) {
    claim.release();
    throw error;
  }
  // We hold the lock, so runs and sessions still marked active were left by a host that died.
  const now = Date.now();
  store.workspaces.markAbandonedRuns(now);
  store.sessions.markAllStopped(now);

  const writer = new SessionWriter(store, redactor, emit);
  const budgets = new BudgetService(store, { emit, flush: () => writer.flush(), onError: (err) => logger.error({ err }, 'The budget check failed') });
  const env = options.env ?? process.env;
  // DSPATCH_AGENT_SILENCE_MS: how long a turn's agent may stay silent (tests, slow machines).
  const supervisor = new Supervisor(store, writer, options.spawner, logger, emit, redactor, { agentSilenceMs: Number(env.DSPATCH_AGENT_SILENCE_MS) || undefined });
  // Inquiries that ran out while no host ran expire now; the next expiry gets the one timer.
  const inquiryExpiry = new InquiryExpiry({
    store,
    deliver: (inquiry, text) => {
      const session = store.sessions.getSession(inquiry.sessionId);
      return session ? supervisor.expireInquiry(session, inquiry.id, text) : false;
    },
    updated: (inquiry) => emit({ type: 'inquiry.updated', inquiry }),
    log: (message) => logger.info(message),
  });
  inquiryExpiry.check();
  const templates = new TemplateService(store, join(options.appRoot, 'agents', 'templates'));
  const secrets = new SecretService(store, options.cipher, redactor);
  // A saved or removed provider changes the workspaces that name it: they are checked again.
  const providers = new ProviderService(store, secrets, { env, changed: () => emit({ type: 'workspaces.changed' }) });
  const workspaces = new WorkspaceService(store, templates, secrets, supervisor, providers, {
    agentsDir: join(options.appRoot, 'agents'),
    nodeModulesDir: join(options.appRoot, 'node_modules'),
    // The built-in templates' bundles, made by `npm run build` (scripts/build-agents.js).
    prebuiltDir: join(options.appRoot, 'out', 'agents'),
    cacheDir: options.agentCacheDir ?? join(options.dataDir, 'cache', 'agents'),
    warn: (message) => writer.log({ workspaceId: null, sessionId: null, agentKey: null, level: 'warn', source: 'host', message }),
  });
  const sessions = new SessionService(store, writer, supervisor, workspaces, emit);
  const workspaceWatcher = new WorkspaceWatcher({
    list: () => store.workspaces.list(),
    changed: () => emit({ type: 'workspaces.changed' }),
    warn: (message) => writer.log({ workspaceId: null, sessionId: null, agentKey: null, level: 'warn', source: 'host', message }),
  });
  workspaceWatcher.sync();
  const tasks = new TaskService({
    store,
    secrets,
    redactor,
    env,
    onBoard: (board) => emit({ type: 'task.updated', board }),
    log: (entry) => writer.log({ ...entry, agentKey: null, source: 'tasks' }),
  });
  tasks.start();
  const acontext = new AcontextService({ store, writer, tasks, cipher: options.cipher, redactor, logger, emit, listener: options.apiListener });
  const exports = new SessionExports(store, redactor, () => writer.flush());
  /** A new turn (never a running one) is refused while a budget covering its workspace is used up. */
  const budgetAllowsTurn = (sessionId: string) => budgets.assertCanStartTurn(sessions.get(sessionId).workspaceId);
  const secretBackend = await options.cipher.describe();

  const ok = { ok: true } as const;
  const handlers: Handlers = {
    'app.info': () => ({ version: options.version, mode: options.mode, dataDir: options.dataDir, secrets: secretBackend }),
    'app.pickDirectory': async (r) => {
      if (!options.pickDirectory) throw new HostError('not_supported', 'There is no folder picker in browser mode: type the path.');
      return { path: await options.pickDirectory(r.title ?? 'Choose a folder') };
    },
    'app.saveExport': async (r) => {
      if (!options.pickSavePath) throw new HostError('not_supported', 'There is no save dialog in browser mode: the export downloads instead.');
      // Rendered first: a conversation that does not exist fails before any dialog opens.
      const file = exports.render(r.sessionId, r.format);
      const path = await options.pickSavePath({ title: 'Export conversation', defaultName: file.filename, format: r.format });
      if (path) await writeExportFile(path, file.content);
      return { path };
    },
    'workspaces.list': () => workspaces.list(),
    'workspaces.get': (r) => workspaces.get(r.workspaceId),
    'workspaces.add': async (r) => {
      const summary = await workspaces.add(r.dir);
      emit({ type: 'workspaces.changed' });
      return summary;
    },
    'workspaces.validate': (r) => workspaces.validate(r.yaml),
    'workspaces.checkDir': (r) => workspaces.checkDir(r.dir),
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
    'workspaces.launch': async (r) =>
      supervisor.start(await workspaces.plan(r.workspaceId, r.env), { autoStart: r.autoStart ?? true }),
    'workspaces.launchConsent': (r) => workspaces.launchConsent(r.workspaceId),
    'workspaces.consent': async (r) => {
      await workspaces.consent(r.workspaceId, r.fingerprint);
      return ok;
    },
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
    'templates.add': (r) => templates.add(r.dir, r.confirm === true),
    'templates.scaffold': (r) => scaffoldTemplate(r.name, r.dir, { agentsDir: join(options.appRoot, 'agents'), nodeModulesDir: join(options.appRoot, 'node_modules') }),
    'templates.remove': async (r) => {
      await templates.remove(r.name);
      return ok;
    },
    'sessions.list': (r) => sessions.list(r.workspaceId, r.includeArchived),
    'sessions.open': (r) => sessions.open(r.sessionId, r.limit),
    'sessions.history': (r) => sessions.history(r.sessionId, r.beforeEntryId, r.limit),
    'sessions.messages': (r) => {
      writer.flush();
      return { session: sessions.get(r.sessionId), messages: store.sessions.chatMessages(r.sessionId) };
    },
    'sessions.create': (r) => sessions.create(r.workspaceId, r.agentKey),
    'sessions.send': (r) => {
      budgetAllowsTurn(r.sessionId);
      return sessions.send(r.sessionId, r.text);
    },
    'sessions.interrupt': (r) => {
      sessions.interrupt(r.sessionId);
      return ok;
    },
    'sessions.rename': (r) => sessions.rename(r.sessionId, r.title),
    'sessions.delete': (r) => {
      sessions.delete(r.sessionId);
      return ok;
    },
    'sessions.setFlags': (r) => sessions.setFlags(r.sessionId, r),
    'sessions.restart': (r) => sessions.restart(r.sessionId),
    'sessions.export': (r) => exports.page(r),
    'sessions.resend': (r) => {
      // Before resend removes the old turn: a refusal leaves the timeline as it was.
      budgetAllowsTurn(r.sessionId);
      return sessions.resend(r.sessionId, r.text);
    },
    'inquiries.list': (r) => sessions.listInquiries(r.status ?? 'pending'),
    'inquiries.decide': (r) => {
      supervisor.approvals.decide(r.inquiryId, r.decision);
      return ok;
    },
    'approvals.rules': (r) => supervisor.approvals.rules(r.workspaceId),
    'approvals.removeRule': (r) => {
      supervisor.approvals.removeRule(r.workspaceId, r.tool);
      return ok;
    },
    'inquiries.answer': (r) => {
      sessions.answerInquiry(r.inquiryId, r.text, r.suggestionIndex);
      return ok;
    },
    'inquiries.settings': () => readInquirySettings(store),
    'inquiries.updateSettings': (r) => writeInquirySettings(store, r),
    'logs.list': (r) => {
      writer.flush();
      return store.logs.list(r);
    },
    'activity.feed': (r) => {
      writer.flush();
      return store.activityFeed.page(r);
    },
    'usage.list': (r) => {
      writer.flush();
      return store.usage.list(r);
    },
    'usage.summary': (r) => {
      writer.flush();
      return store.usage.summary(r);
    },
    'usage.daily': (r) => {
      writer.flush();
      return store.usage.daily(r, r.by);
    },
    'usage.breakdown': (r) => {
      writer.flush();
      return store.usage.breakdown(r, r.by, r.limit ?? 100);
    },
    'usage.calls': (r) => {
      writer.flush();
      return store.usage.calls(r, r.filter, r.limit ?? 200);
    },
    'search.query': (r) => {
      writer.flush();
      return store.search.query(r, (text) => redactor.redact(text));
    },
    'prices.list': () => store.prices.list(),
    'prices.set': (r) => store.prices.set(r),
    'prices.remove': (r) => {
      if (store.prices.remove(r.model, r.validFrom) === 0) {
        throw new HostError('not_found', `No price for "${r.model}"${r.validFrom ? ` from ${r.validFrom}` : ''}.`);
      }
      return ok;
    },
    'budgets.list': () => budgets.list(),
    'budgets.set': (r) => budgets.set(r.workspaceId, r.monthlyUsd),
    'budgets.remove': (r) => {
      budgets.remove(r.workspaceId);
      return ok;
    },
    'budgets.status': () => budgets.status(),
    'providers.list': () => providers.list(),
    'providers.save': (r) => providers.save(r),
    'providers.remove': (r) => {
      providers.remove(r.name);
      return ok;
    },
    'providers.test': (r) => providers.test(r.name),
    'tasks.board': (r) => tasks.board(sessions.get(r.sessionId).id),
    'tasks.flush': (r) => {
      writer.flush();
      return tasks.flush(sessions.get(r.sessionId).id);
    },
    'tasks.retry': (r) => tasks.retry(sessions.get(r.sessionId).id),
    'tasks.settings': () => tasks.status(),
    'tasks.updateSettings': (r) => tasks.updateSettings(r),
    'tools.stats': (r) => {
      writer.flush();
      if ('sessionId' in r) return store.toolCalls.stats({ sessionId: sessions.get(r.sessionId).id });
      return store.toolCalls.stats({ workspaceId: r.workspaceId });
    },
    'acontext.settings': () => acontext.status(),
    'acontext.updateSettings': (r) => acontext.updateSettings(r),
    'acontext.apiKey': async () => ({ apiKey: await acontext.apiKey() }),
    'acontext.sessions': () => acontext.overview(),
  };

  async function call<M extends HostMethod>(method: M, request: HostRequest<M>): Promise<HostResponses[M]> {
    const schema = requestSchema(method);
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
    services: { store, workspaces, sessions, supervisor, secrets, templates, writer, tasks, acontext, logger },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    call,
    async handle(method, request) {
      if (!requestSchema(method)) {
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
      workspaceWatcher.close();
      await acontext.close();
      exports.close();
      tasks.close();
      budgets.close();
      inquiryExpiry.close();
      await supervisor.stopAll();
      writer.close();
      store.close();
      logger.flush();
      claim.release();
    },
  };
}
