// Iterating on an agent from a shell with the built `dspatch run`: continuing a conversation with
// --session, and the agent's questions (inquiries) asked on stdin (--ask), answered from a second
// process with `dspatch inquiries answer` (--json, or plain output to a pipe), or left with --no-wait.
// Real CLI processes, real agent processes, the fake OpenAI server as the model.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanupHarness, fixtureTemplatesDir, scratchDir, singleAgentYaml, WAIT_MS, workspaceDir } from './../helpers/host-harness';
import { CLI, dspatch, jsonLines, killServers, serveProcess } from '../helpers/cli';
import { repoRoot } from '../helpers/paths';
import { startFakeOpenAI, type FakeOpenAI } from '../fixtures/openai-server';

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-cli.js'], { cwd: repoRoot, stdio: 'pipe' });
}, 120_000);

const running = new Set<ChildProcess>();

afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
  killServers();
});

afterAll(cleanupHarness);

/** A `dspatch` process that keeps running: its output lines as they come, and its exit. */
function started(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  const lines = { stdout: [] as string[], stderr: [] as string[] };
  const waiters: { stream: 'stdout' | 'stderr'; test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    createInterface({ input: child[stream] }).on('line', (line) => {
      lines[stream].push(line);
      for (const waiter of waiters.filter((w) => w.stream === stream && w.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    /** Resolves with the first line (seen or still to come) that passes `test`. */
    line(stream: 'stdout' | 'stderr', test: (line: string) => boolean): Promise<string> {
      const seen = lines[stream].find(test);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ stream, test, resolve });
        exited.then((code) => reject(new Error(`dspatch exited (${code}) first:\n${lines.stdout.join('\n')}\n${lines.stderr.join('\n')}`)));
      });
    },
  };
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const until = Date.now() + WAIT_MS;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('dspatch run --session', () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('continues a conversation: the model gets its earlier messages', async () => {
    const dataDir = scratchDir('dspatch-it-run-session-');
    const yaml = ['name: iterate', 'agents:', '  assistant:', '    template: openai-assistant', '    env:', `      OPENAI_BASE_URL: ${fake.baseURL}`, ''].join('\n');
    const dir = workspaceDir(yaml);
    const cli = (...args: string[]) => dspatch([...args, '--data-dir', dataDir], { env: { OPENAI_API_KEY: 'sk-test-iterate' } });

    fake.script({ text: 'Hello Ada, noted.' });
    const first = await cli('run', dir, '--prompt', 'My name is Ada.', '--json');
    expect(first.code, first.stderr).toBe(0);
    const sessionId = String(jsonLines(first.stdout)[0].sessionId);

    fake.script({ text: 'You are Ada.' });
    const second = await cli('run', dir, '--prompt', 'What is my name?', '--session', sessionId);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe('You are Ada.\n');

    // A new process, a new agent: the history is replayed, and goes to the model with the new question.
    const request = JSON.stringify(fake.requests.filter((r) => r.endpoint !== null).at(-1)?.body);
    expect(request).toContain('My name is Ada.');
    expect(request).toContain('Hello Ada, noted.');
    expect(request).toContain('What is my name?');

    const shown = await cli('sessions', 'show', sessionId, '--json');
    expect((JSON.parse(shown.stdout) as { messages: unknown[] }).messages).toEqual([
      { role: 'user', content: 'My name is Ada.' },
      { role: 'assistant', content: 'Hello Ada, noted.' },
      { role: 'user', content: 'What is my name?' },
      { role: 'assistant', content: 'You are Ada.' },
    ]);
    const sessions = JSON.parse((await cli('sessions', 'list', '--json')).stdout) as unknown[];
    expect(sessions).toHaveLength(1);
  });

  it('refuses an unknown id, and a conversation of another workspace, in one line with exit 64', async () => {
    const dataDir = scratchDir('dspatch-it-run-session-');
    const mine = workspaceDir(singleAgentYaml('mine', 'echo', 'echo'));
    const theirs = workspaceDir(singleAgentYaml('theirs', 'echo', 'echo'));
    const cli = (...args: string[]) => dspatch([...args, '--data-dir', dataDir]);
    const other = await cli('run', theirs, '--prompt', 'elsewhere', '--json');
    expect(other.code, other.stderr).toBe(0);
    const foreignId = String(jsonLines(other.stdout)[0].sessionId);

    const unknown = await cli('run', mine, '--prompt', 'hi', '--session', '01a2417f-0000-7000-8000-000000000000');
    expect(unknown.code).toBe(64);
    expect(unknown.stdout).toBe('');
    const unknownErrors = unknown.stderr.trim().split('\n').filter((line) => !line.includes('is your consent'));
    expect(unknownErrors).toEqual(['dspatch: No conversation has the id "01a2417f-0000-7000-8000-000000000000". See dspatch sessions list --workspace mine.']);

    const foreign = await cli('run', mine, '--prompt', 'hi', '--session', foreignId);
    expect(foreign.code).toBe(64);
    expect(foreign.stderr.trim().split('\n').at(-1)).toBe(
      `dspatch: Conversation ${foreignId} belongs to workspace 'theirs' (${theirs}), not to 'mine'; run it with that workspace's folder.`,
    );
    // Nothing was sent to it.
    const shown = await cli('sessions', 'show', foreignId, '--json');
    expect((JSON.parse(shown.stdout) as { messages: unknown[] }).messages).toHaveLength(2);

    const agent = await cli('run', theirs, '--prompt', 'hi', '--session', foreignId, '--agent', 'someone');
    expect(agent.code).toBe(64);
    expect(agent.stderr).toContain("is with agent 'echo', not 'someone'");
  });
});

