// `dspatch search` as users run it: the built CLI in real processes on a real data folder, after a
// real echo agent answered through `dspatch run`.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupHarness, scratchDir, singleAgentYaml, workspaceDir } from '../../helpers/host-harness';
import { dspatch } from '../../helpers/cli';
import { repoRoot } from '../../helpers/paths';

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-cli.js'], { cwd: repoRoot, stdio: 'pipe' });
}, 120_000);

afterAll(cleanupHarness);

describe('dspatch search', () => {
  const dataDir = scratchDir('dspatch-it-search-cli-');
  const dir = workspaceDir(singleAgentYaml('search-cli', 'echo', 'echo'));
  const cli = (...args: string[]) => dspatch([...args, '--data-dir', dataDir]);

  it('finds a conversation with --json hits and grouped text, and takes FTS syntax as text', async () => {
    const ran = await cli('run', dir, '--prompt', 'where did we put the \x1b[31m capybara \x1b[0m backups (NEAR "cold" storage)');
    expect(ran.code, ran.stderr).toBe(0);

    const json = await cli('search', 'capybara', '--json');
    expect(json.code, json.stderr).toBe(0);
    const hits = JSON.parse(json.stdout) as { sessionId: string; messageId: string; snippet: string; kind: string; marks: [number, number][] }[];
    expect(hits.map((hit) => hit.kind).sort()).toEqual(['assistant', 'user']);
    for (const hit of hits) {
      expect(hit.sessionId).toMatch(/\S/);
      expect(hit.messageId).toMatch(/\S/);
      expect(hit.snippet).toContain('capybara');
      expect(hit.marks.map(([start, end]) => hit.snippet.slice(start, end))).toEqual(['capybara']);
    }
    expect(new Set(hits.map((hit) => hit.sessionId)).size).toBe(1);

    // Two words without quotes, and the workspace filter by name.
    const text = await cli('search', 'capybara', 'backups', '--workspace', 'search-cli');
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toContain(`echo in search-cli  (dspatch sessions show ${hits[0].sessionId})`);
    expect(lines.slice(1).sort()).toEqual([
      '  [assistant] where did we put the  [31m capybara  [0m backups (NEAR "cold" storage)',
      '  [user] where did we put the  [31m capybara  [0m backups (NEAR "cold" storage)',
    ]);
    // The agent's escape sequences never reach the terminal.
    expect(text.stdout).not.toContain('\x1b');

    for (const query of ['(NEAR "cold"', '"', 'storage)', 'cold*', 'body:cold OR x']) {
      const result = await cli('search', query, '--json');
      expect(result.code, `${query}: ${result.stderr}`).toBe(0);
      expect(Array.isArray(JSON.parse(result.stdout))).toBe(true);
    }
    const none = await cli('search', 'okapi');
    expect(none.stdout).toBe('Nothing found for "okapi".\n');
  });

  it('says what is missing without TEXT, and names an unknown workspace', async () => {
    const empty = await cli('search');
    expect(empty.code).toBe(64);
    expect(empty.stderr).toContain('dspatch search needs the TEXT to look for');
    const unknown = await cli('search', 'x', '--workspace', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/nope/);
  });
});
