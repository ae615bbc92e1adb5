// Settings → Acontext API: where agents outside the app reach the API (/api/v1) and the key they
// send, shown only on demand. The desktop app serves it on a listener of its own, turned on and
// given a port here; in browser mode `dspatch serve` serves it with the app, so there is nothing to set.
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import type { AcontextApiStatus } from '../../../electron/api/types';
import { useClient } from '../../app-context';
import { CopyButton } from '../../components/copy-button';
import { ErrorBanner } from '../../components/error-banner';
import { MarkdownText } from '../../components/markdown';
import { useHostAction } from '../../components/use-host-action';
import { useHostQuery } from '../../components/use-host-query';
import { paths } from '../shell/router';
import './acontext-section.css';
import { useSectionHeading } from './use-section-heading';

const HIDDEN_KEY = 'sk-ac-' + '•'.repeat(24);

/** How to point the official client at this app, as in the README. */
function snippet(baseUrl: string): string {
  return [
    '```ts',
    "import { AcontextClient } from '@acontext/acontext';",
    '',
    'const acontext = new AcontextClient({',
    `  baseUrl: '${baseUrl}',`,
    '  apiKey: process.env.ACONTEXT_API_KEY, // the key above',
    '});',
    'const space = await acontext.spaces.create();',
    'const session = await acontext.sessions.create({ spaceId: space.id });',
    "await acontext.sessions.storeMessage(session.id, { role: 'user', content: 'Hello' });",
    '```',
  ].join('\n');
}

function portProblem(text: string): string | null {
  const port = Number(text);
  return Number.isInteger(port) && port >= 1024 && port <= 65535 ? null : 'A port from 1024 to 65535.';
}

export function AcontextSection({ focused }: { focused: boolean }) {
  const client = useClient();
  const id = useId();
  const status = useHostQuery(() => client.call('acontext.settings', {}), 'acontext.settings');
  const heading = useSectionHeading(focused);
  const [apiKey, setApiKey] = useState<string | null>(null);
  const [shown, setShown] = useState(false);
  const keyAction = useHostAction();

  /** The key, fetched the first time it is revealed or copied. */
  async function loadKey(): Promise<string> {
    if (apiKey) return apiKey;
    keyAction.setError(null);
    let key = '';
    await keyAction.run(async () => {
      key = (await client.call('acontext.apiKey', {})).apiKey;
      setApiKey(key);
    });
    if (!key) throw new Error('The API key could not be loaded.');
    return key;
  }

  const current = status.data;
  const baseUrl = current?.baseUrl ?? null;
  // Where the desktop listener would answer, for the snippet while it is off.
  const exampleUrl = baseUrl ?? `http://127.0.0.1:${current?.port ?? 8029}/api/v1`;

  return (
    <section className="panel" data-testid="acontext-settings" aria-labelledby={`${id}-title`}>
      <div className="panel-header">
        <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
          Acontext API
        </h2>
        {current ? (
          <span className={`badge ${baseUrl ? 'badge-ok' : 'badge-warn'}`}>
            {baseUrl ? 'Serving' : 'Off'}
          </span>
        ) : null}
      </div>
      <p className="muted small">
        Agents you build outside the app can store their conversations here with the official Acontext client
        (<code>@acontext/acontext</code>). They show under{' '}
        <a href={paths.externalSessions()}>External sessions</a>, go through the same task extraction, and
        count in Usage.
      </p>
      {status.error ? <ErrorBanner message={status.error} /> : null}
      {!current ? (
        status.error ? null : (
          <p className="muted">Loading…</p>
        )
      ) : (
        <>
          <dl className="facts acontext-facts">
            <dt>Base URL</dt>
            <dd>
              {baseUrl ? (
                <>
                  <span className="mono" data-testid="acontext-base-url">
                    {baseUrl}
                  </span>
                  <CopyButton label="Copy base URL" text={() => baseUrl} />
                </>
              ) : (
                <span className="muted">Not served now</span>
              )}
            </dd>
            <dt>API key</dt>
            <dd>
              <span className="mono" data-testid="acontext-api-key">
                {shown && apiKey ? apiKey : HIDDEN_KEY}
              </span>
              <button
                type="button"
                className="btn btn-small"
                aria-label={shown ? 'Hide API key' : 'Reveal API key'}
                disabled={keyAction.busy}
                onClick={() => {
                  if (shown) setShown(false);
                  else
                    void loadKey().then(
                      () => setShown(true),
                      () => undefined,
                    );
                }}
              >
                {shown ? 'Hide' : 'Reveal'}
              </button>
              <CopyButton label="Copy API key" text={loadKey} />
            </dd>
          </dl>
          <p className="muted small">
            Clients send it as <code>Authorization: Bearer sk-ac-…</code>; <code>dspatch api-key</code> prints
            it too. Requests from web pages are refused.
          </p>
          {keyAction.error ? (
            <ErrorBanner message={keyAction.error} onDismiss={() => keyAction.setError(null)} />
          ) : null}

          {current.servedBy === 'listener' ? (
            <ListenerForm current={current} onSaved={status.setData} />
          ) : (
            <p className="notice info small" data-testid="acontext-browser-note">
              <code>dspatch serve</code> serves the API with the app, on its own port: the address above.
              Turning it on or off and choosing its port are settings of the desktop app.
            </p>
          )}

          <h3 className="acontext-snippet-title">Point the client at it</h3>
          <MarkdownText text={snippet(exampleUrl)} />
        </>
      )}
    </section>
  );
}

