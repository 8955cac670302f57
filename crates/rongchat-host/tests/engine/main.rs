//! The engine process (`rongchat-engine`) end to end: the real binary, its real socket,
//! the embedded server and demo world it starts, a shell's `Link`, and raw frames from a
//! hostile peer. Every wait is bounded.

use base64::Engine as _;
use futures_util::{SinkExt, StreamExt};
use rongchat_host::ipc::link::{CallError, Link, Push};
use rongchat_host::ipc::{ToShell, codec};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::timeout;
use tokio_util::codec::Framed;

/// The longest any one step may take (a first start seeds the demo world).
const STEP: Duration = Duration::from_secs(60);

/// A running engine over a data folder of its own.
struct Engine {
    child: Child,
    socket: PathBuf,
}

impl Engine {
    /// Starts the engine on `data` and waits for its `ready` line.
    async fn start(data: &Path) -> Engine {
        let mut child = spawn(data);
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let line = timeout(STEP, lines.next_line())
            .await
            .expect("the engine says ready in time")
            .expect("its stdout")
            .expect("a line before it ends");
        let socket = PathBuf::from(line.strip_prefix("ready ").expect("a ready line"));
        Engine { child, socket }
    }

    /// SIGTERM, and its exit status.
    async fn stop(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().expect("still running");
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        timeout(STEP, self.child.wait())
            .await
            .expect("the engine stops in time")
            .expect("its status")
    }
}

fn spawn(data: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_rongchat-engine"))
        .env("RONGCHAT_DATA_DIR", data)
        .env_remove("RONGCHAT_ENGINE_SOCKET")
        .env("RONGCHAT_LOG", "info,rongchat_host=debug")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("the engine binary starts")
}

