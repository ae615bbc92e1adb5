// Budgets in the shell: the live statuses (loaded once, then kept by `budget.updated`), the banner at
// the top of the app while a budget is at 80 % or more this month, and the button that leads from a
// refused message to Settings → Budgets.
import { useEffect, useState } from 'react';
import type { BudgetStatus } from '../../../electron/api/types';
import { isHostCallError } from '../../api/host-call-error';
import { useClient } from '../../app-context';
import { navigate, paths } from './router';
import './budget-banner.css';

export function formatUsd(value: number): string {
  return `$${value.toFixed(2)}`;
}

/** "the global budget" / "the budget of workspace 'shop'": the host's refusal names them the same way. */
export function budgetLabel(status: Pick<BudgetStatus, 'workspaceId' | 'workspaceName'>): string {
  return status.workspaceId === null
    ? 'the global budget'
    : `the budget of workspace '${status.workspaceName ?? status.workspaceId}'`;
}

/** "December 2026": budgets run by calendar month in UTC. */
export function monthLabel(month: string): string {
  return new Date(`${month}-01T00:00:00Z`).toLocaleString('en-US', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** Every budget's status this month, live; null until loaded. `error` when loading failed. */
export function useBudgetStatuses(): {
  statuses: BudgetStatus[] | null;
  error: string | null;
  setStatuses: (statuses: BudgetStatus[]) => void;
} {
  const client = useClient();
  const [statuses, setStatuses] = useState<BudgetStatus[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    const load = () =>
      client.call('budgets.status', {}).then(
        (value) => {
          if (cancelled) return;
          setStatuses(value);
          setError(null);
        },
        (err: unknown) => {
          if (!cancelled) setError(isHostCallError(err) ? err.message : 'The budgets could not be loaded.');
        },
      );
    void load();
    const stopEvents = client.onEvent((event) => {
      if (event.type === 'budget.updated') setStatuses(event.statuses);
    });
    // Events may have been missed while the connection was down.
    const stopConnection = client.onConnectionChange?.((connected) => {
      if (connected) void load();
    });
    return () => {
      cancelled = true;
      stopEvents();
      stopConnection?.();
    };
  }, [client]);
  return { statuses, error, setStatuses };
}

const DISMISSED_KEY = 'dspatch.budgetBanner.dismissed';

/** A dismissal holds for one budget, month and level: reaching 100 % after dismissing 80 % shows it again. */
function dismissKey(status: BudgetStatus): string {
  return `${status.workspaceId ?? 'global'}:${status.month}:${status.level}`;
}

function loadDismissed(): string[] {
  try {
    const value: unknown = JSON.parse(window.localStorage.getItem(DISMISSED_KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

export function BudgetBanner() {
  const { statuses } = useBudgetStatuses();
  const [dismissed, setDismissed] = useState<string[]>(loadDismissed);
  const shown = (statuses ?? []).filter(
    (status) => status.level !== 'ok' && !dismissed.includes(dismissKey(status)),
  );
  if (shown.length === 0) return null;

  const dismiss = (status: BudgetStatus) => {
    // Only this month's keys are kept: the list cannot grow without end.
    const next = [...dismissed.filter((key) => key.includes(`:${status.month}:`)), dismissKey(status)];
    setDismissed(next);
    window.localStorage.setItem(DISMISSED_KEY, JSON.stringify(next));
  };

  return (
    <div className="budget-banners">
      {shown.map((status) => {
        const label = budgetLabel(status);
        const used = status.level === 'exceeded';
        return (
          <div
            key={dismissKey(status)}
            className={`banner banner-${used ? 'error' : 'warning'}`}
            role={used ? 'alert' : 'status'}
            data-testid="budget-banner"
          >
            <span className="banner-message">
              {used
                ? `${capitalize(label)} is used up: new turns are refused.`
                : `${capitalize(label)} is over ${Math.floor(status.percent)}%.`}{' '}
              {formatUsd(status.spentUsd)} of {formatUsd(status.monthlyUsd)} spent in{' '}
              {monthLabel(status.month)} (UTC).
              {status.unpricedModels.length
                ? ` Calls of ${status.unpricedModels.join(', ')} have no price and are not counted.`
                : ''}
            </span>
            <button
              type="button"
              className="btn btn-small"
              onClick={() => navigate(paths.settings('budgets'))}
            >
              Budgets
            </button>
            <button
              type="button"
              className="btn btn-ghost btn-small"
              aria-label={`Dismiss the notice about ${label}`}
              onClick={() => dismiss(status)}
            >
              ✕
            </button>
          </div>
        );
      })}
    </div>
  );
}

/** On a message refused because a budget is used up: the way to raise it. */
export function BudgetExceededAction({ error, onNavigate }: { error: unknown; onNavigate?: () => void }) {
  if (!isHostCallError(error) || error.code !== 'budget_exceeded') return null;
  return (
    <button
      type="button"
      className="btn btn-small btn-primary"
      onClick={() => {
        onNavigate?.();
        navigate(paths.settings('budgets'));
      }}
    >
      Open Budgets
    </button>
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
