-- The Usage dashboard reads calls by time across all workspaces (usage_workspace serves one
-- workspace), a conversation's calls (also what deleting a session's ON DELETE SET NULL looks up),
-- and a call's task through the user message of its turn.
CREATE INDEX usage_created ON usage(created_at);
CREATE INDEX usage_session ON usage(session_id, created_at);
CREATE INDEX messages_turn ON messages(session_id, turn_id) WHERE role = 'user';
