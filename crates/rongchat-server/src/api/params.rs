//! A Server API request's parameters: a form body (keys repeat: `toUserId=a&toUserId=b`) or
//! a JSON object (arrays become repeated keys), read with RongCloud's checks.

use super::error::ApiError;
use crate::form;
use crate::users;
use axum::http::{HeaderMap, header};
use serde_json::Value;

/// The parameters of one call, in order.
#[derive(Debug, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Reads a form body, or a JSON object when the body is JSON (the Python SDK sends
    /// `{}` for calls without parameters).
    pub fn parse(headers: &HeaderMap, body: &[u8]) -> Result<Self, ApiError> {
        let json_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().contains("json"));
        let looks_json = body.trim_ascii_start().first() == Some(&b'{');
        if !(json_type || looks_json) {
            return Ok(Self {
                pairs: form::parse(body),
            });
        }
        let value: Value = serde_json::from_slice(body).map_err(|_| ApiError::Param("body"))?;
        let Value::Object(map) = value else {
            return Err(ApiError::Param("body"));
        };
        let mut pairs = Vec::new();
        for (key, value) in map {
            match value {
                Value::Array(items) => pairs.extend(
                    items
                        .into_iter()
                        .filter_map(|v| scalar(v).map(|s| (key.clone(), s))),
                ),
                other => pairs.extend(scalar(other).map(|s| (key, s))),
            }
        }
        Ok(Self { pairs })
    }

    /// Parameters from pairs (tests).
    #[cfg(test)]
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Self {
        Self {
            pairs: pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    /// The first value of `key`.
    pub fn first(&self, key: &str) -> Option<&str> {
        form::first(&self.pairs, key)
    }

    /// Every value of `key`.
    pub fn all(&self, key: &str) -> Vec<&str> {
        form::all(&self.pairs, key)
    }

    /// Every pair, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// A parameter that must be present and not empty.
    pub fn required(&self, key: &'static str) -> Result<&str, ApiError> {
        self.first(key)
            .filter(|v| !v.is_empty())
            .ok_or(ApiError::Missing(key))
    }

    /// A required user or group id (RongCloud's id rule).
    pub fn id(&self, key: &'static str) -> Result<&str, ApiError> {
        let value = self.required(key)?;
        users::check_id(value).map_err(|_| ApiError::Param(key))?;
        Ok(value)
    }

    /// A repeated id parameter: 1..=`max` values, every one valid.
    pub fn ids(&self, key: &'static str, max: usize) -> Result<Vec<String>, ApiError> {
        let values = self.all(key);
        if values.iter().all(|v| v.is_empty()) {
            return Err(ApiError::Missing(key));
        }
        if values.len() > max || values.iter().any(|v| users::check_id(v).is_err()) {
            return Err(ApiError::Param(key));
        }
        Ok(values.into_iter().map(str::to_owned).collect())
    }

    /// An optional text of at most `max` bytes.
    pub fn text(&self, key: &'static str, max: usize) -> Result<Option<&str>, ApiError> {
        match self.first(key) {
            Some(v) if v.len() > max => Err(ApiError::TooLong(key)),
            other => Ok(other),
        }
    }

    /// An optional 0/1 flag (`true`/`false` too: the Python SDK sends `True`).
    pub fn flag(&self, key: &'static str, default: bool) -> Result<bool, ApiError> {
        match self.first(key) {
            None => Ok(default),
            Some("1") => Ok(true),
            Some("0") => Ok(false),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
            Some(_) => Err(ApiError::Param(key)),
        }
    }

    /// An optional integer within `min..=max` (decimal digits, optional leading `-`).
    pub fn int(&self, key: &'static str, min: i64, max: i64) -> Result<Option<i64>, ApiError> {
        let Some(raw) = self.first(key) else {
            return Ok(None);
        };
        let digits = raw.strip_prefix('-').unwrap_or(raw);
        if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::Param(key));
        }
        match raw.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(ApiError::Param(key)),
        }
    }

    /// A required integer within `min..=max` (absent or empty: missing).
    pub fn required_int(&self, key: &'static str, min: i64, max: i64) -> Result<i64, ApiError> {
        self.required(key)?;
        self.int(key, min, max)?.ok_or(ApiError::Missing(key))
    }
}

fn scalar(value: Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s),
        Value::Bool(b) => Some(if b { "1" } else { "0" }.to_owned()),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_bodies_become_pairs() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
        let p = Params::parse(
            &headers,
            br#"{"userId":"u","toUserId":["a","b"],"isPersisted":0,"x":true}"#,
        )
        .unwrap();
        assert_eq!(p.first("userId"), Some("u"));
        assert_eq!(p.all("toUserId"), ["a", "b"]);
        assert_eq!(p.int("isPersisted", 0, 1), Ok(Some(0)));
        assert_eq!(p.flag("x", false), Ok(true));
        assert!(Params::parse(&headers, b"[1]").is_err());
        assert!(Params::parse(&HeaderMap::new(), b"{nope").is_err());
    }

    #[test]
    fn typed_values_are_checked() {
        let p = Params::from_pairs(&[("minute", "+5"), ("m2", "10"), ("f", "yes")]);
        assert_eq!(p.int("minute", 0, 10), Err(ApiError::Param("minute")));
        assert_eq!(p.int("m2", 0, 9), Err(ApiError::Param("m2")));
        assert_eq!(p.flag("f", false), Err(ApiError::Param("f")));
        assert_eq!(
            p.required_int("nothing", 0, 1),
            Err(ApiError::Missing("nothing"))
        );
        assert_eq!(
            Params::from_pairs(&[("ids", ""), ("ids", "")]).ids("ids", 5),
            Err(ApiError::Missing("ids"))
        );
    }
}
