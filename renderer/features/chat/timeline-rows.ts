// Turns timeline entries into the rows the timeline shows. A tool result is shown inside its call
// (they share `data.callId`); an inquiry answer inside its question (they share `data.inquiryId`).
// The last assistant message of a turn carries how long after the turn's prompt it started.
// A talk with a peer (`talk_to.request` + `talk_to.response`, sharing `data.requestId`) is one row,
// and the platform tool calls behind a talk or a question are not shown again as tool rows.
import type { SessionSummary, TimelineActivity, TimelineEntry, TimelineMessage } from '../../../electron/api/types';

export type TimelineRow =
  | {
      kind: 'message';
      key: string;
      entry: TimelineMessage;
      /** For a turn's last assistant message: ms from the turn's prompt to this message's start. */
      afterPrompt: number | null;
    }
  | {
      kind: 'tool';
      key: string;
      call: TimelineActivity | null;
      result: TimelineActivity | null;
      status: ToolStatus;
    }
  | { kind: 'thinking'; key: string; entry: TimelineActivity }
  | { kind: 'inquiry'; key: string; entry: TimelineActivity; response: TimelineActivity | null }
  | {
      kind: 'peer';
      key: string;
      request: TimelineActivity;
      response: TimelineActivity | null;
      /** The result of the `talk_to_<peer>` tool call: the only trace of a talk that failed. */
      result: TimelineActivity | null;
      status: ToolStatus;
    }
  | { kind: 'talk'; key: string; entry: TimelineActivity }
  | { kind: 'error'; key: string; entry: TimelineActivity };

/** `cancelled`: no result came and never will (its turn ended, or the session stopped working). */
export type ToolStatus = 'running' | 'done' | 'failed' | 'cancelled';

export function isToolFailure(data: Record<string, unknown>): boolean {
  return data.isError === true || data.status === 'failed' || data.status === 'error' || !!data.error;
}

const ENDED_ABNORMALLY = new Set(['interrupted', 'cut', 'failed']);

/** The arguments of a tool call as an object; the bridge stores them as a JSON string. */
function toolArguments(data: Record<string, unknown>): Record<string, unknown> {
  let args = data.arguments ?? data.input ?? data.args;
  if (typeof args === 'string') {
    try {
      args = JSON.parse(args);
    } catch {
      return {};
    }
  }
  return typeof args === 'object' && args !== null ? (args as Record<string, unknown>) : {};
}

export function stringField(data: Record<string, unknown>, ...names: string[]): string | null {
  for (const name of names) {
    const value = data[name];
    if (typeof value === 'string' && value) return value;
  }
  return null;
}

/**
 * `live`: the session is still working (generating or waiting), so a call of its newest turn
 * without a result may still get one.
 */
