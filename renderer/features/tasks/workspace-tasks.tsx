// The workspace's Tasks tab: the tasks of every conversation, grouped by conversation, filtered by
// status, each linking to its conversation with the task's messages highlighted.
import { useId, useMemo, useState } from 'react';
import type { SessionSummary, TaskStatus } from '../../../electron/api/types';
import { useClient } from '../../app-context';
import { EmptyState } from '../../components/empty-state';
import { ErrorBanner } from '../../components/error-banner';
import { useHostQuery } from '../../components/use-host-query';
import { paths } from '../shell/router';
import {
  ExtractionOff,
  TASK_STATUSES,
  TASK_STATUS_LABELS,
  TaskStatusBadge,
  extractionText,
} from './task-parts';
import { useTaskBoards } from './use-task-boards';

type Filter = TaskStatus | 'all';

interface WorkspaceTasksProps {
  workspaceId: string;
  sessions: readonly SessionSummary[];
  sessionsLoaded: boolean;
}

export function WorkspaceTasks({ workspaceId, sessions, sessionsLoaded }: WorkspaceTasksProps) {
  const client = useClient();
  const filterName = useId();
  const sessionIds = useMemo(() => sessions.map((session) => session.id), [sessions]);
  const { boards, error } = useTaskBoards(sessionIds);
  const status = useHostQuery(() => client.call('tasks.settings', {}), 'tasks.settings');
  const [filter, setFilter] = useState<Filter>('all');

  const allTasks = sessions.flatMap((session) => boards[session.id]?.tasks ?? []);
  const count = (value: Filter) =>
    value === 'all' ? allTasks.length : allTasks.filter((task) => task.status === value).length;
  const groups = sessions
    .map((session) => ({
      session,
      board: boards[session.id] ?? null,
      tasks: (boards[session.id]?.tasks ?? []).filter((task) => filter === 'all' || task.status === filter),
    }))
    .filter((group) => group.tasks.length > 0);
  const inactive = status.data && !status.data.active ? status.data.inactiveReason : null;

  return (
    <div className="workspace-tasks" data-testid="workspace-tasks">
      <div className="panel-header">
        <h2>Tasks</h2>
        <span className="muted small">The requests found in each conversation of this workspace</span>
      </div>
      {inactive ? <ExtractionOff reason={inactive} /> : null}
      {error ? <ErrorBanner message={error} /> : null}

      <div className="segmented" role="radiogroup" aria-label="Show tasks by status">
        {(['all', ...TASK_STATUSES] as Filter[]).map((value) => (
          <label key={value} className={`segment${filter === value ? ' active' : ''}`}>
            <input
              type="radio"
              name={filterName}
              value={value}
              checked={filter === value}
              onChange={() => setFilter(value)}
            />
            {value === 'all' ? 'All' : TASK_STATUS_LABELS[value]}
            <span className="segment-count">{count(value)}</span>
          </label>
        ))}
      </div>

      {!sessionsLoaded ? (
        <p className="loading-line">Loading conversations…</p>
      ) : sessions.length === 0 ? (
        <EmptyState title="No conversations yet">
          Launch the workspace and chat with an agent: the requests you make become tasks here.
        </EmptyState>
      ) : groups.length === 0 ? (
        <EmptyState
          title={filter === 'all' ? 'No tasks yet' : `No ${TASK_STATUS_LABELS[filter].toLowerCase()} tasks`}
        >
          {filter === 'all'
            ? 'Tasks appear a little after you chat: a model reads each conversation and keeps the list of your requests.'
            : 'Choose another status to see the other tasks.'}
        </EmptyState>
      ) : (
        groups.map(({ session, board, tasks }) => (
          <section
            key={session.id}
            className="panel task-group"
            aria-label={`${session.title || 'Conversation'} (${session.agentKey})`}
          >
            <div className="task-group-header">
              <h3>
                <a href={paths.session(workspaceId, session.id)}>{session.title || 'Conversation'}</a>
              </h3>
              <span className="badge">{session.agentKey}</span>
              <span className="spacer" />
              {board ? <span className="muted small">{extractionText(board)}</span> : null}
            </div>
            <ol className="task-rows">
              {tasks.map((task) => (
                <li key={task.id} className="task-row" data-testid="workspace-task" data-status={task.status}>
                  <span className="task-order">{task.order}.</span>
                  <div className="task-row-main">
                    <a href={paths.session(workspaceId, session.id, { kind: 'task', id: task.id })}>
                      {task.description}
                    </a>
                    {task.progresses.length > 0 ? (
                      <div className="muted small task-last-progress">
                        {task.progresses[task.progresses.length - 1]}
                      </div>
                    ) : null}
                  </div>
                  <TaskStatusBadge status={task.status} />
                </li>
              ))}
            </ol>
          </section>
        ))
      )}
    </div>
  );
}
