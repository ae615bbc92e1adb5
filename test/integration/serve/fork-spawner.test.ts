// The fork spawner starts agent processes with exactly its own V8 flags: a small young generation
// (idle memory, issue 15) and never the host's flags (e.g. --inspect).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FORKED_AGENT_EXEC_ARGV } from '../../../electron/host/ports';
import { ForkSpawner } from '../../../electron/serve/fork-spawner';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('ForkSpawner', () => {
  it('runs agents with a 1 MB young generation and none of the host flags', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dspatch-fork-'));
    dirs.push(dir);
    const modulePath = join(dir, 'report.cjs');
    writeFileSync(
      modulePath,
      `const v8 = require('node:v8');
       const newSpace = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
       process.send({ execArgv: process.execArgv, newSpaceBytes: newSpace.space_size }, () => process.exit(0));`,
    );
    const child = new ForkSpawner().spawn({ modulePath, cwd: dir, env: { PATH: process.env.PATH ?? '' }, serviceName: 'dspatch-agent-test' });
    const report = await new Promise<{ execArgv: string[]; newSpaceBytes: number }>((resolve) =>
      child.onMessage((message) => resolve(message as { execArgv: string[]; newSpaceBytes: number })),
    );
    expect(report.execArgv).toEqual(FORKED_AGENT_EXEC_ARGV);
    // Two 1 MB semi-spaces; V8's default grows to 2 × 16 MB.
    expect(report.newSpaceBytes).toBeLessThanOrEqual(2 * 1024 * 1024);
  });
});
