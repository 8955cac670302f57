//! Apps, users, issued tokens and Server API nonces.

use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// What the gateway needs to know about a user at login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserState {
    /// No such user.
    Unknown,
    /// May connect.
    Active,
    /// Blocked by the operator: CONNACK 9.
    Blocked,
}

/// How long a Server API nonce is remembered (longer than the 5-minute timestamp window).
const NONCE_MEMORY_MS: i64 = 15 * 60 * 1000;

/// Records the app's key and secret (the CLI's `token` command reads them back).
pub fn upsert_app(conn: &Connection, app_key: &str, secret: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO apps (app_key, app_secret) VALUES (?1, ?2)
         ON CONFLICT(app_key) DO UPDATE SET app_secret = excluded.app_secret",
        params![app_key, secret],
    )?;
    Ok(())
}

/// The app to sign with: `app_key` if given, else the first one recorded.
pub fn find_app(conn: &Connection, app_key: Option<&str>) -> Result<Option<(String, String)>> {
    let row = match app_key {
        Some(key) => conn
            .query_row(
                "SELECT app_key, app_secret FROM apps WHERE app_key = ?1",
                [key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?,
        None => conn
            .query_row(
                "SELECT app_key, app_secret FROM apps ORDER BY rowid LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?,
    };
    Ok(row)
}

/// Creates the user, or renames them when `name` is not empty.
pub fn upsert_user(
    conn: &Connection,
    user_id: &str,
    name: &str,
    portrait: &str,
    now: i64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO users (user_id, name, portrait, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(user_id) DO UPDATE SET
           name = CASE WHEN excluded.name = '' THEN users.name ELSE excluded.name END,
           portrait = CASE WHEN excluded.portrait = '' THEN users.portrait ELSE excluded.portrait END",
        params![user_id, name, portrait, now],
    )?;
    Ok(())
}

/// Records an issued token (by its SHA-1, never the token itself).
pub fn record_token(
    conn: &Connection,
    token: &str,
    user_id: &str,
    expires: i64,
    now: i64,
) -> Result<()> {
    use sha1::{Digest, Sha1};
    let digest = hex::encode(Sha1::digest(token.as_bytes()));
    conn.execute(
        "INSERT OR REPLACE INTO tokens (token_sha1, user_id, expires_at, issued_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![digest, user_id, expires, now],
    )?;
    Ok(())
}

/// Whether the user exists and may connect now.
pub fn user_state(conn: &Connection, user_id: &str) -> Result<UserState> {
    user_state_at(conn, user_id, crate::clock::now_ms())
}

/// Whether the user exists and may connect at `now` (a timed block ends by itself).
pub fn user_state_at(conn: &Connection, user_id: &str, now: i64) -> Result<UserState> {
    let row: Option<(bool, i64)> = conn
        .query_row(
            "SELECT blocked, block_end FROM users WHERE user_id = ?1",
            [user_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match row {
        None => UserState::Unknown,
        Some((true, end)) if end == 0 || end > now => UserState::Blocked,
        Some(_) => UserState::Active,
    })
}

/// Blocks (until `until` ms, 0 = until unblocked) or unblocks a user; false if there is no
/// such user.
pub fn set_blocked(conn: &Connection, user_id: &str, blocked: bool, until: i64) -> Result<bool> {
    let n = conn.execute(
        "UPDATE users SET blocked = ?2, block_end = ?3 WHERE user_id = ?1",
        params![user_id, blocked, if blocked { until } else { 0 }],
    )?;
    Ok(n > 0)
}

/// Users blocked at `now`, with their block's end (0 = until unblocked).
pub fn blocked_users(conn: &Connection, now: i64) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT user_id, block_end FROM users
         WHERE blocked = 1 AND (block_end = 0 OR block_end > ?1) ORDER BY user_id",
    )?;
    let rows = stmt
        .query_map([now], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A user's profile as the Server API reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Display name.
    pub name: String,
    /// Portrait URI.
    pub portrait: String,
    /// Creation time, ms.
    pub created_at: i64,
}

/// The user's profile, if the user exists.
pub fn profile(conn: &Connection, user_id: &str) -> Result<Option<Profile>> {
    Ok(conn
        .query_row(
            "SELECT name, portrait, created_at FROM users WHERE user_id = ?1",
            [user_id],
            |r| {
                Ok(Profile {
                    name: r.get(0)?,
                    portrait: r.get(1)?,
                    created_at: r.get(2)?,
                })
            },
        )
        .optional()?)
}

/// Changes the name and/or portrait of an existing user; false if there is no such user.
pub fn refresh_user(
    conn: &Connection,
    user_id: &str,
    name: Option<&str>,
    portrait: Option<&str>,
) -> Result<bool> {
    let n = conn.execute(
        "UPDATE users SET name = COALESCE(?2, name), portrait = COALESCE(?3, portrait)
         WHERE user_id = ?1",
        params![user_id, name, portrait],
    )?;
    Ok(n > 0)
}

/// Remembers `nonce`; false if it was already seen recently. Forgets old nonces.
pub fn claim_nonce(conn: &Connection, nonce: &str, now: i64) -> Result<bool> {
    conn.execute(
        "DELETE FROM nonces WHERE seen_at < ?1",
        [now - NONCE_MEMORY_MS],
    )?;
    let inserted = conn.execute(
        "INSERT OR IGNORE INTO nonces (nonce, seen_at) VALUES (?1, ?2)",
        params![nonce, now],
    )?;
    Ok(inserted == 1)
}
