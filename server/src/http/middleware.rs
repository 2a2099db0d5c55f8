//! The middleware every response passes through, innermost first: API answers made JSON
//! and uncacheable by shared caches, body limits, panics caught, security headers,
//! compression, request logs. Also the JSON answers for unknown API paths and methods.

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use http_body_util::Limited;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tower_http::LatencyUnit;

use quanzi_api::upload::UPLOAD_MAX_BYTES;

use crate::http::error::{self, AppError};

/// Requests with a larger body are refused with 413 `payload_too_large`.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The one route that takes a photo (`POST /api/v1/uploads`) allows one photo plus room
/// for the multipart framing.
pub const UPLOAD_BODY_MAX_BYTES: usize = UPLOAD_MAX_BYTES + 64 * 1024;

/// 413 `image_too_large` for a photo over the byte limit.
pub fn photo_too_large() -> AppError {
    AppError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        quanzi_api::ErrorCode::ImageTooLarge,
        "a photo is at most 8 MiB",
    )
}

/// The middleware every response passes through: errors as JSON, body limits, panics
/// caught, security headers, compression, request logs.
pub fn with_middleware(routes: Router) -> Router {
    routes
        // Innermost first: the layers below wrap everything above them.
        .layer(middleware::from_fn(api_headers))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(limit_bodies))
        .layer(CatchPanicLayer::custom(|_panic| {
            // The panic message is already on stderr; the client learns nothing more.
            error::error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                quanzi_api::ErrorCode::Internal,
                "internal error",
            )
        }))
        .layer(middleware::from_fn(security_headers))
        // On-the-fly compression (API answers, the html shell, svg): quality 5 is fast
        // and close to 11. The wasm, js and css come precompressed at 11 from `cargo xtask`.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(5)))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(tracing::Level::INFO))
                .on_response(
                    DefaultOnResponse::new()
                        .level(tracing::Level::INFO)
                        .latency_unit(LatencyUnit::Micros),
                ),
        )
}

pub async fn api_not_found() -> AppError {
    AppError::not_found("no such API resource")
}

pub async fn method_not_allowed() -> AppError {
    AppError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        quanzi_api::ErrorCode::MethodNotAllowed,
        "method not allowed",
    )
}

fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// API responses: language-dependent and never stale, and every error is the JSON envelope
/// (even ones produced by middleware or extractors as plain text).
async fn api_headers(req: Request, next: Next) -> Response {
    if !is_api_path(req.uri().path()) {
        return next.run(req).await;
    }
    let mut res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if (status.is_client_error() || status.is_server_error()) && !is_json {
        res = error::envelope_for_status(status);
    }
    let headers = res.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("accept-language"));
    // Answers depend on who is signed in (likes, roles, "me"): a shared cache must never
    // hand one member's answer to another.
    headers.append(header::VARY, HeaderValue::from_static("cookie"));
    // A handler that asked for stricter (one that set cookies: `no-store`) keeps its own.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    res
}

/// Whether a request is the one that may carry a photo.
fn is_upload(req: &Request) -> bool {
    req.method() == Method::POST && req.uri().path() == "/api/v1/uploads"
}

/// Refuses a declared oversize body before any handler runs, with the JSON envelope, and
/// cuts off bodies streamed without a Content-Length at the same limit: 64 KiB, or room
/// for one photo on the upload route.
async fn limit_bodies(req: Request, next: Next) -> Response {
    let upload = is_upload(&req);
    let limit = if upload {
        UPLOAD_BODY_MAX_BYTES
    } else {
        MAX_BODY_BYTES
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().parse::<u64>());
    match declared {
        Some(Ok(len)) if len <= limit as u64 => {}
        None => {}
        // Not a number (hyper normally rejects this before we see it).
        Some(Err(_)) => {
            return error::error_response(
                StatusCode::BAD_REQUEST,
                quanzi_api::ErrorCode::BadRequest,
                "malformed Content-Length",
            )
        }
        Some(Ok(_)) if upload => return photo_too_large().into_response(),
        Some(Ok(_)) => {
            return error::error_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                quanzi_api::ErrorCode::PayloadTooLarge,
                "request body too large (limit 64 KiB)",
            )
        }
    }
    if upload {
        // The route's own DefaultBodyLimit cuts the stream; a second wrapper here would
        // hide the length error from the multipart reader (it looks one level deep), and a
        // too-long photo would then be a 500 instead of a 413.
        next.run(req).await
    } else {
        next.run(req.map(|body| Body::new(Limited::new(body, limit))))
            .await
    }
}

/// Headers every response carries, whatever produced it.
async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    // The camera for this site's own pages only: the pickup counter scans QR codes.
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(self), microphone=(), geolocation=()"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::{Body, Bytes};
    use axum::http::Request;
    use axum::routing::{get, post};
    use tower::ServiceExt;

    /// A body streamed without Content-Length is cut off at the limit, still as JSON.
    #[tokio::test]
    async fn streamed_bodies_are_limited_too() -> anyhow::Result<()> {
        let routes = Router::new().route(
            "/api/echo",
            post(|body: Bytes| async move { body.len().to_string() }),
        );
        let app = with_middleware(routes);
        let send = |size: usize| {
            // Body::from_stream never knows the length, so no Content-Length header is sent.
            let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
                (0..size / 1024).map(|_| Ok(vec![b'x'; 1024])).collect();
            let req = Request::post("/api/echo")
                .body(Body::from_stream(futures_util::stream::iter(chunks)));
            let app = app.clone();
            async move { app.oneshot(req?).await.map_err(anyhow::Error::from) }
        };
        let small = send(8 * 1024).await?;
        assert_eq!(small.status(), StatusCode::OK);
        let big = send(200 * 1024).await?;
        assert_eq!(big.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let body = axum::body::to_bytes(big.into_body(), 4096).await?;
        let json: serde_json::Value = serde_json::from_slice(&body)?;
        assert_eq!(json["error"]["code"], "payload_too_large");
        Ok(())
    }

    #[tokio::test]
    async fn a_panicking_handler_is_a_json_500() -> anyhow::Result<()> {
        async fn boom() -> &'static str {
            panic!("boom")
        }
        let app = with_middleware(Router::new().route("/api/boom", get(boom)));
        let res = app
            .oneshot(Request::get("/api/boom").body(Body::empty())?)
            .await?;
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(res.into_body(), 4096).await?;
        let json: serde_json::Value = serde_json::from_slice(&body)?;
        assert_eq!(json["error"]["code"], "internal");
        Ok(())
    }
}
