-- Full-text search over what was said and done, across all workspaces: user and assistant text,
-- tool calls (tool name and arguments) and results, reasoning, inquiries (the question and the
-- answer, as the timeline shows them), talk_to and error entries, and task descriptions.
--
-- search_docs says what each indexed row is (its source row, session, kind and time); its id is the
-- rowid of the row's text in search_fts. Triggers on the source tables keep both current, so every
-- writer (the write path, the Acontext API, the task extractor) is indexed without knowing about
-- search. Streamed text is indexed when it is folded into its row (turn end, a crash, or the next
-- host start), which is an UPDATE of messages.text or activities.data.
--
-- Tokenizer: unicode61 with remove_diacritics 2 ("cafe" finds "café"), not trigram: word search with
-- bm25 ranking is what a person types, the index stays about a third of a trigram one, and queries of
-- one or two characters still work. Substrings inside a word are found by the prefix of the last word.
--
-- U+E000 and U+E001 are taken out of the indexed text: search-repo.ts uses them to mark matches in
-- snippets, so stored text can never forge a mark.
CREATE TABLE search_docs (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL CHECK (source IN ('message', 'activity', 'task')),
  source_id TEXT NOT NULL,
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (source, source_id)
);
CREATE INDEX search_docs_session ON search_docs(session_id);

CREATE VIRTUAL TABLE search_fts USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');

-- A document leaves the index with its row, including by cascade when its session is deleted.
CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
  DELETE FROM search_fts WHERE rowid = old.id;
END;

-- What of a row is searchable. Views, so the triggers and the rebuild below read the same text.
CREATE VIEW search_message_text AS
  SELECT id, session_id, role AS kind, created_at,
         replace(replace(text, char(57344), ''), char(57345), '') AS body
    FROM messages
   WHERE role IN ('user', 'assistant') AND text <> '';

CREATE VIEW search_activity_text AS
  SELECT id, session_id, kind, created_at, replace(replace(body, char(57344), ''), char(57345), '') AS body
    FROM (
      SELECT id, session_id, kind, created_at,
             CASE WHEN json_valid(data) THEN
               CASE kind
                 WHEN 'tool_call' THEN concat_ws(' ', data ->> '$.tool', data ->> '$.arguments')
                 WHEN 'tool_result' THEN coalesce(data ->> '$.output', data ->> '$.error')
                 WHEN 'thinking' THEN data ->> '$.text'
                 WHEN 'inquiry.request' THEN concat_ws(' ', data ->> '$.markdown', data ->> '$.suggestions')
                 WHEN 'inquiry.response' THEN data ->> '$.text'
                 WHEN 'talk_to.request' THEN data ->> '$.text'
                 WHEN 'talk_to.response' THEN coalesce(data ->> '$.response', data ->> '$.error')
                 WHEN 'error' THEN coalesce(data ->> '$.message', data ->> '$.error', data ->> '$.text')
               END
             END AS body
        FROM activities)
   WHERE body IS NOT NULL AND body <> '';

CREATE VIEW search_task_text AS
  SELECT id, session_id, 'task' AS kind, created_at,
         replace(replace(description, char(57344), ''), char(57345), '') AS body
    FROM tasks
   WHERE description <> '';

-- messages
CREATE TRIGGER search_messages_ai AFTER INSERT ON messages
WHEN new.role IN ('user', 'assistant') AND new.text <> '' BEGIN
  INSERT INTO search_docs (source, source_id, session_id, kind, created_at)
    SELECT 'message', id, session_id, kind, created_at FROM search_message_text WHERE id = new.id;
  INSERT INTO search_fts (rowid, body) SELECT last_insert_rowid(), body FROM search_message_text WHERE id = new.id;
END;

