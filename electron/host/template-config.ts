// A template's `dspatch.agent.yml`: parsed with `yaml` (keeping line numbers) and checked with zod.
// Also holds the YAML helpers and env-name rules that workspace-config.ts shares, so both files report
// problems in one format: `<file>:<line> <dotted.path>: <message>`.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import * as z from 'zod';
import type { ValidationProblem } from '../api/contract';
import { AGENT_ENV } from '../../agents/protocol';

export const TEMPLATE_FILE = 'dspatch.agent.yml';

export interface TemplateConfig {
  name: string;
  description: string;
  /** Relative to the template directory. */
  entryPoint: string;
  /** Relative to the template directory; null when the YAML names none. */
  readme: string | null;
  /** Plain text handed to the agent as DSPATCH_FIELD_<KEY> (e.g. system_prompt, authority). */
  fields: Record<string, string>;
  /** Env names the agent needs; the user is prompted for each unless the workspace supplies it. */
  requiredEnv: string[];
}

export type TemplateParseResult =
  | { ok: true; config: TemplateConfig; warnings: ValidationProblem[] }
  | { ok: false; problems: ValidationProblem[] };

export interface LoadedTemplate {
  config: TemplateConfig;
  dir: string;
  /** Absolute path of the entry point (checked to exist). */
  entryPath: string;
  /** Absolute path of the readme: the configured one, else a README.md found in the directory. */
  readmePath: string | null;
}

export type TemplateLoadResult =
  | { ok: true; template: LoadedTemplate; warnings: ValidationProblem[] }
  | { ok: false; problems: ValidationProblem[] };

// ── env names (shared with workspace-config.ts) ────────────────────────────────────────────────────

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Every name the host sets for an agent starts with this; see AGENT_ENV. */
export const RESERVED_ENV_PREFIX = 'DSPATCH_';

export function isValidEnvName(name: string): boolean {
  return ENV_NAME.test(name) && name.length <= 128;
}

/** Case-insensitive: on Windows env names are, and `dspatch_x` shadowing a host name is never intended. */
export function isReservedEnvName(name: string): boolean {
  return name.toUpperCase().startsWith(RESERVED_ENV_PREFIX);
}

/**
 * Variables read by the runtime an agent runs in (the system loader, Node.js, Electron, libuv,
 * OpenSSL) rather than by the agent's code. A file must not set them: they load other code into the
 * agent's process or change what its runtime trusts, so a workspace file would turn into code that
 * runs in the host's name. Each entry: a name, or a prefix ending in `_*`, and why.
 *
 * Two NODE_* names stay allowed. NODE_ENV is a convention of app code; Node.js itself ignores it.
 * NODE_EXTRA_CA_CERTS only adds trust roots (PEM data, never code) and is the one way an agent behind
 * a TLS-inspecting proxy can reach its API: agents get none of the host's env, so the workspace is the
 * only place to set it. Where saved keys go is confirmed separately (see launch-consent.ts).
 */
const RUNTIME_ENV: readonly (readonly [pattern: string, reason: string])[] = [
  ['LD_*', 'makes the system loader load other code into the agent\'s process'],
  ['DYLD_*', 'makes the system loader load other code into the agent\'s process'],
  ['GCONV_PATH', 'makes the C library load other code into the agent\'s process'],
  ['GLIBC_TUNABLES', 'changes how the C library runs the agent\'s process'],
  ['NODE_OPTIONS', 'changes how the agent\'s runtime loads code'],
  ['NODE_PATH', 'changes how the agent\'s runtime loads code'],
  ['NODE_TLS_REJECT_UNAUTHORIZED', 'turns off the TLS checks that protect the agent\'s API keys'],
  ['NODE_*', 'changes how Node.js runs the agent'],
  ['ELECTRON_*', 'changes how Electron runs the agent\'s process'],
  ['UV_*', 'changes how the agent\'s runtime (libuv) works'],
  ['OPENSSL_CONF', 'makes OpenSSL load other code into the agent\'s process'],
  ['OPENSSL_ENGINES', 'makes OpenSSL load other code into the agent\'s process'],
  ['OPENSSL_MODULES', 'makes OpenSSL load other code into the agent\'s process'],
];
const RUNTIME_ENV_ALLOWED = ['NODE_ENV', 'NODE_EXTRA_CA_CERTS'];

