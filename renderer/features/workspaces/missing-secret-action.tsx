// A failed launch or send because a secret is not set: the fix is one click away.
import { missingSecretOf } from '../../api/host-call-error';
import { navigate, paths } from '../shell/router';

/** `onNavigate` lets the caller drop the error it showed: the user is on their way to fix it. */
export function MissingSecretAction({ error, onNavigate }: { error: unknown; onNavigate?: () => void }) {
  const missing = missingSecretOf(error);
  if (!missing) return null;
  return (
    <button
      type="button"
      className="btn btn-small btn-primary"
      data-testid="set-secret-button"
      onClick={() => {
        onNavigate?.();
        navigate(paths.secrets(missing.workspaceId, missing.key));
      }}
    >
      Set {missing.key}
    </button>
  );
}
