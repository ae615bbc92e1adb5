// Workspaces: a directory with its dspatch.workspace.yml plus a row in the store. Creating, editing,
// validating, and turning one into a launch plan: validated config, resolved env per agent, bundled
// agent code.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { AGENT_ENV, newId } from '../../agents/protocol';
import type { WorkspaceValidation } from '../api/contract';
import type { ConsentItem, LaunchConsent, SecretStatus, WorkspaceDetail, WorkspaceSummary } from '../api/types';
import type { Store } from '../store/store';
import type { WorkspaceRow } from '../store/workspace-repo';
import { bundleAgent } from './agent-bundler';
import { HostError } from './errors';
import { codeItem, consentFingerprint, consentSummary, keyRoutes, routeItem, routesFingerprint } from './launch-consent';
import type { ProviderService } from './provider-service';
import type { SecretService } from './secret-service';
import type { LaunchPlan, Supervisor } from './supervisor';
import { templateFieldEnv, type TemplateConfig } from './template-config';
import type { TemplateService } from './template-service';
import {
  agentRequiredEnv,
  findApiKeyPlaceholders,
  flattenAgents,
  parseWorkspaceConfig,
  resolveAgentEnv,
  resolveWorkspaceDir,
  WORKSPACE_FILE,
  type WorkspaceConfig,
  type WorkspaceParseResult,
} from './workspace-config';

export interface WorkspacePaths {
  agentsDir: string;
  nodeModulesDir: string;
  /** Build-time bundles of the built-in templates (agent-bundler.ts). */
  prebuiltDir?: string;
  cacheDir: string;
  /** Told when a cached agent bundle failed its hash check and is rebuilt. */
  warn: (message: string) => void;
}

export class WorkspaceService {
  constructor(
    private readonly store: Store,
    private readonly templates: TemplateService,
    private readonly secrets: SecretService,
    private readonly supervisor: Supervisor,
    /** Settings → Providers: an agent's `provider:` names one of these when its file declares none of that name. */
    private readonly providers: Pick<ProviderService, 'settingsProviders'>,
    private readonly paths: WorkspacePaths,
  ) {}

