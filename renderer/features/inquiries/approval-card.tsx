// A tool call waiting for the user's approval (a tool with `needsApproval`): the tool, its
// arguments (redacted by the host), and the three decisions. The host resumes the agent's run.
import { useState } from 'react';
import type { ReactNode } from 'react';
import type { ApprovalDecisionKind, ToolApproval } from '../../../electron/api/types';
import { useClient } from '../../app-context';
import { errorMessage } from '../../api/host-call-error';
import { ErrorBanner } from '../../components/error-banner';
import './approval-card.css';

export interface ApprovalView {
  id: string;
  approval: ToolApproval;
  /** 'closed': no longer waiting, but the outcome is not known here. */
  status: 'pending' | 'answered' | 'cancelled' | 'expired' | 'closed';
  responseText: string | null;
}

const TITLES: Record<ApprovalView['status'], string> = {
  pending: 'Approve this tool call?',
  answered: 'Tool call decided',
  cancelled: 'Approval cancelled',
  expired: 'Approval expired',
  closed: 'No longer waiting for a decision',
};

export function ApprovalCard({ view, heading, testId = 'entry-approval' }: { view: ApprovalView; heading?: ReactNode; testId?: string }) {
  const client = useClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { tool, arguments: args } = view.approval;

  async function decide(decision: ApprovalDecisionKind) {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      // The host confirms with `inquiry.updated`, which the inquiries store applies.
      await client.call('inquiries.decide', { inquiryId: view.id, decision });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div
      className={`inquiry-card inquiry-${view.status} approval-card`}
      data-testid={testId}
      data-inquiry-id={view.id}
      data-status={view.status}
      role="group"
      aria-label={`Approval: ${tool}`}
    >
      <div className="inquiry-top">
        <span className="inquiry-icon" aria-hidden="true">
          !
        </span>
        <span className="inquiry-title">{TITLES[view.status]}</span>
        {heading ? <span className="inquiry-heading">{heading}</span> : null}
      </div>
      <p>
        The agent wants to run the tool <code>{tool}</code>
        {args ? ' with these arguments:' : '.'}
      </p>
      {args ? (
        <pre className="mono small approval-arguments" aria-label={`Arguments of ${tool}`}>
          {prettyJson(args)}
        </pre>
      ) : null}
      {view.status === 'pending' ? (
        <div className="suggestions">
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void decide('approve')}>
            Approve
          </button>
          <button type="button" className="btn" disabled={busy} onClick={() => void decide('reject')}>
            Reject
          </button>
          <button type="button" className="btn btn-ghost" disabled={busy} onClick={() => void decide('always')}>
            Always approve {tool} in this workspace
          </button>
        </div>
      ) : view.responseText ? (
        <div className="inquiry-response">
          <span className="muted small">Your decision</span>
          <div>{view.responseText}</div>
        </div>
      ) : null}
      {error ? <ErrorBanner message={error} onDismiss={() => setError(null)} /> : null}
    </div>
  );
}

/** Arguments as indented JSON when they are JSON, as written otherwise. */
function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
