// The part of an agent card that says how the agent runs: its provider and model, its template's
// fields (system_prompt, authority…) and its own env. Every change goes to the draft, which the
// YAML tab shows as `provider:`, `model:`, `fields:` and `env:`.
import { useId } from 'react';
import type { TemplateSummary } from '../../../electron/api/types';
import type { DraftAgent, EnvRow } from './draft-model';
import { settingsProviderFor } from './provider-choice';
import type { ProviderCatalog } from './use-providers';
import './agent-settings.css';

interface AgentSettingsProps {
  agent: DraftAgent;
  /** The template the agent runs; undefined when it is not installed. */
  template: TemplateSummary | undefined;
  fileProviders: string[];
  catalog: ProviderCatalog;
  update: (change: Partial<DraftAgent>) => void;
}

/** Long or multi-line defaults (prompts, authority) get a textarea; short ones an input. */
function isMultiLine(name: string, value: string): boolean {
  return value.includes('\n') || value.length > 60 || /prompt|authority|instructions/i.test(name);
}

export function AgentSettings({ agent, template, fileProviders, catalog, update }: AgentSettingsProps) {
  const name = agent.key || 'agent';
  return (
    <div className="agent-settings">
      <ModelPicker agent={agent} name={name} fileProviders={fileProviders} catalog={catalog} update={update} />
      <TemplateFields agent={agent} name={name} template={template} update={update} />
      <EnvRows agent={agent} name={name} update={update} />
    </div>
  );
}

interface PartProps {
  agent: DraftAgent;
  /** The agent's key, for accessible names. */
  name: string;
  update: (change: Partial<DraftAgent>) => void;
}

function ModelPicker({
  agent,
  name,
  fileProviders,
  catalog,
  update,
}: PartProps & { fileProviders: string[]; catalog: ProviderCatalog }) {
  const listId = useId();
  const statusId = useId();
  // A file provider wins over a Settings one of the same name (as the host resolves them).
  const settings = (catalog.settings ?? []).filter((item) => !fileProviders.includes(item.name));
  const known =
    agent.provider === null ||
    fileProviders.includes(agent.provider) ||
    settings.some((item) => item.name.toLowerCase() === agent.provider?.toLowerCase());
  const info = settingsProviderFor(agent.provider, fileProviders, catalog.settings);
  const loaded = info ? catalog.models[info.name] : undefined;
  const suggestions = [
    ...new Set([
      ...(info?.defaultModel ? [info.defaultModel] : []),
      ...(loaded?.state === 'ok' ? loaded.models : []),
    ]),
  ];
  const inFile = agent.provider !== null && fileProviders.includes(agent.provider);

  return (
    <div className="agent-model-row">
      <label className="field">
        <span className="field-label">Provider</span>
        <select
          className="input"
          value={agent.provider ?? ''}
          onChange={(event) => update({ provider: event.target.value || null })}
          aria-label={`Provider for ${name}`}
          data-testid="agent-provider-select"
        >
          <option value="">Default (OpenAI)</option>
          {!known ? <option value={agent.provider ?? ''}>{agent.provider} — not declared</option> : null}
          {fileProviders.length > 0 ? (
            <optgroup label="Declared in this file">
              {fileProviders.map((provider) => (
                <option key={provider} value={provider}>
                  {provider}
                </option>
              ))}
            </optgroup>
          ) : null}
          {settings.length > 0 ? (
            <optgroup label="Settings → Providers">
              {settings.map((item) => (
                <option key={item.name} value={item.name}>
                  {item.name}
                  {item.builtIn ? ' (built-in)' : ''}
                </option>
              ))}
            </optgroup>
          ) : null}
        </select>
      </label>
      <label className="field grow">
        <span className="field-label">Model</span>
        <input
          className="input mono"
          value={agent.model ?? ''}
          onChange={(event) => update({ model: event.target.value.trim() ? event.target.value : null })}
          list={listId}
          placeholder={info?.defaultModel ? `${info.defaultModel} (provider default)` : "the template's default"}
          aria-label={`Model for ${name}`}
          aria-describedby={statusId}
          spellCheck={false}
          autoComplete="off"
          data-testid="agent-model-input"
        />
        <datalist id={listId}>
          {suggestions.map((model) => (
            <option key={model} value={model} />
          ))}
        </datalist>
      </label>
      <div className="agent-load-models">
        <button
          type="button"
          className="btn btn-small"
          disabled={!info || loaded?.state === 'loading'}
          onClick={() => info && catalog.loadModels(info.name)}
          aria-label={`Load models for ${name}`}
          aria-describedby={statusId}
        >
          {loaded?.state === 'loading' ? 'Loading…' : 'Load models'}
        </button>
      </div>
      <span
        className={`field-hint agent-model-status${loaded?.state === 'error' ? ' field-error' : ''}`}
        id={statusId}
        role="status"
      >
        {loaded?.state === 'ok'
          ? `${loaded.models.length} model${loaded.models.length === 1 ? '' : 's'} from ${info?.name ?? 'the provider'}: pick one or type a name.`
          : loaded?.state === 'error'
            ? `Models could not be loaded: ${loaded.message}`
            : inFile
              ? 'This provider is declared in the file: type its model name (only Settings providers can list their models).'
              : !known
                ? 'This provider is not declared in the file or in Settings → Providers.'
                : catalog.error
                  ? `Settings providers could not be loaded: ${catalog.error}`
                  : ''}
      </span>
    </div>
  );
}

