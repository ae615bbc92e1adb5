-- The Activity feed (activity-feed-repo.ts) reads tool calls, activities, tasks and logs newest first
-- on (time, id) and merges them: one index per source makes each page a short walk down an index,
-- however many rows there are. Agent lifecycle (launch, stop, crash, restart) was only a sentence in
-- a log line; `event` names it so the feed can show and filter it.
ALTER TABLE logs ADD COLUMN event TEXT CHECK (event IN ('launch', 'stop', 'crash', 'restart'));
CREATE INDEX logs_feed ON logs(created_at, id);
CREATE INDEX activities_feed ON activities(created_at, id);
-- An agent's reported error is stored twice (an `error` activity and an error log line with the same
-- message); the feed finds the activity through this index and shows the error once.
CREATE INDEX activities_errors ON activities(session_id, created_at) WHERE kind = 'error';
CREATE INDEX tool_calls_feed ON tool_calls(started_at, call_activity_id);
CREATE INDEX tasks_feed ON tasks(updated_at, id);
