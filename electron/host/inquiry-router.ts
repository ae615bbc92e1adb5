// Inquiries bubble up to the asking agent's supervisor before they reach the user (d:spatch v2).
//
// Who supervises a conversation:
// - the talk_to caller that is waiting on it right now (it blocked for this very work, so it is the
//   one that knows what it wanted — also when the caller is a peer rather than the parent);
// - otherwise its parent in the workspace tree (`sub_agents`): the parent conversation that opened
//   it, else the parent agent's latest conversation, else a new one;
// - a root agent has none: its inquiries go to the user.
//
// How the supervisor gets it:
// - blocked in a wait (waiting_for_agent / waiting_for_inquiry): `inquiry.forward` interrupts the
//   wait; the SDK's blocked tool returns INTERRUPTED and the model reads, answers and resumes
//   (agents/sdk/inquiry-desk.ts). A wait that cannot be interrupted (a context that does not handle
//   interruptions, or the wait just ended) is declined by the agent and the inquiry moves on;
// - idle: as its next input, `[INQUIRY FROM SUBORDINATE AGENT …]` with the question and suggestions;
// - busy generating: it is held for the supervisor (`queued`) and handed over as soon as the
//   supervisor blocks in a wait or becomes idle — typically a moment later, when it goes back to
//   waiting on this very agent. Nothing is sent meanwhile, so an inquiry that moves on on timeout
//   leaves no stale input behind;
// - crashed, not running, or an agent whose context does not take subordinates' inquiries
//   (Context.handlesInquiries): it moves on at once (`not_running`, `unsupported`).
//
// Each forward has a timeout (Settings → Inquiries, 60 s by default); when it runs out, or the
// supervisor's conversation crashes or stops, the inquiry moves one level up, finally to the user.
// The user can answer a pending inquiry wherever it is. Every hop is stored on the inquiry
// (`forwarding`), and so is the supervisor agent that answered. Nothing here waits without a timer:
// the last hop, the user, is where an inquiry always ends up.
import { describeForwardedInquiry, type ForwardedInquiry, type HostToAgent } from '../../agents/protocol';
import type { HostEvent } from '../api/contract';
import type { InquiryHop, InquiryMoveReason, InquirySummary, SessionSummary } from '../api/types';
import type { Store } from '../store/store';

export const FORWARD_TIMEOUT_SETTING = 'inquiries.forwardTimeoutSeconds';
export const DEFAULT_FORWARD_TIMEOUT_SECONDS = 60;
/** More hops than any sane tree is deep: then the user decides. */
const MAX_HOPS = 16;

export interface InquirySettings {
  /** How long a supervisor agent has to answer a forwarded inquiry before it moves one level up. */
  forwardTimeoutSeconds: number;
}

export function readInquirySettings(store: Store): InquirySettings {
  const stored = store.tasks.getSetting(FORWARD_TIMEOUT_SETTING);
  const value = stored === undefined ? NaN : Number(JSON.parse(stored));
  return { forwardTimeoutSeconds: Number.isFinite(value) && value > 0 ? value : DEFAULT_FORWARD_TIMEOUT_SECONDS };
}

export function writeInquirySettings(store: Store, settings: Partial<InquirySettings>): InquirySettings {
  if (settings.forwardTimeoutSeconds !== undefined) store.tasks.setSetting(FORWARD_TIMEOUT_SETTING, JSON.stringify(settings.forwardTimeoutSeconds));
  return readInquirySettings(store);
}

export interface InquiryRouterPort {
  /** The conversation whose talk_to waits on this one's open turn, or null. */
  callerWaitingOn(sessionId: string): string | null;
  /** The parent agent key of `agentKey` in its running workspace; null for a root (or when not running). */
  parentKey(workspaceId: string, agentKey: string): string | null;
  /** Whether the conversation's agent takes subordinates' inquiries (its context says so when it starts). */
  handlesInquiries(session: SessionSummary): boolean;
  /** A conversation's current state, with everything the agents sent so far applied. */
  session(sessionId: string): SessionSummary | undefined;
  /** Sends to the conversation's live instance; false when it has none. */
  send(session: SessionSummary, message: HostToAgent): boolean;
  /** Starts a turn in the conversation with `text` as input from `sender`; false when it could not. */
  deliverInput(session: SessionSummary, text: string, sender: string, inquiry: ForwardedInquiry): boolean;
  /** A new conversation with `agentKey` (an idle supervisor for an inquiry), or null. */
  createSession(workspaceId: string, agentKey: string): SessionSummary | null;
  redact(text: string): string;
  emit(event: HostEvent): void;
  log(session: SessionSummary, level: 'info' | 'warn', message: string): void;
}

interface Route {
  inquiry: ForwardedInquiry;
  workspaceId: string;
  originSessionId: string;
  /** The supervisor conversation holding it now; null: the user (or between hops). */
  holder: { sessionId: string; agentKey: string } | null;
  visited: Set<string>;
  hops: InquiryHop[];
  timer: NodeJS.Timeout | null;
}

export class InquiryRouter {
  readonly #routes = new Map<string, Route>();

