// Name, folder and run status of the workspace, with Launch / Stop and the tabs. A launch the host
// refuses until the user confirms what it runs and where its keys go opens that question first.
// Conversations whose agent crashed are named here, whichever page of the workspace is open.
import { useState } from 'react';
import { useStore } from 'zustand';
import type { RunStatus, WorkspaceDetail, WorkspaceSummary } from '../../../electron/api/types';
import { consentRequestOf, type ConsentRequest } from '../../api/host-call-error';
import { useServices } from '../../app-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorBanner } from '../../components/error-banner';
import { RunStatusBadge } from '../../components/status-badge';
import { navigate, paths, type WorkspaceTab } from '../shell/router';
import { CallErrorBanner } from './missing-secret-action';

interface WorkspaceHeaderProps {
  workspace: WorkspaceSummary | WorkspaceDetail;
  runStatus: RunStatus | null;
  tab: WorkspaceTab | null;
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
  const [consent, setConsent] = useState<ConsentRequest | null>(null);
  const [removing, setRemoving] = useState<'asking' | 'removing' | null>(null);
  // Stop ends every agent's reply at once, so it asks first.
  const [confirmStop, setConfirmStop] = useState(false);

  const running = runStatus === 'running' || runStatus === 'starting';
  const workspaceSessions = useStore(sessions, (state) => state.byWorkspace[workspace.id]);
  const crashed = (workspaceSessions ?? []).filter((session) => session.state === 'crashed' && session.archivedAt === null);
  const crashedAgents = [...new Set(crashed.map((session) => `'${session.agentKey}'`))];

  /** Launches, first recording the consent the user just gave, if any. */
  async function launch(confirmed: ConsentRequest | null = null) {
    setBusy('launch');
    setError(null);
    try {
      if (confirmed?.fingerprint) {
        await client.call('workspaces.consent', { workspaceId: workspace.id, fingerprint: confirmed.fingerprint });
      }
      setConsent(null);
      const result = await client.call('workspaces.launch', { workspaceId: workspace.id });
      for (const session of result.sessions) sessions.getState().upsert(session);
      const first = result.sessions.find((session) => session.parentSessionId === null) ?? result.sessions[0];
      if (openAfterLaunch && first) navigate(paths.session(workspace.id, first.id));
    } catch (err) {
      // Also when the file changed while the question was open: ask again with what it does now.
      const request = consentRequestOf(err);
      if (request) setConsent(request);
      else setError(err);
    } finally {
      setBusy(null);
    }
  }

  /** The app forgets the workspace (stopping it first); its folder stays as it is. */
  async function remove() {
    setRemoving('removing');
    setError(null);
    try {
      await client.call('workspaces.remove', { workspaceId: workspace.id });
      navigate(paths.workspaces());
    } catch (err) {
      setError(err);
    } finally {
      setRemoving(null);
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
      setConfirmStop(false);
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
              onClick={() => setConfirmStop(true)}
              disabled={busy !== null}
              title="Stop every agent of this workspace"
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
          <button type="button" className="btn btn-ghost" onClick={() => setRemoving('asking')} disabled={removing !== null}>
            Remove workspace
          </button>
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
        <a
          className={`tab${tab === 'tasks' ? ' active' : ''}`}
          href={paths.tasks(workspace.id)}
          data-testid="tab-tasks"
        >
          Tasks
        </a>
        <a
          className={`tab${tab === 'tools' ? ' active' : ''}`}
          href={paths.tools(workspace.id)}
          data-testid="tab-tools"
        >
          Tools
        </a>
      </nav>
      {workspace.configError ? (
        <ErrorBanner
          tone="warning"
          message={`dspatch.workspace.yml has a problem: ${workspace.configError}`}
        />
      ) : null}
      {crashed.length > 0 ? (
        <ErrorBanner
          tone="warning"
          message={`${crashedAgents.length === 1 ? 'Agent' : 'Agents'} ${crashedAgents.join(', ')} crashed (${crashed.length} ${crashed.length === 1 ? 'conversation' : 'conversations'}). Open a conversation to restart its agent.`}
          action={
            <a className="btn btn-small" href={paths.session(workspace.id, crashed[0].id)}>
              Open crashed conversation
            </a>
          }
        />
      ) : null}
      {error ? (
        <CallErrorBanner error={error} onDismiss={() => setError(null)} onNavigate={() => setError(null)} />
      ) : null}
      <ConfirmDialog
        open={consent !== null}
        title={`Launch ${workspace.name}?`}
        message="Launching this workspace:"
        confirmLabel="Confirm and launch"
        busy={busy !== null}
        onConfirm={() => void launch(consent)}
        onCancel={() => setConsent(null)}
        testId="launch-consent"
      >
        <ul className="dialog-list" data-testid="launch-consent-items">
          {consent?.items.map((item) => <li key={item.text}>{item.text}</li>)}
        </ul>
        <p className="dialog-message">
          Confirm only if you trust this folder and these hosts. You are asked again if its dspatch.workspace.yml
          changes where keys go.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirmStop}
        title={`Stop all agents of ${workspace.name}?`}
        message="Running replies are cut off. Launch the workspace again to continue its conversations."
        confirmLabel="Stop all agents"
        danger
        busy={busy === 'stop'}
        onConfirm={() => void stop()}
        onCancel={() => setConfirmStop(false)}
        testId="stop-workspace"
      />
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${workspace.name} from dspatch?`}
        message={`The folder ${workspace.dir} and its files stay on disk; only the app forgets this workspace, its conversations and stored secrets. Add the folder again to bring it back.`}
        confirmLabel="Remove workspace"
        danger
        busy={removing === 'removing'}
        onConfirm={() => void remove()}
        onCancel={() => setRemoving(null)}
        testId="remove-workspace"
      />
    </header>
  );
}
