// Settings → Appearance and notifications: the theme (this device only) and the permission for
// desktop notifications, asked for here on a click and never on load.
import { useId, useState } from 'react';
import { notificationsSupported, requestNotificationPermission } from '../shell/notifications';
import { THEME_PREFERENCES, setTheme, useTheme } from '../shell/theme';
import type { ThemePreference } from '../shell/theme';

const THEME_LABELS: Record<ThemePreference, string> = { system: 'System', light: 'Light', dark: 'Dark' };

export function AppearanceSection() {
  const theme = useTheme();
  const name = useId();
  const labelId = useId();
  return (
    <section className="panel" aria-labelledby={`${labelId}-title`}>
      <div className="panel-header">
        <h2 id={`${labelId}-title`}>Appearance and notifications</h2>
        <span className="muted small">Kept on this device</span>
      </div>
      <div className="field">
        <span className="field-label" id={labelId}>
          Theme
        </span>
        <div className="segmented" role="radiogroup" aria-labelledby={labelId}>
          {THEME_PREFERENCES.map((value) => (
            <label key={value} className={`segment${theme === value ? ' active' : ''}`}>
              <input
                type="radio"
                name={name}
                value={value}
                checked={theme === value}
                onChange={() => setTheme(value)}
              />
              {THEME_LABELS[value]}
            </label>
          ))}
        </div>
      </div>
      <NotificationsField />
      <p className="muted small">Press ? anywhere outside a text field to see the keyboard shortcuts.</p>
    </section>
  );
}

function NotificationsField() {
  const supported = notificationsSupported();
  const [permission, setPermission] = useState<NotificationPermission | null>(() =>
    supported ? window.Notification.permission : null,
  );
  const [asking, setAsking] = useState(false);

  async function enable() {
    setAsking(true);
    try {
      setPermission(await requestNotificationPermission());
    } finally {
      setAsking(false);
    }
  }

  return (
    <div className="field" data-testid="notifications-field">
      <span className="field-label">Desktop notifications</span>
      {permission === null ? (
        <p className="muted small">This browser cannot show notifications.</p>
      ) : permission === 'granted' ? (
        <p className="muted small">
          On: while dspatch is in the background, you are told when an agent asks you something or finishes a
          turn that took a while.
        </p>
      ) : permission === 'denied' ? (
        <p className="muted small">
          Blocked for this site. Allow notifications in the browser&apos;s site settings, then reload.
        </p>
      ) : (
        <div>
          <button type="button" className="btn" disabled={asking} onClick={() => void enable()}>
            Enable desktop notifications
          </button>
          <p className="field-hint">
            Tells you when an agent asks a question or finishes a long turn while dspatch is in the
            background.
          </p>
        </div>
      )}
    </div>
  );
}
