// The workspace's secrets: which keys its agents need, whether each is set, and a hint of the
// value (last characters). Values can be replaced or removed, never shown. A typed value lives in
// this component only until it is sent.
import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { SecretStatus } from '../../../electron/api/types';
import { useServices } from '../../app-context';
import { errorMessage } from '../../api/host-call-error';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { EmptyState } from '../../components/empty-state';
import { ErrorBanner } from '../../components/error-banner';

interface SecretsPanelProps {
  workspaceId: string;
  secrets: SecretStatus[];
  /** Open this key's field and focus it (from a "Set KEY" button). */
  focusKey: string | null;
}

export function SecretsPanel({ workspaceId, secrets, focusKey }: SecretsPanelProps) {
  const keys = new Set(secrets.map((secret) => secret.key));
  // A key named by a launch error but not declared anywhere still gets a row, so it can be set.
  const rows: SecretStatus[] =
    focusKey && !keys.has(focusKey)
      ? [...secrets, { key: focusKey, isSet: false, hint: null, requiredBy: [] }]
      : secrets;
  const missing = rows.filter((secret) => !secret.isSet).length;

  return (
    <section className="panel secrets-panel" data-testid="secrets-panel">
      <div className="panel-header">
        <h2>Secrets</h2>
        <span className="muted small">
          {rows.length === 0 ? '' : missing === 0 ? 'All set' : `${missing} not set`}
        </span>
      </div>
      <p className="muted small">
        Values are sent once to dspatch and stored encrypted. They are never shown again — only their last
        characters. Each agent receives only the keys its template requires.
      </p>
      {rows.length === 0 ? (
        <EmptyState title="No secrets needed">
          Keys that your agents' templates require (for example <code>OPENAI_API_KEY</code>) will be listed
          here so you can set them.
        </EmptyState>
      ) : (
        <ul className="secret-list">
          {rows.map((secret) => (
            <SecretRow
              key={secret.key}
              workspaceId={workspaceId}
              secret={secret}
              focus={secret.key === focusKey}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function SecretRow({
  workspaceId,
  secret,
  focus,
}: {
  workspaceId: string;
  secret: SecretStatus;
  focus: boolean;
}) {
  const { client, workspaces } = useServices();
  const [editing, setEditing] = useState(focus || !secret.isSet);
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!focus) return;
    setEditing(true);
    // Wait for the field to render, then bring it into view.
    requestAnimationFrame(() => {
      inputRef.current?.focus();
      inputRef.current?.scrollIntoView({ block: 'center' });
    });
  }, [focus]);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!value || busy) return;
    setBusy(true);
    setError(null);
    try {
      await client.call('secrets.set', { workspaceId, key: secret.key, value });
      setValue('');
      setEditing(false);
      await workspaces.getState().loadDetail(workspaceId);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await client.call('secrets.remove', { workspaceId, key: secret.key });
      setConfirmRemove(false);
      await workspaces.getState().loadDetail(workspaceId);
    } catch (err) {
      setError(errorMessage(err));
      setConfirmRemove(false);
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className={`secret-row${focus ? ' focused' : ''}`} data-testid={`secret-row-${secret.key}`}>
      <div className="secret-main">
        <span className="secret-key mono">{secret.key}</span>
        {secret.isSet ? (
          <span className="badge badge-ok">Set</span>
        ) : (
          <span className="badge badge-warn">Not set</span>
        )}
        {secret.isSet && secret.hint ? <span className="secret-hint mono">••••{secret.hint}</span> : null}
        <span className="secret-needed muted small">
          {secret.requiredBy.length
            ? `Needed by ${secret.requiredBy.join(', ')}`
            : 'Not required by any template'}
        </span>
        <span className="secret-actions">
          {secret.isSet && !editing ? (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => setEditing(true)}
              data-testid={`secret-replace-${secret.key}`}
            >
              Replace
            </button>
          ) : null}
          {secret.isSet ? (
            <button
              type="button"
              className="btn btn-small btn-ghost danger"
              onClick={() => setConfirmRemove(true)}
              disabled={busy}
              data-testid={`secret-remove-${secret.key}`}
            >
              Remove
            </button>
          ) : null}
        </span>
      </div>
      {editing ? (
        <form className="inline-form secret-form" onSubmit={(event) => void save(event)}>
          <input
            ref={inputRef}
            className="input mono grow"
            type="password"
            value={value}
            onChange={(event) => setValue(event.target.value)}
            placeholder={secret.isSet ? `New value for ${secret.key}` : `Value for ${secret.key}`}
            autoComplete="off"
            spellCheck={false}
            aria-label={`Value for ${secret.key}`}
            data-testid={`secret-input-${secret.key}`}
          />
          <button
            type="submit"
            className="btn btn-primary"
            disabled={!value || busy}
            data-testid={`secret-save-${secret.key}`}
          >
            {busy ? 'Saving…' : 'Save'}
          </button>
          {secret.isSet ? (
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => {
                setValue('');
                setEditing(false);
              }}
            >
              Cancel
            </button>
          ) : null}
        </form>
      ) : null}
      {error ? <ErrorBanner message={error} onDismiss={() => setError(null)} /> : null}
      <ConfirmDialog
        open={confirmRemove}
        title={`Remove ${secret.key}?`}
        message={`Agents that need ${secret.key} will not start until it is set again.`}
        confirmLabel="Remove"
        danger
        busy={busy}
        onConfirm={() => void remove()}
        onCancel={() => setConfirmRemove(false)}
        testId="remove-secret-dialog"
      />
    </li>
  );
}
