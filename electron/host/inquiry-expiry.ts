// Inquiries with a timeout: one timer, for the next expiry only. When it fires, every pending
// inquiry whose time ran out is marked expired and its agent (if it still runs) is answered "no
// answer", so it goes on without one. The expiry is in the store: a host started later expires what
// ran out while none ran, and schedules the rest.
import type { InquirySummary } from '../api/types';
import type { Store } from '../store/store';

export interface InquiryExpiryOptions {
  store: Store;
  /** Tells the waiting agent nobody answered; false when its agent no longer runs. */
  deliver(inquiry: InquirySummary, text: string): boolean;
  /** The inquiry changed: publish it. */
  updated(inquiry: InquirySummary): void;
  log(message: string): void;
  /** The clock (tests may pass their own). */
  now?: () => number;
}

/** setTimeout's longest delay; a later expiry is checked again when this one fires. */
const MAX_DELAY_MS = 2_147_483_647;

export class InquiryExpiry {
  #timer: ReturnType<typeof setTimeout> | null = null;
  #at: number | null = null;
  #closed = false;
  readonly #now: () => number;

  constructor(private readonly options: InquiryExpiryOptions) {
    this.#now = options.now ?? Date.now;
  }

  /** Expires what is due now and schedules the next expiry. Call at startup and whenever a pending inquiry with a timeout appears. */
  check(): void {
    if (this.#closed) return;
    const now = this.#now();
    for (const id of this.options.store.inquiries.expireDue(now)) this.#expired(id);
    this.#schedule(this.options.store.inquiries.nextExpiry());
  }

  /** A pending inquiry expiring at `at` appeared: the timer moves if it is earlier than the one set. */
  scheduleAt(at: number): void {
    if (this.#closed) return;
    if (this.#at !== null && this.#at <= at) return;
    this.#schedule(at);
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#at = null;
  }

  #schedule(at: number | null): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#at = at;
    if (at === null) return;
    const delay = Math.min(Math.max(0, at - this.#now()), MAX_DELAY_MS);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#at = null;
      this.check();
    }, delay);
    this.#timer.unref?.();
  }

  #expired(id: string): void {
    const inquiry = this.options.store.inquiries.get(id);
    if (!inquiry) return;
    const waited = inquiry.expiresAt === null ? '' : ` within ${duration(inquiry.expiresAt - inquiry.createdAt)}`;
    const text = `No answer: nobody answered this inquiry${waited}, and it expired. Decide on your own within your authority, or ask again.`;
    const delivered = this.options.deliver(inquiry, text);
    this.options.log(
      `The inquiry of agent '${inquiry.agentKey}' expired unanswered${waited}; ${delivered ? 'the agent was told there is no answer' : 'its agent no longer runs'}.`,
    );
    this.options.updated(inquiry);
  }
}

/** 3.2 s, 18 min, 5 h, 3 days. */
function duration(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${Number(seconds.toFixed(1))} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 72 * 3600) return `${Number((seconds / 3600).toFixed(1))} h`;
  return `${Math.round(seconds / 86400)} days`;
}
