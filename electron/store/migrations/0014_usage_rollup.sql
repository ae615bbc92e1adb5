-- The usage table summed per UTC day and per everything the dashboard and the budgets group by (task
-- aside: it needs each call's turn), so a 90-day range reads thousands of rows, not millions. Cost stays
-- exact: prices start on a UTC day, so a day's calls of one model share one price. `calls` counts the
-- usage rows in the sum: the row goes when it reaches 0. Triggers keep it in step with every insert,
-- update (a deleted session sets session_id to NULL) and delete (a removed workspace cascades);
-- `created_at / 86400000` is the day exactly as the raw queries compute it.
CREATE TABLE usage_rollup (
  day INTEGER NOT NULL,
  workspace_id TEXT NOT NULL,
  model TEXT NOT NULL,
  agent_key TEXT NOT NULL,
  source TEXT NOT NULL,
  session_id TEXT,
  calls INTEGER NOT NULL,
  requests INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  cached_input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL
);
-- NULLs are distinct in a plain UNIQUE index: the expression makes calls outside a conversation one key.
CREATE UNIQUE INDEX usage_rollup_key ON usage_rollup(day, workspace_id, model, agent_key, source, COALESCE(session_id, ''));
CREATE INDEX usage_rollup_workspace ON usage_rollup(workspace_id, day);

INSERT INTO usage_rollup
  SELECT created_at / 86400000, workspace_id, model, agent_key, source, session_id, COUNT(*), SUM(requests), SUM(input_tokens),
    SUM(cached_input_tokens), SUM(output_tokens), SUM(reasoning_tokens)
  FROM usage GROUP BY created_at / 86400000, workspace_id, model, agent_key, source, session_id;

CREATE TRIGGER usage_rollup_insert AFTER INSERT ON usage BEGIN
  INSERT INTO usage_rollup VALUES (NEW.created_at / 86400000, NEW.workspace_id, NEW.model, NEW.agent_key, NEW.source, NEW.session_id, 1,
    NEW.requests, NEW.input_tokens, NEW.cached_input_tokens, NEW.output_tokens, NEW.reasoning_tokens)
  ON CONFLICT (day, workspace_id, model, agent_key, source, COALESCE(session_id, '')) DO UPDATE SET calls = calls + 1,
    requests = requests + excluded.requests, input_tokens = input_tokens + excluded.input_tokens,
    cached_input_tokens = cached_input_tokens + excluded.cached_input_tokens, output_tokens = output_tokens + excluded.output_tokens,
    reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens;
END;

CREATE TRIGGER usage_rollup_delete AFTER DELETE ON usage BEGIN
  UPDATE usage_rollup SET calls = calls - 1, requests = requests - OLD.requests, input_tokens = input_tokens - OLD.input_tokens,
    cached_input_tokens = cached_input_tokens - OLD.cached_input_tokens, output_tokens = output_tokens - OLD.output_tokens,
    reasoning_tokens = reasoning_tokens - OLD.reasoning_tokens
  WHERE day = OLD.created_at / 86400000 AND workspace_id = OLD.workspace_id AND model = OLD.model AND agent_key = OLD.agent_key
    AND source = OLD.source AND COALESCE(session_id, '') = COALESCE(OLD.session_id, '');
  DELETE FROM usage_rollup
  WHERE day = OLD.created_at / 86400000 AND workspace_id = OLD.workspace_id AND model = OLD.model AND agent_key = OLD.agent_key
    AND source = OLD.source AND COALESCE(session_id, '') = COALESCE(OLD.session_id, '') AND calls = 0;
END;

-- The delete and insert triggers' statements again: a trigger cannot run another's body.
CREATE TRIGGER usage_rollup_update AFTER UPDATE OF created_at, workspace_id, model, agent_key, source, session_id, requests, input_tokens,
  cached_input_tokens, output_tokens, reasoning_tokens ON usage BEGIN
  UPDATE usage_rollup SET calls = calls - 1, requests = requests - OLD.requests, input_tokens = input_tokens - OLD.input_tokens,
    cached_input_tokens = cached_input_tokens - OLD.cached_input_tokens, output_tokens = output_tokens - OLD.output_tokens,
    reasoning_tokens = reasoning_tokens - OLD.reasoning_tokens
  WHERE day = OLD.created_at / 86400000 AND workspace_id = OLD.workspace_id AND model = OLD.model AND agent_key = OLD.agent_key
    AND source = OLD.source AND COALESCE(session_id, '') = COALESCE(OLD.session_id, '');
  DELETE FROM usage_rollup
  WHERE day = OLD.created_at / 86400000 AND workspace_id = OLD.workspace_id AND model = OLD.model AND agent_key = OLD.agent_key
    AND source = OLD.source AND COALESCE(session_id, '') = COALESCE(OLD.session_id, '') AND calls = 0;
  INSERT INTO usage_rollup VALUES (NEW.created_at / 86400000, NEW.workspace_id, NEW.model, NEW.agent_key, NEW.source, NEW.session_id, 1,
    NEW.requests, NEW.input_tokens, NEW.cached_input_tokens, NEW.output_tokens, NEW.reasoning_tokens)
  ON CONFLICT (day, workspace_id, model, agent_key, source, COALESCE(session_id, '')) DO UPDATE SET calls = calls + 1,
    requests = requests + excluded.requests, input_tokens = input_tokens + excluded.input_tokens,
    cached_input_tokens = cached_input_tokens + excluded.cached_input_tokens, output_tokens = output_tokens + excluded.output_tokens,
    reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens;
END;
