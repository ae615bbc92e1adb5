// Prices and cost through the HostApi and the built `dspatch` command: the seeded table, each call
// priced at the price valid on its day, unknown models unknown until priced, and bad prices refused.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageSource } from '../../../electron/api/types';
import { dspatch } from '../../helpers/cli';
import { addWorkspace, cleanupHarness, singleAgentYaml, startHost, type TestHost } from '../../helpers/host-harness';
import { repoRoot } from '../../helpers/paths';

const MARCH_10 = Date.UTC(2026, 2, 10, 12);
const MARCH_20 = Date.UTC(2026, 2, 20, 12);

function recordUsage(t: TestHost, workspaceId: string, model: string, createdAt: number, source: UsageSource = 'agent') {
  t.host.services.store.usage.insert({
    id: randomUUID(),
    workspaceId,
    runId: null,
    sessionId: null,
    agentKey: 'coder',
    source,
    model,
    requests: 1,
    inputTokens: 1_000_000,
    cachedInputTokens: 200_000,
    outputTokens: 100_000,
    reasoningTokens: 40_000,
    createdAt,
  });
}

/** gpt-4o at the seeded $2.50 / $1.25 / $10: 800k uncached, 200k cached, 100k output. */
const SEEDED_GPT4O_CALL = 0.8 * 2.5 + 0.2 * 1.25 + 0.1 * 10;

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-cli.js'], { cwd: repoRoot, stdio: 'pipe' });
}, 120_000);

afterAll(cleanupHarness);

