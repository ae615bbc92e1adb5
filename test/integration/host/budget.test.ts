// Budgets through the real host: a real agent on the fixture model records usage, the host warns once
// at 80 %, refuses a new turn at 100 % (a running turn finishes), per workspace and globally, and the
// built `dspatch budgets` / `dspatch run` commands do the same from a shell.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../electron/api/contract';
import type { BudgetStatus } from '../../../electron/api/types';
import { HostError } from '../../../electron/host/errors';
import { dspatch } from '../../helpers/cli';
import { useFakeOpenAI } from '../../helpers/fake-model';
import {
  addWorkspace,
  cleanupHarness,
  confirmLaunch,
  launchWorkspace,
  sendAndWait,
  singleAgentYaml,
  startHost,
  type TestHost,
} from '../../helpers/host-harness';
import { repoRoot } from '../../helpers/paths';

const fake = useFakeOpenAI();

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-cli.js'], { cwd: repoRoot, stdio: 'pipe' });
}, 120_000);
afterEach(cleanupHarness);
afterAll(cleanupHarness);

type BudgetEvent = Extract<HostEvent, { type: 'budget.updated' }>;
const budgetEvents = (t: TestHost) => t.events.events.filter((event): event is BudgetEvent => event.type === 'budget.updated');
const alertLevels = (t: TestHost) => budgetEvents(t).flatMap((event) => event.alerts.map((alert) => `${alert.workspaceId ?? 'global'}:${alert.level}`));

/** `usd` dollars of gpt-4o output at the seeded $10 per million tokens (plus 10 input tokens, $0.000025). */
const outputWorth = (usd: number) => ({ inputTokens: 10, outputTokens: usd * 100_000 });

/** Records `usd` dollars of gpt-4o output now, as a call of the workspace's agent would. */
function spend(t: TestHost, workspaceId: string, usd: number): void {
  t.host.services.store.usage.insert({
    id: randomUUID(),
    workspaceId,
    runId: null,
    sessionId: null,
    agentKey: 'coder',
    source: 'agent',
    model: 'gpt-4o',
    requests: 1,
    inputTokens: 0,
    cachedInputTokens: 0,
    outputTokens: usd * 100_000,
    reasoningTokens: 0,
    createdAt: Date.now(),
  });
}

async function refusal(promise: Promise<unknown>): Promise<HostError> {
  const error = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(HostError);
  return error as HostError;
}

describe('budgets with a real agent on the fixture model', () => {
  it('warn once at 80 %, let a running turn finish past 100 %, then refuse new turns until raised', async () => {
    const t = await startHost();
    const yaml = `name: budget-ws\nagents:\n  assistant:\n    template: openai-assistant\n    env:\n      OPENAI_BASE_URL: ${fake.baseURL}\n`;
    const { id: workspaceId } = await addWorkspace(t, yaml);
    await t.host.call('secrets.set', { workspaceId, key: 'OPENAI_API_KEY', value: 'sk-budget-test-0123456789abcdef' });
    await confirmLaunch(t, workspaceId);
    const { sessions } = await t.host.call('workspaces.launch', { workspaceId });
    const sessionId = sessions[0].id;
    await t.host.call('budgets.set', { monthlyUsd: 10 });

    // $8.50: over 80 %.
    fake.script({ text: 'First answer.', usage: outputWorth(8.5) });
    await sendAndWait(t, sessionId, 'first');
    await t.events.waitFor((event) => event.type === 'budget.updated' && event.alerts.some((a) => a.level === 'warning'), { what: 'the 80 % warning' });

    // Another small turn: still a warning, not alerted again.
    fake.script({ text: 'Second answer.', usage: outputWorth(0.1) });
    const second = await sendAndWait(t, sessionId, 'second');
    await t.events.waitFor((event) => event.type === 'budget.updated' && event.statuses[0]?.spentUsd > 8.55, { from: second.from, what: 'the spending to move' });

    // This turn's first model call takes the budget past 100 %; the turn still runs to its answer.
    fake.script(
      { toolCalls: [{ name: 'get_current_time', arguments: { timezone: 'UTC' } }], usage: outputWorth(2) },
      { text: 'Finished anyway.', usage: outputWorth(0.01) },
    );
    const third = await sendAndWait(t, sessionId, 'third');
    expect(third.reply).toBe('Finished anyway.');
    await t.events.waitFor((event) => event.type === 'budget.updated' && event.alerts.some((a) => a.level === 'exceeded'), { what: 'the 100 % alert' });
    expect(alertLevels(t)).toEqual(['global:warning', 'global:exceeded']);

    // A new turn is refused, saying which budget, spent vs limit and how to raise it; nothing is stored or sent.
    const requests = fake.requests.length;
    const before = (await t.host.call('sessions.open', { sessionId })).entries.length;
    const refused = await refusal(t.host.call('sessions.send', { sessionId, text: 'fourth' }));
    expect(refused.code).toBe('budget_exceeded');
    expect(refused.message).toMatch(/^Not sent: the global budget is used up — \$10\.6\d of \$10\.00 spent in \w+ \d{4} \(UTC\)\. Raise or remove it in Settings → Budgets, or with dspatch budgets set USD/);
    expect((refused.details?.budget as BudgetStatus).percent).toBeGreaterThanOrEqual(100);
    expect((await t.host.call('sessions.open', { sessionId })).entries.length).toBe(before);
    expect(fake.requests.length).toBe(requests);
    // Through the transport too: a typed error, not a crash.
    const envelope = await t.host.handle('sessions.send', { sessionId, text: 'fourth' });
    expect(envelope).toMatchObject({ ok: false, error: { code: 'budget_exceeded', details: { budget: { workspaceId: null, level: 'exceeded' } } } });

    // The budgets agree with the Usage page's total for the month.
    const [status] = await t.host.call('budgets.status', {});
    const now = new Date();
    const month = await t.host.call('usage.summary', { since: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) });
    expect(status.spentUsd).toBeCloseTo(month.total.costUsd!, 10);

    // Raised: the next turn runs.
    await t.host.call('budgets.set', { monthlyUsd: 20 });
    fake.script({ text: 'Back again.', usage: outputWorth(0.01) });
    expect((await sendAndWait(t, sessionId, 'fourth')).reply).toBe('Back again.');
  });
});

