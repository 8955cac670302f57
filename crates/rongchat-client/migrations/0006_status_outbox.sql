-- Pins and mutes made on this device, kept until the server acked (or refused) them, so
-- a change made offline goes out on the next connect (PROTOCOL-NOTES.md, "Conversation
-- status"). `pinned`/`level` NULL = not changed; `seq` grows with each change so an ack
-- only clears the change it carried.
--
-- Safe to apply twice (IF NOT EXISTS): it landed before 0005, so a database that took it
-- as its 5th file takes it again once 0005 exists.
CREATE TABLE IF NOT EXISTS status_outbox (
    conv_type  INTEGER NOT NULL,
    target_id  TEXT NOT NULL,
    pinned     INTEGER,
    level      INTEGER,
    seq        INTEGER NOT NULL,
    PRIMARY KEY (conv_type, target_id)
);
