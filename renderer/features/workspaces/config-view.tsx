// The workspace's dspatch.workspace.yml: shown read-only, editable on demand with live validation.
// Saving writes the file through the host (`workspaces.update`).
import { useRef, useState } from 'react';
import type { WorkspaceDetail } from '../../../electron/api/types';
import { useServices } from '../../app-context';
import { errorMessage } from '../../api/host-call-error';
import { EmptyState } from '../../components/empty-state';
import { ErrorBanner } from '../../components/error-banner';
import { YamlEditor } from '../../components/yaml-editor';
import type { YamlEditorHandle } from '../../components/yaml-editor';
import { hasErrors, useValidation } from '../new-workspace/use-validation';
import { ValidationList } from '../new-workspace/validation-list';

export function ConfigView({ workspace }: { workspace: WorkspaceDetail }) {
  const { client, workspaces } = useServices();
  const [draft, setDraft] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const editor = useRef<YamlEditorHandle>(null);
  const editing = draft !== null;
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
      <div className="panel-header">
        <h2>Config</h2>
        <span className="mono muted small">{workspace.dir}/dspatch.workspace.yml</span>
        <span className="spacer" />
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
            onClick={() => setDraft(workspace.yaml ?? '')}
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
        <>
          <YamlEditor
            ref={editor}
            value={draft ?? workspace.yaml}
            onChange={setDraft}
            readOnly={!editing}
            label="dspatch.workspace.yml"
            testId="config-yaml"
            rows={24}
          />
          {editing ? (
            <ValidationList
              validation={check.validation}
              pending={check.pending}
              error={check.error}
              onLine={(line) => editor.current?.goToLine(line)}
            />
          ) : null}
        </>
      )}
    </section>
  );
}
