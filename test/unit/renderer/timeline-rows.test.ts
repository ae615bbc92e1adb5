import { describe, expect, it } from 'vitest';
import type { ActivityKind } from '../../../agents/protocol';
import type { SessionSummary, TimelineEntry, MessageStatus } from '../../../electron/api/types';
import { buildRows, peerSessionId } from '../../../renderer/features/chat/timeline-rows';

function message(
  id: string,
  turnId: string,
  role: 'user' | 'assistant',
  createdAt: number,
  status: MessageStatus = 'done',
): TimelineEntry {
  return {
    kind: 'message',
    id,
    sessionId: 's',
    turnId,
    role,
    text: id,
    status,
    sender: null,
    createdAt,
  };
}

function activity(
  id: string,
  turnId: string,
  activityKind: ActivityKind,
  data: Record<string, unknown>,
  createdAt: number,
): TimelineEntry {
  return { kind: 'activity', id, sessionId: 's', turnId, activityKind, data, createdAt };
}

/** A tool call as the OpenAI bridge writes it: arguments as a JSON string. */
function call(id: string, turnId: string, tool: string, args: Record<string, unknown>, createdAt: number) {
  return activity(
    id,
    turnId,
    'tool_call',
    { callId: `call-${id}`, tool, arguments: JSON.stringify(args) },
    createdAt,
  );
}

function result(
  id: string,
  turnId: string,
  callOf: string,
  data: Record<string, unknown>,
  createdAt: number,
) {
  return activity(id, turnId, 'tool_result', { callId: `call-${callOf}`, ...data }, createdAt);
}

