// A conversation exported as a file: readable Markdown, or JSON (OpenAI-format messages, the
// activities and the usage with its cost). Rendering is pure; SessionExports reads the store, redacts
// and hands the file out in pages, so each response fits one WebSocket frame however long the
// conversation is (MAX_FRAME_BYTES in serve/host-socket.ts).
import { randomUUID } from 'node:crypto';
import { rm, writeFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ChatMessage } from '../../agents/protocol';
import type {
  SessionExportPage,
  SessionSummary,
  TimelineActivity,
  TimelineEntry,
  UsageRecord,
} from '../api/types';
import { sumCosts } from '../store/cost';
import type { Store } from '../store/store';
import { HostError } from './errors';
import type { Redactor } from './redactor';

export type ExportFormat = 'md' | 'json';

export interface ExportInput {
  session: SessionSummary;
  /** The timeline, oldest first: user and assistant text, and every activity. */
  entries: TimelineEntry[];
  /** The same conversation in OpenAI chat format (what `sessions show --json` prints). */
  messages: ChatMessage[];
  usage: UsageRecord[];
  exportedAt: number;
}

export interface ExportFile {
  filename: string;
  mimeType: string;
  content: string;
}

/**
 * UTF-16 units per page. JSON escapes a character in at most 6 bytes (\u0001), so a page's frame
 * stays under 12 MB, below the 16 MiB cap with room for the envelope.
 */
export const EXPORT_PAGE_CHARS = 2_000_000;
/** A paged export is kept this long after its last page was asked for. */
const EXPORT_TTL_MS = 5 * 60_000;
/** At most this many paged exports are held at once; the oldest goes first. */
const MAX_HELD_EXPORTS = 4;
/** Far more model calls than one conversation makes; the query needs a bound. */
const MAX_USAGE_ROWS = 1_000_000;

const MIME_TYPES: Record<ExportFormat, string> = {
  md: 'text/markdown; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

// ── rendering ────────────────────────────────────────────────────────────────────────────────

export function renderExport(input: ExportInput, format: ExportFormat): string {
  return format === 'md' ? renderMarkdown(input) : renderJson(input);
}

export function exportFilename(session: SessionSummary, format: ExportFormat): string {
  const slug = session.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${slug || 'conversation'}-${session.id.slice(0, 8)}.${format}`;
}

/** A fence longer than any run of backticks in `content`, so nothing inside can close it. */
export function fenced(content: string, language = ''): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${content}${content.endsWith('\n') ? '' : '\n'}${fence}`;
}

/** Every line of `text` behind `> `: reasoning reads as an aside, folded away from the reply. */
/**
 * A message is Markdown of its own; one that opens a code fence and never closes it (a reply cut off
 * mid-block) would swallow the rest of the export, so its fence is closed.
 */
export function closeOpenFence(text: string): string {
  let open: string | null = null;
  for (const line of text.split('\n')) {
    const fence = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (!fence) continue;
    if (open === null) open = fence;
    else if (fence[0] === open[0] && fence.length >= open.length && line.trim() === fence) open = null;
  }
  return open === null ? text : `${text}\n${open}`;
}

function quoted(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `> ${line}` : '>'))
    .join('\n');
}

function iso(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC');
}

function str(data: Record<string, unknown>, name: string): string | null {
  const value = data[name];
  return typeof value === 'string' ? value : null;
}

/** Tool arguments as pretty JSON when they are JSON, else as given. */
function toolArguments(data: Record<string, unknown>): { text: string; language: string } {
  const raw = data.arguments;
  if (typeof raw !== 'string') return { text: JSON.stringify(raw ?? {}, null, 2), language: 'json' };
  try {
    return { text: JSON.stringify(JSON.parse(raw), null, 2), language: 'json' };
  } catch {
    return { text: raw, language: '' };
  }
}

function toolOutput(data: Record<string, unknown>): string {
  const error = str(data, 'error');
  if (error !== null) return error;
  const output = data.output;
  return typeof output === 'string' ? output : JSON.stringify(output ?? null, null, 2);
}

function usd(cost: number | null): string {
  return cost === null ? 'unknown' : `$${cost.toFixed(4)}`;
}

const ENDED_EARLY: Record<string, string> = { interrupted: 'interrupted', cut: 'cut off', failed: 'failed' };

