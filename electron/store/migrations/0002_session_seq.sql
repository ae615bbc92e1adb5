-- The seq of the last event published for a session, kept so it stays monotonic across host
-- restarts: a client's snapshot from before a restart can still be continued.
ALTER TABLE sessions ADD COLUMN event_seq INTEGER NOT NULL DEFAULT 0;