describe('budgets through the HostApi', () => {
  it('limit one workspace by its own budget and every workspace by the global one', async () => {
    const t = await startHost();
    const shop = await launchWorkspace(t, singleAgentYaml('shop', 'coder', 'echo'));
    const lab = await launchWorkspace(t, singleAgentYaml('lab', 'coder', 'echo'));
    spend(t, shop.workspace.id, 6);

    // Set below what is already spent: answered as used up, and alerted at once.
    const status = await t.host.call('budgets.set', { workspaceId: shop.workspace.id, monthlyUsd: 5 });
    expect(status).toMatchObject({ workspaceName: 'shop', spentUsd: 6, level: 'exceeded' });
    expect(alertLevels(t)).toEqual([`${shop.workspace.id}:exceeded`]);

    const refused = await refusal(t.host.call('sessions.send', { sessionId: shop.sessionId, text: 'hi' }));
    expect(refused.message).toContain("the budget of workspace 'shop' is used up — $6.00 of $5.00");
    expect(refused.message).toContain('dspatch budgets set --workspace shop USD');
    // Another workspace is not limited by shop's budget.
    expect((await sendAndWait(t, lab.sessionId, 'hello lab')).reply).toContain('hello lab');

    // The global budget covers both: at $6.50 shop's $6 is 92 % of it, a warning; lab is still free to run.
    await t.host.call('budgets.set', { monthlyUsd: 6.5 });
    expect((await t.host.call('budgets.status', {})).map((s) => [s.workspaceName, s.level])).toEqual([
      [null, 'warning'],
      ['shop', 'exceeded'],
    ]);
    spend(t, lab.workspace.id, 1);
    const global = await refusal(t.host.call('sessions.send', { sessionId: lab.sessionId, text: 'again' }));
    expect(global.message).toContain('the global budget is used up — $7.00 of $6.50');
    // Sending the last message again is a new turn too, refused before the old turn is taken away.
    const before = (await t.host.call('sessions.open', { sessionId: lab.sessionId })).entries;
    expect((await refusal(t.host.call('sessions.resend', { sessionId: lab.sessionId }))).code).toBe('budget_exceeded');
    expect((await t.host.call('sessions.open', { sessionId: lab.sessionId })).entries).toEqual(before);

    await t.host.call('budgets.remove', {});
    await t.host.call('budgets.remove', { workspaceId: shop.workspace.id });
    expect(await t.host.call('budgets.list', {})).toEqual([]);
    expect((await sendAndWait(t, shop.sessionId, 'free again')).reply).toContain('free again');
  });

  it('refuse negative, zero, non-numeric and huge limits, unknown workspaces and removing what is not there', async () => {
    const t = await startHost();
    const bad = async (method: string, request: unknown) => {
      const envelope = await t.host.handle(method, request);
      expect(envelope.ok).toBe(false);
      return envelope.ok ? null : envelope.error;
    };
    expect(await bad('budgets.set', { monthlyUsd: -5 })).toMatchObject({ code: 'bad_request', message: expect.stringContaining('monthlyUsd must be at least $0.01') });
    expect((await bad('budgets.set', { monthlyUsd: 0 }))?.code).toBe('bad_request');
    expect((await bad('budgets.set', { monthlyUsd: '50' }))?.code).toBe('bad_request');
    expect((await bad('budgets.set', { monthlyUsd: Number.NaN }))?.code).toBe('bad_request');
    expect((await bad('budgets.set', { monthlyUsd: Number.POSITIVE_INFINITY }))?.code).toBe('bad_request');
    expect((await bad('budgets.set', { monthlyUsd: 1e12 }))?.code).toBe('bad_request');
    expect((await bad('budgets.set', { monthlyUsd: 5, workspaceId: 'x'.repeat(201) }))?.code).toBe('bad_request');
    expect((await bad('budgets.set', { monthlyUsd: 5, workspaceId: "nope' OR 1=1 --" }))?.code).toBe('not_found');
    expect((await bad('budgets.set', { monthlyUsd: 5, workspaceId: 'external' }))?.code).toBe('not_found');
    expect(await bad('budgets.remove', {})).toMatchObject({ code: 'not_found', message: expect.stringContaining('There is no global budget') });
    expect(await t.host.call('budgets.list', {})).toEqual([]);
  });
});

