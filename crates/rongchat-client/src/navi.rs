//! Navigation (the HTTP POST that says where the WebSocket server is) and opening the
//! WebSocket (fact sheet §1, §2).

use crate::config::ClientConfig;
use crate::session::OpenFailure;
use rongchat_proto::Layout;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// The SDK version we present (the one the fact sheet was observed with).
pub const SDK_VERSION: &str = "5.38.0";
/// Navigation times out after this long (the SDK's 10 s).
pub const NAVI_TIMEOUT: Duration = Duration::from_secs(10);
/// Socket + handshake time limit (the SDK waits 5 s for socket plus CONNACK).
pub const SOCKET_TIMEOUT: Duration = Duration::from_secs(5);

/// RongCloud's own navigators (the SDK's default area, Beijing), tried in turn when the
/// account names none.
pub const RONGCLOUD_NAVIGATORS: [&str; 2] = [
    "https://dualstack-nav.rong-edge.com",
    "https://nav-b.rong-edge.com",
];

/// The open WebSocket.
pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What navigation told us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NaviInfo {
    /// `host:port` of the WebSocket server.
    pub server: String,
    /// Qiniu-style upload URL (with scheme).
    pub upload_server: Option<String>,
    /// The CONNACK layout (`openAnti: 1` → protocol version 4).
    pub layout: Layout,
    /// The navigator that answered was https, so the socket is `wss://`.
    pub secure: bool,
    /// The token's user (`userId`; RongCloud names it, so an app can pick the user's local
    /// store before the login).
    pub user_id: Option<String>,
}

/// Where and who: the client's configuration (its `Debug` leaves the token out) and this
/// install's device id.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// Navigation URL, app key, token, overrides.
    pub config: ClientConfig,
    /// This install's device id.
    pub device_id: String,
}

/// Why opening failed, with a line for logs (no token in it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenError {
    /// How the session should treat it.
    pub failure: OpenFailure,
    /// What happened.
    pub detail: String,
}

impl OpenError {
    fn network(detail: impl Into<String>) -> Self {
        Self {
            failure: OpenFailure::Network,
            detail: detail.into(),
        }
    }
}

/// The navigators to try, in order, as the SDK orders them: those a token carries after
/// its `@` (`;`-separated), then the configured ones (`navi_url` may list several,
/// separated by `;`, `,` or spaces), or RongCloud's own when none is configured. A host
/// without a scheme is https; each is tried once.
pub fn navigators(navi_url: &str, token: &str) -> Vec<String> {
    let from_token = token.split_once('@').map_or("", |(_, list)| list);
    let configured: Vec<&str> = navi_url
        .split([';', ',', ' ', '\n', '\t'])
        .filter(|s| !s.trim().is_empty())
        .collect();
    let fallback: &[&str] = if configured.is_empty() {
        &RONGCLOUD_NAVIGATORS
    } else {
        &configured
    };
    let mut list: Vec<String> = Vec::new();
    for entry in from_token.split(';').chain(fallback.iter().copied()) {
        let entry = entry.trim().trim_end_matches('/');
        if entry.is_empty() {
            continue;
        }
        let url = if entry.contains("://") {
            entry.to_owned()
        } else {
            format!("https://{entry}")
        };
        if !list.contains(&url) {
            list.push(url);
        }
    }
    list
}

/// Asks each navigator in turn (see [`navigators`]). Only a network failure moves on to
/// the next; an answer that refuses the token or the app ends the search, as in the SDK.
pub async fn navigate(http: &reqwest::Client, endpoint: &Endpoint) -> Result<NaviInfo, OpenError> {
    let mut last = OpenError::network("no navigator to ask");
    for navigator in navigators(&endpoint.config.navi_url, &endpoint.config.token) {
        match navigate_one(http, endpoint, &navigator).await {
            Err(e) if e.failure == OpenFailure::Network => {
                tracing::debug!(%navigator, detail = %e.detail, "navigator failed, trying the next");
                last = e;
            }
            answer => return answer,
        }
    }
    Err(last)
}

