// "External sessions": the conversations agents outside the app stored through the Acontext API,
// grouped by space, each with its task summary. A board is loaded only once its row has been on
// screen, so a long list costs one call per row the user actually sees.
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { TaskBoard } from '../../../electron/api/types';
import { EmptyState } from '../../components/empty-state';
import { ErrorBanner } from '../../components/error-banner';
import { formatFullTime, formatTime, timeAgo } from '../../components/format';
import { paths } from '../shell/router';
import { extractionText } from '../tasks/task-parts';
import { useTaskBoards } from '../tasks/use-task-boards';
import {
  sessionTitle,
  spaceName,
  useExternalSessions,
  type ExternalSession,
  type ExternalSpace,
} from './use-external-sessions';
import './external.css';

interface Group {
  /** null: the sessions in no space. */
  space: ExternalSpace | null;
  sessions: ExternalSession[];
}

/** Spaces newest first as the host lists them, each with its sessions; then the sessions in no space. */
function groupBySpace(spaces: readonly ExternalSpace[], sessions: readonly ExternalSession[]): Group[] {
  const groups: Group[] = spaces.map((space) => ({
    space,
    sessions: sessions.filter((session) => session.spaceId === space.id),
  }));
  const known = new Set(spaces.map((space) => space.id));
  const loose = sessions.filter((session) => session.spaceId === null || !known.has(session.spaceId));
  if (loose.length > 0) groups.push({ space: null, sessions: loose });
  return groups;
}

/** "3 tasks, 1 running", or where extraction stands while there are none. */
function taskSummary(board: TaskBoard): string {
  const count = board.tasks.length;
  if (count === 0)
    return board.messages.pending > 0 || board.extracting ? extractionText(board) : 'No tasks yet';
  const running = board.tasks.filter((task) => task.status === 'running').length;
  const failed = board.tasks.filter((task) => task.status === 'failed').length;
  return [
    `${count} ${count === 1 ? 'task' : 'tasks'}`,
    running > 0 ? `${running} running` : '',
    failed > 0 ? `${failed} failed` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

export function ExternalSessionsPage() {
  const overview = useExternalSessions();
  // Sessions whose row has been on screen, in the order they appeared.
  const [seen, setSeen] = useState<readonly string[]>([]);
  const onSeen = useCallback(
    (sessionId: string) =>
      setSeen((current) => (current.includes(sessionId) ? current : [...current, sessionId])),
    [],
  );
  const { boards, error: boardsError } = useTaskBoards(seen);
  const groups = useMemo(
    () => (overview.data ? groupBySpace(overview.data.spaces, overview.data.sessions) : []),
    [overview.data],
  );

  return (
    <div className="page external-page">
      <header className="page-header">
        <div>
          <h1>External sessions</h1>
          <p className="page-subtitle">
            Conversations your own agents stored through the Acontext API, by space, with the tasks found in
            them. Read-only here.
          </p>
        </div>
        <div className="header-actions">
          <a className="btn" href={paths.settings('acontext')}>
            API settings
          </a>
        </div>
      </header>

      {overview.error ? (
        <ErrorBanner
          message={overview.error}
          action={
            <button type="button" className="btn btn-small" onClick={overview.reload}>
              Retry
            </button>
          }
        />
      ) : null}
      {boardsError ? (
        <ErrorBanner tone="warning" message={`Tasks could not be loaded: ${boardsError}`} />
      ) : null}

      {!overview.data ? (
        overview.error ? null : (
          <p className="loading-line">Loading sessions…</p>
        )
      ) : groups.length === 0 ? (
        <EmptyState
          title="No external sessions yet"
          action={<a href={paths.settings('acontext')}>Open Settings → Acontext API</a>}
        >
          Agents you build outside the app can keep their conversations here with the official Acontext client
          (<code>@acontext/acontext</code>): point it at the base URL with the API key from Settings. Their
          sessions show here by space, with the tasks found in them, their tool calls and usage.
        </EmptyState>
      ) : (
        groups.map((group) => (
          <SpaceGroup key={group.space?.id ?? 'none'} group={group} boards={boards} onSeen={onSeen} />
        ))
      )}
    </div>
  );
}

function SpaceGroup({
  group,
  boards,
  onSeen,
}: {
  group: Group;
  boards: Record<string, TaskBoard>;
  onSeen: (sessionId: string) => void;
}) {
  const titleId = useId();
  const { space, sessions } = group;
  return (
    <section className="panel external-space" aria-labelledby={titleId}>
      <div className="panel-header">
        <h2 id={titleId}>{space ? spaceName(space) : 'No space'}</h2>
        {space ? <span className="mono small muted external-id">{space.id}</span> : null}
        <span className="spacer" />
        <span className="muted small">
          {sessions.length} {sessions.length === 1 ? 'session' : 'sessions'}
        </span>
      </div>
      {sessions.length === 0 ? (
        <p className="muted small">No sessions in this space.</p>
      ) : (
        <ul className="external-sessions">
          {sessions.map((session) => (
            <SessionRow
              key={session.sessionId}
              session={session}
              board={boards[session.sessionId] ?? null}
              onSeen={onSeen}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function SessionRow({
  session,
  board,
  onSeen,
}: {
  session: ExternalSession;
  board: TaskBoard | null;
  onSeen: (sessionId: string) => void;
}) {
  const row = useRef<HTMLLIElement>(null);
  const { sessionId, disableTaskTracking } = session;
  useEffect(() => {
    const element = row.current;
    if (!element || disableTaskTracking) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        onSeen(sessionId);
        observer.disconnect();
      },
      { rootMargin: '200px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [sessionId, disableTaskTracking, onSeen]);

  return (
    <li className="external-session" ref={row} data-testid="external-session" data-session-id={sessionId}>
      <div className="external-session-main">
        <a className="external-session-title" href={paths.externalSession(sessionId)}>
          {sessionTitle(session)}
        </a>
        <div className="muted small">
          Created <time title={formatFullTime(session.createdAt)}>{formatTime(session.createdAt)}</time>
          {session.updatedAt > session.createdAt ? (
            <>
              {' · updated '}
              <time title={formatFullTime(session.updatedAt)}>{timeAgo(session.updatedAt)}</time>
            </>
          ) : null}
        </div>
      </div>
      <span className="external-session-tasks small" data-testid="external-session-tasks">
        {disableTaskTracking ? 'Task tracking off' : board ? taskSummary(board) : 'Loading tasks…'}
      </span>
    </li>
  );
}
