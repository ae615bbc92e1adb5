import type { InquirySummary } from '../api/types';
import type { Db } from './database';

interface InquiryRow extends Omit<InquirySummary, 'suggestions' | 'files'> {
  suggestions: string;
  files: string;
  suggestionIndex: number | null;
}

const COLUMNS = `id, workspace_id AS workspaceId, session_id AS sessionId, agent_key AS agentKey, markdown, suggestions, files,
  status, response_text AS responseText, suggestion_index AS suggestionIndex, created_at AS createdAt, answered_at AS answeredAt`;

export class InquiryRepo {
  constructor(private readonly db: Db) {}

  /** False when an inquiry with that id exists already (ids come from agents): nothing is written. */
  insert(inquiry: InquirySummary): boolean {
    const result = this.db
      .prepare(
        `INSERT INTO inquiries (id, workspace_id, session_id, agent_key, markdown, suggestions, files, status, created_at)
         VALUES (@id, @workspaceId, @sessionId, @agentKey, @markdown, @suggestions, @files, @status, @createdAt)
         ON CONFLICT (id) DO NOTHING`,
      )
      .run({ ...inquiry, suggestions: JSON.stringify(inquiry.suggestions), files: JSON.stringify(inquiry.files) });
    return result.changes === 1;
  }

  get(id: string): (InquirySummary & { suggestionIndex: number | null }) | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM inquiries WHERE id = ?`).get(id) as InquiryRow | undefined;
    return row ? toSummary(row) : undefined;
  }

  list(status: 'pending' | 'answered' | 'all'): InquirySummary[] {
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM inquiries WHERE (@status = 'all' OR status = @status) ORDER BY created_at DESC LIMIT 500`)
      .all({ status }) as InquiryRow[];
    return rows.map(toSummary);
  }

  answer(id: string, text: string, suggestionIndex: number | null, now: number): void {
    this.db
      .prepare("UPDATE inquiries SET status = 'answered', response_text = ?, suggestion_index = ?, answered_at = ? WHERE id = ?")
      .run(text, suggestionIndex, now, id);
  }

  /** Pending inquiries of a session whose agent can no longer receive the answer. */
  cancelPending(sessionId: string, now: number): string[] {
    const ids = (this.db.prepare("SELECT id FROM inquiries WHERE session_id = ? AND status = 'pending'").all(sessionId) as { id: string }[]).map((r) => r.id);
    this.db.prepare("UPDATE inquiries SET status = 'cancelled', answered_at = ? WHERE session_id = ? AND status = 'pending'").run(now, sessionId);
    return ids;
  }
}

function toSummary(row: InquiryRow): InquirySummary & { suggestionIndex: number | null } {
  return { ...row, suggestions: JSON.parse(row.suggestions) as string[], files: JSON.parse(row.files) as string[] };
}
