-- Indexing in batches. Each commit that touched the search indexes wrote a new segment to
-- both FTS5 tables (and merged them now and then): a message sent or received alone paid
-- that for itself, about a tenth of the client's CPU in the one-at-a-time send bench. Now
-- the triggers only note which messages are to be indexed; Store::index_pending (store/
-- search.rs) indexes them all in one statement per table, before any search and once
-- enough wait. The list is a table, so nothing is lost to a crash.
CREATE TABLE search_pending (local_id INTEGER PRIMARY KEY);

DROP TRIGGER message_search_insert;
DROP TRIGGER message_search_update;
DROP TRIGGER message_search_delete;

CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN
    INSERT OR IGNORE INTO search_pending (local_id) VALUES (new.local_id);
END;

-- A changed body (a recall, an upload's URL) leaves the indexes now and goes back in with
-- the next batch.
CREATE TRIGGER message_search_update AFTER UPDATE OF object_name, content ON messages BEGIN
    DELETE FROM message_search WHERE rowid = old.local_id;
    DELETE FROM message_grams WHERE rowid = old.local_id;
    INSERT OR IGNORE INTO search_pending (local_id) VALUES (new.local_id);
END;

CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
    DELETE FROM message_search WHERE rowid = old.local_id;
    DELETE FROM message_grams WHERE rowid = old.local_id;
    DELETE FROM search_pending WHERE local_id = old.local_id;
END;
