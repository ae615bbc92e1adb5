-- Text streamed into a timeline entry (a message's text, an activity's data.text) is appended here,
-- one row per entry and tick, and folded into the entry when its turn ends (or, after a crash, when
-- the next host starts): the work per tick does not grow with the entry's length. Readers add an
-- entry's chunks, in id order, to its stored text. No index on entry_id: with one, every tick's
-- commit would write a page of it per streaming entry; the table only holds the chunks of open turns,
-- and the host looks chunks up only for the entries it knows have some (session-repo.ts).
CREATE TABLE entry_chunks (
  id INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  entry_id TEXT NOT NULL,
  text TEXT NOT NULL
);
