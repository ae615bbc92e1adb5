// Messages as the Acontext API takes and gives them. Every format is read into Acontext's own form
// (a role, user or assistant, and typed parts: text, image, tool-call, tool-result, …) and written
// out of it, as upstream's normalizers and converters do (acontext.md §5). A message read back in the
// format it was stored in is the stored JSON itself, so an OpenAI round trip is exact. From the parts
// come the columns the app's extractor and timeline read (role, text, tool_calls, tool_call_id).
import * as z from 'zod';
import type { AcontextFormat } from '../../store/acontext-repo';
import { ApiError } from './api-error';

export const FORMATS = ['openai', 'acontext', 'anthropic'] as const satisfies readonly AcontextFormat[];

export interface Part {
  type: string;
  text?: string | null;
  meta?: Record<string, unknown> | null;
}

export interface Normalized {
  role: 'user' | 'assistant';
  parts: Part[];
  meta: Record<string, unknown>;
}

/** What the messages table keeps of a message, in OpenAI chat terms. */
export interface MessageColumns {
  role: 'user' | 'assistant' | 'tool';
  text: string;
  toolCalls: { id: string; type: 'function'; function: { name: string; arguments: string } }[] | undefined;
  toolCallId: string | undefined;
  /** The app's sender is another agent's key; an OpenAI `name` is not that (it stays in the stored JSON). */
  sender: null;
}

const SYSTEM_REFUSED =
  'System and developer messages are not stored: Acontext keeps the system prompt out of the conversation (use the session\'s configs for it, PUT /session/{id}/configs) and takes only user, assistant and tool messages.';
const NO_CONTENT = 'The message has no content: give it text, parts or tool calls.';

type Json = Record<string, unknown>;
const record = z.record(z.string(), z.unknown());

const openaiText = z.looseObject({ type: z.literal('text'), text: z.string() });
const openaiUserPart = z.discriminatedUnion('type', [
  openaiText,
  z.looseObject({ type: z.literal('image_url'), image_url: z.looseObject({ url: z.string(), detail: z.string().optional() }) }),
  z.looseObject({ type: z.literal('input_audio'), input_audio: z.looseObject({ data: z.string(), format: z.string() }) }),
  z.looseObject({ type: z.literal('file'), file: record }),
]);
const openaiToolCall = z.looseObject({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
});
const openaiMessage = z.discriminatedUnion('role', [
  z.looseObject({ role: z.literal('user'), content: z.union([z.string(), z.array(openaiUserPart)]), name: z.string().optional() }),
  z.looseObject({
    role: z.literal('assistant'),
    content: z.union([z.string(), z.array(z.discriminatedUnion('type', [openaiText, z.looseObject({ type: z.literal('refusal'), refusal: z.string() })]))]).nullish(),
    tool_calls: z.array(openaiToolCall).nullish(),
    name: z.string().optional(),
  }),
  z.looseObject({ role: z.literal('tool'), tool_call_id: z.string().min(1), content: z.union([z.string(), z.array(openaiText)]) }),
]);

const acontextMessage = z.object({
  role: z.enum(['user', 'assistant']),
  parts: z.array(
    z.object({
      type: z.enum(['text', 'image', 'audio', 'video', 'file', 'tool-call', 'tool-result', 'data', 'thinking']),
      text: z.string().nullish(),
      meta: record.nullish(),
      file_field: z.string().nullish(),
    }),
  ),
  meta: record.nullish(),
});

const anthropicText = z.looseObject({ type: z.literal('text'), text: z.string() });
const anthropicImage = z.looseObject({ type: z.literal('image'), source: record });
const anthropicMessage = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([
    z.string(),
    z.array(
      z.discriminatedUnion('type', [
        anthropicText,
        anthropicImage,
        z.looseObject({ type: z.literal('document'), source: record }),
        z.looseObject({ type: z.literal('tool_use'), id: z.string().min(1), name: z.string().min(1), input: z.unknown() }),
        z.looseObject({
          type: z.literal('tool_result'),
          tool_use_id: z.string().min(1),
          content: z.union([z.string(), z.array(z.discriminatedUnion('type', [anthropicText, anthropicImage]))]).optional(),
          is_error: z.boolean().optional(),
        }),
        z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().optional() }),
        z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() }),
      ]),
    ),
  ]),
});

