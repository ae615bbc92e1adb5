// A supervisor's desk for the inquiries of its subordinates (d:spatch v2's interrupt tools). The host
// hands a subordinate's inquiry to its supervisor in one of two ways (electron/host/inquiry-router.ts):
// - as the supervisor's next input when it is idle: the turn's `input` carries it, and it is the
//   inquiry `replyToInquiry` answers;
// - by interrupting the wait the supervisor is blocked in (its talk_to, or its own inquiry). Only a
//   wait made through `waitInterruptibly` can be interrupted: it returns `interrupted` at once and the
//   wait itself is kept, to be resumed with `continueWaiting` (whose result is then the wait's).
// Everything here belongs to one turn: when the turn ends (or is stopped) the desk is cleared, and an
// inquiry nobody replied to moves on at the host when its forward times out.
import type { ForwardedInquiry, InstanceState } from '../protocol';

export type IncomingInquiry = ForwardedInquiry;

export type WaitOutcome<T> = { interrupted: false; value: T } | { interrupted: true; inquiry: IncomingInquiry };

export interface ReplyOutcome {
  delivered: boolean;
  /** What happened, in words for the model. */
  message: string;
}

export interface DeskPort {
  sendReply(inquiryId: string, text: string, suggestionIndex: number | undefined): void;
  setState(state: InstanceState): void;
}

interface Blocked {
  interrupt(inquiry: IncomingInquiry): void;
}

interface Suspended {
  promise: Promise<unknown>;
  state: InstanceState;
  settled: boolean;
}

/** How long `replyToInquiry` waits for the host to confirm; the host always answers, this only guards a broken channel. */
const REPLY_CONFIRM_MS = 30_000;

export class InquiryDesk {
  readonly #port: DeskPort;
  /** Inquiries that interrupted a wait and were not read yet. */
  #unread: IncomingInquiry[] = [];
  /** The inquiry read (or given as input) and not replied to yet. */
  #current: IncomingInquiry | null = null;
  readonly #blocked = new Set<Blocked>();
  /** Interrupted waits, the latest last. */
  #suspended: Suspended[] = [];
  readonly #replies = new Map<string, (error: string | undefined) => void>();

  constructor(port: DeskPort) {
    this.#port = port;
  }

  /** Waits that were interrupted and not resumed. */
  get suspendedWaits(): number {
    return this.#suspended.length;
  }

  /** An inquiry waits to be read with `receive()`. */
  get hasUnread(): boolean {
    return this.#unread.length > 0;
  }

  /**
   * Awaits `promise` (a talk_to or an inquiry) unless a subordinate's inquiry interrupts it first.
   * `state` is the instance state while blocked in it, restored when the wait is resumed.
   */
  waitInterruptibly<T>(promise: Promise<T>, state: InstanceState): Promise<WaitOutcome<T>> {
    const suspended: Suspended = { promise, state, settled: false };
    return new Promise<WaitOutcome<T>>((resolve, reject) => {
      const blocked: Blocked = {
        interrupt: (inquiry) => {
          this.#suspended.push(suspended);
          resolve({ interrupted: true, inquiry });
        },
      };
      this.#blocked.add(blocked);
      promise.then(
        (value) => {
          suspended.settled = true;
          if (this.#blocked.delete(blocked)) resolve({ interrupted: false, value });
        },
        (error: unknown) => {
          suspended.settled = true;
          if (this.#blocked.delete(blocked)) reject(error);
        },
      );
    });
  }

  /** Resumes the latest interrupted wait (it can be interrupted again); null when there is none. */
  continueWaiting(): Promise<WaitOutcome<unknown>> | null {
    const suspended = this.#suspended.pop();
    if (!suspended) return null;
    if (!suspended.settled) this.#port.setState(suspended.state);
    return this.waitInterruptibly(suspended.promise, suspended.state).finally(() => this.#port.setState('generating'));
  }

  /** The next inquiry that interrupted a wait; it becomes the one `reply` answers. */
  receive(): IncomingInquiry | null {
    const next = this.#unread.shift();
    if (next) this.#current = next;
    return next ?? this.#current;
  }

  /** Answers the current inquiry (or the next unread one); resolves once the host says whether it reached the asker. */
  async reply(text: string, suggestionIndex?: number): Promise<ReplyOutcome> {
    const target = this.#current ?? this.#unread.shift() ?? null;
    if (!target) {
      return {
        delivered: false,
        message: 'There is no inquiry waiting for your reply: no subordinate agent has asked you anything in this turn (or it was already answered).',
      };
    }
    this.#current = null;
    const error = await new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.#replies.delete(target.inquiryId);
        resolve('the host did not confirm the reply in time');
      }, REPLY_CONFIRM_MS);
      timer.unref?.();
      this.#replies.set(target.inquiryId, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
      this.#port.sendReply(target.inquiryId, text, suggestionIndex);
    });
    if (error) return { delivered: false, message: `Your reply was not delivered to '${target.fromAgent}': ${error}` };
    const next = this.#suspended.length
      ? ' Now call continue_waiting_for_agent_response to go back to the wait that was interrupted.'
      : '';
    return { delivered: true, message: `Your reply was delivered to '${target.fromAgent}', which continues with it.${next}` };
  }

  // ── used by the context and the runtime ─────────────────────────────────────────────────────

  /** @internal A forwarded inquiry that interrupts the blocked waits. False: nothing is blocked interruptibly. */
  interrupt(inquiry: IncomingInquiry): boolean {
    if (this.#blocked.size === 0) return false;
    this.#unread.push(inquiry);
    const blocked = [...this.#blocked];
    this.#blocked.clear();
    this.#port.setState('generating');
    for (const wait of blocked) wait.interrupt(inquiry);
    return true;
  }

  /** @internal The turn's input is this inquiry: it is the one to reply to. */
  deliver(inquiry: IncomingInquiry): void {
    this.#current = inquiry;
  }

  /** @internal The host's verdict on a reply. */
  settleReply(inquiryId: string, error: string | undefined): boolean {
    const settle = this.#replies.get(inquiryId);
    if (!settle) return false;
    this.#replies.delete(inquiryId);
    settle(error);
    return true;
  }

  /**
   * @internal The turn ended or was stopped: nothing of it is kept. Blocked waits stay: a stop
   * rejects the waits under them, and they must settle so the tools blocked in them return.
   */
  reset(): void {
    this.#unread = [];
    this.#current = null;
    this.#suspended = [];
    for (const settle of this.#replies.values()) settle('the turn ended before the host confirmed the reply');
    this.#replies.clear();
  }
}
