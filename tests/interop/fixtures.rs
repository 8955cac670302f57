//! What each side sends, and the content fields that must survive the crossing.

use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use rongchat_client::{Client, Event, Message, Outgoing};
use rongchat_proto::content::{Content, HqVoice};
use rongchat_tests::ours::connect_client;
use rongchat_tests::{OracleReport, TestServer};
use serde_json::{Value, json};

/// How long our client may take to connect, a message to cross, an oracle run to end.
pub const CONNECT: Duration = Duration::from_secs(20);
pub const DELIVERY: Duration = Duration::from_secs(30);
pub const RUN_LIMIT: Duration = Duration::from_secs(60);

/// A fresh server with our client connected to it as [`OURS`], its events, and its data
/// dir (removed when dropped).
pub async fn connect_ours() -> (
    TestServer,
    Client,
    tokio::sync::broadcast::Receiver<Event>,
    tempfile::TempDir,
) {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("temp dir");
    let client = connect_client(&server, OURS, &data.path().join("ours"), CONNECT).await;
    let (_, events) = client.subscribe().expect("subscribe");
    (server, client, events, data)
}

/// The official SDK logs in as this user; our client as [`OURS`].
pub const SDK: &str = "sdk";
/// Our client's user.
pub const OURS: &str = "ours";

/// A 1×1 PNG: the SDK's thumbnail (base64, no `data:` prefix) and our client's image file.
pub const PNG_BASE64: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
/// The AMR file magic plus a few frame bytes (base64 of whole 3-byte groups, so our
/// client's re-encoding gives the same text).
pub const AMR_BASE64: &str = "IyFBTVIKPJEXFr5meeHgAeev8AAAAIAAAAAAAAAAAAAAAAAAAAAA";
/// Non-ASCII on purpose: CJK, a 4-byte emoji and markup that must stay text.
pub const SDK_TEXT: &str = "from the SDK — 你好，世界 👋🏽 <b>not html</b>";
/// The SDK's `extra` on its text (a string by the SDK's rules): kept as it came.
pub const SDK_EXTRA: &str = "{\"附加\":1} extra";
/// Our client's text, as demanding.
pub const OUR_TEXT: &str = "from rongchat — 融云 🎵🚀 \"quoted\" & <i>plain</i>";

/// The content fields compared for each message type (the ones the demo shows or uses).
pub fn compared_fields(object_name: &str) -> &'static [&'static str] {
    match object_name {
        "RC:TxtMsg" => &["content"],
        "RC:ImgMsg" => &["content", "imageUri"],
        "RC:VcMsg" => &["content", "duration"],
        "RC:HQVCMsg" => &["remoteUrl", "duration"],
        "RC:FileMsg" => &["name", "size", "type", "fileUrl"],
        "seal:music" => &["url", "name", "author", "poster"],
        other => panic!("no compared fields for {other}"),
    }
}

/// Whether our client parsed a content as the type its object name says (not `Unknown`).
pub fn parsed_as_its_type(message: &Message) -> bool {
    matches!(
        (message.object_name.as_str(), message.parsed()),
        ("RC:TxtMsg", Content::Text(_))
            | ("RC:ImgMsg", Content::Image(_))
            | ("RC:VcMsg", Content::Voice(_))
            | ("RC:HQVCMsg", Content::HqVoice(_))
            | ("RC:FileMsg", Content::File(_))
            | ("seal:music", Content::Music(_))
    )
}

/// The custom type the demo registers, for the SDK's `register` list.
pub fn register_music() -> Value {
    json!([{ "objectName": "seal:music", "persisted": true, "counted": true }])
}

/// One message the SDK sends to our client: (objectName, scenario step, the content fields
/// our client must see).
pub struct SdkSend {
    pub object_name: &'static str,
    pub step: Value,
    pub expected: Value,
}

