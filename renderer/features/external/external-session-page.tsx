// One external session: where it sits (space, id), then the conversation as the app shows its own,
// timeline and Tasks panel, read-only: the host refuses messages from the app for these sessions.
import { CopyButton } from '../../components/copy-button';
import { ErrorBanner } from '../../components/error-banner';
import { SessionView } from '../chat/session-view';
import { EXTERNAL_WORKSPACE_ID, paths, type SessionFocus } from '../shell/router';
import { spaceName, useExternalSessions } from './use-external-sessions';
import './external.css';

export function ExternalSessionPage({ sessionId, focus }: { sessionId: string; focus: SessionFocus | null }) {
  const overview = useExternalSessions();
  const session = overview.data?.sessions.find((item) => item.sessionId === sessionId) ?? null;
  const space = session?.spaceId
    ? (overview.data?.spaces.find((item) => item.id === session.spaceId) ?? null)
    : null;
  // Deleted through the API (now or before the link was followed).
  const gone = overview.data !== null && session === null;

  return (
    <div className="external-session-page" data-testid="external-session-page">
      <div className="external-session-bar">
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <a href={paths.externalSessions()}>External sessions</a>
          <span aria-hidden="true">/</span>
          <span>{session ? (space ? spaceName(space) : 'No space') : '…'}</span>
        </nav>
        <span className="spacer" />
        <span className="mono small muted external-id" title="The session's id in the API">
          {sessionId}
        </span>
        <CopyButton label="Copy session id" text={() => sessionId} />
      </div>
      {overview.error ? <ErrorBanner tone="warning" message={overview.error} /> : null}
      {gone ? (
        <div className="page">
          <ErrorBanner message="This session does not exist any more: it was deleted through the API." />
          <p>
            <a href={paths.externalSessions()}>← Back to External sessions</a>
          </p>
        </div>
      ) : (
        <SessionView
          key={sessionId}
          sessionId={sessionId}
          workspaceId={EXTERNAL_WORKSPACE_ID}
          focus={focus}
          summary={null}
          runStatus={null}
          readOnlyNote="Stored through the API — read-only here"
        />
      )}
    </div>
  );
}