  async list(): Promise<WorkspaceSummary[]> {
    // Every workspace is checked against the same template set: read the template folders once.
    const configs = await this.templates.configs();
    return Promise.all(this.store.workspaces.list().map(async (row) => this.#summary(row, await this.#read(row, configs))));
  }

  async get(workspaceId: string): Promise<WorkspaceDetail> {
    const row = this.#row(workspaceId);
    const read = await this.#read(row);
    const stored = this.secrets.status(row.id);
    const required = read.parsed?.requiredSecrets ?? [];
    const secrets: SecretStatus[] = required.map(({ key, requiredBy }) => ({
      key,
      isSet: stored.has(key),
      hint: stored.get(key) ?? null,
      requiredBy,
    }));
    for (const [key, hint] of stored) {
      if (!required.some((secret) => secret.key === key)) secrets.push({ key, isSet: true, hint, requiredBy: [] });
    }
    return { ...this.#summary(row, read), agents: read.parsed?.agents ?? [], secrets, yaml: read.yaml };
  }

  async validate(yaml: string): Promise<WorkspaceValidation> {
    const { problems, agents, requiredSecrets } = await this.#parse(yaml);
    return { problems, agents, requiredSecrets };
  }

  /** Whether `create` could use this folder: the same rules, checked before the user writes any config. */
  checkDir(dir: string): { problem: string | null; exists: boolean; hasConfig: boolean } {
    const typed = dir.trim();
    const answer = (problem: string | null, exists = false, hasConfig = false) => ({ problem, exists, hasConfig });
    if (!typed) return answer('Type the project folder: an absolute path such as /home/me/projects/shop.');
    // No file system accepts it, and Node refuses it deep inside: say so here.
    if (typed.includes('\u0000')) return answer('The folder path contains a NUL character, which no folder name can hold: retype it.');
    if (!isAbsolute(typed)) return answer(`"${typed}" is not an absolute path: start it from the root, e.g. /home/me/projects/${basename(typed) || 'shop'}.`);
    const root = resolve(typed);
    if (existsSync(root)) {
      if (!statSync(root).isDirectory()) return answer(`${root} is a file, not a folder: pick a folder.`, true);
      return answer(null, true, existsSync(join(root, WORKSPACE_FILE)));
    }
    const parent = dirname(root);
    if (!existsSync(parent) || !statSync(parent).isDirectory()) {
      return answer(`${root} does not exist and cannot be created here, because ${parent} does not exist. Create ${parent} first, or pick another folder.`);
    }
    return answer(null);
  }

  /** Registers an existing directory that holds a dspatch.workspace.yml. */
  async add(dir: string): Promise<WorkspaceSummary> {
    const root = resolve(dir);
    const file = join(root, WORKSPACE_FILE);
    if (!existsSync(file)) {
      throw new HostError('not_found', `${root} has no ${WORKSPACE_FILE}. Create a workspace there instead, or pick another folder.`);
    }
    const parsed = await this.#parse(await readFile(file, 'utf8'));
    this.#throwOnErrors(parsed, file);
    const existing = this.store.workspaces.findByDir(root);
    if (existing) return this.#summary(existing, { yaml: null, parsed, error: null });
    return this.#insert(root, parsed.config!.name, parsed);
  }

  async create(request: { dir: string; yaml: string; secrets: Record<string, string>; overwrite: boolean }): Promise<WorkspaceSummary> {
    const root = resolve(request.dir);
    const file = join(root, WORKSPACE_FILE);
    const parsed = await this.#parse(request.yaml);
    this.#throwOnErrors(parsed, file);
    if (existsSync(root) && !statSync(root).isDirectory()) throw new HostError('bad_request', `${root} is a file, not a folder.`);
    if (!existsSync(dirname(root))) throw new HostError('not_found', `The folder ${dirname(root)} does not exist.`);
    if (existsSync(file) && !request.overwrite) {
      throw new HostError('conflict', `${file} already exists. Overwrite it?`, { file });
    }
    mkdirSync(root, { recursive: true });
    await writeFile(file, request.yaml);
    const existing = this.store.workspaces.findByDir(root);
    if (existing) this.store.workspaces.rename(existing.id, parsed.config!.name, Date.now());
    const summary = existing ? this.#summary(this.#row(existing.id), { yaml: request.yaml, parsed, error: null }) : this.#insert(root, parsed.config!.name, parsed);
    // The user wrote this file in the app: its code needs no second confirmation (where keys go still does).
    this.store.consents.confirmCode(summary.id, Date.now());
    await this.#storeSecrets(summary.id, request.secrets);
    return summary;
  }

  async update(request: { workspaceId: string; yaml: string; secrets: Record<string, string> }): Promise<WorkspaceSummary> {
    const row = this.#row(request.workspaceId);
    const file = join(row.dir, WORKSPACE_FILE);
    const parsed = await this.#parse(request.yaml);
    this.#throwOnErrors(parsed, file);
    await writeFile(file, request.yaml);
    this.store.workspaces.rename(row.id, parsed.config!.name, Date.now());
    await this.#storeSecrets(row.id, request.secrets);
    return this.#summary(this.#row(row.id), { yaml: request.yaml, parsed, error: null });
  }

  async remove(workspaceId: string): Promise<void> {
    this.#row(workspaceId);
    await this.supervisor.stop(workspaceId);
    this.store.workspaces.remove(workspaceId);
  }

  /** What the user must still confirm before this workspace runs (see launch-consent.ts). */
  async launchConsent(workspaceId: string): Promise<LaunchConsent> {
    const row = this.#row(workspaceId);
    const configs = await this.templates.configs();
    return this.#consentState(row, await this.#validConfig(row, configs), configs).pending;
  }

  /** Records the user's confirmation of exactly what launchConsent listed under `fingerprint`. */
  async consent(workspaceId: string, fingerprint: string): Promise<void> {
    const row = this.#row(workspaceId);
    const configs = await this.templates.configs();
    const { pending, routes } = this.#consentState(row, await this.#validConfig(row, configs), configs);
    if (pending.fingerprint !== fingerprint) {
      throw new HostError('consent_required', `${WORKSPACE_FILE} of '${row.name}' changed since you reviewed it. ${pending.summary} Review it again.`, { ...pending });
    }
    const now = Date.now();
    if (pending.items.some((item) => item.kind === 'code')) this.store.consents.confirmCode(row.id, now);
    this.store.consents.confirmRoutes(row.id, routes, now);
  }

  /**
   * Everything a launch needs, checked before any process starts: a valid config, the user's consent
   * to what it runs and where its secrets go, every required secret (stored, or from `fallbackEnv`
   * for the CLI's one-off runs), the bundled agent code.
   */
  async plan(workspaceId: string, fallbackEnv: Record<string, string | undefined> = {}): Promise<LaunchPlan> {
    const row = this.#row(workspaceId);
    const entries = await this.templates.list();
    const configs = new Map(entries.map((entry) => [entry.summary.name, entry.loaded?.config ?? null]));
    const config = await this.#validConfig(row, configs);
    const consent = this.#consentState(row, config, configs).pending;
    if (consent.items.length > 0) {
      throw new HostError('consent_required', `${consent.summary} Confirm this before it runs: press Launch in the app to review it.`, { ...consent });
    }
    const agents = flattenAgents(config, this.providers.settingsProviders());
    const templates = new Map(entries.map((entry) => [entry.summary.name, entry.loaded]));

    const wanted = new Set<string>(Object.keys(config.env));
    const apiKeyNames = new Set<string>();
    for (const agent of agents) {
      for (const key of agentRequiredEnv(agent, templates.get(agent.template)?.config.requiredEnv ?? [])) wanted.add(key);
      for (const key of Object.keys(agent.env)) wanted.add(key);
      for (const value of [...Object.values(config.env), ...Object.values(agent.env)]) {
        for (const name of findApiKeyPlaceholders(value).names) apiKeyNames.add(name);
      }
    }
    // A stored value this host cannot decrypt is no failure when the launch provides the key itself.
    const provided = new Set(Object.keys(fallbackEnv).filter((key) => fallbackEnv[key]));
    const secrets = await this.secrets.decrypt(row.id, wanted, { workspace: row.name, provided });
    for (const key of wanted) {
      const value = fallbackEnv[key];
      if (!secrets.has(key) && value) {
        this.secrets.redactValue(value);
        secrets.set(key, value);
      }
    }
    const apiKeys = await this.secrets.decryptApiKeys(apiKeyNames);
    const workspaceDir = resolveWorkspaceDir(config, row.dir);

    const plan: LaunchPlan = { workspace: { id: row.id, name: row.name }, agents: [] };
    for (const agent of agents) {
      const template = templates.get(agent.template);
      if (!template) throw new HostError('invalid_config', `Template "${agent.template}" of agent '${agent.path}' is missing or invalid.`);
      const resolved = resolveAgentEnv({
        workspaceEnv: config.env,
        agentEnv: agent.env,
        requiredEnv: template.config.requiredEnv,
        waivedEnv: agent.waivedEnv,
        secrets,
        apiKeys,
        agent: agent.path,
        workspace: row.name,
      });
      if ('missing' in resolved) {
        throw new HostError('missing_secret', resolved.missing.reason, { workspaceId: row.id, key: resolved.missing.key, agent: agent.path });
      }
      const modulePath = await bundleAgent({
        entryPath: template.entryPath,
        agentsDir: this.paths.agentsDir,
        cacheDir: this.paths.cacheDir,
        nodeModulesDir: this.paths.nodeModulesDir,
        prebuiltDir: this.paths.prebuiltDir,
        warn: this.paths.warn,
      });
      plan.agents.push({
        key: agent.key,
        autoStart: agent.autoStart,
        peers: agent.peers,
        // The parent's key: a path is its ancestors' keys joined with dots.
        parent: agent.parentPath === null ? null : agent.parentPath.slice(agent.parentPath.lastIndexOf('.') + 1),
        spawn: {
          modulePath,
          cwd: existsSync(workspaceDir) ? workspaceDir : row.dir,
          serviceName: `dspatch-agent-${agent.key}`,
          env: {
            ...resolved.env,
            ...templateFieldEnv(template.config, agent.fields),
            ...(agent.model === undefined ? {} : { [AGENT_ENV.model]: agent.model }),
            ...(agent.api === undefined ? {} : { [AGENT_ENV.openaiApi]: agent.api }),
            [AGENT_ENV.agentKey]: agent.key,
            [AGENT_ENV.workspaceDir]: workspaceDir,
            [AGENT_ENV.peers]: JSON.stringify(agent.peers),
            // No trace exporter: nothing may leave for any host but the configured model endpoint.
            OPENAI_AGENTS_DISABLE_TRACING: '1',
            // glibc gives each thread its own malloc arena (V8 has several); two are plenty for an
            // agent and keep an idle one tens of MB smaller.
            MALLOC_ARENA_MAX: '2',
          },
        },
      });
    }
    return plan;
  }

  async #validConfig(row: WorkspaceRow, configs: Map<string, TemplateConfig | null>): Promise<WorkspaceConfig> {
    const file = join(row.dir, WORKSPACE_FILE);
    const read = await this.#read(row, configs);
    if (!read.parsed) throw new HostError('invalid_config', read.error ?? `${file} cannot be read.`);
    this.#throwOnErrors(read.parsed, file);
    return read.parsed.config!;
  }

  /**
   * Pending: code not yet confirmed (a folder the user did not create in the app) and the key routes
   * when they differ from the confirmed ones. `routes`: the fingerprint of the file's routes now.
   */
  #consentState(row: WorkspaceRow, config: WorkspaceConfig, configs: Map<string, TemplateConfig | null>): { pending: LaunchConsent; routes: string } {
    const routeList = keyRoutes(config, (template) => configs.get(template)?.requiredEnv ?? [], this.providers.settingsProviders());
    const routes = routesFingerprint(routeList);
    const stored = this.store.consents.get(row.id);
    const items: ConsentItem[] = [];
    if (stored?.codeConfirmedAt == null) items.push(codeItem(row.dir));
    if (routeList.length > 0 && stored?.routesFingerprint !== routes) items.push(...routeList.map(routeItem));
    return { pending: { workspaceId: row.id, items, fingerprint: consentFingerprint(items), summary: consentSummary(row.name, items) }, routes };
  }

  async #storeSecrets(workspaceId: string, secrets: Record<string, string>): Promise<void> {
    for (const [key, value] of Object.entries(secrets)) await this.secrets.set(workspaceId, key, value);
  }

