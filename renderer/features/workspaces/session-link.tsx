// `#/sessions/<id>`: a conversation's link that needs no workspace id. It looks the conversation
// up and replaces itself with the conversation's page, so Back does not return here.
import { useEffect, useState } from 'react';
import { errorMessage } from '../../api/host-call-error';
import { useServices } from '../../app-context';
import { ErrorBanner } from '../../components/error-banner';
import { paths, type SessionFocus } from '../shell/router';

export function SessionLink({ sessionId, focus }: { sessionId: string; focus: SessionFocus | null }) {
  const { client } = useServices();
  const [error, setError] = useState<string | null>(null);
  // The route object is new on every render; what it says is not.
  const focusKind = focus?.kind;
  const focusId = focus?.id;

  useEffect(() => {
    const target = focusKind && focusId ? { kind: focusKind, id: focusId } : undefined;
    let current = true;
    client.call('sessions.open', { sessionId, limit: 1 }).then(
      ({ session }) => {
        if (current) window.location.replace(paths.session(session.workspaceId, session.id, target));
      },
      (err: unknown) => {
        if (current) setError(errorMessage(err));
      },
    );
    return () => {
      current = false;
    };
  }, [client, sessionId, focusKind, focusId]);

  if (!error) return <div className="page loading-line">Opening conversation…</div>;
  return (
    <div className="page">
      <ErrorBanner message={error} />
      <p>
        <a href={paths.workspaces()}>← Back to workspaces</a>
      </p>
    </div>
  );
}
