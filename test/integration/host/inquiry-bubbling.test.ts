// Inquiries bubble to the supervisor (electron/host/inquiry-router.ts) with real agent processes: a
// lead (root) and its sub-agent helper, both OpenAiAgentContext agents on the fixture model, which
// answers each by its role. The helper asks; the lead answers while it waits in talk_to_helper
// (interrupt), while idle (input), after asking the user itself, too late (timeout), or crashes.
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../electron/api/contract';
import type { InquirySummary } from '../../../electron/api/types';
import { lastUserText, type RecordedRequest, type Turn } from '../../fixtures/openai-server';
import { useFakeOpenAI } from '../../helpers/fake-model';
import { addTemplate, addWorkspace, cleanupHarness, confirmLaunch, startHost, waitForTurnEnd, type TestHost } from '../../helpers/host-harness';

const fake = useFakeOpenAI();
afterEach(cleanupHarness);

type LeadPlan = 'answer' | 'escalate' | 'ignore' | 'late' | 'crash';

interface Script {
  lead: LeadPlan;
  /** How many inquiries the helper sends in a row, each after the last was answered. */
  helperAsks: number;
  helperAsked: number;
  /** performance.now() when the model handed the lead its reply_to_inquiry call. */
  replyCalledAt: number | null;
  /** performance.now() of the helper's first request after its inquiry was answered. */
  helperResumedAt: number | null;
  /** What each tool returned, by tool name, in order. */
  outputs: Record<string, string[]>;
}

let calls = 0;
const call = (name: string, args: Record<string, unknown> = {}): Turn => ({ toolCalls: [{ name, arguments: args, callId: `call_${name}_${++calls}` }] });

/** The last item of a request: a tool's output (with the tool's name, from our call ids) or the user's text. */
function lastItem(request: RecordedRequest): { tool: string; output: string } | { user: string } {
  const items = request.body.input;
  const last = Array.isArray(items) ? items.at(-1) : undefined;
  if (last && typeof last === 'object' && !Array.isArray(last) && last.type === 'function_call_output') {
    const tool = String(last.call_id).replace(/^call_/, '').replace(/_\d+$/, '');
    return { tool, output: typeof last.output === 'string' ? last.output : JSON.stringify(last.output) };
  }
  return { user: lastUserText(request) ?? '' };
}

function respond(script: Script, request: RecordedRequest): Turn {
  const role = String(request.body.instructions ?? '').includes('ROLE lead') ? 'lead' : 'helper';
  const last = lastItem(request);
  if ('tool' in last) (script.outputs[last.tool] ??= []).push(last.output);
  if (role === 'helper') {
    if ('user' in last || (last.tool === 'send_inquiry' && script.helperAsked < script.helperAsks)) {
      script.helperAsked += 1;
      const markdown = script.helperAsked === 1 ? 'Which colour for the button?' : `Question ${script.helperAsked}?`;
      return call('send_inquiry', { markdown, suggestions: ['blue', 'red'] });
    }
    if (script.helperResumedAt === null) script.helperResumedAt = performance.now();
    return { text: `helper got: ${last.output}` };
  }
  if ('user' in last) {
    if (last.user.includes('[INQUIRY FROM SUBORDINATE AGENT')) return script.lead === 'ignore' ? { text: 'not now' } : replyCall(script, 'green');
    if (last.user === 'reply now') return replyCall(script, 'something');
    return call('talk_to_helper', { text: 'Build the button.', continue_previous_conversation: false });
  }
  switch (last.tool) {
    case 'talk_to_helper':
    case 'continue_waiting_for_agent_response':
      return last.output.startsWith('INTERRUPTED') ? call('receive_incoming_inquiry') : { text: `lead done: ${last.output}` };
    case 'receive_incoming_inquiry':
      if (script.lead === 'escalate') return call('send_inquiry', { markdown: 'The helper asks which colour.', suggestions: ['blue', 'red'] });
      if (script.lead === 'crash') return call('crash_now');
      if (script.lead === 'ignore') return { text: 'not answering' };
      if (script.lead === 'late') return { ...replyCall(script, 'too late'), delayMs: 700 };
      return replyCall(script, 'blue');
    case 'send_inquiry':
      return replyCall(script, `passing on: ${last.output}`);
    case 'reply_to_inquiry':
      return last.output.includes('continue_waiting_for_agent_response') || script.lead === 'late'
        ? call('continue_waiting_for_agent_response')
        : { text: `lead saw: ${last.output}` };
    default:
      return { text: `lead saw ${last.tool}: ${last.output}` };
  }
}

