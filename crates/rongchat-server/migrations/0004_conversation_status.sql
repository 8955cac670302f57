-- Conversation status per user (PROTOCOL-NOTES.md, "Conversation status: pin and
-- do-not-disturb"): the one record setSeAtt, pullSeAtts and the Server API's
-- conversation/notification/set|get read and write. `level` is the SDK's
-- NotificationLevel (0 not set, 1 only @mentions = muted, 5 nothing, ...); `updated_at`
-- (ms, strictly increasing per user) is the status version the SDK pulls from.
--
-- Written to be harmless if applied twice (IF NOT EXISTS, OR IGNORE), because it landed
-- before 0004: a database that took it as its 4th file takes it again after 0004.
CREATE TABLE IF NOT EXISTS conversation_status (
    user_id       TEXT NOT NULL,
    channel_type  INTEGER NOT NULL,
    target_id     TEXT NOT NULL,
    pinned        INTEGER NOT NULL DEFAULT 0,
    level         INTEGER NOT NULL DEFAULT 0,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (user_id, channel_type, target_id)
);
CREATE INDEX IF NOT EXISTS conversation_status_by_time
    ON conversation_status (user_id, updated_at);

-- The Server API's mutes so far (0003's conversation_mutes, no longer written) become
-- level 1 (only @mentions notify).
INSERT OR IGNORE INTO conversation_status (user_id, channel_type, target_id, level, updated_at)
    SELECT user_id, channel_type, target_id, 1, muted_at FROM conversation_mutes;
