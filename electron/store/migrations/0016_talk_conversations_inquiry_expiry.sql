-- talk_to conversations kept across restarts: the last conversation a caller had with each peer.
CREATE TABLE talk_conversations (
  caller_session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  peer_key TEXT NOT NULL,
  callee_session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (caller_session_id, peer_key)
);

-- Inquiry priority (normal | high | urgent) and when an unanswered inquiry expires (null: never).
ALTER TABLE inquiries ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal';
ALTER TABLE inquiries ADD COLUMN expires_at INTEGER;
CREATE INDEX inquiries_expiry ON inquiries(expires_at) WHERE status = 'pending' AND expires_at IS NOT NULL;
