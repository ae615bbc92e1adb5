// Creating a workspace in three steps: folder and name, agents (Visual or YAML, validated live
// on the host), and the secrets the chosen templates require. Secret values live only in this
// component's state and are sent once, with the create call.
import { useEffect, useId, useMemo, useState } from 'react';
import { useAppInfo, useServices } from '../../app-context';
import { errorMessage, isHostCallError } from '../../api/host-call-error';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorBanner } from '../../components/error-banner';
import { useHostQuery } from '../../components/use-host-query';
import { navigate, paths } from '../shell/router';
import { draftToYaml, emptyDraft, setYamlValue, yamlEnvValue, yamlToDraft } from './draft-model';
import { BrowseButton } from '../../components/browse-button';
import { ConfigEditor } from './config-editor';
import type { ConfigTab } from './config-editor';
import { SecretsStep } from './secrets-step';
import type { RequiredSecret } from './secrets-step';
import { hasErrors, useValidation } from './use-validation';

type Step = 1 | 2 | 3;
const STEPS: { step: Step; label: string }[] = [
  { step: 1, label: 'Folder & name' },
  { step: 2, label: 'Agents' },
  { step: 3, label: 'Secrets' },
];

function baseName(dir: string): string {
  const parts = dir
    .trim()
    .replace(/[\\/]+$/, '')
    .split(/[\\/]/);
  return parts[parts.length - 1] ?? '';
}

function yamlName(text: string): string {
  try {
    return yamlToDraft(text).name;
  } catch {
    return '';
  }
}

