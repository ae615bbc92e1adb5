-- Workspaces, their runs and secrets; sessions (one per agent instance) with their timeline:
-- messages in OpenAI format and activities; logs, usage and inquiries.
CREATE TABLE workspaces (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  dir TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE secrets (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  ciphertext BLOB NOT NULL,
  hint TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, key)
);

CREATE TABLE api_keys (
  name TEXT PRIMARY KEY,
  ciphertext BLOB NOT NULL,
  hint TEXT,
  created_at INTEGER NOT NULL
);

-- Templates the user added; the built-in ones ship with the app.
CREATE TABLE templates (
  name TEXT PRIMARY KEY,
  dir TEXT NOT NULL,
  added_at INTEGER NOT NULL
);

CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  stopped_at INTEGER,
  error TEXT
);
CREATE INDEX runs_workspace ON runs(workspace_id, started_at);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  agent_key TEXT NOT NULL,
  parent_session_id TEXT REFERENCES sessions(id) ON DELETE SET NULL,
  title TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  last_response_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX sessions_workspace ON sessions(workspace_id, updated_at);

-- `position` orders messages and activities of a session on one timeline.
CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  turn_id TEXT,
  role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'tool')),
  text TEXT NOT NULL DEFAULT '',
  tool_calls TEXT,
  tool_call_id TEXT,
  sender TEXT,
  status TEXT NOT NULL,
  extraction TEXT NOT NULL DEFAULT 'pending',
  position INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX messages_session ON messages(session_id, position);

CREATE TABLE activities (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  turn_id TEXT,
  kind TEXT NOT NULL,
  data TEXT NOT NULL,
  position INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX activities_session ON activities(session_id, position);

CREATE TABLE logs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id TEXT REFERENCES workspaces(id) ON DELETE CASCADE,
  session_id TEXT REFERENCES sessions(id) ON DELETE SET NULL,
  agent_key TEXT,
  level TEXT NOT NULL,
  source TEXT NOT NULL,
  message TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX logs_workspace ON logs(workspace_id, id);

CREATE TABLE usage (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  session_id TEXT REFERENCES sessions(id) ON DELETE SET NULL,
  run_id TEXT,
  agent_key TEXT NOT NULL,
  model TEXT NOT NULL,
  requests INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  cached_input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX usage_workspace ON usage(workspace_id, created_at);

CREATE TABLE inquiries (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  agent_key TEXT NOT NULL,
  markdown TEXT NOT NULL,
  suggestions TEXT NOT NULL,
  files TEXT NOT NULL,
  status TEXT NOT NULL,
  response_text TEXT,
  suggestion_index INTEGER,
  created_at INTEGER NOT NULL,
  answered_at INTEGER
);
CREATE INDEX inquiries_status ON inquiries(status, created_at);
