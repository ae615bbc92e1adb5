// Full-text search over the FTS5 index of migration 0009 (kept current by its triggers). What the
// user types is searched as text: each word becomes an FTS5 string, so quotes, `*`, NEAR, AND/OR,
// parentheses and `column:` filters are words to find, never query syntax. The last word also
// matches as a prefix, so a search finds while the user is still typing.
import type { SearchGroup, SearchHit, SearchHitKind } from '../api/types';
import type { Db } from './database';

/** Unicode private-use characters the index never holds (the migration strips them): unforgeable. */
const MARK_OPEN = '\uE000';
const MARK_CLOSE = '\uE001';
/** Tokens of text around the match in a snippet. */
const SNIPPET_TOKENS = 16;
/** More words than anyone types; bounds the work of one query. */
const MAX_WORDS = 32;
export const DEFAULT_SEARCH_LIMIT = 50;

export interface SearchRequest {
  query: string;
  /** Hits in all (the best ones), across conversations. */
  limit?: number;
  workspaceId?: string;
}

interface HitRow {
  sessionId: string;
  workspaceId: string;
  workspaceName: string;
  agentKey: string;
  title: string;
  source: 'message' | 'activity' | 'task';
  sourceId: string;
  kind: SearchHitKind;
  at: number;
  snippet: string;
  rank: number;
}

/**
 * The FTS5 query for what the user typed, or null when it has no word to look for. A word counts
 * when it has a letter or digit (what the unicode61 tokenizer keeps); `"` inside it is doubled.
 */
export function toMatchQuery(text: string): string | null {
  const words = text
    .split(/\s+/u)
    .filter((word) => /[\p{L}\p{N}]/u.test(word))
    .slice(0, MAX_WORDS);
  if (words.length === 0) return null;
  return words.map((word, i) => `"${word.replaceAll('"', '""')}"${i === words.length - 1 ? '*' : ''}`).join(' ');
}

/** Splits an FTS5 snippet with our marks into plain text and the offsets of its marked words. */
export function parseSnippet(marked: string): { snippet: string; marks: [number, number][] } {
  let snippet = '';
  const marks: [number, number][] = [];
  let open = -1;
  for (const char of marked) {
    if (char === MARK_OPEN) open = snippet.length;
    else if (char === MARK_CLOSE && open >= 0) {
      if (snippet.length > open) marks.push([open, snippet.length]);
      open = -1;
    } else snippet += char;
  }
  return { snippet, marks };
}

export class SearchRepo {
  readonly #search;

  constructor(db: Db) {
    // ORDER BY rank on the FTS table alone lets FTS5 hand rows over best first, so snippets are made
    // for the returned hits only; the workspace filter is applied to those rows as they come.
    this.#search = db.prepare(
      `SELECT d.session_id AS sessionId, s.workspace_id AS workspaceId, coalesce(w.name, s.workspace_id) AS workspaceName,
              s.agent_key AS agentKey, s.title, d.source, d.source_id AS sourceId, d.kind, d.created_at AS at,
              snippet(search_fts, 0, '${MARK_OPEN}', '${MARK_CLOSE}', '…', ${SNIPPET_TOKENS}) AS snippet, search_fts.rank AS rank
         FROM search_fts
         JOIN search_docs d ON d.id = search_fts.rowid
         JOIN sessions s ON s.id = d.session_id
         LEFT JOIN workspaces w ON w.id = s.workspace_id
        WHERE search_fts MATCH @match AND (@workspaceId IS NULL OR s.workspace_id = @workspaceId)
        ORDER BY search_fts.rank
        LIMIT @limit`,
    );
  }

  /**
   * The best `limit` hits, grouped by conversation (ordered by their best hit). `redact` is applied
   * to each snippet: text stored before a secret was known is blanked when it is shown.
   */
  query(request: SearchRequest, redact: (text: string) => string = (text) => text): SearchGroup[] {
    const match = toMatchQuery(request.query);
    if (match === null) return [];
    const rows = this.#search.all({
      match,
      workspaceId: request.workspaceId ?? null,
      limit: request.limit ?? DEFAULT_SEARCH_LIMIT,
    }) as HitRow[];
    const groups = new Map<string, SearchGroup>();
    for (const row of rows) {
      let group = groups.get(row.sessionId);
      if (!group) {
        const { sessionId, workspaceId, workspaceName, agentKey, title } = row;
        groups.set(row.sessionId, (group = { sessionId, workspaceId, workspaceName, agentKey, title: redact(title), hits: [] }));
      }
      group.hits.push(toHit(row, redact));
    }
    return [...groups.values()];
  }
}

function toHit(row: HitRow, redact: (text: string) => string): SearchHit {
  const parsed = parseSnippet(row.snippet);
  const redacted = redact(parsed.snippet);
  // A secret the redactor blanked would shift the offsets; a snippet without marks beats a wrong one.
  const { snippet, marks } = redacted === parsed.snippet ? parsed : { snippet: redacted, marks: [] };
  return {
    id: row.sourceId,
    kind: row.kind,
    entryId: row.source === 'task' ? null : row.sourceId,
    taskId: row.source === 'task' ? row.sourceId : null,
    snippet,
    marks,
    rank: row.rank,
    at: row.at,
  };
}
