// `dspatch.workspace.yml`: parse + validate (every problem carries file, line and dotted path), the
// agent tree the renderer shows, serialization back to YAML (the GUI's Visual ⇄ YAML tabs), and the
// minimal env one agent process gets at launch.
import os from 'node:os';
import path from 'node:path';
import { isMap, stringify } from 'yaml';
import * as z from 'zod';
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
const PROVIDER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** What a provider sets for its agents; its `api_key: none` waives the key. */
const PROVIDER_BASE_URL_ENV = 'OPENAI_BASE_URL';
const PROVIDER_API_KEY_ENV = 'OPENAI_API_KEY';

export type ProviderApi = 'chat' | 'responses';

/** An OpenAI-compatible server declared under `providers:`. */
export interface ProviderConfig {
  baseUrl: string;
  api: ProviderApi;
  /** 'none' (the server needs no key), a `{{apikey:Name}}` value, or absent: the agent's OPENAI_API_KEY. */
  apiKey?: string;
  /** Settings providers only: the model of an agent that names none. */
  defaultModel?: string;
}

/**
 * Providers from Settings → Providers (the built-in `openai` among them), by name. An agent's
 * `provider:` names one of its file's providers first, else one of these (names compared ignoring case).
 */
export type SettingsProviders = ReadonlyMap<string, ProviderConfig>;

/** The provider an agent's `provider:` names: its file's, else the Settings one; undefined when neither. */
export function resolveProvider(
  config: WorkspaceConfig,
  name: string,
  settings?: SettingsProviders,
): ProviderConfig | undefined {
  if (config.providers && Object.hasOwn(config.providers, name)) return config.providers[name];
  if (!settings) return undefined;
  const exact = settings.get(name);
  if (exact) return exact;
  const lower = name.toLowerCase();
  for (const [key, provider] of settings) if (key.toLowerCase() === lower) return provider;
  return undefined;
}

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
  /** A key of the file's `providers`, else the name of a provider in Settings. */
  provider?: string;
  /** Reaches the agent as DSPATCH_MODEL. */
  model?: string;
  /** Overrides of the template's fields (system_prompt, authority, …). */
  fields?: Record<string, string>;
}

export interface WorkspaceConfig {
  name: string;
  /** Values may contain {{apikey:Name}} placeholders. */
  env: Record<string, string>;
  /** As written: relative to the workspace directory, `~` allowed. See resolveWorkspaceDir. */
  workspaceDir?: string;
  /** Ordered root agents. */
  agents: Record<string, AgentConfig>;
  providers?: Record<string, ProviderConfig>;
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
  /** Providers from Settings, for agents whose `provider:` the file does not declare. */
  settingsProviders?: SettingsProviders;
}

export interface FlatAgent {
  key: string;
  /** Dotted path of agent keys, e.g. 'lead.coder'. */
  path: string;
  template: string;
  /** The agent's own env (not merged with the workspace env), with its provider's values on top. */
  env: Record<string, string>;
  /** Env names the agent must not get even if the workspace sets them (a keyless provider's OPENAI_API_KEY). */
  waivedEnv?: string[];
  model?: string;
  /** The API style of the agent's provider. */
  api?: ProviderApi;
  fields?: Record<string, string>;
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
      provider: z.string().trim().min(1, 'must name a provider').nullish(),
      model: z.string().trim().min(1, 'must name a model').max(200, 'is too long (200 characters at most)').nullish(),
      fields: z.record(z.string(), textValue).nullish(),
    })
    .transform((raw): AgentConfig => {
      const agent: AgentConfig = {
        template: raw.template,
        env: raw.env,
        subAgents: raw.sub_agents,
        peers: raw.peers,
      };
      if (raw.auto_start !== null && raw.auto_start !== undefined) agent.autoStart = raw.auto_start;
      if (raw.provider) agent.provider = raw.provider;
      if (raw.model) agent.model = raw.model;
      if (raw.fields) agent.fields = raw.fields;
      return agent;
    }),
);

