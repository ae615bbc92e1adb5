// The Tasks panel beside a conversation: the requests the extractor found in it, live, with their
// status, progress and preferences; where extraction stands, "Extract now", and Retry after a
// failure. Choosing a task highlights its messages in the timeline.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { TaskSummary } from '../../../electron/api/types';
import { useClient } from '../../app-context';
import { ErrorBanner } from '../../components/error-banner';
import { useHostAction } from '../../components/use-host-action';
import { useHostQuery } from '../../components/use-host-query';
import { ExtractionOff, Lines, TaskDetails, TaskStatusBadge, extractionText } from './task-parts';
import { ToolStatsTable, useToolStats } from './tool-stats';
import { useTaskBoards } from './use-task-boards';

interface TasksPanelProps {
  id: string;
  sessionId: string;
  workspaceId: string;
  /** Narrow window: the panel lies over the conversation instead of beside it, and Escape closes it. */
  overlay: boolean;
  onClose: () => void;
  /** A task to select once the board is in (a link from the workspace's Tasks tab). */
  focusTaskId: string | null;
  /** Highlights these timeline entries; resolves with whether any of them is shown. */
  onShowMessages: (ids: readonly string[]) => Promise<boolean>;
  onClearMessages: () => void;
}

export function TasksPanel(props: TasksPanelProps) {
  const { id, sessionId, workspaceId, overlay, onClose, focusTaskId, onShowMessages, onClearMessages } =
    props;
  const client = useClient();
  const titleId = useId();
  const sessionIds = useRef([sessionId]).current;
  const { boards, error: loadError, put } = useTaskBoards(sessionIds);
  const board = boards[sessionId] ?? null;
  const status = useHostQuery(() => client.call('tasks.settings', {}), 'tasks.settings');
  const action = useHostAction();
  const [selected, setSelected] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);

  const select = useCallback(
    async (task: TaskSummary) => {
      setSelected(task.id);
      setNote('Finding its messages…');
      const shown = await onShowMessages(task.messageIds);
      setNote(shown ? null : 'None of its messages is in the timeline: they may be tool calls only.');
    },
    [onShowMessages],
  );

  function toggle(task: TaskSummary) {
    if (selected === task.id) {
      setSelected(null);
      setNote(null);
      onClearMessages();
    } else void select(task);
  }

  const focused = useRef<string | null>(null);
  useEffect(() => {
    const task = board?.tasks.find((item) => item.id === focusTaskId);
    if (!task || focused.current === task.id) return;
    focused.current = task.id;
    void select(task);
  }, [board, focusTaskId, select]);

  function extract(method: 'tasks.flush' | 'tasks.retry') {
    action.setError(null);
    void action.run(async () => put(await client.call(method, { sessionId })));
  }

  const inactive = status.data && !status.data.active ? status.data.inactiveReason : null;
  const working = board ? board.extracting || board.messages.running > 0 : false;
  const failedMessages = board?.messages.failed ?? 0;
  // A failed flush says the same as the board's lastError: show one of them.
  const failure =
    action.error ?? (board?.lastError ? `The last extraction failed: ${board.lastError}` : null);

  return (
    <section
      id={id}
      className={`tasks-panel${overlay ? ' overlay' : ''}`}
      aria-labelledby={titleId}
      data-testid="tasks-panel"
      onKeyDown={(event) => {
        if (overlay && event.key === 'Escape') onClose();
      }}
    >
      <div className="tasks-panel-header">
        <h2 id={titleId}>Tasks</h2>
        {board && board.tasks.length > 0 ? <span className="muted small">{board.tasks.length}</span> : null}
      </div>

      {inactive ? (
        <ExtractionOff reason={inactive} />
      ) : board ? (
        <div className="extraction-line">
          <span className="extraction-status" role="status" data-testid="extraction-status">
            {working ? <span className="spinner small" aria-hidden="true" /> : null}
            {extractionText(board)}
          </span>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => extract('tasks.flush')}
            disabled={action.busy || working || board.messages.pending === 0}
            title={board.messages.pending === 0 ? 'No messages are waiting' : 'Read the waiting messages now'}
          >
            Extract now
          </button>
        </div>
      ) : null}

      {failure && !inactive ? (
        <ErrorBanner
          message={failure}
          action={
            failedMessages > 0 || board?.lastError ? (
              <button
                type="button"
                className="btn btn-small"
                onClick={() => extract('tasks.retry')}
                disabled={action.busy || working}
              >
                Retry
              </button>
            ) : undefined
          }
          // While the board keeps the failure, dismissing would only show it again.
          onDismiss={action.error && !board?.lastError ? () => action.setError(null) : undefined}
        />
      ) : null}
      {loadError ? <ErrorBanner message={loadError} /> : null}
      {status.error ? <ErrorBanner tone="warning" message={status.error} /> : null}

      {!board ? (
        loadError ? null : (
          <p className="muted small">Loading tasks…</p>
        )
      ) : board.tasks.length === 0 ? (
        // While extraction is off, the notice above says what to do instead.
        inactive ? null : (
          <p className="muted small tasks-empty">
            No tasks yet. Each request you make in this conversation becomes a task here, in your words, with
            its progress, a little after the agent answers.
          </p>
        )
      ) : (
        <ol className="task-list" aria-label="Tasks of this conversation">
          {board.tasks.map((task) => (
            <li
              key={task.id}
              className={`task-item${selected === task.id ? ' selected' : ''}`}
              data-testid="task-item"
              data-status={task.status}
            >
              <div className="task-head">
                <span className="task-order">{task.order}.</span>
                <button
                  type="button"
                  className="task-description"
                  aria-pressed={selected === task.id}
                  title="Highlight its messages in the conversation"
                  onClick={() => toggle(task)}
                >
                  {task.description}
                </button>
                <TaskStatusBadge status={task.status} />
              </div>
              <TaskDetails task={task} />
              {selected === task.id && note ? (
                <p className="small muted task-note" role="status">
                  {note}
                </p>
              ) : null}
            </li>
          ))}
        </ol>
      )}

      {board && board.userPreferences.length > 0 ? (
        <section className="tasks-subsection" aria-labelledby={`${titleId}-prefs`}>
          <h3 id={`${titleId}-prefs`}>Your preferences</h3>
          <Lines label="Your preferences" lines={board.userPreferences} className="preference-list" />
        </section>
      ) : null}

      <SessionTools sessionId={sessionId} workspaceId={workspaceId} />
    </section>
  );
}

/** The conversation's tool calls, when it has any. */
function SessionTools({ sessionId, workspaceId }: { sessionId: string; workspaceId: string }) {
  const titleId = useId();
  const inScope = useCallback((id: string) => id === sessionId, [sessionId]);
  const stats = useToolStats({ sessionId }, inScope);
  if (stats.error) return <p className="small muted">Tool statistics could not be loaded: {stats.error}</p>;
  if (!stats.data || stats.data.length === 0) return null;
  return (
    <section className="tasks-subsection" aria-labelledby={titleId}>
      <h3 id={titleId}>Tools</h3>
      <ToolStatsTable stats={stats.data} label="Tool calls in this conversation" workspaceId={workspaceId} />
    </section>
  );
}