/** Why `name` is a runtime variable no file may set (see RUNTIME_ENV), or null. Case-insensitive, like Windows. */
export function runtimeEnvReason(name: string): string | null {
  const upper = name.toUpperCase();
  if (RUNTIME_ENV_ALLOWED.includes(upper)) return null;
  const match = RUNTIME_ENV.find(([pattern]) =>
    pattern.endsWith('_*') ? upper.startsWith(pattern.slice(0, -1)) : upper === pattern,
  );
  return match ? match[1] : null;
}

export function isRuntimeEnvName(name: string): boolean {
  return runtimeEnvReason(name) !== null;
}

const RUNTIME_ENV_REFUSAL = {
  workspace: 'it cannot be set from a workspace file',
  template: 'a template cannot require it',
} as const;

/** Why `name` cannot be declared by a workspace file or required by a template, or null when it can. */
export function envNameProblem(name: string, where: keyof typeof RUNTIME_ENV_REFUSAL = 'workspace'): string | null {
  if (!isValidEnvName(name)) {
    return `"${name}" is not a valid environment variable name (letters, digits and "_", not starting with a digit)`;
  }
  if (isReservedEnvName(name))
    return `"${name}" is reserved: ${RESERVED_ENV_PREFIX}* names are set by dspatch`;
  const runtime = runtimeEnvReason(name);
  if (runtime) return `${name} ${runtime}; ${RUNTIME_ENV_REFUSAL[where]}`;
  return null;
}

/** The env name a template field is passed under, e.g. system_prompt → DSPATCH_FIELD_SYSTEM_PROMPT. */
export function fieldEnvName(fieldKey: string): string {
  return `${AGENT_ENV.fieldPrefix}${fieldKey.toUpperCase()}`;
}

/** The DSPATCH_FIELD_* part of an agent's env: the template's fields, with the workspace's overrides. */
export function templateFieldEnv(
  config: TemplateConfig,
  overrides: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...config.fields, ...overrides })) env[fieldEnvName(key)] = value;
  return env;
}

// ── YAML helpers (shared with workspace-config.ts) ─────────────────────────────────────────────────

export type PathSegment = string | number;

/** `['agents', 'coder', 'peers', 1]` → `agents.coder.peers[1]`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** A parsed YAML file plus what is needed to turn paths into line numbers. */
export class YamlSource {
  readonly doc: Document.Parsed;
  readonly fileName: string;
  private readonly lines: LineCounter;
  /** Errors at end of input (an unclosed bracket) point here, not at the empty line after it. */
  private readonly lastLine: number;

  constructor(text: string, fileName: string) {
    this.fileName = fileName;
    this.lines = new LineCounter();
    this.lastLine = Math.max(1, text.trimEnd().split(/\r\n|\r|\n/).length);
    // prettyErrors off: its messages quote the source, which may hold a secret typed into `env`.
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
  }

  lineAt(offset: number): number {
    return Math.min(this.lines.linePos(offset).line, this.lastLine);
  }

