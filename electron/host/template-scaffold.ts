// `dspatch templates new NAME [DIR]` and Settings → Templates → New template: a template folder to
// start from — dspatch.agent.yml, agent.ts (the d:spatch OpenAiAgentContext example), a README, and a
// tsconfig.json that gives an editor the SDK's types.
//
// The tsconfig maps `dspatch` to the SDK sources of the installed app (they ship on disk because
// launch-time bundling reads them) and other bare imports to the app's node_modules, so the editor sees
// exactly what the bundler will use and the folder needs no `npm install` of its own. `templates check`
// type-checks with the same options (templateCompilerOptions).
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HostError } from './errors';
import { TEMPLATE_FILE } from './template-config';

/** Lower-case letters, digits and single dashes: a folder name, a YAML value and a workspace reference on every OS. */
const TEMPLATE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MAX_NAME = 64;

export function templateNameProblem(name: string): string | null {
  if (name.length === 0) return 'The template name is empty.';
  if (name.length > MAX_NAME) return `The template name is too long (${MAX_NAME} characters at most).`;
  if (!TEMPLATE_NAME.test(name)) {
    return `The template name "${name.replace(/[^\x20-\x7e]/g, '?')}" is not allowed: use lower-case letters, digits and dashes, starting with a letter (e.g. "code-reviewer").`;
  }
  return null;
}

/** Where the app's SDK and packages are: what the scaffold's tsconfig and `templates check` point at. */
export interface SdkPaths {
  /** The app's `agents/` folder. */
  agentsDir: string;
  /** The app's node_modules. */
  nodeModulesDir: string;
}

/** The TypeScript options of a template, as tsconfig.json JSON: the bundler's view of `dspatch` and bare imports. */
export function templateCompilerOptions(sdk: SdkPaths): Record<string, unknown> {
  return {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    lib: ['ES2023', 'ESNext.Disposable'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    esModuleInterop: true,
    isolatedModules: true,
    types: ['node'],
    typeRoots: [path.join(sdk.nodeModulesDir, '@types')],
    paths: {
      dspatch: [path.join(sdk.agentsDir, 'sdk', 'index.ts')],
      // Packages the app brings (openai, @openai/agents, zod…); a package.json beside the template adds more.
      '*': [path.join(sdk.nodeModulesDir, '*'), path.join(sdk.nodeModulesDir, '@types', '*')],
    },
  };
}

export interface ScaffoldResult {
  name: string;
  dir: string;
  files: string[];
}

/** Writes a new template folder; refuses a hostile name and a folder that already holds files. */
export function scaffoldTemplate(name: string, dir: string, sdk: SdkPaths): ScaffoldResult {
  const nameProblem = templateNameProblem(name);
  if (nameProblem) throw new HostError('bad_request', nameProblem);
  const root = path.resolve(dir);
  if (existsSync(root)) {
    if (!statSync(root).isDirectory()) throw new HostError('bad_request', `${root} is a file, not a folder. Choose another folder for the template.`);
    if (readdirSync(root).length > 0) {
      throw new HostError('conflict', `${root} is not empty; a new template is only written into a new or empty folder, so nothing was changed. Choose another folder.`);
    }
  }
  mkdirSync(root, { recursive: true });
  const files: Record<string, string> = {
    [TEMPLATE_FILE]: agentYaml(name),
    'agent.ts': AGENT_TS,
    'README.md': readme(name),
    'tsconfig.json': `${JSON.stringify({ compilerOptions: templateCompilerOptions(sdk), include: ['*.ts', '**/*.ts'], exclude: ['node_modules'] }, null, 2)}\n`,
  };
  for (const [file, content] of Object.entries(files)) {
    // 'wx': never replace a file that appeared since the check above.
    writeFileSync(path.join(root, file), content, { flag: 'wx' });
  }
  return { name, dir: root, files: Object.keys(files) };
}

/**
 * A bundling error that names a package the template imports but nobody installed, said as what to
 * do; null for any other error. `errors` are esbuild's (BuildFailure.errors).
 */
export function missingPackageHint(errors: unknown, templateDir: string): string | null {
  if (!Array.isArray(errors)) return null;
  for (const error of errors as { text?: unknown; location?: { file?: string; line?: number } | null }[]) {
    const specifier = typeof error.text === 'string' ? /^Could not resolve "([^"]+)"/.exec(error.text)?.[1] : undefined;
    if (!specifier || specifier.startsWith('.') || path.isAbsolute(specifier)) continue;
    const parts = specifier.split('/');
    const pkg = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
    // esbuild's locations are relative to the working folder; the template folder is what the user knows.
    const where = error.location?.file ? `${path.relative(templateDir, path.resolve(error.location.file))}:${error.location.line ?? 0}` : 'The agent';
    return (
      `${where} imports the package "${pkg}", which is not installed. Install it beside the template: ` +
      `in ${templateDir} run \`npm init -y\` (if there is no package.json yet), then \`npm install ${pkg}\`, and launch again.`
    );
  }
  return null;
}

function agentYaml(name: string): string {
  return [
    `name: ${name}`,
    'description: An assistant on the OpenAI Agents SDK, made with `dspatch templates new`.',
    'entry_point: agent.ts',
    'readme: README.md',
    'required_env:',
    '  - OPENAI_API_KEY',
    'fields:',
    '  system_prompt: You are a helpful coding assistant.',
    '  authority: >-',
    '    You may freely refactor code, fix bugs, and write tests. You must escalate any changes to the',
    '    public API surface, database schema migrations, and dependency upgrades.',
    '',
  ].join('\n');
}

/** The d:spatch OpenAiAgentContext example (seed 000), line for line; docs/sdk.md explains each line. */
const AGENT_TS = `import { DspatchEngine, OpenAiAgentContext } from 'dspatch';

const dspatch = new DspatchEngine();

dspatch.agent(OpenAiAgentContext, async function* (prompt, ctx) {
  // The system prompt and the authority come from the fields in dspatch.agent.yml (a workspace may
  // override them); pass systemPrompt and authority here to hard-code them instead.
  ctx.setup({ options: { model: 'gpt-4o' } });
  await using _agent = await ctx.enter();
  while (true) {
    try {
      await ctx.run(prompt);
    } catch (error) {
      // run() has already shown the error in the chat; the conversation goes on.
      ctx.log(\`Error: \${error instanceof Error ? error.message : String(error)}\`, 'error');
    }
    const next: string | undefined = yield;
    if (next === undefined) break;
    prompt = next;
  }
});

dspatch.run();
`;

function readme(name: string): string {
  return `# ${name}

An agent on the OpenAI Agents SDK through d:spatch's \`OpenAiAgentContext\`. See docs/sdk.md in dspatch
for the SDK reference.

- \`agent.ts\` — the agent. Change \`options.model\`, or add tools with \`tools: [...]\` in \`ctx.setup\`.
- \`dspatch.agent.yml\` — its name, the secrets it needs (\`OPENAI_API_KEY\`) and the fields
  \`system_prompt\` and \`authority\`, which a workspace can override.
- \`tsconfig.json\` — for your editor: \`dspatch\` and the app's packages resolve to the installed app.

Check it, then add it:

\`\`\`sh
dspatch templates check .
dspatch templates add .
\`\`\`

Other packages: \`npm init -y && npm install PKG\` in this folder.
`;
}