describe('buildRows', () => {
  it("gives a turn's last reply the time from the turn's prompt to its start", () => {
    const rows = buildRows(
      [
        message('u1', 't1', 'user', 1_000),
        message('a1', 't1', 'assistant', 1_400),
        {
          kind: 'activity',
          id: 'c1',
          sessionId: 's',
          turnId: 't1',
          activityKind: 'tool_call',
          data: { callId: 'x' },
          createdAt: 1_500,
        },
        message('a2', 't1', 'assistant', 3_200),
        message('u2', 't2', 'user', 9_000),
      ],
      false,
    );
    const after = Object.fromEntries(
      rows.flatMap((row) => (row.kind === 'message' ? [[row.key, row.afterPrompt]] : [])),
    );
    expect(after).toEqual({ u1: null, a1: null, a2: 2_200, u2: null });
  });

  it('leaves a reply whose prompt is not loaded without one', () => {
    const rows = buildRows([message('a1', 't1', 'assistant', 1_400)], false);
    expect(rows[0]).toMatchObject({ kind: 'message', afterPrompt: null });
  });

  it('shows a talk with a peer as one row with its answer, without the talk_to tool call', () => {
    const rows = buildRows(
      [
        message('u1', 't1', 'user', 1_000),
        call('c1', 't1', 'talk_to_echo', { text: 'ping?', continue_previous_conversation: true }, 1_100),
        activity('q1', 't1', 'talk_to.request', { requestId: 'r1', peer: 'echo', text: 'ping?' }, 1_110),
        activity('a1', 't1', 'talk_to.response', { requestId: 'r1', peer: 'echo', response: 'pong' }, 1_500),
        result('res1', 't1', 'c1', { tool: 'talk_to_echo', output: 'pong' }, 1_510),
      ],
      true,
    );
    expect(rows.map((row) => row.kind)).toEqual(['message', 'peer']);
    expect(rows[1]).toMatchObject({
      kind: 'peer',
      request: { id: 'q1' },
      response: { id: 'a1' },
      result: { id: 'res1' },
      status: 'done',
    });
  });

  it('marks a talk whose tool returned without an answer as failed', () => {
    const rows = buildRows(
      [
        call('c1', 't1', 'talk_to_echo', { text: 'ping?' }, 1_100),
        activity('q1', 't1', 'talk_to.request', { requestId: 'r1', peer: 'echo', text: 'ping?' }, 1_110),
        result('res1', 't1', 'c1', { output: 'Failed: Could not talk to echo: busy' }, 1_510),
      ],
      true,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'peer', response: null, status: 'failed' });
  });

  it('hides the send_inquiry tool call behind its question card, but not one that made no card', () => {
    const args = { markdown: '# Which DB?', suggestions: ['Postgres', 'SQLite'] };
    const rows = buildRows(
      [
        call('c1', 't1', 'send_inquiry', args, 1_100),
        activity('i1', 't1', 'inquiry.request', { inquiryId: 'inq', ...args, files: [] }, 1_110),
        activity('i2', 't1', 'inquiry.response', { inquiryId: 'inq', text: 'SQLite' }, 1_200),
        result('res1', 't1', 'c1', { output: 'User response: SQLite' }, 1_210),
        // Refused before a question was asked (one suggestion): only the tool row tells.
        call('c2', 't1', 'send_inquiry', { markdown: 'x', suggestions: ['a'] }, 1_300),
      ],
      true,
    );
    expect(rows.map((row) => [row.kind, row.key])).toEqual([
      ['inquiry', 'i1'],
      ['tool', 'c2'],
    ]);
  });

  it('shows a call without a result as cancelled once its turn is over, and running while it is not', () => {
    const entries = [
      message('u1', 't1', 'user', 1_000),
      call('c1', 't1', 'shell', { cmd: 'sleep 99' }, 1_100),
      message('a1', 't1', 'assistant', 1_200, 'interrupted'),
      message('u2', 't2', 'user', 2_000),
      call('c2', 't2', 'shell', { cmd: 'ls' }, 2_100),
      message('u3', 't3', 'user', 3_000),
      call('c3', 't3', 'shell', { cmd: 'pwd' }, 3_100),
    ];
    const status = (live: boolean) =>
      Object.fromEntries(
        buildRows(entries, live).flatMap((row) => (row.kind === 'tool' ? [[row.key, row.status]] : [])),
      );
    // t1 was interrupted, t2 was followed by another turn; t3 is the working turn.
    expect(status(true)).toEqual({ c1: 'cancelled', c2: 'cancelled', c3: 'running' });
    // The session stopped working: nothing will answer t3 either.
    expect(status(false)).toEqual({ c1: 'cancelled', c2: 'cancelled', c3: 'cancelled' });
  });

  it('shows a call whose result is an error as failed', () => {
    const rows = buildRows(
      [
        call('c1', 't1', 'shell', {}, 1_100),
        result('r1', 't1', 'c1', { output: 'boom', isError: true }, 1_200),
        call('c2', 't1', 'fetch', {}, 1_300),
        result('r2', 't1', 'c2', { error: { code: 'ETIMEDOUT' } }, 1_400),
        call('c3', 't1', 'read', {}, 1_500),
        result('r3', 't1', 'c3', { output: 'ok' }, 1_600),
      ],
      true,
    );
    expect(rows.map((row) => (row.kind === 'tool' ? row.status : row.kind))).toEqual([
      'failed',
      'failed',
      'done',
    ]);
  });
});

describe('peerSessionId', () => {
  function child(
    id: string,
    agentKey: string,
    createdAt: number,
    parentSessionId: string | null = 's',
  ): SessionSummary {
    return {
      id,
      workspaceId: 'w',
      agentKey,
      parentSessionId,
      title: '',
      state: 'idle',
      createdAt,
      updatedAt: createdAt,
      pinnedAt: null,
      archivedAt: null,
    };
  }

  it('finds the newest conversation the caller opened with the peer before the answer', () => {
    const sessions = [
      child('old', 'echo', 100),
      child('fresh', 'echo', 500),
      child('later', 'echo', 900),
      child('other-peer', 'coder', 600),
      child('other-caller', 'echo', 700, 'x'),
    ];
    expect(peerSessionId(sessions, 's', 'echo', 800)).toBe('fresh');
    expect(peerSessionId(sessions, 's', 'echo', 300)).toBe('old');
    expect(peerSessionId(sessions, 's', 'nobody', 800)).toBeNull();
  });
});