/** Reads a message in `format`; every problem is a 400 that says what to fix. Nothing is stored yet. */
export function normalize(format: AcontextFormat, blob: unknown): Normalized {
  if (typeof blob !== 'object' || blob === null || Array.isArray(blob)) throw new ApiError(400, 'blob must be one message, a JSON object.');
  const role = (blob as { role?: unknown }).role;
  if (role === 'system' || role === 'developer') throw new ApiError(400, SYSTEM_REFUSED);
  let normalized: Normalized;
  if (format === 'openai') {
    if (role === 'tool' && typeof (blob as { tool_call_id?: unknown }).tool_call_id !== 'string') {
      throw new ApiError(400, 'A tool message needs tool_call_id: the id of the assistant tool call it answers.');
    }
    if (role === 'function') throw new ApiError(400, 'The legacy function role is not taken: send the result as a tool message with its tool_call_id.');
    normalized = fromOpenAI(parse(openaiMessage, blob, 'an OpenAI message (role user, assistant or tool)'));
  } else if (format === 'acontext') {
    normalized = fromAcontext(parse(acontextMessage, blob, 'an Acontext message {role, parts, meta}'));
  } else {
    normalized = fromAnthropic(parse(anthropicMessage, blob, 'an Anthropic message (role user or assistant)'));
  }
  if (normalized.parts.length === 0) throw new ApiError(400, NO_CONTENT);
  return normalized;
}

function parse<T>(schema: z.ZodType<T>, blob: unknown, what: string): T {
  const result = schema.safeParse(blob);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? `blob.${issue.path.join('.')}` : 'blob';
  throw new ApiError(400, `blob is not ${what}: ${where}: ${issue?.message ?? 'malformed'}.`);
}

function fromOpenAI(message: z.infer<typeof openaiMessage>): Normalized {
  const meta: Record<string, unknown> = { source_format: 'openai', ...('name' in message && message.name ? { name: message.name } : {}) };
  if (message.role === 'tool') {
    const text = typeof message.content === 'string' ? message.content : message.content.map((part) => part.text).join('\n');
    return { role: 'user', parts: [{ type: 'tool-result', text, meta: { tool_call_id: message.tool_call_id } }], meta };
  }
  const parts: Part[] = [];
  if (typeof message.content === 'string') {
    if (message.content) parts.push({ type: 'text', text: message.content });
  } else {
    for (const part of message.content ?? []) {
      if (part.type === 'text') {
        if (part.text) parts.push({ type: 'text', text: part.text });
      } else if (part.type === 'refusal') parts.push({ type: 'text', text: part.refusal, meta: { is_refusal: true } });
      else if (part.type === 'image_url') parts.push({ type: 'image', meta: { ...part.image_url } });
      else if (part.type === 'input_audio') parts.push({ type: 'audio', meta: { ...part.input_audio } });
      else parts.push({ type: 'file', meta: { ...part.file } });
    }
  }
  if (message.role === 'assistant') {
    for (const call of message.tool_calls ?? []) {
      parts.push({ type: 'tool-call', meta: { id: call.id, name: call.function.name, arguments: call.function.arguments, type: 'function' } });
    }
  }
  return { role: message.role, parts, meta };
}

function fromAcontext(message: z.infer<typeof acontextMessage>): Normalized {
  const parts = message.parts.map((part, index): Part => {
    const meta = part.meta ?? {};
    const at = `blob.parts.${index}`;
    if (part.file_field) throw new ApiError(415, `${at} refers to an uploaded file: dspatch's local API takes JSON only, not file uploads.`);
    if (part.type === 'text' && !part.text) throw new ApiError(400, `${at} is a text part without text.`);
    if (part.type === 'tool-call') {
      if (typeof meta.name !== 'string' || !meta.name) throw new ApiError(400, `${at} is a tool-call part without meta.name.`);
      if (meta.arguments === undefined) throw new ApiError(400, `${at} is a tool-call part without meta.arguments.`);
      // Arguments are a JSON string on the way out (OpenAI's form), whatever they came as.
      return { type: part.type, text: part.text ?? null, meta: { ...meta, arguments: typeof meta.arguments === 'string' ? meta.arguments : JSON.stringify(meta.arguments) } };
    }
    if (part.type === 'tool-result' && (typeof meta.tool_call_id !== 'string' || !meta.tool_call_id)) {
      throw new ApiError(400, `${at} is a tool-result part without meta.tool_call_id.`);
    }
    if (part.type === 'data' && typeof meta.data_type !== 'string') throw new ApiError(400, `${at} is a data part without meta.data_type.`);
    return { type: part.type, text: part.text ?? null, meta: part.meta ?? null };
  });
  return { role: message.role, parts, meta: { ...(message.meta ?? {}), source_format: 'acontext' } };
}

function fromAnthropic(message: z.infer<typeof anthropicMessage>): Normalized {
  const meta = { source_format: 'anthropic' };
  if (typeof message.content === 'string') return { role: message.role, parts: message.content ? [{ type: 'text', text: message.content }] : [], meta };
  const parts = message.content.flatMap((block): Part[] => {
    switch (block.type) {
      case 'text':
        return block.text ? [{ type: 'text', text: block.text }] : [];
      case 'image':
        return [{ type: 'image', meta: { source: block.source } }];
      case 'document':
        return [{ type: 'file', meta: { source: block.source } }];
      case 'tool_use':
        return [{ type: 'tool-call', meta: { id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}), type: 'tool_use' } }];
      case 'tool_result': {
        const text = typeof block.content === 'string' ? block.content : (block.content ?? []).flatMap((item) => (item.type === 'text' ? [item.text] : [])).join('\n');
        return [{ type: 'tool-result', text, meta: { tool_call_id: block.tool_use_id, ...(block.is_error ? { is_error: true } : {}) } }];
      }
      case 'thinking':
        return [{ type: 'thinking', text: block.thinking, meta: block.signature ? { signature: block.signature } : null }];
      case 'redacted_thinking':
        return [{ type: 'redacted_thinking', meta: { data: block.data } }];
    }
  });
  return { role: message.role, parts, meta };
}

