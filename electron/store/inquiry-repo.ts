import type { InquiryHop, InquirySummary } from '../api/types';
import type { Db } from './database';

interface InquiryRow extends Omit<InquirySummary, 'suggestions' | 'files' | 'approval' | 'forwarding'> {
  /** JSON of InquiryHop[] (0018_inquiry_forwarding.sql). */
  forwarding: string;
  suggestions: string;
  files: string;
  suggestionIndex: number | null;
  /** Set on a tool approval (see approval-repo.ts). */
  toolName: string | null;
  toolArguments: string | null;
}

const COLUMNS = `id, workspace_id AS workspaceId, session_id AS sessionId, agent_key AS agentKey, markdown, suggestions, files,
  status, response_text AS responseText, suggestion_index AS suggestionIndex, created_at AS createdAt, answered_at AS answeredAt,
  tool_name AS toolName, tool_arguments AS toolArguments,
  priority, expires_at AS expiresAt, forwarding, answered_by_agent AS answeredByAgent`;

export class InquiryRepo {
  constructor(private readonly db: Db) {}

  /** False when an inquiry with that id exists already (ids come from agents): nothing is written. */
  insert(inquiry: InquirySummary): boolean {
    const result = this.db
      .prepare(
        `INSERT INTO inquiries (id, workspace_id, session_id, agent_key, markdown, suggestions, files, status, created_at, priority, expires_at)
         VALUES (@id, @workspaceId, @sessionId, @agentKey, @markdown, @suggestions, @files, @status, @createdAt, @priority, @expiresAt)
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

  /** The earliest expiry among pending inquiries, or null when none expires. */
  nextExpiry(): number | null {
    const row = this.db.prepare("SELECT MIN(expires_at) AS at FROM inquiries WHERE status = 'pending' AND expires_at IS NOT NULL").get() as { at: number | null };
    return row.at;
  }

  /** Marks the pending inquiries whose time ran out by `now` expired; returns their ids. */
  expireDue(now: number): string[] {
    return this.db.transaction(() => {
      const ids = (
        this.db.prepare("SELECT id FROM inquiries WHERE status = 'pending' AND expires_at IS NOT NULL AND expires_at <= ?").all(now) as { id: string }[]
      ).map((r) => r.id);
      const update = this.db.prepare("UPDATE inquiries SET status = 'expired', answered_at = ? WHERE id = ? AND status = 'pending'");
      for (const id of ids) update.run(now, id);
      return ids;
    })();
  }

  /** The inquiry's forwarding chain, as it stands (inquiry-router.ts). */
  setForwarding(id: string, hops: InquiryHop[]): void {
    this.db.prepare('UPDATE inquiries SET forwarding = ? WHERE id = ?').run(JSON.stringify(hops), id);
  }

  /** A supervisor agent answered a pending inquiry; false when it was no longer pending (nothing written). */
  answerByAgent(id: string, text: string, agentKey: string, sessionId: string, now: number): boolean {
    const result = this.db
      .prepare(
        "UPDATE inquiries SET status = 'answered', response_text = ?, suggestion_index = NULL, answered_at = ?, answered_by_agent = ?, answered_by_session = ? WHERE id = ? AND status = 'pending'",
      )
      .run(text, now, agentKey, sessionId, id);
    return result.changes === 1;
  }

  /** Pending inquiries of a session whose agent can no longer receive the answer. */
  cancelPending(sessionId: string, now: number): string[] {
    const ids = (this.db.prepare("SELECT id FROM inquiries WHERE session_id = ? AND status = 'pending'").all(sessionId) as { id: string }[]).map((r) => r.id);
    this.db.prepare("UPDATE inquiries SET status = 'cancelled', answered_at = ? WHERE session_id = ? AND status = 'pending'").run(now, sessionId);
    return ids;
  }
}

function toSummary(row: InquiryRow): InquirySummary & { suggestionIndex: number | null } {
  const { toolName, toolArguments, ...rest } = row;
  return {
    ...rest,
    suggestions: JSON.parse(row.suggestions) as string[],
    files: JSON.parse(row.files) as string[],
    forwarding: JSON.parse(row.forwarding) as InquiryHop[],
    ...(toolName !== null ? { approval: { tool: toolName, arguments: toolArguments ?? '' } } : {}),
  };
}
