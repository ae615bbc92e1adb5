// Step 3: one masked field per key the chosen templates require. A saved API key can stand in:
// the workspace env then refers to it as {{apikey:Name}} and nothing is stored per workspace.
import type { ApiKeySummary, AppInfo } from '../../../electron/api/types';
import { ErrorBanner } from '../../components/error-banner';
import { EmptyState } from '../../components/empty-state';

export interface RequiredSecret {
  key: string;
  requiredBy: string[];
  /** Already set by the YAML's env (a literal or a reference); no field needed. */
  fromYaml: string | null;
}

interface SecretsStepProps {
  required: RequiredSecret[];
  values: Record<string, string>;
  apiKeyChoice: Record<string, string>;
  apiKeys: ApiKeySummary[] | null;
  appInfo: AppInfo | null;
  onValue: (key: string, value: string) => void;
  onApiKey: (key: string, name: string) => void;
}

export function SecretsStep({
  required,
  values,
  apiKeyChoice,
  apiKeys,
  appInfo,
  onValue,
  onApiKey,
}: SecretsStepProps) {
  return (
    <div className="secrets-step">
      {appInfo ? (
        appInfo.secrets.osProtected ? (
          <p className="notice info small">{appInfo.secrets.note}</p>
        ) : (
          <ErrorBanner tone="warning" message={appInfo.secrets.note} />
        )
      ) : null}
      {required.length === 0 ? (
        <EmptyState title="No secrets needed">
          None of the chosen templates requires an API key or other secret. You can create the workspace now.
        </EmptyState>
      ) : (
        <ul className="secret-fields">
          {required.map((secret) => {
            const chosen = apiKeyChoice[secret.key] ?? '';
            return (
              <li key={secret.key} className="secret-field">
                <div className="secret-field-head">
                  <label className="secret-key mono" htmlFor={`secret-${secret.key}`}>
                    {secret.key}
                  </label>
                  <span className="badge badge-warn">required</span>
                  <span className="muted small">
                    Needed by {secret.requiredBy.join(', ') || 'this workspace'}
                  </span>
                </div>
                {secret.fromYaml ? (
                  <p className="muted small">
                    Set in the config's env as{' '}
                    <code>{secret.fromYaml.startsWith('{{') ? secret.fromYaml : '(a literal value)'}</code>.
                  </p>
                ) : (
                  <div className="inline-form">
                    <input
                      id={`secret-${secret.key}`}
                      className="input mono grow"
                      type="password"
                      value={chosen ? '' : (values[secret.key] ?? '')}
                      onChange={(event) => onValue(secret.key, event.target.value)}
                      placeholder={chosen ? `Uses the saved key "${chosen}"` : `Paste ${secret.key}`}
                      disabled={!!chosen}
                      autoComplete="off"
                      spellCheck={false}
                      aria-required="true"
                      data-testid={`secret-input-${secret.key}`}
                    />
                    {apiKeys && apiKeys.length > 0 ? (
                      <select
                        className="input"
                        value={chosen}
                        onChange={(event) => onApiKey(secret.key, event.target.value)}
                        aria-label={`Use a saved API key for ${secret.key}`}
                        data-testid={`secret-apikey-${secret.key}`}
                      >
                        <option value="">or use a saved API key…</option>
                        {apiKeys.map((apiKey) => (
                          <option key={apiKey.name} value={apiKey.name}>
                            {apiKey.name}
                            {apiKey.hint ? ` (••••${apiKey.hint})` : ''}
                          </option>
                        ))}
                      </select>
                    ) : null}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
