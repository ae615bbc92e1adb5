// Settings → Budgets: monthly limits in USD, one global and one per workspace, with this month's
// spending against each (live). The month is the calendar month in UTC, and the text says so.
import { useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useStore } from 'zustand';
import type { BudgetStatus } from '../../../electron/api/types';
import { useServices } from '../../app-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorBanner } from '../../components/error-banner';
import { useHostAction } from '../../components/use-host-action';
import { budgetLabel, formatUsd, monthLabel, useBudgetStatuses } from '../shell/budget-banner';
import { paths } from '../shell/router';
import { useSectionHeading } from './use-section-heading';

/** The select's value for the global budget; workspace ids are never empty. */
const GLOBAL = '';
const MAX_USD = 1_000_000_000;

function amountProblem(text: string): string | null {
  if (text.trim() === '') return 'Enter a monthly limit in dollars, e.g. 50.';
  const value = Number(text);
  if (!Number.isFinite(value)) return 'Enter a number of dollars, e.g. 50.';
  if (value < 0.01) return 'The least is $0.01; remove the budget for no limit.';
  if (value > MAX_USD) return 'At most $1,000,000,000.';
  return null;
}

function scopeName(status: BudgetStatus): string {
  return status.workspaceId === null
    ? 'Global (all workspaces)'
    : `Workspace ${status.workspaceName ?? status.workspaceId}`;
}

function levelText(status: BudgetStatus): string {
  if (status.level === 'exceeded') return 'Used up: new turns are refused';
  if (status.level === 'warning') return 'Over 80%';
  return '';
}