export function renderMarkdown({ session, entries, usage, exportedAt }: ExportInput): string {
  const out: string[] = [
    `# ${session.title.replace(/\s+/g, ' ').trim() || 'Conversation'}`,
    '',
    `- Agent: ${session.agentKey}`,
    `- Conversation: ${session.id}`,
    `- Started: ${iso(session.createdAt)}`,
    `- Exported: ${iso(exportedAt)}`,
  ];
  const resultsByCall = new Map<string, TimelineActivity>();
  const answersByInquiry = new Map<string, TimelineActivity>();
  for (const entry of entries) {
    if (entry.kind !== 'activity') continue;
    const callId = str(entry.data, 'callId');
    const inquiryId = str(entry.data, 'inquiryId');
    if (entry.activityKind === 'tool_result' && callId) resultsByCall.set(callId, entry);
    if (entry.activityKind === 'inquiry.response' && inquiryId) answersByInquiry.set(inquiryId, entry);
  }
  const shown = new Set<string>();
  const block = (...lines: string[]) => out.push('', ...lines);
  let turn: string | null = null;
  let turnNumber = 0;

  for (const entry of entries) {
    if (shown.has(entry.id)) continue;
    if (entry.turnId && entry.turnId !== turn) {
      turn = entry.turnId;
      block(`## Turn ${++turnNumber} · ${iso(entry.createdAt)}`);
    }
    if (entry.kind === 'message') {
      const who =
        entry.role === 'user' ? (entry.sender ? `From agent ${entry.sender}` : 'You') : session.agentKey;
      const early = ENDED_EARLY[entry.status];
      block(`**${who}:**${early ? ` _(${early})_` : ''}`);
      if (entry.text) block(closeOpenFence(entry.text.trimEnd()));
      continue;
    }
    const data = entry.data;
    switch (entry.activityKind) {
      case 'thinking':
        block(quoted(`**Reasoning**\n\n${(str(data, 'text') ?? '').trim()}`));
        break;
      case 'tool_call': {
        const callId = str(data, 'callId');
        const args = toolArguments(data);
        block(
          `**Tool call \`${str(data, 'tool') ?? 'tool'}\`**${callId ? ` (${callId})` : ''}`,
          '',
          fenced(args.text, args.language),
        );
        const result = callId ? resultsByCall.get(callId) : undefined;
        if (result) {
          shown.add(result.id);
          block(resultHeading(result), '', fenced(toolOutput(result.data)));
        } else {
          block('_No result._');
        }
        break;
      }
      case 'tool_result':
        block(resultHeading(entry), '', fenced(toolOutput(data)));
        break;
      case 'inquiry.request': {
        const suggestions = Array.isArray(data.suggestions)
          ? data.suggestions.filter((item) => typeof item === 'string')
          : [];
        block('**Question to you:**', '', quoted(str(data, 'markdown') ?? ''));
        if (suggestions.length) block(...suggestions.map((suggestion) => `- ${suggestion}`));
        const inquiryId = str(data, 'inquiryId');
        const answer = inquiryId ? answersByInquiry.get(inquiryId) : undefined;
        if (answer) {
          shown.add(answer.id);
          block(`**Your answer:** ${str(answer.data, 'text') ?? ''}`);
        }
        break;
      }
      case 'inquiry.response':
        block(`**Your answer:** ${str(data, 'text') ?? ''}`);
        break;
      case 'talk_to.request':
        block(`**To agent ${str(data, 'peer') ?? '?'}:**`, '', fenced(str(data, 'text') ?? ''));
        break;
      case 'talk_to.response': {
        const error = str(data, 'error');
        block(
          `**Agent ${str(data, 'peer') ?? '?'} ${error ? 'could not answer' : 'answered'}:**`,
          '',
          fenced(error ?? str(data, 'response') ?? ''),
        );
        break;
      }
      case 'error':
        block(`**Error:**`, '', fenced(str(data, 'message') ?? JSON.stringify(data)));
        break;
    }
  }
  if (turnNumber === 0) block('_No messages yet._');

  block('## Usage and cost');
  if (usage.length === 0) {
    block('No model calls were recorded for this conversation.');
  } else {
    block(...usageTable(usage));
    const unpriced = [...new Set(usage.filter((row) => row.costUsd === null).map((row) => row.model))];
    if (unpriced.length)
      block(
        `Cost unknown: no price for ${unpriced.join(', ')}. Add one in Settings → Prices or with \`dspatch prices set\`.`,
      );
  }
  return `${out.join('\n')}\n`;
}