export function NewWorkspacePage() {
  const { client, workspaces } = useServices();
  const appInfo = useAppInfo();
  const templates = useHostQuery(() => client.call('templates.list', {}), 'templates');
  const apiKeys = useHostQuery(() => client.call('apiKeys.list', {}), 'apiKeys');

  const [step, setStep] = useState<Step>(1);
  const [dir, setDir] = useState('');
  const [tab, setTab] = useState<ConfigTab>('visual');
  const [yamlText, setYamlText] = useState(() => draftToYaml(emptyDraft()));
  const [values, setValues] = useState<Record<string, string>>({});
  const [apiKeyChoice, setApiKeyChoice] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [createError, setCreateError] = useState<string | null>(null);
  const [confirmOverwrite, setConfirmOverwrite] = useState(false);
  // The folder is checked by the host as it is typed; its problem shows only once the user left the
  // field or pressed Next, not while the first characters are typed.
  const [dirTouched, setDirTouched] = useState(false);
  const [dirCheck, setDirCheck] = useState<{ dir: string; problem: string | null; hasConfig: boolean } | null>(null);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const dirHintId = useId();
  const typedDir = dir.trim();
  useEffect(() => {
    if (!typedDir) return;
    let current = true;
    const timer = setTimeout(() => {
      client.call('workspaces.checkDir', { dir: typedDir }).then(
        (result) => current && setDirCheck({ dir: typedDir, ...result }),
        (error: unknown) => current && setDirCheck({ dir: typedDir, problem: errorMessage(error), hasConfig: false }),
      );
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, typedDir]);
  const checkedDir = dirCheck?.dir === typedDir ? dirCheck : null;
  const dirProblem = !typedDir ? 'Type the project folder: an absolute path such as /home/me/projects/shop.' : (checkedDir?.problem ?? null);
  const dirOk = !!checkedDir && checkedDir.problem === null;
  const dirty =
    !!typedDir || yamlText !== draftToYaml(emptyDraft()) || Object.values(values).some((value) => value.length > 0);

  const check = useValidation(yamlText, step >= 2);
  const upToDate = check.validatedYaml === yamlText && !check.pending && !check.error;
  const name = useMemo(() => yamlName(yamlText), [yamlText]);

  const required: RequiredSecret[] = useMemo(
    () =>
      (check.validation?.requiredSecrets ?? []).map((secret) => ({
        ...secret,
        fromYaml: yamlEnvValue(yamlText, secret.key),
      })),
    [check.validation, yamlText],
  );
  const missingSecrets = required.filter(
    (secret) => !secret.fromYaml && !apiKeyChoice[secret.key] && !(values[secret.key] ?? '').length,
  );
  const problemsBlock = !upToDate || hasErrors(check.validation);
  const canCreate = !!dir.trim() && !!name.trim() && !problemsBlock && missingSecrets.length === 0 && !busy;

  function setName(next: string) {
    setYamlText(setYamlValue(yamlText, ['name'], next));
  }

  function setDirectory(next: string) {
    // Suggest the folder's name until the user types a name of their own.
    if (!name || name === baseName(dir)) setName(baseName(next));
    setDir(next);
  }

  async function create(overwrite: boolean) {
    if (!canCreate && !overwrite) return;
    let yaml = yamlText;
    const secrets: Record<string, string> = {};
    for (const secret of required) {
      if (secret.fromYaml) continue;
      const saved = apiKeyChoice[secret.key];
      if (saved) yaml = setYamlValue(yaml, ['env', secret.key], `{{apikey:${saved}}}`);
      else if (values[secret.key]) secrets[secret.key] = values[secret.key];
    }
    setBusy(true);
    setCreateError(null);
    try {
      const summary = await client.call('workspaces.create', { dir: dir.trim(), yaml, secrets, overwrite });
      setValues({});
      setConfirmOverwrite(false);
      workspaces.getState().upsert(summary);
      navigate(paths.workspace(summary.id));
    } catch (error) {
      setConfirmOverwrite(false);
      if (isHostCallError(error) && error.code === 'conflict' && !overwrite) {
        // The values stay only until the user answers: the retry needs them.
        setConfirmOverwrite(true);
      } else {
        setCreateError(errorMessage(error));
      }
    } finally {
      setBusy(false);
    }
  }

  /** Next on step 1: the folder is checked now if its check has not come back yet. */
  async function leaveFolderStep() {
    setDirTouched(true);
    let result = checkedDir;
    if (!result) {
      try {
        result = { dir: typedDir, ...(await client.call('workspaces.checkDir', { dir: typedDir })) };
      } catch (error) {
        result = { dir: typedDir, problem: errorMessage(error), hasConfig: false };
      }
      setDirCheck(result);
    }
    if (result.problem === null && name.trim()) setStep(2);
  }

  const stepDone = (s: Step) =>
    s === 1 ? dirOk && !!name.trim() : s === 2 ? upToDate && !hasErrors(check.validation) : false;

  return (
    <div className="page new-workspace" data-testid="new-workspace">
      <header className="page-header">
        <div>
          <h1>New workspace</h1>
          <p className="page-subtitle">
            Choose a project folder, the agents that work in it, and the keys they need.
          </p>
        </div>
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() => (dirty ? setConfirmDiscard(true) : navigate(paths.workspaces()))}
        >
          Cancel
        </button>
      </header>

      <ol className="stepper" aria-label="Steps">
        {STEPS.map(({ step: s, label }) => (
          <li key={s}>
            <button
              type="button"
              className={`step${step === s ? ' current' : ''}${s < step ? ' done' : ''}`}
              aria-current={step === s ? 'step' : undefined}
              disabled={s > step && !(s === 2 && stepDone(1)) && !(s === 3 && stepDone(1) && stepDone(2))}
              onClick={() => setStep(s)}
              data-testid={`step-${s}`}
            >
              <span className="step-number">{s < step ? '✓' : s}</span>
              {label}
            </button>
          </li>
        ))}
      </ol>

      {step === 1 ? (
        <section className="panel step-panel">
          <label className="field">
            <span className="field-label">Project folder</span>
            <span className="inline-form">
              <input
                className="input mono grow"
                value={dir}
                onChange={(event) => setDirectory(event.target.value)}
                onBlur={() => setDirTouched(true)}
                aria-invalid={dirTouched && !!dirProblem}
                aria-describedby={dirHintId}
                placeholder="/home/me/projects/shop"
                spellCheck={false}
                autoComplete="off"
                autoFocus
                data-testid="new-dir-input"
              />
              <BrowseButton title="Choose the project folder" onPick={setDirectory} />
            </span>
            {dirTouched && dirProblem ? (
              <span className="field-error" role="alert" data-testid="new-dir-problem">
                {dirProblem}
              </span>
            ) : null}
            {dirTouched && checkedDir?.hasConfig ? (
              <span className="field-hint">This folder already has a dspatch.workspace.yml: creating asks before replacing it.</span>
            ) : null}
            <span className="field-hint" id={dirHintId}>
              An absolute path on the machine running dspatch. The config is saved there as{' '}
              <code>dspatch.workspace.yml</code>.
            </span>
          </label>
          <label className="field">
            <span className="field-label">Name</span>
            <input
              className="input"
              value={name}
              onChange={(event) => setName(event.target.value)}
              placeholder="shop"
              autoComplete="off"
              data-testid="new-name-input"
            />
          </label>
        </section>
      ) : null}

      {step === 2 ? (
        <section className="panel step-panel">
          <ConfigEditor
            yaml={yamlText}
            onChange={setYamlText}
            tab={tab}
            onTab={setTab}
            check={check}
            templates={templates.data}
            templatesError={templates.error}
            yamlLabel="Workspace YAML"
            yamlTestId="yaml-editor"
          />
        </section>
      ) : null}

      {step === 3 ? (
        <section className="panel step-panel">
          {hasErrors(check.validation) ? (
            <ErrorBanner message="The config still has errors — go back to Agents to fix them." />
          ) : null}
          <SecretsStep
            required={required}
            values={values}
            apiKeyChoice={apiKeyChoice}
            apiKeys={apiKeys.data}
            appInfo={appInfo}
            onValue={(key, value) => setValues((current) => ({ ...current, [key]: value }))}
            onApiKey={(key, apiKey) => {
              setApiKeyChoice((current) => ({ ...current, [key]: apiKey }));
              // A chosen saved key replaces a typed value, which is then forgotten.
              if (apiKey) setValues((current) => ({ ...current, [key]: '' }));
            }}
          />
        </section>
      ) : null}

      {createError ? <ErrorBanner message={createError} onDismiss={() => setCreateError(null)} /> : null}

      <footer className="step-footer">
        {step > 1 ? (
          <button
            type="button"
            className="btn"
            onClick={() => setStep((step - 1) as Step)}
            data-testid="new-back"
          >
            ← Back
          </button>
        ) : (
          <span />
        )}
        <span className="spacer" />
        {step === 3 && missingSecrets.length > 0 ? (
          <span className="muted small">
            Fill in {missingSecrets.map((secret) => secret.key).join(', ')} to create.
          </span>
        ) : null}
        {step < 3 ? (
          <button
            type="button"
            className="btn btn-primary"
            // Step 1 can be pressed with a bad folder: pressing it is what shows why it is bad.
            disabled={step === 1 ? !typedDir || !name.trim() : !stepDone(step)}
            onClick={() => (step === 1 ? void leaveFolderStep() : setStep((step + 1) as Step))}
            data-testid="new-next"
          >
            {step === 2 && check.pending ? 'Checking…' : 'Next →'}
          </button>
        ) : (
          <button
            type="button"
            className="btn btn-primary"
            disabled={!canCreate}
            onClick={() => void create(false)}
            data-testid="create-button"
          >
            {busy ? 'Creating…' : 'Create workspace'}
          </button>
        )}
      </footer>

      <ConfirmDialog
        open={confirmOverwrite}
        title="Overwrite the existing config?"
        message="dspatch.workspace.yml already exists in this folder — overwrite?"
        confirmLabel="Overwrite"
        danger
        busy={busy}
        onConfirm={() => void create(true)}
        onCancel={() => setConfirmOverwrite(false)}
        testId="overwrite-confirm"
      />
      <ConfirmDialog
        open={confirmDiscard}
        title="Discard this new workspace?"
        message="What you entered here (folder, agents, secrets) is not saved anywhere and will be lost."
        confirmLabel="Discard"
        danger
        onConfirm={() => {
          setConfirmDiscard(false);
          navigate(paths.workspaces());
        }}
        onCancel={() => setConfirmDiscard(false)}
      />
    </div>
  );
}