  #insert(dir: string, name: string, parsed: WorkspaceParseResult): WorkspaceSummary {
    const now = Date.now();
    const row: WorkspaceRow = { id: newId(), name: name || basename(dir), dir, createdAt: now, updatedAt: now };
    this.store.workspaces.insert(row);
    return this.#summary(row, { yaml: null, parsed, error: null });
  }

  #row(workspaceId: string): WorkspaceRow {
    const row = this.store.workspaces.get(workspaceId);
    if (!row) throw new HostError('not_found', 'That workspace does not exist (it may have been removed).');
    return row;
  }

  /** Problems name the file by its base name; the message around them names the folder. */
  async #parse(yaml: string, configs?: Map<string, TemplateConfig | null>): Promise<WorkspaceParseResult> {
    return parseWorkspaceConfig(yaml, {
      fileName: WORKSPACE_FILE,
      templates: configs ?? (await this.templates.configs()),
      settingsProviders: this.providers.settingsProviders(),
    });
  }

  async #read(row: WorkspaceRow, configs?: Map<string, TemplateConfig | null>): Promise<{ yaml: string | null; parsed: WorkspaceParseResult | null; error: string | null }> {
    const file = join(row.dir, WORKSPACE_FILE);
    let yaml: string;
    try {
      yaml = await readFile(file, 'utf8');
    } catch {
      return { yaml: null, parsed: null, error: `${file} is missing or unreadable.` };
    }
    const parsed = await this.#parse(yaml, configs);
    const errors = parsed.problems.filter((problem) => problem.severity === 'error');
    return { yaml, parsed, error: errors.length ? errors.map((problem) => problem.message).join('\n') : null };
  }

  #throwOnErrors(parsed: WorkspaceParseResult, file: string): void {
    const errors = parsed.problems.filter((problem) => problem.severity === 'error');
    if (errors.length === 0 && parsed.config) return;
    throw new HostError('invalid_config', `${file} has ${errors.length === 1 ? 'an error' : `${errors.length} errors`}:\n${errors.map((p) => p.message).join('\n')}`, {
      problems: parsed.problems,
    });
  }

  #summary(row: WorkspaceRow, read: { yaml?: string | null; parsed: WorkspaceParseResult | null; error: string | null }): WorkspaceSummary {
    const errors = read.parsed?.problems.filter((problem) => problem.severity === 'error') ?? [];
    return {
      id: row.id,
      name: row.name,
      dir: row.dir,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      runStatus: this.supervisor.isRunning(row.id) ? 'running' : (this.store.workspaces.latestRun(row.id)?.status ?? null),
      configError: read.error ?? (errors.length ? errors.map((problem) => problem.message).join('\n') : null),
    };
  }
}
