// Tool approvals in the CLI: `dspatch inquiries answer ID approve|reject|always`, and `dspatch run`
// asking them on a terminal. An approval is decided (inquiries.decide), never answered with text.
import type { HostClient } from './api/contract';
import type { ApprovalDecisionKind, InquirySummary } from './api/types';
import type { Question } from './cli-question';

export const APPROVAL_CHOICES: readonly ApprovalDecisionKind[] = ['approve', 'reject', 'always'];

/** The decision a typed word names (approve, reject, always; y/yes, n/no), or null. */
export function approvalDecision(text: string): ApprovalDecisionKind | null {
  const word = text.trim().toLowerCase();
  if (word === 'approve' || word === 'y' || word === 'yes') return 'approve';
  if (word === 'reject' || word === 'n' || word === 'no') return 'reject';
  if (word === 'always') return 'always';
  return null;
}

/** An inquiry as a terminal shows it: an approval names the tool and its arguments, and offers the three decisions. */
export function terminalQuestion(inquiry: InquirySummary): Question {
  if (!inquiry.approval) return inquiry;
  return {
    markdown: `${inquiry.markdown}\nArguments: ${inquiry.approval.arguments}`,
    suggestions: [...APPROVAL_CHOICES.slice(0, 2), `always (approve ${inquiry.approval.tool} in this workspace from now on)`],
  };
}

/** What to type after `dspatch inquiries answer ID`. */
export function answerWords(inquiry: InquirySummary): string {
  return inquiry.approval ? 'approve|reject|always' : 'TEXT';
}

/** Answers a question with its text, or decides an approval (its text one of the decisions, or a suggestion's number). */
export async function answerFromShell(host: HostClient, inquiry: InquirySummary, text: string, suggestionIndex?: number): Promise<void> {
  if (!inquiry.approval) {
    await host.call('inquiries.answer', { inquiryId: inquiry.id, text, suggestionIndex });
    return;
  }
  const decision = suggestionIndex !== undefined ? APPROVAL_CHOICES[suggestionIndex] : approvalDecision(text);
  if (!decision) throw new ApprovalWordError(inquiry);
  await host.call('inquiries.decide', { inquiryId: inquiry.id, decision });
}

export class ApprovalWordError extends Error {
  constructor(inquiry: InquirySummary) {
    super(`Inquiry ${inquiry.id} asks to approve the tool '${inquiry.approval?.tool ?? ''}': answer approve, reject or always.`);
    this.name = 'ApprovalWordError';
  }
}
