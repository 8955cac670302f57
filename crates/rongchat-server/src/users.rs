//! Accounts: the id rule and issuing login tokens (shared by the library API, the CLI's
//! offline `token` and the Server API's `getToken`).

use crate::clock::now_ms;
use crate::error::{Error, Result};
use crate::shared::Shared;
use crate::store::accounts;

/// Longest user, group or conversation id.
pub const MAX_ID_LEN: usize = 64;

/// Whether `id` is usable as a user, group or conversation id on the wire (looser than
/// [`check_id`]: ids made elsewhere may hold other characters).
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_ID_LEN && !id.chars().any(char::is_control)
}

/// Whether `id` is a valid user or group id: 1..=64 bytes of letters, digits and
/// `+ | = - _` (RongCloud's rule) plus `.` and `@`.
pub fn check_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+|=-_.@".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!("invalid id {id:?}")))
    }
}

/// Creates (or renames) the user and records a login token valid until `expires_ms`.
pub(crate) fn issue_token(
    shared: &Shared,
    user_id: &str,
    name: &str,
    expires_ms: i64,
) -> Result<String> {
    check_id(user_id)?;
    let token = shared.signer.login_token(user_id, expires_ms);
    let now = now_ms();
    shared.store.with(|c| {
        accounts::upsert_user(c, user_id, name, "", now)?;
        accounts::record_token(c, &token, user_id, expires_ms, now)
    })?;
    tracing::info!(user = user_id, expires_ms, "login token issued");
    Ok(token)
}

/// Blocks (until unblocked) or unblocks a user; see [`block_until`].
pub(crate) fn set_blocked(shared: &Shared, user_id: &str, blocked: bool) -> Result<bool> {
    change_block(shared, user_id, blocked, 0)
}

/// Blocks a user until `until` (ms): the block ends by itself. False when there is no
/// such user.
pub(crate) fn block_until(shared: &Shared, user_id: &str, until: i64) -> Result<bool> {
    change_block(shared, user_id, true, until)
}

/// A blocked user's connections are closed; new ones get CONNACK 9 until the block ends.
fn change_block(shared: &Shared, user_id: &str, blocked: bool, until: i64) -> Result<bool> {
    let found = shared
        .store
        .with(|c| accounts::set_blocked(c, user_id, blocked, until))?;
    if found && blocked {
        shared.hub.close_user(user_id);
    }
    if found {
        tracing::info!(user = user_id, blocked, until, "user block changed");
    }
    Ok(found)
}
