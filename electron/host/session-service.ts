// Conversations as the user sees them: open a snapshot, send a message, stop a turn, answer an
// inquiry. A message to a session of a stopped workspace launches it first.
import { newId } from '../../agents/protocol';
import type { HostEvent } from '../api/contract';
import type { InquirySummary, SessionSnapshot, SessionState, SessionSummary, TimelineEntry } from '../api/types';
import type { Store } from '../store/store';
import { withTurnUsage } from '../store/turn-usage';
import { EXTERNAL_WORKSPACE_ID } from '../store/workspace-repo';
import { HostError } from './errors';
import type { SessionWriter } from './session-writer';
import type { Supervisor } from './supervisor';
import type { WorkspaceService } from './workspace-service';

const DEFAULT_SNAPSHOT_ENTRIES = 200;
const TITLE_LENGTH = 60;
const BUSY_STATES: ReadonlySet<SessionState> = new Set(['generating', 'waiting_for_agent', 'waiting_for_inquiry']);

export class SessionService {
  constructor(
    private readonly store: Store,
    private readonly writer: SessionWriter,
    private readonly supervisor: Supervisor,
    private readonly workspaces: WorkspaceService,
    private readonly emit: (event: HostEvent) => void,
  ) {}

  list(workspaceId: string, includeArchived = false): SessionSummary[] {
    return this.store.sessions.listSessions(workspaceId, includeArchived);
  }

  rename(sessionId: string, title: string): SessionSummary {
    this.get(sessionId);
    this.store.sessions.setTitle(sessionId, title, Date.now());
    return this.#updated(sessionId);
  }

  setFlags(sessionId: string, flags: { pinned?: boolean; archived?: boolean }): SessionSummary {
    this.get(sessionId);
    this.store.sessions.setFlags(sessionId, flags, Date.now());
    return this.#updated(sessionId);
  }

  /** Refused while its agent works on it: the writes still coming would have no conversation to go to. */
  delete(sessionId: string): void {
    const session = this.get(sessionId);
    if (BUSY_STATES.has(session.state)) {
      throw new HostError('conflict', `The agent is still working in this conversation (${session.state.replaceAll('_', ' ')}). Stop it first, then delete.`);
    }
    // What is buffered for it is written first, so nothing lands after the rows are gone.
    this.writer.flush();
    this.store.sessions.deleteSession(sessionId);
    this.emit({ type: 'session.deleted', sessionId, workspaceId: session.workspaceId });
    if (session.workspaceId === EXTERNAL_WORKSPACE_ID) this.emit({ type: 'acontext.changed' });
  }

