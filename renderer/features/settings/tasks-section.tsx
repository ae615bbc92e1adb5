// Settings → Tasks: the task extractor's switch, model, endpoint, API key and buffer. Settings the
// host's environment overrides (DSPATCH_TASKS_*) are shown read-only with the variable's name.
import { useId, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import type { ApiKeySummary, TaskExtractionStatus, TaskSettings } from '../../../electron/api/types';
import { useClient } from '../../app-context';
import { ErrorBanner } from '../../components/error-banner';
import { useHostAction } from '../../components/use-host-action';
import { useHostQuery, type HostQuery } from '../../components/use-host-query';
import { useSectionHeading } from './use-section-heading';

const ENV_NAMES: Partial<Record<keyof TaskSettings, string>> = {
  model: 'DSPATCH_TASKS_MODEL',
  baseUrl: 'DSPATCH_TASKS_BASE_URL',
  apiKeyName: 'DSPATCH_TASKS_API_KEY',
};

interface Draft {
  enabled: boolean;
  model: string;
  baseUrl: string;
  apiKeyName: string;
  maxPending: string;
  idleSeconds: string;
}

function toDraft(settings: TaskSettings): Draft {
  return {
    enabled: settings.enabled,
    model: settings.model,
    baseUrl: settings.baseUrl ?? '',
    apiKeyName: settings.apiKeyName ?? '',
    maxPending: String(settings.maxPending),
    idleSeconds: String(settings.idleSeconds),
  };
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** What is wrong with each field, in words; empty when the draft can be saved. */
function problemsOf(draft: Draft): Partial<Record<keyof Draft, string>> {
  const problems: Partial<Record<keyof Draft, string>> = {};
  if (!draft.model.trim()) problems.model = 'Name a model, e.g. gpt-4o-mini.';
  if (draft.baseUrl.trim() && !isHttpUrl(draft.baseUrl.trim())) {
    problems.baseUrl = 'Enter an http:// or https:// URL, or leave it empty for the OpenAI API.';
  }
  const batch = Number(draft.maxPending);
  if (!Number.isInteger(batch) || batch < 1 || batch > 256)
    problems.maxPending = 'A whole number from 1 to 256.';
  const idle = Number(draft.idleSeconds);
  if (draft.idleSeconds.trim() === '' || !Number.isFinite(idle) || idle < 0.1 || idle > 3600) {
    problems.idleSeconds = 'A number of seconds from 0.1 to 3600.';
  }
  return problems;
}

/** A label above its control, with hints and errors below that are not part of the control's name. */
function Field({ inputId, label, children }: { inputId: string; label: string; children: ReactNode }) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={inputId}>
        {label}
      </label>
      {children}
    </div>
  );
}

interface TasksSectionProps {
  apiKeys: HostQuery<ApiKeySummary[]>;
  /** The page was opened at this section (a link from a Tasks panel). */
  focused: boolean;
}

