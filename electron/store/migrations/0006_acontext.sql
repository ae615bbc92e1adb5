-- The Acontext-compatible API (/api/v1): agents outside the app keep their sessions here. They live in
-- the built-in "External sessions" pseudo-workspace (id 'external'; it is no workspace folder and never
-- listed as one), may belong to a space, and keep their Acontext configs. Each message keeps the JSON
-- it was stored with, so reading it back in the same format returns exactly that. The API key is
-- stored encrypted, like every other secret.
INSERT INTO workspaces (id, name, dir, created_at, updated_at) VALUES ('external', 'External sessions', 'acontext:external', 0, 0);

CREATE TABLE acontext_spaces (
  id TEXT PRIMARY KEY,
  configs TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE acontext_sessions (
  session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
  space_id TEXT REFERENCES acontext_spaces(id) ON DELETE SET NULL,
  configs TEXT,
  disable_task_tracking INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX acontext_sessions_space ON acontext_sessions(space_id);

CREATE TABLE acontext_messages (
  message_id TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  format TEXT NOT NULL CHECK (format IN ('openai', 'acontext', 'anthropic')),
  raw TEXT NOT NULL
);

CREATE TABLE acontext_key (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  ciphertext BLOB NOT NULL,
  created_at INTEGER NOT NULL
);
