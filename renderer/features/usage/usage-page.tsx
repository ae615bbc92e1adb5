// The Usage dashboard: for a range of UTC days (in the URL, so a reload keeps it), the totals, a chart
// of tokens and cost per day stacked by model or workspace, breakdowns by model, workspace, agent,
// session and task, and each row's calls. It reloads while agents work. A model without a price
// shows an unknown cost with "Add a price", never $0.
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { HostEvent } from '../../../electron/api/contract';
import type { UsageBreakdownRow, UsageCounts, UsageGroupBy } from '../../../electron/api/types';
import { useHostEvent, useServices } from '../../app-context';
import { EmptyState } from '../../components/empty-state';
import { ErrorBanner } from '../../components/error-banner';
import { formatCompact, formatNumber, formatTime } from '../../components/format';
import { useHostQuery } from '../../components/use-host-query';
import { WorkspaceSelect } from '../../components/workspace-select';
import { EXTERNAL_WORKSPACE_ID, navigate, paths, useRoute } from '../shell/router';
import { StackedBarChart } from './stacked-bar-chart';
import { dailyCsv } from './usage-csv';
import {
  customProblem,
  parseUsageView,
  RANGE_PRESETS,
  rangeBounds,
  rangeDays,
  usageQuery,
  type UsageView,
} from './usage-range';
import { dailySeries, seriesSummary } from './usage-series';
import './usage.css';

const BREAKDOWN_LIMIT = 100;
const CALLS_LIMIT = 200;
/** Live updates: at most one reload per this many ms while agents stream. */
const RELOAD_EVERY_MS = 2000;

const GROUPS: readonly { value: UsageGroupBy; label: string }[] = [
  { value: 'model', label: 'Model' },
  { value: 'workspace', label: 'Workspace' },
  { value: 'agent', label: 'Agent' },
  { value: 'session', label: 'Session' },
  { value: 'task', label: 'Task' },
];