const providerSchema = z
  .object({
    base_url: z
      .string()
      .trim()
      .refine(isHttpUrl, 'must be an http:// or https:// URL, such as http://127.0.0.1:11434/v1'),
    api: z.enum(['chat', 'responses'], { error: 'must be "chat" or "responses"' }).nullish(),
    api_key: z
      .string()
      .trim()
      .refine(
        (value) => value === 'none' || /^\{\{\s*apikey\s*:[^{}]*\}\}$/.test(value),
        // A literal key in the file would be read by anyone who gets the file.
        'must be "none" or a saved key written {{apikey:Name}} (Settings → API Keys); leave it out to use the agent\'s OPENAI_API_KEY secret',
      )
      .nullish(),
  })
  .transform((raw): ProviderConfig => {
    const provider: ProviderConfig = { baseUrl: raw.base_url, api: raw.api ?? 'responses' };
    if (raw.api_key) provider.apiKey = raw.api_key;
    return provider;
  });

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const workspaceSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200, 'is too long (200 characters at most)'),
    env: envSchema,
    workspace_dir: z.string().trim().min(1, 'must not be empty').nullish(),
    agents: z
      .record(z.string(), agentSchema)
      .nullish()
      .transform((value) => value ?? {}),
    providers: z.record(z.string(), providerSchema).nullish(),
  })
  .transform((raw): WorkspaceConfig => {
    const config: WorkspaceConfig = { name: raw.name, env: raw.env, agents: raw.agents };
    if (raw.workspace_dir !== null && raw.workspace_dir !== undefined)
      config.workspaceDir = raw.workspace_dir;
    if (raw.providers) config.providers = raw.providers;
    return config;
  });

const WORKSPACE_KEYS = ['name', 'env', 'workspace_dir', 'agents', 'providers'];
const AGENT_KEYS = ['template', 'env', 'sub_agents', 'peers', 'auto_start', 'provider', 'model', 'fields'];
const PROVIDER_KEYS = ['base_url', 'api', 'api_key'];
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
export function flattenAgents(config: WorkspaceConfig, settingsProviders?: SettingsProviders): FlatAgent[] {
  const { agents } = visitAgents(config);
  const resolve = peerResolver(agents);
  return agents.map((entry) => {
    const provider = entry.agent.provider === undefined ? undefined : resolveProvider(config, entry.agent.provider, settingsProviders);
    const flat: FlatAgent = {
      key: entry.key,
      path: entry.path,
      template: entry.agent.template,
      env: { ...entry.agent.env },
      peers: resolvedPeers(entry, resolve),
      parentPath: entry.parentPath,
      isRoot: entry.parentPath === null,
      autoStart: entry.agent.autoStart ?? entry.parentPath === null,
    };
    if (entry.agent.model !== undefined) flat.model = entry.agent.model;
    if (entry.agent.fields !== undefined) flat.fields = { ...entry.agent.fields };
    if (provider) applyProvider(flat, provider);
    return flat;
  });
}

/**
 * A provider's values win over the env: its base URL, its saved key, or no key at all (`none`), which
 * also takes OPENAI_API_KEY out of the template's requirements.
 */
function applyProvider(agent: FlatAgent, provider: ProviderConfig): void {
  agent.api = provider.api;
  if (agent.model === undefined && provider.defaultModel !== undefined) agent.model = provider.defaultModel;
  agent.env[PROVIDER_BASE_URL_ENV] = provider.baseUrl;
  if (provider.apiKey === 'none') {
    delete agent.env[PROVIDER_API_KEY_ENV];
    agent.waivedEnv = [PROVIDER_API_KEY_ENV];
  } else if (provider.apiKey !== undefined) agent.env[PROVIDER_API_KEY_ENV] = provider.apiKey;
}

/** The env names of a template's required_env that an agent still needs (its provider may waive some). */
export function agentRequiredEnv(agent: FlatAgent, requiredEnv: readonly string[]): string[] {
  return requiredEnv.filter((key) => !agent.waivedEnv?.includes(key));
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
      source.textifyMapValues([...segments, key, 'fields']);
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

function providerProblems(source: YamlSource, config: WorkspaceConfig): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const [name, provider] of Object.entries(config.providers ?? {})) {
    const segments = ['providers', name];
    if (!PROVIDER_NAME.test(name)) {
      problems.push(
        source.problem(
          'error',
          segments,
          `provider name "${name}" must start with a letter or digit and use only letters, digits, "_", "." and "-" (64 characters at most)`,
          source.lineOf(segments, 'key'),
        ),
      );
    }
    const keyProblem = provider.apiKey === undefined ? null : placeholderProblem(provider.apiKey);
    if (keyProblem) problems.push(source.problem('error', [...segments, 'api_key'], keyProblem));
  }
  return problems;
}

/** Names the providers the agent could have meant: its file's, then those in Settings. */
function unknownProviderMessage(name: string, config: WorkspaceConfig, settings: SettingsProviders | undefined): string {
  const inFile = Object.keys(config.providers ?? {});
  const inSettings = [...(settings?.keys() ?? [])];
  const known = [
    ...(inFile.length > 0 ? [`providers of this file: ${inFile.join(', ')}`] : []),
    ...(inSettings.length > 0 ? [`providers in Settings → Providers: ${inSettings.join(', ')}`] : []),
  ];
  const fix = inFile.length > 0 ? '' : '; declare it under "providers:" at the top of the file or add it in Settings → Providers';
  return `unknown provider "${name}"${known.length > 0 ? `; ${known.join('; ')}` : ''}${fix}`;
}

