// One workspace: header with Launch/Stop and tabs, agents and conversations on the left, and the
// selected conversation (or overview, secrets, config) in the main area.
import { useServices } from '../../app-context';
import { ErrorBanner } from '../../components/error-banner';
import { SessionView } from '../chat/session-view';
import { paths } from '../shell/router';
import type { SessionFocus, WorkspaceTab } from '../shell/router';
import { WorkspaceTasks } from '../tasks/workspace-tasks';
import { WorkspaceTools } from '../tasks/workspace-tools';
import { AgentSessionsList } from './agent-sessions-list';
import { ConfigView } from './config-view';
import { SecretsPanel } from './secrets-panel';
import { useWorkspace } from './use-workspace';
import { WorkspaceHeader } from './workspace-header';
import { WorkspaceOverview } from './workspace-overview';

interface WorkspaceViewProps {
  workspaceId: string;
  tab: WorkspaceTab;
  focusKey: string | null;
  sessionId: string | null;
  sessionFocus: SessionFocus | null;
}

export function WorkspaceView({ workspaceId, tab, focusKey, sessionId, sessionFocus }: WorkspaceViewProps) {
  const { workspaces } = useServices();
  const { summary, detail, detailError, sessions, sessionsLoaded, sessionsError } = useWorkspace(workspaceId);
  const workspace = detail ?? summary;

  if (!workspace) {
    if (detailError) {
      return (
        <div className="page">
          <ErrorBanner
            message={detailError}
            action={
              <button
                type="button"
                className="btn btn-small"
                onClick={() => void workspaces.getState().loadDetail(workspaceId)}
              >
                Retry
              </button>
            }
          />
          <p>
            <a href={paths.workspaces()}>← Back to workspaces</a>
          </p>
        </div>
      );
    }
    return <div className="page loading-line">Loading workspace…</div>;
  }

  const runStatus = summary?.runStatus ?? workspace.runStatus;
  const missingSecrets = detail ? detail.secrets.filter((secret) => !secret.isSet).length : 0;
  const session = sessionId ? (sessions.find((item) => item.id === sessionId) ?? null) : null;

  return (
    <div className="workspace" data-testid="workspace-view" data-workspace-id={workspaceId}>
      <WorkspaceHeader
        workspace={workspace}
        runStatus={runStatus}
        tab={sessionId ? null : tab}
        missingSecrets={missingSecrets}
        openAfterLaunch={!sessionId}
      />
      <div className="workspace-body">
        <AgentSessionsList
          workspaceId={workspaceId}
          agents={detail?.agents ?? []}
          sessions={sessions}
          sessionsLoaded={sessionsLoaded}
          activeSessionId={sessionId}
          configError={detail?.configError ?? null}
        />
        <section className="workspace-main">
          {sessionsError ? <ErrorBanner message={sessionsError} /> : null}
          {sessionId ? (
            <SessionView
              key={sessionId}
              sessionId={sessionId}
              workspaceId={workspaceId}
              focus={sessionFocus}
              summary={session}
              runStatus={runStatus}
            />
          ) : !detail ? (
            detailError ? (
              <ErrorBanner message={detailError} />
            ) : (
              <div className="loading-line">Loading…</div>
            )
          ) : tab === 'secrets' ? (
            <div className="scroll-pane">
              <SecretsPanel workspaceId={workspaceId} secrets={detail.secrets} focusKey={focusKey} />
            </div>
          ) : tab === 'config' ? (
            <div className="scroll-pane">
              <ConfigView workspace={detail} />
            </div>
          ) : tab === 'tasks' ? (
            <div className="scroll-pane">
              <WorkspaceTasks workspaceId={workspaceId} sessions={sessions} sessionsLoaded={sessionsLoaded} />
            </div>
          ) : tab === 'tools' ? (
            <div className="scroll-pane">
              <WorkspaceTools workspaceId={workspaceId} sessions={sessions} />
            </div>
          ) : (
            <div className="scroll-pane">
              <WorkspaceOverview workspace={detail} sessions={sessions} running={runStatus === 'running'} />
            </div>
          )}
        </section>
      </div>
    </div>
  );
}
