// Agents that misbehave, die, or are stopped, in real processes: the host logs what was wrong, keeps
// what it had acknowledged, marks the session, and carries on with the next message.
import { afterEach, describe, expect, it } from 'vitest';
import type { TimelineActivity, TimelineMessage } from '../../../electron/api/types';
import {
  addTemplate,
  cleanupHarness,
  isSessionEvent,
  isState,
  launchWorkspace,
  sendAndWait,
  singleAgentYaml,
  startHost,
  streamedText,
  waitForTurnEnd,
} from '../../helpers/host-harness';

afterEach(cleanupHarness);

describe('agent protocol: bad input from an agent', () => {
  it('logs what was wrong with each bad message and keeps taking the valid ones', async () => {
    const t = await startHost();
    await addTemplate(t, 'bad-protocol');
    const { workspace, sessionId } = await launchWorkspace(
      t,
      singleAgentYaml('bad-ws', 'rogue', 'bad-protocol'),
    );

    const turn = await sendAndWait(t, sessionId, 'misbehave');
    expect(turn.reply).toBe('still working after: misbehave');
    expect(turn.messages[0]?.status).toBe('done');

    const warnings = (await t.host.call('logs.list', { workspaceId: workspace.id, level: 'warn' }))
      .filter((entry) => entry.source === 'host')
      .map((entry) => entry.message);
    const about = (pattern: RegExp) => warnings.filter((message) => pattern.test(message));
    // Each names the agent, the message type and the field that was wrong.
    expect(about(/Agent 'rogue' sent a malformed message, ignored: type "message": role: /)).toHaveLength(1);
    expect(about(/type "teleport": type: Invalid discriminator value/)).toHaveLength(1);
    expect(about(/type "unknown": message: .*expected object, received string/)).toHaveLength(1);
    expect(about(/type "log": seq 1 is not after \d+; dropped as a duplicate/)).toHaveLength(1);
    // Nothing of the bad messages reached the timeline or the log as content.
    const allLogs = await t.host.call('logs.list', { workspaceId: workspace.id });
    expect(allLogs.some((entry) => entry.message === 'replayed log line')).toBe(false);
    const { entries } = await t.host.call('sessions.open', { sessionId });
    expect(entries.some((entry) => entry.id === 'm-bad')).toBe(false);

    // The process is fine: the next turn works.
    expect((await sendAndWait(t, sessionId, 'and now?')).reply).toBe('still working after: and now?');
  });
});

describe('an agent process that crashes', () => {
  it('marks the session crashed, keeps the partial message as cut, and restarts with the history', async () => {
    const t = await startHost();
    await addTemplate(t, 'crasher');
    const { workspace, sessionId } = await launchWorkspace(
      t,
      singleAgentYaml('crash-ws', 'crasher', 'crasher'),
    );

    const from = t.events.mark();
    const { turnId } = await t.host.call('sessions.send', { sessionId, text: 'crash now' });
    await t.events.waitFor(isState(sessionId, 'crashed'), { from, what: 'the session to be marked crashed' });

    const { entries, session } = await t.host.call('sessions.open', { sessionId });
    expect(session.state).toBe('crashed');
    const partial = entries.find(
      (entry): entry is TimelineMessage =>
        entry.kind === 'message' && entry.role === 'assistant' && entry.turnId === turnId,
    );
    expect(partial).toMatchObject({ status: 'cut', text: 'partial reply before the crash' });
    // What the host acknowledged with events is exactly what is stored.
    expect(streamedText(t.events.sessionEvents(sessionId), partial!.id)).toBe(partial!.text);
    expect(
      t.events
        .sessionEvents(sessionId)
        .some(
          (event) =>
            event.change.type === 'entry' &&
            event.change.entry.id === partial?.id &&
            event.change.entry.kind === 'message' &&
            event.change.entry.status === 'cut',
        ),
    ).toBe(true);

    const error = entries.find(
      (entry): entry is TimelineActivity => entry.kind === 'activity' && entry.activityKind === 'error',
    );
    expect(String(error?.data.message)).toMatch(
      /exited unexpectedly \(exit code 3\).*Send a message to restart it/,
    );
    const logs = await t.host.call('logs.list', { workspaceId: workspace.id, level: 'error' });
    expect(logs.map((entry) => entry.message)).toContainEqual(
      expect.stringMatching(/^Agent 'crasher' exited unexpectedly \(exit code 3\)/),
    );
    // No delta arrived after the exit was handled (it would have been dropped as for an unknown instance).
    expect(
      (await t.host.call('logs.list', { workspaceId: workspace.id, query: 'unknown instance' })).length,
    ).toBe(0);

    // The next message restarts the process; the instance gets the conversation so far, once.
    const turn = await sendAndWait(t, sessionId, 'are you back?');
    expect(turn.reply).toBe('history (2): user: crash now | assistant: partial reply before the crash');
    expect((await t.host.call('sessions.open', { sessionId })).session.state).toBe('idle');
  });
});

describe('interrupting a turn', () => {
  it('stops the stream, marks the message interrupted, returns to idle and takes the next message', async () => {
    const t = await startHost();
    const { sessionId } = await launchWorkspace(t, singleAgentYaml('stop-ws', 'echo', 'echo'));
    const words = 'one two three four five six seven eight nine ten';
    const from = t.events.mark();
    const { turnId } = await t.host.call('sessions.send', { sessionId, text: `/slow ${words}` });
    await t.events.waitFor(
      (event) =>
        isSessionEvent(sessionId)(event) &&
        event.change.type === 'entry' &&
        event.change.entry.kind === 'message' &&
        event.change.entry.role === 'assistant',
      { from, what: 'the first words of the slow reply' },
    );

    await t.host.call('sessions.interrupt', { sessionId });
    await waitForTurnEnd(t, sessionId, from);

    const { entries, session } = await t.host.call('sessions.open', { sessionId });
    expect(session.state).toBe('idle');
    const stopped = entries.find(
      (entry): entry is TimelineMessage =>
        entry.kind === 'message' && entry.role === 'assistant' && entry.turnId === turnId,
    );
    expect(stopped?.status).toBe('interrupted');
    expect(stopped && words.startsWith(stopped.text)).toBe(true);
    expect(stopped?.text.length).toBeLessThan(words.length);

    const next = await sendAndWait(t, sessionId, 'after the stop');
    expect(next.reply).toBe('after the stop');
    expect(next.messages[0]?.status).toBe('done');
  });
});
