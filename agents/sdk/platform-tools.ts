// The d:spatch platform tools as Agents SDK function tools: `send_inquiry` (ask the user or a
// supervisor) and one `talk_to_<peer>` per peer. Schemas are plain, non-strict JSON schema — what the
// model sees is exactly what is written here — so the input is validated again with zod.
import { tool, type Tool } from '@openai/agents';
import { z } from 'zod';
import type { Context } from './context';
import { interruptTools, interruptibly } from './interrupt-tools';
import { SEND_INQUIRY_TOOL, peerTools } from './tool-names';

export const sendInquiryParameters = {
  type: 'object' as const,
  properties: {
    markdown: {
      type: 'string',
      description:
        'A complete write-up in markdown: the context, what you found, the options with their trade-offs. The reader sees nothing else.',
    },
    suggestions: {
      type: 'array',
      items: { type: 'string' },
      minItems: 2,
      maxItems: 4,
      description: 'Two to four instructions to you, the recommended one first.',
    },
    files: {
      type: 'array',
      items: { type: 'string' },
      description: 'Paths of files the reader should look at. Optional.',
    },
  },
  required: ['markdown', 'suggestions'],
  additionalProperties: true as const,
};

export const talkToParameters = {
  type: 'object' as const,
  properties: {
    text: { type: 'string', description: 'What you ask or tell the agent.' },
    continue_previous_conversation: {
      type: 'boolean',
      description: 'true: continue your earlier conversation with this agent; false: start a fresh one.',
    },
  },
  required: ['text', 'continue_previous_conversation'],
  additionalProperties: true as const,
};

const inquiryInput = z.object({
  markdown: z.string().min(1),
  suggestions: z.array(z.string().min(1)).min(2).max(4),
  files: z.array(z.string()).optional(),
});

const talkToInput = z.object({
  text: z.string().min(1),
  continue_previous_conversation: z.boolean().optional(),
});

function problem(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'input'}: ${issue.message}` : 'invalid input';
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function sendInquiryTool(ctx: Context): Tool {
  return tool({
    name: SEND_INQUIRY_TOOL,
    description:
      'Escalate a decision to whoever oversees you (a supervisor agent or the user) and wait for the answer, which can take hours. ' +
      'Use it for decisions outside your authority; not for trivia.',
    parameters: sendInquiryParameters,
    strict: false,
    execute: async (input) => {
      const parsed = inquiryInput.safeParse(input);
      if (!parsed.success) return `Failed to send inquiry: ${problem(parsed.error)}`;
      // The wait can be interrupted by a subordinate's inquiry (interrupt-tools.ts); the answer then
      // arrives through continue_waiting_for_agent_response.
      const result = ctx.inquire(parsed.data.markdown, parsed.data.suggestions, parsed.data.files ?? []).then(
        (answer) =>
          // Nobody answered in time: the host's text says so, and the model decides alone.
          answer.expired
            ? answer.text
            : answer.answeredBy
              ? `Response from your supervisor agent '${answer.answeredBy}': ${answer.text}`
              : `User response: ${answer.text}`,
        (error: unknown) => `Failed to send inquiry: ${reason(error)}`,
      );
      return interruptibly(ctx, result, 'waiting_for_inquiry');
    },
  });
}

export function talkToTools(ctx: Context): Tool[] {
  return peerTools(ctx.availableAgents).map(({ peer, toolName }) =>
    tool({
      name: toolName,
      description: `Send a message to the agent "${peer}" and wait for its reply.`,
      parameters: talkToParameters,
      strict: false,
      execute: async (input) => {
        const parsed = talkToInput.safeParse(input);
        if (!parsed.success) return `Failed: ${problem(parsed.error)}`;
        const result = ctx
          // As the seed: a fresh conversation unless the model asks to continue.
          .talkTo(peer, parsed.data.text, { continue: parsed.data.continue_previous_conversation ?? false })
          .catch((error: unknown) => `Failed: ${reason(error)}`);
        return interruptibly(ctx, result, 'waiting_for_agent');
      },
    }),
  );
}

export function platformTools(ctx: Context): Tool[] {
  // Only an agent with peers can be a supervisor (a parent's sub-agents and a talk_to caller's callees are its peers).
  const supervisorTools = ctx.availableAgents.length > 0 ? interruptTools(ctx) : [];
  return [sendInquiryTool(ctx), ...talkToTools(ctx), ...supervisorTools];
}
