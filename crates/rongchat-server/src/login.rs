//! The login check navi and the gateway share: app key, token, the user's state.

use crate::clock::now_ms;
use crate::error::Error;
use crate::shared::Shared;
use crate::store::{UserState, accounts};

/// Why a login was refused (each caller words it its own way: HTTP 401 or a CONNACK).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The request names another app.
    AppKey,
    /// No token.
    TokenMissing,
    /// The token's expiry is past.
    TokenExpired,
    /// Forged, malformed, for another app, or for a user that does not exist.
    TokenIncorrect,
    /// The store failed.
    Internal,
}

/// A user the token logs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Login {
    pub user_id: String,
    pub blocked: bool,
}

/// Checks `app_key` (when the request gives one) and `token`, then that the user exists.
pub(crate) async fn check(
    shared: &Shared,
    app_key: Option<&str>,
    token: Option<&str>,
) -> Result<Login, Refusal> {
    if app_key.is_some_and(|k| k != shared.config.app_key) {
        return Err(Refusal::AppKey);
    }
    let token = token.ok_or(Refusal::TokenMissing)?;
    let user_id = match shared.signer.check_login(token, now_ms()) {
        Ok(user) => user,
        Err(Error::TokenExpired) => return Err(Refusal::TokenExpired),
        Err(_) => return Err(Refusal::TokenIncorrect),
    };
    let lookup = user_id.clone();
    let state = shared
        .store
        .run(move |c| accounts::user_state(c, &lookup))
        .await
        .map_err(|e| {
            tracing::error!("login lookup failed: {e}");
            Refusal::Internal
        })?;
    match state {
        UserState::Unknown => Err(Refusal::TokenIncorrect),
        UserState::Active => Ok(Login {
            user_id,
            blocked: false,
        }),
        UserState::Blocked => Ok(Login {
            user_id,
            blocked: true,
        }),
    }
}
