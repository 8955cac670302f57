//! The HTTP surface: routes and CORS on every response.

use crate::reply::json_error;
use crate::shared::Shared;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::sync::Arc;

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
        .layer(middleware::from_fn(cors))
        .layer(middleware::from_fn(log_request))
        .with_state(shared)
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

/// Answers preflights and adds the CORS headers to every response, errors included: the
/// SDK calls navi and upload from a page on another origin.
async fn cors(request: Request, next: Next) -> Response {
    let requested = request
        .headers()
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .cloned();
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
