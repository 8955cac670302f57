//! Building outgoing message contents (thumbnails, base64 voice, file metadata) and the
//! `UpStreamMessage` that carries them.

use crate::error::{Error, Result};
use crate::model::FileType;
use base64::Engine;
use rongchat_proto::content::{self, Content, persistence_of};
use rongchat_proto::mention::{Mention, SESSION_MENTIONED};
use rongchat_proto::pb;
use std::io::Cursor;
use std::path::Path;

/// The longest thumbnail side, px (the SDK's canvas limit).
pub const THUMBNAIL_MAX: u32 = 160;

/// What the application wants to send.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Outgoing {
    /// `RC:TxtMsg`.
    Text(String),
    /// `RC:TxtMsg` in a group with `mentionedInfo`: @ everyone or the listed members.
    TextMentioning {
        /// The text, with the "@name " parts as typed.
        text: String,
        /// Who is mentioned.
        mention: Mention,
    },
    /// `RC:ImgMsg`: a local image file (JPEG or PNG); thumbnail inline, full image uploaded.
    Image(std::path::PathBuf),
    /// `RC:FileMsg`: a local file, uploaded.
    File(std::path::PathBuf),
    /// `RC:VcMsg`: AMR-NB bytes sent inline, with the duration in seconds.
    Voice {
        /// The AMR file's bytes (with its `#!AMR\n` header).
        amr: Vec<u8>,
        /// Whole seconds.
        duration: u64,
    },
    /// `seal:music`: the demo's music card.
    Music {
        /// Audio URL.
        url: String,
        /// Title.
        name: String,
        /// Artist.
        author: String,
        /// Cover URL.
        poster: String,
    },
    /// Any content already built.
    Content(Content),
}

/// A content ready to store, plus the file to upload first (path, FileType).
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The content (without its upload URL yet).
    pub content: Content,
    /// The file to upload before publishing.
    pub upload: Option<(String, FileType)>,
}

/// Turns what the caller gave into a content (reads files, makes thumbnails).
pub fn prepare(outgoing: Outgoing) -> Result<Prepared> {
    Ok(match outgoing {
        Outgoing::Text(text) => Prepared {
            content: Content::Text(content::Text {
                content: text,
                ..Default::default()
            }),
            upload: None,
        },
        Outgoing::TextMentioning { text, mention } => Prepared {
            content: Content::Text(content::Text {
                content: text,
                common: content::Common {
                    mentioned_info: Some(mention.to_value()),
                    ..Default::default()
                },
            }),
            upload: None,
        },
        Outgoing::Image(path) => {
            let bytes = std::fs::read(&path)?;
            let (thumb, width, height) = thumbnail(&bytes)?;
            Prepared {
                content: Content::Image(content::Image {
                    content: thumb,
                    image_uri: String::new(),
                    thum_width: Some(u64::from(width)),
                    thum_height: Some(u64::from(height)),
                    ..Default::default()
                }),
                upload: Some((path_string(&path)?, FileType::Image)),
            }
        }
        Outgoing::File(path) => {
            let size = std::fs::metadata(&path)?.len();
            let name = file_name(&path)?;
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .filter(|e| !e.is_empty())
                .unwrap_or("bin")
                .to_owned();
            Prepared {
                content: Content::File(content::File {
                    name,
                    size,
                    file_type: ext,
                    file_url: String::new(),
                    ..Default::default()
                }),
                upload: Some((path_string(&path)?, FileType::File)),
            }
        }
        Outgoing::Voice { amr, duration } => Prepared {
            content: Content::Voice(content::Voice {
                content: base64::engine::general_purpose::STANDARD.encode(amr),
                duration,
                ..Default::default()
            }),
            upload: None,
        },
        Outgoing::Music {
            url,
            name,
            author,
            poster,
        } => Prepared {
            content: Content::Music(content::Music {
                url,
                name,
                author,
                poster,
                ..Default::default()
            }),
            upload: None,
        },
        Outgoing::Content(content) => Prepared {
            content,
            upload: None,
        },
    })
}

/// A JPEG thumbnail of at most 160 px per side, base64 without a `data:` prefix, turned
/// upright by the photo's EXIF orientation. Any format the image crate reads (JPEG, PNG,
/// GIF's first frame, WebP) is taken, by its bytes rather than its file name.
pub fn thumbnail(image_bytes: &[u8]) -> Result<(String, u32, u32)> {
    use image::ImageDecoder;
    let mut decoder = image::ImageReader::new(Cursor::new(image_bytes))
        .with_guessed_format()?
        .into_decoder()?;
    let orientation = decoder.orientation()?;
    let mut image = image::DynamicImage::from_decoder(decoder)?;
    image.apply_orientation(orientation);
    let thumb = image.thumbnail(THUMBNAIL_MAX, THUMBNAIL_MAX).to_rgb8();
    let (width, height) = thumb.dimensions();
    let mut jpeg = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 75).encode_image(&thumb)?;
    Ok((
        base64::engine::general_purpose::STANDARD.encode(jpeg.into_inner()),
        width,
        height,
    ))
}

/// Puts the uploaded file's URL into the content JSON, by file type.
pub fn with_url(content_json: &str, kind: FileType, url: &str) -> Result<String> {
    let mut value: serde_json::Value = serde_json::from_str(content_json)
        .map_err(|e| Error::InvalidArgument(format!("stored content is not JSON: {e}")))?;
    let field = kind.url_field();
    if let Some(object) = value.as_object_mut() {
        object.insert(field.to_owned(), serde_json::Value::String(url.to_owned()));
    }
    Ok(value.to_string())
}

