//! Any bytes as a Server API request: header lines up to a blank line, then the body.
//! The signature headers (nonce, timestamp, signature syntax), the form or JSON body and
//! every typed read of a parameter: no panics, typed errors only.
#![no_main]

use http::{HeaderMap, HeaderName, HeaderValue};
use libfuzzer_sys::fuzz_target;
use rongchat_server::api::{Params, Signed};

const KEYS: [&str; 4] = ["userId", "toUserId", "content", "minute"];

fuzz_target!(|data: &[u8]| {
    let split = data
        .windows(2)
        .position(|w| w == b"\n\n")
        .unwrap_or(data.len());
    let (head, body) = data.split_at(split);
    let body = body.get(2..).unwrap_or_default();
    let mut headers = HeaderMap::new();
    for line in head.split(|&b| b == b'\n') {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
        if let (Ok(name), Ok(value)) =
            (HeaderName::from_bytes(name), HeaderValue::from_bytes(value))
        {
            headers.append(name, value);
        }
    }
    if let Ok(signed) = Signed::from_headers(&headers) {
        let _ = signed.verify("key", "secret", 1_796_162_046_000);
    }
    if let Ok(params) = Params::parse(&headers, body) {
        for key in KEYS {
            let _ = params.first(key);
            let _ = params.all(key);
            let _ = params.id(key);
            let _ = params.ids(key, 1000);
            let _ = params.text(key, 64);
            let _ = params.flag(key, false);
            let _ = params.int(key, -5, 1_000_000);
        }
    }
});
