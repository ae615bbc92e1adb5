// Knows every secret value the host has decrypted or been given, and blanks them out of any text
// before it is logged, stored or sent: agent output, error messages, host logs.
const MIN_SECRET_LENGTH = 4;
export const REDACTED = '[redacted]';

export class Redactor {
  readonly #values = new Set<string>();
  #pattern: RegExp | null = null;
  /** First characters of the secrets: only a suffix starting with one of them can begin a secret. */
  #firstChars = new Set<string>();
  #longest = 0;

  add(value: string): void {
    if (value.length < MIN_SECRET_LENGTH || this.#values.has(value)) return;
    this.#values.add(value);
    // Longest first, so a secret that contains another is blanked whole.
    const alternatives = [...this.#values].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.#pattern = new RegExp(alternatives.join('|'), 'g');
    this.#firstChars.add(value[0]);
    this.#longest = Math.max(this.#longest, value.length);
  }

  redact(text: string): string {
    return this.#pattern ? text.replace(this.#pattern, REDACTED) : text;
  }

  /**
   * Redacts one piece of a streamed text. A secret may arrive split across pieces (model tokens are a
   * few characters each), so the tail that could still grow into a secret is held back: pass the
   * returned `held` in with the next piece, and `release(held)` when the stream ends.
   */
  redactPiece(held: string, piece: string): { text: string; held: string } {
    const combined = held + piece;
    if (!this.#pattern) return { text: combined, held: '' };
    let start = this.#heldStart(combined);
    // A whole secret that reaches into the held tail (a longer secret may start the same way) is
    // held with it, so it is never cut in two.
    for (const match of combined.matchAll(this.#pattern)) {
      if (match.index < start && match.index + match[0].length > start) start = match.index;
    }
    return { text: this.redact(combined.slice(0, start)), held: combined.slice(start) };
  }

  /** The end of a stream: secrets in the held tail are blanked, and so is a tail long enough to be a real piece of one. */
  release(held: string): string {
    const redacted = this.redact(held);
    return redacted === held && held.length >= MIN_SECRET_LENGTH ? REDACTED : redacted;
  }

  /** Where the longest suffix of `text` that is the beginning of a secret (not a whole one) starts. */
  #heldStart(text: string): number {
    for (let i = Math.max(0, text.length - this.#longest + 1); i < text.length; i++) {
      if (!this.#firstChars.has(text[i])) continue;
      const tail = text.slice(i);
      for (const value of this.#values) if (value.length > tail.length && value.startsWith(tail)) return i;
    }
    return text.length;
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
