// One conversation: header, timeline, state line and composer. The session store is created per
// view and closed when the view goes away.
import { useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import type { RunStatus, SessionSummary } from '../../../electron/api/types';
import { useServices } from '../../app-context';
import { ErrorBanner } from '../../components/error-banner';
import { formatTime } from '../../components/format';
import { SESSION_STATE_LABELS, StateDot } from '../../components/status-badge';
import { Composer } from './composer';
import { composerMode } from './composer-mode';
import { createSessionStore } from './session-store';
import { Timeline } from './timeline';

interface SessionViewProps {
  sessionId: string;
  /** From the session list, shown until the snapshot arrives. */
  summary: SessionSummary | null;
  runStatus: RunStatus | null;
}

export function SessionView({ sessionId, summary, runStatus }: SessionViewProps) {
  const { client } = useServices();
  const store = useMemo(() => createSessionStore(client), [client]);
  useEffect(() => {
    void store.getState().open(sessionId);
    return () => store.getState().close();
  }, [store, sessionId]);

  const status = useStore(store, (s) => s.status);
  const error = useStore(store, (s) => s.error);
  const loaded = useStore(store, (s) => s.session);
  const session = loaded ?? summary;
  const state = status === 'ready' ? (loaded?.state ?? null) : null;
  const agent = session?.agentKey ?? 'the agent';
  const mode = composerMode(state, runStatus, agent);

  return (
    <div className="session-view" data-testid="session-view" data-session-id={sessionId}>
      <div className="session-header">
        {session ? <StateDot state={session.state} /> : null}
        <span className="session-heading">{session?.title || 'Conversation'}</span>
        <span className="muted small">
          {session ? `${session.agentKey} · started ${formatTime(session.createdAt)}` : ''}
        </span>
        <span className="spacer" />
        {session ? (
          <span
            className={`state-text state-${session.state}`}
            data-testid="session-state"
            data-state={state ?? 'loading'}
          >
            {SESSION_STATE_LABELS[session.state]}
          </span>
        ) : null}
      </div>

      {status === 'error' ? (
        <ErrorBanner
          message={error ?? 'The conversation could not be loaded.'}
          action={
            <button
              type="button"
              className="btn btn-small"
              onClick={() => void store.getState().open(sessionId)}
            >
              Retry
            </button>
          }
        />
      ) : error ? (
        <ErrorBanner tone="warning" message={error} onDismiss={() => store.setState({ error: null })} />
      ) : null}

      {status === 'loading' ? <div className="loading-line">Loading the conversation…</div> : null}
      {status === 'ready' ? <Timeline store={store} sessionState={state} /> : null}

      <div className="session-status" aria-live="polite">
        {state === 'generating' ? (
          <span className="working" data-testid="working-indicator">
            <span className="working-dots" aria-hidden="true">
              <i />
              <i />
              <i />
            </span>
            {agent} is working…
          </span>
        ) : mode.stateText ? (
          <span className={`state-line state-${state ?? 'loading'}`}>{mode.stateText}</span>
        ) : null}
      </div>

      <Composer
        mode={mode}
        onSend={(text) => store.getState().send(text)}
        onStop={() => store.getState().interrupt()}
      />
    </div>
  );
}