describe('dspatch run: the agent asks a question', () => {
  const dataDir = scratchDir('dspatch-it-run-ask-');
  const dir = workspaceDir(singleAgentYaml('questions', 'asker', 'asker'));
  const cli = (...args: string[]) => dspatch([...args, '--data-dir', dataDir]);

  beforeAll(async () => {
    const added = await cli('templates', 'add', join(fixtureTemplatesDir, 'asker'));
    expect(added.code, added.stderr).toBe(0);
  });

  it('with --json, prints the question and waits until `dspatch inquiries answer` from another process answers it', async () => {
    const run = started(['run', dir, '--prompt', 'the shed', '--json', '--data-dir', dataDir]);
    const asked = JSON.parse(await run.line('stdout', (line) => line.includes('"type":"inquiry"'))) as { inquiry: { id: string; markdown: string; suggestions: string[] } };
    expect(asked.inquiry).toMatchObject({ markdown: 'Which colour for **the shed**?', suggestions: ['red', 'blue'], status: 'pending' });

    const listed = await cli('inquiries', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { id: string }[]).map((inquiry) => inquiry.id)).toEqual([asked.inquiry.id]);

    const answered = await cli('inquiries', 'answer', asked.inquiry.id, 'blue');
    expect(answered.code, answered.stderr).toBe(0);
    expect(answered.stdout).toBe(`Answered ${asked.inquiry.id}.\n`);

    expect(await run.exited).toBe(0);
    const lines = jsonLines(run.lines.stdout.join('\n'));
    expect(lines.find((line) => line.type === 'inquiry.answered')).toMatchObject({ inquiry: { id: asked.inquiry.id, status: 'answered', responseText: 'blue' } });
    expect(lines.filter((line) => line.type === 'delta').map((line) => line.delta).join('')).toBe('you answered: blue');
    expect(lines.at(-1)).toEqual({ type: 'turn.done', status: 'completed' });
  });

  it('without a terminal and without --json, prints the question and the command to stderr, and waits', async () => {
    const run = started(['run', dir, '--prompt', 'the gate', '--data-dir', dataDir]);
    const waiting = await run.line('stderr', (line) => line.startsWith('Waiting for the answer.'));
    const inquiryId = /inquiries answer (\S+) TEXT/.exec(waiting)?.[1];
    expect(waiting).toBe(`Waiting for the answer. From another shell: dspatch inquiries answer ${inquiryId} TEXT --data-dir ${dataDir}`);
    expect(run.lines.stderr).toContain(`The agent asks (inquiry ${inquiryId}):`);
    expect(run.lines.stderr).toContain('  2. blue');

    const answered = await cli('inquiries', 'answer', String(inquiryId), 'a', 'deep', 'green');
    expect(answered.code, answered.stderr).toBe(0);
    expect(await run.exited).toBe(0);
    expect(run.lines.stdout).toEqual(['you answered: a deep green']);
  });

  it('with --ask, asks on stdin and stdout: a number picks a suggestion, and the run goes on', async () => {
    const picked = await dspatch(['run', dir, '--prompt', 'the door', '--ask', '--data-dir', dataDir], { input: '2\n' });
    expect(picked.code, picked.stderr).toBe(0);
    expect(picked.stdout).toBe('\nThe agent asks:\n  Which colour for **the door**?\n  1. red\n  2. blue\nAnswer (1-2, or type your own): 2\nyou answered: blue\n');

    const typed = await dspatch(['run', dir, '--prompt', 'the roof', '--ask', '--data-dir', dataDir], { input: 'slate grey\n' });
    expect(typed.code, typed.stderr).toBe(0);
    expect(typed.stdout.split('\n').slice(-2)).toEqual(['you answered: slate grey', '']);

    const refused = await dspatch(['run', dir, '--prompt', 'x', '--ask', '--json', '--data-dir', dataDir]);
    expect(refused.code).toBe(64);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('with --no-wait, exits with 4 and the inquiry id; on its own host the question ends with the run', async () => {
    const result = await cli('run', dir, '--prompt', 'the fence', '--json', '--no-wait');
    expect(result.code, result.stderr).toBe(4);
    const lines = jsonLines(result.stdout);
    const inquiry = lines.find((line) => line.type === 'inquiry')?.inquiry as { id: string };
    expect(lines.at(-1)).toEqual({ type: 'turn.waiting', sessionId: lines[0].sessionId, inquiryId: inquiry.id, answerLater: false });
    const open = await cli('inquiries', '--json');
    expect(JSON.parse(open.stdout)).toEqual([]);

    const plain = await cli('run', dir, '--prompt', 'the fence', '--no-wait');
    expect(plain.code).toBe(4);
    expect(plain.stderr).toMatch(/The agent asks \(inquiry \S+\):/);
    expect(plain.stderr).toContain('Continue the conversation with: dspatch run');
  });
});

describe('dspatch run --no-wait while dspatch serve holds the data folder', () => {
  it('leaves the question open: answered later from another process, the agent goes on in serve', async () => {
    const dataDir = scratchDir('dspatch-it-run-nowait-');
    const dir = workspaceDir(singleAgentYaml('later', 'asker', 'asker'));
    const cli = (...args: string[]) => dspatch([...args, '--data-dir', dataDir]);
    expect((await cli('templates', 'add', join(fixtureTemplatesDir, 'asker'))).code).toBe(0);
    await serveProcess(dataDir);

    const result = await cli('run', dir, '--prompt', 'the boat', '--no-wait', '--json');
    expect(result.code, result.stderr).toBe(4);
    const waiting = jsonLines(result.stdout).at(-1) as { sessionId: string; inquiryId: string; answerLater: boolean };
    expect(waiting).toMatchObject({ type: 'turn.waiting', answerLater: true });

    // A new prompt to a conversation whose agent waits for an answer is refused, naming the question.
    const busy = await cli('run', dir, '--prompt', 'something else', '--session', waiting.sessionId);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain(`dspatch inquiries answer ${waiting.inquiryId} TEXT`);

    const listed = await cli('inquiries');
    expect(listed.stdout).toContain(`${waiting.inquiryId}  asker (session ${waiting.sessionId})`);
    const answered = await cli('inquiries', 'answer', waiting.inquiryId, 'red');
    expect(answered.code, answered.stderr).toBe(0);

    const shown = await eventually(
      async () => JSON.parse((await cli('sessions', 'show', waiting.sessionId, '--json')).stdout) as { messages: { role: string; content: unknown }[] },
      (value) => value.messages.some((message) => message.role === 'assistant'),
    );
    expect(shown.messages.at(-1)).toEqual({ role: 'assistant', content: 'you answered: red' });
    const again = await cli('inquiries', 'answer', waiting.inquiryId, 'blue');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already answered');
  });
});
