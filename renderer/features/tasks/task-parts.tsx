// Pieces the conversation's Tasks panel and the workspace's Tasks tab share.
import type { TaskBoard, TaskStatus, TaskSummary } from '../../../electron/api/types';
import { paths } from '../shell/router';

export const TASK_STATUSES: readonly TaskStatus[] = ['pending', 'running', 'success', 'failed'];

export const TASK_STATUS_LABELS: Record<TaskStatus, string> = {
  pending: 'Pending',
  running: 'Running',
  success: 'Success',
  failed: 'Failed',
};

/** The status in words; the color only repeats it. */
export function TaskStatusBadge({ status }: { status: TaskStatus }) {
  return (
    <span className={`badge task-status task-${status}`} data-testid="task-status" data-status={status}>
      {TASK_STATUS_LABELS[status]}
    </span>
  );
}

/** Short lines (progress, preferences) as a named list; nothing when there are none. */
export function Lines({
  label,
  lines,
  className,
}: {
  label: string;
  lines: readonly string[];
  className: string;
}) {
  if (lines.length === 0) return null;
  return (
    <ul className={className} aria-label={label}>
      {lines.map((line, index) => (
        <li key={index}>{line}</li>
      ))}
    </ul>
  );
}

/** A task's progress lines and the preferences that came with it. */
export function TaskDetails({ task }: { task: TaskSummary }) {
  if (task.progresses.length === 0 && task.userPreferences.length === 0) return null;
  return (
    <div className="task-details">
      <Lines label="Progress" lines={task.progresses} className="task-progress" />
      <Lines label="Preferences" lines={task.userPreferences} className="task-preferences" />
    </div>
  );
}

/** Where extraction stands for one conversation, in words. */
export function extractionText(board: TaskBoard): string {
  const { pending, running, failed } = board.messages;
  if (board.extracting || running > 0) return 'Extracting…';
  if (pending > 0) return `${pending} ${pending === 1 ? 'message' : 'messages'} waiting`;
  if (failed > 0) return `${failed} ${failed === 1 ? 'message' : 'messages'} not read`;
  return 'All messages read';
}

/** Extraction is off: why, and where to turn it on. */
export function ExtractionOff({ reason }: { reason: string }) {
  return (
    <div className="notice info tasks-off" data-testid="tasks-inactive">
      <p>{reason}</p>
      <a href={paths.settings('tasks')}>Open Settings → Tasks</a>
    </div>
  );
}
