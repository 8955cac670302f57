//! Bytes as `data:` URLs for the page (its CSP allows `data:` images and media only), with
//! images checked by their magic number so nothing but an image reaches an `src`.

use crate::error::{Error, Result};
use base64::Engine;

/// The largest image we inline as a data URL.
pub const MAX_IMAGE_BYTES: u64 = 20 * 1024 * 1024;
/// The largest inline thumbnail (base64 characters) we pass on.
const MAX_THUMBNAIL_CHARS: usize = 2_000_000;

/// Bytes as a data URL of the given image/audio type.
pub fn data_url(mime: &str, bytes: &[u8]) -> String {
    let engine = base64::engine::general_purpose::STANDARD;
    format!("data:{mime};base64,{}", engine.encode(bytes))
}

/// The image type of some bytes, by their magic number (`image::guess_format`): only the
/// formats the page shows.
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    use image::ImageFormat::{Gif, Jpeg, Png, WebP};
    match image::guess_format(bytes).ok()? {
        format @ (Png | Jpeg | Gif | WebP) => Some(format.to_mime_type()),
        _ => None,
    }
}

/// A base64 thumbnail (from a message content) as a data URL, or `None` when it is not
/// clean base64 of an image.
pub fn thumbnail_url(b64: &str) -> Option<String> {
    let clean: String = b64.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if clean.is_empty() || clean.len() > MAX_THUMBNAIL_CHARS {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&clean)
        .ok()?;
    let mime = sniff_image(&bytes)?;
    Some(format!("data:{mime};base64,{clean}"))
}

/// An image file as a data URL; only real images (by magic number) pass.
pub fn image_file(path: &std::path::Path) -> Result<String> {
    let size = std::fs::metadata(path)?.len();
    if size > MAX_IMAGE_BYTES {
        return Err(Error::TooLarge {
            size,
            limit: MAX_IMAGE_BYTES,
        });
    }
    let bytes = std::fs::read(path)?;
    let mime = sniff_image(&bytes).ok_or_else(|| Error::Invalid("not an image".into()))?;
    Ok(data_url(mime, &bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbnails_must_be_real_images() {
        // A PNG header in base64, and things that are not images.
        assert!(
            thumbnail_url("iVBORw0KGgo=")
                .unwrap()
                .starts_with("data:image/png;base64,")
        );
        assert_eq!(thumbnail_url("\" onerror=\"alert(1)"), None);
        assert_eq!(thumbnail_url("aGVsbG8="), None);
        assert_eq!(thumbnail_url(""), None);
    }

    #[test]
    fn image_files_by_magic_number() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("a.png");
        std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0").unwrap();
        assert!(
            image_file(&png)
                .unwrap()
                .starts_with("data:image/png;base64,")
        );
        let text = dir.path().join("a.txt");
        std::fs::write(&text, "hello").unwrap();
        assert_eq!(image_file(&text).unwrap_err().kind(), "invalid");
    }
}
