// Settings → Inquiries: how long a supervisor agent has to answer a subordinate's inquiry before it
// moves one level up the workspace tree (and finally to you). See electron/host/inquiry-router.ts.
import { useEffect, useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useClient } from '../../app-context';
import { ErrorBanner } from '../../components/error-banner';
import { useHostAction } from '../../components/use-host-action';
import { useHostQuery } from '../../components/use-host-query';
import { useSectionHeading } from './use-section-heading';

function secondsProblem(text: string): string | null {
  const seconds = Number(text);
  return text.trim() !== '' && Number.isFinite(seconds) && seconds > 0 && seconds <= 86_400 ? null : 'A number of seconds from 1 to 86400.';
}

export function InquiriesSection({ focused }: { focused: boolean }) {
  const client = useClient();
  const id = useId();
  const heading = useSectionHeading(focused);
  const status = useHostQuery(() => client.call('inquiries.settings', {}), 'inquiries.settings');
  const [seconds, setSeconds] = useState('');
  const [saved, setSaved] = useState(false);
  const { busy, error, setError, run } = useHostAction();
  const current = status.data;
  useEffect(() => {
    if (current) setSeconds(String(current.forwardTimeoutSeconds));
  }, [current]);
  const problem = secondsProblem(seconds);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (problem || busy) return;
    setError(null);
    setSaved(false);
    await run(async () => {
      const next = await client.call('inquiries.updateSettings', { forwardTimeoutSeconds: Number(seconds) });
      status.setData(() => next);
      setSaved(true);
    });
  }

  return (
    <section className="panel" data-testid="inquiry-settings" aria-labelledby={`${id}-title`}>
      <div className="panel-header">
        <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
          Inquiries
        </h2>
      </div>
      <p className="muted small">
        A sub-agent&apos;s question goes to its supervisor agent first. If the supervisor has not answered it within this
        time, it moves one level up, and finally to you.
      </p>
      {status.error ? <ErrorBanner message={status.error} /> : null}
      {error ? <ErrorBanner message={error} onDismiss={() => setError(null)} /> : null}
      {current ? (
        <form className="settings-form" onSubmit={(event) => void save(event)} noValidate>
          <div className="settings-grid">
            <div className="field">
              <label className="field-label" htmlFor={`${id}-timeout`}>
                Supervisor answer timeout (seconds)
              </label>
              <input
                id={`${id}-timeout`}
                className="input"
                type="number"
                min={1}
                max={86_400}
                step="any"
                value={seconds}
                onChange={(event) => {
                  setSeconds(event.target.value);
                  setSaved(false);
                }}
                aria-invalid={!!problem}
                aria-describedby={problem ? `${id}-timeout-error` : undefined}
              />
              {problem ? (
                <span className="field-error" id={`${id}-timeout-error`}>
                  {problem}
                </span>
              ) : null}
            </div>
          </div>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={!!problem || busy}>
              {busy ? 'Saving…' : 'Save inquiry settings'}
            </button>
            {saved ? (
              <span className="muted small" role="status">
                Saved.
              </span>
            ) : null}
          </div>
        </form>
      ) : status.error ? null : (
        <p className="muted">Loading…</p>
      )}
    </section>
  );
}
