// The Usage dashboard's pure parts: the range in the URL (presets, custom days, hostile values), the
// chart's stacks (top models, "Other", unknown cost kept unknown) and the CSV export (quoting and
// formula injection).
import { describe, expect, it } from 'vitest';
import type { UsageDailyRow } from '../../../electron/api/types';
import { dailyCsv, toCsv } from '../../../renderer/features/usage/usage-csv';
import {
  parseUsageView,
  rangeBounds,
  rangeDays,
  usageQuery,
} from '../../../renderer/features/usage/usage-range';
import { dailySeries, MAX_STACKS } from '../../../renderer/features/usage/usage-series';

const NOW = Date.UTC(2026, 11, 4, 11, 30);

describe('usage range in the URL', () => {
  it('turns presets into UTC days, today included, and bounds for the host', () => {
    expect(parseUsageView('range=7d', NOW)).toMatchObject({
      preset: '7d',
      from: '2026-11-28',
      to: '2026-12-04',
    });
    expect(parseUsageView('', NOW)).toMatchObject({ preset: '30d', from: '2026-11-05', to: '2026-12-04' });
    const month = parseUsageView('range=month&workspace=ws1', NOW);
    expect(month).toMatchObject({ from: '2026-12-01', to: '2026-12-04', workspaceId: 'ws1' });
    expect(rangeBounds(month)).toEqual({ since: Date.UTC(2026, 11, 1), until: Date.UTC(2026, 11, 5) });
    expect(rangeDays(month)).toEqual(['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04']);
  });

  it('round-trips a custom range and falls back to 30 days, saying why, on bad days', () => {
    const view = parseUsageView(
      usageQuery({ preset: 'custom', from: '2026-03-01', to: '2026-03-31', workspaceId: null }),
      NOW,
    );
    expect(view).toMatchObject({ preset: 'custom', from: '2026-03-01', to: '2026-03-31', problem: null });
    for (const query of [
      'range=custom&from=2026-02-30&to=2026-03-01',
      'range=custom&from=2026-03-05&to=2026-03-01',
      'range=custom&from=<script>&to=1',
    ]) {
      const fallback = parseUsageView(query, NOW);
      expect(fallback).toMatchObject({ preset: '30d', to: '2026-12-04' });
      expect(fallback.problem).toMatch(/day/);
    }
    expect(parseUsageView('range=forever', NOW).preset).toBe('30d');
  });
});

const row = (day: string, key: string, tokens: number, costUsd: number | null): UsageDailyRow => ({
  day,
  key,
  label: key,
  requests: 1,
  inputTokens: tokens,
  cachedInputTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  costUsd,
});

describe('daily series', () => {
  it('stacks the biggest keys, folds the rest into Other, and keeps an unknown cost unknown', () => {
    const days = ['2026-03-01', '2026-03-02'];
    const rows = Array.from({ length: MAX_STACKS + 2 }, (_, index) =>
      row('2026-03-01', `m${index}`, 1000 - index, 1),
    );
    rows.push(row('2026-03-02', 'm9', 0, null), row('2026-03-02', 'm0', 7, 2));
    const { tokens, cost } = dailySeries(rows, days);
    expect(tokens).toHaveLength(MAX_STACKS);
    expect(tokens[0]).toEqual({ label: 'm0', values: [1000, 7] });
    expect(tokens[MAX_STACKS - 1].label).toBe('Other (3)');
    expect(tokens[MAX_STACKS - 1].values).toEqual([993 + 992 + 991, 0]);
    expect(cost[0].values).toEqual([1, 2]);
    expect(cost[MAX_STACKS - 1].values).toEqual([3, null]);
  });
});

describe('CSV export', () => {
  it('quotes separators and defuses cells a spreadsheet would run as formulas', () => {
    expect(toCsv([['a,b', 'say "hi"', 'line\nbreak', 3, null]])).toBe(
      '"a,b","say ""hi""","line\nbreak",3,\r\n',
    );
    for (const attack of ['=HYPERLINK("http://evil","x")', '+1', '-2+3', '@SUM(A1)', '\t=1']) {
      const cell = toCsv([[attack]]).trimEnd();
      expect(cell.replace(/^"/, '').startsWith("'")).toBe(true);
    }
    expect(dailyCsv([row('2026-03-01', 'house-model', 10, null)], 'model')).toBe(
      'day,model,requests,input_tokens,cached_input_tokens,output_tokens,reasoning_tokens,cost_usd\r\n2026-03-01,house-model,1,10,0,0,0,\r\n',
    );
  });
});
