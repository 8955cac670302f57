-- Messages: received ones keyed by messageUId; local echoes by local_id until acked.
CREATE TABLE messages (
    local_id         INTEGER PRIMARY KEY AUTOINCREMENT,
    uid              TEXT UNIQUE,
    conv_type        INTEGER NOT NULL,
    target_id        TEXT NOT NULL,
    sender_id        TEXT NOT NULL,
    direction        INTEGER NOT NULL,          -- 1 sent by me, 2 received
    object_name      TEXT NOT NULL,
    content          TEXT NOT NULL,
    sent_time        INTEGER NOT NULL,          -- ms; the local clock until acked
    status           INTEGER NOT NULL,          -- 0 sending, 1 sent, 2 failed, 3 received
    counted          INTEGER NOT NULL DEFAULT 0,
    client_unique_id INTEGER,
    fail_reason      TEXT,
    local_path       TEXT
);
CREATE INDEX messages_by_conversation ON messages (conv_type, target_id, sent_time, local_id);
CREATE UNIQUE INDEX messages_by_sender_cuid ON messages (sender_id, client_unique_id)
    WHERE client_unique_id IS NOT NULL;

CREATE TABLE conversations (
    conv_type     INTEGER NOT NULL,
    target_id     TEXT NOT NULL,
    last_local_id INTEGER,
    last_time     INTEGER NOT NULL DEFAULT 0,
    unread        INTEGER NOT NULL DEFAULT 0,
    read_time     INTEGER NOT NULL DEFAULT 0,
    draft         TEXT NOT NULL DEFAULT '',
    pinned        INTEGER NOT NULL DEFAULT 0,
    muted         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (conv_type, target_id)
);

-- Sync cursors (inbox, outbox, broadcast), written with the messages they cover.
CREATE TABLE cursors (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

-- The durable send queue: a row lives from "stored" until acked or failed for good.
CREATE TABLE outbox (
    local_id    INTEGER PRIMARY KEY REFERENCES messages (local_id) ON DELETE CASCADE,
    stage       INTEGER NOT NULL,               -- 0 upload, 1 publish, 2 failed
    upload_path TEXT,
    file_type   INTEGER,
    attempts    INTEGER NOT NULL DEFAULT 0
);