/// The `UpStreamMessage` for a stored message.
pub fn upstream(object_name: &str, content: &str, client_unique_id: i64) -> pb::UpStreamMessage {
    // The SDK sets its isMentioned bit exactly when the content carries a mention.
    let mentioned = if Mention::from_content_json(content).is_some() {
        SESSION_MENTIONED
    } else {
        0
    };
    pb::UpStreamMessage {
        session_id: persistence_of(object_name).bits() | mentioned,
        classname: object_name.to_owned(),
        content: content.to_owned(),
        // 2 = "NOT isFilerWhiteBlacklist", what the SDK sends (§7).
        config_flag: Some(2),
        client_unique_id: Some(client_unique_id),
        option_bits: Some(0),
        ..Default::default()
    }
}

fn file_name(path: &Path) -> Result<String> {
    path.file_name()
        .and_then(|n| n.to_str())
        .map(str::to_owned)
        .ok_or_else(|| Error::InvalidArgument(format!("no file name in {}", path.display())))
}

fn path_string(path: &Path) -> Result<String> {
    path.to_str()
        .map(str::to_owned)
        .ok_or_else(|| Error::InvalidArgument(format!("path is not UTF-8: {}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbnails_fit_160_and_keep_the_aspect() {
        let image = image::RgbImage::from_fn(640, 320, |x, y| image::Rgb([x as u8, y as u8, 9]));
        let mut png = Cursor::new(Vec::new());
        image.write_to(&mut png, image::ImageFormat::Png).unwrap();
        let (b64, w, h) = thumbnail(png.get_ref()).unwrap();
        assert_eq!((w, h), (160, 80));
        let jpeg = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "a JPEG");
        assert!(thumbnail(b"not an image").is_err());
    }

    /// `jpeg` with an EXIF APP1 segment saying "rotate 90° clockwise" (orientation 6).
    fn with_exif_orientation_6(jpeg: &[u8]) -> Vec<u8> {
        let tiff: &[u8] = &[
            b'M', b'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF, IFD at 8
            0, 1, // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, // Orientation, SHORT, 1, value 6
            0, 0, 0, 0, // no next IFD
        ];
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(tiff);
        let len = u16::try_from(app1.len() + 2).unwrap().to_be_bytes();
        let mut out = jpeg[..2].to_vec(); // SOI
        out.extend_from_slice(&[0xFF, 0xE1, len[0], len[1]]);
        out.extend_from_slice(&app1);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn photo_thumbnails_follow_exif_orientation() {
        let image = image::RgbImage::from_fn(320, 160, |x, _| image::Rgb([x as u8, 0, 0]));
        let mut jpeg = Cursor::new(Vec::new());
        image.write_to(&mut jpeg, image::ImageFormat::Jpeg).unwrap();
        let (_, w, h) = thumbnail(&with_exif_orientation_6(jpeg.get_ref())).unwrap();
        assert_eq!(
            (w, h),
            (80, 160),
            "a landscape sensor image shown upright as portrait"
        );
    }

    #[test]
    fn gif_and_webp_images_get_thumbnails() {
        let image =
            image::RgbaImage::from_fn(200, 100, |x, y| image::Rgba([x as u8, y as u8, 0, 255]));
        for format in [image::ImageFormat::Gif, image::ImageFormat::WebP] {
            let mut bytes = Cursor::new(Vec::new());
            image.write_to(&mut bytes, format).unwrap();
            let (_, w, h) =
                thumbnail(bytes.get_ref()).unwrap_or_else(|e| panic!("{format:?}: {e}"));
            assert_eq!((w, h), (160, 80), "{format:?}");
        }
    }

    #[test]
    fn urls_land_in_the_right_field() {
        let json = with_url(r#"{"name":"a.txt","size":1}"#, FileType::File, "http://u").unwrap();
        let Content::File(f) = Content::parse("RC:FileMsg", &json).unwrap() else {
            panic!("not a file")
        };
        assert_eq!((f.file_url.as_str(), f.size), ("http://u", 1));
        let json = with_url(r#"{"content":"t"}"#, FileType::Image, "http://i").unwrap();
        assert!(json.contains(r#""imageUri":"http://i""#));
    }

    #[test]
    fn voice_is_base64_amr() {
        let p = prepare(Outgoing::Voice {
            amr: b"#!AMR\n".to_vec(),
            duration: 3,
        })
        .unwrap();
        assert_eq!(
            p.content.to_json(),
            r#"{"content":"IyFBTVIK","duration":3}"#
        );
        assert_eq!(upstream("RC:VcMsg", "{}", 9).session_id, 3);
        assert_eq!(upstream("RC:SRSMsg", "{}", 9).session_id, 0);
    }

    #[test]
    fn a_mention_sets_the_sessions_mentioned_bit() {
        let p = prepare(Outgoing::TextMentioning {
            text: "@小乔 hi".into(),
            mention: Mention::users(["xiaoqiao".to_owned()]),
        })
        .unwrap();
        let json = p.content.to_json();
        assert_eq!(
            json,
            r#"{"content":"@小乔 hi","mentionedInfo":{"type":2,"userIdList":["xiaoqiao"]}}"#
        );
        assert_eq!(upstream("RC:TxtMsg", &json, 9).session_id, 3 | 4);
        assert_eq!(upstream("RC:TxtMsg", r#"{"content":"x"}"#, 9).session_id, 3);
    }
}
