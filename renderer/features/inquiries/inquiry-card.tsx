// A question from an agent. The suggestions are one-click answers (the first is the agent's
// recommendation); a free-text answer is always possible.
import { useState } from 'react';
import type { FormEvent, KeyboardEvent, ReactNode } from 'react';
import { useServices } from '../../app-context';
import { errorMessage } from '../../api/host-call-error';
import { ErrorBanner } from '../../components/error-banner';
import { MarkdownBlock } from '../../components/markdown';
import './inquiry-card.css';

export interface InquiryView {
  id: string;
  markdown: string;
  suggestions: string[];
  files: string[];
  /** 'closed': no longer waiting, but the outcome is not known here. */
  status: 'pending' | 'answered' | 'cancelled' | 'expired' | 'closed';
  responseText: string | null;
  /** Absent: normal. */
  priority?: 'normal' | 'high' | 'urgent';
  /** When an unanswered question expires; null or absent: never. */
  expiresAt?: number | null;
  /** The supervisor agent that answered it; null or absent: you (or nobody yet). */
  answeredByAgent?: string | null;
}

interface InquiryCardProps {
  inquiry: InquiryView;
  /** Context shown above the question (agent, workspace, time). */
  heading?: ReactNode;
  testId?: string;
  /** Shown at the bottom (the Inquiries page: the forwarding chain and who answered). */
  footer?: ReactNode;
}

const TITLES: Record<InquiryView['status'], string> = {
  pending: 'The agent is asking you',
  answered: 'Question answered',
  cancelled: 'Question cancelled',
  expired: 'Expired unanswered: the agent went on without an answer',
  closed: 'No longer waiting for an answer',
};

export function InquiryCard({ inquiry, heading, testId = 'entry-inquiry', footer }: InquiryCardProps) {
  const { inquiries } = useServices();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const pending = inquiry.status === 'pending';

  async function answer(answerText: string, suggestionIndex?: number) {
    if (!answerText.trim() || busy) return;
    setBusy(true);
    setError(null);
    try {
      await inquiries.getState().answer(inquiry.id, answerText, suggestionIndex);
      setText('');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void answer(text);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void answer(text);
    }
  }

  return (
    <div
      className={`inquiry-card inquiry-${inquiry.status}${inquiry.priority && inquiry.priority !== 'normal' ? ' inquiry-high' : ''}`}
      data-testid={testId}
      data-inquiry-id={inquiry.id}
      data-status={inquiry.status}
      data-priority={inquiry.priority ?? 'normal'}
      role="article"
      aria-label={`${inquiry.priority && inquiry.priority !== 'normal' ? `${inquiry.priority === 'urgent' ? 'Urgent' : 'High priority'} question` : 'Question'}${inquiry.status === 'expired' ? ', expired' : ''}: ${TITLES[inquiry.status]}`}
    >
      <div className="inquiry-top">
        <span className="inquiry-icon" aria-hidden="true">
          ?
        </span>
        <span className="inquiry-title">{TITLES[inquiry.status]}</span>
        {inquiry.priority && inquiry.priority !== 'normal' ? (
          <span className={`badge inquiry-priority priority-${inquiry.priority}`} data-testid="inquiry-priority">
            {inquiry.priority === 'urgent' ? 'Urgent' : 'High priority'}
          </span>
        ) : null}
        {inquiry.status === 'expired' ? (
          <span className="badge inquiry-expired" data-testid="inquiry-expired">
            Expired
          </span>
        ) : pending && inquiry.expiresAt ? (
          <span className="muted small" data-testid="inquiry-expires">
            expires {new Date(inquiry.expiresAt).toLocaleString()}
          </span>
        ) : null}
        {heading ? <span className="inquiry-heading">{heading}</span> : null}
      </div>
      <MarkdownBlock text={inquiry.markdown} />
      {inquiry.files.length ? (
        <ul className="inquiry-files">
          {inquiry.files.map((file) => (
            <li key={file} className="mono small">
              {file}
            </li>
          ))}
        </ul>
      ) : null}
      {pending ? (
        <>
          {inquiry.suggestions.length ? (
            <div className="suggestions">
              {inquiry.suggestions.map((suggestion, index) => (
                <button
                  key={index}
                  type="button"
                  className={`btn suggestion${index === 0 ? ' recommended' : ''}`}
                  disabled={busy}
                  onClick={() => void answer(suggestion, index)}
                  data-testid={`inquiry-suggestion-${index}`}
                >
                  {suggestion}
                  {index === 0 ? <span className="recommended-tag">recommended</span> : null}
                </button>
              ))}
            </div>
          ) : null}
          <form className="inquiry-answer" onSubmit={onSubmit}>
            <textarea
              className="input"
              rows={2}
              value={text}
              onChange={(event) => setText(event.target.value)}
              onKeyDown={onKeyDown}
              placeholder="Or write your own answer… (Enter to send)"
              aria-label="Your answer"
              disabled={busy}
              data-testid="inquiry-answer-input"
            />
            <button
              type="submit"
              className="btn btn-primary"
              disabled={!text.trim() || busy}
              data-testid="inquiry-answer-send"
            >
              {busy ? 'Sending…' : 'Answer'}
            </button>
          </form>
        </>
      ) : inquiry.responseText ? (
        <div className="inquiry-response">
          <span className="muted small">{inquiry.answeredByAgent ? `Answer from agent ${inquiry.answeredByAgent}` : 'Your answer'}</span>
          <div>{inquiry.responseText}</div>
        </div>
      ) : null}
      {footer}
      {error ? <ErrorBanner message={error} onDismiss={() => setError(null)} /> : null}
    </div>
  );
}
