// `dspatch templates check DIR`: everything that would stop a template from launching, found before a
// launch — dspatch.agent.yml validation, the TypeScript type checker over the template's own files, and
// a real (cold) bundle, which finds imports of packages that are not installed.
//
// `typescript` is loaded from the app's node_modules at run time, not bundled into the CLI (it is 9 MB).
// A packaged app does not ship it: there the check says so and falls back to the YAML and the bundle.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type * as Ts from 'typescript';
import { bundleAgent } from './agent-bundler';
import { TEMPLATE_FILE, loadTemplate } from './template-config';
import { templateCompilerOptions, type SdkPaths } from './template-scaffold';

const YAML_PREFIX = new RegExp(`^${TEMPLATE_FILE.replace(/\./g, '\\.')}(:[^\\s:]+)?(: | )`);

export interface CheckProblem {
  severity: 'error' | 'warning';
  /** Relative to the template folder. */
  file: string;
  line: number | null;
  column: number | null;
  message: string;
}

export interface TemplateCheckResult {
  dir: string;
  ok: boolean;
  problems: CheckProblem[];
  /** Why the type checker did not run, when it did not. */
  typesSkipped: string | null;
  /** Milliseconds per step, for `--json` and the benchmark. */
  timings: { config: number; types: number | null; bundle: number | null };
}

export async function checkTemplate(dir: string, sdk: SdkPaths): Promise<TemplateCheckResult> {
  const root = path.resolve(dir);
  const problems: CheckProblem[] = [];
  const timings: TemplateCheckResult['timings'] = { config: 0, types: null, bundle: null };
  let typesSkipped: string | null = null;

  let started = performance.now();
  const loaded = await loadTemplate(root);
  timings.config = performance.now() - started;
  const yamlProblems = loaded.ok ? loaded.warnings : loaded.problems;
  for (const p of yamlProblems) {
    // The YAML checks put "dspatch.agent.yml:LINE" in front of their messages; formatProblem adds it back.
    const message = p.message.replace(YAML_PREFIX, '');
    problems.push({ severity: p.severity, file: TEMPLATE_FILE, line: p.line, column: null, message });
  }

  if (loaded.ok) {
    const ts = loadTypeScript(sdk.nodeModulesDir);
    if (ts) {
      started = performance.now();
      problems.push(...typeProblems(ts, loaded.template.entryPath, root, sdk));
      timings.types = performance.now() - started;
    } else {
      typesSkipped = 'TypeScript is not installed with this copy of dspatch, so types were not checked (the YAML and the bundle were). Run `npx tsc --noEmit` in the template folder to check them.';
    }
    started = performance.now();
    problems.push(...(await bundleProblems(loaded.template.entryPath, root, sdk)));
    timings.bundle = performance.now() - started;
  }
  return { dir: root, ok: !problems.some((p) => p.severity === 'error'), problems, typesSkipped, timings };
}

/** `file:line:column severity: message`, the shape editors and terminals turn into links. */
export function formatProblem(problem: CheckProblem): string {
  const at = [problem.file, problem.line, problem.column].filter((part) => part !== null).join(':');
  return `${at} ${problem.severity}: ${problem.message}`;
}

function loadTypeScript(nodeModulesDir: string): typeof Ts | null {
  try {
    return createRequire(path.join(nodeModulesDir, '..', 'package.json'))('typescript') as typeof Ts;
  } catch {
    return null;
  }
}

/** Type errors in the template's own files; the SDK and packages are checked by whoever ships them. */
function typeProblems(ts: typeof Ts, entryPath: string, root: string, sdk: SdkPaths): CheckProblem[] {
  const { options, errors } = ts.convertCompilerOptionsFromJson(templateCompilerOptions(sdk), root);
  const program = ts.createProgram({ rootNames: [entryPath], options });
  const inTemplate = (file: Ts.SourceFile) => !path.relative(root, file.fileName).startsWith('..') && !file.fileName.includes('/node_modules/');
  const diagnostics = [
    ...errors,
    ...program.getOptionsDiagnostics(),
    ...program.getSourceFiles().filter(inTemplate).flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]),
  ];
  return diagnostics.map((d) => {
    const position = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null;
    return {
      severity: d.category === ts.DiagnosticCategory.Error ? 'error' : 'warning',
      file: d.file ? path.relative(root, d.file.fileName) : 'tsconfig',
      line: position ? position.line + 1 : null,
      column: position ? position.character + 1 : null,
      message: `${ts.flattenDiagnosticMessageText(d.messageText, ' ')} (TS${d.code})`,
    };
  });
}

/** A cold bundle into a throw-away cache, exactly as a launch would build it. */
async function bundleProblems(entryPath: string, root: string, sdk: SdkPaths): Promise<CheckProblem[]> {
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'dspatch-check-'));
  try {
    await bundleAgent({ entryPath, agentsDir: sdk.agentsDir, nodeModulesDir: sdk.nodeModulesDir, cacheDir, warn: () => {} });
    return [];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [{ severity: 'error', file: path.relative(root, entryPath), line: null, column: null, message }];
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
