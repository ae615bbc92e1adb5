// `dspatch.workspace.yml`: parse + validate (every problem carries file, line and dotted path), the
// agent tree the renderer shows, serialization back to YAML (the GUI's Visual ⇄ YAML tabs), and the
// minimal env one agent process gets at launch.
import os from 'node:os';
import path from 'node:path';
import { isMap, stringify } from 'yaml';
import { z } from 'zod';
import type { ValidationProblem, WorkspaceValidation } from '../api/contract';
import type { AgentNode } from '../api/types';
import {
  envNameProblem,
  hasErrors,
  isReservedEnvName,
  isRuntimeEnvName,
  isValidEnvName,
  sortProblems,
  textValue,
  unknownKeyWarnings,
  YamlSource,
  zodProblems,
} from './template-config';
import type { PathSegment, TemplateConfig } from './template-config';

export const WORKSPACE_FILE = 'dspatch.workspace.yml';
/** Root agents are depth 1; d:spatch allows at most 10 levels. */
export const MAX_AGENT_DEPTH = 10;
/** `talk_to_` + key must stay a valid OpenAI tool name (64 characters at most). */
const MAX_AGENT_KEY_LENGTH = 48;
const AGENT_KEY = /^[a-z][a-z0-9_-]*$/;
const API_KEY_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export interface AgentConfig {
  /** Name of a template (its dspatch.agent.yml `name`). */
  template: string;
  env: Record<string, string>;
  /** Ordered: YAML order is the order agents are shown and started in. */
  subAgents: Record<string, AgentConfig>;
  /** Bare agent keys or dotted paths ('lead.coder'). */
  peers: string[];
  /** Absent: true for root agents, false for sub-agents. */
  autoStart?: boolean;
}

export interface WorkspaceConfig {
  name: string;
  /** Values may contain {{apikey:Name}} placeholders. */
  env: Record<string, string>;
  /** As written: relative to the workspace directory, `~` allowed. See resolveWorkspaceDir. */
  workspaceDir?: string;
  /** Ordered root agents. */
  agents: Record<string, AgentConfig>;
}

export interface WorkspaceParseResult extends WorkspaceValidation {
  /**
   * Null when the YAML or its shape is broken. Otherwise set even when problems has errors (unknown
   * template, bad peer…) so the Visual tab can show and fix it; callers that launch check problems.
   */
  config: WorkspaceConfig | null;
}

export interface ParseWorkspaceOptions {
  fileName?: string;
  /** Known templates by name; null marks a template whose own dspatch.agent.yml is invalid. */
  templates: ReadonlyMap<string, TemplateConfig | null>;
}

export interface FlatAgent {
  key: string;
  /** Dotted path of agent keys, e.g. 'lead.coder'. */
  path: string;
  template: string;
  /** The agent's own env (not merged with the workspace env). */
  env: Record<string, string>;
  /** Agent keys it may talk to: its explicit peers plus its sub-agents. */
  peers: string[];
  parentPath: string | null;
  isRoot: boolean;
  autoStart: boolean;
}

/** The tool an agent calls to talk to `key`; hyphens are not allowed in our tool names. */
export function agentToolName(key: string): string {
  return `talk_to_${key.replace(/-/g, '_')}`;
}

// ── {{apikey:Name}} placeholders ───────────────────────────────────────────────────────────────────

const PLACEHOLDER = /\{\{\s*apikey\s*:\s*([^{}]*?)\s*\}\}/g;
const PLACEHOLDER_START = /\{\{\s*apikey/i;

/** API key names referenced by a value, and whether it also holds something placeholder-like but broken. */
export function findApiKeyPlaceholders(value: string): { names: string[]; malformed: boolean } {
  const names = [...value.matchAll(PLACEHOLDER)].map((match) => match[1]);
  const rest = value.replace(PLACEHOLDER, '');
  return { names, malformed: PLACEHOLDER_START.test(rest) };
}

function placeholderProblem(value: string): string | null {
  const { names, malformed } = findApiKeyPlaceholders(value);
  if (malformed) return 'has a malformed placeholder; write {{apikey:Name}}';
  const bad = names.find((name) => !API_KEY_NAME.test(name));
  if (bad !== undefined)
    return `"{{apikey:${bad}}}" does not name a valid API key (letters, digits, "_", "." and "-")`;
  return null;
}

// ── schema ─────────────────────────────────────────────────────────────────────────────────────────

const envSchema = z
  .record(z.string(), textValue)
  .nullish()
  .transform((value) => value ?? {});

const agentSchema: z.ZodType<AgentConfig> = z.lazy(() =>
  z
    .object({
      template: z.string().trim().min(1, 'must name a template'),
      env: envSchema,
      sub_agents: z
        .record(z.string(), agentSchema)
        .nullish()
        .transform((value) => value ?? {}),
      peers: z
        .array(z.string())
        .nullish()
        .transform((value) => value ?? []),
      auto_start: z.boolean().nullish(),
    })
    .transform((raw): AgentConfig => {
      const agent: AgentConfig = {
        template: raw.template,
        env: raw.env,
        subAgents: raw.sub_agents,
        peers: raw.peers,
      };
      if (raw.auto_start !== null && raw.auto_start !== undefined) agent.autoStart = raw.auto_start;
      return agent;
    }),
);

const workspaceSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200, 'is too long (200 characters at most)'),
    env: envSchema,
    workspace_dir: z.string().trim().min(1, 'must not be empty').nullish(),
    agents: z
      .record(z.string(), agentSchema)
      .nullish()
      .transform((value) => value ?? {}),
  })
  .transform((raw): WorkspaceConfig => {
    const config: WorkspaceConfig = { name: raw.name, env: raw.env, agents: raw.agents };
    if (raw.workspace_dir !== null && raw.workspace_dir !== undefined)
      config.workspaceDir = raw.workspace_dir;
    return config;
  });

