//! Message pictures served to the page through the `rongchat-media:` URI scheme, as the
//! avatars are (avatars.rs): a DTO carries a short URL instead of the picture as a data:
//! URL, so a thumbnail's bytes are not copied into every DTO, event, JS string and `src`,
//! and WebKit caches what it decoded. The URL names a message by its local id and a tag of
//! what it shows (a hash of the thumbnail, or of the content and local copy for a full
//! image or a music poster): the handler (media_scheme.rs) serves only a message of the signed-in session
//! whose tag still matches, so a URL never shows another account's or a reused id's
//! picture, and the page may cache it for good. This module is the URL's shape and check.

use sha2::{Digest, Sha256};

/// The scheme's name (the CSP's img-src allows it).
pub const SCHEME: &str = "rongchat-media";

/// How long the page may keep a picture: for good, since its URL changes with it.
pub const CACHE_CONTROL: &str = "private, max-age=31536000, immutable";

/// What a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    /// An image message's inline thumbnail (from its content).
    Thumb,
    /// An image message's full-size picture (our copy, or downloaded once).
    Image,
    /// A music message's poster (downloaded once).
    Poster,
}

impl What {
    fn name(self) -> &'static str {
        match self {
            What::Thumb => "thumb",
            What::Image => "image",
            What::Poster => "poster",
        }
    }
}

/// A parsed request: which picture of which message, and the tag it was handed out with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// What is asked for.
    pub what: What,
    /// The message's local id.
    pub local_id: i64,
    /// The tag in the URL (16 hex digits).
    pub tag: String,
}

/// Hex digits of the tag: 64 bits of SHA-256 (only a cache key, checked against the
/// message on every request).
const TAG_LEN: usize = 16;

/// The tag of `parts` (the thumbnail's bytes, or the content and the local copy's path).
pub fn tag(parts: &[&[u8]]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part);
    }
    hash.finalize()
        .iter()
        .take(TAG_LEN / 2)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The tag of a picture fetched for a message (full-size image, poster): its content
/// (which names the upload) and our local copy.
pub fn image_tag(m: &rongchat_client::Message) -> String {
    let local = m.local_path.as_deref().unwrap_or_default();
    tag(&[
        m.object_name.as_bytes(),
        m.content.as_bytes(),
        local.as_bytes(),
    ])
}

/// The URL the page loads `what` of message `local_id` from (WebKitGTK and WKWebView
/// take the scheme as it is; WebView2 and Android's webview reach custom schemes over
/// http).
pub fn url(what: What, local_id: i64, tag: &str) -> String {
    let base = if cfg!(any(windows, target_os = "android")) {
        format!("http://{SCHEME}.localhost")
    } else {
        format!("{SCHEME}://localhost")
    };
    format!("{base}/{}/{local_id}/{tag}", what.name())
}

/// The request a path names (`/<thumb|image|poster>/<local id>/<tag>`), if well formed: a
/// positive decimal id and a tag of lowercase hex digits, nothing else.
pub fn parse(path: &str) -> Option<Request> {
    let mut parts = path.strip_prefix('/')?.split('/');
    let what = match parts.next()? {
        "thumb" => What::Thumb,
        "image" => What::Image,
        "poster" => What::Poster,
        _ => return None,
    };
    let id = parts.next()?;
    let tag = parts.next()?;
    if parts.next().is_some()
        || id.is_empty()
        || id.len() > 19
        || !id.bytes().all(|b| b.is_ascii_digit())
        || tag.len() != TAG_LEN
        || !tag.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return None;
    }
    let local_id = id.parse().ok().filter(|&n: &i64| n > 0)?;
    Some(Request {
        what,
        local_id,
        tag: tag.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_back_to_what_they_name() {
        let tag = tag(&[b"thumbnail bytes"]);
        assert_eq!(tag.len(), TAG_LEN);
        for what in [What::Thumb, What::Image, What::Poster] {
            let url = url(what, 42, &tag);
            let path = url.strip_prefix("rongchat-media://localhost").unwrap();
            assert_eq!(
                parse(path),
                Some(Request {
                    what,
                    local_id: 42,
                    tag: tag.clone()
                })
            );
        }
        assert_eq!(
            url(What::Thumb, 7, "0123456789abcdef"),
            "rongchat-media://localhost/thumb/7/0123456789abcdef"
        );
    }

    #[test]
    fn tags_follow_the_parts_and_their_bounds() {
        assert_ne!(tag(&[b"a"]), tag(&[b"b"]));
        assert_ne!(tag(&[b"ab", b""]), tag(&[b"a", b"b"]));
        assert_eq!(tag(&[b"a", b"b"]), tag(&[b"a", b"b"]));
    }

    #[test]
    fn malformed_paths_name_nothing() {
        let ok = "0123456789abcdef";
        for path in [
            String::new(),
            "/".into(),
            format!("/thumb/1/{ok}/"),
            format!("/thumb/1/{ok}/x"),
            format!("/other/1/{ok}"),
            format!("/thumb//{ok}"),
            format!("/thumb/0/{ok}"),
            format!("/thumb/-1/{ok}"),
            format!("/thumb/+1/{ok}"),
            format!("/thumb/99999999999999999999/{ok}"),
            format!("/thumb/..%2F..%2Fetc/{ok}"),
            format!("/thumb/../{ok}"),
            "/thumb/1".into(),
            "/thumb/1/0123456789ABCDEF".into(),
            "/thumb/1/0123456789abcde".into(),
            "/thumb/1/0123456789abcdefa".into(),
            "/thumb/1/%30123456789abcdef".into(),
            format!("thumb/1/{ok}"),
        ] {
            assert_eq!(parse(&path), None, "{path:?}");
        }
    }
}
