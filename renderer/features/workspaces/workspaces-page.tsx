// The list of workspaces, with the two ways to get a new one: create, or open a folder that
// already has a dspatch.workspace.yml.
import { useState } from 'react';
import { useStore } from 'zustand';
import { useServices } from '../../app-context';
import { EmptyState } from '../../components/empty-state';
import { ErrorBanner } from '../../components/error-banner';
import { paths } from '../shell/router';
import { OpenFolder } from './open-folder';
import { WorkspaceCard } from './workspace-card';

export function WorkspacesPage() {
  const { workspaces } = useServices();
  const list = useStore(workspaces, (s) => s.list);
  const listError = useStore(workspaces, (s) => s.listError);
  const [added, setAdded] = useState<string | null>(null);

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Workspaces</h1>
          <p className="page-subtitle">A workspace is a project folder plus the agents that work in it.</p>
        </div>
        <a className="btn btn-primary" href={paths.newWorkspace()} data-testid="new-workspace-button">
          + New workspace
        </a>
      </header>

      <OpenFolder onAdded={setAdded} />

      {listError ? (
        <ErrorBanner
          message={listError}
          action={
            <button
              type="button"
              className="btn btn-small"
              onClick={() => void workspaces.getState().refresh()}
            >
              Retry
            </button>
          }
        />
      ) : null}

      {list === null && !listError ? <div className="loading-line">Loading workspaces…</div> : null}

      {list && list.length === 0 ? (
        <EmptyState
          title="No workspaces yet"
          action={
            <a className="btn btn-primary" href={paths.newWorkspace()}>
              Create your first workspace
            </a>
          }
        >
          Your workspaces will be listed here. Create one to choose a folder and the agents that work in it,
          or open a folder that already has a <code>dspatch.workspace.yml</code>.
        </EmptyState>
      ) : null}

      {list && list.length > 0 ? (
        <div className="card-grid" data-testid="workspace-list">
          {[...list]
            .sort((a, b) => b.updatedAt - a.updatedAt)
            .map((workspace) => (
              <WorkspaceCard key={workspace.id} workspace={workspace} highlight={workspace.id === added} />
            ))}
        </div>
      ) : null}
    </div>
  );
}