const WORKSPACE_KEYS = ['name', 'env', 'workspace_dir', 'agents'];
const AGENT_KEYS = ['template', 'env', 'sub_agents', 'peers', 'auto_start'];
/** d:spatch keys for its Docker runtime; agents here are plain processes. */
const WORKSPACE_NOT_SUPPORTED = ['mounts', 'docker'];
const AGENT_NOT_SUPPORTED = ['instances'];

// ── the agent tree ─────────────────────────────────────────────────────────────────────────────────

interface VisitedAgent {
  key: string;
  path: string;
  /** YAML path of the agent's entry, e.g. ['agents', 'lead', 'sub_agents', 'coder']. */
  segments: PathSegment[];
  depth: number;
  agent: AgentConfig;
  parentPath: string | null;
}

/** Depth-first, in YAML order; agents nested deeper than MAX_AGENT_DEPTH go to `tooDeep`, not the list. */
function visitAgents(config: WorkspaceConfig): { agents: VisitedAgent[]; tooDeep: VisitedAgent[] } {
  const agents: VisitedAgent[] = [];
  const tooDeep: VisitedAgent[] = [];
  const visit = (
    map: Record<string, AgentConfig>,
    segments: PathSegment[],
    parentPath: string | null,
    depth: number,
  ): void => {
    for (const [key, agent] of Object.entries(map)) {
      const entry: VisitedAgent = {
        key,
        path: parentPath === null ? key : `${parentPath}.${key}`,
        segments: [...segments, key],
        depth,
        agent,
        parentPath,
      };
      if (depth > MAX_AGENT_DEPTH) {
        tooDeep.push(entry);
        continue;
      }
      agents.push(entry);
      visit(agent.subAgents, [...entry.segments, 'sub_agents'], entry.path, depth + 1);
    }
  };
  visit(config.agents, ['agents'], null, 1);
  return { agents, tooDeep };
}

/** A peer reference is a full dotted path or a bare key; keys are unique, so a bare key is unambiguous. */
function peerResolver(agents: readonly VisitedAgent[]): (ref: string) => VisitedAgent | undefined {
  const byPath = new Map(agents.map((agent) => [agent.path, agent]));
  const byKey = new Map<string, VisitedAgent>();
  for (const agent of agents) if (!byKey.has(agent.key)) byKey.set(agent.key, agent);
  return (ref) => byPath.get(ref) ?? (ref.includes('.') ? undefined : byKey.get(ref));
}

/** Explicit peers (resolved to keys, unknown ones dropped) plus sub-agent keys; never the agent itself. */
function resolvedPeers(agent: VisitedAgent, resolve: (ref: string) => VisitedAgent | undefined): string[] {
  const keys = new Set<string>();
  for (const ref of agent.agent.peers) {
    const target = resolve(ref);
    if (target && target.path !== agent.path) keys.add(target.key);
  }
  for (const key of Object.keys(agent.agent.subAgents)) keys.add(key);
  keys.delete(agent.key);
  return [...keys];
}

/**
 * The agents of a config as a flat list (depth-first, YAML order). Meant for a validated config:
 * peers that do not resolve and agents nested too deep are left out rather than reported.
 */
