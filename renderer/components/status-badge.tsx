// Run status of a workspace and state of a session, as a badge or a dot.
import type { RunStatus, SessionState } from '../../electron/api/types';

const RUN_LABELS: Record<RunStatus, string> = {
  starting: 'Starting',
  running: 'Running',
  stopping: 'Stopping',
  stopped: 'Stopped',
  failed: 'Failed',
};

export function RunStatusBadge({ status }: { status: RunStatus | null }) {
  const value = status ?? 'stopped';
  return (
    <span className={`badge run-${value}`} data-testid="run-status" data-status={value}>
      {status ? RUN_LABELS[status] : 'Not running'}
    </span>
  );
}

export const SESSION_STATE_LABELS: Record<SessionState, string> = {
  idle: 'Idle',
  generating: 'Working',
  waiting_for_agent: 'Waiting for another agent',
  waiting_for_inquiry: 'Waiting for your answer',
  crashed: 'Crashed',
  stopped: 'Stopped',
};

export function StateDot({ state }: { state: SessionState }) {
  return (
    <span
      className={`dot state-${state}`}
      title={SESSION_STATE_LABELS[state]}
      aria-label={SESSION_STATE_LABELS[state]}
    />
  );
}
