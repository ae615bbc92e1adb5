// Bridges one Agents SDK run's stream events to the d:spatch timeline:
// - text deltas → `ctx.message(delta, {id, isDelta})`, one id per text segment; a tool call or a
//   reasoning block ends the segment, so the text after it is a new message;
// - tool calls and their results → `tool_call` / `tool_result` activities sharing the call id;
// - reasoning summaries as they stream (Responses `reasoning_summary_text.delta`, Chat
//   `delta.reasoning`) → a `thinking` activity whose `data.text` grows by deltas; a reasoning item that
//   did not stream is sent whole;
// - usage of every model call (`response_done`) → `ctx.usage`.
import type { RunItem, RunStreamEvent } from '@openai/agents';
import type { Context } from './context';
import { DEFAULT_TOOL_ERROR, takeToolFailure } from './tool-failures';

type TokenDetails = Record<string, number> | Record<string, number>[] | undefined;

interface ThinkingBlock {
  activityId: string;
  /** The summary part being streamed, to separate parts with a blank line. */
  part: number;
}

export class StreamBridge {
  readonly #ctx: Context;
  readonly #configuredModel: string;
  #segmentId: string | null = null;
  /** Text of the current model call, as pieces (a string grown per token is a chain of one node a token). */
  #callText: string[] = [];
  /** Text of the model calls before it. */
  #earlierText = '';
  #callFinished = true;
  #textInCall = false;
  #reasoningInCall = false;
  #callModel: string | null = null;
  /** Thinking activities of the current model call, by reasoning item (Chat has one per call). */
  #thinking = new Map<string, ThinkingBlock>();
  #emitted = false;

  constructor(ctx: Context, configuredModel: string) {
    this.#ctx = ctx;
    this.#configuredModel = configuredModel;
  }

  /** All assistant text this run streamed. */
  get text(): string {
    return this.#earlierText + this.#callText.join('');
  }
  /** Text of a model call that never finished (stopped or cut), which no run item records. */
  get partialText(): string {
    return this.#callFinished ? '' : this.#callText.join('');
  }
  /** True once anything reached the timeline: a retry would then duplicate it. */
  get emittedOutput(): boolean {
    return this.#emitted;
  }

  handle(event: RunStreamEvent): void {
    if (event.type === 'raw_model_stream_event') this.#raw(event.data);
    else if (event.type === 'run_item_stream_event') this.#item(event.item);
  }

