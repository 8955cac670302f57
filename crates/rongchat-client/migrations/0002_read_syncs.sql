-- Read states still to tell the server (updRRTime) and this user's other devices
-- (RC:SRSMsg); kept until both were acked, so a read made offline is not lost.
CREATE TABLE read_syncs (
    conv_type INTEGER NOT NULL,
    target_id TEXT NOT NULL,
    read_time INTEGER NOT NULL,
    PRIMARY KEY (conv_type, target_id)
);
