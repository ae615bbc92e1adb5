// The workspace's dspatch.workspace.yml: shown read-only; Edit opens the same Visual and YAML editor
// as the new-workspace wizard (agents, providers, models, fields, env), with live validation.
// Saving writes the file through the host (`workspaces.update`).
import { useState } from 'react';
import type { WorkspaceDetail } from '../../../electron/api/types';
import { useServices } from '../../app-context';
import { errorMessage } from '../../api/host-call-error';
import { EmptyState } from '../../components/empty-state';
import { ErrorBanner } from '../../components/error-banner';
import { useHostQuery } from '../../components/use-host-query';
import { YamlEditor } from '../../components/yaml-editor';
import { ConfigEditor } from '../new-workspace/config-editor';
import type { ConfigTab } from '../new-workspace/config-editor';
import { hasErrors, useValidation } from '../new-workspace/use-validation';
import './config-view.css';

export function ConfigView({ workspace }: { workspace: WorkspaceDetail }) {
  const { client, workspaces } = useServices();
  const [draft, setDraft] = useState<string | null>(null);
  const [tab, setTab] = useState<ConfigTab>('visual');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const editing = draft !== null;
  const templates = useHostQuery(
    () => (editing ? client.call('templates.list', {}) : Promise.resolve(null)),
    editing ? 'templates' : 'idle',
  );
  const check = useValidation(draft ?? '', editing);
  const upToDate = check.validatedYaml === draft && !check.pending;

  async function save() {
    if (draft === null) return;
    setBusy(true);
    setError(null);
    try {
      const summary = await client.call('workspaces.update', {
        workspaceId: workspace.id,
        yaml: draft,
        secrets: {},
      });
      workspaces.getState().upsert(summary);
      await workspaces.getState().loadDetail(workspace.id);
      setDraft(null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel config-view" data-testid="config-view">
      <div className="panel-header config-view-header">
        <h2>Config</h2>
        <span className="mono muted small config-view-path">{workspace.dir}/dspatch.workspace.yml</span>
        {editing ? (
          <>
            <button type="button" className="btn btn-ghost" onClick={() => setDraft(null)} disabled={busy}>
              Cancel
            </button>
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => void save()}
              disabled={busy || !upToDate || hasErrors(check.validation)}
              data-testid="config-save"
            >
              {busy ? 'Saving…' : 'Save'}
            </button>
          </>
        ) : workspace.yaml !== null ? (
          <button
            type="button"
            className="btn"
            onClick={() => {
              setTab('visual');
              setDraft(workspace.yaml ?? '');
            }}
            data-testid="config-edit"
          >
            Edit
          </button>
        ) : null}
      </div>
      {workspace.runStatus === 'running' && editing ? (
        <ErrorBanner tone="warning" message="Changes apply the next time the workspace is launched." />
      ) : null}
      {error ? <ErrorBanner message={error} onDismiss={() => setError(null)} /> : null}
      {workspace.yaml === null ? (
        <EmptyState title="The config file could not be read">
          {workspace.configError ?? 'dspatch.workspace.yml is missing from the workspace folder.'}
        </EmptyState>
      ) : (
        editing ? (
          <ConfigEditor
            yaml={draft}
            onChange={setDraft}
            tab={tab}
            onTab={setTab}
            check={check}
            templates={templates.data}
            templatesError={templates.error}
            yamlLabel="dspatch.workspace.yml"
            yamlTestId="config-yaml"
            rows={24}
          />
        ) : (
          <YamlEditor
            value={workspace.yaml}
            onChange={() => undefined}
            readOnly
            label="dspatch.workspace.yml"
            testId="config-yaml"
            rows={24}
          />
        )
      )}
    </section>
  );
}