export function UsagePage() {
  const { client, workspaces } = useServices();
  const list = useStore(workspaces, (s) => s.list);
  const route = useRoute();
  const view = parseUsageView(route.page === 'usage' ? route.query : '');
  const setView = (next: Partial<UsageView>) => navigate(paths.usage(usageQuery({ ...view, ...next })));
  const [stackBy, setStackBy] = useState<'model' | 'workspace'>('model');
  const [group, setGroup] = useState<UsageGroupBy>('model');
  const [selected, setSelected] = useState<UsageBreakdownRow | null>(null);
  const tick = useLiveTick();

  const range = { ...rangeBounds(view), ...(view.workspaceId ? { workspaceId: view.workspaceId } : {}) };
  const rangeKey = `${view.from}:${view.to}:${view.workspaceId}:${tick}`;
  const summary = useHostQuery(() => client.call('usage.summary', range), `summary:${rangeKey}`);
  const daily = useHostQuery(
    () => client.call('usage.daily', { ...range, by: stackBy }),
    `daily:${rangeKey}:${stackBy}`,
  );
  const breakdown = useHostQuery(
    () => client.call('usage.breakdown', { ...range, by: group, limit: BREAKDOWN_LIMIT }),
    `breakdown:${rangeKey}:${group}`,
  );

  // A drill-down belongs to its group and range: a new one closes it.
  useEffect(() => setSelected(null), [group, view.from, view.to, view.workspaceId]);

  const { from, to } = view;
  const days = useMemo(() => rangeDays({ from, to }), [from, to]);
  const series = useMemo(() => dailySeries(daily.data ?? [], days), [daily.data, days]);
  const total = summary.data?.total;
  const error = summary.error ?? daily.error ?? breakdown.error;

  const exportCsv = () => {
    if (!daily.data) return;
    const url = URL.createObjectURL(
      new Blob([dailyCsv(daily.data, stackBy)], { type: 'text/csv;charset=utf-8' }),
    );
    const link = document.createElement('a');
    link.href = url;
    link.download = `dspatch-usage-${view.from}-to-${view.to}-by-${stackBy}.csv`;
    link.click();
    URL.revokeObjectURL(url);
  };

  return (
    <div className="page usage-page">
      <header className="page-header">
        <div>
          <h1>Usage</h1>
          <p className="page-subtitle">
            Tokens and cost of your agents’ model calls, {view.from} to {view.to} (UTC days).
          </p>
        </div>
        <div className="header-actions">
          <WorkspaceSelect
            workspaces={list}
            value={view.workspaceId}
            onChange={(workspaceId) => setView({ workspaceId })}
          >
            {/* The sessions stored through the Acontext API: not a workspace of the list, counted all the same. */}
            <option value={EXTERNAL_WORKSPACE_ID}>External sessions</option>
          </WorkspaceSelect>
          <button type="button" className="btn" onClick={exportCsv} disabled={!daily.data}>
            Export CSV
          </button>
        </div>
      </header>

      <RangePicker view={view} onChange={setView} />
      {view.problem ? (
        <ErrorBanner
          message={`The range in the link was not used: ${view.problem} Showing the last 30 days.`}
        />
      ) : null}
      {error ? <ErrorBanner message={error} /> : null}

      {total ? (
        <div className="stat-grid" data-testid="usage-totals" aria-label="Totals">
          <Stat label="Model calls" value={formatNumber(total.requests)} />
          <Stat
            label="Input tokens"
            value={formatCompact(total.inputTokens)}
            detail={`${formatCompact(total.cachedInputTokens)} cached`}
          />
          <Stat
            label="Output tokens"
            value={formatCompact(total.outputTokens)}
            detail={`${formatCompact(total.reasoningTokens)} reasoning`}
          />
          <Stat label="Total tokens" value={formatCompact(total.inputTokens + total.outputTokens)} />
          <Stat
            label="Cost"
            value={formatCost(total.costUsd)}
            detail={
              total.costUsd === null ? 'some models have no price: see By model' : 'at the prices in Settings'
            }
          />
        </div>
      ) : summary.loading ? (
        <div className="loading-line">Loading…</div>
      ) : null}

      {total && total.requests === 0 ? (
        <EmptyState title="No usage in this range">
          Every call an agent makes to a model is counted here — requests and input, cached, output and
          reasoning tokens — once you launch a workspace and chat. Try a longer range.
        </EmptyState>
      ) : null}

      {total && total.requests > 0 ? (
        <section className="panel" aria-labelledby="usage-per-day">
          <div className="panel-header">
            <h2 id="usage-per-day">Per day</h2>
            <Segmented
              label="Stack the chart by"
              options={[
                { value: 'model', label: 'By model' },
                { value: 'workspace', label: 'By workspace' },
              ]}
              value={stackBy}
              onChange={setStackBy}
            />
          </div>
          <div className="usage-charts">
            <StackedBarChart
              title="Tokens per day"
              testId="usage-chart-tokens"
              days={days}
              series={series.tokens}
              format={formatCompact}
              summary={seriesSummary('Tokens per day', days, series.tokens, formatCompact)}
            />
            <StackedBarChart
              title="Cost per day"
              testId="usage-chart-cost"
              days={days}
              series={series.cost}
              format={formatChartCost}
              summary={seriesSummary('Cost per day', days, series.cost, formatChartCost)}
            />
          </div>
        </section>
      ) : null}

      {total && total.requests > 0 ? (
        <section className="panel" aria-labelledby="usage-breakdown-title">
          <div className="panel-header">
            <h2 id="usage-breakdown-title">Breakdown</h2>
            <Segmented label="Break down by" options={GROUPS} value={group} onChange={setGroup} />
          </div>
          {group === 'task' ? (
            <p className="muted small">
              A call belongs to the task its turn’s message was linked to by task extraction; calls made
              before that link existed count under “No task”.
            </p>
          ) : null}
          {breakdown.data ? (
            <BreakdownTable
              group={group}
              rows={breakdown.data.rows}
              more={breakdown.data.more}
              selected={selected}
              onSelect={(row) => setSelected((current) => (current?.key === row.key ? null : row))}
            />
          ) : (
            <div className="loading-line">Loading…</div>
          )}
        </section>
      ) : null}

      {selected ? <CallsPanel key={`${selected.key}:${rangeKey}`} row={selected} range={range} /> : null}
    </div>
  );
}

