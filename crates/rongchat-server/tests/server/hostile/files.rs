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

#[tokio::test]
async fn a_trickled_upload_is_cut_at_the_upload_deadline_and_leaves_nothing() {
    let fx = Fixture::start_with(|c| c.upload_timeout = Duration::from_secs(1)).await;
    let files = fx.dir.path().join("files");
    let mut alice = fx.client("alice").await;
    let token = upload_token(&mut alice, "alice", "slow.bin").await;
    let (ct, body) = multipart(
        &[("token", &token), ("key", "slow.bin")],
        Some(("s.bin", "application/octet-stream", &vec![7u8; 64 * 1024])),
    );
    let mut tcp = TcpStream::connect(fx.addr()).await.unwrap();
    let head = format!(
        "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: {ct}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    // 100 bytes every 50 ms: the whole body would take over 30 s.
    let started = Instant::now();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    let mut sent = 0;
    let cut_after = loop {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the trickle was never cut"
        );
        if sent < body.len() {
            let end = (sent + 100).min(body.len());
            if tcp.write_all(&body[sent..end]).await.is_err() {
                break started.elapsed();
            }
            sent = end;
        }
        match tokio::time::timeout(Duration::from_millis(50), tcp.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => break started.elapsed(),
            Ok(Ok(n)) => answer.extend_from_slice(&buf[..n]),
            Err(_) => {}
        }
    };
    let status = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || status.starts_with("HTTP/1.1 408"),
        "{status}"
    );
    assert!(sent < body.len(), "cut before the body was complete");
    // The partial upload is removed, and nothing was stored under the key.
    let deadline = Instant::now() + Duration::from_secs(5);
    while temp_files(&files) > 0 {
        assert!(Instant::now() < deadline, "the temporary file stayed");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(bytes_on_disk(&files), 0);
    eprintln!(
        "trickled upload: cut after {:.1} s with {sent} of {} bytes sent (upload deadline 1 s)",
        cut_after.as_secs_f32(),
        body.len()
    );
}
