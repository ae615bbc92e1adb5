// Budgets against a real SQLite store: the calendar month in UTC, percent and level, calls of unpriced
// models left out (and named), alerts once per level per month, and the refusal of a new turn.
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../electron/api/contract';
import { budgetStatus, BudgetService, levelOf, utcMonth } from '../../../electron/host/budget-service';
import { HostError } from '../../../electron/host/errors';
import { Store } from '../../../electron/store/store';
import { tempDir } from '../../helpers/paths';

const DEC_31_LAST_MS = Date.UTC(2026, 11, 31, 23, 59, 59, 999);
const JAN_1 = Date.UTC(2027, 0, 1);
const DEC_10 = Date.UTC(2026, 11, 10, 12);

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const dir = tempDir('dspatch-budget-');
  dirs.push(dir);
  const store = Store.open(dir);
  stores.push(store);
  const events: Extract<HostEvent, { type: 'budget.updated' }>[] = [];
  const service = new BudgetService(store, {
    emit: (event) => {
      if (event.type === 'budget.updated') events.push(event);
    },
    flush: () => {},
    onError: (error) => {
      throw error;
    },
  });
  const workspace = (name: string) => {
    const id = randomUUID();
    store.workspaces.insert({ id, name, dir: `/tmp/${id}`, createdAt: 0, updatedAt: 0 });
    return id;
  };
  /** gpt-4o at the seeded $2.50 input / $10 output per million: `usd` dollars of output tokens. */
  const spend = (workspaceId: string, usd: number, at: number, model = 'gpt-4o') =>
    store.usage.insert({
      id: randomUUID(),
      workspaceId,
      runId: null,
      sessionId: null,
      agentKey: 'coder',
      source: 'agent',
      model,
      requests: 1,
      inputTokens: 0,
      cachedInputTokens: 0,
      outputTokens: usd * 100_000,
      reasoningTokens: 0,
      createdAt: at,
    });
  return { store, service, events, workspace, spend };
}

describe('the budget month and level', () => {
  it('is the calendar month in UTC, its last millisecond included and the next month’s first excluded', () => {
    expect(utcMonth(DEC_31_LAST_MS)).toEqual({ month: '2026-12', since: Date.UTC(2026, 11, 1), until: JAN_1 });
    expect(utcMonth(JAN_1).month).toBe('2027-01');
    expect(utcMonth(Date.UTC(2028, 1, 29, 12))).toEqual({ month: '2028-02', since: Date.UTC(2028, 1, 1), until: Date.UTC(2028, 2, 1) });
  });

  it('warns from 80 % and is used up from 100 %', () => {
    expect([0, 79.99, 80, 99.99, 100, 250].map(levelOf)).toEqual(['ok', 'ok', 'warning', 'warning', 'exceeded', 'exceeded']);
  });

  it('counts priced calls only and names the models without a price', () => {
    const budget = { workspaceId: null, workspaceName: null, monthlyUsd: 10, updatedAt: 0 };
    const row = (model: string, costUsd: number | null) => ({ model, requests: 1, inputTokens: 1, cachedInputTokens: 0, outputTokens: 1, reasoningTokens: 0, costUsd });
    const status = budgetStatus(budget, [row('gpt-4o', 6), row('house-model', null), row('gpt-4o', 2.5), row('house-model', null)], '2026-12');
    expect(status).toMatchObject({ spentUsd: 8.5, percent: 85, level: 'warning', unpricedModels: ['house-model'], month: '2026-12' });
  });
});

