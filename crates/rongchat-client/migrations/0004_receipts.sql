-- Read receipts (PROTOCOL-NOTES.md, "Read receipts").

-- Private chats, per peer: how far the peer has read our messages (their RC:ReadNtf's
-- lastMessageSendTime), and our own receipt to them: the newest of their messages we
-- read (told_*) and how far the server acked it (acked_time). told_time > acked_time is
-- a receipt still to send, kept across restarts and offline periods.
CREATE TABLE private_receipts (
    target_id      TEXT PRIMARY KEY,
    peer_read_time INTEGER NOT NULL DEFAULT 0,
    told_uid       TEXT NOT NULL DEFAULT '',
    told_time      INTEGER NOT NULL DEFAULT 0,
    acked_time     INTEGER NOT NULL DEFAULT 0
);

-- Group receipt requests we received (RC:RRReqMsg): answered (RC:RRRspMsg) once this
-- user read the group past the asked message.
CREATE TABLE receipt_requests (
    group_id     TEXT NOT NULL,
    message_uid  TEXT NOT NULL,
    asker_id     TEXT NOT NULL,
    message_time INTEGER NOT NULL,   -- the asked message's time (the request's if not held)
    state        INTEGER NOT NULL,   -- 0 not read yet, 1 to answer, 2 answered
    PRIMARY KEY (group_id, message_uid)
);
CREATE INDEX receipt_requests_by_state ON receipt_requests (state, group_id);

-- Our group messages that asked for receipts, and the members who answered.
CREATE TABLE receipt_asked (
    message_uid TEXT PRIMARY KEY,
    group_id    TEXT NOT NULL,
    asked_time  INTEGER NOT NULL
);
CREATE TABLE receipt_readers (
    message_uid TEXT NOT NULL REFERENCES receipt_asked (message_uid) ON DELETE CASCADE,
    reader_id   TEXT NOT NULL,
    read_at     INTEGER NOT NULL,
    PRIMARY KEY (message_uid, reader_id)
);
