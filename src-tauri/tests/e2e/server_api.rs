//! The Server API of a running server, called as an app server would: a signed form POST.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};

/// Where a server's Server API is and the key and secret that sign for it.
#[derive(Debug, Clone)]
pub struct ServerApi {
    pub base: String,
    pub app_key: String,
    pub secret: String,
}

impl ServerApi {
    /// `POST path` with `fields` as a signed form body; panics unless the reply is 200.
    /// Blocking (plain std socket): call it from `spawn_blocking` or a blocking loop.
    pub fn post(&self, path: &str, fields: &[(&str, &str)]) -> String {
        static NONCE: AtomicU64 = AtomicU64::new(0);
        let nonce = format!("e2e{}", NONCE.fetch_add(1, Ordering::Relaxed));
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_millis()
            .to_string();
        let signature = rongchat_server::api::sign(&self.secret, &nonce, &timestamp);
        let body = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", form_escape(v)))
            .collect::<Vec<_>>()
            .join("&");
        let host = self.base.trim_start_matches("http://");
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nApp-Key: {}\r\nNonce: {nonce}\r\nTimestamp: {timestamp}\r\nSignature: {signature}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.app_key,
            body.len()
        );
        let mut stream = TcpStream::connect(host).expect("connect to the server");
        stream.write_all(request.as_bytes()).expect("send");
        let mut reply = String::new();
        stream.read_to_string(&mut reply).expect("read");
        assert!(reply.starts_with("HTTP/1.1 200"), "{path}: {reply}");
        reply
    }
}

fn form_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
