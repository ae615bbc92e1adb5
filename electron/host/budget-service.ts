// Monthly budgets: what this calendar month (UTC) cost against each limit, priced exactly like the Usage
// page (UsageRepo.summary with the price table), the alerts at 80 % and 100 % (once per budget, level
// and month), and the check that refuses a new turn once a budget that covers it is used up. A turn
// already running is never cut short: only new turns are checked.
//
// Unknown cost: calls of a model without a price are not counted (a guess would be worse), and every
// status names those models so the app can say the spending shown may be low.
//
// Speed: a call is stored when it is made, so the month's days before today no longer change unless the
// price table does or a workspace (with its calls) is removed. Their summary is kept per budget, and
// today's is kept until a call is added: the check after a turn sums today's calls once, and the check
// on the next send finds nothing new.
import type { HostEvent } from '../api/contract';
import { DAY_MS } from '../store/cost';
import type { Budget, BudgetLevel, BudgetStatus, UsageSummaryRow } from '../api/types';
import type { BudgetRow } from '../store/budget-repo';
import type { Store } from '../store/store';
import { HostError } from './errors';

export const WARNING_PERCENT = 80;
/** Spending is re-checked this long after something that may have added usage: a burst of turns makes one check. */
const CHECK_DELAY_MS = 1_000;

/** The calendar month (UTC) that holds `now`: 'YYYY-MM' and its bounds in ms, `until` exclusive. */
export function utcMonth(now: number): { month: string; since: number; until: number } {
  const date = new Date(now);
  const year = date.getUTCFullYear();
  const index = date.getUTCMonth();
  return { month: date.toISOString().slice(0, 7), since: Date.UTC(year, index, 1), until: Date.UTC(year, index + 1, 1) };
}

export function levelOf(percent: number): BudgetLevel {
  if (percent >= 100) return 'exceeded';
  return percent >= WARNING_PERCENT ? 'warning' : 'ok';
}

/** A budget against a month's usage rows (UsageRepo.summary().byModel): priced calls only. */
export function budgetStatus(budget: Budget, rows: readonly UsageSummaryRow[], month: string): BudgetStatus {
  let spentUsd = 0;
  const unpriced = new Set<string>();
  for (const row of rows) {
    if (row.costUsd === null) unpriced.add(row.model);
    else spentUsd += row.costUsd;
  }
  const percent = (spentUsd / budget.monthlyUsd) * 100;
  return { ...budget, month, spentUsd, percent, level: levelOf(percent), unpricedModels: [...unpriced].sort() };
}

/** "the global budget" / "the budget of workspace 'shop'". */
export function budgetName(budget: Pick<Budget, 'workspaceId' | 'workspaceName'>): string {
  return budget.workspaceId === null ? 'the global budget' : `the budget of workspace '${budget.workspaceName ?? budget.workspaceId}'`;
}

/** The command that raises it, with the workspace quoted when the shell needs it. */
export function raiseCommand(budget: Pick<Budget, 'workspaceId' | 'workspaceName'>): string {
  if (budget.workspaceId === null) return 'dspatch budgets set USD';
  const name = budget.workspaceName ?? budget.workspaceId;
  return `dspatch budgets set --workspace ${/^[\w.@-]+$/.test(name) ? name : JSON.stringify(name)} USD`;
}

export function usd(value: number): string {
  return `$${value.toFixed(2)}`;
}

