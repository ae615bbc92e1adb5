// The workspace config as the Visual tab edits it, and its conversion to and from YAML text.
// Keys the Visual tab does not know (mounts, workspace_dir, per-agent extras…) ride along in
// `extra`, so switching tabs never drops what the user wrote.
import { parseDocument, stringify } from 'yaml';

export interface DraftAgent {
  /** Local id for React keys; not written to YAML. */
  uid: string;
  key: string;
  template: string;
  peers: string[];
  /** null: not written, the host's default applies (roots start, sub-agents do not). */
  autoStart: boolean | null;
  env: Record<string, string>;
  subAgents: DraftAgent[];
  extra: Record<string, unknown>;
}

export interface DraftWorkspace {
  name: string;
  env: Record<string, string>;
  agents: DraftAgent[];
  extra: Record<string, unknown>;
}

export class DraftParseError extends Error {
  constructor(
    message: string,
    readonly line: number | null,
  ) {
    super(message);
  }
}

let uidCounter = 0;
export function newUid(): string {
  uidCounter += 1;
  return `a${uidCounter}`;
}

export function emptyDraft(name = ''): DraftWorkspace {
  return { name, env: {}, agents: [], extra: {} };
}

// ── to YAML ──────────────────────────────────────────────────────────────────────────────────

function agentToObject(agent: DraftAgent): Record<string, unknown> {
  const out: Record<string, unknown> = { template: agent.template };
  if (Object.keys(agent.env).length) out.env = { ...agent.env };
  if (agent.peers.length) out.peers = [...agent.peers];
  if (agent.autoStart !== null) out.auto_start = agent.autoStart;
  if (agent.subAgents.length) out.sub_agents = agentsToObject(agent.subAgents);
  return { ...out, ...agent.extra };
}

function agentsToObject(agents: DraftAgent[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const agent of agents) out[agent.key] = agentToObject(agent);
  return out;
}

export function draftToYaml(draft: DraftWorkspace): string {
  const doc: Record<string, unknown> = { name: draft.name };
  if (Object.keys(draft.env).length) doc.env = { ...draft.env };
  doc.agents = agentsToObject(draft.agents);
  Object.assign(doc, draft.extra);
  return stringify(doc, { lineWidth: 0 });
}

// ── from YAML ────────────────────────────────────────────────────────────────────────────────

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new DraftParseError(`${where} must be a map of NAME: value`, null);
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value))
    out[key] = item === null || item === undefined ? '' : String(item);
  return out;
}

function agentsFrom(value: unknown, where: string, depth: number): DraftAgent[] {
  if (value === undefined || value === null) return [];
  if (!isRecord(value)) throw new DraftParseError(`${where} must be a map of agent keys`, null);
  if (depth > 10) throw new DraftParseError('Agents are nested more than 10 levels deep', null);
  return Object.entries(value).map(([key, raw]) => {
    const path = `${where}.${key}`;
    if (!isRecord(raw)) throw new DraftParseError(`${path} must be a map with at least "template"`, null);
    const { template, env, peers, auto_start: autoStart, sub_agents: subAgents, ...extra } = raw;
    if (peers !== undefined && peers !== null && !Array.isArray(peers)) {
      throw new DraftParseError(`${path}.peers must be a list of agent keys`, null);
    }
    return {
      uid: newUid(),
      key,
      template:
        typeof template === 'string'
          ? template
          : template === undefined || template === null
            ? ''
            : String(template),
      peers: Array.isArray(peers) ? peers.map(String) : [],
      autoStart: typeof autoStart === 'boolean' ? autoStart : null,
      env: stringMap(env, `${path}.env`),
      subAgents: agentsFrom(subAgents, `${path}.sub_agents`, depth + 1),
      extra,
    };
  });
}

/** Throws DraftParseError (with a line for YAML syntax errors) when the text cannot be shown visually. */
export function yamlToDraft(text: string): DraftWorkspace {
  const doc = parseDocument(text);
  if (doc.errors.length) {
    const first = doc.errors[0];
    throw new DraftParseError(first.message.split('\n')[0], first.linePos?.[0]?.line ?? null);
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return emptyDraft();
  if (!isRecord(value)) throw new DraftParseError('The config must be a map with name and agents', null);
  const { name, env, agents, ...extra } = value;
  return {
    name: typeof name === 'string' ? name : name === undefined || name === null ? '' : String(name),
    env: stringMap(env, 'env'),
    agents: agentsFrom(agents, 'agents', 1),
    extra,
  };
}

/** Sets one top-level scalar in YAML text, keeping the user's formatting and comments. */
export function setYamlValue(text: string, path: string[], value: string): string {
  const doc = parseDocument(text);
  if (doc.errors.length) return text;
  if (doc.contents === null)
    return stringify(path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value));
  doc.setIn(path, value);
  return doc.toString({ lineWidth: 0 });
}

/** The global env value of `key`, if the YAML sets one. */
export function yamlEnvValue(text: string, key: string): string | null {
  try {
    const value: unknown = parseDocument(text).toJS();
    if (!isRecord(value) || !isRecord(value.env)) return null;
    const item = value.env[key];
    return item === undefined || item === null || item === '' ? null : String(item);
  } catch {
    return null;
  }
}

// ── tree edits ───────────────────────────────────────────────────────────────────────────────

export function allAgents(agents: DraftAgent[], out: DraftAgent[] = []): DraftAgent[] {
  for (const agent of agents) {
    out.push(agent);
    allAgents(agent.subAgents, out);
  }
  return out;
}

export function updateAgent(
  agents: DraftAgent[],
  uid: string,
  update: (agent: DraftAgent) => DraftAgent,
): DraftAgent[] {
  return agents.map((agent) =>
    agent.uid === uid ? update(agent) : { ...agent, subAgents: updateAgent(agent.subAgents, uid, update) },
  );
}

export function removeAgent(agents: DraftAgent[], uid: string): DraftAgent[] {
  return agents
    .filter((agent) => agent.uid !== uid)
    .map((agent) => ({ ...agent, subAgents: removeAgent(agent.subAgents, uid) }));
}

/** A key derived from the template name that no other agent in the tree uses. */
export function uniqueKey(agents: DraftAgent[], base: string): string {
  const used = new Set(allAgents(agents).map((agent) => agent.key));
  const stem =
    base
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'agent';
  if (!used.has(stem)) return stem;
  for (let i = 2; ; i++) if (!used.has(`${stem}-${i}`)) return `${stem}-${i}`;
}

export function newAgent(agents: DraftAgent[], template: string): DraftAgent {
  return {
    uid: newUid(),
    key: uniqueKey(agents, template),
    template,
    peers: [],
    autoStart: null,
    env: {},
    subAgents: [],
    extra: {},
  };
}

/** Renames an agent and every peer reference to it. */
export function renameAgent(agents: DraftAgent[], uid: string, key: string): DraftAgent[] {
  const old = allAgents(agents).find((agent) => agent.uid === uid)?.key;
  const rename = (list: DraftAgent[]): DraftAgent[] =>
    list.map((agent) => ({
      ...agent,
      key: agent.uid === uid ? key : agent.key,
      peers: old ? agent.peers.map((peer) => (peer === old ? key : peer)) : agent.peers,
      subAgents: rename(agent.subAgents),
    }));
  return rename(agents);
}
