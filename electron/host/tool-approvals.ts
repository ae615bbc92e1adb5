// Tool approvals. An agent whose tool call needs approval (`needsApproval` on an @openai/agents tool)
// sends `approval.request` and its run pauses. The host answers at once when the workspace always
// approves that tool; otherwise the request becomes an inquiry with the tool and its (redacted)
// arguments, shown in the chat and on the Inquiries page, and the user's decision goes back as
// `approval.response`. Only the host sends that message: an agent cannot approve its own calls.
// An approval whose turn ended (Stop) or whose agent is gone is cancelled, never left pending.
import { newId, type AgentToHost, type HostToAgent } from '../../agents/protocol';
import type { HostEvent } from '../api/contract';
import type { ApprovalDecisionKind, ApprovalRule, InquirySummary, SessionSummary } from '../api/types';
import type { Store } from '../store/store';
import { HostError } from './errors';
import type { Redactor } from './redactor';
import type { SessionRef, SessionWriter } from './session-writer';

type ApprovalRequest = Extract<AgentToHost, { type: 'approval.request' }>;

export interface ToolApprovalsDeps {
  store: Store;
  writer: SessionWriter;
  redactor: Redactor;
  emit(event: HostEvent): void;
  /** Sends to the session's live instance; false when it is gone. */
  send(session: SessionSummary, message: HostToAgent): boolean;
  /** The session's ref for entries the host writes, or null when its workspace is not running. */
  ref(session: SessionSummary): SessionRef | null;
  log(ref: SessionRef, level: 'info' | 'warn', message: string): void;
}

const DECISION_TEXT: Record<ApprovalDecisionKind, (tool: string) => string> = {
  approve: () => 'Approved',
  reject: () => 'Rejected',
  always: (tool) => `Approved, and always approved for ${tool} in this workspace`,
};

export class ToolApprovals {
  constructor(private readonly deps: ToolApprovalsDeps) {}

  /** An agent asks whether a tool call may run. */
  request(ref: SessionRef, message: ApprovalRequest): void {
    const { store, writer, redactor } = this.deps;
    const session = store.sessions.getSession(ref.sessionId);
    if (!session) return;
    const tool = message.tool;
    if (store.approvals.isAlwaysApproved(ref.workspaceId, tool)) {
      this.deps.log(ref, 'info', `The call of tool '${tool}' by agent '${ref.agentKey}' was approved: this workspace always approves it.`);
      this.deps.send(session, { type: 'approval.response', instanceId: session.id, approvalId: message.approvalId, decision: 'approve' });
      return;
    }
    writer.flush();
    const args = redactor.redact(message.arguments);
    const markdown = `**${ref.agentKey}** wants to run the tool \`${tool}\`.`;
    const inquiry: InquirySummary = {
      id: message.approvalId,
      workspaceId: ref.workspaceId,
      sessionId: ref.sessionId,
      agentKey: ref.agentKey,
      markdown,
      suggestions: [],
      files: [],
      status: 'pending',
      responseText: null,
      createdAt: Date.now(),
      answeredAt: null,
      priority: 'normal',
      expiresAt: null,
    };
    const inserted = store.transaction(() => {
      if (!store.inquiries.insert(inquiry)) return false;
      store.approvals.markApproval(inquiry.id, tool, args);
      return true;
    });
    if (!inserted) {
      this.deps.log(ref, 'warn', `Agent '${ref.agentKey}' sent "approval.request" with the id ${message.approvalId}, which another inquiry already has; refused.`);
      this.deps.send(session, {
        type: 'approval.response',
        instanceId: session.id,
        approvalId: message.approvalId,
        decision: 'reject',
        error: `the approval id ${message.approvalId} is already in use`,
      });
      return;
    }
    const approval = { tool, arguments: args };
    writer.activity(ref, message.turnId, newId(), 'inquiry.request', { inquiryId: inquiry.id, markdown, approval }, false);
    this.#updated(inquiry.id);
  }

  /** The user's decision on a pending approval; `always` also approves the tool's later calls in the workspace. */
  decide(inquiryId: string, decision: ApprovalDecisionKind): void {
    const { store } = this.deps;
    const inquiry = store.inquiries.get(inquiryId);
    if (!inquiry) throw new HostError('not_found', 'That inquiry does not exist.');
    if (!inquiry.approval) throw new HostError('bad_request', 'That inquiry is a question, not a tool approval: answer it with text.');
    if (inquiry.status !== 'pending') throw new HostError('conflict', `That approval was already ${inquiry.status}.`);
    const session = store.sessions.getSession(inquiry.sessionId);
    const tool = inquiry.approval.tool;
    const sent =
      session !== undefined &&
      this.deps.send(session, {
        type: 'approval.response',
        instanceId: session.id,
        approvalId: inquiryId,
        decision: decision === 'reject' ? 'reject' : 'approve',
      });
    if (!sent) {
      this.#cancel(inquiryId, session);
      throw new HostError('not_running', 'The agent that asked is no longer running, so the tool call cannot go on.');
    }
    const text = DECISION_TEXT[decision](tool);
    store.inquiries.answer(inquiryId, text, null, Date.now());
    const ref = this.deps.ref(session);
    if (ref) this.deps.writer.activity(ref, null, newId(), 'inquiry.response', { inquiryId, text, decision }, false);
    this.#updated(inquiryId);
    if (decision !== 'always') return;
    store.approvals.addRule(inquiry.workspaceId, tool, Date.now());
    // Calls of the tool already waiting in the workspace are approved by the same rule.
    for (const other of store.approvals.pendingFor(inquiry.workspaceId, tool)) {
      try {
        this.decide(other, 'approve');
      } catch {
        // Its agent is gone: decide() cancelled it.
      }
    }
  }

  /** The session's turn ended (done, stopped or failed): approvals still pending can no longer be answered. */
  turnEnded(session: SessionSummary): void {
    for (const id of this.deps.store.approvals.pendingOfSession(session.id)) this.#cancel(id, session);
  }

  rules(workspaceId?: string): ApprovalRule[] {
    return this.deps.store.approvals.rules(workspaceId);
  }

  removeRule(workspaceId: string, tool: string): void {
    if (!this.deps.store.approvals.removeRule(workspaceId, tool)) {
      throw new HostError('not_found', `This workspace does not always approve '${tool}'.`);
    }
  }

  #cancel(inquiryId: string, session: SessionSummary | undefined): void {
    if (!this.deps.store.approvals.cancel(inquiryId, Date.now())) return;
    const ref = session ? this.deps.ref(session) : null;
    if (ref) {
      this.deps.writer.activity(ref, null, newId(), 'inquiry.response', { inquiryId, text: 'Cancelled: the turn ended before a decision.', error: 'cancelled' }, false);
    }
    this.#updated(inquiryId);
  }

  #updated(inquiryId: string): void {
    const inquiry = this.deps.store.inquiries.get(inquiryId);
    if (inquiry) this.deps.emit({ type: 'inquiry.updated', inquiry });
  }
}
