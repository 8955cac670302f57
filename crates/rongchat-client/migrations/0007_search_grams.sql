-- Queries of one or two characters (store/search.rs): the trigram index of 0003 cannot
-- answer them, and scanning 100,000 bodies took 17 ms. message_grams holds, per searchable
-- message (rowid = messages.local_id), every character and every pair of neighbouring
-- characters of its body, as ASCII tokens made by the app-defined rc_search_grams()
-- (store/search.rs, `grams`). Contentless (the body is in message_search) and detail=none:
-- only which messages hold a token is kept, which is all a one-token query needs.
CREATE VIRTUAL TABLE message_grams USING fts5(
    grams, content = '', contentless_delete = 1, detail = none, tokenize = 'ascii'
);

-- One trigger per change keeps both indexes, in order: message_grams is made from the body
-- just written to message_search, so the body is extracted once.
DROP TRIGGER message_search_insert;
DROP TRIGGER message_search_update;
DROP TRIGGER message_search_delete;

CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_search (rowid, body)
    SELECT new.local_id, body FROM (SELECT rc_search_text(new.object_name, new.content) AS body)
    WHERE body IS NOT NULL;
    INSERT INTO message_grams (rowid, grams)
    SELECT rowid, rc_search_grams(body) FROM message_search WHERE rowid = new.local_id;
END;

CREATE TRIGGER message_search_update AFTER UPDATE OF object_name, content ON messages BEGIN
    DELETE FROM message_search WHERE rowid = old.local_id;
    DELETE FROM message_grams WHERE rowid = old.local_id;
    INSERT INTO message_search (rowid, body)
    SELECT new.local_id, body FROM (SELECT rc_search_text(new.object_name, new.content) AS body)
    WHERE body IS NOT NULL;
    INSERT INTO message_grams (rowid, grams)
    SELECT rowid, rc_search_grams(body) FROM message_search WHERE rowid = new.local_id;
END;

CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
    DELETE FROM message_search WHERE rowid = old.local_id;
    DELETE FROM message_grams WHERE rowid = old.local_id;
END;

-- Messages indexed before this version.
INSERT INTO message_grams (rowid, grams)
SELECT rowid, rc_search_grams(body) FROM message_search;