describe('dspatch budgets and run', () => {
  it('sets, lists and removes budgets, warns at once when already spent, and run exits 3 while one is used up', async () => {
    let t = await startHost();
    const workspace = await addWorkspace(t, singleAgentYaml('cli-ws', 'coder', 'echo'));
    await confirmLaunch(t, workspace.id);
    spend(t, workspace.id, 3);
    await t.close();
    const dataDir = ['--data-dir', t.dataDir];

    const global = await dspatch(['budgets', 'set', '10', '--json', ...dataDir]);
    expect(global.code).toBe(0);
    expect(JSON.parse(global.stdout)).toMatchObject({ workspaceId: null, monthlyUsd: 10, spentUsd: 3, percent: 30, level: 'ok' });

    const own = await dspatch(['budgets', 'set', '--workspace', 'cli-ws', '2.5', ...dataDir]);
    expect(own.code).toBe(0);
    expect(own.stdout).toContain("Set the budget of workspace 'cli-ws' to $2.50 a month (calendar month, UTC).");
    expect(own.stderr).toContain("warning: the budget of workspace 'cli-ws' is already used up: new turns are refused ($3.00 spent this month).");

    const list = await dspatch(['budgets', 'list', '--json', ...dataDir]);
    expect((JSON.parse(list.stdout) as BudgetStatus[]).map((s) => [s.workspaceName, s.level])).toEqual([
      [null, 'ok'],
      ['cli-ws', 'exceeded'],
    ]);
    const text = await dspatch(['budgets', 'list', ...dataDir]);
    expect(text.stdout).toMatch(/^workspace cli-ws {2}\$3\.00 of \$2\.50 {2}\(120\.0%\) {2}USED UP: new turns are refused$/m);

    const { dir } = workspace;
    const refused = await dspatch(['run', dir, '--prompt', 'hello', ...dataDir]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("dspatch: Not sent: the budget of workspace 'cli-ws' is used up — $3.00 of $2.50");
    expect(refused.stdout).toBe('');

    for (const args of [['-5'], ['--', '-5'], ['abc'], ['0'], ['1e3'], [''], ['5', '6']]) {
      const result = await dspatch(['budgets', 'set', ...dataDir, '--workspace', 'cli-ws', ...args]);
      expect(result.code, `budgets set ${args.join(' ')}`).toBe(64);
    }
    const word = await dspatch(['budgets', 'set', 'lots', ...dataDir]);
    expect(word.stderr.trim()).toBe('dspatch: USD must be a number of dollars of at least 0.01, e.g. 50, not "lots".');

    expect((await dspatch(['budgets', 'remove', '--workspace', 'cli-ws', ...dataDir])).stdout).toContain("Removed the budget of workspace 'cli-ws'.");
    const ran = await dspatch(['run', dir, '--prompt', 'hello again', ...dataDir]);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('hello again');

    // The refused run left no empty conversation behind: only the one that ran.
    t = await startHost({ dataDir: t.dataDir });
    expect(await t.host.call('sessions.list', { workspaceId: workspace.id })).toHaveLength(1);
  });
});
