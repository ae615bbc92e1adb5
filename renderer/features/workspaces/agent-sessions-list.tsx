// The workspace's left column: each agent of the tree with its conversations (live state dots)
// and a button to start a new conversation with it.
import { useState } from 'react';
import type { AgentNode, SessionSummary } from '../../../electron/api/types';
import { useServices } from '../../app-context';
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
}

export function AgentSessionsList({
  workspaceId,
  agents,
  sessions,
  sessionsLoaded,
  activeSessionId,
}: AgentSessionsListProps) {
  const { client, sessions: sessionsStore } = useServices();
  const [creating, setCreating] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
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

  const ordered = [...sessions].sort((a, b) => b.createdAt - a.createdAt);

  return (
    <aside className="agent-list" aria-label="Agents and conversations">
      <div className="agent-list-title">Agents</div>
      {error ? <CallErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
      {flat.length === 0 ? (
        <p className="muted small pad">
          No agents yet. Agents are declared in the workspace config; fix or edit it under Config.
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
                <SessionItem key={session.id} session={session} active={session.id === activeSessionId} />
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
      />
      {!sessionsLoaded ? <p className="muted small pad">Loading conversations…</p> : null}
    </aside>
  );
}

function OtherSessions({
  sessions,
  activeSessionId,
}: {
  sessions: SessionSummary[];
  activeSessionId: string | null;
}) {
  if (sessions.length === 0) return null;
  return (
    <div className="agent-group">
      <div className="agent-row">
        <span className="agent-name muted">Other conversations</span>
      </div>
      <ul className="session-list">
        {sessions.map((session) => (
          <SessionItem key={session.id} session={session} active={session.id === activeSessionId} />
        ))}
      </ul>
    </div>
  );
}

function SessionItem({ session, active }: { session: SessionSummary; active: boolean }) {
  return (
    <li>
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
        <span className="session-title">{session.title || 'Conversation'}</span>
        <span className="session-time">{timeAgo(session.updatedAt)}</span>
      </a>
    </li>
  );
}
