//! Image bytes for the page, checked by their magic number so nothing but an image reaches
//! an `src` (message pictures are served by the `rongchat-media:` scheme, media_urls.rs).

use base64::Engine;

/// The largest full-size image the page is shown.
pub const MAX_IMAGE_BYTES: u64 = 20 * 1024 * 1024;
/// The largest inline thumbnail (base64 characters) we serve.
const MAX_THUMBNAIL_CHARS: usize = 2_000_000;

/// The image type of some bytes, by their magic number (`image::guess_format`): only the
/// formats the page shows.
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    use image::ImageFormat::{Gif, Jpeg, Png, WebP};
    match image::guess_format(bytes).ok()? {
        format @ (Png | Jpeg | Gif | WebP) => Some(format.to_mime_type()),
        _ => None,
    }
}

/// A base64 thumbnail (from a message content) as its image bytes, or `None` when it is
/// not clean base64 of an image (it is served by media_urls.rs's scheme, not inlined).
pub fn thumbnail_bytes(b64: &str) -> Option<Vec<u8>> {
    let clean: String = b64.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if clean.is_empty() || clean.len() > MAX_THUMBNAIL_CHARS {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&clean)
        .ok()?;
    sniff_image(&bytes)?;
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbnails_must_be_real_images() {
        // A PNG header in base64 (with a line break), and things that are not images.
        assert_eq!(
            thumbnail_bytes("iVBORw0K\nGgo=").unwrap(),
            b"\x89PNG\r\n\x1a\n"
        );
        assert_eq!(thumbnail_bytes("\" onerror=\"alert(1)"), None);
        assert_eq!(thumbnail_bytes("aGVsbG8="), None);
        assert_eq!(thumbnail_bytes(""), None);
    }
}
