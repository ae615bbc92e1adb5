// A real host for integration tests: a temp data dir (real SQLite file), ForkSpawner (real agent
// processes), FileCipher (real encrypted secrets), the repository as app root and the shared agent
// bundle cache. Every event the host emits is recorded, and tests wait for one with a predicate.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostEvent } from '../../electron/api/contract';
import type {
  SessionChange,
  SessionSnapshot,
  SessionState,
  TemplateSummary,
  TimelineEntry,
  TimelineMessage,
  WorkspaceSummary,
} from '../../electron/api/types';
import { createHost, type Host } from '../../electron/host/host';
import type { ApiListener } from '../../electron/host/ports';
import { FileCipher } from '../../electron/serve/file-cipher';
import { ForkSpawner } from '../../electron/serve/fork-spawner';
import { agentCacheDir, repoRoot, tempDir } from './paths';

export const fixtureTemplatesDir = join(repoRoot, 'test', 'fixtures', 'templates');
/** Generous: agent processes start cold and bundles may be built on the first run. */
export const WAIT_MS = 20_000;

export type SessionEvent = Extract<HostEvent, { type: 'session.event' }>;

export const isSessionEvent =
  (sessionId: string) =>
  (event: HostEvent): event is SessionEvent =>
    event.type === 'session.event' && event.sessionId === sessionId;

export const isState =
  (sessionId: string, state: SessionState) =>
  (event: HostEvent): event is SessionEvent =>
    isSessionEvent(sessionId)(event) && event.change.type === 'state' && event.change.state === state;

interface Waiter {
  predicate: (event: HostEvent) => boolean;
  from: number;
  resolve: (event: HostEvent) => void;
}

/** Every event of one host, in order, with waiting. */
export class EventLog {
  readonly events: HostEvent[] = [];
  readonly #waiters = new Set<Waiter>();

  push(event: HostEvent): void {
    this.events.push(event);
    const index = this.events.length - 1;
    for (const waiter of this.#waiters) {
      if (index >= waiter.from && waiter.predicate(event)) {
        this.#waiters.delete(waiter);
        waiter.resolve(event);
      }
    }
  }

  /** The position the next event will have: pass it as `from` to only look at what comes later. */
  mark(): number {
    return this.events.length;
  }

  indexOf(event: HostEvent): number {
    return this.events.indexOf(event);
  }

  /** The first event at or after `from` that matches, already recorded or still to come. */
  waitFor<E extends HostEvent>(
    predicate: ((event: HostEvent) => event is E) | ((event: HostEvent) => boolean),
    options: { from?: number; what?: string; timeoutMs?: number } = {},
  ): Promise<E> {
    const from = options.from ?? 0;
    const found = this.events.slice(from).find(predicate);
    if (found) return Promise.resolve(found as E);
    return new Promise<E>((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        from,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event as E);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        const recent = this.events.slice(-15).map((event) => JSON.stringify(event).slice(0, 300));
        reject(
          new Error(
            `Timed out waiting for ${options.what ?? 'an event'}. Last events:\n${recent.join('\n')}`,
          ),
        );
      }, options.timeoutMs ?? WAIT_MS);
      this.#waiters.add(waiter);
    });
  }

  /** The session's events in the order they were emitted. */
  sessionEvents(sessionId: string): SessionEvent[] {
    return this.events.filter(isSessionEvent(sessionId));
  }
}

export interface TestHost {
  host: Host;
  dataDir: string;
  events: EventLog;
  close(): Promise<void>;
}

const openHosts = new Set<TestHost>();
const tempDirs = new Set<string>();

/** A temp directory removed by cleanupHarness(). */
export function scratchDir(prefix = 'dspatch-it-'): string {
  const dir = tempDir(prefix);
  tempDirs.add(dir);
  return dir;
}

/** `env` is the host's environment (DSPATCH_TASKS_* overrides); by default an empty one, not the test runner's. */
export async function startHost(
  options: {
    dataDir?: string;
    env?: Record<string, string>;
    apiListener?: ApiListener;
    /** The app's files: the repository by default; a packaged app's unpacked tree in test/packaging. */
    appRoot?: string;
    agentCacheDir?: string;
  } = {},
): Promise<TestHost> {
  const dataDir = options.dataDir ?? scratchDir('dspatch-it-data-');
  const host = await createHost({
    dataDir,
    appRoot: options.appRoot ?? repoRoot,
    mode: 'browser',
    spawner: new ForkSpawner(),
    cipher: new FileCipher(dataDir),
    version: '0.0.0-test',
    agentCacheDir: options.agentCacheDir ?? agentCacheDir,
    env: options.env ?? {},
    apiListener: options.apiListener,
  });
  const events = new EventLog();
  host.onEvent((event) => events.push(event));
  const testHost: TestHost = {
    host,
    dataDir,
    events,
    async close() {
      openHosts.delete(testHost);
      await host.close();
    },
  };
  openHosts.add(testHost);
  return testHost;
}

