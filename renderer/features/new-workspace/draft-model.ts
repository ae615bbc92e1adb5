// The workspace config as the Visual tab edits it, and its conversion to and from YAML text.
// Keys the Visual tab does not know (mounts, workspace_dir, providers, per-agent extras…) ride along
// in `extra`, so switching tabs never drops what the user wrote. Written over the previous text
// (draftToYaml's `previous`), a visual edit changes only the nodes it touches: comments, quoting
// and the order of the other keys stay as the user wrote them.
import { isMap, isNode, isPair, isScalar, isSeq, parseDocument, stringify } from 'yaml';
import type { Document, Pair, YAMLMap } from 'yaml';

/** One row of an agent's `env:`; rows keep their order and may be half typed (empty name). */
export interface EnvRow {
  name: string;
  value: string;
}

export interface DraftAgent {
  /** Local id for React keys; not written to YAML. */
  uid: string;
  key: string;
  template: string;
  peers: string[];
  /** null: not written, the host's default applies (roots start, sub-agents do not). */
  autoStart: boolean | null;
  /** A provider of the file's `providers:` or of Settings; null: the default (OpenAI). */
  provider: string | null;
  /** null: the template's (or the agent code's) default model. */
  model: string | null;
  /** Overrides of the template's fields (system_prompt, authority…); absent names keep the template's value. */
  fields: Record<string, string>;
  /** Rows with an empty name are kept here but not written. */
  env: EnvRow[];
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

/** The keys in the order the host's serializer writes them; extras follow. */
function agentToObject(agent: DraftAgent): Record<string, unknown> {
  const out: Record<string, unknown> = { template: agent.template };
  if (agent.autoStart !== null) out.auto_start = agent.autoStart;
  if (agent.provider) out.provider = agent.provider;
  if (agent.model) out.model = agent.model;
  if (Object.keys(agent.fields).length) out.fields = { ...agent.fields };
  const env = envRecord(agent.env);
  if (Object.keys(env).length) out.env = env;
  if (agent.peers.length) out.peers = [...agent.peers];
  if (agent.subAgents.length) out.sub_agents = agentsToObject(agent.subAgents);
  return { ...out, ...agent.extra };
}

function agentsToObject(agents: DraftAgent[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const agent of agents) out[agent.key] = agentToObject(agent);
  return out;
}

/** Env rows as a map: rows without a name are left out, a repeated name keeps its last value. */
export function envRecord(rows: EnvRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const row of rows) if (row.name.trim()) out[row.name.trim()] = row.value;
  return out;
}

function draftToObject(draft: DraftWorkspace): Record<string, unknown> {
  const doc: Record<string, unknown> = { name: draft.name };
  if (Object.keys(draft.env).length) doc.env = { ...draft.env };
  doc.agents = agentsToObject(draft.agents);
  // Extras keep their place when they come before `agents` in the user's file (see syncMap).
  return { ...doc, ...draft.extra };
}

/**
 * The draft as YAML. With `previous` (the text the draft was read from or last written to), the
 * draft is written over that text's document so that what the draft does not change stays as it
 * was, comments included; without it, or when it does not parse as a map, the YAML is fresh.
 */
export function draftToYaml(draft: DraftWorkspace, previous?: string): string {
  const value = draftToObject(draft);
  if (previous !== undefined) {
    const doc = parseDocument(previous);
    if (!doc.errors.length && isMap(doc.contents)) {
      // Unchanged, the text is returned as is: the yaml library moves some comments when it prints.
      return syncMap(doc, doc.contents, value) ? doc.toString({ lineWidth: 0 }) : previous;
    }
  }
  return stringify(value, { lineWidth: 0 });
}

function pairKey(pair: Pair): string | null {
  const key: unknown = pair.key;
  if (isScalar(key)) return key.value === null || key.value === undefined ? null : String(key.value);
  return typeof key === 'string' || typeof key === 'number' ? String(key) : null;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && deepEqual(a[key], b[key]));
  }
  return false;
}

