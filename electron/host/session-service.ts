// Conversations as the user sees them: open a snapshot, send a message, stop a turn, answer an
// inquiry. A message to a session of a stopped workspace launches it first.
import { newId } from '../../agents/protocol';
import type { HostEvent } from '../api/contract';
import type { InquirySummary, SessionSnapshot, SessionSummary, TimelineEntry } from '../api/types';
import type { Store } from '../store/store';
import { EXTERNAL_WORKSPACE_ID } from '../store/workspace-repo';
import { HostError } from './errors';
import type { SessionWriter } from './session-writer';
import type { Supervisor } from './supervisor';
import type { WorkspaceService } from './workspace-service';

const DEFAULT_SNAPSHOT_ENTRIES = 200;
const TITLE_LENGTH = 60;

export class SessionService {
  constructor(
    private readonly store: Store,
    private readonly writer: SessionWriter,
    private readonly supervisor: Supervisor,
    private readonly workspaces: WorkspaceService,
    private readonly emit: (event: HostEvent) => void,
  ) {}

  list(workspaceId: string): SessionSummary[] {
    return this.store.sessions.listSessions(workspaceId);
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
    return { session, entries, hasMore, seq: this.writer.seqOf(sessionId) };
  }

  history(sessionId: string, beforeEntryId: string, limit: number): { entries: TimelineEntry[]; hasMore: boolean } {
    this.get(sessionId);
    const position = this.store.sessions.positionOf(beforeEntryId);
    if (position === undefined) throw new HostError('not_found', 'That timeline entry does not exist.');
    return this.store.sessions.timeline(sessionId, limit, position);
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

  interrupt(sessionId: string): void {
    this.supervisor.interrupt(this.get(sessionId));
  }

  listInquiries(status: 'pending' | 'answered' | 'all'): InquirySummary[] {
    return this.store.inquiries.list(status);
  }

  answerInquiry(inquiryId: string, text: string, suggestionIndex: number | undefined): void {
    const inquiry = this.store.inquiries.get(inquiryId);
    if (!inquiry) throw new HostError('not_found', 'That inquiry does not exist.');
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

/** A conversation's title: the first line of its first message, cut to fit. */
export function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > TITLE_LENGTH ? `${line.slice(0, TITLE_LENGTH - 1)}…` : line;
}
