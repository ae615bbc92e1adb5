-- Tasks extracted from each conversation (Acontext's model): the user's requests in order, their
-- status and progress, the user's preferences, and which messages belong to which task. Usage gains
-- a source so the extractor's model calls are never counted as an agent's. Settings are key/value.
CREATE TABLE tasks (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  task_order INTEGER NOT NULL,
  description TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'success', 'failed')),
  progresses TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (session_id, task_order)
);

CREATE TABLE task_preferences (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  task_id TEXT REFERENCES tasks(id) ON DELETE SET NULL,
  text TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX task_preferences_session ON task_preferences(session_id, created_at);

ALTER TABLE messages ADD COLUMN task_id TEXT REFERENCES tasks(id) ON DELETE SET NULL;
CREATE INDEX messages_extraction ON messages(session_id, extraction, position);
CREATE INDEX messages_task ON messages(task_id) WHERE task_id IS NOT NULL;

-- Why the last extraction pass of a session failed; cleared by the next one that succeeds.
ALTER TABLE sessions ADD COLUMN extraction_error TEXT;

ALTER TABLE usage ADD COLUMN source TEXT NOT NULL DEFAULT 'agent';

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Every tool call an agent made, kept per call for the Tools view: name, arguments, result, whether
-- it failed, and when it started and ended. Filled by the write path from tool_call/tool_result.
CREATE TABLE tool_calls (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  call_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  agent_key TEXT NOT NULL,
  tool TEXT NOT NULL,
  arguments TEXT NOT NULL,
  result TEXT,
  is_error INTEGER NOT NULL DEFAULT 0,
  -- The timeline entries that show the call and its result: links into the conversation.
  call_activity_id TEXT NOT NULL,
  result_activity_id TEXT,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  PRIMARY KEY (session_id, call_id)
);
CREATE INDEX tool_calls_workspace ON tool_calls(workspace_id, tool);
