//! The signing headers of a Server API request:
//! `Signature = hex(SHA1(AppSecret + Nonce + Timestamp))` in headers `App-Key`, `Nonce`,
//! `Timestamp`, `Signature` (or their `rc-` spellings). Timestamps in seconds or ms, at most
//! 5 minutes off, written strictly (10 or 13 digits, no sign, no leading zero) so one
//! captured signature cannot be replayed under a second spelling; nonces are 1..=64
//! characters of `[A-Za-z0-9._-]` (the SDKs send digits, Java's a decimal fraction).

use super::error::ApiError;
use axum::http::HeaderMap;
use sha1::{Digest, Sha1};

/// How far a request's timestamp may be from the server's clock.
pub const MAX_CLOCK_SKEW_MS: i64 = 5 * 60 * 1000;
/// Longest nonce.
const MAX_NONCE_LEN: usize = 64;

/// The signing headers of a request.
#[derive(Clone, PartialEq, Eq)]
pub struct Signed {
    /// App-Key.
    pub app_key: String,
    /// Nonce.
    pub nonce: String,
    /// Timestamp, as sent.
    pub timestamp: String,
    /// Signature, hex.
    pub signature: String,
}

// Never print the signature: with its nonce and timestamp it is a replayable grant.
impl std::fmt::Debug for Signed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signed {{ app_key: {:?}, .. }}", self.app_key)
    }
}

fn header<'a>(headers: &'a HeaderMap, names: [&str; 2]) -> Option<&'a str> {
    names
        .iter()
        .find_map(|n| headers.get(*n))
        .and_then(|v| v.to_str().ok())
}

impl Signed {
    /// Reads the headers in either spelling (`App-Key` or `rc-app-key`, ...).
    pub fn from_headers(headers: &HeaderMap) -> Result<Self, ApiError> {
        let app_key = header(headers, ["app-key", "rc-app-key"]).ok_or(ApiError::AppKey)?;
        let get = |names| header(headers, names).ok_or(ApiError::Signature);
        Ok(Self {
            app_key: app_key.to_owned(),
            nonce: get(["nonce", "rc-nonce"])?.to_owned(),
            timestamp: get(["timestamp", "rc-timestamp"])?.to_owned(),
            signature: get(["signature", "rc-signature"])?.to_owned(),
        })
    }

    /// Checks app key, signature and timestamp against `now_ms` (the nonce is checked
    /// separately, against the store).
    pub fn verify(&self, app_key: &str, secret: &str, now_ms: i64) -> Result<(), ApiError> {
        if self.app_key != app_key {
            return Err(ApiError::AppKey);
        }
        if !valid_nonce(&self.nonce) {
            return Err(ApiError::Signature);
        }
        let expected = sign(secret, &self.nonce, &self.timestamp);
        if !constant_time_eq(
            expected.as_bytes(),
            self.signature.to_ascii_lowercase().as_bytes(),
        ) {
            return Err(ApiError::Signature);
        }
        let ts_ms = timestamp_ms(&self.timestamp).ok_or(ApiError::Timestamp)?;
        if (now_ms - ts_ms).abs() > MAX_CLOCK_SKEW_MS {
            return Err(ApiError::Timestamp);
        }
        Ok(())
    }
}

fn valid_nonce(nonce: &str) -> bool {
    !nonce.is_empty()
        && nonce.len() <= MAX_NONCE_LEN
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// The timestamp in ms: exactly 10 digits (seconds) or 13 (ms), not starting with 0.
fn timestamp_ms(raw: &str) -> Option<i64> {
    let digits = raw.bytes().all(|b| b.is_ascii_digit());
    if !digits || raw.starts_with('0') {
        return None;
    }
    let n: i64 = raw.parse().ok()?;
    match raw.len() {
        10 => Some(n * 1000),
        13 => Some(n),
        _ => None,
    }
}

/// `hex(SHA1(secret + nonce + timestamp))`, lowercase.
pub fn sign(secret: &str, nonce: &str, timestamp: &str) -> String {
    let mut hasher = Sha1::new();
    hasher.update(secret.as_bytes());
    hasher.update(nonce.as_bytes());
    hasher.update(timestamp.as_bytes());
    hex::encode(hasher.finalize())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(ts: &str, secret: &str) -> Signed {
        Signed {
            app_key: "k".into(),
            nonce: "n1".into(),
            timestamp: ts.into(),
            signature: sign(secret, "n1", ts),
        }
    }

    const NOW: i64 = 1_795_628_855_000;

    #[test]
    fn seconds_and_milliseconds_are_both_accepted() {
        assert_eq!(check("1795628855", "s", "k"), Ok(()));
        assert_eq!(check("1795628855000", "s", "k"), Ok(()));
    }

    /// `verify` of a request with timestamp `ts`, signed with `secret`, on app `key`.
    fn check(ts: &str, secret: &str, key: &str) -> Result<(), ApiError> {
        signed(ts, secret).verify(key, "s", NOW)
    }

    #[test]
    fn stale_timestamps_are_refused() {
        // 301 s early, 301 s late (in ms), 299 s early, not a number.
        assert_eq!(check("1795628554", "s", "k"), Err(ApiError::Timestamp));
        assert_eq!(check("1795629156000", "s", "k"), Err(ApiError::Timestamp));
        assert_eq!(check("1795628556", "s", "k"), Ok(()));
        assert_eq!(check("soon", "s", "k"), Err(ApiError::Timestamp));
    }

    #[test]
    fn other_spellings_of_a_timestamp_and_bad_nonces_are_refused() {
        for ts in [
            "01795628855",
            "+1795628855",
            " 1795628855",
            "1795628855 ",
            "179562885500",
        ] {
            assert_eq!(check(ts, "s", "k"), Err(ApiError::Timestamp), "{ts:?}");
        }
        for nonce in ["", "a b", "n\u{e9}", &"n".repeat(65)] {
            let mut s = signed("1795628855", "s");
            s.nonce = nonce.to_owned();
            s.signature = sign("s", nonce, "1795628855");
            assert_eq!(
                s.verify("k", "s", NOW),
                Err(ApiError::Signature),
                "{nonce:?}"
            );
        }
        let mut java = signed("1795628855", "s");
        java.nonce = "472613.0918".into();
        java.signature = sign("s", &java.nonce, "1795628855");
        assert_eq!(java.verify("k", "s", NOW), Ok(()));
    }

    #[test]
    fn wrong_secret_or_key_is_refused() {
        assert_eq!(check("1795628855", "other", "k"), Err(ApiError::Signature));
        assert_eq!(check("1795628855", "s", "k2"), Err(ApiError::AppKey));
        let mut upper = signed("1795628855", "s");
        upper.signature = upper.signature.to_ascii_uppercase();
        assert_eq!(upper.verify("k", "s", NOW), Ok(()));
    }

    #[test]
    fn known_signature() {
        // sha1("secret" + "nonce" + "1") computed independently.
        assert_eq!(sign("secret", "nonce", "1").len(), 40);
        assert_eq!(sign("", "", ""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    }
}
