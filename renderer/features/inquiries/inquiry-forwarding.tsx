// Where an inquiry went on its way up (electron/host/inquiry-router.ts): each supervisor agent it was
// handed to, how and when, and why it moved on; then who answered it, and when.
import type { InquiryHop, InquiryMoveReason, InquirySummary } from '../../../electron/api/types';
import { timeAgo } from '../../components/format';
import './inquiry-forwarding.css';

const HOW: Record<InquiryHop['delivery'], string> = {
  interrupt: 'interrupted its wait',
  input: 'as its next message',
  queued: 'held until it is free',
  skipped: 'could not take it',
  user: '',
};

const WHY: Record<InquiryMoveReason, string> = {
  timeout: 'no answer in time',
  crashed: 'its agent crashed',
  stopped: 'its conversation stopped',
  busy: 'it was busy',
  not_running: 'it was not running',
  cycle: 'already asked on the way',
  unsupported: 'its agent does not take questions from sub-agents',
};

function clock(at: number): string {
  return new Date(at).toLocaleTimeString();
}

/** Who answered a question: an agent key, or you. */
export function answeredByText(inquiry: Pick<InquirySummary, 'status' | 'answeredByAgent'>): string | null {
  if (inquiry.status !== 'answered') return null;
  return inquiry.answeredByAgent ? `agent ${inquiry.answeredByAgent}` : 'you';
}

export function InquiryForwarding({ inquiry }: { inquiry: InquirySummary }) {
  const hops = inquiry.forwarding ?? [];
  const by = answeredByText(inquiry);
  if (hops.length === 0 && !by) return null;
  return (
    <div className="inquiry-forwarding" data-testid="inquiry-forwarding">
      {hops.length ? (
        <ol className="inquiry-chain" aria-label="Forwarding chain">
          {hops.map((hop, index) => {
            const who = hop.agentKey === null ? 'you' : `agent ${hop.agentKey}`;
            const how = HOW[hop.delivery];
            const moved = hop.movedOn ? `moved on at ${clock(hop.movedOn.at)}: ${WHY[hop.movedOn.reason]}` : null;
            return (
              <li key={index} className="small">
                <span className="muted">→ </span>
                <strong>{who}</strong>
                <span className="muted">
                  {' '}
                  at {clock(hop.at)}
                  {how ? ` · ${how}` : ''}
                  {moved ? ` · ${moved}` : ''}
                </span>
              </li>
            );
          })}
        </ol>
      ) : null}
      {by && inquiry.answeredAt ? (
        <p className="small inquiry-answered-by" data-testid="inquiry-answered-by">
          Answered by <strong>{by}</strong> <span className="muted">{timeAgo(inquiry.answeredAt)}</span>
        </p>
      ) : null}
    </div>
  );
}

/** In a conversation: a question its supervisor agent answered, as one compact row. */
export function SupervisorAnsweredRow({ markdown, answeredBy, responseText }: { markdown: string; answeredBy: string; responseText: string | null }) {
  const question = markdown.replace(/\s+/g, ' ').trim();
  return (
    <div className="inquiry-compact small" data-testid="entry-inquiry-compact" role="note" aria-label={`Question answered by agent ${answeredBy}`}>
      <span className="inquiry-icon" aria-hidden="true">
        ?
      </span>
      <span className="inquiry-compact-question" title={markdown}>
        {question.length > 120 ? `${question.slice(0, 120)}…` : question}
      </span>
      <span className="muted"> — answered by {answeredBy}: </span>
      <span>{responseText ?? ''}</span>
    </div>
  );
}
