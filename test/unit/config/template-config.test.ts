import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  fieldEnvName,
  loadTemplate,
  parseTemplateConfig,
  templateFieldEnv,
} from '../../../electron/host/template-config';
import type { ValidationProblem } from '../../../electron/api/contract';

const F = 'dspatch.agent.yml';

function problemsOf(yaml: string): ValidationProblem[] {
  const result = parseTemplateConfig(yaml, F);
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

describe('parseTemplateConfig', () => {
  it('reads every key and applies defaults', () => {
    const result = parseTemplateConfig(
      [
        'name: coder',
        'description: Writes code',
        'entry_point: src/main.ts',
        'readme: docs/README.md',
        'fields:',
        '  system_prompt: |',
        '    You write code.',
        '    Line two.',
        '  authority: Only the repo.',
        'required_env: [OPENAI_API_KEY, GITHUB_TOKEN]',
      ].join('\n'),
      F,
    );
    expect(result).toEqual({
      ok: true,
      warnings: [],
      config: {
        name: 'coder',
        description: 'Writes code',
        entryPoint: 'src/main.ts',
        readme: 'docs/README.md',
        fields: { system_prompt: 'You write code.\nLine two.\n', authority: 'Only the repo.' },
        requiredEnv: ['OPENAI_API_KEY', 'GITHUB_TOKEN'],
      },
    });
  });

  it('defaults description, entry point, readme, fields and required_env', () => {
    const result = parseTemplateConfig('name: minimal\nfields:\nrequired_env:\n', F);
    expect(result).toMatchObject({
      ok: true,
      config: {
        name: 'minimal',
        description: '',
        entryPoint: 'agent.ts',
        readme: null,
        fields: {},
        requiredEnv: [],
      },
    });
  });

  it('keeps field scalars as written', () => {
    const result = parseTemplateConfig('name: t\nfields:\n  retries: 007\n  strict: true\n  empty:\n', F);
    expect(result).toMatchObject({
      ok: true,
      config: { fields: { retries: '007', strict: 'true', empty: '' } },
    });
  });

  it('requires name, with the line and path', () => {
    const [problem] = problemsOf('description: x\n');
    expect(problem).toMatchObject({ severity: 'error', path: 'name', line: 1 });
    expect(problem.message).toBe('dspatch.agent.yml:1 name: is required');
  });

  it('reports an empty file and a non-mapping file', () => {
    expect(problemsOf('')[0].message).toMatch(/^dspatch\.agent\.yml:1: the file is empty/);
    expect(problemsOf('- a\n- b\n')[0].message).toMatch(/must be a mapping/);
  });

  it('reports YAML syntax errors with their line', () => {
    const [problem] = problemsOf('name: t\nfields:\n  a: [unclosed\n');
    expect(problem.severity).toBe('error');
    expect(problem.line).toBe(3);
    expect(problem.message).toMatch(/^dspatch\.agent\.yml:3: YAML syntax error/);
  });

  it('reports bad types with the line of the value', () => {
    const problems = problemsOf('name: t\nrequired_env: OPENAI_API_KEY\nfields: [a]\n');
    expect(problems.map((p) => p.message)).toEqual([
      'dspatch.agent.yml:2 required_env: must be a list, not a string',
      'dspatch.agent.yml:3 fields: must be a mapping, not a list',
    ]);
  });

  it('rejects invalid and reserved required_env names', () => {
    const problems = problemsOf(
      'name: t\nrequired_env:\n  - OK_KEY\n  - 1BAD\n  - DSPATCH_AGENT_KEY\n  - dspatch_x\n',
    );
    expect(problems.map((p) => [p.line, p.path])).toEqual([
      [4, 'required_env[1]'],
      [5, 'required_env[2]'],
      [6, 'required_env[3]'],
    ]);
    expect(problems[0].message).toMatch(/not a valid environment variable name/);
    expect(problems[1].message).toMatch(
      /^dspatch\.agent\.yml:5 required_env\[2\]: "DSPATCH_AGENT_KEY" is reserved/,
    );
  });

  it('refuses loader and runtime variables in required_env, and allows NODE_ENV and NODE_EXTRA_CA_CERTS', () => {
    const problems = problemsOf(
      [
        'name: t',
        'required_env:',
        '  - NODE_OPTIONS', //          3
        '  - LD_PRELOAD', //            4
        '  - node_path', //             5
        '  - ELECTRON_RUN_AS_NODE', //  6
        '  - NODE_ENV', //              7
        '  - NODE_EXTRA_CA_CERTS', //   8
        '  - UV_THREADPOOL_SIZE', //    9
        '  - OPENSSL_CONF', //         10
        '  - OPENAI_API_KEY', //       11
      ].join('\n'),
    );
    expect(problems.map((p) => [p.line, p.path])).toEqual([
      [3, 'required_env[0]'],
      [4, 'required_env[1]'],
      [5, 'required_env[2]'],
      [6, 'required_env[3]'],
      [9, 'required_env[6]'],
      [10, 'required_env[7]'],
    ]);
    expect(problems[0].message).toBe(
      "dspatch.agent.yml:3 required_env[0]: NODE_OPTIONS changes how the agent's runtime loads code; a template cannot require it",
    );
    expect(problems[1].message).toBe(
      "dspatch.agent.yml:4 required_env[1]: LD_PRELOAD makes the system loader load other code into the agent's process; a template cannot require it",
    );
  });

  it('warns about a key listed twice and keeps one', () => {
    const result = parseTemplateConfig('name: t\nrequired_env: [A, A]\n', F);
    expect(result).toMatchObject({ ok: true, config: { requiredEnv: ['A'] } });
    if (result.ok)
      expect(result.warnings[0].message).toBe('dspatch.agent.yml:2 required_env[1]: "A" is listed twice');
  });

  it('rejects field keys that clash once upper-cased, or are not names', () => {
    const problems = problemsOf('name: t\nfields:\n  system_prompt: a\n  SYSTEM_PROMPT: b\n  bad-key: c\n');
    expect(problems.map((p) => [p.line, p.path])).toEqual([
      [4, 'fields.SYSTEM_PROMPT'],
      [5, 'fields.bad-key'],
    ]);
    expect(problems[0].message).toMatch(/both become DSPATCH_FIELD_SYSTEM_PROMPT/);
  });

  it('rejects an entry point outside the template directory', () => {
    const [problem] = problemsOf('name: t\nentry_point: ../../etc/passwd\n');
    expect(problem.message).toBe(
      'dspatch.agent.yml:2 entry_point: must be a path inside the template directory',
    );
    expect(problemsOf('name: t\nentry_point: /abs/agent.ts\n')[0].path).toBe('entry_point');
  });

  it('warns about unknown keys, naming d:spatch ones as unsupported', () => {
    const result = parseTemplateConfig('name: t\nflavour: x\npre_install: ./setup.sh\n', F);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings.map((w) => [w.severity, w.line, w.path])).toEqual([
      ['warning', 2, 'flavour'],
      ['warning', 3, 'pre_install'],
    ]);
    expect(result.warnings[0].message).toBe('dspatch.agent.yml:2 flavour: unknown key "flavour" is ignored');
    expect(result.warnings[1].message).toMatch(/not supported/);
  });

  it('reports duplicate keys with their line', () => {
    const [problem] = problemsOf('name: a\ndescription: x\nname: b\n');
    expect(problem.message).toBe('dspatch.agent.yml:3 name: duplicate key "name"');
  });
});

