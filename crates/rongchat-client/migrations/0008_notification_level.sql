-- The do-not-disturb level itself (the SDK's NotificationLevel: -1 all, 0 not set,
-- 1 @mentions, 2 @me only, 4 @all only, 5 nothing), not only "muted": a level set on
-- another device decides which mentions still notify here. `muted` stays its summary.
ALTER TABLE conversations ADD COLUMN level INTEGER NOT NULL DEFAULT 0;
UPDATE conversations SET level = 1 WHERE muted = 1;
