-- Every reply's usage line reads its turn's messages by (session_id, turn_id), whatever their role;
-- the partial index of 0012 covers only user messages, so opening or paging a long conversation
-- scanned all its messages once per page. One index with the role last serves both: the usage line,
-- and a call's task (its turn's user message).
DROP INDEX messages_turn;
CREATE INDEX messages_turn ON messages(session_id, turn_id, role);