export function monthName(month: string): string {
  return new Date(`${month}-01T00:00:00Z`).toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

export class BudgetService {
  #timer: NodeJS.Timeout | null = null;
  /** The statuses last pushed, so a check that changed nothing pushes nothing. */
  #lastPushed = '';
  #closed = false;
  /** Per budget scope, the usage rows of the month's days before today; valid for #closedKey. */
  readonly #closedDays = new Map<string, UsageSummaryRow[]>();
  /** Per budget scope, today's usage rows as of the newest call then. */
  readonly #today = new Map<string, { lastCall: number; rows: UsageSummaryRow[] }>();
  #closedKey = '';

  constructor(
    private readonly store: Store,
    private readonly options: {
      emit: (event: HostEvent) => void;
      /** Writes queued usage first, so a check sees every call acknowledged so far. */
      flush: () => void;
      onError: (error: unknown) => void;
    },
  ) {}

  list(): Budget[] {
    return this.store.budgets.list().map(toBudget);
  }

  status(now = Date.now()): BudgetStatus[] {
    this.options.flush();
    return this.#statuses(this.store.budgets.list(), now);
  }

  /** Sets the scope's limit and judges it at once: a limit already reached alerts now, not at the next turn. */
  set(workspaceId: string | undefined, monthlyUsd: number, now = Date.now()): BudgetStatus {
    if (workspaceId !== undefined && !this.store.workspaces.get(workspaceId)) {
      throw new HostError('not_found', 'That workspace does not exist (it may have been removed). See the workspace list.');
    }
    this.store.budgets.set(workspaceId ?? null, monthlyUsd, now);
    this.check(now);
    const status = this.status(now).find((s) => s.workspaceId === (workspaceId ?? null));
    if (!status) throw new HostError('internal', 'The budget was not stored.');
    return status;
  }

  remove(workspaceId: string | undefined): void {
    if (!this.store.budgets.remove(workspaceId ?? null)) {
      const name = workspaceId === undefined ? 'There is no global budget' : 'That workspace has no budget';
      throw new HostError('not_found', `${name} to remove. See Settings → Budgets or dspatch budgets list.`);
    }
    this.check();
  }

  /** Throws budget_exceeded when the global budget or the workspace's own is used up this month. */
  assertCanStartTurn(workspaceId: string, now = Date.now()): void {
    this.options.flush();
    const covering = this.store.budgets.list().filter((row) => row.workspaceId === null || row.workspaceId === workspaceId);
    // The workspace's own budget first: it is the more specific answer to "why not?".
    const used = this.#statuses(covering, now)
      .filter((status) => status.level === 'exceeded')
      .sort((a, b) => Number(a.workspaceId === null) - Number(b.workspaceId === null))[0];
    if (!used) return;
    throw new HostError(
      'budget_exceeded',
      `Not sent: ${budgetName(used)} is used up — ${usd(used.spentUsd)} of ${usd(used.monthlyUsd)} spent in ${monthName(used.month)} (UTC). ` +
        `Raise or remove it in Settings → Budgets, or with ${raiseCommand(used)}; otherwise new turns start again next month.`,
      { budget: used },
    );
  }

  /** Re-checks soon; many calls in a burst make one check. */
  scheduleCheck(): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      try {
        this.check();
      } catch (error) {
        this.options.onError(error);
      }
    }, CHECK_DELAY_MS);
    this.#timer.unref();
  }

  /** Pushes the statuses when they changed, with the budgets that reached a level for the first time this month. */
  check(now = Date.now()): void {
    if (this.#closed) return;
    this.options.flush();
    const rows = this.store.budgets.list();
    const statuses = this.#statuses(rows, now);
    const alerts = statuses.filter((status, index) => {
      if (status.level === 'ok') return false;
      const row = rows[index];
      const already = row.alertedMonth === status.month && (row.alertedLevel === 'exceeded' || row.alertedLevel === status.level);
      if (already) return false;
      this.store.budgets.markAlerted(status.workspaceId, status.month, status.level);
      return true;
    });
    const pushed = JSON.stringify(statuses);
    if (alerts.length === 0 && pushed === this.#lastPushed) return;
    this.#lastPushed = pushed;
    this.options.emit({ type: 'budget.updated', statuses, alerts });
  }

  /** Drops the kept summaries of earlier days: calls were removed (a workspace went). */
  forgetEarlierDays(): void {
    this.#closedDays.clear();
    this.#today.clear();
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #statuses(rows: readonly BudgetRow[], now: number): BudgetStatus[] {
    const { month } = utcMonth(now);
    return rows.map((row) => budgetStatus(toBudget(row), this.#monthRows(row.workspaceId, now), month));
  }

  /** The scope's usage rows of the month (UsageRepo.summary().byModel), earlier days from the cache. */
  #monthRows(workspaceId: string | null, now: number): UsageSummaryRow[] {
    const { since, until } = utcMonth(now);
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    const key = `${today}|${JSON.stringify(this.store.prices.list())}`;
    if (key !== this.#closedKey) {
      this.forgetEarlierDays();
      this.#closedKey = key;
    }
    const scope = workspaceId ?? undefined;
    const cacheKey = workspaceId ?? '';
    let earlier = this.#closedDays.get(cacheKey);
    if (!earlier) {
      earlier = since < today ? this.store.usage.summary({ workspaceId: scope, since, until: today }).byModel : [];
      this.#closedDays.set(cacheKey, earlier);
    }
    const lastCall = this.store.budgets.lastUsageRow();
    let current = this.#today.get(cacheKey);
    if (current?.lastCall !== lastCall) {
      current = { lastCall, rows: this.store.usage.summary({ workspaceId: scope, since: today, until }).byModel };
      this.#today.set(cacheKey, current);
    }
    return [...earlier, ...current.rows];
  }
}

function toBudget({ workspaceId, workspaceName, monthlyUsd, updatedAt }: BudgetRow): Budget {
  return { workspaceId, workspaceName, monthlyUsd, updatedAt };
}
