-- Profiles read from the server (PROTOCOL-NOTES.md, "Profiles"): a user's or a group's
-- name and portrait and when they were read, so names show offline and after a restart,
-- and are read again once stale. `kind`: 1 user, 3 group (the conversation type codes).
CREATE TABLE IF NOT EXISTS profiles (
    kind        INTEGER NOT NULL,
    id          TEXT NOT NULL,
    name        TEXT NOT NULL,
    portrait    TEXT,
    fetched_at  INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
);
