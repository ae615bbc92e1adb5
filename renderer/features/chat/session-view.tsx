// One conversation: header, timeline, state line and composer, with its Tasks panel beside it on a
// wide view or over it on a narrow one. The session store is created per view and closed when the
// view goes away.
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { RunStatus, SessionSummary } from '../../../electron/api/types';
import { useServices } from '../../app-context';
import { errorMessage } from '../../api/host-call-error';
import { ErrorBanner } from '../../components/error-banner';
import { formatTime } from '../../components/format';
import { SESSION_STATE_LABELS, StateDot } from '../../components/status-badge';
import { useElementWidth } from '../../components/use-element-width';
import type { SessionFocus } from '../shell/router';
import { TasksPanel } from '../tasks/tasks-panel';
import { Composer } from './composer';
import { TalkChain } from './talk-chain';
import { composerMode } from './composer-mode';
import { ExportMenu } from './export-menu';
import { createSessionStore } from './session-store';
import { Timeline } from './timeline';

/** From this width on, the Tasks panel fits beside the timeline and is open unless closed. */
const WIDE_VIEW = 760;

interface SessionViewProps {
  sessionId: string;
  workspaceId: string;
  /** From the link that opened the conversation. */
  focus: SessionFocus | null;
  /** From the session list, shown until the snapshot arrives. */
  summary: SessionSummary | null;
  runStatus: RunStatus | null;
  /** Set for a conversation the app only shows (stored through the API): no composer, no run state, this note instead. */
  readOnlyNote?: string;
}

export function SessionView({
  sessionId,
  workspaceId,
  focus,
  summary,
  runStatus,
  readOnlyNote,
}: SessionViewProps) {
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
  const queued = useStore(store, (s) => s.queued);

  const viewRef = useRef<HTMLDivElement>(null);
  const wide = useElementWidth(viewRef) >= WIDE_VIEW;
  // Known before the snapshot lands, so the timeline's first render estimates rows at its real width.
  const chatRef = useRef<HTMLDivElement>(null);
  const chatWidth = useElementWidth(chatRef);
  const panelId = useId();
  // null: the default for the width (open when it fits); a link to a task opens it.
  const [panelChoice, setPanelChoice] = useState<boolean | null>(focus?.kind === 'task' ? true : null);
  const panelOpen = panelChoice ?? wide;
  const toggleRef = useRef<HTMLButtonElement>(null);
  const closePanel = useCallback(() => {
    setPanelChoice(false);
    toggleRef.current?.focus();
  }, []);

  const ready = status === 'ready';
  const [entryMissing, setEntryMissing] = useState(false);
  const entryId = focus?.kind === 'entry' ? focus.id : null;
  useEffect(() => {
    if (!ready || !entryId) return;
    void store
      .getState()
      .focusEntries([entryId])
      .then((shown) => setEntryMissing(!shown));
  }, [ready, entryId, store]);
  const [restarting, setRestarting] = useState(false);
  /** Starts the crashed agent again; the new state arrives as a live event. */
  const restart = useCallback(async () => {
    setRestarting(true);
    try {
      await client.call('sessions.restart', { sessionId });
    } catch (err) {
      store.setState({ error: `The agent could not be restarted: ${errorMessage(err)}` });
    } finally {
      setRestarting(false);
    }
  }, [client, store, sessionId]);
  const resend = useCallback((text?: string) => void store.getState().resend(text), [store]);
  const showMessages = useCallback((ids: readonly string[]) => store.getState().focusEntries(ids), [store]);
  const clearMessages = useCallback(() => store.getState().clearHighlight(), [store]);

  return (
    <div className="session-view" data-testid="session-view" data-session-id={sessionId} ref={viewRef}>
      <div className="session-header">
        {session && !readOnlyNote ? <StateDot state={session.state} /> : null}
        <span className="session-heading">{session?.title || 'Conversation'}</span>
        <span className="muted small">
          {session ? `${session.agentKey} · started ${formatTime(session.createdAt)}` : ''}
        </span>
        <span className="spacer" />
        {session && !readOnlyNote ? (
          <span
            className={`state-text state-${session.state}`}
            data-testid="session-state"
            data-state={state ?? 'loading'}
          >
            {SESSION_STATE_LABELS[session.state]}
          </span>
        ) : null}
        <ExportMenu sessionId={sessionId} onError={(message) => store.setState({ error: message })} />
        <button
          type="button"
          className={`btn btn-small tasks-toggle${panelOpen ? ' active' : ''}`}
          aria-expanded={panelOpen}
          aria-controls={panelId}
          ref={toggleRef}
          onClick={() => setPanelChoice(!panelOpen)}
        >
          Tasks
        </button>
      </div>
      {readOnlyNote ? null : <TalkChain sessionId={sessionId} workspaceId={workspaceId} />}

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
      {entryMissing ? (
        <ErrorBanner
          tone="warning"
          message="The linked entry is not in this conversation's timeline."
          onDismiss={() => setEntryMissing(false)}
        />
      ) : null}

      {status === 'loading' ? <div className="loading-line">Loading the conversation…</div> : null}
      <div className="session-body">
        <div className="session-chat" ref={chatRef}>
          {status === 'ready' ? (
            <Timeline
              store={store}
              width={chatWidth}
              sessionState={state}
              workspaceId={workspaceId}
              onResend={readOnlyNote ? undefined : resend}
            />
          ) : null}

          <div className="session-status" aria-live="polite">
            {readOnlyNote ? null : state === 'generating' ? (
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
            {!readOnlyNote && state === 'crashed' ? (
              <button type="button" className="btn btn-small" onClick={() => void restart()} disabled={restarting}>
                {restarting ? 'Restarting…' : 'Restart'}
              </button>
            ) : null}
          </div>

          {readOnlyNote ? (
            <p className="read-only-note" data-testid="read-only-note">
              {readOnlyNote}
            </p>
          ) : (
            <Composer
              mode={mode}
              queued={queued}
              onSend={(text) => store.getState().send(text)}
              onQueue={(text) => store.getState().queue(text)}
              onUnqueue={(id) => store.getState().unqueue(id)}
              onStop={() => store.getState().interrupt()}
            />
          )}
        </div>
        {panelOpen ? (
          <TasksPanel
            id={panelId}
            sessionId={sessionId}
            workspaceId={workspaceId}
            overlay={!wide}
            onClose={closePanel}
            focusTaskId={focus?.kind === 'task' ? focus.id : null}
            onShowMessages={showMessages}
            onClearMessages={clearMessages}
          />
        ) : null}
      </div>
    </div>
  );
}
