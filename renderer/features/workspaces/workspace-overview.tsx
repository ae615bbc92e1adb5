// What the workspace is made of and what it still needs before it can run.
import type { AgentNode, SessionSummary, WorkspaceDetail } from '../../../electron/api/types';
import { EmptyState } from '../../components/empty-state';
import { paths } from '../shell/router';
import { LiveAgentTree } from './live-agent-tree';

export function WorkspaceOverview({
  workspace,
  sessions,
  running,
}: {
  workspace: WorkspaceDetail;
  sessions: readonly SessionSummary[];
  running: boolean;
}) {
  const sessionCount = sessions.length;
  const missing = workspace.secrets.filter((secret) => !secret.isSet);
  return (
    <div className="overview">
      {missing.length > 0 ? (
        <section className="panel notice-panel warn" data-testid="missing-secrets-notice">
          <strong>
            {missing.length === 1 ? '1 secret is not set' : `${missing.length} secrets are not set`}
          </strong>
          <span>
            {missing.map((secret) => secret.key).join(', ')} — agents that need{' '}
            {missing.length === 1 ? 'it' : 'them'} cannot start.
          </span>
          <a className="btn btn-small btn-primary" href={paths.secrets(workspace.id, missing[0].key)}>
            Set {missing.length === 1 ? missing[0].key : 'secrets'}
          </a>
        </section>
      ) : null}

      {sessionCount === 0 ? (
        <EmptyState title="No conversations yet">
          Launch the workspace to start its agents — root agents open a conversation right away — or press +
          next to an agent on the left to start one.
        </EmptyState>
      ) : (
        <EmptyState title="Pick a conversation">
          Choose a conversation on the left to see its timeline and chat with the agent.
        </EmptyState>
      )}

      {running && !workspace.configError && workspace.agents.length > 0 ? (
        <section className="panel" aria-labelledby="live-agents-heading">
          <div className="panel-header">
            <h2 id="live-agents-heading">Running now</h2>
            <span className="muted small">each agent's state, live</span>
          </div>
          <LiveAgentTree workspaceId={workspace.id} agents={workspace.agents} sessions={sessions} />
        </section>
      ) : null}

      <section className="panel">
        <div className="panel-header">
          <h2>Agents</h2>
          <span className="muted small">from dspatch.workspace.yml</span>
        </div>
        {workspace.configError ? (
          <div className="config-problem" data-testid="agents-config-error">
            <p>The agents cannot be read because dspatch.workspace.yml has a problem:</p>
            <pre className="error-text">{workspace.configError}</pre>
            <p className="muted small">
              Fix the file in your editor or under <a href={paths.config(workspace.id)}>Config</a>; this page follows
              the file and updates as soon as it is valid.
            </p>
          </div>
        ) : workspace.agents.length === 0 ? (
          <p className="muted">No agents are declared. Add them under Config.</p>
        ) : (
          <ul className="agent-tree">
            {workspace.agents.map((agent) => (
              <AgentTreeItem key={agent.path} agent={agent} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function AgentTreeItem({ agent }: { agent: AgentNode }) {
  return (
    <li>
      <div className="agent-tree-row">
        <span className="agent-name">{agent.key}</span>
        <span className="badge">{agent.template}</span>
        {agent.autoStart ? <span className="badge badge-ok">auto start</span> : null}
        {agent.peers.length ? <span className="muted small">talks to {agent.peers.join(', ')}</span> : null}
      </div>
      {agent.children.length ? (
        <ul className="agent-tree">
          {agent.children.map((child) => (
            <AgentTreeItem key={child.path} agent={child} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}
