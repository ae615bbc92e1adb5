// The workspace's Tools tab: every tool its agents called, with calls, errors, error rate and
// durations, and links to the last call and the last failure in their conversations.
import { useCallback } from 'react';
import type { SessionSummary } from '../../../electron/api/types';
import { EmptyState } from '../../components/empty-state';
import { ErrorBanner } from '../../components/error-banner';
import { ToolStatsTable, useToolStats } from './tool-stats';

interface WorkspaceToolsProps {
  workspaceId: string;
  sessions: readonly SessionSummary[];
}

export function WorkspaceTools({ workspaceId, sessions }: WorkspaceToolsProps) {
  const inScope = useCallback(
    (sessionId: string) => sessions.some((session) => session.id === sessionId),
    [sessions],
  );
  const stats = useToolStats({ workspaceId }, inScope);

  return (
    <div className="workspace-tools" data-testid="workspace-tools">
      <div className="panel-header">
        <h2>Tools</h2>
        <span className="muted small">
          Calls the agents of this workspace made, with their errors and durations
        </span>
      </div>
      {stats.error ? (
        <ErrorBanner
          message={stats.error}
          action={
            <button type="button" className="btn btn-small" onClick={stats.reload}>
              Retry
            </button>
          }
        />
      ) : null}
      {!stats.data ? (
        stats.error ? null : (
          <p className="loading-line">Loading tool calls…</p>
        )
      ) : stats.data.length === 0 ? (
        <EmptyState title="No tool calls yet">
          When an agent calls a tool (reading a file, asking the clock…), the tool shows here with how often
          it failed and how long it took.
        </EmptyState>
      ) : (
        <section className="panel">
          <ToolStatsTable
            stats={stats.data}
            label="Tool calls in this workspace"
            sessions={sessions}
            workspaceId={workspaceId}
          />
          <p className="muted small">
            p50 and p95: the median and the 95th percentile of how long a call took.
          </p>
        </section>
      )}
    </div>
  );
}
