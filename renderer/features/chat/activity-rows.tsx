// Smaller timeline rows: errors, and conversations with other agents.
import { memo } from 'react';
import { useStore } from 'zustand';
import type { TimelineActivity } from '../../../electron/api/types';
import { useServices } from '../../app-context';
import { prettyJson } from '../../components/format';
import { paths } from '../shell/router';
import { waitingChain } from './talk-chain';
import { peerSessionId, stringField } from './timeline-rows';
import type { ToolStatus } from './timeline-rows';

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
          ← {label}
        </span>
        {!expanded ? <span className="talk-preview">{body.replace(/\s+/g, ' ').slice(0, 160)}</span> : null}
      </button>
      {expanded ? <div className="talk-body">{body}</div> : null}
    </div>
  );
});

interface PeerTalkRowProps {
  request: TimelineActivity;
  response: TimelineActivity | null;
  result: TimelineActivity | null;
  status: ToolStatus;
  workspaceId: string;
  expanded: boolean;
  onToggle: (id: string) => void;
}

/** A talk with a peer as one row: what was asked, the answer (or why there is none), and its conversation. */
export const PeerTalkRow = memo(function PeerTalkRow({
  request,
  response,
  result,
  status,
  workspaceId,
  expanded,
  onToggle,
}: PeerTalkRowProps) {
  const { sessions } = useServices();
  const peer = stringField(request.data, 'peer') ?? 'another agent';
  const asked = stringField(request.data, 'text') ?? '';
  const answeredAt = (response ?? result)?.createdAt ?? Number.MAX_SAFE_INTEGER;
  const childId = useStore(sessions, (s) =>
    peerSessionId(s.byWorkspace[workspaceId] ?? [], request.sessionId, peer, answeredAt),
  );
  const answer =
    status === 'done'
      ? (stringField(response?.data ?? {}, 'response', 'text') ?? '')
      : status === 'failed'
        ? (stringField(response?.data ?? {}, 'error') ??
          stringField(result?.data ?? {}, 'output', 'error') ??
          `${peer} could not answer`)
        : status === 'cancelled'
          ? 'cancelled'
          : '';
  const flat = (text: string) => text.replace(/\s+/g, ' ');
  const bodyId = `talk-body-${request.id}`;
  // While it runs: who this turn waits on, down the chain (helper → worker).
  const waitingOn = useStore(sessions, (s) =>
    status === 'running' && childId ? waitingChain(childId, s.byWorkspace[workspaceId] ?? []) : peer,
  );
  return (
    <div className={`talk-row talk-peer talk-${status}`} data-testid="entry-talk" data-entry-id={request.id} data-status={status}>
      <button
        type="button"
        className="talk-head"
        aria-expanded={expanded}
        aria-controls={bodyId}
        onClick={() => onToggle(request.id)}
      >
        <span className="chevron" aria-hidden="true">
          {expanded ? '▾' : '▸'}
        </span>
        <span className="talk-label">Asked {peer}:</span>
        {!expanded ? (
          <span className="talk-preview">
            {flat(asked).slice(0, 100)} → {answer ? flat(answer).slice(0, 120) : '…'}
          </span>
        ) : null}
        {status === 'running' ? (
          <>
            <span className="spinner small" aria-hidden="true" />
            <span className="muted small talk-waiting" data-testid="talk-waiting">
              waiting for {waitingOn}
            </span>
          </>
        ) : status === 'done' ? null : (
          <span className={`tool-status status-${status}`}>{status}</span>
        )}
      </button>
      {expanded ? (
        <div className="talk-body" id={bodyId}>
          <div className="tool-label">Asked</div>
          <div>{asked}</div>
          <div className="tool-label">{status === 'done' ? `${peer} answered` : 'Answer'}</div>
          <div>{answer || `Waiting for ${peer}…`}</div>
        </div>
      ) : null}
      {childId ? (
        <a className="talk-link" href={paths.session(workspaceId, childId)}>
          Open the conversation with {peer}
        </a>
      ) : null}
    </div>
  );
});
