// Writing an agent: `dspatch templates new` scaffolds a folder, `dspatch templates check` finds what
// would stop it from launching (YAML, types, missing packages) with file:line, and the scaffold itself
// launches under the real host against the fixture model. Needs a build (the CLI runs from out/cli).
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HostError } from '../../electron/host/errors';
import { dspatch } from '../helpers/cli';
import { useFakeOpenAI } from '../helpers/fake-model';
import { addWorkspace, cleanupHarness, confirmLaunch, scratchDir, sendAndWait, startHost } from '../helpers/host-harness';
import { repoRoot } from '../helpers/paths';

const fake = useFakeOpenAI();
afterEach(cleanupHarness);

const TIMEOUT = 120_000;

async function scaffold(name = 'my-agent'): Promise<string> {
  const cwd = scratchDir('dspatch-it-tpl-');
  const made = await dspatch(['templates', 'new', name], { cwd });
  expect(made.stderr).toBe('');
  expect(made.code).toBe(0);
  return join(cwd, name);
}

describe('dspatch templates new and check', () => {
  it(
    'scaffolds a template that checks clean, then launches and answers',
    async () => {
      const dir = await scaffold();
      expect(readdirSync(dir).sort()).toEqual(['README.md', 'agent.ts', 'dspatch.agent.yml', 'tsconfig.json']);
      // The editor's view of `dspatch` is the installed app's SDK, not a copy.
      const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
      expect(tsconfig.compilerOptions.paths.dspatch).toEqual([join(repoRoot, 'agents', 'sdk', 'index.ts')]);

      const started = performance.now();
      const check = await dspatch(['templates', 'check', dir, '--json']);
      const wall = performance.now() - started;
      expect(check.code, check.stdout + check.stderr).toBe(0);
      const result = JSON.parse(check.stdout) as { ok: boolean; problems: unknown[]; typesSkipped: string | null; timings: Record<string, number> };
      expect(result).toMatchObject({ ok: true, problems: [], typesSkipped: null });
      // Figures for the lead (never asserted): the whole command, the type check and a cold bundle.
      console.log(`templates check: ${wall.toFixed(0)} ms wall; types ${result.timings.types.toFixed(0)} ms; cold bundle ${result.timings.bundle.toFixed(0)} ms`);

      fake.script({ text: 'Hello from the scaffold.', usage: { inputTokens: 12, outputTokens: 4 } });
      const t = await startHost();
      const added = await t.host.call('templates.add', { dir, confirm: true });
      expect(added.requiredEnv).toEqual(['OPENAI_API_KEY']);
      const yaml = `name: scaffold-ws\nagents:\n  helper:\n    template: my-agent\n    env:\n      OPENAI_BASE_URL: ${fake.baseURL}\n`;
      const { id: workspaceId } = await addWorkspace(t, yaml);
      await t.host.call('secrets.set', { workspaceId, key: 'OPENAI_API_KEY', value: 'sk-scaffold-test-0123456789abcdef' });
      await confirmLaunch(t, workspaceId);
      const { sessions } = await t.host.call('workspaces.launch', { workspaceId });
      const turn = await sendAndWait(t, sessions[0].id, 'Hi');
      expect(turn.messages.map((m) => m.text)).toEqual(['Hello from the scaffold.']);
      // The template's fields reached the model as its instructions.
      expect(JSON.stringify(fake.requests[0].body)).toContain('You are a helpful coding assistant.');
    },
    TIMEOUT,
  );

  it(
    'reports a type error as file:line and exits non-zero',
    async () => {
      const dir = await scaffold();
      const agent = readFileSync(join(dir, 'agent.ts'), 'utf8').replace('await ctx.run(prompt);', 'await ctx.run(42);');
      writeFileSync(join(dir, 'agent.ts'), agent);
      const line = agent.split('\n').findIndex((text) => text.includes('ctx.run(42)')) + 1;
      const check = await dspatch(['templates', 'check', dir]);
      expect(check.code).toBe(1);
      expect(check.stdout).toContain(`agent.ts:${line}:`);
      expect(check.stdout).toMatch(/error: Argument of type 'number' is not assignable to parameter of type 'string'\. \(TS2345\)/);
      expect(check.stdout).toContain('1 error');
    },
    TIMEOUT,
  );

  it(
    'reports a dspatch.agent.yml problem with its line',
    async () => {
      const dir = await scaffold();
      writeFileSync(join(dir, 'dspatch.agent.yml'), 'name: broken\nentry_point: ../outside.ts\n');
      const check = await dspatch(['templates', 'check', dir]);
      expect(check.code).toBe(1);
      expect(check.stdout).toMatch(/^dspatch\.agent\.yml:2 error: entry_point: must be a path inside the template directory$/m);
    },
    TIMEOUT,
  );

  it(
    'names a missing package and where to install it, in check and at launch',
    async () => {
      const dir = await scaffold();
      const agent = readFileSync(join(dir, 'agent.ts'), 'utf8');
      writeFileSync(join(dir, 'agent.ts'), `import leftPad from 'left-pad';\nconsole.log(leftPad('x', 2));\n${agent}`);
      const check = await dspatch(['templates', 'check', dir]);
      expect(check.code).toBe(1);
      const hint = `agent.ts:1 imports the package "left-pad", which is not installed. Install it beside the template: in ${dir} run \`npm init -y\` (if there is no package.json yet), then \`npm install left-pad\``;
      expect(check.stdout).toContain(hint);

      const t = await startHost();
      await t.host.call('templates.add', { dir, confirm: true });
      const { id: workspaceId } = await addWorkspace(t, 'name: missing-pkg\nagents:\n  helper:\n    template: my-agent\n');
      await t.host.call('secrets.set', { workspaceId, key: 'OPENAI_API_KEY', value: 'sk-scaffold-test-0123456789abcdef' });
      await confirmLaunch(t, workspaceId);
      await expect(t.host.call('workspaces.launch', { workspaceId })).rejects.toThrow(hint);
    },
    TIMEOUT,
  );

  it('refuses hostile names and folders that already hold files, writing nothing', async () => {
    const cwd = scratchDir('dspatch-it-tpl-');
    for (const name of ['../escape', '/etc/x', 'a/b', 'UPPER', 'dash-', '-lead', 'name with space', 'ünïcode', 'x'.repeat(65), '.hidden', 'a\nb']) {
      const result = await dspatch(['templates', 'new', '--', name], { cwd });
      expect(result.code, name).toBe(1);
      expect(result.stderr, name).toMatch(/is not allowed: use lower-case letters, digits and dashes|is too long \(64 characters at most\)/);
    }
    expect(readdirSync(cwd)).toEqual([]);
    expect(existsSync(join(cwd, '..', 'escape'))).toBe(false);

    const taken = join(cwd, 'taken');
    mkdirSync(taken);
    writeFileSync(join(taken, 'notes.txt'), 'mine');
    const refused = await dspatch(['templates', 'new', 'taken'], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${taken} is not empty; a new template is only written into a new or empty folder, so nothing was changed.`);
    expect(readdirSync(taken)).toEqual(['notes.txt']);

    // The same rules through the HostApi the GUI uses.
    const t = await startHost();
    await expect(t.host.call('templates.scaffold', { name: '../../x', dir: join(cwd, 'x') })).rejects.toSatisfy(
      (error: unknown) => error instanceof HostError && error.code === 'bad_request',
    );
    await expect(t.host.call('templates.scaffold', { name: 'taken', dir: taken })).rejects.toThrow('is not empty');
    const made = await t.host.call('templates.scaffold', { name: 'from-gui', dir: join(cwd, 'from-gui') });
    expect(made.files.sort()).toEqual(['README.md', 'agent.ts', 'dspatch.agent.yml', 'tsconfig.json']);
  }, TIMEOUT);
});
