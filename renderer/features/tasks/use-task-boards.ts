// The task boards of some conversations, kept live by `task.updated`. Answers and events arrive in
// the order the host sent them, and each carries the whole board, so the last one to arrive is the
// newest: no merging. The host announces a board when a pass starts or ends, not when a message
// joins the queue, so a finished message reloads its board (the waiting count). After a reconnect
// every board is loaded again (events may have been missed). A list that grows (rows scrolled into
// view) loads only the boards it did not have: the others are kept live by the events.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { TaskBoard } from '../../../electron/api/types';
import { errorMessage } from '../../api/host-call-error';
import { useClient } from '../../app-context';

export interface TaskBoards {
  /** By session id; a session is missing until its board arrives. */
  boards: Record<string, TaskBoard>;
  /** The first load failure, for a banner. */
  error: string | null;
  /** A board a call answered with (flush, retry). */
  put: (board: TaskBoard) => void;
}

export function useTaskBoards(sessionIds: readonly string[]): TaskBoards {
  const client = useClient();
  const [boards, setBoards] = useState<Record<string, TaskBoard>>({});
  const [error, setError] = useState<string | null>(null);
  const put = useCallback(
    (board: TaskBoard) => setBoards((current) => ({ ...current, [board.sessionId]: board })),
    [],
  );
  const key = sessionIds.join(',');
  // Asked for and not failed, across changes of the list. An answer that arrives after its id left
  // the list (or the view went away) only adds a board nobody reads.
  const requested = useRef(new Set<string>());

  useEffect(() => {
    const ids = new Set(key ? key.split(',') : []);
    for (const sessionId of requested.current) if (!ids.has(sessionId)) requested.current.delete(sessionId);
    const loadOne = (sessionId: string) => {
      requested.current.add(sessionId);
      client
        .call('tasks.board', { sessionId })
        .then(put)
        .catch((err: unknown) => {
          requested.current.delete(sessionId);
          setError(errorMessage(err));
        });
    };
    const load = (all: boolean) =>
      ids.forEach((sessionId) => {
        if (all || !requested.current.has(sessionId)) loadOne(sessionId);
      });
    setError(null);
    load(false);
    const offEvent = client.onEvent((event) => {
      if (event.type === 'task.updated' && ids.has(event.board.sessionId)) put(event.board);
      if (event.type === 'session.event' && ids.has(event.sessionId) && event.change.type === 'entry') {
        const { entry } = event.change;
        if (entry.kind === 'message' && entry.status !== 'streaming') loadOne(event.sessionId);
      }
    });
    const offConnection = client.onConnectionChange?.((connected) => {
      if (connected) load(true);
    });
    return () => {
      offEvent();
      offConnection?.();
    };
  }, [client, key, put]);

  return { boards, error, put };
}
