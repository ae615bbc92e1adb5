-- What the user confirmed before a workspace runs (see electron/host/launch-consent.ts): that code
-- from its folder may run with their rights (given by creating it in the app, or confirming), and a
-- fingerprint of which secrets may go to which hosts. A changed file changes the fingerprint.
CREATE TABLE workspace_consents (
  workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  code_confirmed_at INTEGER,
  routes_fingerprint TEXT,
  updated_at INTEGER NOT NULL
);
