// The template registry: the built-in templates shipped in agents/templates plus folders the user
// added. A template that fails validation is listed with its error, never hidden.
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { TemplateSummary } from '../api/types';
import type { Store } from '../store/store';
import { HostError } from './errors';
import { codeItem, templateCodeNotice } from './launch-consent';
import { loadTemplate, TEMPLATE_FILE, type LoadedTemplate, type TemplateConfig } from './template-config';

interface TemplateEntry {
  summary: TemplateSummary;
  loaded: LoadedTemplate | null;
}

export class TemplateService {
  constructor(
    private readonly store: Store,
    private readonly builtInDir: string,
  ) {}

  async list(): Promise<TemplateEntry[]> {
    const builtIn = existsSync(this.builtInDir)
      ? readdirSync(this.builtInDir, { withFileTypes: true })
          .filter((entry) => entry.isDirectory() && existsSync(join(this.builtInDir, entry.name, TEMPLATE_FILE)))
          .map((entry) => ({ dir: join(this.builtInDir, entry.name), builtIn: true, fallbackName: entry.name }))
      : [];
    const added = this.store.templates.list().map((row) => ({ dir: row.dir, builtIn: false, fallbackName: row.name }));
    const entries = await Promise.all([...builtIn, ...added].map((source) => this.#load(source)));
    return entries.sort((a, b) => Number(b.summary.builtIn) - Number(a.summary.builtIn) || a.summary.name.localeCompare(b.summary.name));
  }

  async summaries(): Promise<TemplateSummary[]> {
    return (await this.list()).map((entry) => entry.summary);
  }

  /** Template configs by name, null for an invalid one: what workspace validation needs. */
  async configs(): Promise<Map<string, TemplateConfig | null>> {
    return new Map((await this.list()).map((entry) => [entry.summary.name, entry.loaded?.config ?? null]));
  }

  async get(name: string): Promise<TemplateEntry> {
    const entry = (await this.list()).find((candidate) => candidate.summary.name === name);
    if (!entry) throw new HostError('not_found', `There is no template named "${name}".`);
    return entry;
  }

  async readme(name: string): Promise<string> {
    const entry = await this.get(name);
    const readmePath = entry.loaded?.readmePath;
    if (!readmePath) return `# ${name}\n\n${entry.summary.description || 'This template has no README.'}`;
    return readFile(readmePath, 'utf8');
  }

  /** `confirmed`: the user agreed that the folder's code runs with their rights (the GUI asks; on the CLI, naming it is consent). */
  async add(dir: string, confirmed: boolean): Promise<TemplateSummary> {
    const root = resolve(dir);
    const result = await loadTemplate(root);
    if (!result.ok) {
      throw new HostError('invalid_config', `${root} is not a valid template:\n${result.problems.map((p) => p.message).join('\n')}`, {
        problems: result.problems,
      });
    }
    const name = result.template.config.name;
    const existing = (await this.list()).find((entry) => entry.summary.name === name);
    if (existing?.summary.builtIn) throw new HostError('conflict', `"${name}" is the name of a built-in template; rename yours.`);
    if (existing && resolve(existing.summary.dir) !== root) {
      throw new HostError('conflict', `A template named "${name}" is already added from ${existing.summary.dir}.`);
    }
    // Asked last, so the user is only asked about a folder that can be added.
    if (!confirmed) {
      throw new HostError('consent_required', `${templateCodeNotice(root)} Add it only if you trust it.`, { items: [codeItem(root)] });
    }
    this.store.templates.add({ name, dir: root, addedAt: Date.now() });
    return (await this.get(name)).summary;
  }

  async remove(name: string): Promise<void> {
    const entry = await this.get(name);
    if (entry.summary.builtIn) throw new HostError('conflict', `"${name}" is built in and cannot be removed.`);
    this.store.templates.remove(name);
  }

  async #load(source: { dir: string; builtIn: boolean; fallbackName: string }): Promise<TemplateEntry> {
    const result = await loadTemplate(source.dir);
    if (result.ok) {
      const { config } = result.template;
      return {
        loaded: result.template,
        summary: {
          name: config.name,
          description: config.description,
          dir: source.dir,
          builtIn: source.builtIn,
          requiredEnv: config.requiredEnv,
          fields: config.fields,
          error: null,
        },
      };
    }
    return {
      loaded: null,
      summary: {
        name: source.fallbackName,
        description: '',
        dir: source.dir,
        builtIn: source.builtIn,
        requiredEnv: [],
        fields: {},
        error: result.problems.map((problem) => problem.message).join('\n'),
      },
    };
  }
}
