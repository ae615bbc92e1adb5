// Register a folder that already holds a dspatch.workspace.yml. The path is checked by the host,
// which also explains a broken file (e.g. a YAML error with its line).
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useServices } from '../../app-context';
import { BrowseButton } from '../../components/browse-button';
import { ErrorBanner } from '../../components/error-banner';
import { useHostAction } from '../../components/use-host-action';

export function OpenFolder({ onAdded }: { onAdded?: (workspaceId: string) => void }) {
  const { client, workspaces } = useServices();
  const [dir, setDir] = useState('');
  const { busy, error, setError, run } = useHostAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const path = dir.trim();
    if (!path || busy) return;
    setError(null);
    await run(async () => {
      const summary = await client.call('workspaces.add', { dir: path });
      // Stay on the list: the new card appears there (highlighted), next to the others.
      workspaces.getState().upsert(summary);
      setDir('');
      onAdded?.(summary.id);
    });
  }

  return (
    <section className="panel open-folder">
      <form className="inline-form" onSubmit={(event) => void submit(event)}>
        <label className="field grow">
          <span className="field-label">Open a folder</span>
          <input
            className="input mono"
            type="text"
            value={dir}
            onChange={(event) => setDir(event.target.value)}
            placeholder="/home/me/projects/shop — a folder that contains dspatch.workspace.yml"
            spellCheck={false}
            autoComplete="off"
            data-testid="open-folder-input"
          />
        </label>
        <BrowseButton title="Open a workspace folder" onPick={setDir} />
        <button type="submit" className="btn" disabled={!dir.trim() || busy} data-testid="open-folder-button">
          {busy ? 'Opening…' : 'Open folder'}
        </button>
      </form>
      {error ? <ErrorBanner message={error} onDismiss={() => setError(null)} /> : null}
    </section>
  );
}