  constructor(
    private readonly store: Store,
    private readonly port: InquiryRouterPort,
  ) {}

  /** A new inquiry of an agent: it goes to the agent's supervisor, or to the user. */
  open(inquiry: InquirySummary): void {
    const route: Route = {
      inquiry: { inquiryId: inquiry.id, fromAgent: inquiry.agentKey, markdown: inquiry.markdown, suggestions: inquiry.suggestions, files: inquiry.files },
      workspaceId: inquiry.workspaceId,
      originSessionId: inquiry.sessionId,
      holder: null,
      visited: new Set([inquiry.sessionId]),
      hops: [],
      timer: null,
    };
    this.#routes.set(inquiry.id, route);
    this.#advance(route, inquiry.sessionId);
  }

  /** The supervisor conversation holding an inquiry, if an agent holds it. */
  holderOf(inquiryId: string): { sessionId: string; agentKey: string } | null {
    return this.#routes.get(inquiryId)?.holder ?? null;
  }

  /**
   * A supervisor's `reply_to_inquiry`. The asking agent gets the answer with who gave it; the
   * supervisor gets `inquiry.reply.result`, an error saying why when the reply could not count.
   */
  reply(supervisor: SessionSummary, inquiryId: string, rawText: string): void {
    const error = this.#deliverReply(supervisor, inquiryId, rawText);
    this.port.send(supervisor, { type: 'inquiry.reply.result', instanceId: supervisor.id, inquiryId, error });
  }

  /** The supervisor was not blocked in a wait it could interrupt (it just moved on): held until it waits again or is idle. */
  declined(session: SessionSummary, inquiryId: string): void {
    const route = this.#routes.get(inquiryId);
    const hop = route?.hops.at(-1);
    if (!route || !hop || route.holder?.sessionId !== session.id || hop.delivery !== 'interrupt') return;
    hop.delivery = 'queued';
    this.#save(route);
    const current = this.port.session(session.id);
    if (current && current.state !== 'generating') this.stateChanged(current.id, current.state);
  }