export function buildRows(entries: readonly TimelineEntry[], live: boolean): TimelineRow[] {
  const resultsByCall = new Map<string, TimelineActivity>();
  const responsesByInquiry = new Map<string, TimelineActivity>();
  const responsesByTalk = new Map<string, TimelineActivity>();
  const callIds = new Set<string>();
  const inquiryIds = new Set<string>();
  const talkIds = new Set<string>();
  const promptAt = new Map<string, number>();
  const lastReply = new Map<string, string>();
  /** Turns that are over: a later turn began, or one of its messages was interrupted or cut. */
  const endedTurns = new Set<string>();
  let lastTurn: string | null = null;
  /** Per turn, what the questions and talks asked, to find the tool calls behind them. */
  const asked = new Map<string, { markdown: Set<string>; talks: Map<string, TimelineActivity> }>();
  const askedIn = (turnId: string) => {
    let found = asked.get(turnId);
    if (!found) asked.set(turnId, (found = { markdown: new Set(), talks: new Map() }));
    return found;
  };
  for (const entry of entries) {
    if (entry.turnId && entry.turnId !== lastTurn) {
      if (lastTurn) endedTurns.add(lastTurn);
      lastTurn = entry.turnId;
    }
    if (entry.kind === 'message') {
      if (!entry.turnId) continue;
      if (entry.role === 'user' && !promptAt.has(entry.turnId)) promptAt.set(entry.turnId, entry.createdAt);
      if (entry.role === 'assistant') lastReply.set(entry.turnId, entry.id);
      if (ENDED_ABNORMALLY.has(entry.status)) endedTurns.add(entry.turnId);
      continue;
    }
    const callId = stringField(entry.data, 'callId');
    const inquiryId = stringField(entry.data, 'inquiryId');
    const requestId = stringField(entry.data, 'requestId');
    if (entry.activityKind === 'tool_result' && callId) resultsByCall.set(callId, entry);
    if (entry.activityKind === 'tool_call' && callId) callIds.add(callId);
    if (entry.activityKind === 'inquiry.response' && inquiryId) responsesByInquiry.set(inquiryId, entry);
    if (entry.activityKind === 'inquiry.request' && inquiryId) inquiryIds.add(inquiryId);
    if (entry.activityKind === 'talk_to.response' && requestId) responsesByTalk.set(requestId, entry);
    if (entry.activityKind === 'talk_to.request' && requestId) talkIds.add(requestId);
    if (entry.turnId && entry.activityKind === 'inquiry.request') {
      const markdown = stringField(entry.data, 'markdown');
      if (markdown) askedIn(entry.turnId).markdown.add(markdown);
    }
    if (entry.turnId && entry.activityKind === 'talk_to.request') {
      const text = stringField(entry.data, 'text');
      if (text) askedIn(entry.turnId).talks.set(text, entry);
    }
  }

  /** The talk a `talk_to_<peer>` call started, or whether a `send_inquiry` call made a question card. */
  const talkResults = new Map<string, TimelineActivity>();
  const hiddenCalls = new Set<string>();
  for (const entry of entries) {
    if (entry.kind !== 'activity' || entry.activityKind !== 'tool_call' || !entry.turnId) continue;
    const tool = stringField(entry.data, 'tool', 'name', 'toolName') ?? '';
    const args = toolArguments(entry.data);
    const turn = asked.get(entry.turnId);
    if (!turn) continue;
    if (tool === 'send_inquiry' && typeof args.markdown === 'string' && turn.markdown.has(args.markdown)) {
      hiddenCalls.add(entry.id);
    } else if (tool.startsWith('talk_to_') && typeof args.text === 'string') {
      const talk = turn.talks.get(args.text);
      if (!talk) continue;
      hiddenCalls.add(entry.id);
      const result = resultsByCall.get(stringField(entry.data, 'callId') ?? '');
      if (result) talkResults.set(talk.id, result);
    }
  }

  /** What became of an unanswered call: waiting while its turn can still answer it, else cancelled. */
  const pendingStatus = (entry: TimelineActivity): ToolStatus =>
    !live || (entry.turnId !== null && endedTurns.has(entry.turnId)) ? 'cancelled' : 'running';

  const rows: TimelineRow[] = [];
  for (const entry of entries) {
    if (entry.kind === 'message') {
      const prompt = entry.turnId !== null ? promptAt.get(entry.turnId) : undefined;
      const isLast = entry.turnId !== null && lastReply.get(entry.turnId) === entry.id;
      const afterPrompt = isLast && prompt !== undefined ? Math.max(0, entry.createdAt - prompt) : null;
      rows.push({ kind: 'message', key: entry.id, entry, afterPrompt });
      continue;
    }
    const callId = stringField(entry.data, 'callId');
    const inquiryId = stringField(entry.data, 'inquiryId');
    switch (entry.activityKind) {
      case 'tool_call': {
        if (hiddenCalls.has(entry.id)) break;
        const result = (callId && resultsByCall.get(callId)) || null;
        const status = result ? (isToolFailure(result.data) ? 'failed' : 'done') : pendingStatus(entry);
        rows.push({ kind: 'tool', key: entry.id, call: entry, result, status });
        break;
      }
      case 'tool_result':
        // Shown inside its call; alone only when the call is not loaded (older page) or missing.
        if (!callId || !callIds.has(callId)) {
          const status = isToolFailure(entry.data) ? 'failed' : 'done';
          rows.push({ kind: 'tool', key: entry.id, call: null, result: entry, status });
        }
        break;
      case 'thinking':
        rows.push({ kind: 'thinking', key: entry.id, entry });
        break;
      case 'inquiry.request':
        rows.push({
          kind: 'inquiry',
          key: entry.id,
          entry,
          response: (inquiryId && responsesByInquiry.get(inquiryId)) || null,
        });
        break;
      case 'inquiry.response':
        if (!inquiryId || !inquiryIds.has(inquiryId)) rows.push({ kind: 'talk', key: entry.id, entry });
        break;
      case 'talk_to.request': {
        const requestId = stringField(entry.data, 'requestId');
        const response = (requestId && responsesByTalk.get(requestId)) || null;
        const result = talkResults.get(entry.id) ?? null;
        const status = response
          ? response.data.error
            ? 'failed'
            : 'done'
          : result
            ? 'failed' // the tool returned without a response activity: the talk failed
            : pendingStatus(entry);
        rows.push({ kind: 'peer', key: entry.id, request: entry, response, result, status });
        break;
      }
      case 'talk_to.response': {
        // Shown inside its request; alone only when the request is not loaded.
        const requestId = stringField(entry.data, 'requestId');
        if (!requestId || !talkIds.has(requestId)) rows.push({ kind: 'talk', key: entry.id, entry });
        break;
      }
      case 'error':
        rows.push({ kind: 'error', key: entry.id, entry });
        break;
      default:
        rows.push({ kind: 'talk', key: entry.id, entry });
    }
  }
  return rows;
}

