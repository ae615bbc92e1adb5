// Settings → Providers: OpenAI-compatible servers (Ollama, vLLM, LM Studio, a gateway, …) that any
// workspace's agents may name with `provider: NAME`, beside the ones a workspace file declares.
// `openai` is built in: it can be edited, not removed. "Test connection" lists the server's models.
import { useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type {
  ApiKeySummary,
  ProviderApi,
  ProviderInfo,
  ProviderTestResult,
} from '../../../electron/api/types';
import { useClient } from '../../app-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorBanner } from '../../components/error-banner';
import { errorMessage } from '../../api/host-call-error';
import { useHostAction } from '../../components/use-host-action';
import { useHostQuery, type HostQuery } from '../../components/use-host-query';
import { useSectionHeading } from './use-section-heading';

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** The key select's values besides saved key names (which never contain a colon). */
const AGENT_KEY = ':agent';
const NO_KEY = ':none';

interface Draft {
  name: string;
  baseUrl: string;
  api: ProviderApi;
  /** AGENT_KEY, NO_KEY or a saved key's name. */
  key: string;
  defaultModel: string;
}

const EMPTY: Draft = { name: '', baseUrl: '', api: 'chat', key: NO_KEY, defaultModel: '' };

/** `{{apikey:Name}}` → Name. */
function savedKeyName(apiKey: string): string {
  return apiKey.replace(/^\{\{\s*apikey\s*:\s*|\s*\}\}$/g, '');
}

function keyText(apiKey: string | null): string {
  if (apiKey === null) return 'Agent’s OPENAI_API_KEY';
  if (apiKey === 'none') return 'No key';
  return `Saved key ${savedKeyName(apiKey)}`;
}

function toDraft(provider: ProviderInfo): Draft {
  return {
    name: provider.name,
    baseUrl: provider.baseUrl,
    api: provider.api,
    key:
      provider.apiKey === null
        ? AGENT_KEY
        : provider.apiKey === 'none'
          ? NO_KEY
          : savedKeyName(provider.apiKey),
    defaultModel: provider.defaultModel ?? '',
  };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text.trim());
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function problemsOf(
  draft: Draft,
  editing: boolean,
  taken: readonly string[],
): Partial<Record<'name' | 'baseUrl', string>> {
  const problems: Partial<Record<'name' | 'baseUrl', string>> = {};
  const name = draft.name.trim();
  if (!name) problems.name = 'Name the provider, e.g. ollama.';
  else if (!NAME_PATTERN.test(name))
    problems.name = 'Start with a letter or digit; use only letters, digits, "_", "." and "-" (64 at most).';
  else if (!editing && taken.some((other) => other.toLowerCase() === name.toLowerCase())) {
    problems.name = `There is already a provider named ${name}: edit it instead.`;
  }
  if (!draft.baseUrl.trim())
    problems.baseUrl = 'Enter the server’s base URL, e.g. http://127.0.0.1:11434/v1.';
  else if (!isHttpUrl(draft.baseUrl))
    problems.baseUrl = 'Enter an http:// or https:// URL, e.g. http://127.0.0.1:11434/v1.';
  return problems;
}

type TestState = { busy: true } | { busy: false; result: ProviderTestResult };

/** `apiKeys` is the page's list of saved keys, for the key picker. */
export function ProvidersSection({
  focused,
  apiKeys,
}: {
  focused: boolean;
  apiKeys: HostQuery<ApiKeySummary[]>;
}) {
  const client = useClient();
  const id = useId();
  const providers = useHostQuery(() => client.call('providers.list', {}), 'providers');
  const [draft, setDraft] = useState<Draft>(EMPTY);
  /** The name of the provider being edited, or null when adding one. */
  const [editing, setEditing] = useState<string | null>(null);
  const [touched, setTouched] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [removing, setRemoving] = useState<ProviderInfo | null>(null);
  const [tests, setTests] = useState<Record<string, TestState>>({});
  const { busy, error, setError, run } = useHostAction();
  const heading = useSectionHeading(focused);
  const nameInput = useRef<HTMLInputElement>(null);
  const urlInput = useRef<HTMLInputElement>(null);

  const names = providers.data?.map((provider) => provider.name) ?? [];
  const problems = problemsOf(draft, editing !== null, names);
  const valid = Object.keys(problems).length === 0;
  const shown = (key: 'name' | 'baseUrl') => (touched ? problems[key] : undefined);
  const savedKeys = apiKeys.data ?? [];
  // A provider may name a saved key that was removed since: keep it selectable so the form shows it.
  const keyNames = [
    ...savedKeys.map((key) => key.name),
    ...(draft.key.startsWith(':') || savedKeys.some((key) => key.name === draft.key) ? [] : [draft.key]),
  ];
  const draftTest = editing ? tests[editing] : undefined;
  const suggestedModels = draftTest && !draftTest.busy && draftTest.result.ok ? draftTest.result.models : [];

  function edit(changes: Partial<Draft>) {
    setDraft({ ...draft, ...changes });
    setSaved(null);
  }

  function startEdit(provider: ProviderInfo) {
    setDraft(toDraft(provider));
    setEditing(provider.name);
    setTouched(false);
    setSaved(null);
    urlInput.current?.focus();
  }

  function cancelEdit() {
    setDraft(EMPTY);
    setEditing(null);
    setTouched(false);
    nameInput.current?.focus();
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (!valid || busy) return;
    setError(null);
    await run(async () => {
      const provider = await client.call('providers.save', {
        name: draft.name.trim(),
        baseUrl: draft.baseUrl.trim(),
        api: draft.api,
        apiKey: draft.key === AGENT_KEY ? null : draft.key === NO_KEY ? 'none' : `{{apikey:${draft.key}}}`,
        defaultModel: draft.defaultModel.trim() || null,
      });
      setDraft(EMPTY);
      setEditing(null);
      setTouched(false);
      setTests((current) => {
        const rest = { ...current };
        delete rest[provider.name];
        return rest;
      });
      setSaved(`Saved provider ${provider.name}. Agents use it with provider: ${provider.name}`);
      providers.reload();
    });
  }

  async function remove(provider: ProviderInfo) {
    await run(async () => {
      await client.call('providers.remove', { name: provider.name });
      if (editing === provider.name) cancelEdit();
      providers.reload();
    });
    setRemoving(null);
  }

  async function test(name: string) {
    setTests((current) => ({ ...current, [name]: { busy: true } }));
    let result: ProviderTestResult;
    try {
      result = await client.call('providers.test', { name });
    } catch (err) {
      result = { ok: false, message: errorMessage(err) };
    }
    setTests((current) => ({ ...current, [name]: { busy: false, result } }));
  }

  return (
    <section className="panel" data-testid="providers-settings" aria-labelledby={`${id}-title`}>
      <div className="panel-header">
        <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
          Providers
        </h2>
      </div>
      <p className="muted small">
        OpenAI-compatible servers for any workspace: an agent uses one with <code>provider: NAME</code> in the
        workspace file (a provider the file declares itself under <code>providers:</code> wins). Servers such
        as Ollama, vLLM and LM Studio speak Chat Completions: choose the <code>chat</code> API style for them.
      </p>
      {providers.error ? <ErrorBanner message={providers.error} /> : null}
      {providers.data ? (
        <div className="table-scroll">
          <table className="table" data-testid="providers-table" aria-label="Providers">
            <thead>
              <tr>
                <th>Name</th>
                <th>Base URL</th>
                <th>API</th>
                <th>Key</th>
                <th>Default model</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {providers.data.map((provider) => {
                const state = tests[provider.name];
                return (
                  <ProviderRow
                    key={provider.name}
                    provider={provider}
                    test={state}
                    busy={busy}
                    onTest={() => void test(provider.name)}
                    onEdit={() => startEdit(provider)}
                    onRemove={() => setRemoving(provider)}
                  />
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <form
        className="inline-form"
        onSubmit={(event) => void save(event)}
        noValidate
        aria-label={editing ? `Edit provider ${editing}` : 'Add a provider'}
      >
        <label className="field">
          <span className="field-label">Name</span>
          <input
            ref={nameInput}
            className="input mono"
            value={draft.name}
            onChange={(event) => edit({ name: event.target.value })}
            readOnly={editing !== null}
            placeholder="ollama"
            autoComplete="off"
            spellCheck={false}
            maxLength={64}
            aria-invalid={Boolean(shown('name'))}
            data-testid="provider-name-input"
          />
        </label>
        <label className="field">
          <span className="field-label">Base URL</span>
          <input
            ref={urlInput}
            className="input mono"
            type="url"
            value={draft.baseUrl}
            onChange={(event) => edit({ baseUrl: event.target.value })}
            placeholder="http://127.0.0.1:11434/v1"
            autoComplete="off"
            spellCheck={false}
            maxLength={2000}
            aria-invalid={Boolean(shown('baseUrl'))}
            data-testid="provider-url-input"
          />
        </label>
        <label className="field">
          <span className="field-label">API style</span>
          <select
            className="input"
            value={draft.api}
            onChange={(event) => edit({ api: event.target.value as ProviderApi })}
          >
            <option value="chat">Chat Completions (chat)</option>
            <option value="responses">Responses (responses)</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">API key</span>
          <select className="input" value={draft.key} onChange={(event) => edit({ key: event.target.value })}>
            <option value={NO_KEY}>No key (none)</option>
            <option value={AGENT_KEY}>The agent’s OPENAI_API_KEY</option>
            {keyNames.map((name) => (
              <option key={name} value={name}>
                Saved key {name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Default model (optional)</span>
          <input
            className="input mono"
            value={draft.defaultModel}
            onChange={(event) => edit({ defaultModel: event.target.value })}
            placeholder="llama3.2"
            autoComplete="off"
            spellCheck={false}
            maxLength={200}
            list={suggestedModels.length > 0 ? `${id}-models` : undefined}
          />
        </label>
        {suggestedModels.length > 0 ? (
          <datalist id={`${id}-models`}>
            {suggestedModels.map((model) => (
              <option key={model} value={model} />
            ))}
          </datalist>
        ) : null}
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {editing ? 'Save provider' : 'Add provider'}
        </button>
        {editing ? (
          <button type="button" className="btn" onClick={cancelEdit}>
            Cancel
          </button>
        ) : null}
      </form>
      {touched && !valid ? (
        <ul className="field-error" data-testid="provider-problems">
          {Object.entries(problems).map(([key, problem]) => (
            <li key={key}>
              {key === 'name' ? 'Name' : 'Base URL'}: {problem}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="muted small">
        A key is chosen from Saved API keys above, so it never appears in a workspace file. The agent’s
        default model is used when its workspace names none.
      </p>
      {saved ? (
        <p className="muted small" role="status">
          {saved}
        </p>
      ) : null}
      {error ? <ErrorBanner message={error} onDismiss={() => setError(null)} /> : null}
      <ConfirmDialog
        open={removing !== null}
        title={removing ? `Remove provider ${removing.name}?` : ''}
        message="Workspaces whose agents name it stop validating until they name another provider."
        confirmLabel="Remove"
        danger
        busy={busy}
        onConfirm={() => removing && void remove(removing)}
        onCancel={() => setRemoving(null)}
      />
    </section>
  );
}

function ProviderRow({
  provider,
  test,
  busy,
  onTest,
  onEdit,
  onRemove,
}: {
  provider: ProviderInfo;
  test: TestState | undefined;
  busy: boolean;
  onTest: () => void;
  onEdit: () => void;
  onRemove: () => void;
}) {
  return (
    <>
      <tr data-testid="provider-row" data-name={provider.name}>
        <td className="mono">
          {provider.name}
          {provider.builtIn ? <span className="muted small"> (built in)</span> : null}
        </td>
        <td className="mono">{provider.baseUrl}</td>
        <td>{provider.api}</td>
        <td>{keyText(provider.apiKey)}</td>
        <td className="mono">{provider.defaultModel ?? ''}</td>
        <td className="actions">
          <button
            type="button"
            className="btn btn-small"
            aria-label={`Test connection to ${provider.name}`}
            disabled={test?.busy === true}
            onClick={onTest}
          >
            {test?.busy ? 'Testing…' : 'Test connection'}
          </button>
          <button
            type="button"
            className="btn btn-small btn-ghost"
            aria-label={`Edit provider ${provider.name}`}
            disabled={busy}
            onClick={onEdit}
          >
            Edit
          </button>
          {provider.builtIn ? null : (
            <button
              type="button"
              className="btn btn-small btn-ghost danger"
              aria-label={`Remove provider ${provider.name}`}
              disabled={busy}
              onClick={onRemove}
            >
              Remove
            </button>
          )}
        </td>
      </tr>
      {test && !test.busy ? (
        <tr data-testid="provider-test-row">
          <td colSpan={6}>
            <TestResult name={provider.name} result={test.result} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function TestResult({ name, result }: { name: string; result: ProviderTestResult }) {
  if (!result.ok) {
    return (
      <p className="field-error" role="alert" aria-label={`Connection test of ${name}`}>
        {result.message}
      </p>
    );
  }
  return (
    <div role="status" aria-label={`Connection test of ${name}`}>
      {result.models.length === 0 ? (
        <p className="small">
          Connected. The server lists no models (it may not offer GET /models): type the model name yourself.
        </p>
      ) : (
        <>
          <p className="small">
            Connected: {result.models.length} model{result.models.length === 1 ? '' : 's'}.
          </p>
          <ul className="mono small" aria-label={`Models of ${name}`}>
            {result.models.map((model) => (
              <li key={model}>{model}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
