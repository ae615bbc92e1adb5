-- Each model call knows the turn it served, so a conversation can show what a reply cost.
-- Rows written before this have no turn: they count in the totals, not on any message.
ALTER TABLE usage ADD COLUMN turn_id TEXT;
CREATE INDEX usage_turn ON usage(session_id, turn_id);
