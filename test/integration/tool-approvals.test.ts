// Tool approvals end to end: a real agent process (test/fixtures/templates/approver) whose
// `delete_file` tool has `needsApproval`, the fixture model scripting a call to it, and the real
// host. The call becomes an approval inquiry; the run resumes with the user's decision.
import { afterEach, describe, expect, it } from 'vitest';
import { agentToHostSchema } from '../../agents/protocol';
import type { HostEvent } from '../../electron/api/contract';
import type { InquirySummary, TimelineActivity } from '../../electron/api/types';
import { useFakeOpenAI } from '../helpers/fake-model';
import { addTemplate, addWorkspace, cleanupHarness, confirmLaunch, isState, startHost, waitForTurnEnd, type TestHost } from '../helpers/host-harness';

const fake = useFakeOpenAI();
afterEach(cleanupHarness);

type InquiryUpdated = Extract<HostEvent, { type: 'inquiry.updated' }>;
const SECRET = 'sk-approvals-secret-0123456789abcdef';

async function launch(): Promise<{ t: TestHost; workspaceId: string; sessionId: string }> {
  const t = await startHost();
  await addTemplate(t, 'approver');
  const yaml = `name: approvals-ws\nagents:\n  worker:\n    template: approver\n    env:\n      OPENAI_BASE_URL: ${fake.baseURL}\n`;
  const { id: workspaceId } = await addWorkspace(t, yaml);
  await t.host.call('secrets.set', { workspaceId, key: 'OPENAI_API_KEY', value: SECRET });
  await confirmLaunch(t, workspaceId);
  const { sessions } = await t.host.call('workspaces.launch', { workspaceId });
  return { t, workspaceId, sessionId: sessions[0].id };
}

/** Scripts a call to delete_file, then a reply; sends a message and waits for the approval it asks. */
async function askToDelete(t: TestHost, sessionId: string, path: string, callId: string): Promise<{ approval: InquirySummary; from: number }> {
  fake.script({ toolCalls: [{ name: 'delete_file', arguments: { path }, callId }] }, { text: `Done with ${path}.` });
  const from = t.events.mark();
  await t.host.call('sessions.send', { sessionId, text: `Delete ${path}` });
  const event = await t.events.waitFor<InquiryUpdated>(
    (e): e is InquiryUpdated => e.type === 'inquiry.updated' && e.inquiry.status === 'pending' && e.inquiry.approval !== undefined,
    { from, what: 'an approval inquiry' },
  );
  await t.events.waitFor(isState(sessionId, 'waiting_for_inquiry'), { from, what: 'the session to wait for the approval' });
  return { approval: event.inquiry, from };
}

/** The function_call_output the model received for `callId`, from the recorded requests. */
function toolOutputSent(callId: string): string | undefined {
  for (const request of fake.requests) {
    const input = request.body.input;
    if (!Array.isArray(input)) continue;
    for (const item of input) {
      if (item && typeof item === 'object' && !Array.isArray(item) && item.type === 'function_call_output' && item.call_id === callId) {
        return typeof item.output === 'string' ? item.output : JSON.stringify(item.output);
      }
    }
  }
  return undefined;
}

async function ranLogs(t: TestHost, workspaceId: string): Promise<string[]> {
  const logs = await t.host.call('logs.list', { workspaceId, query: 'delete_file ran' });
  return logs.map((log) => log.message).filter((message) => message.startsWith('delete_file ran'));
}

