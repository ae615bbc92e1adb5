// Tool approvals: the tool and arguments of an approval inquiry (a row of `inquiries` with a tool
// name), and the tools each workspace always approves.
import type { ApprovalRule } from '../api/types';
import type { Db } from './database';

export class ApprovalRepo {
  constructor(private readonly db: Db) {}

  /** Marks an inquiry just inserted as the approval of a call to `tool` with `args` (redacted). */
  markApproval(inquiryId: string, tool: string, args: string): void {
    this.db.prepare('UPDATE inquiries SET tool_name = ?, tool_arguments = ? WHERE id = ?').run(tool, args, inquiryId);
  }

  /** Pending approvals of `tool` in a workspace: ids, oldest first. */
  pendingFor(workspaceId: string, tool: string): string[] {
    const rows = this.db
      .prepare("SELECT id FROM inquiries WHERE workspace_id = ? AND tool_name = ? AND status = 'pending' ORDER BY created_at")
      .all(workspaceId, tool) as { id: string }[];
    return rows.map((row) => row.id);
  }

  /** Pending approvals of a session (its turn ended: nobody waits for them any more). */
  pendingOfSession(sessionId: string): string[] {
    const rows = this.db
      .prepare("SELECT id FROM inquiries WHERE session_id = ? AND tool_name IS NOT NULL AND status = 'pending'")
      .all(sessionId) as { id: string }[];
    return rows.map((row) => row.id);
  }

  /** Marks one pending approval cancelled; false when it was not pending. */
  cancel(inquiryId: string, now: number): boolean {
    return this.db.prepare("UPDATE inquiries SET status = 'cancelled', answered_at = ? WHERE id = ? AND status = 'pending'").run(now, inquiryId).changes === 1;
  }

  isAlwaysApproved(workspaceId: string, tool: string): boolean {
    return this.db.prepare('SELECT 1 FROM approval_rules WHERE workspace_id = ? AND tool_name = ?').get(workspaceId, tool) !== undefined;
  }

  addRule(workspaceId: string, tool: string, now: number): void {
    this.db.prepare('INSERT INTO approval_rules (workspace_id, tool_name, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(workspaceId, tool, now);
  }

  /** False when there was no such rule. */
  removeRule(workspaceId: string, tool: string): boolean {
    return this.db.prepare('DELETE FROM approval_rules WHERE workspace_id = ? AND tool_name = ?').run(workspaceId, tool).changes === 1;
  }

  rules(workspaceId?: string): ApprovalRule[] {
    return this.db
      .prepare(
        `SELECT r.workspace_id AS workspaceId, w.name AS workspaceName, r.tool_name AS tool, r.created_at AS createdAt
         FROM approval_rules r JOIN workspaces w ON w.id = r.workspace_id
         WHERE (@workspaceId IS NULL OR r.workspace_id = @workspaceId)
         ORDER BY w.name COLLATE NOCASE, r.tool_name`,
      )
      .all({ workspaceId: workspaceId ?? null }) as ApprovalRule[];
  }
}