export function BudgetsSection({ focused }: { focused: boolean }) {
  const services = useServices();
  const client = services.client;
  const id = useId();
  const workspaces = useStore(services.workspaces, (s) => s.list);
  const { statuses, error: loadError, setStatuses } = useBudgetStatuses();
  const [scope, setScope] = useState(GLOBAL);
  const [amount, setAmount] = useState('');
  const [touched, setTouched] = useState(false);
  const [saved, setSaved] = useState<BudgetStatus | null>(null);
  const [removing, setRemoving] = useState<BudgetStatus | null>(null);
  const { busy, error, setError, run } = useHostAction();
  const heading = useSectionHeading(focused);
  const amountInput = useRef<HTMLInputElement>(null);

  const problem = amountProblem(amount);
  const unpriced = [...new Set((statuses ?? []).flatMap((status) => status.unpricedModels))];
  const month = statuses?.[0]?.month;

  async function save(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (problem || busy) return;
    setError(null);
    await run(async () => {
      const status = await client.call('budgets.set', {
        ...(scope === GLOBAL ? {} : { workspaceId: scope }),
        monthlyUsd: Number(amount),
      });
      setStatuses(await client.call('budgets.status', {}));
      setSaved(status);
      setAmount('');
      setTouched(false);
    });
  }

  async function remove(status: BudgetStatus) {
    await run(async () => {
      await client.call(
        'budgets.remove',
        status.workspaceId === null ? {} : { workspaceId: status.workspaceId },
      );
      setStatuses(await client.call('budgets.status', {}));
      setSaved(null);
    });
    setRemoving(null);
  }

  return (
    <section className="panel" data-testid="budgets-settings" aria-labelledby={`${id}-title`}>
      <div className="panel-header">
        <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
          Budgets
        </h2>
      </div>
      <p className="muted small">
        Monthly limits in US dollars, for all workspaces together and per workspace. A month is the calendar
        month in UTC: spending counts from 00:00 UTC on the 1st. Costs are those of the Usage page (the Prices
        above); calls of a model without a price are not counted. At 80% the app warns once a month (a banner
        and a desktop notification); at 100% new messages are refused until the month ends or you raise the
        budget. A turn already running finishes.
      </p>
      {loadError ? <ErrorBanner message={loadError} /> : null}
      {statuses && statuses.length === 0 ? (
        <p className="muted">No budgets: spending is not limited.</p>
      ) : null}
      {statuses && statuses.length > 0 ? (
        <table
          className="table"
          aria-label={`Budgets and spending in ${month ? monthLabel(month) : 'this month'} (UTC)`}
        >
          <thead>
            <tr>
              <th>Applies to</th>
              <th className="num">Monthly limit</th>
              <th className="num">Spent in {month ? monthLabel(month) : 'this month'} (UTC)</th>
              <th>Used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {statuses.map((status) => (
              <tr key={status.workspaceId ?? 'global'} data-testid="budget-row" data-level={status.level}>
                <td>{scopeName(status)}</td>
                <td className="num">{formatUsd(status.monthlyUsd)}</td>
                <td className="num">{formatUsd(status.spentUsd)}</td>
                <td className="nowrap">
                  <meter
                    min={0}
                    max={100}
                    low={79.99}
                    high={99.99}
                    optimum={0}
                    value={Math.min(status.percent, 100)}
                    aria-label={`${scopeName(status)}: ${status.percent.toFixed(1)}% used`}
                  />{' '}
                  {status.percent.toFixed(1)}%{' '}
                  {levelText(status) ? <strong>{levelText(status)}</strong> : null}
                </td>
                <td className="actions">
                  <button
                    type="button"
                    className="btn btn-small btn-ghost"
                    aria-label={`Change ${budgetLabel(status)}`}
                    onClick={() => {
                      setScope(status.workspaceId ?? GLOBAL);
                      setAmount(String(status.monthlyUsd));
                      setSaved(null);
                      amountInput.current?.focus();
                    }}
                  >
                    Change
                  </button>
                  <button
                    type="button"
                    className="btn btn-small btn-ghost danger"
                    aria-label={`Remove ${budgetLabel(status)}`}
                    onClick={() => setRemoving(status)}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {unpriced.length ? (
        <p className="muted small" data-testid="budget-unpriced">
          Not counted, no price:{' '}
          {unpriced.map((model, index) => (
            <span key={model}>
              {index ? ', ' : ''}
              <a href={paths.addPrice(model)}>{model}</a>
            </span>
          ))}
          . The spending shown may be low: add a price to count them.
        </p>
      ) : null}
      <form
        className="inline-form"
        onSubmit={(event) => void save(event)}
        noValidate
        aria-label="Set a budget"
      >
        <label className="field">
          <span className="field-label">Applies to</span>
          <select className="input" value={scope} onChange={(event) => setScope(event.target.value)}>
            <option value={GLOBAL}>Global (all workspaces)</option>
            {workspaces?.map((workspace) => (
              <option key={workspace.id} value={workspace.id}>
                Workspace {workspace.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Monthly limit (USD)</span>
          <input
            ref={amountInput}
            className="input"
            type="number"
            inputMode="decimal"
            min={0.01}
            step="any"
            value={amount}
            onChange={(event) => {
              setAmount(event.target.value);
              setSaved(null);
            }}
            aria-invalid={touched && problem !== null}
            aria-describedby={touched && problem ? `${id}-problem` : undefined}
          />
        </label>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Save budget
        </button>
      </form>
      {touched && problem ? (
        <p className="field-error" id={`${id}-problem`}>
          {problem}
        </p>
      ) : null}
      {saved ? (
        saved.level === 'ok' ? (
          <p className="muted small" role="status">
            Saved: {budgetLabel(saved)} is {formatUsd(saved.monthlyUsd)} a month.
          </p>
        ) : (
          <ErrorBanner
            tone="warning"
            message={`Saved, but ${budgetLabel(saved)} is ${saved.level === 'exceeded' ? 'already used up: new turns are refused' : `already at ${saved.percent.toFixed(1)}%`} — ${formatUsd(saved.spentUsd)} of ${formatUsd(saved.monthlyUsd)} spent in ${monthLabel(saved.month)} (UTC).`}
            onDismiss={() => setSaved(null)}
          />
        )
      ) : null}
      {error ? <ErrorBanner message={error} onDismiss={() => setError(null)} /> : null}
      <ConfirmDialog
        open={removing !== null}
        title={removing ? `Remove ${budgetLabel(removing)}?` : ''}
        message="Its spending is no longer limited or warned about (another budget may still apply)."
        confirmLabel="Remove"
        danger
        busy={busy}
        onConfirm={() => removing && void remove(removing)}
        onCancel={() => setRemoving(null)}
      />
    </section>
  );
}
