import type { WorkspaceSummary } from '../../../electron/api/types';
import { timeAgo } from '../../components/format';
import { RunStatusBadge } from '../../components/status-badge';
import { paths } from '../shell/router';

export function WorkspaceCard({
  workspace,
  highlight = false,
}: {
  workspace: WorkspaceSummary;
  highlight?: boolean;
}) {
  return (
    <a
      className={`card workspace-card${workspace.configError ? ' has-error' : ''}${highlight ? ' highlight' : ''}`}
      href={paths.workspace(workspace.id)}
      data-testid="workspace-card"
      data-workspace-id={workspace.id}
      data-workspace-name={workspace.name}
    >
      <div className="card-top">
        <span className="card-title">{workspace.name}</span>
        <RunStatusBadge status={workspace.runStatus} />
      </div>
      <div className="card-dir mono" title={workspace.dir}>
        {workspace.dir}
      </div>
      {workspace.configError ? (
        <div className="card-error" data-testid="workspace-config-error">
          {workspace.configError}
        </div>
      ) : null}
      <div className="card-meta">Updated {timeAgo(workspace.updatedAt)}</div>
    </a>
  );
}