  /**
   * The line of the node at `segments`. For a map entry: the line of its key when `at` is 'key' or the
   * value is empty, else of its value. A path that does not exist (a missing key) falls back to the
   * deepest ancestor that does, so "template is required" points at the agent's own line.
   */
  lineOf(segments: readonly PathSegment[], at: 'key' | 'value' = 'value'): number {
    let node: unknown = this.doc.contents;
    let best: number | null = rangeStart(node);
    let entryKeyStart: number | null = null;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i];
      const last = i === segments.length - 1;
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isScalar(item.key) && String(item.key.value) === String(segment),
        );
        if (!pair) {
          best = entryKeyStart ?? best; // a missing key: point at the entry that lacks it
          break;
        }
        const keyStart = rangeStart(pair.key);
        entryKeyStart = keyStart;
        const valueStart = rangeStart(pair.value);
        const valueIsEmpty = pair.value === null || (isScalar(pair.value) && pair.value.value === null);
        best = (last && at === 'key') || valueIsEmpty ? (keyStart ?? best) : (valueStart ?? keyStart ?? best);
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item === undefined) break;
        best = rangeStart(item) ?? best;
        node = item;
      } else {
        break;
      }
    }
    return best === null ? 1 : this.lineAt(best);
  }

  problem(
    severity: ValidationProblem['severity'],
    segments: readonly PathSegment[],
    message: string,
    line: number = this.lineOf(segments),
  ): ValidationProblem {
    const dotted = formatPath(segments);
    const where = dotted === '' ? `${this.fileName}:${line}` : `${this.fileName}:${line} ${dotted}`;
    return { severity, line, path: dotted, message: `${where}: ${message}` };
  }

  /**
   * YAML syntax errors and warnings, plus duplicate keys reported with their dotted path (the yaml
   * library reports those too, but only with an offset; its copy is kept only if ours missed one).
   */
  syntaxProblems(): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const duplicateLines = new Set<number>();
    const walk = (node: unknown, segments: PathSegment[]): void => {
      if (isMap(node)) {
        const seen = new Set<string>();
        for (const pair of node.items) {
          if (!isScalar(pair.key)) continue;
          const key = String(pair.key.value);
          if (seen.has(key)) {
            const line = this.lineAt(rangeStart(pair.key) ?? 0);
            duplicateLines.add(line);
            problems.push(this.problem('error', [...segments, key], `duplicate key "${key}"`, line));
          }
          seen.add(key);
          walk(pair.value, [...segments, key]);
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, index) => walk(item, [...segments, index]));
      }
    };
    walk(this.doc.contents, []);
    for (const error of this.doc.errors) {
      const line = this.lineAt(error.pos[0]);
      if (error.code === 'DUPLICATE_KEY' && duplicateLines.has(line)) continue;
      problems.push(this.problem('error', [], `YAML syntax error: ${error.message}`, line));
    }
    for (const warning of this.doc.warnings) {
      problems.push(this.problem('warning', [], `YAML: ${warning.message}`, this.lineAt(warning.pos[0])));
    }
    return problems;
  }

  /**
   * Scalars such as `PORT: 0123` or `DEBUG: true` become their source text ('0123', 'true'), and an
   * empty value becomes '': env values and fields are text, and `0123` must not turn into '123'.
   */
  textifyMapValues(segments: readonly PathSegment[]): void {
    const node = this.doc.getIn(segments, true);
    if (!isMap(node)) return;
    for (const pair of node.items) {
      if (!isScalar(pair.value)) continue;
      const scalar = pair.value;
      if (scalar.value === null) scalar.value = '';
      else if (typeof scalar.value !== 'string') scalar.value = scalar.source ?? String(scalar.value);
    }
  }

  /**
   * The document as plain JS. toJS() throws on an alias to a missing anchor or an alias bomb
   * (more than yaml's maxAliasCount expansions); both become an error problem.
   */
  toJS(): { value: unknown } | { problem: ValidationProblem } {
    try {
      return { value: this.doc.toJS() as unknown };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { problem: this.problem('error', [], `YAML cannot be read: ${reason}`, 1) };
    }
  }

  /** Keys of the map at `segments` (in order), or [] when it is not a map. */
  mapKeys(segments: readonly PathSegment[]): string[] {
    const node = segments.length === 0 ? this.doc.contents : this.doc.getIn(segments, true);
    if (!isMap(node)) return [];
    return node.items.flatMap((pair) => (isScalar(pair.key) ? [String(pair.key.value)] : []));
  }
}

function rangeStart(node: unknown): number | null {
  if (node !== null && typeof node === 'object' && 'range' in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    if (range) return range[0];
  }
  return null;
}

