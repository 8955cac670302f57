use rongchat_proto::pb::{self, Required};
use rongchat_proto::{Body, Frame, Layout, Side};
use serde_json::Value;
use std::path::PathBuf;

fn shared_dir() -> PathBuf {
    std::env::var_os("RONGCHAT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

struct Captured {
    file: String,
    line: usize,
    from: Side,
    layout: Layout,
    bytes: Vec<u8>,
    pb_name: Option<String>,
}

/// Reads every frame of every capture, with its direction and the CONNACK layout of the
/// connection it belongs to (from the `protocolVer` of the WebSocket URL).
fn captured_frames() -> Vec<Captured> {
    let dir = shared_dir().join("protocol/captures");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("captures at {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 4,
        "expected the four capture files in {}",
        dir.display()
    );
    let mut frames = Vec::new();
    for path in files {
        let mut layout = Layout::V3;
        for (i, line) in std::fs::read_to_string(&path).unwrap().lines().enumerate() {
            let v: Value = serde_json::from_str(line).unwrap();
            let kind = v
                .get("kind")
                .or_else(|| v.get("trace"))
                .and_then(Value::as_str);
            if let Some(url) = v
                .get("url")
                .or_else(|| v.get("query"))
                .and_then(Value::as_str)
                && url.contains("protocolVer=")
            {
                layout = if url.contains("protocolVer=4") {
                    Layout::V4
                } else {
                    Layout::V3
                };
            }
            let Some(hex) = v.get("hex").and_then(Value::as_str) else {
                continue;
            };
            let from = match kind {
                Some("ws-out" | "ws-recv") => Side::Server,
                Some("ws-in" | "ws-sent") => Side::Client,
                other => panic!("{}:{}: unknown direction {other:?}", path.display(), i + 1),
            };
            let note_name = v
                .get("note")
                .and_then(Value::as_str)
                .and_then(|n| n.split("-> ").nth(1))
                .map(str::to_owned);
            frames.push(Captured {
                file: path.file_name().unwrap().to_string_lossy().into_owned(),
                line: i + 1,
                from,
                layout,
                bytes: hex::decode(hex).unwrap(),
                pb_name: v
                    .get("pbName")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .or(note_name),
            });
        }
    }
    frames
}

#[test]
fn every_captured_frame_round_trips() {
    let frames = captured_frames();
    assert!(frames.len() > 100, "only {} frames found", frames.len());
    let mut kinds = std::collections::BTreeSet::new();
    for f in &frames {
        let frame = Frame::decode(&f.bytes, f.from, f.layout)
            .unwrap_or_else(|e| panic!("{}:{}: {e}", f.file, f.line));
        kinds.insert(frame.body.command());
        let again = frame.encode().unwrap();
        assert_eq!(
            hex::encode(&again),
            hex::encode(&f.bytes),
            "{}:{}",
            f.file,
            f.line
        );
    }
    // CONNACK, PUBLISH, PUBACK, QUERY, QUERYACK, PING, PONG and DISCONNECT all appear.
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        vec![2, 3, 4, 5, 6, 12, 13, 14]
    );
}

fn check_payload<M: Required + PartialEq>(payload: &[u8], at: &str) {
    let msg: M = pb::decode_checked(payload).unwrap_or_else(|e| panic!("{at}: {e}"));
    assert_eq!(
        hex::encode(msg.encode_to_vec()),
        hex::encode(payload),
        "{at}: {}",
        M::NAME
    );
}

#[test]
fn captured_payloads_decode_and_re_encode() {
    let mut checked = 0;
    for f in captured_frames() {
        let frame = Frame::decode(&f.bytes, f.from, f.layout).unwrap();
        let payload = match &frame.body {
            Body::Publish(p) => &p.payload[..],
            Body::Query(q) => &q.payload[..],
            Body::QueryAck(q) => &q.payload[..],
            _ => continue,
        };
        let at = format!("{}:{}", f.file, f.line);
        let name = match (&frame.body, f.pb_name.as_deref()) {
            (Body::Publish(p), _) if p.topic == "s_ntf" => "NotifyMsg",
            (Body::Publish(p), _) if p.topic == "s_msg" => "DownStreamMessage",
            (_, Some(name)) => name,
            _ => continue,
        };
        match name {
            "UpStreamMessage" => check_payload::<pb::UpStreamMessage>(payload, &at),
            "DownStreamMessage" => check_payload::<pb::DownStreamMessage>(payload, &at),
            "DownStreamMessages" => check_payload::<pb::DownStreamMessages>(payload, &at),
            "SyncRequestMsg" => check_payload::<pb::SyncRequestMsg>(payload, &at),
            "NotifyMsg" => check_payload::<pb::NotifyMsg>(payload, &at),
            "HistoryMsgInput" => check_payload::<pb::HistoryMsgInput>(payload, &at),
            "HistoryMsgOuput" => check_payload::<pb::HistoryMsgOuput>(payload, &at),
            "RelationQryInput" => check_payload::<pb::RelationQryInput>(payload, &at),
            "RelationsOutput" => check_payload::<pb::RelationsOutput>(payload, &at),
            "GetQNupTokenInput" => check_payload::<pb::GetQNupTokenInput>(payload, &at),
            "GetQNupTokenOutput" => check_payload::<pb::GetQNupTokenOutput>(payload, &at),
            "GetDownloadUrlInput" => check_payload::<pb::GetDownloadUrlInput>(payload, &at),
            "GetDownloadUrlOutput" => check_payload::<pb::GetDownloadUrlOutput>(payload, &at),
            "SessionReq" => check_payload::<pb::SessionReq>(payload, &at),
            "SessionStates" => check_payload::<pb::SessionStates>(payload, &at),
            "PullUserSettingInput" => check_payload::<pb::PullUserSettingInput>(payload, &at),
            "PullUserSettingOutput" => check_payload::<pb::PullUserSettingOutput>(payload, &at),
            "QueryMsgChange" => check_payload::<pb::QueryMsgChange>(payload, &at),
            "EventChangeList" => check_payload::<pb::EventChangeList>(payload, &at),
            "PullModifyMsgReq" => check_payload::<pb::PullModifyMsgReq>(payload, &at),
            "PullModifyMsgResp" => check_payload::<pb::PullModifyMsgResp>(payload, &at),
            "BotInput" => check_payload::<pb::BotInput>(payload, &at),
            "BotOutput" => check_payload::<pb::BotOutput>(payload, &at),
            "ReportSDKInput" => check_payload::<pb::ReportSdkInput>(payload, &at),
            "(empty)" => assert!(payload.is_empty(), "{at}"),
            other => panic!("{at}: no check for payload type {other}"),
        }
        checked += 1;
    }
    assert!(checked > 80, "only {checked} payloads checked");
}
