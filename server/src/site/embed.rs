//! The host example page (examples/embed-host): a partner page that frames the store and
//! logs what the bridge says, for trying embedding by hand (docs/embedding.md). Served at
//! `/dev/embed-host/` only with `--embed-example` (`cargo xtask serve` turns it on): it is
//! a developer's tool, not part of the store.

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

const INDEX: &str = include_str!("../../../examples/embed-host/index.html");
const SCRIPT: &str = include_str!("../../../examples/embed-host/host.js");
const STYLE: &str = include_str!("../../../examples/embed-host/host.css");

/// Its own scripts only; it may frame the store wherever that runs (`?store=`).
const POLICY: &str = "default-src 'self'; frame-src http: https:; img-src 'self' data:; \
                      object-src 'none'; base-uri 'none'; form-action 'self'";

fn file(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
            (header::CONTENT_SECURITY_POLICY, POLICY),
        ],
        body,
    )
}

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            "/dev/embed-host/",
            get(|| async { file("text/html; charset=utf-8", INDEX) }),
        )
        .route(
            "/dev/embed-host/host.js",
            get(|| async { file("text/javascript; charset=utf-8", SCRIPT) }),
        )
        .route(
            "/dev/embed-host/host.css",
            get(|| async { file("text/css; charset=utf-8", STYLE) }),
        )
}