describe('prices and cost through the HostApi', () => {
  it('seeds OpenAI list prices valid from 2026-01-01', async () => {
    const t = await startHost();
    const prices = await t.host.call('prices.list', {});
    expect(prices.find((p) => p.model === 'gpt-4o')).toMatchObject({ validFrom: '2026-01-01', inputPerMTok: 2.5, cachedInputPerMTok: 1.25, outputPerMTok: 10 });
    expect(prices.map((p) => p.model)).toEqual(expect.arrayContaining(['gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'o3', 'o4-mini', 'gpt-5', 'gpt-5-mini']));
  });

  it('prices each call at its day’s price and keeps an unpriced model unknown until it gets a price', async () => {
    const t = await startHost();
    const workspace = await addWorkspace(t, singleAgentYaml('costs', 'coder', 'echo'));
    recordUsage(t, workspace.id, 'gpt-4o-2024-08-06', MARCH_10);
    recordUsage(t, workspace.id, 'GPT-4o', MARCH_20, 'tasks');
    recordUsage(t, workspace.id, 'house-model', MARCH_10);

    let summary = await t.host.call('usage.summary', { workspaceId: workspace.id });
    const cost = (model: string) => summary.byModel.find((row) => row.model === model)?.costUsd;
    expect(cost('gpt-4o-2024-08-06')).toBeCloseTo(SEEDED_GPT4O_CALL, 10);
    expect(cost('house-model')).toBeNull();
    expect(summary.total.costUsd).toBeNull();
    expect(summary.total.inputTokens).toBe(3_000_000);
    const list = await t.host.call('usage.list', { workspaceId: workspace.id });
    expect(list.find((row) => row.model === 'house-model')?.costUsd).toBeNull();

    // A new gpt-4o price from mid-month: the call of the 10th keeps the old one, the 20th's takes it.
    await t.host.call('prices.set', { model: 'gpt-4o', inputPerMTok: 1, cachedInputPerMTok: 0.5, outputPerMTok: 4, validFrom: '2026-03-15' });
    // Without a date, a model's first price covers its calls already made.
    const added = await t.host.call('prices.set', { model: 'House-Model', inputPerMTok: 1, cachedInputPerMTok: 1, outputPerMTok: 1 });
    expect(added).toMatchObject({ model: 'house-model', validFrom: '1970-01-01' });

    summary = await t.host.call('usage.summary', { workspaceId: workspace.id });
    expect(cost('gpt-4o-2024-08-06')).toBeCloseTo(SEEDED_GPT4O_CALL, 10);
    expect(cost('GPT-4o')).toBeCloseTo(0.8 * 1 + 0.2 * 0.5 + 0.1 * 4, 10);
    expect(cost('house-model')).toBeCloseTo(1.1, 10);
    expect(summary.total.costUsd).toBeCloseTo(SEEDED_GPT4O_CALL + 1.3 + 1.1, 10);

    const march15 = Date.UTC(2026, 2, 15);
    const later = await t.host.call('usage.summary', { workspaceId: workspace.id, since: march15 });
    expect(later.byModel.map((row) => row.model)).toEqual(['GPT-4o']);
    const earlier = await t.host.call('usage.summary', { workspaceId: workspace.id, until: march15 });
    expect(earlier.total.requests).toBe(2);

    await t.host.call('prices.remove', { model: 'house-model' });
    expect((await t.host.call('usage.summary', { workspaceId: workspace.id })).total.costUsd).toBeNull();
  });

  it('refuses negative, non-numeric and out-of-range prices, bad dates and unknown removals with clear messages', async () => {
    const t = await startHost();
    const good = { model: 'gpt-4o', inputPerMTok: 1, cachedInputPerMTok: 1, outputPerMTok: 1 };
    const refusal = async (request: Record<string, unknown>, method = 'prices.set') => {
      const envelope = await t.host.handle(method, request);
      expect(envelope.ok).toBe(false);
      return envelope.ok ? null : envelope.error;
    };
    expect(await refusal({ ...good, inputPerMTok: -1 })).toMatchObject({ code: 'bad_request', message: expect.stringContaining('inputPerMTok must not be negative') });
    expect((await refusal({ ...good, outputPerMTok: '3' }))?.code).toBe('bad_request');
    expect((await refusal({ ...good, cachedInputPerMTok: 2_000_000 }))?.code).toBe('bad_request');
    expect(await refusal({ ...good, validFrom: '2026-02-30' })).toMatchObject({ message: expect.stringContaining('must be a real date') });
    expect((await refusal({ ...good, model: '  ' }))?.code).toBe('bad_request');
    expect(await refusal({ model: 'nothing-here' }, 'prices.remove')).toMatchObject({ code: 'not_found', message: 'No price for "nothing-here".' });
    expect((await t.host.call('prices.list', {})).find((p) => p.model === 'gpt-4o')?.inputPerMTok).toBe(2.5);
  });
});

describe('dspatch usage and prices', () => {
  it('prints usage with cost as JSON, null while a model has no price, and sets and lists prices', async () => {
    const t = await startHost();
    const workspace = await addWorkspace(t, singleAgentYaml('cli-costs', 'coder', 'echo'));
    recordUsage(t, workspace.id, 'gpt-4o-2024-08-06', MARCH_10);
    recordUsage(t, workspace.id, 'house-model', MARCH_20);
    await t.close();
    const dataDir = ['--data-dir', t.dataDir];

    const before = await dspatch(['usage', '--json', '--workspace', 'cli-costs', ...dataDir]);
    expect(before.code).toBe(0);
    const parsed = JSON.parse(before.stdout) as { totals: Record<string, unknown>; byModel: Record<string, unknown>[]; unpricedModels: string[] };
    expect(parsed.totals).toMatchObject({ inputTokens: 2_000_000, cachedInputTokens: 400_000, outputTokens: 200_000, reasoningTokens: 80_000, costUsd: null });
    expect(parsed.byModel.find((row) => row.model === 'gpt-4o-2024-08-06')?.costUsd).toBeCloseTo(SEEDED_GPT4O_CALL, 10);
    expect(parsed.byModel.find((row) => row.model === 'house-model')).toMatchObject({ inputTokens: 1_000_000, costUsd: null });
    expect(parsed.unpricedModels).toEqual(['house-model']);

    const set = await dspatch(['prices', 'set', 'house-model', '--input', '1', '--cached', '0.5', '--output', '2', ...dataDir]);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('house-model from 1970-01-01');
    const list = await dspatch(['prices', 'list', '--json', ...dataDir]);
    expect(JSON.parse(list.stdout)).toContainEqual(expect.objectContaining({ model: 'house-model', inputPerMTok: 1, cachedInputPerMTok: 0.5, outputPerMTok: 2 }));

    const after = JSON.parse((await dspatch(['usage', '--json', ...dataDir])).stdout) as { totals: { costUsd: number } };
    expect(after.totals.costUsd).toBeCloseTo(SEEDED_GPT4O_CALL + 0.8 + 0.1 + 0.2, 10);

    const onlyLater = JSON.parse((await dspatch(['usage', '--json', '--since', '2026-03-15', '--until', '2026-03-20', ...dataDir])).stdout) as { byModel: { model: string }[] };
    expect(onlyLater.byModel.map((row) => row.model)).toEqual(['house-model']);
    const text = await dspatch(['usage', ...dataDir]);
    expect(text.stdout).toMatch(/^Total .*\$\d+\.\d{4}$/m);
  });

  it('refuses a negative or non-numeric price and a bad date with exit code 64 and one clear line', async () => {
    const dataDir = ['--data-dir', (await startHost().then(async (t) => (await t.close(), t))).dataDir];
    const negative = await dspatch(['prices', 'set', 'gpt-4o', '--input=-1', '--cached', '1', '--output', '1', ...dataDir]);
    expect(negative.code).toBe(64);
    expect(negative.stderr.trim()).toBe('dspatch: --input must be a non-negative number of USD per million tokens, not "-1".');
    const word = await dspatch(['prices', 'set', 'gpt-4o', '--input', '1', '--cached', 'cheap', '--output', '1', ...dataDir]);
    expect(word.code).toBe(64);
    expect(word.stderr.trim()).toBe('dspatch: --cached must be a non-negative number of USD per million tokens, not "cheap".');
    const missing = await dspatch(['prices', 'set', 'gpt-4o', '--input', '1', '--cached', '1', ...dataDir]);
    expect(missing.code).toBe(64);
    expect(missing.stderr).toContain('needs --output N');
    const date = await dspatch(['usage', '--since', '2026-13-01', ...dataDir]);
    expect(date.code).toBe(64);
    expect(date.stderr.trim()).toBe('dspatch: --since must be a date YYYY-MM-DD, not "2026-13-01".');
    const list = JSON.parse((await dspatch(['prices', 'list', '--json', ...dataDir])).stdout) as { model: string; inputPerMTok: number }[];
    expect(list.find((p) => p.model === 'gpt-4o')?.inputPerMTok).toBe(2.5);
  });
});