/** Desktop: the listener's switch and port. Nothing else changes them, so the form starts from them once. */
function ListenerForm({
  current,
  onSaved,
}: {
  current: AcontextApiStatus;
  onSaved: (update: (current: AcontextApiStatus | null) => AcontextApiStatus | null) => void;
}) {
  const client = useClient();
  const id = useId();
  const [enabled, setEnabled] = useState(current.enabled);
  const [port, setPort] = useState(String(current.port));
  const [saved, setSaved] = useState(false);
  const { busy, error, setError, run } = useHostAction();
  const problem = portProblem(port);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (problem || busy) return;
    setError(null);
    setSaved(false);
    await run(async () => {
      const next = await client.call('acontext.updateSettings', { enabled, port: Number(port) });
      setSaved(true);
      onSaved(() => next);
    });
  }

  return (
    <form className="settings-form" onSubmit={(event) => void save(event)} noValidate>
      {current.error ? (
        <ErrorBanner message={`The API is turned on but not served: ${current.error}`} />
      ) : null}
      <label className="check switch">
        <input
          type="checkbox"
          role="switch"
          checked={enabled}
          onChange={(event) => {
            setEnabled(event.target.checked);
            setSaved(false);
          }}
        />
        Serve the Acontext API on 127.0.0.1
      </label>
      <div className="settings-grid">
        <div className="field">
          <label className="field-label" htmlFor={`${id}-port`}>
            Port
          </label>
          <input
            id={`${id}-port`}
            className="input"
            type="number"
            min={1024}
            max={65535}
            step={1}
            value={port}
            onChange={(event) => {
              setPort(event.target.value);
              setSaved(false);
            }}
            aria-invalid={!!problem}
            aria-describedby={problem ? `${id}-port-error` : undefined}
          />
          {problem ? (
            <span className="field-error" id={`${id}-port-error`}>
              {problem}
            </span>
          ) : null}
        </div>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={!!problem || busy}>
          {busy ? 'Saving…' : 'Save API settings'}
        </button>
        <span role="status" className="save-note">
          {saved ? 'Saved.' : ''}
        </span>
      </div>
      {error ? <ErrorBanner message={error} onDismiss={() => setError(null)} /> : null}
    </form>
  );
}
