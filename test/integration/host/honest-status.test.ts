// What the host says about agents that die: a launch whose agent exits while starting fails with that
// agent's last output and leaves nothing running; a crashed conversation restarts on request; and the
// echo agent's slow replies leave no warnings behind.
import { afterEach, describe, expect, it } from 'vitest';
import {
  addTemplate,
  addWorkspace,
  cleanupHarness,
  confirmLaunch,
  isState,
  launchWorkspace,
  sendAndWait,
  singleAgentYaml,
  startHost,
} from '../../helpers/host-harness';

afterEach(cleanupHarness);

describe('an agent that exits while its workspace starts', () => {
  it('fails the launch with its last output, stops the other agents and records the run as failed', async () => {
    const t = await startHost();
    await addTemplate(t, 'crasher');
    const workspace = await addWorkspace(
      t,
      'name: doomed\nagents:\n  crasher:\n    template: crasher\n    env:\n      CRASHER_ON_START: "1"\n  echo:\n    template: echo\n',
    );
    await confirmLaunch(t, workspace.id);

    const launch = t.host.call('workspaces.launch', { workspaceId: workspace.id });
    await expect(launch).rejects.toMatchObject({
      code: 'agent_failed',
      message: expect.stringMatching(
        /^Workspace 'doomed' could not start: Agent 'crasher' exited unexpectedly \(exit code 4\)\.\nLast output:\n.*crasher: cannot start, CRASHER_ON_START is set/s,
      ),
    });

    const statuses = t.events.events.flatMap((event) =>
      event.type === 'workspace.updated' && event.workspaceId === workspace.id ? [event.runStatus] : [],
    );
    expect(statuses).toEqual(['starting', 'failed']);
    const listed = (await t.host.call('workspaces.list', {})).find((entry) => entry.id === workspace.id);
    expect(listed?.runStatus).toBe('failed');
    // Nothing of the run is left: a new conversation has to launch it again (and fails the same way).
    await expect(t.host.call('sessions.create', { workspaceId: workspace.id, agentKey: 'echo' })).rejects.toMatchObject({
      code: 'agent_failed',
    });
  });
});

describe('restarting a crashed conversation', () => {
  it('starts the agent again with the history, before any new message', async () => {
    const t = await startHost();
    await addTemplate(t, 'crasher');
    const { sessionId } = await launchWorkspace(t, singleAgentYaml('crash-ws', 'crasher', 'crasher'));
    const from = t.events.mark();
    await t.host.call('sessions.send', { sessionId, text: 'crash now' });
    await t.events.waitFor(isState(sessionId, 'crashed'), { from, what: 'the session to be marked crashed' });

    const afterCrash = t.events.mark();
    await t.host.call('sessions.restart', { sessionId });
    await t.events.waitFor(isState(sessionId, 'idle'), { from: afterCrash, what: 'the restarted agent to be idle' });
    expect((await t.host.call('sessions.open', { sessionId })).session.state).toBe('idle');

    // The instance got the conversation so far once: the next message is not replayed a second time.
    const turn = await sendAndWait(t, sessionId, 'are you back?');
    expect(turn.reply).toBe('history (2): user: crash now | assistant: partial reply before the crash');
  });
});

describe('the echo agent', () => {
  it('answers a long /slow prompt without a listener-leak warning on stderr', async () => {
    const t = await startHost();
    const { workspace, sessionId } = await launchWorkspace(t, singleAgentYaml('echo-ws', 'echo', 'echo'));
    // Node warns once more than 10 listeners wait on one AbortSignal: one per word used to stay.
    const words = Array.from({ length: 14 }, (_, index) => `w${index}`).join(' ');

    const turn = await sendAndWait(t, sessionId, `/slow ${words}`);
    expect(turn.reply).toBe(words);

    const output = (await t.host.call('logs.list', { workspaceId: workspace.id }))
      .filter((entry) => entry.source === 'stderr')
      .map((entry) => entry.message);
    expect(output.filter((line) => /MaxListenersExceeded|memory leak/.test(line))).toEqual([]);
  });
});
