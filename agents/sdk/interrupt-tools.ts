// A supervisor's platform tools for the inquiries of its subordinates (d:spatch v2):
// `receive_incoming_inquiry` reads the inquiry that interrupted a wait, `reply_to_inquiry` answers
// it, `continue_waiting_for_agent_response` goes back to the interrupted wait and returns its result.
// `send_inquiry` and `talk_to_<peer>` wait through `interruptibly`, so such an inquiry can interrupt them.
import { tool, type Tool } from '@openai/agents';
import { z } from 'zod';
import { describeForwardedInquiry } from '../protocol';
import type { Context } from './context';
import { CONTINUE_WAITING_TOOL, RECEIVE_INQUIRY_TOOL, REPLY_TO_INQUIRY_TOOL, SEND_INQUIRY_TOOL } from './tool-names';

export const INTERRUPTED_RESULT =
  `INTERRUPTED: An incoming inquiry from a subordinate agent requires your attention. Call ${RECEIVE_INQUIRY_TOOL} now to read it, ` +
  `answer it with ${REPLY_TO_INQUIRY_TOOL}, then call ${CONTINUE_WAITING_TOOL} to get the result of the call that was interrupted.`;

/** Awaits a tool's wait (already turned into its result text) unless an inquiry interrupts it. */
export async function interruptibly(ctx: Context, result: Promise<string>, state: 'waiting_for_agent' | 'waiting_for_inquiry'): Promise<string> {
  const outcome = await ctx.waitInterruptibly(result, state);
  return outcome.interrupted ? INTERRUPTED_RESULT : outcome.value;
}

const replyInput = z.object({ response: z.string().min(1) });
const noParameters = { type: 'object' as const, properties: {}, required: [], additionalProperties: true as const };

export function interruptTools(ctx: Context): Tool[] {
  return [
    tool({
      name: RECEIVE_INQUIRY_TOOL,
      description: `Reads the inquiry from a subordinate agent that interrupted your wait (a tool result said INTERRUPTED).`,
      parameters: noParameters,
      strict: false,
      execute: () => {
        const inquiry = ctx.receiveIncomingInquiry();
        if (!inquiry) return 'No inquiry is waiting for you.';
        return describeForwardedInquiry(inquiry, REPLY_TO_INQUIRY_TOOL, SEND_INQUIRY_TOOL);
      },
    }),
    tool({
      name: REPLY_TO_INQUIRY_TOOL,
      description:
        'Answers the inquiry a subordinate agent sent you: your decision or instruction, e.g. the text of one of its suggestions. ' +
        'The agent continues with your answer.',
      parameters: {
        type: 'object' as const,
        properties: { response: { type: 'string', description: 'Your answer to the inquiry.' } },
        required: ['response'],
        additionalProperties: true as const,
      },
      strict: false,
      execute: async (input) => {
        const parsed = replyInput.safeParse(input);
        if (!parsed.success) return 'Failed: response: write your answer as a non-empty string.';
        return (await ctx.replyToInquiry(parsed.data.response)).message;
      },
    }),
    tool({
      name: CONTINUE_WAITING_TOOL,
      description: 'Goes back to the wait that an inquiry interrupted; returns the result of the interrupted call once it arrives.',
      parameters: noParameters,
      strict: false,
      execute: async () => {
        const resumed = ctx.continueWaitingForAgentResponse();
        if (!resumed) return 'You are not waiting for any agent: no call of yours was interrupted in this turn.';
        const outcome = await resumed;
        return outcome.interrupted ? INTERRUPTED_RESULT : String(outcome.value);
      },
    }),
  ];
}
