// Name, folder and run status of the workspace, with Launch / Stop and the tabs.
import { useState } from 'react';
import type { RunStatus, WorkspaceDetail, WorkspaceSummary } from '../../../electron/api/types';
import { useServices } from '../../app-context';
import { ErrorBanner } from '../../components/error-banner';
import { RunStatusBadge } from '../../components/status-badge';
import { navigate, paths } from '../shell/router';
import { CallErrorBanner } from './missing-secret-action';

interface WorkspaceHeaderProps {
  workspace: WorkspaceSummary | WorkspaceDetail;
  runStatus: RunStatus | null;
  tab: 'overview' | 'secrets' | 'config' | null;
  missingSecrets: number;
  /** Open this session after launch when nothing else is open. */
  openAfterLaunch: boolean;
}

export function WorkspaceHeader({
  workspace,
  runStatus,
  tab,
  missingSecrets,
  openAfterLaunch,
}: WorkspaceHeaderProps) {
  const { client, sessions } = useServices();
  const [busy, setBusy] = useState<'launch' | 'stop' | null>(null);
  const [error, setError] = useState<unknown>(null);

  const running = runStatus === 'running' || runStatus === 'starting';

  async function launch() {
    setBusy('launch');
    setError(null);
    try {
      const result = await client.call('workspaces.launch', { workspaceId: workspace.id });
      for (const session of result.sessions) sessions.getState().upsert(session);
      const first = result.sessions.find((session) => session.parentSessionId === null) ?? result.sessions[0];
      if (openAfterLaunch && first) navigate(paths.session(workspace.id, first.id));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  async function stop() {
    setBusy('stop');
    setError(null);
    try {
      await client.call('workspaces.stop', { workspaceId: workspace.id });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  return (
    <header className="workspace-header">
      <div className="workspace-title-row">
        <div className="workspace-title">
          <h1>{workspace.name}</h1>
          <RunStatusBadge status={runStatus} />
        </div>
        <div className="workspace-actions">
          {running ? (
            <button
              type="button"
              className="btn"
              onClick={() => void stop()}
              disabled={busy !== null}
              data-testid="stop-workspace-button"
            >
              {busy === 'stop' ? 'Stopping…' : 'Stop'}
            </button>
          ) : (
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => void launch()}
              disabled={busy !== null || runStatus === 'stopping' || workspace.configError !== null}
              title={
                workspace.configError
                  ? 'Fix the workspace config first'
                  : 'Start every agent of this workspace'
              }
              data-testid="launch-button"
            >
              {busy === 'launch' ? 'Launching…' : '▶ Launch'}
            </button>
          )}
        </div>
      </div>
      <div className="workspace-dir mono" title={workspace.dir}>
        {workspace.dir}
      </div>
      <nav className="tabs" aria-label="Workspace">
        <a
          className={`tab${tab === 'overview' ? ' active' : ''}`}
          href={paths.workspace(workspace.id)}
          data-testid="tab-overview"
        >
          Overview
        </a>
        <a
          className={`tab${tab === 'secrets' ? ' active' : ''}`}
          href={paths.secrets(workspace.id)}
          data-testid="tab-secrets"
        >
          Secrets
          {missingSecrets > 0 ? <span className="tab-badge warn">{missingSecrets}</span> : null}
        </a>
        <a
          className={`tab${tab === 'config' ? ' active' : ''}`}
          href={paths.config(workspace.id)}
          data-testid="tab-config"
        >
          Config
        </a>
      </nav>
      {workspace.configError ? (
        <ErrorBanner
          tone="warning"
          message={`dspatch.workspace.yml has a problem: ${workspace.configError}`}
        />
      ) : null}
      {error ? (
        <CallErrorBanner error={error} onDismiss={() => setError(null)} onNavigate={() => setError(null)} />
      ) : null}
    </header>
  );
}