describe('tool approvals', () => {
  it('decisions come only from the host: an agent cannot send approval.response', () => {
    const forged = { type: 'approval.response', instanceId: 'i', turnId: 't', seq: 1, approvalId: 'a', decision: 'approve' };
    expect(agentToHostSchema.safeParse(forged).success).toBe(false);
  });

  it('asks before a needsApproval tool runs; approved, the tool runs and its result reaches the model', async () => {
    const { t, workspaceId, sessionId } = await launch();
    const { approval, from } = await askToDelete(t, sessionId, 'notes.txt', 'call_ok');
    expect(approval).toMatchObject({ agentKey: 'worker', sessionId, workspaceId, approval: { tool: 'delete_file', arguments: '{"path":"notes.txt"}' } });
    // Nothing ran yet, and a text answer is refused: only a decision resumes it.
    expect(await ranLogs(t, workspaceId)).toEqual([]);
    await expect(t.host.call('inquiries.answer', { inquiryId: approval.id, text: 'approve' })).rejects.toThrow(/approve or reject it/);

    await t.host.call('inquiries.decide', { inquiryId: approval.id, decision: 'approve' });
    await waitForTurnEnd(t, sessionId, from);
    expect(toolOutputSent('call_ok')).toBe('deleted notes.txt');
    expect(await ranLogs(t, workspaceId)).toEqual(['delete_file ran for notes.txt']);
    const [stored] = (await t.host.call('inquiries.list', { status: 'all' })).filter((inquiry) => inquiry.id === approval.id);
    expect(stored).toMatchObject({ status: 'answered', responseText: 'Approved' });

    // The timeline: the call, the approval card and its decision, the result, the reply.
    const { entries } = await t.host.call('sessions.open', { sessionId });
    const activities = entries.filter((entry): entry is TimelineActivity => entry.kind === 'activity');
    expect(activities.map((entry) => entry.activityKind)).toEqual(['tool_call', 'inquiry.request', 'inquiry.response', 'tool_result']);
    expect(activities[1].data).toMatchObject({ inquiryId: approval.id, approval: { tool: 'delete_file' } });
    expect(entries.some((entry) => entry.kind === 'message' && entry.text === 'Done with notes.txt.')).toBe(true);
    await expect(t.host.call('inquiries.decide', { inquiryId: approval.id, decision: 'reject' })).rejects.toThrow(/already answered/);
  });

  it('rejected, the tool does not run and the model gets the rejection, then goes on', async () => {
    const { t, workspaceId, sessionId } = await launch();
    const { approval, from } = await askToDelete(t, sessionId, 'secret.txt', 'call_no');
    await t.host.call('inquiries.decide', { inquiryId: approval.id, decision: 'reject' });
    await waitForTurnEnd(t, sessionId, from);
    expect(toolOutputSent('call_no')).toMatch(/^The user rejected this call to delete_file; it was not run\./);
    expect(await ranLogs(t, workspaceId)).toEqual([]);
    const { entries } = await t.host.call('sessions.open', { sessionId });
    expect(entries.some((entry) => entry.kind === 'message' && entry.text === 'Done with secret.txt.')).toBe(true);
    expect((await t.host.call('inquiries.list', { status: 'all' })).find((inquiry) => inquiry.id === approval.id)).toMatchObject({ status: 'answered', responseText: 'Rejected' });
  });

  it('always approved: later calls in the workspace are not asked, the rule is listed, and removing it asks again', async () => {
    const { t, workspaceId, sessionId } = await launch();
    const first = await askToDelete(t, sessionId, 'one.txt', 'call_1');
    await t.host.call('inquiries.decide', { inquiryId: first.approval.id, decision: 'always' });
    await waitForTurnEnd(t, sessionId, first.from);
    expect(await t.host.call('approvals.rules', {})).toEqual([{ workspaceId, workspaceName: 'approvals-ws', tool: 'delete_file', createdAt: expect.any(Number) }]);

    // The second call is approved by the host at once: no inquiry, the tool runs.
    fake.script({ toolCalls: [{ name: 'delete_file', arguments: { path: 'two.txt' }, callId: 'call_2' }] }, { text: 'Done with two.txt.' });
    const from = t.events.mark();
    await t.host.call('sessions.send', { sessionId, text: 'Delete two.txt' });
    await waitForTurnEnd(t, sessionId, from);
    expect(toolOutputSent('call_2')).toBe('deleted two.txt');
    expect(t.events.events.slice(from).filter((event) => event.type === 'inquiry.updated')).toEqual([]);
    expect(await ranLogs(t, workspaceId)).toEqual(['delete_file ran for one.txt', 'delete_file ran for two.txt']);

    // Removed: asked again.
    await t.host.call('approvals.removeRule', { workspaceId, tool: 'delete_file' });
    expect(await t.host.call('approvals.rules', { workspaceId })).toEqual([]);
    await expect(t.host.call('approvals.removeRule', { workspaceId, tool: 'delete_file' })).rejects.toThrow(/does not always approve/);
    const third = await askToDelete(t, sessionId, 'three.txt', 'call_3');
    expect(third.approval.approval?.tool).toBe('delete_file');
    await t.host.call('inquiries.decide', { inquiryId: third.approval.id, decision: 'reject' });
    await waitForTurnEnd(t, sessionId, third.from);
  });

  it('a stop during a pending approval cancels it: the agent stops waiting and takes the next message', async () => {
    const { t, workspaceId, sessionId } = await launch();
    // A secret the model quoted is redacted in the approval, as everywhere.
    const { approval, from } = await askToDelete(t, sessionId, `${SECRET}.txt`, 'call_stop');
    expect(approval.approval?.arguments).not.toContain(SECRET);
    await t.host.call('sessions.interrupt', { sessionId });
    await t.events.waitFor(isState(sessionId, 'idle'), { from, what: 'the stopped session to become idle' });
    const cancelled = await t.events.waitFor<InquiryUpdated>(
      (e): e is InquiryUpdated => e.type === 'inquiry.updated' && e.inquiry.id === approval.id && e.inquiry.status === 'cancelled',
      { from, what: 'the approval to be cancelled' },
    );
    expect(cancelled.inquiry.status).toBe('cancelled');
    await expect(t.host.call('inquiries.decide', { inquiryId: approval.id, decision: 'approve' })).rejects.toThrow(/already cancelled/);
    expect(await ranLogs(t, workspaceId)).toEqual([]);

    // The agent is not stuck: the next turn runs (the stopped turn's scripted reply is dropped).
    fake.reset();
    fake.script({ text: 'Still here.' });
    const next = t.events.mark();
    await t.host.call('sessions.send', { sessionId, text: 'Hello?' });
    await waitForTurnEnd(t, sessionId, next);
    const { entries } = await t.host.call('sessions.open', { sessionId });
    expect(entries.some((entry) => entry.kind === 'message' && entry.text === 'Still here.')).toBe(true);
    expect(JSON.stringify(t.events.events)).not.toContain(SECRET);
  });
});
