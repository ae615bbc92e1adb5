// The Visual tab: the agent tree as cards. Each agent picks a template, may get sub-agents, peers
// (other agents it may talk to) and auto_start, and says how it runs: provider, model, the
// template's fields and its env (agent-settings.tsx).
import { useState } from 'react';
import type { TemplateSummary } from '../../../electron/api/types';
import { EmptyState } from '../../components/empty-state';
import { AgentSettings } from './agent-settings';
import { allAgents, fileProviderNames, newAgent, removeAgent, renameAgent, updateAgent } from './draft-model';
import type { DraftAgent, DraftWorkspace } from './draft-model';
import type { ProviderCatalog } from './use-providers';

interface VisualEditorProps {
  draft: DraftWorkspace;
  templates: TemplateSummary[] | null;
  catalog: ProviderCatalog;
  onChange: (draft: DraftWorkspace) => void;
}

export function VisualEditor({ draft, templates, catalog, onChange }: VisualEditorProps) {
  const usable = (templates ?? []).filter((template) => !template.error);
  const [choice, setChoice] = useState('');
  const selected = choice || usable[0]?.name || '';
  const setAgents = (agents: DraftAgent[]) => onChange({ ...draft, agents });
  const fileProviders = fileProviderNames(draft);

  return (
    <div className="visual-editor" data-testid="visual-editor">
      <div className="add-agent-bar">
        <label className="field grow">
          <span className="field-label">Add an agent from a template</span>
          <select
            className="input"
            value={selected}
            onChange={(event) => setChoice(event.target.value)}
            data-testid="template-select"
            disabled={usable.length === 0}
          >
            {usable.length === 0 ? (
              <option value="">{templates === null ? 'Loading templates…' : 'No templates available'}</option>
            ) : null}
            {usable.map((template) => (
              <option key={template.name} value={template.name}>
                {template.name}
                {template.description ? ` — ${template.description}` : ''}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="btn btn-primary"
          disabled={!selected}
          onClick={() => setAgents([...draft.agents, newAgent(draft.agents, selected)])}
          data-testid="add-agent-button"
        >
          + Add agent
        </button>
      </div>

      {draft.agents.length === 0 ? (
        <EmptyState title="No agents yet">
          Pick a template above and add an agent. Each agent runs the template's code; you can give it
          sub-agents and let agents talk to each other.
        </EmptyState>
      ) : (
        <div className="agent-cards">
          {draft.agents.map((agent) => (
            <AgentCard
              key={agent.uid}
              agent={agent}
              depth={0}
              draft={draft}
              templates={usable}
              fileProviders={fileProviders}
              catalog={catalog}
              setAgents={setAgents}
            />
          ))}
        </div>
      )}
      {Object.keys(draft.env).length > 0 || Object.keys(draft.extra).length > 0 ? (
        <p className="muted small">
          This config also has{' '}
          {[Object.keys(draft.env).length ? 'environment variables' : '', ...Object.keys(draft.extra)]
            .filter(Boolean)
            .join(', ')}{' '}
          — edit those in the YAML tab.
        </p>
      ) : null}
    </div>
  );
}

interface AgentCardProps {
  agent: DraftAgent;
  depth: number;
  draft: DraftWorkspace;
  templates: TemplateSummary[];
  fileProviders: string[];
  catalog: ProviderCatalog;
  setAgents: (agents: DraftAgent[]) => void;
}

function AgentCard({ agent, depth, draft, templates, fileProviders, catalog, setAgents }: AgentCardProps) {
  const [subChoice, setSubChoice] = useState('');
  const update = (change: Partial<DraftAgent>) =>
    setAgents(updateAgent(draft.agents, agent.uid, (a) => ({ ...a, ...change })));
  const others = allAgents(draft.agents).filter((other) => other.uid !== agent.uid && other.key);
  const known = templates.some((template) => template.name === agent.template);
  const autoStart = agent.autoStart ?? depth === 0;
  const sub = subChoice || templates[0]?.name || '';
  const keyId = `agent-key-${agent.uid}`;

  return (
    <div
      className={`agent-card depth-${Math.min(depth, 3)}`}
      data-testid="agent-card"
      data-agent-key={agent.key}
    >
      <div className="agent-card-row">
        <label className="field">
          <span className="field-label" id={keyId}>
            {depth === 0 ? 'Agent key' : 'Sub-agent key'}
          </span>
          <input
            className="input mono"
            value={agent.key}
            onChange={(event) =>
              setAgents(renameAgent(draft.agents, agent.uid, event.target.value.replace(/\s/g, '')))
            }
            aria-labelledby={keyId}
            spellCheck={false}
            data-testid="agent-key-input"
          />
        </label>
        <label className="field grow">
          <span className="field-label">Template</span>
          <select
            className="input"
            value={agent.template}
            onChange={(event) => update({ template: event.target.value })}
            aria-label={`Template for ${agent.key || 'agent'}`}
          >
            {!known ? (
              <option value={agent.template}>
                {agent.template || '(choose a template)'} — not installed
              </option>
            ) : null}
            {templates.map((template) => (
              <option key={template.name} value={template.name}>
                {template.name}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={autoStart}
            onChange={(event) =>
              update({ autoStart: event.target.checked === (depth === 0) ? null : event.target.checked })
            }
          />
          Start a conversation at launch
        </label>
        <button
          type="button"
          className="btn btn-ghost btn-small danger"
          onClick={() => setAgents(removeAgent(draft.agents, agent.uid))}
          aria-label={`Remove ${agent.key}`}
        >
          Remove
        </button>
      </div>

      <AgentSettings
        agent={agent}
        template={templates.find((template) => template.name === agent.template)}
        fileProviders={fileProviders}
        catalog={catalog}
        update={update}
      />

      {others.length > 0 ? (
        <fieldset className="peers">
          <legend className="field-label">May talk to</legend>
          {others.map((other) => (
            <label key={other.uid} className="check">
              <input
                type="checkbox"
                checked={agent.peers.includes(other.key)}
                onChange={(event) =>
                  update({
                    peers: event.target.checked
                      ? [...agent.peers, other.key]
                      : agent.peers.filter((peer) => peer !== other.key),
                  })
                }
              />
              <span className="mono">{other.key}</span>
            </label>
          ))}
          {agent.subAgents.length ? (
            <span className="muted small">Sub-agents are always reachable.</span>
          ) : null}
        </fieldset>
      ) : null}

      {agent.subAgents.length ? (
        <div className="sub-agents">
          {agent.subAgents.map((child) => (
            <AgentCard
              key={child.uid}
              agent={child}
              depth={depth + 1}
              draft={draft}
              templates={templates}
              fileProviders={fileProviders}
              catalog={catalog}
              setAgents={setAgents}
            />
          ))}
        </div>
      ) : null}

      {depth < 9 && templates.length > 0 ? (
        <div className="add-sub">
          <select
            className="input input-small"
            value={sub}
            onChange={(event) => setSubChoice(event.target.value)}
            aria-label="Sub-agent template"
          >
            {templates.map((template) => (
              <option key={template.name} value={template.name}>
                {template.name}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => update({ subAgents: [...agent.subAgents, newAgent(draft.agents, sub)] })}
            data-testid="add-sub-agent-button"
          >
            + Sub-agent
          </button>
        </div>
      ) : null}
    </div>
  );
}
