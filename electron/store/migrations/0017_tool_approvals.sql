-- Tool approvals: an inquiry with a tool name is an approval of that tool call (its arguments
-- redacted), and the tools a workspace always approves ("Always approve <tool> in this workspace").
ALTER TABLE inquiries ADD COLUMN tool_name TEXT;
ALTER TABLE inquiries ADD COLUMN tool_arguments TEXT;

CREATE TABLE approval_rules (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  tool_name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, tool_name)
);
