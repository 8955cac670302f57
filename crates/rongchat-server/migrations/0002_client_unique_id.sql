-- A resent message (same sender, target and clientUniqueId, after a lost PUBACK) is
-- answered with the stored copy instead of being stored and delivered again.
CREATE INDEX messages_by_client_id ON messages (from_user, target_id, client_unique_id)
    WHERE client_unique_id IS NOT NULL;
