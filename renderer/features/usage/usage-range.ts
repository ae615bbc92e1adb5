// The Usage dashboard's view as it lives in the URL hash query, so a reload or a shared link shows the
// same range: a preset (7 days, 30 days, this month) or a custom pair of days, and a workspace.
// Days are UTC, like the prices' days and `dspatch usage --since/--until`.

export type RangePreset = '7d' | '30d' | 'month' | 'custom';

export const RANGE_PRESETS: readonly { value: RangePreset; label: string }[] = [
  { value: '7d', label: '7 days' },
  { value: '30d', label: '30 days' },
  { value: 'month', label: 'This month' },
  { value: 'custom', label: 'Custom' },
];

export interface UsageView {
  preset: RangePreset;
  /** First and last day shown, YYYY-MM-DD (UTC), both included. */
  from: string;
  to: string;
  workspaceId: string | null;
  /** Why the custom days in the URL were not taken (the view falls back to 30 days). */
  problem: string | null;
}

/** The host's bounds: `since` inclusive, `until` exclusive, in ms. */
export function rangeBounds(view: Pick<UsageView, 'from' | 'to'>): { since: number; until: number } {
  return { since: dayToMs(view.from)!, until: dayToMs(view.to)! + DAY_MS };
}

/** The days of the range in order, for the chart's axis. */
export function rangeDays(view: Pick<UsageView, 'from' | 'to'>): string[] {
  const { since, until } = rangeBounds(view);
  const days: string[] = [];
  for (let ms = since; ms < until; ms += DAY_MS) days.push(msToDay(ms));
  return days;
}

export function parseUsageView(query: string, now = Date.now()): UsageView {
  const params = new URLSearchParams(query);
  const workspaceId = params.get('workspace') || null;
  const preset = RANGE_PRESETS.find((option) => option.value === params.get('range'))?.value ?? '30d';
  if (preset !== 'custom') return { ...presetDays(preset, now), preset, workspaceId, problem: null };
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const problem = customProblem(from, to);
  if (problem) return { ...presetDays('30d', now), preset: '30d', workspaceId, problem };
  return { preset, from, to, workspaceId, problem: null };
}

/** The query for a view: a preset's days are not written, so the link keeps meaning "the last 7 days". */
export function usageQuery(view: Pick<UsageView, 'preset' | 'from' | 'to' | 'workspaceId'>): string {
  const params = new URLSearchParams({ range: view.preset });
  if (view.preset === 'custom') {
    params.set('from', view.from);
    params.set('to', view.to);
  }
  if (view.workspaceId) params.set('workspace', view.workspaceId);
  return params.toString();
}

/** Null when the custom days are a range; else what is wrong, for the user. The host bounds its length. */
export function customProblem(from: string, to: string): string | null {
  const start = dayToMs(from);
  const end = dayToMs(to);
  if (start === null || end === null) return 'Pick a first and a last day (YYYY-MM-DD).';
  if (end < start) return 'The last day must not be before the first.';
  return null;
}

export function presetDays(
  preset: Exclude<RangePreset, 'custom'>,
  now: number,
): { from: string; to: string } {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const to = msToDay(today);
  if (preset === 'month') return { from: `${to.slice(0, 7)}-01`, to };
  return { from: msToDay(today - ((preset === '7d' ? 7 : 30) - 1) * DAY_MS), to };
}

// The renderer may not import values from electron/ (eslint), so these mirror electron/store/cost.ts.
const DAY_MS = 86_400_000;

function dayToMs(day: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(ms) || msToDay(ms) !== day ? null : ms;
}

function msToDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