/// POSTs `/v2/navi.json` to one navigator exactly as the SDK does and parses the answer.
async fn navigate_one(
    http: &reqwest::Client,
    endpoint: &Endpoint,
    navigator: &str,
) -> Result<NaviInfo, OpenError> {
    let url = format!("{navigator}/v2/navi.json?cloud=0");
    let https = navigator.starts_with("https:");
    let body = format!(
        "token={}&v={SDK_VERSION}&platfrom=browser",
        form_encode(&endpoint.config.token)
    );
    let response = http
        .post(&url)
        .header("RC-Appkey", &endpoint.config.app_key)
        .header(
            "RC-Negotiate",
            if https {
                "conn=6;rtc=4;log=2;iptype=v4,v6"
            } else {
                "conn=5;rtc=4;log=2;iptype=v4,v6"
            },
        )
        .header("Content-Type", "Application/x-www-form-urlencoded")
        .body(body)
        .timeout(NAVI_TIMEOUT)
        .send()
        .await
        .map_err(|e| OpenError::network(format!("navigation: {}", e.without_url())))?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(http_status_error(status));
    }
    let bytes = response
        .bytes()
        .await
        .map_err(|e| OpenError::network(format!("navigation body: {}", e.without_url())))?;
    let json: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| OpenError::network(format!("navigation body: {e}")))?;
    let mut navi = parse_navi(&json)?;
    navi.secure = https;
    Ok(navi)
}

/// The navi JSON → where to connect. `code` ≠ 200 maps like an HTTP status.
pub fn parse_navi(json: &serde_json::Value) -> Result<NaviInfo, OpenError> {
    let code = json.get("code").and_then(|c| c.as_u64()).unwrap_or(0);
    if code != 200 {
        return Err(http_status_error(u16::try_from(code).unwrap_or(0)));
    }
    let from_addr_list = json
        .get("serverAddr")
        .and_then(|a| a.as_array())
        .and_then(|list| {
            list.iter()
                .filter_map(|e| {
                    let addr = e.get("addr")?.as_str()?;
                    let weight = e.get("weight").and_then(|w| w.as_i64()).unwrap_or(0);
                    Some((weight, addr.to_owned()))
                })
                .max_by_key(|(weight, _)| *weight)
                .map(|(_, addr)| addr)
        });
    let server = from_addr_list
        .or_else(|| {
            json.get("server")
                .and_then(|s| s.as_str())
                .map(str::to_owned)
        })
        .filter(|s| !s.is_empty())
        .ok_or_else(|| OpenError::network("navigation named no server"))?;
    let upload_server = json
        .get("uploadServer")
        .and_then(|u| u.as_str())
        .filter(|u| !u.is_empty())
        .map(|u| {
            if u.contains("://") {
                u.to_owned()
            } else {
                format!("https://{u}")
            }
        });
    let open_anti = json.get("openAnti").and_then(|v| v.as_i64()).unwrap_or(0);
    Ok(NaviInfo {
        server,
        upload_server,
        layout: if open_anti == 1 {
            Layout::V4
        } else {
            Layout::V3
        },
        secure: false,
        user_id: json
            .get("userId")
            .and_then(|u| u.as_str())
            .filter(|u| !u.is_empty())
            .map(str::to_owned),
    })
}

fn http_status_error(status: u16) -> OpenError {
    let failure = match status {
        401 | 403 => OpenFailure::TokenIncorrect,
        416 => OpenFailure::Rejected { code: 31030 },
        _ => OpenFailure::Network,
    };
    OpenError {
        failure,
        detail: format!("navigation answered {status}"),
    }
}

/// The WebSocket URL of §2.
pub fn websocket_url(endpoint: &Endpoint, navi: &NaviInfo) -> String {
    let host = endpoint
        .config
        .ws_override
        .as_deref()
        .unwrap_or(&navi.server);
    let scheme = if navi.secure { "wss" } else { "ws" };
    let version = match navi.layout {
        Layout::V3 => 3,
        Layout::V4 => 4,
    };
    let platform = endpoint
        .config
        .platform
        .as_deref()
        .map(|p| format!("&platform={}", form_encode(p)))
        .unwrap_or_default();
    format!(
        "{scheme}://{host}/websocket?appId={}&token={}&sdkVer={SDK_VERSION}&pid=&deviceId={}&apiVer={}{platform}&protocolVer={version}",
        form_encode(&endpoint.config.app_key),
        form_encode(&endpoint.config.token),
        form_encode(&endpoint.device_id),
        form_encode("rust|rongchat|0.1.0"),
    )
}