export function flattenAgents(config: WorkspaceConfig): FlatAgent[] {
  const { agents } = visitAgents(config);
  const resolve = peerResolver(agents);
  return agents.map((entry) => ({
    key: entry.key,
    path: entry.path,
    template: entry.agent.template,
    env: { ...entry.agent.env },
    peers: resolvedPeers(entry, resolve),
    parentPath: entry.parentPath,
    isRoot: entry.parentPath === null,
    autoStart: entry.agent.autoStart ?? entry.parentPath === null,
  }));
}

function agentTree(flat: readonly FlatAgent[]): AgentNode[] {
  const roots: AgentNode[] = [];
  const byPath = new Map<string, AgentNode>();
  for (const agent of flat) {
    const node: AgentNode = {
      key: agent.key,
      path: agent.path,
      template: agent.template,
      peers: agent.peers,
      autoStart: agent.autoStart,
      children: [],
    };
    byPath.set(agent.path, node);
    const parent = agent.parentPath === null ? undefined : byPath.get(agent.parentPath);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

// ── parse + validate ───────────────────────────────────────────────────────────────────────────────

/** Non-string scalars under env become their source text ('0123' stays '0123'), for every agent. */
function textifyEnvMaps(source: YamlSource): void {
  source.textifyMapValues(['env']);
  const visit = (segments: PathSegment[], depth: number): void => {
    if (depth > MAX_AGENT_DEPTH + 1) return;
    for (const key of source.mapKeys(segments)) {
      source.textifyMapValues([...segments, key, 'env']);
      visit([...segments, key, 'sub_agents'], depth + 1);
    }
  };
  visit(['agents'], 1);
}

function unknownAgentKeyWarnings(source: YamlSource): ValidationProblem[] {
  const warnings: ValidationProblem[] = [];
  const visit = (segments: PathSegment[], depth: number): void => {
    if (depth > MAX_AGENT_DEPTH) return;
    for (const key of source.mapKeys(segments)) {
      warnings.push(...unknownKeyWarnings(source, [...segments, key], AGENT_KEYS, AGENT_NOT_SUPPORTED));
      visit([...segments, key, 'sub_agents'], depth + 1);
    }
  };
  visit(['agents'], 1);
  return warnings;
}

function envProblems(
  source: YamlSource,
  env: Record<string, string>,
  segments: PathSegment[],
): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const [key, value] of Object.entries(env)) {
    const keyProblem = envNameProblem(key);
    if (keyProblem)
      problems.push(
        source.problem('error', [...segments, key], keyProblem, source.lineOf([...segments, key], 'key')),
      );
    const valueProblem = placeholderProblem(value);
    if (valueProblem) problems.push(source.problem('error', [...segments, key], valueProblem));
  }
  return problems;
}

/** Whether an env map supplies a value itself: a non-empty literal, or a {{apikey:…}} placeholder. */
function suppliedInEnv(value: string | undefined): boolean {
  return value !== undefined && value !== '';
}