function replyCall(script: Script, response: string): Turn {
  script.replyCalledAt = performance.now();
  return call('reply_to_inquiry', { response });
}

const YAML = (baseURL: string) =>
  [
    'name: bubbling',
    'env:',
    `  OPENAI_BASE_URL: ${baseURL}`,
    'agents:',
    '  lead:',
    '    template: openai-team',
    '    fields:',
    '      system_prompt: ROLE lead',
    '    sub_agents:',
    '      helper:',
    '        template: openai-team',
    '        fields:',
    '          system_prompt: ROLE helper',
    '',
  ].join('\n');

interface Team {
  t: TestHost;
  workspaceId: string;
  leadId: string;
  script: Script;
  /** Every event with performance.now() when it was emitted. */
  stamps: { at: number; event: HostEvent }[];
}

async function launchTeam(lead: LeadPlan, timeoutSeconds?: number, helperAsks = 1): Promise<Team> {
  const script: Script = { lead, helperAsks, helperAsked: 0, replyCalledAt: null, helperResumedAt: null, outputs: {} };
  fake.setResponder((request) => respond(script, request));
  const t = await startHost();
  const stamps: Team['stamps'] = [];
  t.host.onEvent((event) => stamps.push({ at: performance.now(), event }));
  await addTemplate(t, 'openai-team');
  if (timeoutSeconds !== undefined) await t.host.call('inquiries.updateSettings', { forwardTimeoutSeconds: timeoutSeconds });
  const { id: workspaceId } = await addWorkspace(t, YAML(fake.baseURL));
  await t.host.call('secrets.set', { workspaceId, key: 'OPENAI_API_KEY', value: 'sk-test-bubbling-0123456789' });
  await confirmLaunch(t, workspaceId);
  const { sessions } = await t.host.call('workspaces.launch', { workspaceId });
  const leadSession = sessions.find((session) => session.agentKey === 'lead')!;
  return { t, workspaceId, leadId: leadSession.id, script, stamps };
}

const inquiryUpdate =
  (test: (inquiry: InquirySummary) => boolean) =>
  (event: HostEvent): event is Extract<HostEvent, { type: 'inquiry.updated' }> =>
    event.type === 'inquiry.updated' && test(event.inquiry);

function helperInquiry(team: Team, status: InquirySummary['status']) {
  return team.t.events.waitFor(inquiryUpdate((inquiry) => inquiry.agentKey === 'helper' && inquiry.status === status), { what: `the helper's inquiry ${status}` });
}

const hopsOf = (inquiry: InquirySummary) => (inquiry.forwarding ?? []).map((hop) => [hop.agentKey, hop.delivery, hop.movedOn?.reason ?? null]);

async function replyOf(team: Team, sessionId: string): Promise<string> {
  const { entries } = await team.t.host.call('sessions.open', { sessionId });
  const messages = entries.filter((entry) => entry.kind === 'message' && entry.role === 'assistant');
  const last = messages.at(-1);
  return last?.kind === 'message' ? last.text : '';
}