/// Waits for the first event named `name` whose payload `matches`.
async fn event(
    pushes: &mut UnboundedReceiver<Push>,
    name: &str,
    matches: impl Fn(&Value) -> bool,
) -> Value {
    timeout(STEP, async {
        loop {
            match pushes.recv().await.expect("the engine is still there") {
                Push::Event { name: n, payload } if n == name && matches(&payload) => {
                    return payload;
                }
                _ => {}
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no {name} event in time"))
}

#[tokio::test]
async fn a_shell_signs_in_lists_and_chats_through_the_engines_socket() {
    let data = tempfile::tempdir().unwrap();
    let engine = Engine::start(data.path()).await;
    let (link, mut pushes) = Link::connect(&engine.socket).await.expect("connects");

    let status = link.call("session_get", json!({})).await.expect("a status");
    assert_eq!(status["mode"], "demo", "{status}");
    // The demo signs in and catches up.
    let mut synced = false;
    if status["synced"] != true {
        event(&mut pushes, "session-status", |s| s["synced"] == true).await;
        synced = true;
    }
    let list = link
        .call("conversation_list", json!({}))
        .await
        .expect("the list");
    let list = list.as_array().expect("an array");
    assert!(!list.is_empty(), "the demo world has conversations");
    assert!(
        list.iter().any(|c| c["targetId"] == "xiaoqiao"),
        "the demo contact is listed"
    );

    let echo = json!({"conversationType": "private", "targetId": "xiaoqiao"});
    let text = format!("over the socket {synced}");
    let sent = link
        .call("message_send_text", json!({"conv": echo, "text": text}))
        .await
        .expect("sent");
    assert_eq!(sent["senderId"], "daqiao", "{sent}");
    let id = sent["id"].clone();
    event(&mut pushes, "message-updated", |m| {
        m["id"] == id && m["status"] == "sent"
    })
    .await;
    // The demo contact echoes it back.
    event(&mut pushes, "messages-received", |ms| {
        ms.as_array().is_some_and(|ms| {
            ms.iter()
                .any(|m| m["senderId"] == "xiaoqiao" && m.to_string().contains(&text))
        })
    })
    .await;

    // A command's error arrives as the page gets it; a wrong name too.
    let empty = link
        .call("message_send_text", json!({"conv": echo, "text": "  "}))
        .await;
    let Err(CallError::Failed(error)) = empty else {
        panic!("{empty:?}")
    };
    assert_eq!(error["kind"], "invalid", "{error}");
    let unknown = link.call("no_such_command", json!({})).await;
    assert!(
        matches!(unknown, Err(CallError::Failed(ref e)) if e["kind"] == "notFound"),
        "{unknown:?}"
    );

    // A shell's own commands: a dropped file kept, then sent with its progress on a
    // channel, which the host ends once the send no longer needs it; an avatar's bytes.
    let handed = engine.socket.with_file_name("drop-test-1");
    std::fs::write(&handed, b"dropped on the window").unwrap();
    let staged = link
        .call(
            "internal_stage",
            json!({"name": "dropped.txt", "path": handed}),
        )
        .await
        .expect("staged");
    assert_eq!(staged["size"], 21, "{staged}");
    assert!(!handed.exists(), "the handed-over file is removed");
    // Nothing but a handed-over file beside the socket is read.
    let elsewhere = data.path().join("drop-elsewhere");
    std::fs::write(&elsewhere, b"secret").unwrap();
    let refused = link
        .call("internal_stage", json!({"name": "x", "path": elsewhere}))
        .await;
    assert!(
        matches!(refused, Err(CallError::Failed(ref e)) if e["kind"] == "invalid"),
        "{refused:?}"
    );
    assert!(elsewhere.exists(), "not touched");
    let progress = "__CHANNEL__:77";
    link.call(
        "file_send_staged",
        json!({"conv": echo, "staged": staged["staged"], "progress": progress}),
    )
    .await
    .expect("the staged file sent");
    let (mut values, mut ended) = (0, false);
    timeout(STEP, async {
        while !ended {
            match pushes.recv().await.expect("the engine is still there") {
                Push::Channel { channel, .. } if channel == progress => values += 1,
                Push::ChannelEnd { channel } if channel == progress => ended = true,
                _ => {}
            }
        }
    })
    .await
    .expect("the progress channel ends in time");
    assert!(values > 0, "progress came before the channel ended");
    let avatar = link
        .call("internal_avatar", json!({"id": "xiaoqiao"}))
        .await
        .expect("an avatar");
    let png = base64::engine::general_purpose::STANDARD
        .decode(avatar.as_str().expect("base64"))
        .expect("decodes");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");

    assert!(engine.stop().await.success());
    assert!(
        !engine_socket_left(data.path()),
        "the socket is removed on stop"
    );
    // Gone: a call now says so instead of waiting for ever.
    let after = timeout(STEP, link.call("session_get", json!({})))
        .await
        .expect("in time");
    assert_eq!(after, Err(CallError::Gone));
}

fn engine_socket_left(data: &Path) -> bool {
    data.join("run").join("engine.sock").exists()
}

#[tokio::test]
async fn bad_frames_are_refused_and_the_engine_serves_on() {
    let data = tempfile::tempdir().unwrap();
    let engine = Engine::start(data.path()).await;
    let stream = tokio::net::UnixStream::connect(&engine.socket)
        .await
        .unwrap();
    let mut raw = Framed::new(stream, codec());

    for bad in [
        &b"not json"[..],
        br#"{"type":"call","id":"x"}"#,
        br#"{"type":"reply","id":1,"result":{"Ok":1}}"#,
    ] {
        raw.send(bytes::Bytes::copy_from_slice(bad)).await.unwrap();
        let answer = timeout(STEP, next_reply(&mut raw))
            .await
            .expect("answered in time");
        assert!(matches!(answer, ToShell::Refused { .. }), "{answer:?}");
    }
    // The same connection still runs calls.
    let call = json!({"type": "call", "id": 9, "command": "voice_speed_get", "args": {}});
    raw.send(bytes::Bytes::from(call.to_string()))
        .await
        .unwrap();
    let answer = timeout(STEP, next_reply(&mut raw))
        .await
        .expect("answered in time");
    assert_eq!(
        answer,
        ToShell::Reply {
            id: 9,
            result: Ok(json!(1.0))
        }
    );

    // A frame over the limit ends that connection only.
    let mut huge = (u32::try_from(rongchat_host::ipc::MAX_FRAME_BYTES).unwrap() + 1)
        .to_be_bytes()
        .to_vec();
    huge.extend_from_slice(b"{}");
    let mut stream = raw.into_inner();
    tokio::io::AsyncWriteExt::write_all(&mut stream, &huge)
        .await
        .unwrap();
    let mut rest = Vec::new();
    let read = timeout(
        STEP,
        tokio::io::AsyncReadExt::read_to_end(&mut stream, &mut rest),
    )
    .await;
    assert!(read.is_ok(), "the engine closes that connection");
    let (link, _pushes) = Link::connect(&engine.socket)
        .await
        .expect("others still connect");
    assert_eq!(
        link.call("voice_speed_get", json!({})).await,
        Ok(json!(1.0))
    );

    // A second engine on the same folder refuses to start; the first serves on.
    let second = spawn(data.path()).wait_with_output();
    let second = timeout(STEP, second)
        .await
        .expect("it exits in time")
        .unwrap();
    assert!(!second.status.success(), "a second engine exits");
    assert_eq!(
        link.call("voice_speed_get", json!({})).await,
        Ok(json!(1.0))
    );
    assert!(engine.stop().await.success());
}

/// The next frame that is not a page event (the demo's own sign-in pushes those).
async fn next_reply(
    raw: &mut Framed<tokio::net::UnixStream, tokio_util::codec::LengthDelimitedCodec>,
) -> ToShell {
    loop {
        let frame = raw.next().await.expect("a frame").expect("readable");
        let message: ToShell = serde_json::from_slice(&frame).expect("the engine's JSON");
        if !matches!(message, ToShell::Event { .. }) {
            return message;
        }
    }
}

#[tokio::test]
async fn a_shell_that_quits_stops_the_engine() {
    let data = tempfile::tempdir().unwrap();
    let mut engine = Engine::start(data.path()).await;
    let pid_file = engine.socket.with_file_name("engine.pid");
    let pid = std::fs::read_to_string(&pid_file).expect("a pid file beside the socket");
    assert_eq!(Some(pid.trim().parse().unwrap()), engine.child.id());
    let (link, _pushes) = Link::connect(&engine.socket).await.expect("connects");
    // Gone is as good as an answer: it may stop before the answer is out.
    let quit = timeout(STEP, link.call("internal_quit", json!({}))).await;
    assert!(
        matches!(quit, Ok(Ok(_)) | Ok(Err(CallError::Gone))),
        "{quit:?}"
    );
    let status = timeout(STEP, engine.child.wait())
        .await
        .expect("the engine stops in time")
        .expect("its status");
    assert!(status.success(), "{status}");
    assert!(!engine_socket_left(data.path()));
    assert!(!pid_file.exists(), "the pid file goes with it");
}