  #updated(sessionId: string): SessionSummary {
    const session = this.get(sessionId);
    this.emit({ type: 'session.updated', session });
    return session;
  }

  get(sessionId: string): SessionSummary {
    const session = this.store.sessions.getSession(sessionId);
    if (!session) throw new HostError('not_found', 'That conversation does not exist (its workspace may have been removed).');
    return session;
  }

  /** The newest entries plus the seq they reflect; apply live events with a higher seq on top. */
  open(sessionId: string, limit = DEFAULT_SNAPSHOT_ENTRIES): SessionSnapshot {
    this.writer.flush();
    const session = this.get(sessionId);
    const { entries, hasMore } = this.store.sessions.timeline(sessionId, limit);
    return { session, entries: withTurnUsage(this.store, sessionId, entries), hasMore, seq: this.writer.seqOf(sessionId) };
  }

  history(sessionId: string, beforeEntryId: string, limit: number): { entries: TimelineEntry[]; hasMore: boolean } {
    this.get(sessionId);
    const position = this.store.sessions.positionOf(beforeEntryId);
    if (position === undefined) throw new HostError('not_found', 'That timeline entry does not exist.');
    const { entries, hasMore } = this.store.sessions.timeline(sessionId, limit, position);
    return { entries: withTurnUsage(this.store, sessionId, entries), hasMore };
  }

  async create(workspaceId: string, agentKey: string): Promise<SessionSummary> {
    await this.#ensureRunning(workspaceId);
    return this.supervisor.createSession(workspaceId, agentKey);
  }

  async send(sessionId: string, text: string): Promise<{ turnId: string }> {
    const session = this.get(sessionId);
    if (session.workspaceId === EXTERNAL_WORKSPACE_ID) {
      throw new HostError('not_supported', 'This conversation belongs to an agent outside the app, which writes it through the Acontext API: it can be read here, not continued.');
    }
    await this.#ensureRunning(session.workspaceId);
    const turnId = newId();
    const stored = this.writer.writeMessage({ sessionId, turnId, role: 'user', text, sender: null });
    if (!session.title && stored?.kind === 'message') {
      // The title is made from the stored, redacted text: a pasted key never becomes a title.
      this.store.sessions.setTitle(sessionId, titleFrom(stored.text), Date.now());
      this.emit({ type: 'session.updated', session: this.get(sessionId) });
    }
    this.supervisor.sendInput(this.get(sessionId), turnId, text);
    return { turnId };
  }

  /**
   * Sends the user's last message again in place of its turn: Retry (a failed or stopped turn),
   * Regenerate (the last reply) and, with `text`, Edit. That message and everything after it leave
   * the timeline and the agent's history is rewound to what stays, so the model sees exactly what
   * the timeline shows.
   */
  async resend(sessionId: string, text?: string): Promise<{ turnId: string }> {
    const session = this.get(sessionId);
    if (session.workspaceId === EXTERNAL_WORKSPACE_ID) {
      throw new HostError('not_supported', 'This conversation belongs to an agent outside the app, which writes it through the Acontext API: it can be read here, not continued.');
    }
    if (BUSY_STATES.has(session.state)) {
      throw new HostError('conflict', `The agent is still working in this conversation (${session.state.replaceAll('_', ' ')}). Stop it first, then send again.`);
    }
    const last = this.store.sessions.lastUserMessage(sessionId);
    if (!last) throw new HostError('not_found', 'You have not written anything in this conversation yet, so there is nothing to send again.');
    // Launched first: a workspace that cannot start leaves the timeline as it was.
    await this.#ensureRunning(session.workspaceId);
    this.writer.flush();
    const removed = this.store.transaction(() => this.store.sessions.truncateFrom(sessionId, last.position));
    this.writer.publish(sessionId, { type: 'removed', entryIds: removed });
    this.supervisor.rewind(this.get(sessionId));
    return this.send(sessionId, text ?? last.text);
  }

  /** Starts the session's agent again after a crash, its history replayed; launches the workspace if it stopped. */
  async restart(sessionId: string): Promise<SessionSummary> {
    const session = this.get(sessionId);
    if (session.workspaceId === EXTERNAL_WORKSPACE_ID) {
      throw new HostError('not_supported', 'This conversation belongs to an agent outside the app: there is no agent here to restart.');
    }
    await this.#ensureRunning(session.workspaceId);
    this.supervisor.restartSession(this.get(sessionId));
    return this.get(sessionId);
  }

  interrupt(sessionId: string): void {
    this.supervisor.interrupt(this.get(sessionId));
  }

  listInquiries(status: 'pending' | 'answered' | 'all'): InquirySummary[] {
    return this.store.inquiries.list(status);
  }

  answerInquiry(inquiryId: string, text: string, suggestionIndex: number | undefined): void {
    const inquiry = this.store.inquiries.get(inquiryId);
    if (!inquiry) throw new HostError('not_found', 'That inquiry does not exist.');
    if (inquiry.approval) {
      // Decided with inquiries.decide (Approve / Reject), never by a text answer.
      throw new HostError('bad_request', `That inquiry asks to approve the tool '${inquiry.approval.tool}': approve or reject it (dspatch inquiries answer ID approve|reject).`);
    }
    if (inquiry.status === 'expired') {
      throw new HostError(
        'conflict',
        `That inquiry expired unanswered${inquiry.answeredAt ? ` at ${new Date(inquiry.answeredAt).toISOString()}` : ''}; the agent was told nobody answered and went on without it. Send your answer as a message in its conversation instead.`,
      );
    }
    if (inquiry.status !== 'pending') throw new HostError('conflict', `That inquiry was already ${inquiry.status}.`);
    const session = this.get(inquiry.sessionId);
    if (!this.supervisor.answerInquiry(session, inquiryId, text, suggestionIndex)) {
      throw new HostError('not_running', 'The agent that asked is no longer running, so it cannot receive the answer.');
    }
    this.store.inquiries.answer(inquiryId, text, suggestionIndex ?? null, Date.now());
    const updated = this.store.inquiries.get(inquiryId);
    if (updated) this.emit({ type: 'inquiry.updated', inquiry: updated });
  }

  async #ensureRunning(workspaceId: string): Promise<void> {
    if (this.supervisor.isRunning(workspaceId)) return;
    await this.supervisor.start(await this.workspaces.plan(workspaceId));
  }
}

/**
 * A conversation's title: the first line of text of its first message without markdown or a leading
 * `/command` (a command alone stays as typed), cut to fit.
 */
export function titleFrom(text: string): string {
  const line = firstTextLine(text.trim().replace(/^\/[A-Za-z][\w-]*(\s+|$)/, ''));
  return cut(line || (text.trim().split('\n')[0] ?? ''));
}

/** A talk_to conversation's title: who asked, and what. */
export function talkTitle(callerAgentKey: string, text: string): string {
  return cut(`${callerAgentKey} asked: ${firstTextLine(text)}`);
}

function firstTextLine(markdown: string): string {
  for (const raw of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(raw)) continue;
    const line = raw
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/^\s*(?:(?:#{1,6}|[-*+]|\d+[.)])\s+|>\s*)+/, '')
      .replace(/[*`]|~~/g, '')
      .replace(/(^|[\s(])_{1,2}([^_\s][^_]*?)_{1,2}(?=$|[\s.,;:!?)])/g, '$1$2')
      .replace(/\s+/g, ' ')
      .trim();
    if (line) return line;
  }
  return '';
}

function cut(line: string): string {
  return line.length > TITLE_LENGTH ? `${line.slice(0, TITLE_LENGTH - 1)}…` : line;
}
