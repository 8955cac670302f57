-- The local server's state. Times are ms since the Unix epoch.

CREATE TABLE apps (
    app_key     TEXT PRIMARY KEY,
    app_secret  TEXT NOT NULL
);

CREATE TABLE users (
    user_id     TEXT PRIMARY KEY,
    name        TEXT NOT NULL DEFAULT '',
    portrait    TEXT NOT NULL DEFAULT '',
    blocked     INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);

-- Issued login tokens (tokens check themselves; this is the record of issue).
CREATE TABLE tokens (
    token_sha1  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL,
    expires_at  INTEGER NOT NULL,
    issued_at   INTEGER NOT NULL
);

-- Every message, once. channel_type is the protobuf ChannelType; target_id is the
-- recipient for private messages and the group for group messages.
CREATE TABLE messages (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    uid              TEXT NOT NULL UNIQUE,
    channel_type     INTEGER NOT NULL,
    from_user        TEXT NOT NULL,
    target_id        TEXT NOT NULL,
    classname        TEXT NOT NULL,
    content          TEXT NOT NULL,
    data_time        INTEGER NOT NULL UNIQUE,
    flags            INTEGER NOT NULL,
    client_unique_id INTEGER,
    extra_content    TEXT,
    push_content     TEXT,
    config_flag      INTEGER,
    option_bits      INTEGER
);

-- Who sees which message, in which conversation: direction 0 received, 1 sent.
CREATE TABLE inbox (
    user_id       TEXT NOT NULL,
    msg_seq       INTEGER NOT NULL REFERENCES messages(seq),
    data_time     INTEGER NOT NULL,
    direction     INTEGER NOT NULL,
    channel_type  INTEGER NOT NULL,
    conv_target   TEXT NOT NULL,
    persisted     INTEGER NOT NULL,
    counted       INTEGER NOT NULL
);
CREATE INDEX inbox_by_time ON inbox (user_id, direction, data_time);
CREATE INDEX inbox_by_conversation ON inbox (user_id, channel_type, conv_target, data_time);

CREATE TABLE conversations (
    user_id       TEXT NOT NULL,
    channel_type  INTEGER NOT NULL,
    target_id     TEXT NOT NULL,
    last_msg_seq  INTEGER REFERENCES messages(seq),
    last_time     INTEGER NOT NULL,
    unread_count  INTEGER NOT NULL DEFAULT 0,
    read_time     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, channel_type, target_id)
);
CREATE INDEX conversations_by_time ON conversations (user_id, last_time);

CREATE TABLE groups (
    group_id    TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE group_members (
    group_id    TEXT NOT NULL REFERENCES groups(group_id),
    user_id     TEXT NOT NULL,
    joined_at   INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
);

CREATE TABLE files (
    key           TEXT PRIMARY KEY,
    owner         TEXT NOT NULL,
    size          INTEGER NOT NULL,
    content_type  TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    sha1          TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

-- Server API nonces seen recently (a reused nonce is refused).
CREATE TABLE nonces (
    nonce    TEXT PRIMARY KEY,
    seen_at  INTEGER NOT NULL
);
