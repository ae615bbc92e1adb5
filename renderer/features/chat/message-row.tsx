// A user bubble or an assistant message, with a note when the message did not finish normally and a
// meta line. Under a turn's last reply: how long after the prompt it started, what the turn's model
// calls used (model, tokens, cost — unknown when the model has no price) and how long it took; its
// time shows on hover (full date in its tooltip; a bubble has it as its tooltip). Copy on every
// message; Retry or Regenerate on the last reply, Edit on the user's last message.
import { memo, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { MessageStatus, TimelineMessage, TurnUsage } from '../../../electron/api/types';
import { CopyButton } from '../../components/copy-button';
import { formatDuration, formatFullTime, formatNumber, formatTime } from '../../components/format';
import { StreamingMarkdown } from './streaming-markdown';
import type { MessageActions } from './timeline-rows';

const STATUS_NOTES: Partial<Record<MessageStatus, string>> = {
  cut: 'The response was cut off before it finished.',
  interrupted: 'Stopped before it finished.',
  failed: 'The response failed.',
};

/** $0.0123: four decimals, since one turn often costs less than a cent. */
function formatCost(usd: number | null): string {
  return usd === null ? 'cost unknown' : `$${usd.toFixed(4)}`;
}

function UsageLine({ usage }: { usage: TurnUsage }) {
  const tokens = usage.models.length > 0;
  const input = `${formatNumber(usage.inputTokens)} in${usage.cachedInputTokens ? ` (${formatNumber(usage.cachedInputTokens)} cached)` : ''}`;
  const output = `${formatNumber(usage.outputTokens)} out${usage.reasoningTokens ? ` (${formatNumber(usage.reasoningTokens)} reasoning)` : ''}`;
  const summary = tokens
    ? `${usage.models.join(', ')}, ${input} and ${output} tokens, ${formatCost(usage.costUsd)}, took ${formatDuration(usage.durationMs)}`
    : `No model calls recorded, took ${formatDuration(usage.durationMs)}`;
  return (
    <span className="msg-usage" role="group" aria-label={`Turn usage: ${summary}`} data-testid="turn-usage">
      {tokens ? (
        <>
          <span className="msg-model">{usage.models.join(', ')}</span>
          <span title="Input tokens (cached ones included) and output tokens (reasoning included), all model calls of this turn">
            {input} · {output}
          </span>
          <span
            className={usage.costUsd === null ? 'cost-unknown' : undefined}
            title={usage.costUsd === null ? 'A model of this turn has no price: add one in Settings → Prices' : 'At the prices in Settings'}
          >
            {formatCost(usage.costUsd)}
          </span>
        </>
      ) : null}
      <span title="From your message to the end of the turn">took {formatDuration(usage.durationMs)}</span>
    </span>
  );
}

function MessageMeta({
  entry,
  afterPrompt,
  actions,
  onResend,
  onEdit,
}: {
  entry: TimelineMessage;
  afterPrompt: number | null;
  actions: MessageActions | null;
  onResend: (text?: string) => void;
  onEdit: () => void;
}) {
  return (
    <div className="msg-meta">
      {afterPrompt !== null ? (
        <span className="msg-latency" title="From your message to the start of this reply">
          replied after {formatDuration(afterPrompt)}
        </span>
      ) : null}
      {entry.usage ? <UsageLine usage={entry.usage} /> : null}
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
      {actions && (actions.kind === 'retry' || (actions.kind === 'edit' && actions.retry)) ? (
        <button type="button" className="btn btn-small msg-action" onClick={() => onResend()}>
          Retry
        </button>
      ) : null}
      {actions?.kind === 'regenerate' ? (
        <button type="button" className="btn btn-small btn-ghost msg-action" onClick={() => onResend()}>
          Regenerate
        </button>
      ) : null}
      {actions?.kind === 'edit' ? (
        <button type="button" className="btn btn-small btn-ghost msg-action" onClick={onEdit}>
          Edit
        </button>
      ) : null}
    </div>
  );
}

/** The user's last message, being rewritten: sending replaces it and everything after it. */
function EditBox({ text, onSend, onCancel }: { text: string; onSend: (text: string) => void; onCancel: () => void }) {
  const [draft, setDraft] = useState(text);
  const trimmed = draft.trim();
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (trimmed) onSend(draft);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onCancel();
    } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      submit();
    }
  };
  return (
    <form className="msg-edit" onSubmit={submit}>
      <textarea
        aria-label="Edit your message"
        value={draft}
        rows={Math.min(8, Math.max(2, draft.split('\n').length))}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={onKeyDown}
        // The user asked to edit: the field takes the focus at once.
        autoFocus
      />
      <p className="muted small">Sending replaces this message and the reply to it.</p>
      <div className="msg-edit-actions">
        <button type="button" className="btn btn-small" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-small btn-primary" disabled={!trimmed}>
          Send edited message
        </button>
      </div>
    </form>
  );
}

export const MessageRow = memo(function MessageRow({
  entry,
  afterPrompt,
  actions = null,
  onResend,
}: {
  entry: TimelineMessage;
  afterPrompt: number | null;
  actions?: MessageActions | null;
  onResend?: (text?: string) => void;
}) {
  const [editing, setEditing] = useState(false);
  const resend = onResend ?? (() => undefined);
  const note = STATUS_NOTES[entry.status];
  if (entry.role === 'user') {
    return (
      <div className="msg msg-user" data-testid="entry-message-user" data-entry-id={entry.id}>
        {entry.sender ? <div className="msg-sender">Received from {entry.sender}</div> : null}
        {editing && actions?.kind === 'edit' ? (
          <EditBox
            text={entry.text}
            onCancel={() => setEditing(false)}
            onSend={(text) => {
              setEditing(false);
              resend(text);
            }}
          />
        ) : (
          <div className="bubble" title={formatFullTime(entry.createdAt)}>
            {entry.text}
          </div>
        )}
        {note ? <div className={`msg-note note-${entry.status}`}>{note}</div> : null}
        {editing ? null : (
          <MessageMeta entry={entry} afterPrompt={null} actions={actions} onResend={resend} onEdit={() => setEditing(true)} />
        )}
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
      <MessageMeta entry={entry} afterPrompt={afterPrompt} actions={actions} onResend={resend} onEdit={() => undefined} />
    </div>
  );
});
