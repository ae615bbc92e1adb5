// A failure the user should see, with an optional action that helps fix it.
import type { ReactNode } from 'react';

interface ErrorBannerProps {
  message: string;
  action?: ReactNode;
  onDismiss?: () => void;
  tone?: 'error' | 'warning';
}

export function ErrorBanner({ message, action, onDismiss, tone = 'error' }: ErrorBannerProps) {
  return (
    <div className={`banner banner-${tone}`} role="alert" data-testid="error-banner">
      <span className="banner-message">{message}</span>
      {action ? <span className="banner-action">{action}</span> : null}
      {onDismiss ? (
        <button type="button" className="btn btn-ghost btn-small" onClick={onDismiss} aria-label="Dismiss">
          ✕
        </button>
      ) : null}
    </div>
  );
}
