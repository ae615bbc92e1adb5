// One extraction pass: the model reads the session's tasks and a numbered batch of new messages and
// keeps the task list with Acontext's tool set, in a loop of at most `maxCalls` model calls over
// Chat Completions. Tool calls are applied to a TaskDraft; the caller commits the draft.
import type OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import * as z from 'zod';
import type { TaskSummary } from '../../api/types';
import type { ExtractionMessage, PassOutcome } from '../../store/task-repo';
import { RuleError, TASK_STATUSES, TaskDraft } from './task-draft';

export const MAX_MODEL_CALLS = 6;
/** Each rendered part of a message is cut to this many characters. */
const PART_LIMIT = 1024;
const RECENT_PROGRESS = 6;

export interface PassUsage {
  model: string;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

export interface PassResult {
  outcome: PassOutcome;
  calls: number;
  /** Whether the model called `finish` (false: it stopped calling tools, or ran out of calls). */
  finished: boolean;
  usage: PassUsage[];
  /** What the model reported with `report_thinking`, and calls that broke a rule: for the log. */
  notes: string[];
}

export interface PassInput {
  sessionId: string;
  messages: ExtractionMessage[];
  tasks: TaskSummary[];
  preferences: string[];
}

const SYSTEM_PROMPT = `You maintain the task list of one conversation between a user and an AI agent, for a desktop app that shows the user what they asked for and how far each request got.

A task is one request of the user's, in the user's own words: "book a table for four on Friday", "add dark mode and fix the login bug" (that is two tasks). The agent's own intermediate steps are not tasks; they are progress. Keep tasks distinct and non-overlapping; when the user refines a request, update its description instead of adding a near-duplicate.

You see the current tasks and a batch of new messages, numbered from 0. With the tools:
- insert_task for each new request (after_task_order 0 puts it first; after the last order appends it).
- append_messages_to_task to link every message that belongs to a task, by an inclusive id range. Linking starts a pending task.
- append_task_progress for milestones the agent reached: concrete and short (at most ~150 characters), naming files, values or results; facts the user supplied start with "User:". One to three per batch is typical; do not narrate every step.
- update_task to change a status or sharpen a description. pending = not started; running = being worked on or retried; success = done and the user confirmed it or moved on without complaint; failed = an explicit error the agent gave up on, abandoned, or the user said it failed. A success or failed task must be set to running again before more messages or progress go to it.
- submit_user_preference for lasting preferences or facts about the user, written in the third person ("The user prefers TypeScript"). Do not submit one that is already known.
- report_thinking first, with a short checklist of what you will change.
- finish when the list is up to date.

Call several tools at once where you can. Nobody answers questions here: never ask, just act, then finish.`;

const tools: ChatCompletionTool[] = [
  fn('insert_task', 'Add a task after the task with the given order (0 puts it first).', {
    after_task_order: { type: 'integer', minimum: 0 },
    task_description: { type: 'string' },
  }),
  fn('update_task', 'Change the status and/or the description of a task.', {
    task_order: { type: 'integer', minimum: 1 },
    task_status: { type: 'string', enum: [...TASK_STATUSES] },
    task_description: { type: 'string' },
  }, ['task_order']),
  fn('append_messages_to_task', 'Link the messages with ids start..end (inclusive) to a task.', {
    task_order: { type: 'integer', minimum: 1 },
    message_id_range: { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2 },
  }),
  fn('append_task_progress', 'Record a milestone reached on a task.', { task_order: { type: 'integer', minimum: 1 }, progress: { type: 'string' } }),
  fn('submit_user_preference', 'Record a lasting preference or fact about the user, in the third person.', { preference: { type: 'string' } }),
  fn('report_thinking', 'Say briefly what you are about to change and why.', { thinking: { type: 'string' } }),
  fn('finish', 'The task list is up to date; end the pass.', {}, []),
];

const argumentSchemas = {
  insert_task: z.object({ after_task_order: z.number().int(), task_description: z.string() }),
  update_task: z.object({ task_order: z.number().int(), task_status: z.enum(TASK_STATUSES as [string, ...string[]]).optional(), task_description: z.string().optional() }),
  append_messages_to_task: z.object({ task_order: z.number().int(), message_id_range: z.tuple([z.number().int(), z.number().int()]) }),
  append_task_progress: z.object({ task_order: z.number().int(), progress: z.string() }),
  submit_user_preference: z.object({ preference: z.string() }),
  report_thinking: z.object({ thinking: z.string() }),
  finish: z.object({}),
};
type ToolName = keyof typeof argumentSchemas;

export async function runExtractionPass(
  client: OpenAI,
  model: string,
  input: PassInput,
  options: { maxCalls?: number; signal?: AbortSignal } = {},
): Promise<PassResult> {
  const draft = new TaskDraft(input.sessionId, input.tasks, input.preferences, input.messages.map((message) => message.id));
  const conversation: ChatCompletionMessageParam[] = [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: renderPassInput(input) },
  ];
  const usage: PassUsage[] = [];
  const notes: string[] = [];
  const maxCalls = options.maxCalls ?? MAX_MODEL_CALLS;
  let calls = 0;
  while (calls < maxCalls && !draft.finished) {
    calls++;
    const response = await client.chat.completions.create({ model, messages: conversation, tools, tool_choice: 'auto' }, { signal: options.signal });
    usage.push({
      model: response.model || model,
      inputTokens: response.usage?.prompt_tokens ?? 0,
      cachedInputTokens: response.usage?.prompt_tokens_details?.cached_tokens ?? 0,
      outputTokens: response.usage?.completion_tokens ?? 0,
      reasoningTokens: response.usage?.completion_tokens_details?.reasoning_tokens ?? 0,
    });
    const reply = response.choices[0]?.message;
    const toolCalls = (reply?.tool_calls ?? []).filter((call) => call.type === 'function');
    if (!reply || toolCalls.length === 0) break;
    conversation.push({ role: 'assistant', content: reply.content ?? null, tool_calls: toolCalls });
    for (const call of toolCalls) {
      const result = applyTool(draft, call.function.name, call.function.arguments, notes);
      conversation.push({ role: 'tool', tool_call_id: call.id, content: result });
    }
  }
  return { outcome: draft.outcome(), calls, finished: draft.finished, usage, notes };
}

