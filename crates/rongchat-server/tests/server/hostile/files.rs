//! Uploads checked before a byte is written, temporary files cleaned up, and downloads that
//! are never served as pages.

use crate::support::{Fixture, http, multipart, upload_token};
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Bytes of every file under `dir` (uploads and temporaries).
fn bytes_on_disk(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn temp_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            name.to_string_lossy().starts_with(".upload-")
        })
        .count()
}

/// POSTs `body` while reading the answer, so a server that answers early and closes does
/// not fail the test; returns the status and the bytes on disk when the answer came.
async fn post_early(addr: SocketAddr, ct: &str, body: Vec<u8>, files: &Path) -> (u16, u64) {
    let tcp = TcpStream::connect(addr).await.unwrap();
    let (mut rd, mut wr) = tcp.into_split();
    let head = format!(
        "POST /upload HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {ct}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let writer = tokio::spawn(async move {
        let _ = wr.write_all(head.as_bytes()).await;
        let _ = wr.write_all(&body).await;
    });
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    let status = loop {
        let n = tokio::time::timeout(Duration::from_secs(10), rd.read(&mut buf))
            .await
            .expect("no answer")
            .unwrap_or(0);
        assert!(n > 0, "closed without an answer");
        raw.extend_from_slice(&buf[..n]);
        if let Some(line) = raw
            .split(|b| *b == b'\n')
            .next()
            .filter(|_| raw.contains(&b'\n'))
        {
            let line = String::from_utf8_lossy(line);
            break line.split(' ').nth(1).unwrap().parse().unwrap();
        }
    };
    let on_disk = bytes_on_disk(files);
    writer.abort();
    (status, on_disk)
}

#[tokio::test]
async fn upload_tokens_are_checked_before_the_file() {
    let fx = Fixture::start().await;
    let files = fx.dir.path().join("files");
    let file = vec![7u8; 16 << 20];

    // A bogus token, then 16 MiB.
    let (ct, body) = multipart(
        &[("token", "bogus")],
        Some(("a.bin", "application/octet-stream", &file)),
    );
    let (status, on_disk) = post_early(fx.addr(), &ct, body, &files).await;
    eprintln!(
        "upload with a bogus token and 16 MiB: {status}, {on_disk} bytes on disk at the answer"
    );
    assert_eq!(status, 401);
    assert_eq!(on_disk, 0);

    // The file before any token.
    let (ct, body) = multipart(&[], Some(("a.bin", "application/octet-stream", &file)));
    let (status, on_disk) = post_early(fx.addr(), &ct, body, &files).await;
    eprintln!("upload with the file first: {status}, {on_disk} bytes on disk at the answer");
    assert_eq!(status, 401);
    assert_eq!(on_disk, 0);

    // An 8 MiB token field is refused without being held.
    let huge = "t".repeat(8 << 20);
    let (ct, body) = multipart(&[("token", &huge)], None);
    let (status, _) = post_early(fx.addr(), &ct, body, &files).await;
    eprintln!("upload with an 8 MiB token field: {status}");
    assert_eq!(status, 413);

    // A good token in the query works too, and a keyless upload gets a random key.
    let mut alice = fx.client("alice").await;
    let token = upload_token(&mut alice, "alice", "").await;
    let (ct, body) = multipart(&[], Some(("b.txt", "text/plain", b"hello")));
    let r = http(
        fx.addr(),
        "POST",
        &format!("/upload?token={token}"),
        &[("Content-Type", &ct)],
        &body,
    )
    .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let key = r.json()["key"].as_str().unwrap().to_owned();
    assert_eq!(key.len(), 32, "{key}");
    assert_ne!(key, r.json()["hash"].as_str().unwrap());
}

#[tokio::test]
async fn aborted_uploads_leave_no_temporary_file() {
    let fx = Fixture::start().await;
    let files = fx.dir.path().join("files");
    let mut alice = fx.client("alice").await;
    let token = upload_token(&mut alice, "alice", "aborted.bin").await;
    let (ct, body) = multipart(
        &[("token", &token), ("key", "aborted.bin")],
        Some(("a.bin", "application/octet-stream", &vec![1u8; 4 << 20])),
    );
    // Half the body, then the client goes away.
    let mut tcp = TcpStream::connect(fx.addr()).await.unwrap();
    let head = format!(
        "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: {ct}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    tcp.write_all(&body[..body.len() / 2]).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while temp_files(&files) == 0 {
        assert!(Instant::now() < deadline, "the upload never started");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    drop(tcp);
    let deadline = Instant::now() + Duration::from_secs(5);
    while temp_files(&files) > 0 {
        assert!(Instant::now() < deadline, "the temporary file stayed");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    eprintln!(
        "aborted upload: {} temporary files left",
        temp_files(&files)
    );

    // A temporary file from an earlier run goes at start-up.
    let dir = fx.dir.path().to_owned();
    fx.server.shutdown().await;
    std::fs::write(dir.join("files/.upload-stale"), b"left over").unwrap();
    let server = rongchat_server::Server::start(rongchat_server::Config::local(&dir))
        .await
        .unwrap();
    assert_eq!(temp_files(&dir.join("files")), 0);
    server.shutdown().await;
    drop(fx.dir);
}

#[tokio::test]
async fn downloads_are_never_pages() {
    let fx = Fixture::start().await;
    let mut alice = fx.client("alice").await;
    for (key, ct, inline) in [
        ("page.html", "text/html", false),
        ("drawing.svg", "image/svg+xml", false),
        ("notes.txt", "text/plain", false),
        ("photo.png", "image/png", true),
        ("voice.amr", "audio/amr", true),
    ] {
        let token = upload_token(&mut alice, "alice", key).await;
        let (form_ct, body) = multipart(
            &[("token", &token), ("key", key)],
            Some((key, ct, b"<script>alert(1)</script>")),
        );
        let r = http(
            fx.addr(),
            "POST",
            "/upload",
            &[("Content-Type", &form_ct)],
            &body,
        )
        .await;
        assert_eq!(r.status, 200);
        let r = http(
            fx.addr(),
            "GET",
            &format!("/files/{key}"),
            &[("Origin", "http://evil.example")],
            b"",
        )
        .await;
        assert_eq!(r.status, 200);
        if key == "page.html" {
            eprintln!("headers of a served HTML file: {:?}", r.headers);
        }
        assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
        assert!(
            r.header("Content-Security-Policy")
                .unwrap()
                .starts_with("sandbox")
        );
        assert_eq!(r.header("Access-Control-Allow-Origin"), None, "{key}");
        let disposition = r.header("Content-Disposition");
        let served = r.header("Content-Type").unwrap();
        if inline {
            assert_eq!(disposition, None, "{key}");
            assert_eq!(served, ct);
        } else {
            assert!(disposition.unwrap().starts_with("attachment"), "{key}");
            assert!(
                !served.contains("html") && !served.contains("svg"),
                "{key}: {served}"
            );
        }
    }
}
