//! Files dropped or pasted into a chat. The page hands over their bytes (a web page never
//! learns a dropped file's path, and we take no path from it); they are kept in the
//! account's `outgoing/` folder, where the upload and any later resend read them, and are
//! sent as an image when their bytes are one we can show, else as a file.

use crate::error::{Error, Result};
use crate::models::PickKind;
use rongchat_client::transfer::sanitize_file_name;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The largest file taken in: what the server takes as an upload.
pub const MAX_STAGED_BYTES: u64 = 100 * 1024 * 1024;

/// Hex digits in a staged id (128 bits of a SHA-256).
const ID_LEN: usize = 32;

/// One staged file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staged {
    /// What the page sends back to send it.
    pub id: String,
    /// The file name it will be sent under.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Image or file, from its bytes (not its name).
    pub kind: PickKind,
}

/// Keeps `bytes` as `name` under `dir`. The same name and bytes staged twice are one file.
pub fn stage(dir: &Path, name: &str, bytes: &[u8]) -> Result<Staged> {
    let size = bytes.len() as u64;
    if size == 0 {
        return Err(Error::Invalid("the file is empty".into()));
    }
    if size > MAX_STAGED_BYTES {
        return Err(Error::TooLarge {
            size,
            limit: MAX_STAGED_BYTES,
        });
    }
    let kind = kind_of(bytes);
    let name = file_name(name, bytes);
    let mut hash = Sha256::new();
    hash.update(name.as_bytes());
    hash.update([0]);
    hash.update(bytes);
    let id: String = hash
        .finalize()
        .iter()
        .take(ID_LEN / 2)
        .map(|b| format!("{b:02x}"))
        .collect();
    let folder = dir.join(&id);
    std::fs::create_dir_all(&folder)?;
    let path = folder.join(&name);
    // Written aside and renamed, so a crash never leaves half a file to be sent.
    let partial = folder.join(".partial");
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, &path)?;
    Ok(Staged {
        id,
        name,
        size,
        kind,
    })
}

/// The file of a staged id, and how to send it. Anything but an id we made is refused.
pub fn staged(dir: &Path, id: &str) -> Result<(PathBuf, PickKind)> {
    let valid = id.len() == ID_LEN && id.bytes().all(|b| b.is_ascii_hexdigit());
    if !valid {
        return Err(Error::Invalid("not a staged file".into()));
    }
    let not_found = || Error::NotFound(format!("staged file {id}"));
    let path = std::fs::read_dir(dir.join(id))
        .map_err(|_| not_found())?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.file_name().is_some_and(|n| n != ".partial"))
        .ok_or_else(not_found)?;
    let mut head = [0u8; 32];
    let read = {
        use std::io::Read;
        std::fs::File::open(&path)?.read(&mut head)?
    };
    Ok((path, kind_of(&head[..read])))
}

/// An image when its bytes say PNG, JPEG, GIF or WebP (what the chat shows), else a file.
fn kind_of(bytes: &[u8]) -> PickKind {
    use image::ImageFormat::{Gif, Jpeg, Png, WebP};
    match image::guess_format(bytes) {
        Ok(Png | Jpeg | Gif | WebP) => PickKind::Image,
        _ => PickKind::File,
    }
}

/// A safe name; a pasted screenshot has none, so it gets one with its format's extension.
fn file_name(name: &str, bytes: &[u8]) -> String {
    if name.trim().is_empty() {
        let ext = image::guess_format(bytes)
            .ok()
            .and_then(|f| f.extensions_str().first().copied())
            .unwrap_or("bin");
        return format!("image.{ext}");
    }
    sanitize_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png() -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        image::RgbImage::new(4, 3)
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    }

    #[test]
    fn an_image_is_told_by_its_bytes_not_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let photo = stage(dir.path(), "holiday.dat", &png()).unwrap();
        assert_eq!(photo.kind, PickKind::Image);
        let text = stage(dir.path(), "fake.png", b"not an image").unwrap();
        assert_eq!(text.kind, PickKind::File);
        let (path, kind) = staged(dir.path(), &photo.id).unwrap();
        assert_eq!(kind, PickKind::Image);
        assert_eq!(std::fs::read(path).unwrap(), png());
    }

    #[test]
    fn names_stay_unicode_and_a_pasted_image_gets_one() {
        let dir = tempfile::tempdir().unwrap();
        let report = stage(dir.path(), "我的报告.pdf", b"%PDF-1.4").unwrap();
        assert_eq!(report.name, "我的报告.pdf");
        let (path, _) = staged(dir.path(), &report.id).unwrap();
        assert!(path.ends_with("我的报告.pdf"), "{}", path.display());
        assert_eq!(stage(dir.path(), "", &png()).unwrap().name, "image.png");
        let sneaky = stage(dir.path(), "../../etc/passwd", b"x").unwrap();
        assert!(!sneaky.name.contains('/'), "{}", sneaky.name);
    }

    #[test]
    fn empty_oversized_and_foreign_ids_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            stage(dir.path(), "a", b""),
            Err(Error::Invalid(_))
        ));
        let huge = vec![0u8; MAX_STAGED_BYTES as usize + 1];
        assert!(matches!(
            stage(dir.path(), "a", &huge),
            Err(Error::TooLarge { .. })
        ));
        for id in ["..", "../outgoing", "0123", &"g".repeat(ID_LEN)] {
            assert!(
                matches!(staged(dir.path(), id), Err(Error::Invalid(_))),
                "{id}"
            );
        }
        assert!(matches!(
            staged(dir.path(), &"0".repeat(ID_LEN)),
            Err(Error::NotFound(_))
        ));
    }
}