function resultHeading(result: TimelineActivity): string {
  const failed = result.data.isError === true || str(result.data, 'error') !== null;
  return failed ? '**Result (error):**' : '**Result:**';
}

interface UsageTotals {
  model: string;
  requests: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costUsd: number | null;
}

/** Per model (agent and task-extraction calls together), and the total; a cost is unknown when any of its calls is. */
export function usageByModel(usage: readonly UsageRecord[]): { byModel: UsageTotals[]; total: UsageTotals } {
  const byModel = new Map<string, UsageTotals & { costs: (number | null)[] }>();
  const blank = (model: string) => ({
    model,
    requests: 0,
    inputTokens: 0,
    cachedInputTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    costUsd: null,
    costs: [],
  });
  const total = blank('Total');
  for (const row of usage) {
    const entry = byModel.get(row.model) ?? blank(row.model);
    for (const target of [entry, total]) {
      for (const key of [
        'requests',
        'inputTokens',
        'cachedInputTokens',
        'outputTokens',
        'reasoningTokens',
      ] as const)
        target[key] += row[key];
      target.costs.push(row.costUsd);
    }
    byModel.set(row.model, entry);
  }
  const finish = ({ costs, ...row }: UsageTotals & { costs: (number | null)[] }): UsageTotals => ({
    ...row,
    costUsd: sumCosts(costs),
  });
  return { byModel: [...byModel.values()].map(finish), total: finish(total) };
}

function usageTable(usage: readonly UsageRecord[]): string[] {
  const { byModel, total } = usageByModel(usage);
  // A model name is text from outside: a pipe would split its cell.
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const row = (r: UsageTotals, bold = false) => {
    const cells = [
      cell(r.model),
      r.requests,
      r.inputTokens,
      r.cachedInputTokens,
      r.outputTokens,
      r.reasoningTokens,
      usd(r.costUsd),
    ];
    return `| ${cells.map((c) => (bold ? `**${c}**` : String(c))).join(' | ')} |`;
  };
  return [
    '| Model | Calls | Input tokens | Cached input | Output tokens | Reasoning | Cost |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...byModel.map((r) => row(r)),
    row(total, true),
  ];
}