/** Env values and fields are text; numbers and booleans that slipped through an alias become text too. */
export const textValue = z
  .union([z.string(), z.number(), z.boolean(), z.null()], { error: 'must be text' })
  .transform((value) => (value === null ? '' : String(value)));

function typeName(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

function valueAt(root: unknown, segments: readonly PropertyKey[]): unknown {
  let value = root;
  for (const segment of segments) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  boolean: 'true or false',
  number: 'a number',
};

/** zod issues → problems with a line, using messages written for someone editing YAML. */
export function zodProblems(source: YamlSource, root: unknown, error: z.ZodError): ValidationProblem[] {
  return error.issues.map((issue) => {
    const segments = issue.path.filter(
      (s): s is PathSegment => typeof s === 'string' || typeof s === 'number',
    );
    let message = issue.message;
    if (issue.code === 'invalid_type') {
      const actual = valueAt(root, issue.path);
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      message = actual === undefined ? 'is required' : `must be ${expected}, not ${typeName(actual)}`;
    }
    return source.problem('error', segments, message);
  });
}

export function unknownKeyWarnings(
  source: YamlSource,
  segments: readonly PathSegment[],
  known: readonly string[],
  notSupported: readonly string[] = [],
): ValidationProblem[] {
  return source
    .mapKeys(segments)
    .filter((key) => !known.includes(key))
    .map((key) =>
      source.problem(
        'warning',
        [...segments, key],
        notSupported.includes(key)
          ? `"${key}" is not supported by dspatch desktop; it is ignored and dropped when the app rewrites the file`
          : `unknown key "${key}" is ignored`,
        source.lineOf([...segments, key], 'key'),
      ),
    );
}

export function sortProblems(problems: ValidationProblem[]): ValidationProblem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => (a.problem.line ?? Infinity) - (b.problem.line ?? Infinity) || a.index - b.index)
    .map(({ problem }) => problem);
}

export function hasErrors(problems: readonly ValidationProblem[]): boolean {
  return problems.some((problem) => problem.severity === 'error');
}

// ── dspatch.agent.yml ──────────────────────────────────────────────────────────────────────────────

const FIELD_KEY = /^[A-Za-z][A-Za-z0-9_]*$/;

/** A path inside the template directory: relative, no `..`, so a template cannot point outside itself. */
const relativeFile = z
  .string({ error: 'must be a file name' })
  .trim()
  .min(1, 'must not be empty')
  .refine((value) => !path.isAbsolute(value) && !value.split(/[\\/]/).includes('..'), {
    message: 'must be a path inside the template directory',
  });

const templateSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'is too long (200 characters at most)'),
  description: z
    .string()
    .nullish()
    .transform((value) => value ?? ''),
  entry_point: relativeFile.nullish().transform((value) => value ?? 'agent.ts'),
  readme: relativeFile.nullish().transform((value) => value ?? null),
  fields: z
    .record(z.string(), textValue)
    .nullish()
    .transform((value) => value ?? {}),
  required_env: z
    .array(z.string())
    .nullish()
    .transform((value) => value ?? []),
});

const TEMPLATE_KEYS = ['name', 'description', 'entry_point', 'readme', 'fields', 'required_env'];
/** d:spatch keys that make no sense here (install scripts, container mounts, source bookkeeping). */
const TEMPLATE_NOT_SUPPORTED = [
  'pre_install',
  'post_install',
  'required_mounts',
  'source_type',
  'source_path',
  'git_url',
  'git_branch',
  'source',
];

