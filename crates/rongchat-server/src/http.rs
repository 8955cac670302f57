//! The HTTP surface: the accept loop (connection limit, header timeout, write-stall
//! timeout), routes, request deadlines and CORS.

use crate::reply::json_error;
use crate::shared::Shared;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot, watch};
use tokio::time::Sleep;

/// Server API bodies are small forms (RongCloud refuses bodies over 100 KB too, with 1508);
/// a 128 KB message content plus its escaping fits in this.
const API_BODY_LIMIT: usize = 512 * 1024;

pub fn router(shared: Arc<Shared>) -> Router {
    let upload_limit = usize::try_from(shared.config.max_upload_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(1024 * 1024);
    Router::new()
        .route("/v2/navi.json", post(crate::navi::navi))
        .route("/navi.json", post(crate::navi::navi))
        .route("/websocket", get(crate::gateway::upgrade))
        .route(
            "/upload",
            post(crate::files::upload).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/files/{key}", get(crate::files::download))
        .merge(crate::api::router())
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(API_BODY_LIMIT))
        .layer(middleware::from_fn_with_state(shared.clone(), deadline))
        .layer(middleware::from_fn(cors))
        .layer(middleware::from_fn(log_request))
        .with_state(shared)
}

/// Serves `router` on `listener` until `stop` fires: at most `max_connections` open TCP
/// connections (a WebSocket counts until it closes; more wait in the backlog), request
/// heads (and idle keep-alive gaps) within `http_header_timeout`, and any write that makes
/// no progress for `write_timeout` ends its connection. On stop, open HTTP connections
/// finish their request and close; the server task waits for them.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    config: &crate::Config,
    mut stop: oneshot::Receiver<()>,
) {
    let slots = Arc::new(Semaphore::new(config.max_connections.max(1)));
    let (header_timeout, write_timeout) = (config.http_header_timeout, config.write_timeout);
    let (stopping_tx, stopping) = watch::channel(false);
    loop {
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            _ = &mut stop => break,
        };
        let (tcp, _peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors and the like: wait a moment, do not spin.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        if let Err(e) = tcp.set_nodelay(true) {
            // Small frames (PUBACK, s_ntf, QUERYACK) must not wait for Nagle + delayed ACK.
            tracing::debug!("TCP_NODELAY not set: {e}");
        }
        let io = TokioIo::new(Guarded::new(tcp, permit, write_timeout));
        let service = TowerToHyperService::new(router.clone());
        let mut stopping = stopping.clone();
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout);
            let conn = builder.serve_connection(io, service).with_upgrades();
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                result = conn.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!("http connection ended: {e}");
                    }
                    return;
                }
                _ = stopping.wait_for(|s| *s) => conn.as_mut().graceful_shutdown(),
            }
            if let Err(e) = conn.await {
                tracing::debug!("http connection ended: {e}");
            }
        });
    }
    // Free the port at once: a restart on the same address must not wait for the
    // connections still finishing.
    drop(listener);
    let _ = stopping_tx.send(true);
    // Every connection task holds a receiver; wait (bounded by the caller) for them. This
    // function's own goes first, or the wait would always run to the caller's bound.
    drop(stopping);
    stopping_tx.closed().await;
}

/// A TCP stream that holds its connection slot for as long as it lives (through a
/// WebSocket upgrade too) and fails a write that has made no progress for `write_timeout`.
#[derive(Debug)]
struct Guarded {
    tcp: TcpStream,
    _slot: OwnedSemaphorePermit,
    write_timeout: Duration,
    stalled: Option<Pin<Box<Sleep>>>,
}

impl Guarded {
    fn new(tcp: TcpStream, slot: OwnedSemaphorePermit, write_timeout: Duration) -> Self {
        Self {
            tcp,
            _slot: slot,
            write_timeout,
            stalled: None,
        }
    }

    /// Passes a ready write result through (disarming the stall timer); on pending, arms
    /// it and fails once it fires.
    fn watch<T>(&mut self, cx: &mut Context<'_>, poll: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        if poll.is_ready() {
            self.stalled = None;
            return poll;
        }
        let timeout = self.write_timeout;
        let timer = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => {
                tracing::debug!("write stalled: closing the connection");
                Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "write stalled",
                )))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for Guarded {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.tcp).poll_write(cx, buf);
        this.watch(cx, poll)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.tcp).poll_flush(cx);
        this.watch(cx, poll)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.tcp).poll_shutdown(cx);
        this.watch(cx, poll)
    }
}

/// Bounds each request's handling, body included: uploads by `upload_timeout`, everything
/// else by `http_request_timeout` (a WebSocket upgrade answers at once and runs apart).
/// A request cut off gets 408 and its connection closes.
async fn deadline(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let limit = if request.uri().path() == "/upload" {
        shared.config.upload_timeout
    } else {
        shared.config.http_request_timeout
    };
    let path = request.uri().path().to_owned();
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::info!(%path, "request timed out");
            let mut response = json_error(StatusCode::REQUEST_TIMEOUT, 408, "request timed out");
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            response
        }
    }
}

async fn not_found() -> Response {
    json_error(StatusCode::NOT_FOUND, 404, "not found")
}

/// Logs each request's method, path and status. The path only: the WebSocket URL's query
/// carries the login token.
async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    tracing::debug!(%method, %path, status = response.status().as_u16(), "http");
    response
}

/// Answers preflights and adds the CORS headers, errors included, to what the SDK calls
/// from a page on another origin: navigation and upload. Nothing else gets them: the
/// Server API mints tokens (a web page must not reach it), and files are fetched as
/// plain resources that no other origin may read.
async fn cors(request: Request, next: Next) -> Response {
    let requested = request
        .headers()
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .cloned();
    if !matches!(
        request.uri().path(),
        "/v2/navi.json" | "/navi.json" | "/upload"
    ) {
        return next.run(request).await;
    }
    let mut response = if request.method() == Method::OPTIONS {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    add_cors_headers(response.headers_mut(), requested);
    response
}

/// The fixed CORS headers; `Access-Control-Allow-Headers` echoes the preflight's request.
const CORS_HEADERS: [(header::HeaderName, &str); 4] = [
    (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
    (
        header::ACCESS_CONTROL_ALLOW_METHODS,
        "GET, POST, PUT, OPTIONS",
    ),
    (
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        "Content-Length, Content-Range, Accept-Ranges",
    ),
    (header::ACCESS_CONTROL_MAX_AGE, "600"),
];

fn add_cors_headers(headers: &mut HeaderMap, requested: Option<HeaderValue>) {
    for (name, value) in CORS_HEADERS {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        requested.unwrap_or_else(|| HeaderValue::from_static("*")),
    );
}
