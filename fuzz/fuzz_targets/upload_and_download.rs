//! Any bytes as the form of an upload (multipart, with the upload token in the query or
//! only in the form) or as the `Range` of a download, sent over loopback to a real local
//! server that runs in this process. Every request must get an HTTP reply, and nothing
//! may panic in any of the server's threads (libfuzzer-sys aborts on a panic anywhere).
//! The token allows one key only, so the run writes at most one file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rongchat_server::config::{LOCAL_APP_KEY, LOCAL_APP_SECRET};
use rongchat_server::token::Signer;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// The multipart boundary every upload declares (the seeds use it).
const BOUNDARY: &str = "fuzzboundary";
/// The one key the token may write, and the file the downloads read.
const KEY: &str = "fuzz-key.bin";

struct Target {
    addr: SocketAddr,
    token: String,
    /// One kept-alive connection (a new one per input would run out of ports).
    link: Mutex<Option<TcpStream>>,
    _runtime: tokio::runtime::Runtime,
}

fn target() -> &'static Target {
    static TARGET: OnceLock<Target> = OnceLock::new();
    TARGET.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("rongchat-fuzz-{}", std::process::id()));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let config = rongchat_server::Config::local(&dir);
        let server = runtime
            .block_on(rongchat_server::Server::start(config))
            .expect("start the server");
        let addr = server.local_addr();
        // It serves for the life of the process.
        std::mem::forget(server);
        let token = Signer::new(LOCAL_APP_KEY, LOCAL_APP_SECRET).upload_token(
            "fuzzer",
            Some(KEY),
            i64::MAX / 2,
        );
        let target = Target {
            addr,
            token,
            link: Mutex::new(None),
            _runtime: runtime,
        };
        // A stored file for the downloads' ranges.
        let form = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\r\n0123456789\r\n--{BOUNDARY}--\r\n"
        );
        target.upload(true, form.as_bytes());
        target
    })
}

impl Target {
    fn upload(&self, token_in_query: bool, form: &[u8]) {
        let query = if token_in_query {
            format!("?token={}", self.token)
        } else {
            String::new()
        };
        let head = format!(
            "POST /upload{query} HTTP/1.1\r\nHost: fuzz\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {}\r\n\r\n",
            form.len()
        );
        self.exchange(&[head.as_bytes(), form].concat());
    }

    fn download(&self, range: &[u8]) {
        // A header value cannot hold a line break; everything else goes as it is.
        let range: Vec<u8> = range
            .iter()
            .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b })
            .collect();
        let request = [
            format!("GET /files/{KEY} HTTP/1.1\r\nHost: fuzz\r\nRange: ").as_bytes(),
            &range,
            b"\r\n\r\n",
        ]
        .concat();
        self.exchange(&request);
    }

    /// Sends `request` and reads one reply, on the kept-alive link (opened again when the
    /// server closed it: after a refusal it may not read the rest of a body).
    fn exchange(&self, request: &[u8]) {
        let mut link = self.link.lock().unwrap_or_else(|e| e.into_inner());
        for _attempt in 0..2 {
            let stream = match link.take() {
                Some(stream) => stream,
                None => connect(self.addr),
            };
            match reply(stream, request) {
                Some((stream, keep)) => {
                    if keep {
                        *link = Some(stream);
                    }
                    return;
                }
                None => continue,
            }
        }
        panic!("no HTTP reply on a fresh connection");
    }
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect to the server");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    stream.set_nodelay(true).expect("nodelay");
    stream
}

/// The reply to `request` (`None`: the link was closed before one came), and whether the
/// link can carry the next request.
fn reply(mut stream: TcpStream, request: &[u8]) -> Option<(TcpStream, bool)> {
    stream.write_all(request).ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    assert!(buf.starts_with(b"HTTP/1.1 "), "not an HTTP reply");
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    let Some(length) = length else {
        // Chunked or until close: read no further, use a new link next time.
        return Some((stream, false));
    };
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let keep = !head.contains("connection: close");
    Some((stream, keep))
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let target = target();
    match mode % 3 {
        0 => target.upload(true, rest),
        1 => target.upload(false, rest),
        _ => target.download(rest),
    }
});
