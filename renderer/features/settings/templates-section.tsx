// Agent templates: built-in ones and folders the user added. A broken template is listed with its
// error so it can be fixed or removed. A template is code: adding one asks the user first.
import { useState } from 'react';
import type { FormEvent } from 'react';
import type { TemplateSummary } from '../../../electron/api/types';
import { useClient } from '../../app-context';
import { consentRequestOf, errorMessage, HostCallError } from '../../api/host-call-error';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorBanner } from '../../components/error-banner';
import { MarkdownText } from '../../components/markdown';
import { useHostAction } from '../../components/use-host-action';
import { useHostQuery } from '../../components/use-host-query';

export function TemplatesSection() {
  const client = useClient();
  const templates = useHostQuery(() => client.call('templates.list', {}), 'templates');
  const [dir, setDir] = useState('');
  const { busy, error, setError, run } = useHostAction();
  const [removing, setRemoving] = useState<string | null>(null);
  /** The host's words for what adding this folder means, while the user decides. */
  const [confirming, setConfirming] = useState<string | null>(null);

  /** Without `confirm` the host checks the folder, then asks for consent: only a valid template is asked about. */
  async function add(confirm: boolean) {
    if (!dir.trim() || busy) return;
    setError(null);
    await run(async () => {
      try {
        await client.call('templates.add', { dir: dir.trim(), confirm });
      } catch (err) {
        if (confirm || !(err instanceof HostCallError) || !consentRequestOf(err)) throw err;
        setConfirming(err.message);
        return;
      } finally {
        if (confirm) setConfirming(null);
      }
      setDir('');
      templates.reload();
    });
  }

  async function remove(name: string) {
    await run(async () => {
      await client.call('templates.remove', { name });
      templates.reload();
    });
    setRemoving(null);
  }

  return (
    <section className="panel" data-testid="templates">
      <div className="panel-header">
        <h2>Agent templates</h2>
      </div>
      <p className="muted small">
        A template is a folder with a <code>dspatch.agent.yml</code> and the agent's code. Workspaces name a
        template for each agent.
      </p>
      {templates.error ? <ErrorBanner message={templates.error} /> : null}
      {templates.data && templates.data.length === 0 ? (
        <p className="muted">No templates yet. Add a folder below.</p>
      ) : null}
      <ul className="template-list">
        {templates.data?.map((template) => (
          <TemplateItem key={template.name} template={template} onRemove={() => setRemoving(template.name)} />
        ))}
      </ul>
      <form
        className="inline-form"
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          void add(false);
        }}
      >
        <label className="field grow">
          <span className="field-label">Add a template folder</span>
          <input
            className="input mono"
            value={dir}
            onChange={(event) => setDir(event.target.value)}
            placeholder="/home/me/agents/reviewer — contains dspatch.agent.yml"
            spellCheck={false}
            autoComplete="off"
            data-testid="template-dir-input"
          />
        </label>
        <button type="submit" className="btn" disabled={!dir.trim() || busy} data-testid="template-add">
          Add template
        </button>
      </form>
      <NewTemplateForm onCreated={setDir} />
      {error ? <ErrorBanner message={error} onDismiss={() => setError(null)} /> : null}
      <ConfirmDialog
        open={confirming !== null}
        title="Add this template?"
        message={confirming ?? ''}
        confirmLabel="Trust and add"
        busy={busy}
        onConfirm={() => void add(true)}
        onCancel={() => setConfirming(null)}
        testId="template-consent"
      />
      <ConfirmDialog
        open={removing !== null}
        title={`Remove template ${removing ?? ''}?`}
        message="The folder is not deleted. Workspaces that use this template will not launch until it is added again."
        confirmLabel="Remove"
        danger
        busy={busy}
        onConfirm={() => removing && void remove(removing)}
        onCancel={() => setRemoving(null)}
      />
    </section>
  );
}

/** Scaffolds a template folder (templates.scaffold), then offers it to the Add form above: adding still asks for consent. */
function NewTemplateForm({ onCreated }: { onCreated: (dir: string) => void }) {
  const client = useClient();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [folder, setFolder] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const { busy, error, setError, run } = useHostAction();

  if (!open) {
    return (
      <button type="button" className="btn btn-ghost" onClick={() => setOpen(true)}>
        New template
      </button>
    );
  }
  return (
    <form
      className="inline-form"
      aria-label="New template"
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        if (busy || !name.trim() || !folder.trim()) return;
        setError(null);
        void run(async () => {
          const made = await client.call('templates.scaffold', { name: name.trim(), dir: folder.trim() });
          setCreated(made.dir);
          onCreated(made.dir);
        });
      }}
    >
      <label className="field">
        <span className="field-label">Template name</span>
        <input className="input mono" value={name} onChange={(event) => setName(event.target.value)} placeholder="code-reviewer" spellCheck={false} autoComplete="off" />
      </label>
      <label className="field grow">
        <span className="field-label">New folder</span>
        <input className="input mono" value={folder} onChange={(event) => setFolder(event.target.value)} placeholder="/home/me/agents/code-reviewer — new or empty" spellCheck={false} autoComplete="off" />
      </label>
      <button type="submit" className="btn" disabled={busy || !name.trim() || !folder.trim()}>
        Create template
      </button>
      <button type="button" className="btn btn-ghost" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {created ? (
        <p className="muted small" role="status">
          Created {created}. Edit agent.ts, then press Add template above to use it.
        </p>
      ) : null}
      {error ? <ErrorBanner message={error} onDismiss={() => setError(null)} /> : null}
    </form>
  );
}

function TemplateItem({ template, onRemove }: { template: TemplateSummary; onRemove: () => void }) {
  const client = useClient();
  const [open, setOpen] = useState(false);
  const [readme, setReadme] = useState<string | null>(null);
  const [readmeError, setReadmeError] = useState<string | null>(null);

  async function toggle() {
    const next = !open;
    setOpen(next);
    if (next && readme === null && !template.error) {
      try {
        setReadme((await client.call('templates.readme', { name: template.name })).markdown);
      } catch (err) {
        setReadmeError(errorMessage(err));
      }
    }
  }

  return (
    <li
      className={`template-item${template.error ? ' has-error' : ''}`}
      data-testid="template-item"
      data-name={template.name}
    >
      <div className="template-row">
        <button type="button" className="template-toggle" aria-expanded={open} onClick={() => void toggle()}>
          <span className="chevron" aria-hidden="true">
            {open ? '▾' : '▸'}
          </span>
          <span className="template-name">{template.name}</span>
        </button>
        {template.builtIn ? <span className="badge">built-in</span> : null}
        <span className="template-desc muted">{template.description}</span>
        {template.requiredEnv.length ? (
          <span className="template-env">
            {template.requiredEnv.map((key) => (
              <span key={key} className="badge mono">
                {key}
              </span>
            ))}
          </span>
        ) : null}
        {!template.builtIn ? (
          <button type="button" className="btn btn-small btn-ghost danger" onClick={onRemove}>
            Remove
          </button>
        ) : null}
      </div>
      {template.error ? <div className="template-error">{template.error}</div> : null}
      {open ? (
        <div className="template-detail">
          <div className="mono small muted">{template.dir}</div>
          {readmeError ? <ErrorBanner message={readmeError} /> : null}
          {readme !== null ? (
            readme.trim() ? (
              <MarkdownText text={readme} />
            ) : (
              <p className="muted">This template has no readme.</p>
            )
          ) : !template.error && !readmeError ? (
            <p className="muted">Loading readme…</p>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