CREATE TRIGGER search_messages_au AFTER UPDATE OF text ON messages BEGIN
  DELETE FROM search_docs WHERE source = 'message' AND source_id = old.id;
  INSERT INTO search_docs (source, source_id, session_id, kind, created_at)
    SELECT 'message', id, session_id, kind, created_at FROM search_message_text WHERE id = new.id;
  INSERT INTO search_fts (rowid, body) SELECT last_insert_rowid(), body FROM search_message_text WHERE id = new.id;
END;

CREATE TRIGGER search_messages_ad AFTER DELETE ON messages BEGIN
  DELETE FROM search_docs WHERE source = 'message' AND source_id = old.id;
END;

-- activities
CREATE TRIGGER search_activities_ai AFTER INSERT ON activities BEGIN
  INSERT INTO search_docs (source, source_id, session_id, kind, created_at)
    SELECT 'activity', id, session_id, kind, created_at FROM search_activity_text WHERE id = new.id;
  INSERT INTO search_fts (rowid, body) SELECT last_insert_rowid(), body FROM search_activity_text WHERE id = new.id;
END;

CREATE TRIGGER search_activities_au AFTER UPDATE OF data ON activities BEGIN
  DELETE FROM search_docs WHERE source = 'activity' AND source_id = old.id;
  INSERT INTO search_docs (source, source_id, session_id, kind, created_at)
    SELECT 'activity', id, session_id, kind, created_at FROM search_activity_text WHERE id = new.id;
  INSERT INTO search_fts (rowid, body) SELECT last_insert_rowid(), body FROM search_activity_text WHERE id = new.id;
END;

CREATE TRIGGER search_activities_ad AFTER DELETE ON activities BEGIN
  DELETE FROM search_docs WHERE source = 'activity' AND source_id = old.id;
END;

-- tasks
CREATE TRIGGER search_tasks_ai AFTER INSERT ON tasks BEGIN
  INSERT INTO search_docs (source, source_id, session_id, kind, created_at)
    SELECT 'task', id, session_id, kind, created_at FROM search_task_text WHERE id = new.id;
  INSERT INTO search_fts (rowid, body) SELECT last_insert_rowid(), body FROM search_task_text WHERE id = new.id;
END;

CREATE TRIGGER search_tasks_au AFTER UPDATE OF description ON tasks BEGIN
  DELETE FROM search_docs WHERE source = 'task' AND source_id = old.id;
  INSERT INTO search_docs (source, source_id, session_id, kind, created_at)
    SELECT 'task', id, session_id, kind, created_at FROM search_task_text WHERE id = new.id;
  INSERT INTO search_fts (rowid, body) SELECT last_insert_rowid(), body FROM search_task_text WHERE id = new.id;
END;

CREATE TRIGGER search_tasks_ad AFTER DELETE ON tasks BEGIN
  DELETE FROM search_docs WHERE source = 'task' AND source_id = old.id;
END;

-- The rows that exist already, with streamed chunks not folded yet: those are indexed when the next
-- host start folds them (SessionRepo.markAllStopped).
INSERT INTO search_docs (source, source_id, session_id, kind, created_at)
  SELECT 'message', id, session_id, kind, created_at FROM search_message_text;
INSERT INTO search_docs (source, source_id, session_id, kind, created_at)
  SELECT 'activity', id, session_id, kind, created_at FROM search_activity_text;
INSERT INTO search_docs (source, source_id, session_id, kind, created_at)
  SELECT 'task', id, session_id, kind, created_at FROM search_task_text;
INSERT INTO search_fts (rowid, body)
  SELECT d.id, t.body FROM search_docs d JOIN search_message_text t ON d.source = 'message' AND t.id = d.source_id;
INSERT INTO search_fts (rowid, body)
  SELECT d.id, t.body FROM search_docs d JOIN search_activity_text t ON d.source = 'activity' AND t.id = d.source_id;
INSERT INTO search_fts (rowid, body)
  SELECT d.id, t.body FROM search_docs d JOIN search_task_text t ON d.source = 'task' AND t.id = d.source_id;
