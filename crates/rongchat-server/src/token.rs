//! Login and upload tokens: self-checking strings signed with the app secret.
//!
//! Login: `b64(userId).expiryMs.b64(HMAC-SHA256(secret, "login", appKey, userId, expiry))`.
//! Upload: `b64(userId).b64(key).expiryMs.b64(HMAC(..., "upload", ...))`; an empty key
//! means any key. base64url without padding, so tokens need no escaping in URLs or forms.

use crate::error::{Error, Result};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Signs and checks tokens for one app.
#[derive(Clone)]
pub struct Signer {
    app_key: String,
    secret: Vec<u8>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret.
        f.debug_struct("Signer")
            .field("app_key", &self.app_key)
            .finish_non_exhaustive()
    }
}

/// What a valid upload token allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadGrant {
    /// Who may upload.
    pub user_id: String,
    /// The only key they may write, or `None` for any key.
    pub key: Option<String>,
}

impl Signer {
    /// A signer for `app_key` with `secret`.
    pub fn new(app_key: &str, secret: &str) -> Self {
        Self {
            app_key: app_key.to_owned(),
            secret: secret.as_bytes().to_vec(),
        }
    }

    fn mac(&self, parts: &[&[u8]]) -> HmacSha256 {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = match HmacSha256::new_from_slice(&self.secret) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC takes any key length"),
        };
        mac.update(self.app_key.as_bytes());
        for part in parts {
            mac.update(&[0]);
            mac.update(part);
        }
        mac
    }

    /// A login token for `user_id` valid until `expires_ms`.
    pub fn login_token(&self, user_id: &str, expires_ms: i64) -> String {
        let expiry = expires_ms.to_string();
        let tag = self
            .mac(&[b"login", user_id.as_bytes(), expiry.as_bytes()])
            .finalize()
            .into_bytes();
        format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(user_id),
            expiry,
            URL_SAFE_NO_PAD.encode(tag)
        )
    }

    /// The user a login token names, if it is genuine and not expired at `now_ms`.
    pub fn check_login(&self, token: &str, now_ms: i64) -> Result<String> {
        let mut parts = token.split('.');
        let (Some(user), Some(expiry), Some(tag), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Error::InvalidToken);
        };
        let user_id = decode_text(user)?;
        let tag = URL_SAFE_NO_PAD
            .decode(tag)
            .map_err(|_| Error::InvalidToken)?;
        self.mac(&[b"login", user_id.as_bytes(), expiry.as_bytes()])
            .verify_slice(&tag)
            .map_err(|_| Error::InvalidToken)?;
        let expires: i64 = expiry.parse().map_err(|_| Error::InvalidToken)?;
        if expires <= now_ms {
            return Err(Error::TokenExpired);
        }
        Ok(user_id)
    }

    /// An upload token for `user_id`, limited to `key` when given.
    pub fn upload_token(&self, user_id: &str, key: Option<&str>, expires_ms: i64) -> String {
        let key = key.unwrap_or("");
        let expiry = expires_ms.to_string();
        let tag = self
            .mac(&[
                b"upload",
                user_id.as_bytes(),
                key.as_bytes(),
                expiry.as_bytes(),
            ])
            .finalize()
            .into_bytes();
        format!(
            "{}.{}.{}.{}",
            URL_SAFE_NO_PAD.encode(user_id),
            URL_SAFE_NO_PAD.encode(key),
            expiry,
            URL_SAFE_NO_PAD.encode(tag)
        )
    }

    /// What an upload token allows, if it is genuine and not expired at `now_ms`.
    pub fn check_upload(&self, token: &str, now_ms: i64) -> Result<UploadGrant> {
        let mut parts = token.split('.');
        let (Some(user), Some(key), Some(expiry), Some(tag), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(Error::InvalidToken);
        };
        let user_id = decode_text(user)?;
        let key = decode_text(key)?;
        let tag = URL_SAFE_NO_PAD
            .decode(tag)
            .map_err(|_| Error::InvalidToken)?;
        self.mac(&[
            b"upload",
            user_id.as_bytes(),
            key.as_bytes(),
            expiry.as_bytes(),
        ])
        .verify_slice(&tag)
        .map_err(|_| Error::InvalidToken)?;
        let expires: i64 = expiry.parse().map_err(|_| Error::InvalidToken)?;
        if expires <= now_ms {
            return Err(Error::TokenExpired);
        }
        Ok(UploadGrant {
            user_id,
            key: (!key.is_empty()).then_some(key),
        })
    }
}

fn decode_text(part: &str) -> Result<String> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| Error::InvalidToken)?;
    String::from_utf8(bytes).map_err(|_| Error::InvalidToken)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_token_round_trip_and_expiry() {
        let signer = Signer::new("app", "secret");
        let token = signer.login_token("alice", 2_000);
        assert_eq!(signer.check_login(&token, 1_999).unwrap(), "alice");
        assert!(matches!(
            signer.check_login(&token, 2_000),
            Err(Error::TokenExpired)
        ));
    }

    #[test]
    fn forged_or_foreign_tokens_fail() {
        let signer = Signer::new("app", "secret");
        let token = signer.login_token("alice", 2_000);
        let other_app = Signer::new("app2", "secret");
        assert!(matches!(
            other_app.check_login(&token, 0),
            Err(Error::InvalidToken)
        ));
        let forged = token.replacen("YWxpY2U", "Ym9i", 1); // alice -> bob
        assert!(matches!(
            signer.check_login(&forged, 0),
            Err(Error::InvalidToken)
        ));
        assert!(signer.check_login("garbage", 0).is_err());
        assert!(signer.check_login("a.b.c.d", 0).is_err());
        // An upload token is not a login token.
        let upload = signer.upload_token("alice", None, 2_000);
        assert!(signer.check_login(&upload, 0).is_err());
    }

    #[test]
    fn upload_token_binds_user_and_key() {
        let signer = Signer::new("app", "secret");
        let token = signer.upload_token("alice", Some("1__a.png"), 5_000);
        assert_eq!(
            signer.check_upload(&token, 10).unwrap(),
            UploadGrant {
                user_id: "alice".into(),
                key: Some("1__a.png".into())
            }
        );
        assert!(signer.check_upload(&token, 5_000).is_err());
        let any = signer.upload_token("bob", None, 5_000);
        assert_eq!(signer.check_upload(&any, 10).unwrap().key, None);
    }
}