function checkAgents(
  source: YamlSource,
  config: WorkspaceConfig,
  templates: ReadonlyMap<string, TemplateConfig | null>,
): { problems: ValidationProblem[]; requiredSecrets: { key: string; requiredBy: string[] }[] } {
  const problems: ValidationProblem[] = [];
  const { agents, tooDeep } = visitAgents(config);
  const resolve = peerResolver(agents);

  if (agents.length === 0) {
    problems.push(
      source.problem('error', ['agents'], 'at least one agent is required', source.lineOf(['agents'], 'key')),
    );
  }
  for (const entry of tooDeep) {
    problems.push(
      source.problem(
        'error',
        entry.segments,
        `agents may be nested at most ${MAX_AGENT_DEPTH} levels deep`,
        source.lineOf(entry.segments, 'key'),
      ),
    );
  }

  const firstPathOfKey = new Map<string, string>();
  const keyOfToolName = new Map<string, string>();
  for (const entry of agents) {
    const { key, segments, agent } = entry;
    const keyLine = source.lineOf(segments, 'key');
    if (!AGENT_KEY.test(key) || key.length > MAX_AGENT_KEY_LENGTH) {
      problems.push(
        source.problem(
          'error',
          segments,
          `agent key "${key}" must start with a lowercase letter and use only a-z, 0-9, "_" and "-" (${MAX_AGENT_KEY_LENGTH} characters at most)`,
          keyLine,
        ),
      );
    }
    // The key names the agent's process, sessions and talk_to tool, so it must be unique in the tree,
    // not only under its parent (duplicates under one parent are already YAML duplicate keys).
    const firstPath = firstPathOfKey.get(key);
    if (firstPath !== undefined) {
      problems.push(
        source.problem(
          'error',
          segments,
          `agent key "${key}" is already used by "${firstPath}"; agent keys must be unique in the workspace`,
          keyLine,
        ),
      );
    } else {
      firstPathOfKey.set(key, entry.path);
      const toolName = agentToolName(key);
      const clash = keyOfToolName.get(toolName);
      if (clash !== undefined) {
        problems.push(
          source.problem(
            'error',
            segments,
            `agent keys "${clash}" and "${key}" would both get the tool ${toolName}`,
            keyLine,
          ),
        );
      }
      keyOfToolName.set(toolName, key);
    }

    if (!templates.has(agent.template)) {
      problems.push(
        source.problem('error', [...segments, 'template'], `unknown template "${agent.template}"`),
      );
    } else if (templates.get(agent.template) === null) {
      problems.push(
        source.problem(
          'error',
          [...segments, 'template'],
          `template "${agent.template}" has an invalid dspatch.agent.yml`,
        ),
      );
    }

    const seen = new Set<string>();
    agent.peers.forEach((ref, index) => {
      const peerSegments = [...segments, 'peers', index];
      const target = resolve(ref);
      if (!target) problems.push(source.problem('error', peerSegments, `unknown agent "${ref}"`));
      else if (target.path === entry.path)
        problems.push(source.problem('error', peerSegments, `an agent cannot be its own peer`));
      else if (seen.has(target.path))
        problems.push(source.problem('warning', peerSegments, `"${ref}" is listed twice`));
      if (target) seen.add(target.path);
    });

    problems.push(...envProblems(source, agent.env, [...segments, 'env']));
  }

  // Only the keys resolveAgentEnv would take from the workspace's stored secrets are prompted for: a
  // required key that the workspace or agent env already supplies (a non-empty literal, or an
  // {{apikey:Name}} placeholder filled from Settings → API Keys) is not a secret to ask for.
  const requiredBy = new Map<string, string[]>();
  for (const entry of agents) {
    const template = templates.get(entry.agent.template);
    if (!template) continue;
    const merged = { ...config.env, ...entry.agent.env };
    for (const key of template.requiredEnv) {
      if (isReservedEnvName(key) || isRuntimeEnvName(key) || suppliedInEnv(merged[key])) continue;
      const paths = requiredBy.get(key) ?? [];
      paths.push(entry.path);
      requiredBy.set(key, paths);
    }
  }
  const requiredSecrets = [...requiredBy].map(([key, paths]) => ({ key, requiredBy: paths }));
  return { problems, requiredSecrets };
}

export function parseWorkspaceConfig(yamlText: string, options: ParseWorkspaceOptions): WorkspaceParseResult {
  const source = new YamlSource(yamlText, options.fileName ?? WORKSPACE_FILE);
  const broken = (problems: ValidationProblem[]): WorkspaceParseResult => ({
    config: null,
    agents: null,
    requiredSecrets: [],
    problems: sortProblems(problems),
  });

  const syntax = source.syntaxProblems();
  if (hasErrors(syntax)) return broken(syntax);
  if (!isMap(source.doc.contents)) {
    const what = source.doc.contents === null ? 'is empty' : 'must be a mapping';
    return broken([...syntax, source.problem('error', [], `the file ${what}; it needs "name" and "agents"`)]);
  }

  textifyEnvMaps(source);
  const js = source.toJS();
  if ('problem' in js) return broken([...syntax, js.problem]);
  const raw = js.value;
  const warnings = [
    ...syntax,
    ...unknownKeyWarnings(source, [], WORKSPACE_KEYS, WORKSPACE_NOT_SUPPORTED),
    ...unknownAgentKeyWarnings(source),
  ];
  const parsed = workspaceSchema.safeParse(raw);
  if (!parsed.success) return broken([...warnings, ...zodProblems(source, raw, parsed.error)]);
  const config = parsed.data;

  const checked = checkAgents(source, config, options.templates);
  const problems = [...warnings, ...envProblems(source, config.env, ['env']), ...checked.problems];
  return {
    config,
    agents: agentTree(flattenAgents(config)),
    requiredSecrets: checked.requiredSecrets,
    problems: sortProblems(problems),
  };
}

// ── serialize ──────────────────────────────────────────────────────────────────────────────────────

function agentToYaml(agent: AgentConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { template: agent.template };
  if (agent.autoStart !== undefined) out.auto_start = agent.autoStart;
  if (Object.keys(agent.env).length > 0) out.env = { ...agent.env };
  if (agent.peers.length > 0) out.peers = [...agent.peers];
  if (Object.keys(agent.subAgents).length > 0) out.sub_agents = agentsToYaml(agent.subAgents);
  return out;
}

function agentsToYaml(agents: Record<string, AgentConfig>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, agent] of Object.entries(agents)) out[key] = agentToYaml(agent);
  return out;
}