/// The six types, SDK → ours. `files` is a URL prefix on the local server.
pub fn sdk_sends(files: &str) -> Vec<SdkSend> {
    let image = format!("{files}/sdk-photo.jpg");
    let hq = format!("{files}/sdk-voice.aac");
    let file = format!("{files}/sdk-notes.txt");
    let music = json!({
        "url": format!("{files}/sdk-song.mp3"), "name": "歌 Song ♪", "author": "Someone 某人",
        "poster": format!("{files}/sdk-poster.jpg"),
    });
    let send = |object_name, step: Value, expected: Value| SdkSend {
        object_name,
        step,
        expected,
    };
    vec![
        send(
            "RC:TxtMsg",
            json!({ "op": "sendText", "to": OURS, "text": SDK_TEXT, "extra": SDK_EXTRA }),
            json!({ "content": SDK_TEXT, "extra": SDK_EXTRA }),
        ),
        send(
            "RC:ImgMsg",
            json!({ "op": "sendImage", "to": OURS, "thumbnailBase64": PNG_BASE64, "imageUri": image }),
            json!({ "content": PNG_BASE64, "imageUri": image }),
        ),
        send(
            "RC:VcMsg",
            json!({ "op": "sendVoice", "to": OURS, "amrBase64": AMR_BASE64, "duration": 3 }),
            json!({ "content": AMR_BASE64, "duration": 3 }),
        ),
        send(
            "RC:HQVCMsg",
            json!({ "op": "sendHQVoice", "to": OURS, "remoteUrl": hq, "duration": 7 }),
            json!({ "remoteUrl": hq, "duration": 7 }),
        ),
        send(
            "RC:FileMsg",
            json!({ "op": "sendFile", "to": OURS, "name": "报告 notes.txt", "size": 1234, "fileType": "txt", "fileUrl": file }),
            json!({ "name": "报告 notes.txt", "size": 1234, "type": "txt", "fileUrl": file }),
        ),
        send(
            "seal:music",
            json!({ "op": "sendCustom", "to": OURS, "objectName": "seal:music", "content": music }),
            music,
        ),
    ]
}

/// The local files our client sends (an image and a file, both uploaded by it).
pub struct OurFiles {
    pub image: std::path::PathBuf,
    pub image_bytes: Vec<u8>,
    pub file: std::path::PathBuf,
    pub file_bytes: Vec<u8>,
}

impl OurFiles {
    pub fn write(dir: &Path) -> OurFiles {
        let image_bytes = BASE64
            .decode(PNG_BASE64)
            .expect("the PNG constant is base64");
        let image = dir.join("photo.png");
        std::fs::write(&image, &image_bytes).expect("write the image");
        // Bytes that are not text, so a lossy transfer shows.
        let file_bytes: Vec<u8> = (0..40_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
            .collect();
        let file = dir.join("rongchat-notes.txt");
        std::fs::write(&file, &file_bytes).expect("write the file");
        OurFiles {
            image,
            image_bytes,
            file,
            file_bytes,
        }
    }
}

/// The six types, ours → SDK: (objectName, what our client sends).
pub fn our_sends(files: &OurFiles, url_prefix: &str) -> Vec<(&'static str, Outgoing)> {
    vec![
        ("RC:TxtMsg", Outgoing::Text(OUR_TEXT.to_owned())),
        ("RC:ImgMsg", Outgoing::Image(files.image.clone())),
        (
            "RC:VcMsg",
            Outgoing::Voice {
                amr: BASE64
                    .decode(AMR_BASE64)
                    .expect("the AMR constant is base64"),
                duration: 3,
            },
        ),
        (
            "RC:HQVCMsg",
            Outgoing::Content(Content::HqVoice(HqVoice {
                remote_url: format!("{url_prefix}/ours-voice.aac"),
                duration: 5,
                format: Some("aac".to_owned()),
                ..Default::default()
            })),
        ),
        ("RC:FileMsg", Outgoing::File(files.file.clone())),
        (
            "seal:music",
            Outgoing::Music {
                url: format!("{url_prefix}/ours-song.mp3"),
                name: "曲 Tune 🎶".to_owned(),
                author: "Band 乐队".to_owned(),
                poster: format!("{url_prefix}/ours-poster.jpg"),
            },
        ),
    ]
}

/// Our stored content JSON, parsed.
#[track_caller]
pub fn our_json(message: &Message) -> Value {
    serde_json::from_str(&message.content).unwrap_or_else(|e| {
        panic!(
            "our {} content is not JSON ({e}): {}",
            message.object_name, message.content
        )
    })
}

/// [`ensure_same_fields`] of our stored message and a message the SDK reported.
#[track_caller]
pub fn ensure_same_content(report: &OracleReport, what: &str, mine: &Message, theirs: &Value) {
    ensure_same_fields(
        report,
        what,
        &mine.object_name,
        &theirs["content"],
        &our_json(mine),
    );
}

/// Panics (with the SDK transcript) unless every compared field of `theirs` equals
/// the same field of `ours`, and none is missing.
#[track_caller]
pub fn ensure_same_fields(
    report: &OracleReport,
    what: &str,
    object_name: &str,
    theirs: &Value,
    ours: &Value,
) {
    for field in compared_fields(object_name) {
        report.ensure(
            !ours[*field].is_null() && theirs[*field] == ours[*field],
            format!(
                "{what}: content.{field} is {} on one side and {} on the other",
                theirs[*field], ours[*field]
            ),
        );
    }
}
