-- When the user pinned or archived a conversation (NULL: not). Lists show pinned ones first and
-- leave archived ones out unless asked for them.
ALTER TABLE sessions ADD COLUMN pinned_at INTEGER;
ALTER TABLE sessions ADD COLUMN archived_at INTEGER;
