import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../../electron/api/types';
import { buildRows } from '../../../renderer/features/chat/timeline-rows';

function message(id: string, turnId: string, role: 'user' | 'assistant', createdAt: number): TimelineEntry {
  return {
    kind: 'message',
    id,
    sessionId: 's',
    turnId,
    role,
    text: id,
    status: 'done',
    sender: null,
    createdAt,
  };
}

describe('buildRows', () => {
  it("gives a turn's last reply the time from the turn's prompt to its start", () => {
    const rows = buildRows([
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
    ]);
    const after = Object.fromEntries(
      rows.flatMap((row) => (row.kind === 'message' ? [[row.key, row.afterPrompt]] : [])),
    );
    expect(after).toEqual({ u1: null, a1: null, a2: 2_200, u2: null });
  });

  it('leaves a reply whose prompt is not loaded without one', () => {
    const rows = buildRows([message('a1', 't1', 'assistant', 1_400)]);
    expect(rows[0]).toMatchObject({ kind: 'message', afterPrompt: null });
  });
});
