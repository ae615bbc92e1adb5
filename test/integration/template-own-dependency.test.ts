// A user template with its own package.json and node_modules: the bundle takes the package from the
// template's folder, and an edit inside node_modules makes the next launch rebuild (the bundle cache is
// keyed on every input, not just agent.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { cleanupHarness, confirmLaunch, launchWorkspace, scratchDir, sendAndWait, startHost } from '../helpers/host-harness';

afterEach(cleanupHarness);

function writePackage(templateDir: string, greeting: string): void {
  const dir = join(templateDir, 'node_modules', 'greeting');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'greeting', version: '1.0.0', main: 'index.js' }));
  writeFileSync(join(dir, 'index.js'), `exports.greet = (name) => ${JSON.stringify(greeting)} + ' ' + name;\n`);
}

it('bundles a template’s own dependency and rebuilds when that dependency is edited', { timeout: 120_000 }, async () => {
  const templateDir = join(scratchDir('dspatch-it-owndep-'), 'greeter');
  mkdirSync(templateDir, { recursive: true });
  writeFileSync(join(templateDir, 'dspatch.agent.yml'), 'name: greeter\ndescription: Greets with its own package.\nentry_point: agent.ts\n');
  writeFileSync(join(templateDir, 'package.json'), JSON.stringify({ name: 'greeter', private: true, dependencies: { greeting: '1.0.0' } }));
  writeFileSync(
    join(templateDir, 'agent.ts'),
    [
      "import { Context, DspatchEngine } from 'dspatch';",
      "import { greet } from 'greeting';",
      'const dspatch = new DspatchEngine();',
      'dspatch.agent(Context, async function* greeter(prompt, ctx) {',
      '  while (prompt !== undefined) {',
      '    ctx.message(greet(prompt));',
      '    prompt = yield;',
      '  }',
      '});',
      'dspatch.run();',
      '',
    ].join('\n'),
  );
  writePackage(templateDir, 'Hello');

  const t = await startHost();
  await t.host.call('templates.add', { dir: templateDir, confirm: true });
  const { workspace, sessionId } = await launchWorkspace(t, 'name: greet-ws\nagents:\n  greeter:\n    template: greeter\n');
  expect((await sendAndWait(t, sessionId, 'Ada')).reply).toBe('Hello Ada');

  await t.host.call('workspaces.stop', { workspaceId: workspace.id });
  writePackage(templateDir, 'Bonjour');
  // The template's code changed on disk: the launch asks again before running it.
  await confirmLaunch(t, workspace.id);
  const { sessions } = await t.host.call('workspaces.launch', { workspaceId: workspace.id });
  expect((await sendAndWait(t, sessions[0]!.id, 'Ada')).reply).toBe('Bonjour Ada');
});
