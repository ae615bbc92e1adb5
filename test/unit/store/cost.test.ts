// Cost arithmetic and model matching: cached input priced apart, reasoning paid once as output, an
// unpriced model unknown (never $0), and the price valid on each call's day.
import { describe, expect, it } from 'vitest';
import { callCost, dayToMs, PriceBook, sumCosts, type PriceRow } from '../../../electron/store/cost';

const JAN = dayToMs('2026-01-01')!;
const MID_MONTH = dayToMs('2026-03-15')!;

function price(model: string, validFrom: number, inputPerMTok: number, cachedInputPerMTok: number, outputPerMTok: number): PriceRow {
  return { model, validFrom, inputPerMTok, cachedInputPerMTok, outputPerMTok };
}

const counts = (inputTokens: number, cachedInputTokens: number, outputTokens: number, reasoningTokens = 0) => ({
  inputTokens,
  cachedInputTokens,
  outputTokens,
  reasoningTokens,
});

describe('callCost', () => {
  const gpt4o = price('gpt-4o', JAN, 2.5, 1.25, 10);

  it('prices uncached input, cached input and output each at their own rate', () => {
    // 600k uncached × $2.50 + 400k cached × $1.25 + 100k output × $10 = 1.5 + 0.5 + 1.0
    expect(callCost(counts(1_000_000, 400_000, 100_000), gpt4o)).toBeCloseTo(3.0, 10);
  });

  it('pays reasoning tokens as output, once: they are part of the output count', () => {
    const withReasoning = callCost(counts(0, 0, 1_000_000, 800_000), gpt4o);
    expect(withReasoning).toBeCloseTo(10, 10);
    expect(withReasoning).toBe(callCost(counts(0, 0, 1_000_000, 0), gpt4o));
  });

  it('never prices more cached tokens than there were input tokens', () => {
    expect(callCost(counts(100, 500, 0), gpt4o)).toBeCloseTo((100 * 1.25) / 1_000_000, 12);
  });
});

describe('PriceBook', () => {
  const book = new PriceBook([
    price('gpt-4o', JAN, 2.5, 1.25, 10),
    price('gpt-4o', MID_MONTH, 2, 1, 8),
    price('gpt-4o-mini', JAN, 0.15, 0.075, 0.6),
    price('gpt-4o-2024-05-13', JAN, 5, 5, 15),
  ]);

  it('matches names case-insensitively and exactly, not by prefix', () => {
    expect(book.priceAt('GPT-4o', JAN)?.inputPerMTok).toBe(2.5);
    expect(book.priceAt('gpt-4o-mini', JAN)?.inputPerMTok).toBe(0.15);
    expect(book.priceAt('gpt-4o-audio-preview', JAN)).toBeNull();
  });

  it('gives a dated snapshot its family’s price unless it has its own', () => {
    expect(book.priceAt('gpt-4o-2024-08-06', JAN)?.inputPerMTok).toBe(2.5);
    expect(book.priceAt('gpt-4o-mini-2024-07-18', JAN)?.inputPerMTok).toBe(0.15);
    expect(book.priceAt('gpt-4o-2024-05-13', JAN)?.inputPerMTok).toBe(5);
  });

  it('leaves a model without a price unknown, not $0', () => {
    expect(book.costAt('my-local-llama', JAN, counts(1000, 0, 1000))).toBeNull();
    expect(sumCosts([0.5, null, 1])).toBeNull();
    expect(sumCosts([0.5, 1])).toBe(1.5);
    expect(sumCosts([])).toBe(0);
  });

  it('uses the price valid when the call was made across a mid-month change', () => {
    const call = counts(1_000_000, 0, 0);
    expect(book.costAt('gpt-4o', MID_MONTH - 1, call)).toBeCloseTo(2.5, 10);
    expect(book.costAt('gpt-4o', MID_MONTH, call)).toBeCloseTo(2, 10);
    expect(book.costAt('gpt-4o-2024-08-06', MID_MONTH + 3_600_000, call)).toBeCloseTo(2, 10);
    // Before any price of the model, the cost is unknown.
    expect(book.costAt('gpt-4o', JAN - 1, call)).toBeNull();
  });
});

describe('dayToMs', () => {
  it('takes real calendar days only', () => {
    expect(dayToMs('2026-01-01')).toBe(Date.UTC(2026, 0, 1));
    expect(dayToMs('2026-02-30')).toBeNull();
    expect(dayToMs('2026-1-1')).toBeNull();
    expect(dayToMs('yesterday')).toBeNull();
  });
});
