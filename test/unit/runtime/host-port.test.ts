// The batching port on its own: what reaches `post`, and when, relative to `send` and the batch timer.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_LIMITS, type AgentOutgoing, type AgentToHost } from '../../../agents/protocol';
import { createBatchingPort, DELTA_BATCH_MS, DELTA_QUIET_MS } from '../../../agents/runtime/host-port';

const delta = (content: string, messageId = 'm1'): AgentOutgoing => ({
  type: 'message',
  instanceId: 'i1',
  turnId: 't1',
  messageId,
  role: 'assistant',
  content,
  isDelta: true,
});
const contents = (posted: AgentToHost[]) => posted.map((m) => (m.type === 'message' ? m.content : m.type));

describe('batching host port', () => {
  let posted: AgentToHost[];
  let port: ReturnType<typeof createBatchingPort>;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    posted = [];
    port = createBatchingPort((message) => posted.push(message), () => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('sends the first delta of a message at once and merges the next ones until the timer', () => {
    port.send(delta('a'));
    expect(contents(posted)).toEqual(['a']);
    port.send(delta('b'));
    port.send(delta('c'));
    expect(contents(posted)).toEqual(['a']);
    vi.advanceTimersByTime(DELTA_BATCH_MS);
    expect(contents(posted)).toEqual(['a', 'bc']);
    expect(posted.map((m) => m.seq)).toEqual([1, 2]);
  });

  it('sends a delta that follows a quiet spell at once, and merges the burst after it', () => {
    port.send(delta('a'));
    vi.advanceTimersByTime(DELTA_QUIET_MS);
    port.send(delta('b'));
    expect(contents(posted)).toEqual(['a', 'b']);
    port.send(delta('c'));
    port.send(delta('d'));
    vi.advanceTimersByTime(DELTA_QUIET_MS);
    port.send(delta('e'));
    expect(contents(posted)).toEqual(['a', 'b']);
    vi.advanceTimersByTime(DELTA_BATCH_MS - DELTA_QUIET_MS);
    expect(contents(posted)).toEqual(['a', 'b', 'cde']);
  });

  it('flushes merged deltas before any other message, and starts a new message at once', () => {
    port.send(delta('a'));
    port.send(delta('b'));
    port.send({ type: 'activity', instanceId: 'i1', turnId: 't1', activityId: 'x', kind: 'thinking', data: { text: 't' }, isDelta: false });
    port.send(delta('c'));
    port.send(delta('d', 'm2'));
    port.send(delta('e', 'm2'));
    expect(contents(posted)).toEqual(['a', 'b', 'activity', 'c', 'd']);
    vi.advanceTimersByTime(DELTA_BATCH_MS);
    expect(contents(posted)).toEqual(['a', 'b', 'activity', 'c', 'd', 'e']);
  });

  it('sends a batch once it is old enough, even when no timer could run', () => {
    port.send(delta('a'));
    port.send(delta('b'));
    // The clock moves on while the timer stays queued, as in a stream parsed in one run of microtasks.
    vi.spyOn(performance, 'now').mockReturnValue(performance.now() + DELTA_BATCH_MS);
    port.send(delta('c'));
    expect(contents(posted)).toEqual(['a', 'bc']);
  });

  it('never merges past the per-message bound', () => {
    const half = 'x'.repeat(PROTOCOL_LIMITS.text / 2 + 1);
    port.send(delta('a'));
    port.send(delta(half));
    port.send(delta(half));
    vi.advanceTimersByTime(DELTA_BATCH_MS);
    expect(posted.map((m) => (m.type === 'message' ? m.content.length : 0))).toEqual([1, half.length, half.length]);
  });
});