  /** A supervisor's state changed: inquiries held for it while it was busy are handed over now. */
  stateChanged(sessionId: string, state: SessionSummary['state']): void {
    if (state === 'generating') return;
    for (const route of [...this.#routes.values()]) {
      if (route.holder?.sessionId !== sessionId || route.hops.at(-1)?.delivery !== 'queued') continue;
      const session = this.port.session(sessionId);
      if (!session) continue;
      const delivery = this.#deliver(route, { ...session, state });
      if (delivery === 'queued') continue;
      if (typeof delivery === 'string') {
        route.hops.at(-1)!.delivery = delivery;
        this.#save(route);
      } else {
        this.#moveOn(route, delivery.skipped);
      }
    }
  }

  /** The user answered (wherever the inquiry was): nothing moves it any more. */
  answeredByUser(inquiryId: string): void {
    this.#finish(inquiryId);
  }

  /** A conversation ended: inquiries it asked are over, and those it held move on. */
  sessionClosed(sessionId: string, state: 'crashed' | 'stopped'): void {
    for (const [inquiryId, route] of [...this.#routes]) {
      if (route.originSessionId === sessionId) this.#finish(inquiryId);
      else if (route.holder?.sessionId === sessionId) this.#moveOn(route, state);
    }
  }

  close(): void {
    for (const inquiryId of [...this.#routes.keys()]) this.#finish(inquiryId);
  }

  // ── routing ─────────────────────────────────────────────────────────────────────────────────

  /** Hands the inquiry to the next supervisor above `fromSessionId` that takes it, or to the user. */
  #advance(route: Route, fromSessionId: string): void {
    let from = fromSessionId;
    for (;;) {
      const next = route.hops.length >= MAX_HOPS ? null : this.#supervisorOf(from, route);
      if (!next) {
        route.holder = null;
        route.hops.push({ agentKey: null, sessionId: null, at: Date.now(), delivery: 'user', movedOn: null });
        break;
      }
      route.visited.add(next.id);
      const delivery = this.#deliver(route, next);
      if (typeof delivery === 'string') {
        route.hops.push({ agentKey: next.agentKey, sessionId: next.id, at: Date.now(), delivery, movedOn: null });
        route.holder = { sessionId: next.id, agentKey: next.agentKey };
        const timeoutMs = readInquirySettings(this.store).forwardTimeoutSeconds * 1000;
        route.timer = setTimeout(() => this.#moveOn(route, 'timeout'), timeoutMs);
        route.timer.unref?.();
        break;
      }
      const now = Date.now();
      route.hops.push({ agentKey: next.agentKey, sessionId: next.id, at: now, delivery: 'skipped', movedOn: { at: now, reason: delivery.skipped } });
      from = next.id;
    }
    this.#save(route);
  }

  #deliver(route: Route, supervisor: SessionSummary): 'interrupt' | 'input' | 'queued' | { skipped: InquiryMoveReason } {
    if (supervisor.state === 'crashed') return { skipped: 'not_running' };
    if (!this.port.handlesInquiries(supervisor)) return { skipped: 'unsupported' };
    switch (supervisor.state) {
      case 'waiting_for_agent':
      case 'waiting_for_inquiry':
        return this.port.send(supervisor, { type: 'inquiry.forward', instanceId: supervisor.id, inquiry: route.inquiry })
          ? 'interrupt'
          : { skipped: 'not_running' };
      case 'generating':
        return 'queued';
      default:
        return this.port.deliverInput(supervisor, describeForwardedInquiry(route.inquiry, 'reply_to_inquiry', 'send_inquiry'), route.inquiry.fromAgent, route.inquiry)
          ? 'input'
          : { skipped: 'not_running' };
    }
  }

  /** The conversation that supervises `sessionId` (see the header), or null: the user. */
  #supervisorOf(sessionId: string, route: Route): SessionSummary | null {
    const callerId = this.port.callerWaitingOn(sessionId);
    const caller = callerId ? this.port.session(callerId) : undefined;
    if (caller && !route.visited.has(caller.id)) return caller;
    const session = this.port.session(sessionId);
    if (!session) return null;
    const parentKey = this.port.parentKey(session.workspaceId, session.agentKey);
    if (!parentKey) return null;
    const opener = session.parentSessionId ? this.port.session(session.parentSessionId) : undefined;
    const candidate =
      opener?.agentKey === parentKey
        ? opener
        : (this.store.sessions.latestSessionOf(session.workspaceId, parentKey) ?? this.port.createSession(session.workspaceId, parentKey) ?? undefined);
    const current = candidate && this.port.session(candidate.id);
    // A parent already on the way (a cycle through talk_to callers): the user decides.
    return current && !route.visited.has(current.id) ? current : null;
  }

  #moveOn(route: Route, reason: InquiryMoveReason): void {
    if (route.timer) clearTimeout(route.timer);
    route.timer = null;
    const holder = route.holder;
    if (!holder || this.#routes.get(route.inquiry.inquiryId) !== route) return;
    if (this.store.inquiries.get(route.inquiry.inquiryId)?.status !== 'pending') {
      this.#finish(route.inquiry.inquiryId);
      return;
    }
    const hop = route.hops.at(-1);
    if (hop) hop.movedOn = { at: Date.now(), reason };
    const session = this.port.session(holder.sessionId);
    if (session) this.port.log(session, 'info', `Agent '${holder.agentKey}' did not answer the inquiry of '${route.inquiry.fromAgent}' (${REASON_TEXT[reason]}); it moves one level up.`);
    route.holder = null;
    this.#advance(route, holder.sessionId);
  }

  #deliverReply(supervisor: SessionSummary, inquiryId: string, rawText: string): string | undefined {
    const stored = this.store.inquiries.get(inquiryId);
    if (!stored) return `there is no inquiry ${inquiryId}.`;
    if (stored.status !== 'pending') {
      const by = stored.status === 'answered' ? (stored.answeredByAgent ? ` by agent '${stored.answeredByAgent}'` : ' by the user') : '';
      return `that inquiry was already ${stored.status}${by}; your reply was not used.`;
    }
    const route = this.#routes.get(inquiryId);
    if (!route || route.holder?.sessionId !== supervisor.id) {
      const mine = route?.hops.findLast((hop) => hop.sessionId === supervisor.id);
      const why = mine?.movedOn ? ` (${REASON_TEXT[mine.movedOn.reason]})` : '';
      const now = route?.holder ? `agent '${route.holder.agentKey}'` : 'the user';
      return `that inquiry is no longer waiting for you${why}: it moved on to ${now}, so your reply was not used.`;
    }
    const origin = this.port.session(route.originSessionId);
    const text = this.port.redact(rawText);
    if (!origin || !this.port.send(origin, { type: 'inquiry.response', instanceId: origin.id, inquiryId, text, answeredBy: supervisor.agentKey })) {
      return `the agent that asked ('${route.inquiry.fromAgent}') is no longer running, so it cannot receive your reply.`;
    }
    this.store.inquiries.answerByAgent(inquiryId, text, supervisor.agentKey, supervisor.id, Date.now());
    this.#finish(inquiryId);
    this.#emit(inquiryId);
    return undefined;
  }

  #finish(inquiryId: string): void {
    const route = this.#routes.get(inquiryId);
    if (!route) return;
    if (route.timer) clearTimeout(route.timer);
    route.timer = null;
    this.#routes.delete(inquiryId);
  }

  #save(route: Route): void {
    this.store.inquiries.setForwarding(route.inquiry.inquiryId, route.hops);
    this.#emit(route.inquiry.inquiryId);
  }

  #emit(inquiryId: string): void {
    const inquiry = this.store.inquiries.get(inquiryId);
    if (inquiry) this.port.emit({ type: 'inquiry.updated', inquiry });
  }
}

const REASON_TEXT: Record<InquiryMoveReason, string> = {
  timeout: 'no answer in time',
  crashed: 'its agent crashed',
  stopped: 'its conversation was stopped',
  busy: 'it was busy and could not be interrupted',
  not_running: 'it was not running',
  cycle: 'it was already on the way',
  unsupported: 'its agent does not take inquiries from subordinates',
};
