// The workspace's left column: each agent of the tree with its conversations (live state dots,
// pinned first, archived ones only when asked) and a button to start a new conversation with it.
// Each conversation can be renamed, pinned, archived or deleted from its actions.
import { useState } from 'react';
import type { AgentNode, SessionSummary } from '../../../electron/api/types';
import { useServices } from '../../app-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { timeAgo } from '../../components/format';
import { SESSION_STATE_LABELS, StateDot } from '../../components/status-badge';
import { navigate, paths } from '../shell/router';
import { flattenAgents, sessionBelongsTo } from './agent-tree';
import { CallErrorBanner } from './missing-secret-action';

interface AgentSessionsListProps {
  workspaceId: string;
  agents: AgentNode[];
  sessions: SessionSummary[];
  sessionsLoaded: boolean;
  activeSessionId: string | null;
  /** The workspace file's problem, when its agents cannot be read. */
  configError?: string | null;
}

export function AgentSessionsList({
  workspaceId,
  agents,
  sessions,
  sessionsLoaded,
  activeSessionId,
  configError = null,
}: AgentSessionsListProps) {
  const { client, sessions: sessionsStore } = useServices();
  const [creating, setCreating] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [showArchived, setShowArchived] = useState(false);
  const [renaming, setRenaming] = useState<SessionSummary | null>(null);
  const [deleting, setDeleting] = useState<SessionSummary | null>(null);
  const [busy, setBusy] = useState(false);
  const flat = flattenAgents(agents);
  const matched = new Set<string>();

  async function createSession(agentKey: string) {
    setCreating(agentKey);
    setError(null);
    try {
      const session = await client.call('sessions.create', { workspaceId, agentKey });
      sessionsStore.getState().upsert(session);
      navigate(paths.session(workspaceId, session.id));
    } catch (err) {
      setError(err);
    } finally {
      setCreating(null);
    }
  }

  /** Runs a change the host answers with the new summary (rename, flags) or nothing (delete). */
  async function change(action: () => Promise<SessionSummary | null>, after?: () => void) {
    setBusy(true);
    setError(null);
    try {
      const updated = await action();
      if (updated) sessionsStore.getState().upsert(updated);
      after?.();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const actions: SessionActions = {
    rename: setRenaming,
    remove: setDeleting,
    setFlags: (session, flags) => void change(() => client.call('sessions.setFlags', { sessionId: session.id, ...flags })),
  };

  // The host's order: pinned first, then the most recently updated.
  const ordered = sessions
    .filter((session) => showArchived || session.archivedAt === null)
    .sort((a, b) => Number(a.pinnedAt === null) - Number(b.pinnedAt === null) || b.updatedAt - a.updatedAt);
  const archivedCount = sessions.filter((session) => session.archivedAt !== null).length;

  return (
    <aside className="agent-list" aria-label="Agents and conversations">
      <div className="agent-list-title">Agents</div>
      {archivedCount > 0 ? (
        <label className="agent-list-toggle small">
          <input type="checkbox" checked={showArchived} onChange={(event) => setShowArchived(event.target.checked)} />
          Show archived ({archivedCount})
        </label>
      ) : null}
      {error ? <CallErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
      {flat.length === 0 ? (
        <p className="muted small pad">
          {configError
            ? 'No agents: the workspace config has a problem (see the page). Fix it and they appear here.'
            : 'No agents yet. Agents are declared in the workspace config; fix or edit it under Config.'}
        </p>
      ) : null}
      {flat.map(({ node, depth }) => {
        const own = ordered.filter((session) => sessionBelongsTo(session, node));
        for (const session of own) matched.add(session.id);
        return (
          <div
            className="agent-group"
            key={node.path}
            style={{ paddingLeft: depth * 14 }}
            data-testid="agent-group"
            data-agent-key={node.key}
          >
            <div className="agent-row">
              <span className="agent-name" title={`${node.path} · template ${node.template}`}>
                {node.key}
              </span>
              <span className="agent-template">{node.template}</span>
              <button
                type="button"
                className="btn btn-ghost btn-icon"
                title={`New conversation with ${node.key}`}
                aria-label={`New conversation with ${node.key}`}
                disabled={creating !== null}
                onClick={() => void createSession(node.key)}
                data-testid={`new-conversation-${node.key}`}
              >
                {creating === node.key ? '…' : '+'}
              </button>
            </div>
            <ul className="session-list">
              {own.map((session) => (
                <SessionItem key={session.id} session={session} active={session.id === activeSessionId} actions={actions} />
              ))}
              {own.length === 0 && sessionsLoaded ? (
                <li className="session-empty">No conversations — press + to start one</li>
              ) : null}
            </ul>
          </div>
        );
      })}
      <OtherSessions
        sessions={ordered.filter((session) => !matched.has(session.id))}
        activeSessionId={activeSessionId}
        actions={actions}
      />
      {!sessionsLoaded ? <p className="muted small pad">Loading conversations…</p> : null}
      {renaming ? (
        <RenameDialog
          session={renaming}
          busy={busy}
          onCancel={() => setRenaming(null)}
          onRename={(title) =>
            void change(() => client.call('sessions.rename', { sessionId: renaming.id, title }), () => setRenaming(null))
          }
        />
      ) : null}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this conversation?"
        message={`“${deleting?.title || 'Conversation'}” is deleted with its messages, activity and tasks. This cannot be undone.`}
        confirmLabel="Delete"
        danger
        busy={busy}
        onCancel={() => setDeleting(null)}
        onConfirm={() => {
          const target = deleting!;
          void change(
            async () => {
              await client.call('sessions.delete', { sessionId: target.id });
              sessionsStore.getState().remove(target.workspaceId, target.id);
              return null;
            },
            () => {
              setDeleting(null);
              if (target.id === activeSessionId) navigate(paths.workspace(workspaceId));
            },
          );
        }}
        testId="delete-conversation"
      />
    </aside>
  );
}

interface SessionActions {
  rename(session: SessionSummary): void;
  remove(session: SessionSummary): void;
  setFlags(session: SessionSummary, flags: { pinned?: boolean; archived?: boolean }): void;
}

function OtherSessions({
  sessions,
  activeSessionId,
  actions,
}: {
  sessions: SessionSummary[];
  activeSessionId: string | null;
  actions: SessionActions;
}) {
  if (sessions.length === 0) return null;
  return (
    <div className="agent-group">
      <div className="agent-row">
        <span className="agent-name muted">Other conversations</span>
      </div>
      <ul className="session-list">
        {sessions.map((session) => (
          <SessionItem key={session.id} session={session} active={session.id === activeSessionId} actions={actions} />
        ))}
      </ul>
    </div>
  );
}

function SessionItem({ session, active, actions }: { session: SessionSummary; active: boolean; actions: SessionActions }) {
  const [open, setOpen] = useState(false);
  const title = session.title || 'Conversation';
  const pinned = session.pinnedAt !== null;
  const archived = session.archivedAt !== null;
  /** Closes the actions, then does one. */
  const act = (action: () => void) => () => {
    setOpen(false);
    action();
  };
  return (
    <li className={`session-row${archived ? ' archived' : ''}`} data-pinned={pinned} data-archived={archived}>
      <div className="session-line">
        <a
          className={`session-item${active ? ' active' : ''}`}
          href={paths.session(session.workspaceId, session.id)}
          aria-current={active ? 'page' : undefined}
          data-testid="session-item"
          data-session-id={session.id}
          data-agent-key={session.agentKey}
          data-state={session.state}
          title={`${session.title} — ${SESSION_STATE_LABELS[session.state]}`}
        >
          <StateDot state={session.state} />
          <span className="session-title">{title}</span>
          {pinned ? <span className="session-mark">pinned</span> : null}
          {archived ? <span className="session-mark">archived</span> : null}
          <span className="session-time">{timeAgo(session.updatedAt)}</span>
        </a>
        <button
          type="button"
          className="btn btn-ghost btn-icon session-more"
          aria-label={`Actions for ${title}`}
          aria-expanded={open}
          onClick={() => setOpen(!open)}
        >
          ⋯
        </button>
      </div>
      {open ? (
        <div
          className="session-actions"
          role="group"
          aria-label={`Actions for ${title}`}
          onKeyDown={(event) => {
            if (event.key === 'Escape') setOpen(false);
          }}
        >
          <button type="button" className="btn btn-small" onClick={act(() => actions.rename(session))}>
            Rename
          </button>
          <button type="button" className="btn btn-small" onClick={act(() => actions.setFlags(session, { pinned: !pinned }))}>
            {pinned ? 'Unpin' : 'Pin'}
          </button>
          <button type="button" className="btn btn-small" onClick={act(() => actions.setFlags(session, { archived: !archived }))}>
            {archived ? 'Unarchive' : 'Archive'}
          </button>
          <button type="button" className="btn btn-small btn-danger" onClick={act(() => actions.remove(session))}>
            Delete
          </button>
        </div>
      ) : null}
    </li>
  );
}

function RenameDialog({
  session,
  busy,
  onRename,
  onCancel,
}: {
  session: SessionSummary;
  busy: boolean;
  onRename: (title: string) => void;
  onCancel: () => void;
}) {
  const [title, setTitle] = useState(session.title);
  const valid = title.trim().length > 0;
  return (
    <ConfirmDialog
      open
      title="Rename conversation"
      message="The new title shows in the list and above the conversation."
      confirmLabel="Rename"
      busy={busy}
      onConfirm={() => {
        if (valid) onRename(title.trim());
      }}
      onCancel={onCancel}
      testId="rename-conversation"
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (valid && !busy) onRename(title.trim());
        }}
      >
        <label className="field">
          <span className="field-label">Title</span>
          <input className="input" value={title} maxLength={200} autoFocus onChange={(event) => setTitle(event.target.value)} />
        </label>
      </form>
    </ConfirmDialog>
  );
}
