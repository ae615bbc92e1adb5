// Token usage and its cost: totals by model and the most recent model calls. No live event exists for
// usage, so the page refreshes on demand. A model without a price shows an unknown cost, never $0.
import { useState } from 'react';
import { useStore } from 'zustand';
import type { UsageSummaryRow } from '../../../electron/api/types';
import { useServices } from '../../app-context';
import { EmptyState } from '../../components/empty-state';
import { ErrorBanner } from '../../components/error-banner';
import { formatCompact, formatNumber, formatTime } from '../../components/format';
import { useHostQuery } from '../../components/use-host-query';
import { WorkspaceSelect } from '../../components/workspace-select';
import { EXTERNAL_WORKSPACE_ID, navigate, paths } from '../shell/router';

const RECENT_LIMIT = 200;

export function UsagePage() {
  const { client, workspaces } = useServices();
  const list = useStore(workspaces, (s) => s.list);
  const [workspaceId, setWorkspaceId] = useState<string | null>(null);
  const scope = workspaceId ? { workspaceId } : {};
  const summary = useHostQuery(() => client.call('usage.summary', scope), `summary:${workspaceId}`);
  const records = useHostQuery(
    () => client.call('usage.list', { ...scope, limit: RECENT_LIMIT }),
    `list:${workspaceId}`,
  );
  const total = summary.data?.total;
  const empty = summary.data && summary.data.total.requests === 0 && summary.data.byModel.length === 0;

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Usage</h1>
          <p className="page-subtitle">Tokens your agents used, per model and per call.</p>
        </div>
        <div className="header-actions">
          <WorkspaceSelect workspaces={list} value={workspaceId} onChange={setWorkspaceId}>
            {/* The sessions stored through the Acontext API: not a workspace of the list, counted all the same. */}
            <option value={EXTERNAL_WORKSPACE_ID}>External sessions</option>
          </WorkspaceSelect>
          <button
            type="button"
            className="btn"
            onClick={() => {
              summary.reload();
              records.reload();
            }}
            data-testid="usage-refresh"
          >
            Refresh
          </button>
        </div>
      </header>

      {summary.error ? <ErrorBanner message={summary.error} /> : null}
      {records.error ? <ErrorBanner message={records.error} /> : null}

      {total ? (
        <div className="stat-grid" data-testid="usage-totals">
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
            detail={total.costUsd === null ? 'some models have no price' : 'at the prices in Settings'}
          />
        </div>
      ) : summary.loading ? (
        <div className="loading-line">Loading…</div>
      ) : null}

      {empty ? (
        <EmptyState title="No usage yet">
          Every call an agent makes to a model is counted here — requests and input, cached, output and
          reasoning tokens — once you launch a workspace and chat.
        </EmptyState>
      ) : null}

      {summary.data && summary.data.byModel.length > 0 ? (
        <section className="panel">
          <div className="panel-header">
            <h2>By model</h2>
          </div>
          <table className="table" data-testid="usage-by-model">
            <thead>
              <tr>
                <th>Model</th>
                <CountHeaders />
              </tr>
            </thead>
            <tbody>
              {summary.data.byModel.map((row) => (
                <UsageRow key={`${row.source}:${row.model}`} row={row} />
              ))}
              <UsageRow row={{ ...summary.data.total, model: 'Total' }} total />
            </tbody>
          </table>
        </section>
      ) : null}

      {records.data && records.data.length > 0 ? (
        <section className="panel">
          <div className="panel-header">
            <h2>Recent calls</h2>
            <span className="muted small">latest {records.data.length}</span>
          </div>
          <table className="table" data-testid="usage-list">
            <thead>
              <tr>
                <th>Time</th>
                <th>Agent</th>
                <th>Model</th>
                <CountHeaders />
              </tr>
            </thead>
            <tbody>
              {records.data.map((record) => (
                <tr key={record.id}>
                  <td className="nowrap">{formatTime(record.createdAt)}</td>
                  <td>
                    {record.source === 'tasks' ? `${record.agentKey} · task extraction` : record.agentKey}
                  </td>
                  <td className="mono">{record.model}</td>
                  <CountCells counts={record} />
                  <CostCell costUsd={record.costUsd} model={record.model} />
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </div>
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

function UsageRow({ row, total }: { row: UsageSummaryRow; total?: boolean }) {
  return (
    <tr
      className={total ? 'total-row' : undefined}
      data-testid={total ? 'usage-total-row' : 'usage-model-row'}
      data-model={row.model}
    >
      <td className="mono">
        {row.model}
        {row.source === 'tasks' ? <span className="muted small"> · task extraction</span> : null}
      </td>
      <CountCells counts={row} />
      {/* The total's unknown comes from the rows above, each with its own "Add a price". */}
      <CostCell costUsd={row.costUsd} model={total ? null : row.model} />
    </tr>
  );
}

/** $0.0123: four decimals, since one call often costs less than a cent. */
function formatCost(usd: number | null): string {
  return usd === null ? 'unknown' : `$${usd.toFixed(4)}`;
}

function CostCell({ costUsd, model }: { costUsd: number | null; model: string | null }) {
  return (
    <td className="num nowrap" data-testid="usage-cost">
      {costUsd === null ? (
        <>
          <span className="muted">unknown</span>
          {model ? (
            <button
              type="button"
              className="btn btn-small btn-ghost"
              aria-label={`Add a price for ${model}`}
              onClick={() => navigate(paths.addPrice(model))}
            >
              Add a price
            </button>
          ) : null}
        </>
      ) : (
        formatCost(costUsd)
      )}
    </td>
  );
}

// Both tables show the same counts; one place keeps their headers and cells in the same order.
type Counts = Omit<UsageSummaryRow, 'model' | 'costUsd'>;

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