/** The columns of the messages table: one tool message for tool results, else the role's text and tool calls. */
export function columnsOf(message: Normalized): MessageColumns {
  const sender = null;
  const text = (types: string[]) =>
    message.parts
      .filter((part) => types.includes(part.type))
      .map((part) => part.text ?? '')
      .join('\n');
  const results = message.parts.filter((part) => part.type === 'tool-result');
  if (message.role === 'user' && results.length === message.parts.length) {
    return { role: 'tool', text: text(['tool-result']), toolCalls: undefined, toolCallId: String(results[0].meta?.tool_call_id), sender };
  }
  const calls = toolCalls(message);
  return { role: message.role, text: text(['text']), toolCalls: calls.length ? calls : undefined, toolCallId: undefined, sender };
}

function toolCalls(message: Normalized): NonNullable<MessageColumns['toolCalls']> {
  return message.parts
    .filter((part) => part.type === 'tool-call')
    .map((part) => ({ id: String(part.meta?.id ?? ''), type: 'function' as const, function: { name: String(part.meta?.name), arguments: String(part.meta?.arguments) } }));
}

/**
 * A stored message in `format`: the stored JSON when it is the format it came in, else converted.
 * OpenAI takes one tool message per result, so a message may become several items.
 */
export function render(format: 'openai' | 'anthropic', stored: { format: AcontextFormat; raw: unknown; message: Normalized }): unknown[] {
  if (stored.format === format) return [stored.raw];
  return format === 'openai' ? toOpenAI(stored.message) : [toAnthropic(stored.message)];
}

function toOpenAI(message: Normalized): unknown[] {
  const name = typeof message.meta.name === 'string' ? { name: message.meta.name } : {};
  const texts = message.parts.filter((part) => part.type === 'text' || part.type === 'thinking').map((part) => part.text ?? '');
  if (message.role === 'assistant') {
    const calls = toolCalls(message);
    return [{ role: 'assistant', content: texts.length ? texts.join('\n') : null, ...(calls.length ? { tool_calls: calls } : {}), ...name }];
  }
  const items: unknown[] = message.parts
    .filter((part) => part.type === 'tool-result')
    .map((part) => ({ role: 'tool', tool_call_id: String(part.meta?.tool_call_id), content: part.text ?? '' }));
  const rest = message.parts.filter((part) => part.type !== 'tool-result');
  if (rest.length === 0) return items;
  if (rest.length === 1 && rest[0].type === 'text') return [...items, { role: 'user', content: rest[0].text ?? '', ...name }];
  const content = rest.flatMap((part): Json[] => {
    const meta = part.meta ?? {};
    if (part.type === 'image' && typeof meta.url === 'string') return [{ type: 'image_url', image_url: { url: meta.url, ...(meta.detail ? { detail: meta.detail } : {}) } }];
    if (part.type === 'audio' && typeof meta.data === 'string') return [{ type: 'input_audio', input_audio: { data: meta.data, format: meta.format } }];
    if (part.type === 'file' && !meta.source) return [{ type: 'file', file: meta }];
    return part.text ? [{ type: 'text', text: part.text }] : [];
  });
  return [...items, { role: 'user', content, ...name }];
}

function toAnthropic(message: Normalized): unknown {
  const content = message.parts.flatMap((part): Json[] => {
    const meta = part.meta ?? {};
    switch (part.type) {
      case 'tool-call':
        return [{ type: 'tool_use', id: String(meta.id ?? ''), name: String(meta.name), input: parseObject(String(meta.arguments)) }];
      case 'tool-result':
        return [{ type: 'tool_result', tool_use_id: String(meta.tool_call_id), content: part.text ?? '', ...(meta.is_error === true ? { is_error: true } : {}) }];
      case 'thinking':
        return [{ type: 'thinking', thinking: part.text ?? '', signature: typeof meta.signature === 'string' ? meta.signature : '' }];
      case 'redacted_thinking':
        return [{ type: 'redacted_thinking', data: String(meta.data) }];
      case 'image':
        if (meta.source) return [{ type: 'image', source: meta.source }];
        return typeof meta.url === 'string' ? [{ type: 'image', source: { type: 'url', url: meta.url } }] : [];
      default:
        return part.text ? [{ type: 'text', text: part.text }] : [];
    }
  });
  return { role: message.role, content };
}

/** Tool-call arguments as Anthropic's input object; arguments that are no JSON object are kept as a string. */
function parseObject(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : { arguments: text };
  } catch {
    return { arguments: text };
  }
}