describe('fields as env', () => {
  it('maps field keys to DSPATCH_FIELD_* names', () => {
    expect(fieldEnvName('system_prompt')).toBe('DSPATCH_FIELD_SYSTEM_PROMPT');
    const parsed = parseTemplateConfig('name: t\nfields:\n  authority: all\n', F);
    if (!parsed.ok) throw new Error('expected ok');
    expect(templateFieldEnv(parsed.config)).toEqual({ DSPATCH_FIELD_AUTHORITY: 'all' });
  });
});

describe('loadTemplate', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dspatch-template-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a template and finds its entry point and README', async () => {
    await writeFile(path.join(dir, F), 'name: coder\nrequired_env: [OPENAI_API_KEY]\n');
    await writeFile(path.join(dir, 'agent.ts'), 'export {};\n');
    await writeFile(path.join(dir, 'README.md'), '# Coder\n');
    const result = await loadTemplate(dir);
    expect(result).toEqual({
      ok: true,
      warnings: [],
      template: {
        dir,
        entryPath: path.join(dir, 'agent.ts'),
        readmePath: path.join(dir, 'README.md'),
        config: expect.objectContaining({ name: 'coder', requiredEnv: ['OPENAI_API_KEY'] }),
      },
    });
  });

  it('reports a missing entry point with the line that names it', async () => {
    await writeFile(path.join(dir, F), 'name: coder\nentry_point: src/main.ts\n');
    const result = await loadTemplate(dir);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0].message).toBe(
      `dspatch.agent.yml:2 entry_point: entry point "src/main.ts" does not exist in ${dir}`,
    );
  });

  it('reports a missing default entry point and a directory named like the entry point', async () => {
    await writeFile(path.join(dir, F), 'name: coder\n');
    expect((await loadTemplate(dir)).ok).toBe(false);
    await mkdir(path.join(dir, 'agent.ts'));
    expect((await loadTemplate(dir)).ok).toBe(false);
  });

  it('warns about a configured readme that does not exist', async () => {
    await writeFile(path.join(dir, F), 'name: coder\nreadme: GUIDE.md\n');
    await writeFile(path.join(dir, 'agent.ts'), '');
    const result = await loadTemplate(dir);
    expect(result).toMatchObject({ ok: true, template: { readmePath: null } });
    if (result.ok)
      expect(result.warnings[0].message).toBe('dspatch.agent.yml:2 readme: readme "GUIDE.md" does not exist');
  });

  it('returns a problem instead of throwing when the file is missing or invalid', async () => {
    const missing = await loadTemplate(path.join(dir, 'nope'));
    expect(missing).toMatchObject({ ok: false, problems: [{ severity: 'error', line: null }] });
    if (!missing.ok) expect(missing.problems[0].message).toMatch(/dspatch\.agent\.yml: not found in/);

    await writeFile(path.join(dir, F), 'name: [\n');
    const invalid = await loadTemplate(dir);
    expect(invalid.ok).toBe(false);
  });
});