function providerKeyWarnings(source: YamlSource): ValidationProblem[] {
  return source.mapKeys(['providers']).flatMap((name) => unknownKeyWarnings(source, ['providers', name], PROVIDER_KEYS));
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
  settingsProviders: SettingsProviders | undefined,
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

    if (agent.provider !== undefined && !resolveProvider(config, agent.provider, settingsProviders)) {
      problems.push(source.problem('error', [...segments, 'provider'], unknownProviderMessage(agent.provider, config, settingsProviders)));
    }
    if (agent.provider !== undefined && agent.env[PROVIDER_BASE_URL_ENV] !== undefined) {
      problems.push(
        source.problem(
          'warning',
          [...segments, 'env', PROVIDER_BASE_URL_ENV],
          `is ignored: provider "${agent.provider}" sets ${PROVIDER_BASE_URL_ENV}`,
          source.lineOf([...segments, 'env', PROVIDER_BASE_URL_ENV], 'key'),
        ),
      );
    }
    const template = templates.get(agent.template);
    if (template && agent.fields) {
      const known = Object.keys(template.fields);
      for (const field of Object.keys(agent.fields)) {
        if (known.includes(field)) continue;
        problems.push(
          source.problem(
            'error',
            [...segments, 'fields', field],
            `template "${agent.template}" has no field "${field}"; its fields: ${known.join(', ') || 'none'}`,
            source.lineOf([...segments, 'fields', field], 'key'),
          ),
        );
      }
    }
  }

  // Only the keys resolveAgentEnv would take from the workspace's stored secrets are prompted for: a
  // required key that the workspace or agent env already supplies (a non-empty literal, or an
  // {{apikey:Name}} placeholder filled from Settings → API Keys) is not a secret to ask for.
  const requiredBy = new Map<string, string[]>();
  for (const entry of flattenAgents(config, settingsProviders)) {
    const template = templates.get(entry.template);
    if (!template) continue;
    const merged = { ...config.env, ...entry.env };
    for (const key of agentRequiredEnv(entry, template.requiredEnv)) {
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
    ...providerKeyWarnings(source),
  ];
  const parsed = workspaceSchema.safeParse(raw);
  if (!parsed.success) return broken([...warnings, ...zodProblems(source, raw, parsed.error)]);
  const config = parsed.data;

  const checked = checkAgents(source, config, options.templates, options.settingsProviders);
  const problems = [
    ...warnings,
    ...envProblems(source, config.env, ['env']),
    ...providerProblems(source, config),
    ...checked.problems,
  ];
  return {
    config,
    agents: agentTree(flattenAgents(config, options.settingsProviders)),
    requiredSecrets: checked.requiredSecrets,
    problems: sortProblems(problems),
  };
}

// ── serialize ──────────────────────────────────────────────────────────────────────────────────────

function agentToYaml(agent: AgentConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { template: agent.template };
  if (agent.autoStart !== undefined) out.auto_start = agent.autoStart;
  if (agent.provider !== undefined) out.provider = agent.provider;
  if (agent.model !== undefined) out.model = agent.model;
  if (agent.fields !== undefined && Object.keys(agent.fields).length > 0) out.fields = { ...agent.fields };
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
 * YAML for a config, keys in a fixed order (name, workspace_dir, env, providers, agents; per agent
 * template, auto_start, provider, model, fields, env, peers, sub_agents) and empty collections left out, so the GUI's Visual and YAML
 * tabs convert into each other without churn. Comments and unknown keys are not kept.
 */
export function serializeWorkspaceConfig(config: WorkspaceConfig): string {
  const out: Record<string, unknown> = { name: config.name };
  if (config.workspaceDir !== undefined) out.workspace_dir = config.workspaceDir;
  if (Object.keys(config.env).length > 0) out.env = { ...config.env };
  if (config.providers !== undefined && Object.keys(config.providers).length > 0) {
    out.providers = Object.fromEntries(
      Object.entries(config.providers).map(([name, provider]) => [
        name,
        { base_url: provider.baseUrl, api: provider.api, ...(provider.apiKey === undefined ? {} : { api_key: provider.apiKey }) },
      ]),
    );
  }
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
  /** Names the agent never gets, whoever sets them (FlatAgent.waivedEnv). */
  waivedEnv?: readonly string[];
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
    (key) =>
      isValidEnvName(key) && !isReservedEnvName(key) && !isRuntimeEnvName(key) && !input.waivedEnv?.includes(key),
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
