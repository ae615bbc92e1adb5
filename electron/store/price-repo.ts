// The editable price table (model_prices, migration 0008): USD per million tokens per model and day.
import type { ModelPrice } from '../api/types';
import { DAY_MS, dayToMs, msToDay, PriceBook, type PriceRow } from './cost';
import type { Db } from './database';

export interface PriceInput {
  model: string;
  inputPerMTok: number;
  cachedInputPerMTok: number;
  outputPerMTok: number;
  /** YYYY-MM-DD (UTC). Omitted: a model's first price covers all its calls, a later one starts today. */
  validFrom?: string;
}

const COLUMNS = `model, valid_from AS validFrom, input_per_mtok AS inputPerMTok, cached_input_per_mtok AS cachedInputPerMTok,
  output_per_mtok AS outputPerMTok`;

export class PriceRepo {
  constructor(private readonly db: Db) {}

  list(): ModelPrice[] {
    const rows = this.db
      .prepare(`SELECT ${COLUMNS}, updated_at AS updatedAt FROM model_prices ORDER BY model, valid_from DESC`)
      .all() as (PriceRow & { updatedAt: number })[];
    return rows.map((row) => ({ ...row, validFrom: msToDay(row.validFrom) }));
  }

  book(): PriceBook {
    return new PriceBook(this.db.prepare(`SELECT ${COLUMNS} FROM model_prices`).all() as PriceRow[]);
  }

  /** Adds or replaces the model's price from that day. `validFrom` must already be a valid day. */
  set(input: PriceInput, now = Date.now()): ModelPrice {
    const model = input.model.trim().toLowerCase();
    const validFrom = input.validFrom === undefined ? this.#defaultStart(model, now) : dayToMs(input.validFrom);
    if (validFrom === null) throw new Error(`Not a day: ${input.validFrom}`);
    this.db
      .prepare(
        `INSERT INTO model_prices (model, valid_from, input_per_mtok, cached_input_per_mtok, output_per_mtok, updated_at)
         VALUES (@model, @validFrom, @inputPerMTok, @cachedInputPerMTok, @outputPerMTok, @now)
         ON CONFLICT (model, valid_from) DO UPDATE SET input_per_mtok = excluded.input_per_mtok,
           cached_input_per_mtok = excluded.cached_input_per_mtok, output_per_mtok = excluded.output_per_mtok, updated_at = excluded.updated_at`,
      )
      .run({ model, validFrom, inputPerMTok: input.inputPerMTok, cachedInputPerMTok: input.cachedInputPerMTok, outputPerMTok: input.outputPerMTok, now });
    return {
      model,
      validFrom: msToDay(validFrom),
      inputPerMTok: input.inputPerMTok,
      cachedInputPerMTok: input.cachedInputPerMTok,
      outputPerMTok: input.outputPerMTok,
      updatedAt: now,
    };
  }

  /** Removes one day's price, or all of the model's; returns how many rows went. */
  remove(model: string, validFrom?: string): number {
    const day = validFrom === undefined ? null : dayToMs(validFrom);
    if (validFrom !== undefined && day === null) return 0;
    return this.db
      .prepare('DELETE FROM model_prices WHERE model = @model AND (@day IS NULL OR valid_from = @day)')
      .run({ model: model.trim().toLowerCase(), day }).changes;
  }

  #defaultStart(model: string, now: number): number {
    const known = this.db.prepare('SELECT 1 FROM model_prices WHERE model = ? LIMIT 1').get(model);
    // A first price is for the calls already made too: that is what "add a price" for an unknown model means.
    return known ? Math.floor(now / DAY_MS) * DAY_MS : 0;
  }
}