/**
 * YAML for a config, keys in a fixed order (name, workspace_dir, env, agents; per agent template,
 * auto_start, env, peers, sub_agents) and empty collections left out, so the GUI's Visual and YAML
 * tabs convert into each other without churn. Comments and unknown keys are not kept.
 */
export function serializeWorkspaceConfig(config: WorkspaceConfig): string {
  const out: Record<string, unknown> = { name: config.name };
  if (config.workspaceDir !== undefined) out.workspace_dir = config.workspaceDir;
  if (Object.keys(config.env).length > 0) out.env = { ...config.env };
  out.agents = agentsToYaml(config.agents);
  // lineWidth 0: never fold long values (system prompts, URLs) across lines.
  return stringify(out, { lineWidth: 0 });
}

// ── launch-time helpers ────────────────────────────────────────────────────────────────────────────

/** The directory agents work in: `workspace_dir` resolved against the workspace directory, `~` expanded. */
export function resolveWorkspaceDir(
  config: WorkspaceConfig,
  dir: string,
  homeDir: string = os.homedir(),
): string {
  const configured = config.workspaceDir;
  if (configured === undefined) return path.resolve(dir);
  const expanded =
    configured === '~'
      ? homeDir
      : /^~[\\/]/.test(configured)
        ? path.join(homeDir, configured.slice(2))
        : configured;
  return path.resolve(dir, expanded);
}

export interface ResolveAgentEnvInput {
  workspaceEnv: Readonly<Record<string, string>>;
  agentEnv: Readonly<Record<string, string>>;
  /** The template's required_env. */
  requiredEnv: readonly string[];
  /** The workspace's stored secrets, decrypted. Only keys the agent declares or requires are read. */
  secrets: ReadonlyMap<string, string>;
  /** Settings → API Keys, decrypted, by name. */
  apiKeys: ReadonlyMap<string, string>;
  /** Used in messages only. */
  agent?: string;
  workspace?: string;
}

export type ResolvedAgentEnv = { env: Record<string, string> } | { missing: { key: string; reason: string } };

/**
 * The env one agent process gets besides the DSPATCH_* names the host sets: exactly the template's
 * required_env plus the keys the workspace declares globally and for this agent (agent value wins).
 * A required key, or a declared key left empty, is filled from the workspace's secrets; placeholders
 * are filled from API keys. Extra secrets, the host's env, DSPATCH_* and runtime variables
 * (NODE_OPTIONS, LD_PRELOAD…: see runtimeEnvReason) never come through. Reasons name keys, never values.
 */
export function resolveAgentEnv(input: ResolveAgentEnvInput): ResolvedAgentEnv {
  const { workspaceEnv, agentEnv, requiredEnv, secrets, apiKeys } = input;
  const where = [
    input.agent ? `agent '${input.agent}'` : '',
    input.workspace ? `workspace '${input.workspace}'` : '',
  ]
    .filter(Boolean)
    .join(' in ');
  const forWhom = where === '' ? '' : ` for ${where}`;

  const merged: Record<string, string> = { ...workspaceEnv, ...agentEnv };
  const keys = [...new Set([...requiredEnv, ...Object.keys(workspaceEnv), ...Object.keys(agentEnv)])].filter(
    // Also the spawn path's guard: whatever validation let through, no runtime variable reaches an agent.
    (key) => isValidEnvName(key) && !isReservedEnvName(key) && !isRuntimeEnvName(key),
  );

  const env: Record<string, string> = {};
  for (const key of keys) {
    const declared = merged[key];
    if (suppliedInEnv(declared)) {
      const { names, malformed } = findApiKeyPlaceholders(declared);
      if (malformed) {
        return { missing: { key, reason: `${key}${forWhom} has a malformed {{apikey:Name}} placeholder.` } };
      }
      const absent = names.find((name) => !apiKeys.has(name));
      if (absent !== undefined) {
        return {
          missing: {
            key,
            reason: `${key}${forWhom} uses the API key "${absent}", which is not set (Settings → API Keys).`,
          },
        };
      }
      // A function replacer: `$` in a key's value must not be read as a replacement pattern.
      env[key] = declared.replace(PLACEHOLDER, (_match, name: string) => apiKeys.get(name) ?? '');
      continue;
    }
    const secret = secrets.get(key);
    if (secret !== undefined && secret !== '') env[key] = secret;
    else if (requiredEnv.includes(key)) {
      return {
        missing: { key, reason: `${key} is missing${forWhom}: set it in the workspace's secrets or env.` },
      };
    } else env[key] = declared ?? '';
  }
  return { env };
}
