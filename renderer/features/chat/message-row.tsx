// A user bubble or an assistant message, with a note when the message did not finish normally.
import { memo } from 'react';
import type { MessageStatus, TimelineMessage } from '../../../electron/api/types';
import { formatTime } from '../../components/format';
import { StreamingMarkdown } from './streaming-markdown';

const STATUS_NOTES: Partial<Record<MessageStatus, string>> = {
  cut: 'The response was cut off before it finished.',
  interrupted: 'Stopped before it finished.',
  failed: 'The response failed.',
};

export const MessageRow = memo(function MessageRow({ entry }: { entry: TimelineMessage }) {
  const note = STATUS_NOTES[entry.status];
  if (entry.role === 'user') {
    return (
      <div className="msg msg-user" data-testid="entry-message-user" data-entry-id={entry.id}>
        {entry.sender ? <div className="msg-sender">Received from {entry.sender}</div> : null}
        <div className="bubble" title={formatTime(entry.createdAt)}>
          {entry.text}
        </div>
        {note ? <div className={`msg-note note-${entry.status}`}>{note}</div> : null}
      </div>
    );
  }
  return (
    <div
      className="msg msg-assistant"
      data-testid="entry-message-assistant"
      data-entry-id={entry.id}
      data-status={entry.status}
    >
      {entry.sender ? <div className="msg-sender">From {entry.sender}</div> : null}
      {entry.text ? (
        <StreamingMarkdown text={entry.text} streaming={entry.status === 'streaming'} />
      ) : entry.status === 'streaming' ? (
        <div className="markdown streaming">
          <span className="caret" aria-hidden="true" />
        </div>
      ) : null}
      {note ? (
        <div className={`msg-note note-${entry.status}`} data-testid="message-status-note">
          {note}
        </div>
      ) : null}
    </div>
  );
});
