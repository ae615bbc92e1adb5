// The line under a reply: the last assistant message of each finished turn carries what the turn's
// model calls used (usage rows linked by turn id) and how long the turn took. Computed on read, so a
// snapshot after a reload shows the same as the live event did.
import type { TimelineEntry } from '../api/types';
import type { Store } from './store';

export function withTurnUsage(store: Store, sessionId: string, entries: readonly TimelineEntry[]): TimelineEntry[] {
  const turnIds = [...new Set(entries.flatMap((entry) => (entry.kind === 'message' && entry.role === 'assistant' && entry.turnId ? [entry.turnId] : [])))];
  if (turnIds.length === 0) return [...entries];
  const ends = store.sessions.turnEnds(sessionId, turnIds);
  const usage = store.usage.byTurn(sessionId, turnIds);
  return entries.map((entry) => {
    if (entry.kind !== 'message' || !entry.turnId || entry.status === 'streaming') return entry;
    const end = ends.get(entry.turnId);
    if (end?.lastAssistantId !== entry.id) return entry;
    const calls = usage.get(entry.turnId) ?? { models: [], requests: 0, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0, costUsd: null };
    return { ...entry, usage: { ...calls, durationMs: Math.max(0, end.endedAt - end.startedAt) } };
  });
}
