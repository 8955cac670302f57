-- Local full-text search (store/search.rs). One row per searchable message, rowid =
-- messages.local_id; the body is what a user would search (text, file name, music title
-- and author), extracted in Rust by the app-defined function rc_search_text() that the
-- store registers on its connection before migrating. trigram finds any substring of three
-- or more characters, Chinese words included; shorter queries scan (store/search.rs).
CREATE VIRTUAL TABLE message_search USING fts5(body, tokenize = 'trigram');
-- Newest first across conversations: a short query's scan stops at the page's end.
CREATE INDEX messages_by_time ON messages (sent_time, local_id);

-- Kept in sync by triggers, so every path that writes messages (pulls, sends, recalls,
-- uploads finishing, deletes) is covered without each remembering to.
CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_search (rowid, body)
    SELECT new.local_id, body FROM (SELECT rc_search_text(new.object_name, new.content) AS body)
    WHERE body IS NOT NULL;
END;

CREATE TRIGGER message_search_update AFTER UPDATE OF object_name, content ON messages BEGIN
    DELETE FROM message_search WHERE rowid = old.local_id;
    INSERT INTO message_search (rowid, body)
    SELECT new.local_id, body FROM (SELECT rc_search_text(new.object_name, new.content) AS body)
    WHERE body IS NOT NULL;
END;

CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
    DELETE FROM message_search WHERE rowid = old.local_id;
END;

-- Messages stored before this version.
INSERT INTO message_search (rowid, body)
SELECT local_id, body FROM (
    SELECT local_id, rc_search_text(object_name, content) AS body FROM messages
) WHERE body IS NOT NULL;
