// What model calls cost: a price book of per-model prices by the UTC day they apply from, and the
// name matching that lets a dated snapshot (gpt-4o-2024-08-06) take its family's price. Pure, so the
// unit tests pin the arithmetic without a database.

export const DAY_MS = 86_400_000;

export interface PriceRow {
  /** Lower case. */
  model: string;
  /** ms at 00:00 UTC of the first day it applies. */
  validFrom: number;
  inputPerMTok: number;
  cachedInputPerMTok: number;
  outputPerMTok: number;
}

export interface TokenCounts {
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

const DATE_SNAPSHOT = /-\d{4}-\d{2}-\d{2}$/;

/**
 * USD for one call at `price`. OpenAI counts cached tokens inside the input and reasoning tokens inside
 * the output, so the cached ones are taken out of the input and priced apart, and the reasoning ones
 * are paid as output exactly once.
 */
export function callCost(counts: TokenCounts, price: PriceRow): number {
  const cached = Math.min(counts.cachedInputTokens, counts.inputTokens);
  const uncached = counts.inputTokens - cached;
  return (uncached * price.inputPerMTok + cached * price.cachedInputPerMTok + counts.outputTokens * price.outputPerMTok) / 1_000_000;
}

export class PriceBook {
  /** Per model, newest first. */
  readonly #byModel = new Map<string, PriceRow[]>();

  constructor(rows: readonly PriceRow[]) {
    for (const row of rows) {
      const list = this.#byModel.get(row.model) ?? [];
      list.push(row);
      this.#byModel.set(row.model, list);
    }
    for (const list of this.#byModel.values()) list.sort((a, b) => b.validFrom - a.validFrom);
  }

  /**
   * The price valid at `at` (ms): the model's own (case-insensitive), else, for a dated snapshot,
   * its family's; null when neither has a price from that day or earlier.
   */
  priceAt(model: string, at: number): PriceRow | null {
    const name = model.trim().toLowerCase();
    const own = this.#latest(name, at);
    if (own || !DATE_SNAPSHOT.test(name)) return own;
    return this.#latest(name.replace(DATE_SNAPSHOT, ''), at);
  }

  /** USD, or null when the model has no price at `at`: unknown, never $0. */
  costAt(model: string, at: number, counts: TokenCounts): number | null {
    const price = this.priceAt(model, at);
    return price ? callCost(counts, price) : null;
  }

  #latest(name: string, at: number): PriceRow | null {
    return this.#byModel.get(name)?.find((row) => row.validFrom <= at) ?? null;
  }
}

/** 'YYYY-MM-DD' → ms at 00:00 UTC, or null when it is not a real calendar day. */
export function dayToMs(day: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(ms) || msToDay(ms) !== day ? null : ms;
}

export function msToDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Null when any part is unknown: a sum that leaves out an unknown part would understate the cost. */
export function sumCosts(costs: Iterable<number | null>): number | null {
  let total = 0;
  for (const cost of costs) {
    if (cost === null) return null;
    total += cost;
  }
  return total;
}