describe('inquiries bubble to the supervisor', () => {
  it('the parent answers while it waits in talk_to: the wait is interrupted, then resumed', async () => {
    const team = await launchTeam('answer');
    const from = team.t.events.mark();
    await team.t.host.call('sessions.send', { sessionId: team.leadId, text: 'go' });
    const answered = await helperInquiry(team, 'answered');
    await waitForTurnEnd(team.t, team.leadId, from);

    expect(answered.inquiry).toMatchObject({ answeredByAgent: 'lead', responseText: 'blue' });
    expect(hopsOf(answered.inquiry)).toEqual([['lead', 'interrupt', null]]);
    expect(team.script.outputs.talk_to_helper?.[0]).toMatch(/^INTERRUPTED: /);
    expect(team.script.outputs.receive_incoming_inquiry?.[0]).toContain("[INQUIRY FROM SUBORDINATE AGENT 'helper']");
    expect(team.script.outputs.receive_incoming_inquiry?.[0]).toContain('1. blue (recommended)');
    expect(team.script.outputs.reply_to_inquiry?.[0]).toContain("delivered to 'helper'");
    expect(await replyOf(team, team.leadId)).toBe("lead done: helper got: Response from your supervisor agent 'lead': blue");
    // The user was never asked.
    expect(await team.t.host.call('inquiries.list', {})).toEqual([]);

    // Host overhead only (no model time): routing the inquiry, and the reply's way back.
    const stampOf = (test: (inquiry: InquirySummary) => boolean) =>
      team.stamps.find(({ event }) => event.type === 'inquiry.updated' && event.inquiry.agentKey === 'helper' && test(event.inquiry))!.at;
    const stored = stampOf((inquiry) => inquiry.status === 'answered');
    const routing = answered.inquiry.forwarding![0].at - answered.inquiry.createdAt;
    console.log(
      `inquiry bubbling overhead: host routing (request stored → forward sent) ${routing} ms; ` +
        `reply_to_inquiry handed out by the model → answer stored and sent ${(stored - team.script.replyCalledAt!).toFixed(2)} ms; ` +
        `answer sent → helper's next model request ${(team.script.helperResumedAt! - stored).toFixed(2)} ms`,
    );
  });

  it('an idle parent gets it as its next input and answers it', async () => {
    const team = await launchTeam('answer');
    // The user talks to the helper directly: its supervisor is the lead's (idle) conversation.
    const helper = await team.t.host.call('sessions.create', { workspaceId: team.workspaceId, agentKey: 'helper' });
    const from = team.t.events.mark();
    await team.t.host.call('sessions.send', { sessionId: helper.id, text: 'hi' });
    const answered = await helperInquiry(team, 'answered');
    await waitForTurnEnd(team.t, helper.id, from);

    expect(answered.inquiry).toMatchObject({ answeredByAgent: 'lead', responseText: 'green' });
    expect(hopsOf(answered.inquiry)).toEqual([['lead', 'input', null]]);
    expect(answered.inquiry.forwarding?.[0].sessionId).toBe(team.leadId);
    expect(await replyOf(team, helper.id)).toBe("helper got: Response from your supervisor agent 'lead': green");
    const leadMessages = team.t.host.services.store.sessions.chatMessages(team.leadId);
    expect(leadMessages[0]).toMatchObject({ role: 'user', name: 'helper' });
    expect(leadMessages[0].content).toContain("[INQUIRY FROM SUBORDINATE AGENT 'helper']");
  });

  it('the parent escalates to the user and passes the answer down', async () => {
    const team = await launchTeam('escalate');
    const from = team.t.events.mark();
    await team.t.host.call('sessions.send', { sessionId: team.leadId, text: 'go' });
    const leadAsks = await team.t.events.waitFor(
      inquiryUpdate((inquiry) => inquiry.agentKey === 'lead' && inquiry.status === 'pending' && (inquiry.forwarding ?? []).length > 0),
      { what: "the lead's own inquiry" },
    );
    expect(hopsOf(leadAsks.inquiry)).toEqual([[null, 'user', null]]);
    await team.t.host.call('inquiries.answer', { inquiryId: leadAsks.inquiry.id, text: 'red', suggestionIndex: 1 });
    const answered = await helperInquiry(team, 'answered');
    await waitForTurnEnd(team.t, team.leadId, from);

    expect(answered.inquiry).toMatchObject({ answeredByAgent: 'lead', responseText: 'passing on: User response: red' });
    expect(await replyOf(team, team.leadId)).toBe(
      "lead done: helper got: Response from your supervisor agent 'lead': passing on: User response: red",
    );
    const leadInquiry = team.t.host.services.store.inquiries.get(leadAsks.inquiry.id);
    expect(leadInquiry).toMatchObject({ status: 'answered', answeredByAgent: null, responseText: 'red' });
  });

  it('moves on to the user when the parent does not answer in time; a late reply is refused clearly', async () => {
    const team = await launchTeam('late', 0.3);
    const from = team.t.events.mark();
    await team.t.host.call('sessions.send', { sessionId: team.leadId, text: 'go' });
    const atUser = await team.t.events.waitFor(
      inquiryUpdate((inquiry) => inquiry.agentKey === 'helper' && inquiry.forwarding?.at(-1)?.delivery === 'user'),
      { what: 'the inquiry to reach the user' },
    );
    expect(hopsOf(atUser.inquiry)).toEqual([
      ['lead', 'interrupt', 'timeout'],
      [null, 'user', null],
    ]);
    // The lead's reply came after it moved on: its tool result says so.
    await expect.poll(() => team.script.outputs.reply_to_inquiry?.[0], { timeout: 10_000 }).toContain('no longer waiting for you (no answer in time): it moved on to the user');
    expect((await team.t.host.call('inquiries.list', {})).map((inquiry) => inquiry.id)).toEqual([atUser.inquiry.id]);
    await team.t.host.call('inquiries.answer', { inquiryId: atUser.inquiry.id, text: 'red' });
    await waitForTurnEnd(team.t, team.leadId, from);
    expect(await replyOf(team, team.leadId)).toBe('lead done: helper got: User response: red');
    expect(team.t.host.services.store.inquiries.get(atUser.inquiry.id)).toMatchObject({ status: 'answered', answeredByAgent: null });
  });

  it('a parent that crashes while holding the inquiry passes it on to the user', async () => {
    const team = await launchTeam('crash');
    await team.t.host.call('sessions.send', { sessionId: team.leadId, text: 'go' });
    const atUser = await team.t.events.waitFor(
      inquiryUpdate((inquiry) => inquiry.agentKey === 'helper' && inquiry.forwarding?.at(-1)?.delivery === 'user'),
      { what: 'the inquiry to reach the user' },
    );
    expect(hopsOf(atUser.inquiry)).toEqual([
      ['lead', 'interrupt', 'crashed'],
      [null, 'user', null],
    ]);
    const helper = (await team.t.host.call('sessions.list', { workspaceId: team.workspaceId })).find((session) => session.agentKey === 'helper')!;
    const from = team.t.events.mark();
    await team.t.host.call('inquiries.answer', { inquiryId: atUser.inquiry.id, text: 'red' });
    await team.t.events.waitFor(
      (event) => event.type === 'session.event' && event.sessionId === helper.id && event.change.type === 'state' && event.change.state === 'idle',
      { from, what: 'the helper to finish' },
    );
    expect(await replyOf(team, helper.id)).toBe('helper got: User response: red');
  });

  it('ten interrupts in a row, each answered and resumed, end in the reply: no deadlock', async () => {
    const team = await launchTeam('answer', undefined, 10);
    const from = team.t.events.mark();
    await team.t.host.call('sessions.send', { sessionId: team.leadId, text: 'go' });
    await waitForTurnEnd(team.t, team.leadId, from);
    expect(await replyOf(team, team.leadId)).toBe("lead done: helper got: Response from your supervisor agent 'lead': blue");
    expect(team.script.outputs.receive_incoming_inquiry).toHaveLength(10);
    expect(team.script.outputs.continue_waiting_for_agent_response?.filter((output) => output.startsWith('INTERRUPTED'))).toHaveLength(9);
    const answered = (await team.t.host.call('inquiries.list', { status: 'answered' })).filter((inquiry) => inquiry.agentKey === 'helper');
    expect(answered).toHaveLength(10);
    expect(answered.every((inquiry) => inquiry.answeredByAgent === 'lead')).toBe(true);
  });

  it('reply_to_inquiry with nothing pending says so', async () => {
    const team = await launchTeam('answer');
    const from = team.t.events.mark();
    await team.t.host.call('sessions.send', { sessionId: team.leadId, text: 'reply now' });
    await waitForTurnEnd(team.t, team.leadId, from);
    expect(team.script.outputs.reply_to_inquiry?.[0]).toMatch(/^There is no inquiry waiting for your reply/);
    expect(await replyOf(team, team.leadId)).toMatch(/^lead saw: There is no inquiry waiting for your reply/);
  });
});
