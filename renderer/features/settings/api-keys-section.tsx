// API keys saved once and referenced from any workspace as {{apikey:Name}}. Only hints are shown.
import { useState } from 'react';
import type { FormEvent } from 'react';
import type { ApiKeySummary } from '../../../electron/api/types';
import { useClient } from '../../app-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorBanner } from '../../components/error-banner';
import { formatTime } from '../../components/format';
import { useHostAction } from '../../components/use-host-action';
import type { HostQuery } from '../../components/use-host-query';

const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** `keys` is the page's list, shared with the sections that pick a saved key. */
export function ApiKeysSection({ keys }: { keys: HostQuery<ApiKeySummary[]> }) {
  const client = useClient();
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const { busy, error, setError, run } = useHostAction();
  const [removing, setRemoving] = useState<string | null>(null);
  const nameValid = NAME_PATTERN.test(name);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!nameValid || !value || busy) return;
    setError(null);
    await run(async () => {
      await client.call('apiKeys.set', { name, value });
      setName('');
      setValue('');
      keys.reload();
    });
  }

  async function remove(keyName: string) {
    await run(async () => {
      await client.call('apiKeys.remove', { name: keyName });
      keys.reload();
    });
    setRemoving(null);
  }

  return (
    <section className="panel" data-testid="api-keys">
      <div className="panel-header">
        <h2>Saved API keys</h2>
      </div>
      <p className="muted small">
        Save a key once and use it in any workspace: choose it when creating a workspace, or write{' '}
        <code>{'{{apikey:Name}}'}</code> as an env value in the workspace config.
      </p>
      {keys.error ? <ErrorBanner message={keys.error} /> : null}
      {keys.data && keys.data.length === 0 ? (
        <p className="muted">No saved keys yet. Add one below.</p>
      ) : null}
      {keys.data && keys.data.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Value</th>
              <th>Added</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {keys.data.map((key) => (
              <tr key={key.name} data-testid="apikey-row" data-name={key.name}>
                <td className="mono">{key.name}</td>
                <td className="mono">{key.hint ? `••••${key.hint}` : '••••'}</td>
                <td>{formatTime(key.createdAt)}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="btn btn-small btn-ghost danger"
                    onClick={() => setRemoving(key.name)}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <form className="inline-form" onSubmit={(event) => void save(event)}>
        <label className="field">
          <span className="field-label">Name</span>
          <input
            className="input mono"
            value={name}
            onChange={(event) => setName(event.target.value)}
            placeholder="openai-main"
            autoComplete="off"
            spellCheck={false}
            aria-invalid={name !== '' && !nameValid}
            data-testid="apikey-name-input"
          />
        </label>
        <label className="field grow">
          <span className="field-label">Value</span>
          <input
            className="input mono"
            type="password"
            value={value}
            onChange={(event) => setValue(event.target.value)}
            placeholder="sk-…"
            autoComplete="off"
            spellCheck={false}
            data-testid="apikey-value-input"
          />
        </label>
        <button
          type="submit"
          className="btn btn-primary"
          disabled={!nameValid || !value || busy}
          data-testid="apikey-save"
        >
          Save key
        </button>
      </form>
      {name !== '' && !nameValid ? (
        <p className="field-error">Use letters, digits, dot, dash or underscore (up to 64).</p>
      ) : null}
      {error ? <ErrorBanner message={error} onDismiss={() => setError(null)} /> : null}
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing ?? ''}?`}
        message="Workspaces that reference this key will fail to launch until it is saved again."
        confirmLabel="Remove"
        danger
        busy={busy}
        onConfirm={() => removing && void remove(removing)}
        onCancel={() => setRemoving(null)}
      />
    </section>
  );
}
