// An agent process is untrusted code. The `hostile` fixture attacks a real host from real forked
// processes: a duplicate inquiry id, talk_to outside its peers, to itself and in cycles, fields over
// their bounds, a stream that never stops, forged seqs, silence and a blocked event loop. For each,
// the host logs what happened, stores nothing it refused, leaves no session busy, and keeps serving.
import { afterEach, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../electron/api/contract';
import type { TimelineActivity, TimelineMessage } from '../../../electron/api/types';
import { PROTOCOL_LIMITS } from '../../../agents/protocol';
import {
  addTemplate,
  cleanupHarness,
  isState,
  launchWorkspace,
  sendAndWait,
  singleAgentYaml,
  startHost,
  type TestHost,
} from '../../helpers/host-harness';

afterEach(cleanupHarness);

const HOSTILE_YAML = `name: hostile-ws
agents:
  rogue:
    template: hostile
    peers: [buddy]
  buddy:
    template: hostile
    peers: [rogue, third]
  third:
    template: hostile
    peers: [rogue]
`;

interface Arena {
  t: TestHost;
  workspaceId: string;
  /** The auto-started session of `rogue`. */
  sessionId: string;
  /** A session of another workspace, which must keep working whatever rogue does. */
  bystanderId: string;
}

async function arena(): Promise<Arena> {
  // Short for the silence tests; the runtime beats six times within it, so a live agent never trips it.
  const t = await startHost({ env: { DSPATCH_AGENT_SILENCE_MS: '3000' } });
  await addTemplate(t, 'hostile');
  const { workspace, sessionId } = await launchWorkspace(t, HOSTILE_YAML);
  const bystander = await launchWorkspace(t, singleAgentYaml('bystander-ws', 'echo', 'echo'));
  return { t, workspaceId: workspace.id, sessionId, bystanderId: bystander.sessionId };
}

/** The host still serves: the bystander echoes, and rogue's own session answers. */
async function expectServing({ t, sessionId, bystanderId }: Arena): Promise<void> {
  expect((await sendAndWait(t, bystanderId, 'still there?')).reply).toBe('still there?');
  expect((await sendAndWait(t, sessionId, 'hello')).reply).toBe('ok: hello');
}

/** No session of the workspace is left generating or waiting. */
async function expectNoneBusy({ t, workspaceId }: Arena): Promise<void> {
  const sessions = await t.host.call('sessions.list', { workspaceId });
  expect(sessions.length).toBeGreaterThan(0);
  // 'stopped': a talk_to conversation ended when its caller started a fresh one.
  for (const session of sessions) expect(['idle', 'crashed', 'stopped']).toContain(session.state);
}

async function hostLogs({ t, workspaceId }: Arena, pattern: RegExp): Promise<string[]> {
  const entries = await t.host.call('logs.list', { workspaceId, limit: 5000 });
  return entries.filter((entry) => entry.source === 'host' && pattern.test(entry.message)).map((entry) => entry.message);
}

function sql<T>(t: TestHost, query: string, ...params: unknown[]): T {
  return t.host.services.store.db.prepare(query).get(...params) as T;
}

describe('a hostile agent', () => {
  it('gets a duplicate inquiry id refused with an error reply, the first inquiry kept, and the host serving', async () => {
    const a = await arena();
    const turn = await sendAndWait(a.t, a.sessionId, 'dup-inquiry dup-1');
    expect(turn.reply).toBe('refused: the inquiry id dup-1 is already in use; send the inquiry again with a new id');

    // The same id from another conversation of the agent is refused too: both of its requests.
    const other = await a.t.host.call('sessions.create', { workspaceId: a.workspaceId, agentKey: 'rogue' });
    expect((await sendAndWait(a.t, other.id, 'dup-inquiry dup-1')).reply).toMatch(/^refused: the inquiry id dup-1 is already in use/);

    const inquiries = (await a.t.host.call('inquiries.list', { status: 'all' })).filter((inquiry) => inquiry.id === 'dup-1');
    expect(inquiries).toEqual([expect.objectContaining({ sessionId: a.sessionId, status: 'pending', markdown: 'Same id twice?' })]);
    expect(await hostLogs(a, /^Agent 'rogue' sent "inquiry\.request" with the id dup-1, which another inquiry already has; refused\.$/)).toHaveLength(3);
    await expectNoneBusy(a);
    await expectServing(a);
  });

  it('may talk_to only its declared peers, never itself, and never back up a chain that waits on it', async () => {
    const a = await arena();

    // third exists in the workspace but is not one of rogue's peers; the SDK would not even send this.
    expect((await sendAndWait(a.t, a.sessionId, 'raw-talk third')).reply).toBe(
      "talk_to third: 'third' is not a peer of 'rogue' (its peers: 'buddy'); add it to the agent's peers in dspatch.workspace.yml to allow this",
    );
    expect((await sendAndWait(a.t, a.sessionId, 'raw-talk rogue')).reply).toBe("talk_to rogue: an agent cannot talk_to itself ('rogue')");

    // rogue → buddy → rogue: buddy's call back is refused, buddy answers with the refusal.
    expect((await sendAndWait(a.t, a.sessionId, 'relay buddy,rogue')).reply).toBe(
      "buddy said: refused: Could not talk to rogue: 'rogue' is already waiting for this reply ('rogue' → 'buddy' → 'rogue'), so calling it back could never finish; answer with what you have instead",
    );
    // rogue → buddy → third → rogue: the longer cycle is found through the whole waiting chain.
    expect((await sendAndWait(a.t, a.sessionId, 'relay buddy,third,rogue')).reply).toBe(
      "buddy said: third said: refused: Could not talk to rogue: 'rogue' is already waiting for this reply ('rogue' → 'buddy' → 'third' → 'rogue'), so calling it back could never finish; answer with what you have instead",
    );
    // A chain without a cycle still works.
    expect((await sendAndWait(a.t, a.sessionId, 'relay buddy,third')).reply).toBe('buddy said: third said: end of chain');

    const refusals = await hostLogs(a, /sent "talk_to\.request" to '\w+'; refused: /);
    expect(refusals.map((line) => line.replace(/; refused: .*/, '')).sort()).toEqual([
      "Agent 'buddy' sent \"talk_to.request\" to 'rogue'",
      "Agent 'rogue' sent \"talk_to.request\" to 'rogue'",
      "Agent 'rogue' sent \"talk_to.request\" to 'third'",
      "Agent 'third' sent \"talk_to.request\" to 'rogue'",
    ]);
    await expectNoneBusy(a);
    await expectServing(a);
  });

  it('has secrets blanked out of its inquiries and the texts it sends to peers', async () => {
    const a = await arena();
    const secret = 'sk-hostile-0123456789abcdef';
    await a.t.host.call('secrets.set', { workspaceId: a.workspaceId, key: 'LEAKED_TOKEN', value: secret });

    const from = a.t.events.mark();
    await a.t.host.call('sessions.send', { sessionId: a.sessionId, text: `leak ${secret}` });
    const created = await a.t.events.waitFor(
      (event: HostEvent): event is Extract<HostEvent, { type: 'inquiry.updated' }> =>
        event.type === 'inquiry.updated' && event.inquiry.sessionId === a.sessionId,
      { from, what: 'the inquiry' },
    );
    expect(created.inquiry).toMatchObject({
      markdown: 'The key is [redacted]',
      suggestions: ['use [redacted]', 'drop it'],
      files: ['/tmp/[redacted].txt'],
    });
    await a.t.host.call('inquiries.answer', { inquiryId: created.inquiry.id, text: 'fine' });
    await a.t.events.waitFor(isState(a.sessionId, 'idle'), { from: a.t.events.indexOf(created), what: 'the turn to end' });

    const sessions = await a.t.host.call('sessions.list', { workspaceId: a.workspaceId });
    const buddy = sessions.find((session) => session.agentKey === 'buddy' && session.parentSessionId === a.sessionId);
    const { entries } = await a.t.host.call('sessions.open', { sessionId: buddy!.id });
    const prompt = entries.find((entry): entry is TimelineMessage => entry.kind === 'message' && entry.role === 'user');
    expect(prompt?.text).toBe('ok the key is [redacted]');
    // buddy itself was handed the redacted text: its echo shows it.
    const reply = (await a.t.host.call('sessions.open', { sessionId: a.sessionId })).entries.at(-1);
    expect(reply).toMatchObject({ kind: 'message', text: 'answer: fine; buddy: ok: ok the key is [redacted]' });
    expect(JSON.stringify(a.t.events.events)).not.toContain(secret);
  });

  it('has every field over its bound refused and logged, and nothing oversized stored', async () => {
    const a = await arena();
    expect((await sendAndWait(a.t, a.sessionId, 'oversize')).reply).toBe('survived oversize');

    // One refusal for each field, naming the message type and the field (logs are listed newest first).
    const refused = await hostLogs(a, /^Agent 'rogue' sent a malformed message, ignored: /);
    const patterns = [
      /type "message": content: Too big/,
      /type "message": messageId: Too big/,
      /type "activity": data: is \d+ characters as JSON, over the limit of 1000000$/,
      /type "log": message: Too big/,
      /type "inquiry\.request": markdown: Too big/,
      /type "inquiry\.request": suggestions\.1: Too big/,
      /type "inquiry\.request": files: Too big/,
      /type "usage": model: Too big/,
      /type "usage": outputTokens: Too big/,
      /type "talk_to\.request": peer: Too big/,
    ];
    expect(refused).toHaveLength(patterns.length);
    for (const pattern of patterns) expect(refused.filter((line) => pattern.test(line))).toHaveLength(1);

    const longest = sql<{ messages: number; activities: number; logs: number; inquiries: number; models: number }>(
      a.t,
      `SELECT (SELECT max(length(text)) FROM messages) AS messages, (SELECT max(length(data)) FROM activities) AS activities,
              (SELECT max(length(message)) FROM logs) AS logs, (SELECT count(*) FROM inquiries) AS inquiries,
              (SELECT count(*) FROM usage) AS models`,
    );
    expect(longest.messages).toBeLessThan(100);
    expect(longest.activities ?? 0).toBeLessThan(1000);
    expect(longest.logs).toBeLessThan(PROTOCOL_LIMITS.log);
    expect(longest.inquiries).toBe(0);
    expect(longest.models).toBe(0);
    await expectNoneBusy(a);
    await expectServing(a);
  });

  it('gets a stream that grows past the bound cut: stored up to the bound, marked cut, logged', async () => {
    const a = await arena();
    const turn = await sendAndWait(a.t, a.sessionId, `stream ${PROTOCOL_LIMITS.streamed + 1_000_000}`);
    const [streamed, after] = turn.messages;
    expect(after?.text).toBe('after the stream');
    expect(streamed?.status).toBe('cut');
    expect(streamed?.text.startsWith('y'.repeat(PROTOCOL_LIMITS.streamed))).toBe(true);
    expect(streamed?.text.slice(PROTOCOL_LIMITS.streamed)).toBe(`\n\n[… cut: this entry grew past ${PROTOCOL_LIMITS.streamed} characters]`);
    expect(await hostLogs(a, new RegExp(`^Agent 'rogue' streamed more than ${PROTOCOL_LIMITS.streamed} characters into one message \\(${streamed!.id}\\); the rest was cut\\.$`))).toHaveLength(1);
    await expectNoneBusy(a);
    await expectServing(a);
  });

  it('still gets legitimate output over the per-message bound through whole, or shortened with a note', async () => {
    const a = await arena();
    const turn = await sendAndWait(a.t, a.sessionId, 'long-reply');
    expect(turn.messages.map((message) => message.text)).toEqual(['d'.repeat(1_800_000), 'w'.repeat(2_500_000)]);
    expect(turn.messages.map((message) => message.status)).toEqual(['done', 'done']);
    const { entries } = await a.t.host.call('sessions.open', { sessionId: a.sessionId });
    const result = entries.find((entry): entry is TimelineActivity => entry.kind === 'activity' && entry.activityKind === 'tool_result');
    const output = String(result?.data.output);
    expect(output.length).toBeLessThanOrEqual(PROTOCOL_LIMITS.activityData);
    expect(output).toMatch(/^r+… \[\d+ more characters cut: over the \d+-character limit\]$/);
    expect(await hostLogs(a, /malformed|cut/)).toEqual([]);
  });

  it('cannot silence itself with a forged seq: jumps are refused and its next messages still count', async () => {
    const a = await arena();
    expect((await sendAndWait(a.t, a.sessionId, 'seq-jump')).reply).toBe('still talking after the jumps');
    const jumps = await hostLogs(a, /sent a malformed message, ignored: type "log": seq \d+ jumps more than 1000 past \d+; refused$/);
    expect(jumps).toHaveLength(2);
    expect(jumps.filter((line) => line.includes(`seq ${Number.MAX_SAFE_INTEGER} jumps`))).toHaveLength(1);
    const logs = await a.t.host.call('logs.list', { workspaceId: a.workspaceId, limit: 5000 });
    expect(logs.some((entry) => entry.message.startsWith('jumped'))).toBe(false);
    await expectNoneBusy(a);
    await expectServing(a);
  });

  it.each([
    ['goes silent mid-turn', 'silent'],
    ['blocks its event loop', 'block'],
  ])('is killed when it %s: the turn ends, the session is crashed with an error saying what to do', async (_, command) => {
    const a = await arena();
    const from = a.t.events.mark();
    const { turnId } = await a.t.host.call('sessions.send', { sessionId: a.sessionId, text: command });
    // The agent may never get to say it is generating: the host counts the turn from its input.
    await a.t.events.waitFor(isState(a.sessionId, 'crashed'), { from, what: 'the watchdog to end the turn' });

    const { entries, session } = await a.t.host.call('sessions.open', { sessionId: a.sessionId });
    expect(session.state).toBe('crashed');
    const error = entries.filter((entry): entry is TimelineActivity => entry.kind === 'activity' && entry.activityKind === 'error').at(-1);
    expect(String(error?.data.message)).toMatch(/^The agent stopped responding for 3 s during this turn, so the host stopped it\. Send a message to restart it/);
    expect(entries.some((entry) => entry.kind === 'message' && entry.turnId === turnId && entry.role === 'assistant' && entry.status === 'streaming')).toBe(false);
    expect(await hostLogs(a, /^Agent 'rogue' sent nothing for 3 s while a turn was running .*; the host killed the process\.$/)).toHaveLength(1);
    await expectNoneBusy(a);
    // The next message starts a fresh process and replays the conversation.
    await expectServing(a);
  });
});
