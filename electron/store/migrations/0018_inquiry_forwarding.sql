-- Inquiries bubble to the asking agent's supervisor before the user (electron/host/inquiry-router.ts):
-- the forwarding chain as JSON (who it went to, when, how, why it moved on) and the supervisor agent
-- that answered it (null: the user answered, or nobody yet).
ALTER TABLE inquiries ADD COLUMN forwarding TEXT NOT NULL DEFAULT '[]';
ALTER TABLE inquiries ADD COLUMN answered_by_agent TEXT;
ALTER TABLE inquiries ADD COLUMN answered_by_session TEXT;
