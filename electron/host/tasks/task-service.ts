// Watches every conversation and keeps its tasks: the buffer decides when a pass runs (a batch of
// pending messages, a quiet spell after the last one, or a flush), at most one pass runs per session,
// and each pass's outcome is committed in one transaction and announced as a board update. Model
// calls are network waits on the event loop, never work on the write path: a chat never waits.
import { newId } from '../../../agents/protocol';
import type { TaskBoard, TaskExtractionStatus, TaskSettings } from '../../api/types';
import type { Store } from '../../store/store';
import { HostError } from '../errors';
import type { Redactor } from '../redactor';
import type { SecretService } from '../secret-service';
import { MAX_MODEL_CALLS, runExtractionPass } from './task-extractor';

const DEFAULTS: TaskSettings = { enabled: true, model: 'gpt-4o-mini', baseUrl: null, apiKeyName: null, maxPending: 16, idleSeconds: 8 };
const SETTING_KEYS = Object.keys(DEFAULTS) as (keyof TaskSettings)[];
/** Upstream takes the pending messages plus as many again in one pass. */
const BATCH_FACTOR = 2;

interface SessionState {
  timer: NodeJS.Timeout | null;
  pass: Promise<void> | null;
  /** Messages arrived while a pass ran: look again when it ends. */
  again: boolean;
}

export interface TaskServiceOptions {
  store: Store;
  secrets: SecretService;
  redactor: Redactor;
  /** The host's environment, for the DSPATCH_TASKS_* overrides. */
  env: Record<string, string | undefined>;
  onBoard(board: TaskBoard): void;
  log(entry: { workspaceId: string | null; sessionId: string | null; level: 'info' | 'warn' | 'error'; message: string }): void;
}

export class TaskService {
  readonly #sessions = new Map<string, SessionState>();
  readonly #controller = new AbortController();
  #cachedSettings: { settings: TaskSettings; overridden: (keyof TaskSettings)[] } | null = null;
  #closed = false;

  constructor(private readonly options: TaskServiceOptions) {}

  /** After a restart: messages a dead pass held go back to pending, and every waiting session is looked at. */
  start(): void {
    this.options.store.tasks.resetRunning();
    for (const sessionId of this.options.store.tasks.sessionsWithPending()) this.notify(sessionId);
  }

  status(): TaskExtractionStatus {
    const { settings, overridden } = this.#settings();
    const key = this.options.env.DSPATCH_TASKS_API_KEY;
    let inactiveReason: string | null = null;
    if (!settings.enabled) inactiveReason = 'Task extraction is turned off. Turn it on in Settings → Tasks.';
    else if (!key && !settings.apiKeyName) {
      inactiveReason = 'Task extraction needs an API key: pick a saved key in Settings → Tasks (or set DSPATCH_TASKS_API_KEY for the host).';
    } else if (!key && !this.options.store.secrets.listApiKeys().some((row) => row.key === settings.apiKeyName)) {
      inactiveReason = `The saved API key "${settings.apiKeyName}" that task extraction uses no longer exists. Pick another in Settings → Tasks.`;
    }
    return { settings, overridden, active: inactiveReason === null, inactiveReason };
  }

  updateSettings(changes: Partial<TaskSettings>): TaskExtractionStatus {
    for (const key of SETTING_KEYS) {
      if (changes[key] !== undefined) this.options.store.tasks.setSetting(`tasks.${key}`, JSON.stringify(changes[key]));
    }
    this.#cachedSettings = null;
    const status = this.status();
    if (status.active) this.start();
    return status;
  }

