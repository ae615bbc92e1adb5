-- Model prices in USD per million tokens, one row per model and the UTC day (ms at 00:00) it applies
-- from: a call costs what the model's latest row at or before its created_at says.
CREATE TABLE model_prices (
  model TEXT NOT NULL,
  valid_from INTEGER NOT NULL,
  input_per_mtok REAL NOT NULL CHECK (input_per_mtok >= 0),
  cached_input_per_mtok REAL NOT NULL CHECK (cached_input_per_mtok >= 0),
  output_per_mtok REAL NOT NULL CHECK (output_per_mtok >= 0),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (model, valid_from)
);

-- OpenAI list prices as we knew them, valid from 2026-01-01 (1767225600000). Prices change: users should
-- check them against openai.com/api/pricing and edit them in Settings → Prices or with `dspatch prices set`.
INSERT INTO model_prices (model, valid_from, input_per_mtok, cached_input_per_mtok, output_per_mtok, updated_at) VALUES
  ('gpt-4o', 1767225600000, 2.50, 1.25, 10.00, 1767225600000),
  ('gpt-4o-mini', 1767225600000, 0.15, 0.075, 0.60, 1767225600000),
  ('gpt-4.1', 1767225600000, 2.00, 0.50, 8.00, 1767225600000),
  ('gpt-4.1-mini', 1767225600000, 0.40, 0.10, 1.60, 1767225600000),
  ('gpt-4.1-nano', 1767225600000, 0.10, 0.025, 0.40, 1767225600000),
  ('o3', 1767225600000, 2.00, 0.50, 8.00, 1767225600000),
  ('o4-mini', 1767225600000, 1.10, 0.275, 4.40, 1767225600000),
  ('gpt-5', 1767225600000, 1.25, 0.125, 10.00, 1767225600000),
  ('gpt-5-mini', 1767225600000, 0.25, 0.025, 2.00, 1767225600000);