/** For afterEach: closes every host still open (stopping its agent processes) and removes temp dirs. */
export async function cleanupHarness(): Promise<void> {
  await Promise.all([...openHosts].map((testHost) => testHost.close()));
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** A new directory holding the given dspatch.workspace.yml. */
export function workspaceDir(yaml: string): string {
  const dir = join(scratchDir('dspatch-it-ws-'), 'workspace');
  mkdirSync(dir);
  writeFileSync(join(dir, 'dspatch.workspace.yml'), yaml);
  return dir;
}

export function addWorkspace(t: TestHost, yaml: string): Promise<WorkspaceSummary> {
  return t.host.call('workspaces.add', { dir: workspaceDir(yaml) });
}

/** Registers test/fixtures/templates/<name>, as a user who confirmed running its code. */
export function addTemplate(t: TestHost, name: string): Promise<TemplateSummary> {
  return t.host.call('templates.add', { dir: join(fixtureTemplatesDir, name), confirm: true });
}

/** Confirms whatever the workspace still needs confirmed before it launches (its code, key routes). */
export async function confirmLaunch(t: TestHost, workspaceId: string): Promise<void> {
  const { fingerprint } = await t.host.call('workspaces.launchConsent', { workspaceId });
  await t.host.call('workspaces.consent', { workspaceId, fingerprint });
}

/** A workspace with one root agent of `template`. */
export function singleAgentYaml(name: string, agentKey: string, template: string): string {
  return `name: ${name}\nagents:\n  ${agentKey}:\n    template: ${template}\n`;
}

/** Adds, confirms and launches a workspace; returns it with the auto-started session of its first agent. */
export async function launchWorkspace(
  t: TestHost,
  yaml: string,
): Promise<{ workspace: WorkspaceSummary; sessionId: string }> {
  const workspace = await addWorkspace(t, yaml);
  await confirmLaunch(t, workspace.id);
  const { sessions } = await t.host.call('workspaces.launch', { workspaceId: workspace.id });
  if (!sessions[0]) throw new Error('The workspace started no session.');
  return { workspace, sessionId: sessions[0].id };
}

export interface TurnResult {
  turnId: string;
  /** The assistant text of the turn, as stored. */
  reply: string;
  messages: TimelineMessage[];
  /** Index of the first event after the send: look at the turn's events from here. */
  from: number;
}

/** Sends a message and waits for the turn to run (generating) and end (idle). */
export async function sendAndWait(t: TestHost, sessionId: string, text: string): Promise<TurnResult> {
  const from = t.events.mark();
  const { turnId } = await t.host.call('sessions.send', { sessionId, text });
  await waitForTurnEnd(t, sessionId, from);
  const messages = await turnMessages(t, sessionId, turnId);
  return { turnId, reply: messages.map((message) => message.text).join(''), messages, from };
}

/** Waits for `generating`, then the `idle` after it. The spawn's first `idle` does not count. */
export async function waitForTurnEnd(t: TestHost, sessionId: string, from: number): Promise<void> {
  const generating = await t.events.waitFor(isState(sessionId, 'generating'), {
    from,
    what: `session ${sessionId} to start generating`,
  });
  await t.events.waitFor(isState(sessionId, 'idle'), {
    from: t.events.indexOf(generating) + 1,
    what: `session ${sessionId} to become idle`,
  });
}

export async function turnMessages(
  t: TestHost,
  sessionId: string,
  turnId: string,
): Promise<TimelineMessage[]> {
  const { entries } = await t.host.call('sessions.open', { sessionId });
  return entries.filter(
    (entry): entry is TimelineMessage =>
      entry.kind === 'message' && entry.role === 'assistant' && entry.turnId === turnId,
  );
}

/**
 * A message's text as the events delivered it: the text of its first `entry` event plus every
 * `append` to it. Later `entry` events of the same id only change its status.
 */
export function streamedText(events: SessionEvent[], entryId: string): string {
  let text: string | null = null;
  for (const { change } of events) {
    if (change.type === 'entry' && change.entry.id === entryId && text === null)
      text = change.entry.kind === 'message' ? change.entry.text : '';
    else if (change.type === 'append' && change.entryId === entryId) text = (text ?? '') + change.text;
  }
  return text ?? '';
}

/**
 * What a client does with a session: start from a snapshot, then apply live events in seq order,
 * skipping those the snapshot already reflects. Throws on a gap.
 */
export class ClientTimeline {
  readonly entries = new Map<string, TimelineEntry>();
  seq: number;
  state: SessionState;

  constructor(snapshot: SessionSnapshot) {
    for (const entry of snapshot.entries) this.entries.set(entry.id, structuredClone(entry));
    this.seq = snapshot.seq;
    this.state = snapshot.session.state;
  }

  apply(event: SessionEvent): void {
    if (event.seq <= this.seq) return;
    if (event.seq !== this.seq + 1) throw new Error(`Gap: expected seq ${this.seq + 1}, got ${event.seq}.`);
    this.seq = event.seq;
    applyChange(this.entries, event.change, (state) => (this.state = state));
  }

  text(entryId: string): string {
    const entry = this.entries.get(entryId);
    return entry?.kind === 'message' ? entry.text : '';
  }
}

function applyChange(
  entries: Map<string, TimelineEntry>,
  change: SessionChange,
  setState: (state: SessionState) => void,
): void {
  if (change.type === 'entry') entries.set(change.entry.id, structuredClone(change.entry));
  else if (change.type === 'state') setState(change.state);
  else if (change.type === 'removed') for (const id of change.entryIds) entries.delete(id);
  else {
    const entry = entries.get(change.entryId);
    if (!entry) throw new Error(`append to unknown entry ${change.entryId}`);
    if (entry.kind === 'message') entry.text += change.text;
    else
      entry.data = {
        ...entry.data,
        text: `${typeof entry.data.text === 'string' ? entry.data.text : ''}${change.text}`,
      };
  }
}