function TemplateFields({ agent, name, template, update }: PartProps & { template: TemplateSummary | undefined }) {
  const defaults = template?.fields ?? {};
  const names = [...Object.keys(defaults), ...Object.keys(agent.fields).filter((field) => !(field in defaults))];
  if (names.length === 0) return null;

  const setField = (field: string, value: string) => {
    const { [field]: _old, ...rest } = agent.fields;
    // The template's own value is not an override: leaving it out keeps the file short. An override
    // keeps its place among the others.
    update({
      fields: field in defaults && defaults[field] === value ? rest : { ...agent.fields, [field]: value },
    });
  };
  const reset = (field: string) => {
    const { [field]: _old, ...rest } = agent.fields;
    update({ fields: rest });
  };

  return (
    <fieldset className="agent-fields">
      <legend className="field-label">Template fields</legend>
      {names.map((field) => {
        const known = field in defaults;
        const overridden = field in agent.fields;
        const value = agent.fields[field] ?? defaults[field] ?? '';
        const label = `${field} for ${name}`;
        return (
          <div className="field agent-field" key={field}>
            <span className="agent-field-head">
              <span className="mono small">{field}</span>
              {!known ? (
                <span className="field-error">not a field of {agent.template || 'this template'}</span>
              ) : overridden ? (
                <span className="badge">changed</span>
              ) : (
                <span className="muted small">template default</span>
              )}
              <span className="spacer" />
              {overridden ? (
                <button
                  type="button"
                  className="btn btn-ghost btn-small"
                  onClick={() => reset(field)}
                  aria-label={known ? `Reset ${field} for ${name}` : `Remove ${field} for ${name}`}
                >
                  {known ? 'Reset' : 'Remove'}
                </button>
              ) : null}
            </span>
            {isMultiLine(field, value) ? (
              <textarea
                className="input"
                rows={Math.min(8, Math.max(2, value.split('\n').length + Math.floor(value.length / 90)))}
                value={value}
                onChange={(event) => setField(field, event.target.value)}
                aria-label={label}
                data-testid={`agent-field-${field}`}
              />
            ) : (
              <input
                className="input"
                value={value}
                onChange={(event) => setField(field, event.target.value)}
                aria-label={label}
                data-testid={`agent-field-${field}`}
              />
            )}
          </div>
        );
      })}
    </fieldset>
  );
}

function EnvRows({ agent, name, update }: PartProps) {
  const setRow = (index: number, change: Partial<EnvRow>) =>
    update({ env: agent.env.map((row, i) => (i === index ? { ...row, ...change } : row)) });
  const counts = new Map<string, number>();
  for (const row of agent.env) if (row.name.trim()) counts.set(row.name.trim(), (counts.get(row.name.trim()) ?? 0) + 1);

  return (
    <fieldset className="agent-env">
      <legend className="field-label">Environment</legend>
      {agent.env.length === 0 ? <span className="muted small">No variables of its own.</span> : null}
      {agent.env.map((row, index) => {
        const duplicate = (counts.get(row.name.trim()) ?? 0) > 1;
        return (
          <div className="agent-env-row" key={index}>
            <input
              className="input mono"
              value={row.name}
              onChange={(event) => setRow(index, { name: event.target.value.replace(/\s/g, '') })}
              placeholder="NAME"
              aria-label={`Env name ${index + 1} for ${name}`}
              aria-invalid={duplicate}
              title={duplicate ? 'This name is set twice: the last value wins.' : undefined}
              spellCheck={false}
              autoComplete="off"
            />
            <input
              className="input mono"
              value={row.value}
              onChange={(event) => setRow(index, { value: event.target.value })}
              placeholder="value or {{apikey:Name}}"
              aria-label={`Env value ${index + 1} for ${name}`}
              spellCheck={false}
              autoComplete="off"
            />
            <button
              type="button"
              className="btn btn-ghost btn-small danger"
              onClick={() => update({ env: agent.env.filter((_row, i) => i !== index) })}
              aria-label={`Remove env ${index + 1} for ${name}`}
            >
              Remove
            </button>
          </div>
        );
      })}
      <button
        type="button"
        className="btn btn-small agent-env-add"
        onClick={() => update({ env: [...agent.env, { name: '', value: '' }] })}
        aria-label={`Add env variable for ${name}`}
      >
        + Variable
      </button>
    </fieldset>
  );
}
