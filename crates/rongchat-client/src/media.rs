//! Where a message's media lives: pure functions over a stored [`Message`] that say which
//! file to download (and under what name) or which clip bytes to play. No I/O here: the
//! caller checks the local copy, downloads and reads.

use crate::model::Message;
use base64::Engine;
use rongchat_proto::content::Content;
use std::path::PathBuf;

/// Why a message has no media of the asked kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MediaError {
    /// Not an image, file, music or HQ voice message.
    #[error("this message has no file")]
    NoFile,
    /// Not a music message (only music has a poster).
    #[error("not a music message")]
    NotMusic,
    /// Not a voice message.
    #[error("not a voice message")]
    NotVoice,
    /// The content names no http(s) address to fetch from.
    #[error("the file has no download address")]
    NoAddress,
    /// An inline voice clip that is not valid base64.
    #[error("the voice clip is not valid base64")]
    BadClip,
}

/// A file to download: its URL and the name to keep it under (unique per message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    /// An `http://` or `https://` URL.
    pub url: String,
    /// The local file name.
    pub name: String,
}

/// A voice clip: inline AMR bytes (`RC:VcMsg`), or a file to download (`RC:HQVCMsg`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clip {
    /// The AMR file's bytes, decoded from the content.
    Inline(Vec<u8>),
    /// The uploaded audio.
    Remote(Remote),
}

/// The file this device sent the message from, if it recorded one (it may since be gone).
pub fn local_copy(m: &Message) -> Option<PathBuf> {
    m.local_path.as_deref().map(PathBuf::from)
}

/// The downloadable file of an image, file, music or HQ voice message.
pub fn attachment(m: &Message) -> Result<Remote, MediaError> {
    let uid = stable_id(m);
    let (url, name) = match m.parsed() {
        Content::Image(c) => (c.image_uri, format!("image-{uid}")),
        Content::File(c) => (c.file_url, c.name),
        Content::Music(c) => (c.url, format!("music-{uid}.amr")),
        Content::HqVoice(c) => (c.remote_url, format!("voice-{uid}")),
        _ => return Err(MediaError::NoFile),
    };
    remote(url, name)
}

/// A music message's poster image.
pub fn poster(m: &Message) -> Result<Remote, MediaError> {
    let Content::Music(c) = m.parsed() else {
        return Err(MediaError::NotMusic);
    };
    remote(c.poster, format!("poster-{}", stable_id(m)))
}

/// A voice message's clip.
pub fn voice_clip(m: &Message) -> Result<Clip, MediaError> {
    match m.parsed() {
        // Some senders wrap the base64 in lines.
        Content::Voice(c) => {
            let clean: String = c
                .content
                .chars()
                .filter(|c| !c.is_ascii_whitespace())
                .collect();
            base64::engine::general_purpose::STANDARD
                .decode(clean)
                .map(Clip::Inline)
                .map_err(|_| MediaError::BadClip)
        }
        Content::HqVoice(_) => attachment(m).map(Clip::Remote),
        _ => Err(MediaError::NotVoice),
    }
}

/// The server's id once known, else the local one: names stay stable across devices.
fn stable_id(m: &Message) -> String {
    m.uid.clone().unwrap_or_else(|| m.local_id.to_string())
}

fn remote(url: String, name: String) -> Result<Remote, MediaError> {
    // Anything else (empty, `file:`, `javascript:`) is never fetched.
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(Remote { url, name })
    } else {
        Err(MediaError::NoAddress)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ConversationId, Direction, SendStatus};

    fn message(object_name: &str, content: &str) -> Message {
        Message {
            local_id: 7,
            uid: None,
            conversation: ConversationId::private("u1"),
            sender_id: "u1".into(),
            direction: Direction::Receive,
            object_name: object_name.into(),
            content: content.into(),
            sent_time: 1,
            status: SendStatus::Received,
            failure: None,
            local_path: None,
        }
    }

    #[test]
    fn attachments_by_kind() {
        let image = message("RC:ImgMsg", r#"{"content":"","imageUri":"http://h/i.jpg"}"#);
        assert_eq!(
            attachment(&image),
            Ok(Remote {
                url: "http://h/i.jpg".into(),
                name: "image-7".into()
            })
        );
        let mut file = message(
            "RC:FileMsg",
            r#"{"name":"a.txt","size":1,"fileUrl":"https://h/a"}"#,
        );
        file.uid = Some("UID".into());
        assert_eq!(attachment(&file).map(|r| r.name), Ok("a.txt".into()));
        let music = message(
            "seal:music",
            r#"{"url":"http://h/m","name":"n","author":"a","poster":"http://h/p"}"#,
        );
        assert_eq!(attachment(&music).map(|r| r.name), Ok("music-7.amr".into()));
        assert_eq!(poster(&music).map(|r| r.url), Ok("http://h/p".into()));
        let text = message("RC:TxtMsg", r#"{"content":"hi"}"#);
        assert_eq!(attachment(&text), Err(MediaError::NoFile));
        assert_eq!(poster(&text), Err(MediaError::NotMusic));
    }

    #[test]
    fn only_http_addresses_are_fetched() {
        for url in ["", "file:///etc/passwd", "javascript:alert(1)"] {
            let m = message("RC:ImgMsg", &format!(r#"{{"imageUri":"{url}"}}"#));
            assert_eq!(attachment(&m), Err(MediaError::NoAddress), "{url}");
        }
    }

    #[test]
    fn voice_clips_inline_and_remote() {
        // "#!AMR\n" in base64, wrapped like some senders do.
        let voice = message("RC:VcMsg", r#"{"content":"IyFB\nTVIK","duration":1}"#);
        assert_eq!(voice_clip(&voice), Ok(Clip::Inline(b"#!AMR\n".to_vec())));
        let bad = message("RC:VcMsg", r#"{"content":"!!","duration":1}"#);
        assert_eq!(voice_clip(&bad), Err(MediaError::BadClip));
        let hq = message("RC:HQVCMsg", r#"{"remoteUrl":"http://h/v","duration":2}"#);
        assert_eq!(
            voice_clip(&hq),
            Ok(Clip::Remote(Remote {
                url: "http://h/v".into(),
                name: "voice-7".into()
            }))
        );
        let text = message("RC:TxtMsg", r#"{"content":"hi"}"#);
        assert_eq!(voice_clip(&text), Err(MediaError::NotVoice));
    }

    #[test]
    fn the_local_copy_is_the_sent_path() {
        let mut m = message("RC:FileMsg", r#"{"name":"a","fileUrl":"http://h/a"}"#);
        assert_eq!(local_copy(&m), None);
        m.local_path = Some("/tmp/a".into());
        assert_eq!(local_copy(&m), Some(PathBuf::from("/tmp/a")));
    }
}
