// Smaller timeline rows: errors, and conversations with other agents.
import { memo } from 'react';
import type { TimelineActivity } from '../../../electron/api/types';
import { prettyJson } from '../../components/format';
import { stringField } from './timeline-rows';

export const ErrorRow = memo(function ErrorRow({ entry }: { entry: TimelineActivity }) {
  const message = stringField(entry.data, 'message', 'error', 'text') ?? 'The agent reported an error.';
  return (
    <div className="error-row" role="alert" data-testid="entry-error" data-entry-id={entry.id}>
      <span className="error-icon" aria-hidden="true">
        !
      </span>
      <span className="error-text">{message}</span>
    </div>
  );
});

interface TalkRowProps {
  entry: TimelineActivity;
  expanded: boolean;
  onToggle: (id: string) => void;
}

export const TalkRow = memo(function TalkRow({ entry, expanded, onToggle }: TalkRowProps) {
  const peer = stringField(entry.data, 'peer', 'agent', 'sender', 'from') ?? 'another agent';
  const text = stringField(entry.data, 'text', 'response', 'message', 'error');
  let label: string;
  switch (entry.activityKind) {
    case 'talk_to.request':
      label = `Asked ${peer}`;
      break;
    case 'talk_to.response':
      label = entry.data.error ? `${peer} could not answer` : `${peer} answered`;
      break;
    case 'inquiry.response':
      label = 'Your answer';
      break;
    default:
      label = entry.activityKind;
  }
  const body = text ?? prettyJson(entry.data);
  return (
    <div
      className={`talk-row talk-${entry.activityKind.replace('.', '-')}`}
      data-testid="entry-talk"
      data-entry-id={entry.id}
    >
      <button type="button" className="talk-head" aria-expanded={expanded} onClick={() => onToggle(entry.id)}>
        <span className="chevron" aria-hidden="true">
          {expanded ? '▾' : '▸'}
        </span>
        <span className="talk-label">
          {entry.activityKind === 'talk_to.request' ? '→' : '←'} {label}
        </span>
        {!expanded ? <span className="talk-preview">{body.replace(/\s+/g, ' ').slice(0, 160)}</span> : null}
      </button>
      {expanded ? <div className="talk-body">{body}</div> : null}
    </div>
  );
});