/// Navigation (or the cached answer), then the WebSocket handshake.
pub async fn open(
    http: &reqwest::Client,
    endpoint: &Endpoint,
    cached: Option<NaviInfo>,
) -> Result<(Socket, NaviInfo), OpenError> {
    let navi = match cached {
        Some(navi) => navi,
        None => navigate(http, endpoint).await?,
    };
    let url = websocket_url(endpoint, &navi);
    // Small frames, request/ack traffic: Nagle would add ~40 ms per round trip.
    // A frame over the wire's limit is refused while it is read, so a hostile server
    // cannot make us buffer more than that.
    let limits = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .max_message_size(Some(rongchat_proto::frame::MAX_FRAME_BYTES))
        .max_frame_size(Some(rongchat_proto::frame::MAX_FRAME_BYTES));
    let connect = tokio_tungstenite::connect_async_with_config(url, Some(limits), true);
    match tokio::time::timeout(SOCKET_TIMEOUT, connect).await {
        Ok(Ok((socket, _response))) => Ok((socket, navi)),
        Ok(Err(e)) => Err(OpenError::network(format!("websocket: {}", redact(&e)))),
        Err(_) => Err(OpenError::network("websocket: timed out")),
    }
}

/// Tungstenite errors may echo the URL (and so the token): keep only the kind.
fn redact(e: &tokio_tungstenite::tungstenite::Error) -> String {
    use tokio_tungstenite::tungstenite::Error as E;
    match e {
        E::Http(response) => format!("HTTP {}", response.status()),
        E::Io(io) => format!("io: {}", io.kind()),
        E::Url(_) => "bad url".into(),
        other => format!("{:?}", std::mem::discriminant(other)),
    }
}

/// `application/x-www-form-urlencoded` encoding of one value.
pub fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn navi_answers_map_like_the_sdk() {
        let ok = parse_navi(&json!({"code":200,"server":"127.0.0.1:9100",
            "uploadServer":"127.0.0.1:9100/upload","openAnti":1}))
        .unwrap();
        assert_eq!(ok.server, "127.0.0.1:9100");
        assert_eq!(
            ok.upload_server.as_deref(),
            Some("https://127.0.0.1:9100/upload")
        );
        assert_eq!(ok.layout, Layout::V4);
        let weighted = parse_navi(&json!({"code":200,"server":"a:1",
            "serverAddr":[{"addr":"b:2","weight":1},{"addr":"c:3","weight":9}]}))
        .unwrap();
        assert_eq!(weighted.server, "c:3");
        assert_eq!(
            parse_navi(&json!({"code":401})).unwrap_err().failure,
            OpenFailure::TokenIncorrect
        );
        assert_eq!(
            parse_navi(&json!({"code":200})).unwrap_err().failure,
            OpenFailure::Network
        );
        assert_eq!(
            http_status_error(416).failure,
            OpenFailure::Rejected { code: 31030 }
        );
    }

    #[test]
    fn navigators_come_from_the_token_then_the_account_else_rongcloud() {
        assert_eq!(
            navigators("", "tok"),
            RONGCLOUD_NAVIGATORS.map(String::from)
        );
        assert_eq!(
            navigators("  ", "tok"),
            RONGCLOUD_NAVIGATORS.map(String::from)
        );
        assert_eq!(
            navigators("http://a:1/; https://b/ ,c.example\nhttp://a:1", "tok"),
            ["http://a:1", "https://b", "https://c.example"]
        );
        // A token may carry navigators after its `@`: they come first, then the rest.
        assert_eq!(
            navigators("http://mine", "abc=@t1.example;https://t2.example"),
            ["https://t1.example", "https://t2.example", "http://mine"]
        );
        assert_eq!(
            navigators("", "abc@")[..],
            RONGCLOUD_NAVIGATORS.map(String::from)[..]
        );
    }

    #[test]
    fn websocket_url_has_the_sdk_query() {
        let endpoint = Endpoint {
            config: ClientConfig::new("http://n", "key", "a+b/c=@x", "/tmp"),
            device_id: "dev".into(),
        };
        let navi = NaviInfo {
            server: "h:1".into(),
            upload_server: None,
            layout: Layout::V3,
            secure: false,
            user_id: None,
        };
        assert_eq!(
            websocket_url(&endpoint, &navi),
            "ws://h:1/websocket?appId=key&token=a%2Bb%2Fc%3D%40x&sdkVer=5.38.0&pid=&deviceId=dev\
             &apiVer=rust%7Crongchat%7C0.1.0&protocolVer=3"
        );
    }
}
