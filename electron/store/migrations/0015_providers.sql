-- OpenAI-compatible servers from Settings → Providers, usable by any workspace's agents (`provider:`).
-- api_key: 'none', a '{{apikey:Name}}' reference to a saved API key, or NULL (the agent's OPENAI_API_KEY).
-- The built-in `openai` is not stored unless it was edited.
CREATE TABLE providers (
  name TEXT PRIMARY KEY NOT NULL COLLATE NOCASE,
  base_url TEXT NOT NULL,
  api TEXT NOT NULL CHECK (api IN ('responses', 'chat')),
  api_key TEXT,
  default_model TEXT,
  updated_at INTEGER NOT NULL
);
