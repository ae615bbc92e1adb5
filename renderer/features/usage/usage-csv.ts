// The dashboard's CSV export: one row per day and model or workspace. Model names come from agents,
// so every cell is hostile: quoted per RFC 4180, and one that a spreadsheet would run as a formula
// (=, +, -, @, tab, CR) is prefixed with an apostrophe (OWASP "CSV injection").
import type { UsageDailyRow } from '../../../electron/api/types';

export function toCsv(rows: readonly (readonly (string | number | null)[])[]): string {
  return rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

function cell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Cost is left empty where it is unknown (a model without a price), never 0. */
export function dailyCsv(rows: readonly UsageDailyRow[], by: 'model' | 'workspace'): string {
  return toCsv([
    [
      'day',
      by,
      'requests',
      'input_tokens',
      'cached_input_tokens',
      'output_tokens',
      'reasoning_tokens',
      'cost_usd',
    ],
    ...rows.map((row) => [
      row.day,
      row.label,
      row.requests,
      row.inputTokens,
      row.cachedInputTokens,
      row.outputTokens,
      row.reasoningTokens,
      row.costUsd,
    ]),
  ]);
}
