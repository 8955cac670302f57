-- What the Server API adds: timed blocks, blacklists, group gags and muted conversations.

-- A block's end (ms); 0 with blocked = 1 means until unblocked.
ALTER TABLE users ADD COLUMN block_end INTEGER NOT NULL DEFAULT 0;

-- `user_id` refuses private messages from `black_user_id`.
CREATE TABLE blacklist (
    user_id        TEXT NOT NULL,
    black_user_id  TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (user_id, black_user_id)
);

-- A gagged member may not send to the group until `gag_end` (ms).
CREATE TABLE group_gags (
    group_id  TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    gag_end   INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
);

-- Conversations a user muted (do not disturb).
CREATE TABLE conversation_mutes (
    user_id       TEXT NOT NULL,
    channel_type  INTEGER NOT NULL,
    target_id     TEXT NOT NULL,
    muted_at      INTEGER NOT NULL,
    PRIMARY KEY (user_id, channel_type, target_id)
);