/**
 * Makes `map` hold `value`: keys missing from `value` go, new keys are inserted before the first
 * existing key that `value` lists after them, changed values are replaced (nested maps in place).
 */
function syncMap(doc: Document, map: YAMLMap, value: Record<string, unknown>): boolean {
  const before = map.items.length;
  map.items = map.items.filter((pair) => {
    const key = isPair(pair) ? pairKey(pair) : null;
    return key !== null && Object.prototype.hasOwnProperty.call(value, key);
  });
  let changed = map.items.length !== before;
  const keys = Object.keys(value);
  keys.forEach((key, index) => {
    const next = value[key];
    const pair = map.items.find((item) => pairKey(item) === key);
    if (pair) {
      const synced = syncNode(doc, pair.value, next);
      if (synced.changed) {
        pair.value = synced.node;
        changed = true;
      }
      return;
    }
    const later = new Set(keys.slice(index + 1));
    const at = map.items.findIndex((item) => later.has(pairKey(item) ?? ''));
    const created = doc.createPair(key, next);
    if (at === -1) map.items.push(created);
    else map.items.splice(at, 0, created);
    changed = true;
  });
  return changed;
}

function syncNode(doc: Document, node: unknown, next: unknown): { node: unknown; changed: boolean } {
  const kept = { node, changed: false };
  // An empty flow map (`agents: {}`) that gets entries becomes a block map, like fresh YAML.
  if (isRecord(next) && isMap(node) && !(node.flow && node.items.length === 0))
    return { node, changed: syncMap(doc, node, next) };
  if (isScalar(node)) {
    const current = node.value;
    // Env values and fields are read as text: `PORT: 8080` is the string '8080' and stays unquoted.
    const same =
      current === next ||
      (typeof next === 'string' &&
        (typeof current === 'number' || typeof current === 'boolean') &&
        String(current) === next);
    if (same) return kept;
  } else if (isNode(node) && deepEqual(node.toJS(doc), next)) {
    return kept;
  }
  const created = doc.createNode(next);
  // A list written inline (`peers: [a, b]`) stays inline.
  if (isSeq(node) && node.flow && isSeq(created)) created.flow = true;
  if (isNode(node)) {
    // A changed value keeps the comments around it.
    if (node.comment) created.comment = node.comment;
    if (node.commentBefore) created.commentBefore = node.commentBefore;
  }
  return { node: created, changed: true };
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

/** A scalar as text; null when absent or empty. */
function scalarText(value: unknown, where: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'object') throw new DraftParseError(`${where} must be a single value`, null);
  return String(value as string | number | boolean);
}

function agentsFrom(value: unknown, where: string, depth: number): DraftAgent[] {
  if (value === undefined || value === null) return [];
  if (!isRecord(value)) throw new DraftParseError(`${where} must be a map of agent keys`, null);
  if (depth > 10) throw new DraftParseError('Agents are nested more than 10 levels deep', null);
  return Object.entries(value).map(([key, raw]) => {
    const path = `${where}.${key}`;
    if (!isRecord(raw)) throw new DraftParseError(`${path} must be a map with at least "template"`, null);
    const {
      template,
      env,
      peers,
      auto_start: autoStart,
      provider,
      model,
      fields,
      sub_agents: subAgents,
      ...extra
    } = raw;
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
      provider: scalarText(provider, `${path}.provider`),
      model: scalarText(model, `${path}.model`),
      fields: stringMap(fields, `${path}.fields`),
      env: Object.entries(stringMap(env, `${path}.env`)).map(([name, value]) => ({ name, value })),
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
    provider: null,
    model: null,
    fields: {},
    env: [],
    subAgents: [],
    extra: {},
  };
}

/** The names under the file's own `providers:`, in file order. */
export function fileProviderNames(draft: DraftWorkspace): string[] {
  const providers = draft.extra.providers;
  return isRecord(providers) ? Object.keys(providers) : [];
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