/** The entries a row shows: a tool call with its result, a question with its answer, or one entry. */
export function rowEntryIds(row: TimelineRow): string[] {
  switch (row.kind) {
    case 'tool':
      return [row.call?.id, row.result?.id].filter((id): id is string => !!id);
    case 'inquiry':
      return row.response ? [row.entry.id, row.response.id] : [row.entry.id];
    case 'peer':
      return [row.request.id, row.response?.id, row.result?.id].filter((id): id is string => !!id);
    default:
      return [row.entry.id];
  }
}

/**
 * The peer's conversation a talk went to. The activities do not name it, but the host opens it as a
 * child of the caller's session, and a talk that continues goes to the newest one for that peer:
 * so it is the newest child for the peer that existed when the talk was answered (or now).
 */
export function peerSessionId(
  sessions: readonly SessionSummary[],
  callerSessionId: string,
  peer: string,
  answeredAt: number,
): string | null {
  let found: SessionSummary | null = null;
  for (const session of sessions) {
    if (session.parentSessionId !== callerSessionId || session.agentKey !== peer) continue;
    if (session.createdAt > answeredAt) continue;
    if (!found || session.createdAt > found.createdAt) found = session;
  }
  return found?.id ?? null;
}

/** What the user may do with a message now: nothing while the agent works or for older messages. */
export type MessageActions = { kind: 'edit'; retry: boolean } | { kind: 'retry' } | { kind: 'regenerate' };

/**
 * Where Retry, Regenerate and Edit go: Edit on the user's last message (with Retry when its turn
 * brought no reply), Retry on the last reply of a turn that failed or was stopped, else Regenerate.
 */
export function resendActions(entries: readonly TimelineEntry[]): Map<string, MessageActions> {
  const actions = new Map<string, MessageActions>();
  let at = entries.length - 1;
  while (at >= 0 && !isOwnMessage(entries[at])) at--;
  const prompt = entries[at];
  if (!prompt || prompt.kind !== 'message') return actions;
  const turn = entries.slice(at + 1).filter((entry) => entry.turnId === prompt.turnId);
  const reply = turn.findLast((entry): entry is TimelineMessage => entry.kind === 'message' && entry.role === 'assistant');
  const failed = turn.some(
    (entry) => (entry.kind === 'message' && ENDED_ABNORMALLY.has(entry.status)) || (entry.kind === 'activity' && entry.activityKind === 'error'),
  );
  actions.set(prompt.id, { kind: 'edit', retry: !reply });
  if (reply) actions.set(reply.id, failed ? { kind: 'retry' } : { kind: 'regenerate' });
  return actions;
}

function isOwnMessage(entry: TimelineEntry): boolean {
  return entry.kind === 'message' && entry.role === 'user' && !entry.sender;
}
