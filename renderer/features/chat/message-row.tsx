// A user bubble or an assistant message, with a note when the message did not finish normally and a
// meta line: for a turn's last reply how long after the prompt it started, for a reply its time
// (full date in its tooltip; a bubble has it as its tooltip), and a Copy button. Tokens, model and duration of a reply need the host to link usage to
// messages; until then they are not shown rather than guessed.
import { memo } from 'react';
import type { MessageStatus, TimelineMessage } from '../../../electron/api/types';
import { CopyButton } from '../../components/copy-button';
import { formatDuration, formatFullTime, formatTime } from '../../components/format';
import { StreamingMarkdown } from './streaming-markdown';

const STATUS_NOTES: Partial<Record<MessageStatus, string>> = {
  cut: 'The response was cut off before it finished.',
  interrupted: 'Stopped before it finished.',
  failed: 'The response failed.',
};

/** Under a reply: how soon it came, its time (shown on hover), Copy. Under a bubble: Copy only. */
function MessageMeta({ entry, afterPrompt }: { entry: TimelineMessage; afterPrompt: number | null }) {
  return (
    <div className="msg-meta">
      {afterPrompt !== null ? (
        <span className="msg-latency" title="From your message to the start of this reply">
          replied after {formatDuration(afterPrompt)}
        </span>
      ) : null}
      {entry.role === 'assistant' ? (
        <time
          className="msg-time"
          dateTime={new Date(entry.createdAt).toISOString()}
          title={formatFullTime(entry.createdAt)}
        >
          {formatTime(entry.createdAt)}
        </time>
      ) : null}
      <CopyButton label="Copy message" text={() => entry.text} />
    </div>
  );
}

export const MessageRow = memo(function MessageRow({
  entry,
  afterPrompt,
}: {
  entry: TimelineMessage;
  afterPrompt: number | null;
}) {
  const note = STATUS_NOTES[entry.status];
  if (entry.role === 'user') {
    return (
      <div className="msg msg-user" data-testid="entry-message-user" data-entry-id={entry.id}>
        {entry.sender ? <div className="msg-sender">Received from {entry.sender}</div> : null}
        <div className="bubble" title={formatFullTime(entry.createdAt)}>
          {entry.text}
        </div>
        {note ? <div className={`msg-note note-${entry.status}`}>{note}</div> : null}
        <MessageMeta entry={entry} afterPrompt={null} />
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
      <MessageMeta entry={entry} afterPrompt={afterPrompt} />
    </div>
  );
});