export function parseTemplateConfig(yamlText: string, fileName: string = TEMPLATE_FILE): TemplateParseResult {
  const source = new YamlSource(yamlText, fileName);
  const syntax = source.syntaxProblems();
  if (hasErrors(syntax)) return { ok: false, problems: sortProblems(syntax) };
  if (!isMap(source.doc.contents)) {
    const what = source.doc.contents === null ? 'is empty' : 'must be a mapping';
    return {
      ok: false,
      problems: [source.problem('error', [], `the file ${what}; it needs at least "name"`)],
    };
  }

  source.textifyMapValues(['fields']);
  const js = source.toJS();
  if ('problem' in js) return { ok: false, problems: [js.problem] };
  const raw = js.value;
  const parsed = templateSchema.safeParse(raw);
  const problems = [...syntax, ...unknownKeyWarnings(source, [], TEMPLATE_KEYS, TEMPLATE_NOT_SUPPORTED)];
  if (!parsed.success) {
    problems.push(...zodProblems(source, raw, parsed.error));
    return { ok: false, problems: sortProblems(problems) };
  }
  const data = parsed.data;

  const fieldEnvNames = new Map<string, string>();
  for (const key of Object.keys(data.fields)) {
    const segments = ['fields', key];
    if (!FIELD_KEY.test(key)) {
      problems.push(
        source.problem(
          'error',
          segments,
          `field key "${key}" must start with a letter and use letters, digits and "_"`,
          source.lineOf(segments, 'key'),
        ),
      );
      continue;
    }
    // Keys reach the agent upper-cased, so system_prompt and SYSTEM_PROMPT would overwrite each other.
    const envName = fieldEnvName(key);
    const clash = fieldEnvNames.get(envName);
    if (clash !== undefined) {
      problems.push(
        source.problem(
          'error',
          segments,
          `field "${key}" and field "${clash}" both become ${envName}`,
          source.lineOf(segments, 'key'),
        ),
      );
    }
    fieldEnvNames.set(envName, key);
  }

  const requiredEnv: string[] = [];
  data.required_env.forEach((name, index) => {
    const segments = ['required_env', index];
    const bad = envNameProblem(name, 'template');
    if (bad) problems.push(source.problem('error', segments, bad));
    else if (requiredEnv.includes(name))
      problems.push(source.problem('warning', segments, `"${name}" is listed twice`));
    else requiredEnv.push(name);
  });

  if (hasErrors(problems)) return { ok: false, problems: sortProblems(problems) };
  return {
    ok: true,
    config: {
      name: data.name,
      description: data.description,
      entryPoint: data.entry_point,
      readme: data.readme,
      fields: data.fields,
      requiredEnv,
    },
    warnings: sortProblems(problems),
  };
}

async function isFile(filePath: string): Promise<boolean> {
  try {
    return (await stat(filePath)).isFile();
  } catch {
    return false;
  }
}

/** Reads and checks `<dir>/dspatch.agent.yml`. Never throws: an unreadable template is a problem. */
export async function loadTemplate(dir: string): Promise<TemplateLoadResult> {
  const root = path.resolve(dir);
  const filePath = path.join(root, TEMPLATE_FILE);
  const noLine = (message: string): TemplateLoadResult => ({
    ok: false,
    problems: [{ severity: 'error', line: null, path: '', message: `${TEMPLATE_FILE}: ${message}` }],
  });

  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return noLine(code === 'ENOENT' ? `not found in ${root}` : `cannot be read (${code ?? 'unknown error'})`);
  }

  const parsed = parseTemplateConfig(text, TEMPLATE_FILE);
  if (!parsed.ok) return parsed;
  const { config } = parsed;
  const source = new YamlSource(text, TEMPLATE_FILE);
  const warnings = [...parsed.warnings];

  const entryPath = path.join(root, config.entryPoint);
  if (!(await isFile(entryPath))) {
    return {
      ok: false,
      problems: [
        source.problem(
          'error',
          ['entry_point'],
          `entry point "${config.entryPoint}" does not exist in ${root}`,
        ),
      ],
    };
  }

  let readmePath: string | null = null;
  if (config.readme !== null) {
    readmePath = path.join(root, config.readme);
    if (!(await isFile(readmePath))) {
      warnings.push(source.problem('warning', ['readme'], `readme "${config.readme}" does not exist`));
      readmePath = null;
    }
  } else if (await isFile(path.join(root, 'README.md'))) {
    readmePath = path.join(root, 'README.md');
  }

  return { ok: true, template: { config, dir: root, entryPath, readmePath }, warnings };
}
