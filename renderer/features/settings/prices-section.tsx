// Settings → Prices: the table the Usage page prices model calls with, in USD per million tokens from
// a day on. The seeded OpenAI list prices may be out of date: the text says to check them.
import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { ModelPrice } from '../../../electron/api/types';
import { useClient } from '../../app-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorBanner } from '../../components/error-banner';
import { useHostAction } from '../../components/use-host-action';
import { useHostQuery } from '../../components/use-host-query';

interface Draft {
  model: string;
  input: string;
  cached: string;
  output: string;
  /** YYYY-MM-DD, or empty: the host picks (all calls for a new model, today for a known one). */
  validFrom: string;
}

const EMPTY: Draft = { model: '', input: '', cached: '', output: '', validFrom: '' };
const PRICE_FIELDS = [
  ['input', 'Input'],
  ['cached', 'Cached input'],
  ['output', 'Output'],
] as const;

/** A non-negative decimal of at most a million dollars, or a message saying what is wrong. */
function priceProblem(text: string): string | null {
  if (text.trim() === '') return 'Enter a price, e.g. 2.50 (use 0 for free).';
  const value = Number(text);
  if (!Number.isFinite(value)) return 'Enter a number, e.g. 2.50.';
  if (value < 0) return 'A price cannot be negative.';
  if (value > 1_000_000) return 'At most 1,000,000.';
  return null;
}

/** A first price set without a date starts at the epoch: it covers all the model's calls. */
function fromText(validFrom: string): string {
  return validFrom === '1970-01-01' ? 'all calls' : validFrom;
}

function problemsOf(draft: Draft): Partial<Record<keyof Draft, string>> {
  const problems: Partial<Record<keyof Draft, string>> = {};
  if (!draft.model.trim()) problems.model = 'Name a model, e.g. gpt-4o.';
  else if (draft.model.trim().length > 200) problems.model = 'At most 200 characters.';
  for (const [key] of PRICE_FIELDS) {
    const problem = priceProblem(draft[key]);
    if (problem) problems[key] = problem;
  }
  return problems;
}

