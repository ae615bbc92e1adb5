// Tool approvals from a shell: `dspatch run --ask` asks them on stdin (approve / reject / always), and
// `dspatch inquiries answer ID approve|reject` decides one a waiting `dspatch run --json` printed.
// Real CLI processes, a real agent process (the approver fixture template), the fake model.
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLI, dspatch, jsonLines } from '../helpers/cli';
import { useFakeOpenAI } from '../helpers/fake-model';
import { cleanupHarness, fixtureTemplatesDir, scratchDir, workspaceDir } from '../helpers/host-harness';
import { repoRoot } from '../helpers/paths';

const fake = useFakeOpenAI();
const KEY = 'sk-cli-approvals-0123456789abcdef';

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-cli.js'], { cwd: repoRoot, stdio: 'pipe' });
}, 120_000);
afterAll(cleanupHarness);

const children = new Set<ReturnType<typeof spawn>>();
afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});

function toolOutput(callId: string): string | undefined {
  for (const request of fake.requests) {
    const input = request.body.input;
    if (!Array.isArray(input)) continue;
    for (const item of input) {
      if (item && typeof item === 'object' && !Array.isArray(item) && item.type === 'function_call_output' && item.call_id === callId) return String(item.output);
    }
  }
  return undefined;
}

describe('tool approvals in the CLI', () => {
  const dataDir = scratchDir('dspatch-it-cli-approvals-');
  const cli = (args: string[], input?: string) => dspatch([...args, '--data-dir', dataDir], { env: { OPENAI_API_KEY: KEY }, input });
  let dir = '';

  beforeAll(async () => {
    dir = workspaceDir(`name: cli-approvals\nagents:\n  worker:\n    template: approver\n    env:\n      OPENAI_BASE_URL: ${fake.baseURL}\n`);
    const added = await cli(['templates', 'add', join(fixtureTemplatesDir, 'approver')]);
    expect(added.code, added.stderr).toBe(0);
  });

  it('run --ask: the approval is asked on stdin; "2" rejects it and the model is told', async () => {
    fake.script({ toolCalls: [{ name: 'delete_file', arguments: { path: 'a.txt' }, callId: 'call_cli_1' }] }, { text: 'Left a.txt alone.' });
    const result = await cli(['run', dir, '--prompt', 'Delete a.txt', '--ask'], '2\n');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('wants to run the tool `delete_file`');
    expect(result.stdout).toContain('Arguments: {"path":"a.txt"}');
    expect(result.stdout).toContain('Left a.txt alone.');
    expect(toolOutput('call_cli_1')).toMatch(/^The user rejected this call to delete_file/);
  });

  it('run --json waits; `dspatch inquiries answer ID approve` from another process lets the tool run', async () => {
    fake.script({ toolCalls: [{ name: 'delete_file', arguments: { path: 'b.txt' }, callId: 'call_cli_2' }] }, { text: 'Deleted b.txt.' });
    const child = spawn(process.execPath, [CLI, 'run', dir, '--prompt', 'Delete b.txt', '--json', '--data-dir', dataDir], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', OPENAI_API_KEY: KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    const stdout: string[] = [];
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    const inquiryId = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        stdout.push(line);
        const parsed = JSON.parse(line) as { type: string; inquiry?: { id: string } };
        if (parsed.type === 'inquiry' && parsed.inquiry) resolve(parsed.inquiry.id);
      });
      void exited.then((code) => reject(new Error(`run exited (${code}) before asking:\n${stdout.join('\n')}\n${stderr}`)));
    });

    const listed = await cli(['inquiries']);
    expect(listed.stdout).toContain('wants to run the tool `delete_file`');
    const wrong = await cli(['inquiries', 'answer', inquiryId, 'maybe']);
    expect(wrong.code).toBe(64);
    expect(wrong.stderr).toContain('answer approve, reject or always');
    const answered = await cli(['inquiries', 'answer', inquiryId, 'approve']);
    expect(answered.code, answered.stderr).toBe(0);

    expect(await exited).toBe(0);
    const lines = jsonLines(stdout.join('\n'));
    expect(lines.find((line) => line.type === 'inquiry.answered')).toMatchObject({ inquiry: { id: inquiryId, responseText: 'Approved' } });
    expect(lines.at(-1)).toEqual({ type: 'turn.done', status: 'completed' });
    expect(toolOutput('call_cli_2')).toBe('deleted b.txt');
  });
});
