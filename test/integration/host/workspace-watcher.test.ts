// The host follows dspatch.workspace.yml on disk: breaking the file tells the renderer at once
// (workspaces.changed) and the workspace then reports the problem; fixing it recovers; an editor's
// save by rename is seen too. Watchers are bounded and closed with the host. Real files, real fs.watch.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkspaceWatcher } from '../../../electron/host/workspace-watcher';
import { addWorkspace, cleanupHarness, scratchDir, singleAgentYaml, startHost } from '../../helpers/host-harness';

afterEach(cleanupHarness);

const isChanged = (event: { type: string }) => event.type === 'workspaces.changed';

describe('workspace file watcher', () => {
  it('a broken file shows its error at once, a fixed one recovers, a save by rename is seen', async () => {
    const t = await startHost();
    const good = singleAgentYaml('watched', 'echo', 'echo');
    const workspace = await addWorkspace(t, good);
    const file = join(workspace.dir, 'dspatch.workspace.yml');
    expect((await t.host.call('workspaces.get', { workspaceId: workspace.id })).configError).toBeNull();

    let from = t.events.mark();
    writeFileSync(file, 'name: watched\nagents: [this is: not valid');
    await t.events.waitFor(isChanged, { from, what: 'workspaces.changed after breaking the file' });
    const broken = await t.host.call('workspaces.get', { workspaceId: workspace.id });
    expect(broken.configError).toMatch(/\S/);
    expect(broken.agents).toEqual([]);
    expect((await t.host.call('workspaces.list', {})).find((w) => w.id === workspace.id)?.configError).toBe(broken.configError);

    // Saved the way editors do: a new file renamed over the old one.
    from = t.events.mark();
    const temp = join(workspace.dir, '.dspatch.workspace.yml.swp');
    writeFileSync(temp, good);
    renameSync(temp, file);
    await t.events.waitFor(isChanged, { from, what: 'workspaces.changed after fixing the file' });
    const fixed = await t.host.call('workspaces.get', { workspaceId: workspace.id });
    expect(fixed.configError).toBeNull();
    expect(fixed.agents.map((a) => a.key)).toEqual(['echo']);
  });

  it('other files in the folder do not count, a burst of writes is one event, and watchers are bounded and closed', async () => {
    const dirs = [0, 1, 2].map((i) => {
      const dir = join(scratchDir('dspatch-watch-'), `ws${i}`);
      mkdirSync(dir);
      return dir;
    });
    let changes = 0;
    const warnings: string[] = [];
    const watcher = new WorkspaceWatcher({
      list: () => dirs.map((dir, i) => ({ id: `w${i}`, dir })),
      changed: () => changes++,
      warn: (message) => warnings.push(message),
      max: 2,
      debounceMs: 50,
    });
    try {
      watcher.sync();
      expect(watcher.size).toBe(2);
      expect(warnings).toHaveLength(1);
      writeFileSync(join(dirs[0], 'notes.txt'), 'not the workspace file');
      for (let i = 0; i < 5; i++) writeFileSync(join(dirs[0], 'dspatch.workspace.yml'), `name: n${i}\n`);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(changes).toBe(1);
      // The third folder is beyond the bound: not watched.
      writeFileSync(join(dirs[2], 'dspatch.workspace.yml'), 'name: x\n');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(changes).toBe(1);
    } finally {
      watcher.close();
    }
    expect(watcher.size).toBe(0);
    writeFileSync(join(dirs[1], 'dspatch.workspace.yml'), 'name: after close\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(changes).toBe(1);
  });
});