export function PricesSection({ focused, prefillModel }: { focused: boolean; prefillModel: string | null }) {
  const client = useClient();
  const id = useId();
  const prices = useHostQuery(() => client.call('prices.list', {}), 'prices');
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [touched, setTouched] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [removing, setRemoving] = useState<ModelPrice | null>(null);
  const { busy, error, setError, run } = useHostAction();
  const heading = useRef<HTMLHeadingElement>(null);
  const inputPrice = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!focused) return;
    heading.current?.scrollIntoView({ block: 'start' });
    if (prefillModel) {
      setDraft({ ...EMPTY, model: prefillModel });
      inputPrice.current?.focus();
    } else heading.current?.focus();
  }, [focused, prefillModel]);

  const problems = problemsOf(draft);
  const valid = Object.keys(problems).length === 0;
  const shown = (key: keyof Draft) => (touched ? problems[key] : undefined);

  function edit(changes: Partial<Draft>) {
    setDraft({ ...draft, ...changes });
    setSaved(null);
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (!valid || busy) return;
    setError(null);
    await run(async () => {
      const price = await client.call('prices.set', {
        model: draft.model.trim(),
        inputPerMTok: Number(draft.input),
        cachedInputPerMTok: Number(draft.cached),
        outputPerMTok: Number(draft.output),
        ...(draft.validFrom ? { validFrom: draft.validFrom } : {}),
      });
      setDraft(EMPTY);
      setTouched(false);
      setSaved(`Saved the price of ${price.model} (from ${fromText(price.validFrom)}).`);
      prices.reload();
    });
  }

  async function remove(price: ModelPrice) {
    await run(async () => {
      await client.call('prices.remove', { model: price.model, validFrom: price.validFrom });
      prices.reload();
    });
    setRemoving(null);
  }

  return (
    <section className="panel" data-testid="prices-settings" aria-labelledby={`${id}-title`}>
      <div className="panel-header">
        <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
          Prices
        </h2>
      </div>
      <p className="muted small">
        USD per million tokens, used for the costs on the Usage page. A call costs the price its model had on
        the day it was made; a dated snapshot such as <code>gpt-4o-2024-08-06</code> takes its family’s price
        unless it has its own. The prices filled in at first are OpenAI list prices: check them against your
        provider’s current prices.
      </p>
      {prices.error ? <ErrorBanner message={prices.error} /> : null}
      {prices.data && prices.data.length === 0 ? (
        <p className="muted">No prices: every cost shows as unknown.</p>
      ) : null}
      {prices.data && prices.data.length > 0 ? (
        <table className="table" data-testid="prices-table">
          <thead>
            <tr>
              <th>Model</th>
              <th>From</th>
              <th className="num">Input</th>
              <th className="num">Cached input</th>
              <th className="num">Output</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {prices.data.map((price) => (
              <tr key={`${price.model}:${price.validFrom}`} data-testid="price-row" data-model={price.model}>
                <td className="mono">{price.model}</td>
                <td className="nowrap">{fromText(price.validFrom)}</td>
                <td className="num">${price.inputPerMTok}</td>
                <td className="num">${price.cachedInputPerMTok}</td>
                <td className="num">${price.outputPerMTok}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="btn btn-small btn-ghost"
                    aria-label={`Edit the price of ${price.model} from ${price.validFrom}`}
                    onClick={() => {
                      edit({
                        model: price.model,
                        input: String(price.inputPerMTok),
                        cached: String(price.cachedInputPerMTok),
                        output: String(price.outputPerMTok),
                        validFrom: price.validFrom,
                      });
                      inputPrice.current?.focus();
                    }}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    className="btn btn-small btn-ghost danger"
                    aria-label={`Remove the price of ${price.model} from ${price.validFrom}`}
                    onClick={() => setRemoving(price)}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <form
        className="inline-form"
        onSubmit={(event) => void save(event)}
        noValidate
        aria-label="Add or change a price"
      >
        <label className="field">
          <span className="field-label">Model</span>
          <input
            className="input mono"
            value={draft.model}
            onChange={(event) => edit({ model: event.target.value })}
            placeholder="gpt-4o"
            autoComplete="off"
            spellCheck={false}
            maxLength={200}
            aria-invalid={Boolean(shown('model'))}
            data-testid="price-model-input"
          />
        </label>
        {PRICE_FIELDS.map(([key, label]) => (
          <label className="field" key={key}>
            <span className="field-label">{label} $/1M</span>
            <input
              ref={key === 'input' ? inputPrice : undefined}
              className="input"
              type="number"
              inputMode="decimal"
              min={0}
              step="any"
              value={draft[key]}
              onChange={(event) => edit({ [key]: event.target.value })}
              aria-invalid={Boolean(shown(key))}
              data-testid={`price-${key}-input`}
            />
          </label>
        ))}
        <label className="field">
          <span className="field-label">From (optional)</span>
          <input
            className="input"
            type="date"
            value={draft.validFrom}
            onChange={(event) => edit({ validFrom: event.target.value })}
            data-testid="price-from-input"
          />
        </label>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="price-save">
          Save price
        </button>
      </form>
      {touched && !valid ? (
        <ul className="field-error" data-testid="price-problems">
          {Object.entries(problems).map(([key, problem]) => (
            <li key={key}>
              {key === 'model' ? 'Model' : PRICE_FIELDS.find(([name]) => name === key)?.[1]}: {problem}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="muted small">
        Without a date, a model’s first price covers all its calls and a new price applies from today.
      </p>
      {saved ? (
        <p className="muted small" role="status">
          {saved}
        </p>
      ) : null}
      {error ? <ErrorBanner message={error} onDismiss={() => setError(null)} /> : null}
      <ConfirmDialog
        open={removing !== null}
        title={removing ? `Remove the price of ${removing.model} from ${removing.validFrom}?` : ''}
        message="Calls it priced take an earlier price of the model, or show an unknown cost."
        confirmLabel="Remove"
        danger
        busy={busy}
        onConfirm={() => removing && void remove(removing)}
        onCancel={() => setRemoving(null)}
      />
    </section>
  );
}