  #emit(): void {
    this.#emitted = true;
  }

  #raw(data: Extract<RunStreamEvent, { type: 'raw_model_stream_event' }>['data']): void {
    switch (data.type) {
      case 'response_started':
        this.#settleCallText();
        this.#callFinished = false;
        this.#textInCall = false;
        this.#reasoningInCall = false;
        this.#thinking.clear();
        this.#callModel = modelName(data.providerData) ?? null;
        return;
      case 'output_text_delta':
        this.#text(data.delta);
        return;
      case 'model':
        this.#modelEvent(data.event);
        return;
      case 'response_done': {
        this.#settleCallText();
        this.#callFinished = true;
        this.#emit();
        const usage = data.response.usage;
        this.#ctx.usage({
          model: modelName(data.response.providerData) ?? this.#callModel ?? this.#configuredModel,
          requests: 1,
          inputTokens: count(usage.inputTokens),
          cachedInputTokens: detail(usage.inputTokensDetails, 'cached_tokens'),
          outputTokens: count(usage.outputTokens),
          reasoningTokens: detail(usage.outputTokensDetails, 'reasoning_tokens'),
        });
        return;
      }
    }
  }

  #text(delta: string): void {
    if (!delta) return;
    this.#segmentId ??= this.#ctx.newMessageId();
    this.#emit();
    this.#ctx.message(delta, { id: this.#segmentId, isDelta: true });
    this.#callText.push(delta);
    this.#textInCall = true;
  }

  #settleCallText(): void {
    if (this.#callText.length === 0) return;
    this.#earlierText += this.#callText.join('');
    this.#callText = [];
  }

  /** Provider events the SDK does not normalise: reasoning summaries stream only here. */
  #modelEvent(event: unknown): void {
    if (!isRecord(event)) return;
    if (event.type === 'response.reasoning_summary_text.delta' && typeof event.delta === 'string') {
      const itemId = typeof event.item_id === 'string' ? event.item_id : 'reasoning';
      const part = typeof event.summary_index === 'number' ? event.summary_index : 0;
      this.#thinkingDelta(itemId, part, event.delta);
      return;
    }
    const choices = event.choices;
    if (Array.isArray(choices) && isRecord(choices[0]) && isRecord(choices[0].delta)) {
      const reasoning = choices[0].delta.reasoning;
      if (typeof reasoning === 'string') this.#thinkingDelta('chat', 0, reasoning);
    }
  }

  #thinkingDelta(key: string, part: number, delta: string): void {
    if (!delta) return;
    this.#reasoningInCall = true;
    this.#emit();
    const block = this.#thinking.get(key);
    if (!block) {
      // Reasoning starts a new block of the timeline: later text is a new message.
      this.#segmentId = null;
      const activityId = this.#ctx.activity('thinking', { text: delta });
      this.#thinking.set(key, { activityId, part });
      return;
    }
    const text = part !== block.part ? `\n\n${delta}` : delta;
    block.part = part;
    this.#ctx.activity('thinking', { text }, { id: block.activityId, isDelta: true });
  }

  #item(item: RunItem): void {
    if (item.type === 'tool_call_item' || item.type === 'tool_call_output_item') this.#emit();
    switch (item.type) {
      case 'tool_call_item': {
        const raw = item.rawItem as {
          type: string;
          callId?: string;
          id?: string;
          name?: string;
          arguments?: unknown;
        };
        this.#segmentId = null;
        this.#ctx.activity('tool_call', {
          callId: raw.callId ?? raw.id ?? '',
          tool: raw.name ?? raw.type,
          arguments: typeof raw.arguments === 'string' ? raw.arguments : JSON.stringify(raw.arguments ?? {}),
        });
        return;
      }
      case 'tool_call_output_item': {
        const raw = item.rawItem as { type: string; callId?: string; id?: string; name?: string };
        const callId = raw.callId ?? raw.id ?? '';
        const output = typeof item.output === 'string' ? item.output : JSON.stringify(item.output);
        this.#ctx.activity('tool_result', {
          callId,
          tool: raw.name ?? raw.type,
          output,
          ...(takeToolFailure(callId) || isErrorOutput(output) ? { isError: true } : {}),
        });
        return;
      }
      case 'reasoning_item': {
        if (this.#reasoningInCall) return; // already streamed as deltas
        const raw = item.rawItem;
        const parts = [...raw.content, ...(raw.rawContent ?? [])].map((part) => part.text).filter(Boolean);
        if (parts.length === 0) return;
        this.#segmentId = null;
        this.#ctx.activity('thinking', { text: parts.join('\n\n') });
        return;
      }
      case 'message_output_item': {
        if (this.#textInCall) return; // already streamed as deltas
        const text = item.rawItem.content
          .map((part) =>
            part.type === 'output_text' ? part.text : part.type === 'refusal' ? part.refusal : '',
          )
          .join('');
        this.#text(text);
        return;
      }
      default:
        return;
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

/** Token details are one record per request, or an array of them when the SDK merged several. */
function detail(details: TokenDetails, key: string): number {
  if (!details) return 0;
  const records = Array.isArray(details) ? details : [details];
  return records.reduce((sum, record) => sum + count(record[key]), 0);
}

/** The model the provider says it used: Responses nests it in `response`, Chat chunks carry it directly. */
function modelName(providerData: Record<string, unknown> | undefined): string | undefined {
  if (!providerData) return undefined;
  if (typeof providerData.model === 'string' && providerData.model) return providerData.model;
  const response = providerData.response;
  if (isRecord(response) && typeof response.model === 'string' && response.model) return response.model;
  return undefined;
}

/**
 * A result that says it failed: the Agents SDK's text for a thrown tool, or a JSON object with an
 * `error` message or `isError: true` (the shape MCP tools and many APIs use).
 */
function isErrorOutput(output: string): boolean {
  if (output === DEFAULT_TOOL_ERROR) return true;
  if (!output.startsWith('{')) return false;
  try {
    const value = JSON.parse(output) as { error?: unknown; isError?: unknown };
    return value.isError === true || (typeof value.error === 'string' && value.error !== '');
  } catch {
    return false;
  }
}