/** A counter that steps when something that records usage happened, at most every RELOAD_EVERY_MS. */
function useLiveTick(): number {
  const [tick, setTick] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => clearTimeout(timer.current ?? undefined), []);
  // Usage rows are written with the session's output (and the extractor's with its board), so these
  // events mean new calls may be counted; the host has no event of its own for usage.
  const onEvent = useCallback((event: HostEvent) => {
    if (event.type !== 'session.event' && event.type !== 'task.updated') return;
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      setTick((value) => value + 1);
    }, RELOAD_EVERY_MS);
  }, []);
  useHostEvent(onEvent);
  return tick;
}

function RangePicker({ view, onChange }: { view: UsageView; onChange: (next: Partial<UsageView>) => void }) {
  const [draft, setDraft] = useState({ from: view.from, to: view.to });
  useEffect(() => setDraft({ from: view.from, to: view.to }), [view.from, view.to]);
  const problem = view.preset === 'custom' ? customProblem(draft.from, draft.to) : null;
  const pick = (from: string, to: string) => {
    setDraft({ from, to });
    if (!customProblem(from, to)) onChange({ preset: 'custom', from, to });
  };
  return (
    <div className="toolbar usage-range">
      <Segmented
        label="Date range"
        options={RANGE_PRESETS}
        value={view.preset}
        onChange={(preset) => onChange({ preset })}
      />
      {view.preset === 'custom' ? (
        <>
          <label className="usage-day">
            From
            <input
              className="input"
              type="date"
              value={draft.from}
              max={draft.to}
              onChange={(event) => pick(event.target.value, draft.to)}
            />
          </label>
          <label className="usage-day">
            To
            <input
              className="input"
              type="date"
              value={draft.to}
              min={draft.from}
              onChange={(event) => pick(draft.from, event.target.value)}
            />
          </label>
          {problem ? (
            <span className="field-error" role="alert">
              {problem}
            </span>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

function Segmented<T extends string>({
  label,
  options,
  value,
  onChange,
}: {
  label: string;
  options: readonly { value: T; label: string }[];
  value: T;
  onChange: (value: T) => void;
}) {
  const name = useId();
  return (
    <div className="segmented" role="radiogroup" aria-label={label}>
      {options.map((option) => (
        <label key={option.value} className={`segment${value === option.value ? ' active' : ''}`}>
          <input
            type="radio"
            name={name}
            value={option.value}
            checked={value === option.value}
            onChange={() => onChange(option.value)}
          />
          {option.label}
        </label>
      ))}
    </div>
  );
}

function BreakdownTable({
  group,
  rows,
  more,
  selected,
  onSelect,
}: {
  group: UsageGroupBy;
  rows: UsageBreakdownRow[];
  more: number;
  selected: UsageBreakdownRow | null;
  onSelect: (row: UsageBreakdownRow) => void;
}) {
  const heading = GROUPS.find((option) => option.value === group)?.label ?? group;
  return (
    <>
      <table className="table" data-testid="usage-breakdown">
        <thead>
          <tr>
            <th>{heading}</th>
            <CountHeaders />
            <th>
              <span className="visually-hidden">Calls</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={row.key}
              data-testid="usage-breakdown-row"
              data-label={row.label}
              className={selected?.key === row.key ? 'selected' : undefined}
            >
              <td>
                <span className={group === 'model' ? 'mono' : undefined}>{row.label}</span>
                {row.detail ? <span className="muted small"> · {row.detail}</span> : null}
              </td>
              <CountCells counts={row} />
              <CostCell costUsd={row.costUsd} models={row.unpricedModels} />
              <td className="nowrap">
                <button
                  type="button"
                  className="btn btn-small btn-ghost"
                  aria-expanded={selected?.key === row.key}
                  aria-label={`Calls of ${row.label}`}
                  onClick={() => onSelect(row)}
                >
                  Calls
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {more > 0 ? <p className="muted small">and {formatNumber(more)} more with fewer tokens.</p> : null}
    </>
  );
}

function CallsPanel({
  row,
  range,
}: {
  row: UsageBreakdownRow;
  range: { since: number; until: number; workspaceId?: string };
}) {
  const { client } = useServices();
  const calls = useHostQuery(
    () => client.call('usage.calls', { ...range, filter: row.filter, limit: CALLS_LIMIT }),
    row.key,
  );
  return (
    <section className="panel" aria-labelledby="usage-calls-title" data-testid="usage-calls">
      <div className="panel-header">
        <h2 id="usage-calls-title">Calls of {row.label}</h2>
        {calls.data ? (
          <span className="muted small">
            {calls.data.length === CALLS_LIMIT
              ? `latest ${CALLS_LIMIT} of ${formatNumber(row.requests)}`
              : `${calls.data.length} calls`}
          </span>
        ) : null}
      </div>
      {calls.error ? <ErrorBanner message={calls.error} /> : null}
      {calls.data ? (
        <table className="table">
          <thead>
            <tr>
              <th>Time</th>
              <th>Agent</th>
              <th>Model</th>
              <CountHeaders />
              <th>Conversation</th>
            </tr>
          </thead>
          <tbody>
            {calls.data.map((call) => (
              <tr key={call.id} data-testid="usage-call">
                <td className="nowrap" title={new Date(call.createdAt).toISOString()}>
                  {formatTime(call.createdAt)}
                </td>
                <td>{call.source === 'tasks' ? `${call.agentKey} · task extraction` : call.agentKey}</td>
                <td className="mono">{call.model}</td>
                <CountCells counts={call} />
                <CostCell costUsd={call.costUsd} models={call.costUsd === null ? [call.model] : []} />
                <td>
                  {call.sessionId ? (
                    <a
                      href={paths.sessionLink(call.sessionId)}
                      aria-label={`Open the conversation of the call at ${new Date(call.createdAt).toISOString()}`}
                    >
                      Open
                    </a>
                  ) : (
                    <span className="muted">none</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <div className="loading-line">Loading…</div>
      )}
    </section>
  );
}

function Stat({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className="stat">
      <div className="stat-value">{value}</div>
      <div className="stat-label">{label}</div>
      {detail ? <div className="stat-detail">{detail}</div> : null}
    </div>
  );
}

/** $0.0123: four decimals, since one call often costs less than a cent. */
function formatCost(usd: number | null): string {
  return usd === null ? 'unknown' : `$${usd.toFixed(4)}`;
}

function formatChartCost(usd: number): string {
  return usd >= 10 ? `$${usd.toFixed(0)}` : `$${usd.toFixed(2)}`;
}

function CostCell({ costUsd, models }: { costUsd: number | null; models: string[] }) {
  return (
    <td className="num nowrap" data-testid="usage-cost">
      {costUsd === null ? (
        <>
          <span className="muted">unknown</span>
          {models.map((model) => (
            <button
              key={model}
              type="button"
              className="btn btn-small btn-ghost"
              aria-label={`Add a price for ${model}`}
              onClick={() => navigate(paths.addPrice(model))}
            >
              Add a price
            </button>
          ))}
        </>
      ) : (
        formatCost(costUsd)
      )}
    </td>
  );
}

// The breakdown and the calls show the same counts; one place keeps their headers and cells in order.
type Counts = Omit<UsageCounts, 'costUsd'>;

function CountHeaders() {
  return (
    <>
      <th className="num">Requests</th>
      <th className="num">Input</th>
      <th className="num">Cached</th>
      <th className="num">Output</th>
      <th className="num">Reasoning</th>
      <th className="num">Cost</th>
    </>
  );
}

function CountCells({ counts }: { counts: Counts }) {
  return (
    <>
      <td className="num">{formatNumber(counts.requests)}</td>
      <td className="num">{formatNumber(counts.inputTokens)}</td>
      <td className="num">{formatNumber(counts.cachedInputTokens)}</td>
      <td className="num">{formatNumber(counts.outputTokens)}</td>
      <td className="num">{formatNumber(counts.reasoningTokens)}</td>
    </>
  );
}