export function renderJson({ session, entries, messages, usage, exportedAt }: ExportInput): string {
  const activities = entries
    .filter((entry): entry is TimelineActivity => entry.kind === 'activity')
    .map(({ id, turnId, activityKind, data, createdAt }) => ({
      id,
      turnId,
      kind: activityKind,
      data,
      createdAt: new Date(createdAt).toISOString(),
    }));
  const { byModel, total } = usageByModel(usage);
  const document = {
    format: 'dspatch.conversation',
    version: 1,
    exportedAt: new Date(exportedAt).toISOString(),
    session,
    messages,
    activities,
    usage: { calls: usage, byModel, total },
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

// ── reading, redacting, paging ──────────────────────────────────────────────────────────────────

interface HeldExport extends ExportFile {
  sessionId: string;
  format: ExportFormat;
  timer: NodeJS.Timeout;
}

export interface ExportPageRequest {
  sessionId: string;
  format: ExportFormat;
  exportId?: string;
  offset?: number;
}

export class SessionExports {
  readonly #held = new Map<string, HeldExport>();

  constructor(
    private readonly store: Store,
    private readonly redactor: Redactor,
    /** Writes what the write path still holds, so the export has the newest text. */
    private readonly flush: () => void,
  ) {}

  /** The whole file, redacted. */
  render(sessionId: string, format: ExportFormat): ExportFile {
    this.flush();
    const found = this.store.sessions.getSession(sessionId);
    if (!found)
      throw new HostError(
        'not_found',
        `No conversation with id ${sessionId}. List them with: dspatch sessions list`,
      );
    // Stored text was redacted when it was written; a secret added since then (or a row written some
    // other way) is blanked here, before rendering, so no escaping can hide it from the redactor.
    const input = this.redactor.redactDeep<ExportInput>({
      session: found,
      entries: this.#entries(sessionId),
      messages: this.store.sessions.chatMessages(sessionId),
      // Every call of the conversation, the task extractor's too, oldest first.
      usage: this.store.usage
        .calls({ since: 0, until: Number.MAX_SAFE_INTEGER }, { sessionId }, MAX_USAGE_ROWS)
        .reverse(),
      exportedAt: Date.now(),
    });
    return {
      filename: exportFilename(input.session, format),
      mimeType: MIME_TYPES[format],
      content: this.redactor.redact(renderExport(input, format)),
    };
  }

  /** One page of the file: the first renders it (and holds it when it needs more pages), the rest continue by `exportId`. */
  page(request: ExportPageRequest): SessionExportPage {
    const offset = request.offset ?? 0;
    let file: ExportFile;
    let exportId = request.exportId ?? null;
    if (exportId === null) {
      if (offset !== 0)
        throw new HostError(
          'bad_request',
          'An export starts at offset 0; later pages need the exportId of the first one.',
        );
      file = this.render(request.sessionId, request.format);
      if (file.content.length > EXPORT_PAGE_CHARS) exportId = this.#hold(request, file);
    } else {
      const held = this.#held.get(exportId);
      if (!held)
        throw new HostError(
          'not_found',
          'This export is no longer held (it expired or was finished); export the conversation again.',
        );
      if (held.sessionId !== request.sessionId || held.format !== request.format) {
        throw new HostError('bad_request', 'This exportId belongs to another conversation or format.');
      }
      held.timer.refresh();
      file = held;
    }
    const total = file.content.length;
    if (offset > total)
      throw new HostError(
        'bad_request',
        `The offset ${offset} is past the end of the export (${total} characters).`,
      );
    let end = Math.min(offset + EXPORT_PAGE_CHARS, total);
    // Never split a surrogate pair between two pages.
    if (end < total && /[\uD800-\uDBFF]/.test(file.content[end - 1])) end--;
    const last = end >= total;
    if (last && exportId !== null) this.#drop(exportId);
    return {
      filename: file.filename,
      mimeType: file.mimeType,
      content: file.content.slice(offset, end),
      exportId,
      offset,
      totalChars: total,
      nextOffset: last ? null : end,
    };
  }

  close(): void {
    for (const id of [...this.#held.keys()]) this.#drop(id);
  }

  #hold(request: ExportPageRequest, file: ExportFile): string {
    while (this.#held.size >= MAX_HELD_EXPORTS) this.#drop(this.#held.keys().next().value!);
    const exportId = randomUUID();
    const timer = setTimeout(() => this.#held.delete(exportId), EXPORT_TTL_MS);
    timer.unref();
    this.#held.set(exportId, { ...file, sessionId: request.sessionId, format: request.format, timer });
    return exportId;
  }

  #drop(exportId: string): void {
    const held = this.#held.get(exportId);
    if (held) clearTimeout(held.timer);
    this.#held.delete(exportId);
  }

  /** Every entry, oldest first, read a page at a time from the newest back. */
  #entries(sessionId: string): TimelineEntry[] {
    const pages: TimelineEntry[][] = [];
    let before: number | undefined;
    for (;;) {
      const { entries, hasMore } = this.store.sessions.timeline(sessionId, 5000, before);
      pages.unshift(entries);
      if (!hasMore || entries.length === 0) break;
      before = this.store.sessions.positionOf(entries[0].id);
      // Deleted between the two reads: what was read is what there is.
      if (before === undefined) break;
    }
    return pages.flat();
  }
}

const WRITE_ERRORS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  EROFS: 'the disk is read-only',
  ENOSPC: 'the disk is full',
};

/**
 * Writes an export to `path` whole or not at all: into a temporary file beside it, then renamed over
 * it. A path that cannot be written says so, and leaves nothing behind.
 */
export async function writeExportFile(path: string, content: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomUUID()}.part`);
  try {
    await writeFile(temporary, content, { flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    // Where the temporary file could not even be made (no such folder), there is nothing to remove.
    await rm(temporary, { force: true }).catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    const why = WRITE_ERRORS[code ?? ''] ?? `the system said ${code ?? (error as Error).message}`;
    throw new HostError(
      'bad_request',
      `Could not write the export to ${path}: ${why}. Choose a file in a folder you can write to.`,
    );
  }
}
