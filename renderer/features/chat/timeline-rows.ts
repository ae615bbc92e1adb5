// Turns timeline entries into the rows the timeline shows. A tool result is shown inside its call
// (they share `data.callId`); an inquiry answer inside its question (they share `data.inquiryId`).
// The last assistant message of a turn carries how long after the turn's prompt it started.
import type { TimelineActivity, TimelineEntry, TimelineMessage } from '../../../electron/api/types';

export type TimelineRow =
  | {
      kind: 'message';
      key: string;
      entry: TimelineMessage;
      /** For a turn's last assistant message: ms from the turn's prompt to this message's start. */
      afterPrompt: number | null;
    }
  | { kind: 'tool'; key: string; call: TimelineActivity | null; result: TimelineActivity | null }
  | { kind: 'thinking'; key: string; entry: TimelineActivity }
  | { kind: 'inquiry'; key: string; entry: TimelineActivity; response: TimelineActivity | null }
  | { kind: 'talk'; key: string; entry: TimelineActivity }
  | { kind: 'error'; key: string; entry: TimelineActivity };

export function stringField(data: Record<string, unknown>, ...names: string[]): string | null {
  for (const name of names) {
    const value = data[name];
    if (typeof value === 'string' && value) return value;
  }
  return null;
}

export function buildRows(entries: readonly TimelineEntry[]): TimelineRow[] {
  const resultsByCall = new Map<string, TimelineActivity>();
  const responsesByInquiry = new Map<string, TimelineActivity>();
  const callIds = new Set<string>();
  const inquiryIds = new Set<string>();
  const promptAt = new Map<string, number>();
  const lastReply = new Map<string, string>();
  for (const entry of entries) {
    if (entry.kind === 'message') {
      if (!entry.turnId) continue;
      if (entry.role === 'user' && !promptAt.has(entry.turnId)) promptAt.set(entry.turnId, entry.createdAt);
      if (entry.role === 'assistant') lastReply.set(entry.turnId, entry.id);
      continue;
    }
    const callId = stringField(entry.data, 'callId');
    const inquiryId = stringField(entry.data, 'inquiryId');
    if (entry.activityKind === 'tool_result' && callId) resultsByCall.set(callId, entry);
    if (entry.activityKind === 'tool_call' && callId) callIds.add(callId);
    if (entry.activityKind === 'inquiry.response' && inquiryId) responsesByInquiry.set(inquiryId, entry);
    if (entry.activityKind === 'inquiry.request' && inquiryId) inquiryIds.add(inquiryId);
  }

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
      case 'tool_call':
        rows.push({
          kind: 'tool',
          key: entry.id,
          call: entry,
          result: (callId && resultsByCall.get(callId)) || null,
        });
        break;
      case 'tool_result':
        // Shown inside its call; alone only when the call is not loaded (older page) or missing.
        if (!callId || !callIds.has(callId))
          rows.push({ kind: 'tool', key: entry.id, call: null, result: entry });
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
      case 'talk_to.request':
      case 'talk_to.response':
        rows.push({ kind: 'talk', key: entry.id, entry });
        break;
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
    default:
      return [row.entry.id];
  }
}
