// The chart's stacks from the host's daily rows: one series per model or workspace, the biggest
// first, the rest folded into "Other" so the legend stays readable.
import type { UsageDailyRow } from '../../../electron/api/types';

export const MAX_STACKS = 8;

export interface ChartSeries {
  label: string;
  /** One per day; null where the value is unknown (a cost without a price). */
  values: (number | null)[];
}

export interface DailySeries {
  tokens: ChartSeries[];
  cost: ChartSeries[];
}

const tokensOf = (row: UsageDailyRow) => row.inputTokens + row.outputTokens;

export function dailySeries(rows: readonly UsageDailyRow[], days: readonly string[]): DailySeries {
  const totals = new Map<string, { label: string; tokens: number }>();
  for (const row of rows) {
    const entry = totals.get(row.key) ?? { label: row.label, tokens: 0 };
    entry.tokens += tokensOf(row);
    totals.set(row.key, entry);
  }
  const ranked = [...totals].sort(([, a], [, b]) => b.tokens - a.tokens);
  const shown = ranked.length > MAX_STACKS ? ranked.slice(0, MAX_STACKS - 1) : ranked;
  const stackOf = new Map(shown.map(([key], index) => [key, index]));
  const labels = shown.map(([, entry]) => entry.label);
  if (shown.length < ranked.length) labels.push(`Other (${ranked.length - shown.length})`);

  const dayIndex = new Map(days.map((day, index) => [day, index]));
  const tokens = labels.map((label) => ({ label, values: days.map(() => 0) as (number | null)[] }));
  // A cell's cost is unknown once any of its calls' is: a partial sum would understate it.
  const cost = labels.map((label) => ({ label, values: days.map(() => 0) as (number | null)[] }));
  for (const row of rows) {
    const index = dayIndex.get(row.day);
    if (index === undefined) continue;
    const stack = stackOf.get(row.key) ?? labels.length - 1;
    tokens[stack].values[index] = (tokens[stack].values[index] ?? 0) + tokensOf(row);
    const current = cost[stack].values[index];
    cost[stack].values[index] = current === null || row.costUsd === null ? null : current + row.costUsd;
  }
  return { tokens, cost };
}

/** The chart's accessible summary: the total, the busiest day and the biggest stacks. */
export function seriesSummary(
  title: string,
  days: readonly string[],
  series: readonly ChartSeries[],
  format: (value: number) => string,
): string {
  if (days.length === 0 || series.length === 0) return `${title}: nothing in this range.`;
  const perDay = days.map((_, index) => series.reduce((sum, entry) => sum + (entry.values[index] ?? 0), 0));
  const total = perDay.reduce((sum, value) => sum + value, 0);
  const busiest = perDay.indexOf(Math.max(...perDay));
  const parts = series.map(
    (entry) => `${entry.label} ${format(entry.values.reduce<number>((sum, value) => sum + (value ?? 0), 0))}`,
  );
  const unknown = series.some((entry) => entry.values.includes(null))
    ? ' Some days have an unknown part (models without a price).'
    : '';
  return `${title} from ${days[0]} to ${days[days.length - 1]}: ${format(total)} in total, most on ${days[busiest]} (${format(perDay[busiest])}). By stack: ${parts.join(', ')}.${unknown}`;
}
