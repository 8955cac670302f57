//! Avatars served to the page through the `rongchat-avatar:` URI scheme: a DTO carries a
//! short URL (`rongchat-avatar://localhost/user/<id>`) instead of the picture as a data:
//! URL, so each avatar's bytes live once in the backend (the directory) and once in
//! WebKit's cache, not in every DTO, DOM node and event. Anything the directory does not
//! hold, or a malformed URL, gets a 404; nothing here panics on input. This module is the
//! URL's shape and the answer; `avatar_scheme.rs` serves it from the session.

use http::{Response, StatusCode, header};
use std::borrow::Cow;

/// The scheme's name (the CSP's img-src allows it).
pub const SCHEME: &str = "rongchat-avatar";

/// What the URL names: a user's or a group's avatar (the directory keys both by id).
const KINDS: [&str; 2] = ["user", "group"];

/// How long the page may keep an avatar without asking again (they change rarely; a
/// session switch keeps the URL shape, the directory answers for the session of the day).
const CACHE_CONTROL: &str = "private, max-age=3600";

/// The URL the page loads `id`'s avatar from (WebKitGTK and WKWebView take the scheme
/// as it is; WebView2 and Android's webview reach custom schemes over http).
pub fn url(kind: &str, id: &str) -> String {
    let base = if cfg!(any(windows, target_os = "android")) {
        format!("http://{SCHEME}.localhost")
    } else {
        format!("{SCHEME}://localhost")
    };
    format!("{base}/{kind}/{}", encode(id))
}

/// The id a request's path names (`/<kind>/<percent-encoded id>`), if well formed.
pub fn parse(path: &str) -> Option<String> {
    let rest = path.strip_prefix('/')?;
    let (kind, id) = rest.split_once('/')?;
    if !KINDS.contains(&kind) || id.is_empty() || id.contains('/') {
        return None;
    }
    decode(id)
}

/// The answer for some picture bytes (a PNG, JPEG, GIF or WebP by its magic number), or
/// a 404 when there are none or they are not an image.
pub fn response(bytes: Option<&[u8]>) -> Response<Cow<'static, [u8]>> {
    image_response(bytes, CACHE_CONTROL)
}

/// The same with the page's cache kept for `cache_control` (media_urls.rs serves
/// message pictures, which never change under their URL, with this).
pub fn image_response(
    bytes: Option<&[u8]>,
    cache_control: &'static str,
) -> Response<Cow<'static, [u8]>> {
    let found = bytes.and_then(|b| crate::dataurl::sniff_image(b).map(|mime| (mime, b)));
    let built = match found {
        Some((mime, b)) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, mime)
            .header(header::CACHE_CONTROL, cache_control)
            .body(Cow::Owned(b.to_vec())),
        None => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .header(header::CACHE_CONTROL, "no-store")
            .body(Cow::Borrowed(&[][..])),
    };
    // The builder fails only on invalid header values; ours are constants.
    built.unwrap_or_else(|_| Response::new(Cow::Borrowed(&[][..])))
}

/// Percent-encodes all but RFC 3986's unreserved characters.
fn encode(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Undoes [`encode`] (any %XX is accepted); `None` for a broken escape or non-UTF-8.
fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_the_id_and_parse_back() {
        for id in ["daqiao", "用户 1/../x", "a%b?c#d", "-._~"] {
            let url = url("user", id);
            let path = url.strip_prefix("rongchat-avatar://localhost").unwrap();
            assert!(!path[1..].contains(['?', '#', ' ']), "{url}");
            assert_eq!(parse(path).as_deref(), Some(id), "{url}");
        }
        assert_eq!(
            url("group", "taoyuan"),
            "rongchat-avatar://localhost/group/taoyuan"
        );
    }

    #[test]
    fn malformed_paths_name_nothing() {
        for path in [
            "",
            "/",
            "/user",
            "/user/",
            "/other/daqiao",
            "/user/a/b",
            "/user/%",
            "/user/%4",
            "/user/%zz",
            "/user/%ff",
            "user/daqiao",
            "/user/%E4%B8",
        ] {
            assert_eq!(parse(path), None, "{path:?}");
        }
    }

    #[test]
    fn a_picture_is_served_with_its_type_and_caching_anything_else_is_a_404() {
        let png = crate::demo::art::avatar_png("daqiao").unwrap();
        let ok = response(Some(&png));
        assert_eq!(ok.status(), StatusCode::OK);
        assert_eq!(ok.headers()[header::CONTENT_TYPE], "image/png");
        assert!(
            ok.headers()[header::CACHE_CONTROL]
                .to_str()
                .unwrap()
                .contains("max-age")
        );
        assert_eq!(&ok.body()[..], &png[..]);
        for bytes in [None, Some(&b""[..]), Some(&b"<svg onload=alert(1)>"[..])] {
            let missing = response(bytes);
            assert_eq!(missing.status(), StatusCode::NOT_FOUND);
            assert!(missing.body().is_empty());
        }
    }
}