describe('BudgetService on a real store', () => {
  it('counts only this UTC month, per workspace and globally, priced like the Usage page', () => {
    const { service, workspace, spend, store } = setup();
    const shop = workspace('shop');
    const lab = workspace('lab');
    spend(shop, 4, DEC_10);
    spend(lab, 3, DEC_10);
    spend(shop, 100, Date.UTC(2026, 10, 30, 23, 59)); // November: not this month
    spend(shop, 100, JAN_1); // the first ms of January: not December
    spend(lab, 1, DEC_10, 'house-model'); // no price: not counted
    service.set(undefined, 10, DEC_10);
    service.set(shop, 5, DEC_10);
    const [global, ofShop] = service.status(DEC_31_LAST_MS);
    expect(global).toMatchObject({ workspaceId: null, spentUsd: 7, percent: 70, level: 'ok', unpricedModels: ['house-model'] });
    expect(ofShop).toMatchObject({ workspaceId: shop, workspaceName: 'shop', spentUsd: 4, percent: 80, level: 'warning', unpricedModels: [] });
    const dashboard = store.usage.summary({ workspaceId: shop, since: Date.UTC(2026, 11, 1), until: JAN_1 });
    expect(ofShop.spentUsd).toBeCloseTo(dashboard.total.costUsd!, 10);
    // In January the month starts again.
    expect(service.status(JAN_1 + 1000).find((s) => s.workspaceId === shop)?.spentUsd).toBe(100);
  });

  it('alerts once per level per month, at once when set below what is spent, and again next month', () => {
    const { service, workspace, spend, events } = setup();
    const shop = workspace('shop');
    spend(shop, 9, DEC_10);
    // Set below what is already spent: the alert comes with the set, not at the next turn.
    const status = service.set(undefined, 8, DEC_10);
    expect(status.level).toBe('exceeded');
    expect(events.at(-1)?.alerts.map((a) => a.level)).toEqual(['exceeded']);
    const count = events.length;
    service.check(DEC_10 + 1);
    service.check(DEC_10 + 2);
    expect(events.length).toBe(count); // nothing changed: nothing pushed

    service.set(undefined, 10, DEC_10 + 3); // 90 %: a new limit is judged afresh
    expect(events.at(-1)?.alerts.map((a) => a.level)).toEqual(['warning']);
    spend(shop, 0.5, DEC_10 + 4);
    service.check(DEC_10 + 5);
    expect(events.at(-1)?.alerts).toEqual([]); // still a warning: pushed (spending moved) but not alerted again
    spend(shop, 1, DEC_10 + 6);
    service.check(DEC_10 + 7);
    expect(events.at(-1)?.alerts.map((a) => a.level)).toEqual(['exceeded']);

    spend(shop, 9.5, JAN_1 + 10);
    service.check(JAN_1 + 11);
    expect(events.at(-1)?.alerts).toMatchObject([{ level: 'warning', month: '2027-01' }]);
  });

  it('refuses a new turn when the workspace’s or the global budget is used up, naming it and how to raise it', () => {
    const { service, workspace, spend } = setup();
    const shop = workspace('my shop');
    const lab = workspace('lab');
    spend(shop, 6, DEC_10);
    service.set(shop, 5, DEC_10);
    service.set(undefined, 100, DEC_10);
    const refusal = (workspaceId: string) => {
      try {
        service.assertCanStartTurn(workspaceId, DEC_10);
        return null;
      } catch (error) {
        return error as HostError;
      }
    };
    const shopRefusal = refusal(shop);
    expect(shopRefusal).toBeInstanceOf(HostError);
    expect(shopRefusal?.code).toBe('budget_exceeded');
    expect(shopRefusal?.message).toBe(
      "Not sent: the budget of workspace 'my shop' is used up — $6.00 of $5.00 spent in December 2026 (UTC). " +
        'Raise or remove it in Settings → Budgets, or with dspatch budgets set --workspace "my shop" USD; otherwise new turns start again next month.',
    );
    expect(refusal(lab)).toBeNull(); // another workspace is under the global budget

    service.set(undefined, 6, DEC_10);
    expect(refusal(lab)?.message).toContain('the global budget is used up — $6.00 of $6.00');
    expect(refusal(lab)?.message).toContain('dspatch budgets set USD');
    service.remove(undefined);
    service.remove(shop);
    expect(refusal(shop)).toBeNull();
    expect(() => service.remove(shop)).toThrow(/has no budget/);
  });

  it('keeps earlier days summed but follows a price change for them and a removed workspace', () => {
    const { service, workspace, spend, store } = setup();
    const shop = workspace('shop');
    const lab = workspace('lab');
    spend(shop, 2, DEC_10 - 5 * 86_400_000);
    spend(lab, 1, DEC_10 - 86_400_000);
    service.set(undefined, 10, DEC_10);
    expect(service.status(DEC_10)[0].spentUsd).toBeCloseTo(3, 10);
    spend(shop, 0.5, DEC_10 + 1); // today: counted at once
    expect(service.status(DEC_10 + 2)[0].spentUsd).toBeCloseTo(3.5, 10);

    // gpt-4o at half the output price from December 1st: the earlier days cost half too.
    store.prices.set({ model: 'gpt-4o', inputPerMTok: 2.5, cachedInputPerMTok: 1.25, outputPerMTok: 5, validFrom: '2026-12-01' }, DEC_10);
    expect(service.status(DEC_10 + 3)[0].spentUsd).toBeCloseTo(1.75, 10);

    store.workspaces.remove(lab); // its calls go with it (the host then says workspaces.changed)
    service.forgetEarlierDays();
    expect(service.status(DEC_10 + 4)[0].spentUsd).toBeCloseTo(1.25, 10);
    // The next day, yesterday's calls move to the kept sums and still count.
    expect(service.status(DEC_10 + 86_400_000)[0].spentUsd).toBeCloseTo(1.25, 10);
  });

  it('drops a workspace’s budget with the workspace', () => {
    const { service, workspace, store } = setup();
    const gone = workspace('gone');
    service.set(gone, 5, DEC_10);
    store.workspaces.remove(gone);
    expect(service.list()).toEqual([]);
    expect(() => service.set(gone, 5, DEC_10)).toThrow(/does not exist/);
  });
});
