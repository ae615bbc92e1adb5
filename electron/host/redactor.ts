// Knows every secret value the host has decrypted or been given, and blanks them out of any text
// before it is logged, stored or sent: agent output, error messages, host logs.
const MIN_SECRET_LENGTH = 4;
export const REDACTED = '[redacted]';

export class Redactor {
  readonly #values = new Set<string>();
  #pattern: RegExp | null = null;

  add(value: string): void {
    if (value.length < MIN_SECRET_LENGTH || this.#values.has(value)) return;
    this.#values.add(value);
    // Longest first, so a secret that contains another is blanked whole.
    const alternatives = [...this.#values].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.#pattern = new RegExp(alternatives.join('|'), 'g');
  }

  redact(text: string): string {
    return this.#pattern ? text.replace(this.#pattern, REDACTED) : text;
  }

  /** Redacts every string inside a JSON-like value. */
  redactDeep<T>(value: T): T {
    if (!this.#pattern) return value;
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((item) => this.redactDeep(item)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.redactDeep(v)])) as T;
    }
    return value;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What the user may see of a secret: a few last characters, and none of a short one. */
export function secretHint(value: string): string | null {
  if (value.length >= 16) return value.slice(-4);
  if (value.length >= 10) return value.slice(-2);
  return null;
}