export function TasksSection({ apiKeys, focused }: TasksSectionProps) {
  const client = useClient();
  const id = useId();
  const status = useHostQuery(() => client.call('tasks.settings', {}), 'tasks.settings');
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saved, setSaved] = useState(false);
  const { busy, error, setError, run } = useHostAction();
  const heading = useSectionHeading(focused);

  const current: TaskExtractionStatus | null = status.data;
  const form = draft ?? (current ? toDraft(current.settings) : null);
  const problems = form ? problemsOf(form) : {};
  const valid = Object.keys(problems).length === 0;

  function edit(changes: Partial<Draft>) {
    if (!form) return;
    setDraft({ ...form, ...changes });
    setSaved(false);
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!form || !current || !valid || busy) return;
    setError(null);
    setSaved(false);
    const changes: Partial<TaskSettings> = {
      enabled: form.enabled,
      model: form.model.trim(),
      baseUrl: form.baseUrl.trim() || null,
      apiKeyName: form.apiKeyName || null,
      maxPending: Number(form.maxPending),
      idleSeconds: Number(form.idleSeconds),
    };
    // The environment wins over anything saved; saving its value would only hide the setting.
    for (const key of current.overridden) delete changes[key];
    await run(async () => {
      const next = await client.call('tasks.updateSettings', changes);
      status.setData(() => next);
      setDraft(null);
      setSaved(true);
    });
  }

  const overridden = (key: keyof TaskSettings) => current?.overridden.includes(key) ?? false;
  const envNote = (key: keyof TaskSettings) =>
    overridden(key) ? (
      <span className="field-hint env-note" id={`${id}-${key}-env`}>
        Set by {ENV_NAMES[key] ?? "the host's environment"}
      </span>
    ) : null;
  const described = (key: keyof Draft, hint: boolean) =>
    [
      hint ? `${id}-${key}-hint` : '',
      overridden(key) ? `${id}-${key}-env` : '',
      problems[key] ? `${id}-${key}-error` : '',
    ]
      .filter(Boolean)
      .join(' ') || undefined;
  const fieldError = (key: keyof Draft) =>
    problems[key] ? (
      <span className="field-error" id={`${id}-${key}-error`}>
        {problems[key]}
      </span>
    ) : null;
  const keyNames = apiKeys.data?.map((key) => key.name) ?? [];

  return (
    <section className="panel" data-testid="tasks-settings" aria-labelledby={`${id}-title`}>
      <div className="panel-header">
        <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
          Tasks
        </h2>
        {current ? (
          <span
            className={`badge ${current.active ? 'badge-ok' : 'badge-warn'}`}
            data-testid="tasks-settings-state"
          >
            {/* Turned on but missing a key or model: not "Off" beside a ticked box. */}
            {current.active ? 'On' : current.settings.enabled ? 'Not set up' : 'Off'}
          </span>
        ) : null}
      </div>
      <p className="muted small">
        A model reads each conversation and keeps the list of your requests (tasks), how far each got and the
        preferences you stated. It sees the conversation's messages, so the endpoint you choose receives them.
      </p>
      {status.error ? <ErrorBanner message={status.error} /> : null}
      {current && !current.active && current.inactiveReason ? (
        <ErrorBanner tone="warning" message={current.inactiveReason} />
      ) : null}
      {!form ? (
        status.error ? null : (
          <p className="muted">Loading…</p>
        )
      ) : (
        <form className="settings-form" onSubmit={(event) => void save(event)} noValidate>
          <label className="check switch">
            <input
              type="checkbox"
              role="switch"
              checked={form.enabled}
              onChange={(event) => edit({ enabled: event.target.checked })}
            />
            Extract tasks from conversations
          </label>

          <div className="settings-grid">
            <Field inputId={`${id}-model`} label="Model">
              <input
                id={`${id}-model`}
                className="input mono"
                value={form.model}
                onChange={(event) => edit({ model: event.target.value })}
                disabled={overridden('model')}
                placeholder="gpt-4o-mini"
                spellCheck={false}
                autoComplete="off"
                aria-invalid={!!problems.model}
                aria-describedby={described('model', false)}
              />
              {envNote('model')}
              {fieldError('model')}
            </Field>

            <Field inputId={`${id}-baseUrl`} label="Endpoint">
              <input
                id={`${id}-baseUrl`}
                className="input mono"
                value={form.baseUrl}
                onChange={(event) => edit({ baseUrl: event.target.value })}
                disabled={overridden('baseUrl')}
                placeholder="https://api.openai.com/v1"
                spellCheck={false}
                autoComplete="off"
                aria-invalid={!!problems.baseUrl}
                aria-describedby={described('baseUrl', true)}
              />
              <span className="field-hint" id={`${id}-baseUrl-hint`}>
                An OpenAI-compatible base URL (Chat Completions). Empty: the OpenAI API.
              </span>
              {envNote('baseUrl')}
              {fieldError('baseUrl')}
            </Field>

            <Field inputId={`${id}-apiKeyName`} label="API key">
              <select
                id={`${id}-apiKeyName`}
                className="input"
                value={overridden('apiKeyName') ? '' : form.apiKeyName}
                onChange={(event) => edit({ apiKeyName: event.target.value })}
                disabled={overridden('apiKeyName')}
                aria-describedby={described('apiKeyName', true)}
              >
                <option value="">
                  {overridden('apiKeyName') ? 'From the environment' : 'No key chosen'}
                </option>
                {apiKeys.data?.map((key) => (
                  <option key={key.name} value={key.name}>
                    {key.name}
                    {key.hint ? ` (••••${key.hint})` : ''}
                  </option>
                ))}
                {form.apiKeyName && apiKeys.data && !keyNames.includes(form.apiKeyName) ? (
                  <option value={form.apiKeyName}>{form.apiKeyName} (no longer saved)</option>
                ) : null}
              </select>
              <span className="field-hint" id={`${id}-apiKeyName-hint`}>
                One of your saved API keys: add one under Saved API keys above.
              </span>
              {envNote('apiKeyName')}
            </Field>

            <Field inputId={`${id}-maxPending`} label="Batch size">
              <input
                id={`${id}-maxPending`}
                className="input"
                type="number"
                min={1}
                max={256}
                step={1}
                value={form.maxPending}
                onChange={(event) => edit({ maxPending: event.target.value })}
                aria-invalid={!!problems.maxPending}
                aria-describedby={described('maxPending', true)}
              />
              <span className="field-hint" id={`${id}-maxPending-hint`}>
                Extract as soon as this many messages wait…
              </span>
              {fieldError('maxPending')}
            </Field>

            <Field inputId={`${id}-idleSeconds`} label="Idle seconds">
              <input
                id={`${id}-idleSeconds`}
                className="input"
                type="number"
                min={0.1}
                max={3600}
                step="any"
                value={form.idleSeconds}
                onChange={(event) => edit({ idleSeconds: event.target.value })}
                aria-invalid={!!problems.idleSeconds}
                aria-describedby={described('idleSeconds', true)}
              />
              <span className="field-hint" id={`${id}-idleSeconds-hint`}>
                …or this long after the last message.
              </span>
              {fieldError('idleSeconds')}
            </Field>
          </div>

          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={!valid || busy}>
              {busy ? 'Saving…' : 'Save task settings'}
            </button>
            <span role="status" className="save-note">
              {saved
                ? current?.active
                  ? 'Saved. Task extraction is on.'
                  : 'Saved. Task extraction is off.'
                : ''}
            </span>
          </div>
        </form>
      )}
      {error ? <ErrorBanner message={error} onDismiss={() => setError(null)} /> : null}
    </section>
  );
}