  board(sessionId: string): TaskBoard {
    return this.options.store.tasks.board(sessionId, this.#sessions.get(sessionId)?.pass != null);
  }

  /** Something changed in a session's conversation: count what waits and run or wait accordingly. */
  notify(sessionId: string): void {
    if (this.#closed || !this.status().active) return;
    const state = this.#state(sessionId);
    if (state.pass) {
      state.again = true;
      return;
    }
    const pending = this.options.store.tasks.pendingCount(sessionId);
    if (pending === 0) return;
    const { settings } = this.#settings();
    if (pending >= settings.maxPending) {
      void this.#run(sessionId).catch(() => undefined);
      return;
    }
    // True idle: every new message restarts the wait.
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(() => void this.#run(sessionId).catch(() => undefined), settings.idleSeconds * 1000);
    state.timer.unref?.();
  }

  /** Runs the pending extraction now and resolves when it has finished; rejects with its error. */
  async flush(sessionId: string): Promise<TaskBoard> {
    const status = this.status();
    if (!status.active) throw new HostError('not_supported', status.inactiveReason!);
    const state = this.#state(sessionId);
    await state.pass?.catch(() => undefined);
    if (this.options.store.tasks.pendingCount(sessionId) > 0) await this.#run(sessionId);
    return this.board(sessionId);
  }

  /** Failed messages go back to pending and are extracted now. */
  async retry(sessionId: string): Promise<TaskBoard> {
    this.options.store.tasks.retryFailed(sessionId);
    return this.flush(sessionId);
  }

  close(): void {
    this.#closed = true;
    this.#controller.abort();
    for (const state of this.#sessions.values()) if (state.timer) clearTimeout(state.timer);
  }

  #run(sessionId: string): Promise<void> {
    const state = this.#state(sessionId);
    if (state.timer) clearTimeout(state.timer);
    state.timer = null;
    if (state.pass) return state.pass;
    state.again = false;
    const pass = this.#pass(sessionId).finally(() => {
      state.pass = null;
      this.#announce(sessionId);
      if (state.again || this.options.store.tasks.pendingCount(sessionId) > 0) this.notify(sessionId);
    });
    state.pass = pass;
    return pass;
  }

  async #pass(sessionId: string): Promise<void> {
    const { store } = this.options;
    const session = store.sessions.getSession(sessionId);
    if (!session) return;
    const { settings } = this.#settings();
    const batch = store.tasks.claimBatch(sessionId, settings.maxPending * BATCH_FACTOR);
    if (batch.length === 0) return;
    this.options.onBoard(store.tasks.board(sessionId, true));
    const ids = batch.map((message) => message.id);
    try {
      const client = await this.#client(settings);
      const board = store.tasks.board(sessionId, true);
      const result = await runExtractionPass(client, settings.model, { sessionId, messages: batch, tasks: board.tasks, preferences: board.userPreferences }, {
        maxCalls: MAX_MODEL_CALLS,
        signal: this.#controller.signal,
      });
      const now = Date.now();
      const committed = store.transaction(() => {
        if (!store.tasks.commitPass(result.outcome, now)) return false;
        for (const call of result.usage) {
          store.usage.insert({ id: newId(), workspaceId: session.workspaceId, sessionId, runId: null, agentKey: session.agentKey, source: 'tasks', requests: 1, createdAt: now, ...call });
        }
        return true;
      });
      if (!committed) {
        this.options.log({ workspaceId: null, sessionId: null, level: 'info', message: 'Task extraction for a deleted conversation was dropped.' });
        return;
      }
      const ending = result.finished ? '' : ` It stopped after ${result.calls} model calls without calling finish; what it did is kept.`;
      const notes = result.notes.filter((note) => !note.startsWith('thinking:'));
      this.options.log({
        workspaceId: session.workspaceId,
        sessionId,
        level: notes.length || !result.finished ? 'warn' : 'info',
        message: `Task extraction read ${batch.length} messages in ${result.calls} model calls.${ending}${notes.length ? ` Refused tool calls: ${notes.join('; ')}` : ''}`,
      });
    } catch (error) {
      // The host is closing: the batch stays `running` and the next host puts it back to pending.
      if (this.#closed) return;
      const reason = this.options.redactor.redact(describe(error));
      store.tasks.failPass(sessionId, ids, reason);
      this.options.log({ workspaceId: session.workspaceId, sessionId, level: 'error', message: `Task extraction failed: ${reason} The ${batch.length} messages are marked failed; use Retry in the Tasks panel.` });
      throw new HostError('internal', `Task extraction failed: ${reason}`);
    }
  }

  async #client(settings: TaskSettings) {
    const apiKey =
      this.options.env.DSPATCH_TASKS_API_KEY ||
      (settings.apiKeyName ? (await this.options.secrets.decryptApiKeys(new Set([settings.apiKeyName]))).get(settings.apiKeyName) : undefined);
    if (!apiKey) throw new Error(`the API key for task extraction is not available.`);
    this.options.redactor.add(apiKey);
    // Loaded on first use: a host that never extracts never pays for the client.
    const { default: OpenAI } = await import('openai');
    return new OpenAI({ apiKey, baseURL: settings.baseUrl ?? undefined, maxRetries: 2, timeout: 60_000 });
  }

  /** Read on every message, so kept in memory; only updateSettings changes them. */
  #settings(): { settings: TaskSettings; overridden: (keyof TaskSettings)[] } {
    this.#cachedSettings ??= this.#loadSettings();
    return { settings: { ...this.#cachedSettings.settings }, overridden: [...this.#cachedSettings.overridden] };
  }

  #loadSettings(): { settings: TaskSettings; overridden: (keyof TaskSettings)[] } {
    const settings = { ...DEFAULTS };
    for (const key of SETTING_KEYS) {
      const stored = this.options.store.tasks.getSetting(`tasks.${key}`);
      if (stored !== undefined) (settings as Record<string, unknown>)[key] = JSON.parse(stored);
    }
    const overridden: (keyof TaskSettings)[] = [];
    const { env } = this.options;
    if (env.DSPATCH_TASKS_BASE_URL) {
      settings.baseUrl = env.DSPATCH_TASKS_BASE_URL;
      overridden.push('baseUrl');
    }
    if (env.DSPATCH_TASKS_MODEL) {
      settings.model = env.DSPATCH_TASKS_MODEL;
      overridden.push('model');
    }
    if (env.DSPATCH_TASKS_API_KEY) overridden.push('apiKeyName');
    return { settings, overridden };
  }

  #state(sessionId: string): SessionState {
    let state = this.#sessions.get(sessionId);
    if (!state) this.#sessions.set(sessionId, (state = { timer: null, pass: null, again: false }));
    return state;
  }

  #announce(sessionId: string): void {
    if (this.options.store.sessions.getSession(sessionId)) this.options.onBoard(this.board(sessionId));
  }
}

/** A model error as the user should read it: the status and what to do. */
function describe(error: unknown): string {
  const status = (error as { status?: unknown }).status;
  const message = error instanceof Error ? error.message : String(error);
  if (status === 401) return 'the model endpoint refused the API key (401). Check the key in Settings → Tasks.';
  if (status === 429) return 'the model endpoint is rate-limiting (429) and retries did not get through. Try again later.';
  if (typeof status === 'number') return `the model endpoint answered ${status}: ${message.slice(0, 300)}.`;
  if (error instanceof Error && error.name === 'APIConnectionError') return `the model endpoint could not be reached (${message}). Check the endpoint in Settings → Tasks.`;
  return `${message.slice(0, 300)}.`;
}