/** Applies one tool call; every problem becomes the text the model reads back. */
function applyTool(draft: TaskDraft, name: string, rawArguments: string, notes: string[]): string {
  const refuse = (problem: string) => {
    notes.push(`${name}: ${problem}`);
    return `Error: ${problem}`;
  };
  if (!Object.hasOwn(argumentSchemas, name)) return refuse(`there is no tool "${name.slice(0, 60)}". The tools are: ${Object.keys(argumentSchemas).join(', ')}.`);
  let json: unknown;
  try {
    json = rawArguments.trim() ? JSON.parse(rawArguments) : {};
  } catch {
    return refuse('the arguments are not valid JSON.');
  }
  const parsed = argumentSchemas[name as ToolName].safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refuse(`invalid arguments: ${issue ? `${issue.path.join('.') || 'arguments'} ${issue.message}` : 'malformed'}.`);
  }
  try {
    const args = parsed.data as Record<string, never>;
    switch (name as ToolName) {
      case 'insert_task':
        return draft.insertTask(args.after_task_order, args.task_description);
      case 'update_task':
        return draft.updateTask(args.task_order, args.task_status, args.task_description);
      case 'append_messages_to_task':
        return draft.appendMessages(args.task_order, args.message_id_range);
      case 'append_task_progress':
        return draft.appendProgress(args.task_order, args.progress);
      case 'submit_user_preference':
        return draft.submitPreference(args.preference);
      case 'report_thinking':
        notes.push(`thinking: ${String(args.thinking).slice(0, 500)}`);
        return 'Noted.';
      case 'finish':
        draft.finished = true;
        return 'Done.';
    }
  } catch (error) {
    if (error instanceof RuleError) return refuse(error.message);
    throw error;
  }
}

/** The one user message of a pass: the tasks as they stand, recent progress, preferences, the new messages. */
export function renderPassInput(input: PassInput): string {
  const tasks = input.tasks.length
    ? input.tasks.map((task) => `Task ${task.order} (${task.status}): ${task.description}`).join('\n')
    : '(no tasks yet)';
  const progress = input.tasks
    .flatMap((task) => task.progresses.map((line) => `Task ${task.order}: ${line}`))
    .slice(-RECENT_PROGRESS);
  const toolNames = new Map<string, string>();
  const messages = input.messages.map((message, index) => {
    const lines: string[] = [];
    if (message.text && !message.toolCalls) lines.push(cut(message.text));
    for (const call of message.toolCalls ?? []) {
      toolNames.set(call.id, call.function.name);
      lines.push(`[calls tool ${call.function.name}] ${cut(call.function.arguments)}`);
    }
    if (message.role === 'tool') lines.splice(0, lines.length, `[result of ${toolNames.get(message.toolCallId ?? '') ?? 'a tool'}] ${cut(message.text)}`);
    const who = message.role === 'user' ? (message.sender ? `agent ${message.sender} (as the user)` : 'user') : message.role === 'tool' ? 'tool' : 'agent';
    return `<message id=${index} from=${who}>\n${lines.join('\n') || '(empty)'}\n</message>`;
  });
  return [
    '## Current tasks',
    tasks,
    '## Recent progress',
    progress.length ? progress.join('\n') : '(none)',
    '## Known user preferences',
    input.preferences.length ? input.preferences.map((p) => `- ${p}`).join('\n') : '(none)',
    `## New messages (ids 0 to ${input.messages.length - 1})`,
    messages.join('\n'),
  ].join('\n\n');
}

function cut(text: string): string {
  return text.length > PART_LIMIT ? `${text.slice(0, PART_LIMIT)}… (${text.length - PART_LIMIT} more characters)` : text;
}

function fn(name: string, description: string, properties: Record<string, unknown>, required = Object.keys(properties)): ChatCompletionTool {
  return { type: 'function', function: { name, description, parameters: { type: 'object', properties, required, additionalProperties: false } } };
}
