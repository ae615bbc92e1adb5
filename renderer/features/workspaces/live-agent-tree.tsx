// The running workspace as a tree: its agents by sub_agents hierarchy, each with what it is doing
// now (idle, generating, waiting for an agent or an answer, crashed). It follows the sessions store,
// which session.event state changes keep live: nothing is polled.
import type { AgentNode, SessionState, SessionSummary } from '../../../electron/api/types';
import { StateDot } from '../../components/status-badge';
import { paths } from '../shell/router';
import { sessionBelongsTo } from './agent-tree';

/** When an agent has several conversations, the one shown is the busiest. */
const RANK: Record<SessionState, number> = {
  waiting_for_inquiry: 0,
  waiting_for_agent: 1,
  generating: 2,
  crashed: 3,
  idle: 4,
  stopped: 5,
};

const WORDS: Record<SessionState, string> = {
  idle: 'idle',
  generating: 'generating',
  waiting_for_agent: 'waiting for agent',
  waiting_for_inquiry: 'waiting for inquiry',
  crashed: 'crashed',
  stopped: 'stopped',
};

export interface AgentLiveState {
  state: SessionState | null;
  session: SessionSummary | null;
  /** For waiting_for_agent: the agent it waits on, when known. */
  waitingOn: string | null;
}

export function agentLiveState(node: AgentNode, sessions: readonly SessionSummary[]): AgentLiveState {
  const own = sessions.filter((session) => !session.archivedAt && sessionBelongsTo(session, node));
  const session = own.reduce<SessionSummary | null>(
    (best, item) =>
      !best || RANK[item.state] < RANK[best.state] || (RANK[item.state] === RANK[best.state] && item.updatedAt > best.updatedAt) ? item : best,
    null,
  );
  if (!session) return { state: null, session: null, waitingOn: null };
  let waitingOn: string | null = null;
  if (session.state === 'waiting_for_agent') {
    const callee = sessions
      .filter((item) => item.parentSessionId === session.id && item.state !== 'idle' && item.state !== 'stopped')
      .sort((a, b) => b.updatedAt - a.updatedAt)[0];
    waitingOn = callee?.agentKey ?? null;
  }
  return { state: session.state, session, waitingOn };
}

export function liveStateWords(live: AgentLiveState): string {
  if (!live.state) return 'no conversation';
  if (live.state === 'waiting_for_agent' && live.waitingOn) return `waiting for agent ${live.waitingOn}`;
  return WORDS[live.state];
}

export function LiveAgentTree({
  workspaceId,
  agents,
  sessions,
}: {
  workspaceId: string;
  agents: readonly AgentNode[];
  sessions: readonly SessionSummary[];
}) {
  return (
    <ul className="agent-tree live-agent-tree" role="tree" aria-label="Live agent tree" data-testid="live-agent-tree">
      {agents.map((agent) => (
        <LiveTreeItem key={agent.path} workspaceId={workspaceId} agent={agent} sessions={sessions} level={1} />
      ))}
    </ul>
  );
}

function LiveTreeItem({
  workspaceId,
  agent,
  sessions,
  level,
}: {
  workspaceId: string;
  agent: AgentNode;
  sessions: readonly SessionSummary[];
  level: number;
}) {
  const live = agentLiveState(agent, sessions);
  const words = liveStateWords(live);
  return (
    <li
      role="treeitem"
      aria-level={level}
      aria-label={`${agent.key}: ${words}`}
      aria-expanded={agent.children.length ? true : undefined}
      data-agent={agent.path}
      data-state={live.state ?? 'none'}
    >
      <div className="agent-tree-row">
        {live.state ? <StateDot state={live.state} /> : <span className="dot" aria-hidden="true" />}
        {live.session ? (
          <a className="agent-name" href={paths.session(workspaceId, live.session.id)} tabIndex={-1}>
            {agent.key}
          </a>
        ) : (
          <span className="agent-name">{agent.key}</span>
        )}
        <span className={`muted small state-text state-${live.state ?? 'none'}`} aria-hidden="true">
          {words}
        </span>
      </div>
      {agent.children.length ? (
        <ul className="agent-tree" role="group">
          {agent.children.map((child) => (
            <LiveTreeItem key={child.path} workspaceId={workspaceId} agent={child} sessions={sessions} level={level + 1} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}
