// A failed launch or send because a secret is not set: the fix is one click away.
import { errorMessage, missingSecretOf } from '../../api/host-call-error';
import { ErrorBanner } from '../../components/error-banner';
import { BudgetExceededAction } from '../shell/budget-banner';
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

/** A failed launch, send or new conversation, with the Set-secret (or Open Budgets) button when that is the cause. */
export function CallErrorBanner({
  error,
  onDismiss,
  onNavigate,
}: {
  error: unknown;
  onDismiss: () => void;
  onNavigate?: () => void;
}) {
  return (
    <ErrorBanner
      message={errorMessage(error)}
      action={
        <>
          <MissingSecretAction error={error} onNavigate={onNavigate} />
          <BudgetExceededAction error={error} onNavigate={onNavigate} />
        </>
      }
      onDismiss={onDismiss}
    />
  );
}
