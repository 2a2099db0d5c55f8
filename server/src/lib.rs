//! Quanzi reference backend: the `/api/v1` JSON API on SQLite, plus the built app.
//!
//! Start it with [`app`], which opens (and if needed creates and fills) the database, reads
//! the app's `index.html` and returns a ready [`axum::Router`]:
//!
//! ```no_run
//! # async fn run() -> anyhow::Result<()> {
//! let config = quanzi_server::Config::new("data/quanzi.sqlite", "dist");
//! let router = quanzi_server::app(&config).await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! // The peer address feeds the rate limits.
//! let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
//! axum::serve(listener, service).await?;
//! # Ok(()) }
//! ```

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, post, put};
use axum::Router;
use http_body_util::Limited;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tower_http::LatencyUnit;

pub mod account;
pub mod avatar;
pub mod body;
pub mod cart;
pub mod comment;
pub mod community;
pub mod db;
pub mod demo;
pub mod embed;
pub mod error;
pub mod expiry;
pub mod feed;
pub mod forwarded;
pub mod group_buy;
pub mod idempotency;
pub mod lang;
pub mod like;
pub mod membership;
pub mod openapi;
pub mod order;
pub mod origin;
pub mod params;
pub mod payment;
pub mod pickup;
pub mod post;
pub mod preview;
pub mod product;
pub mod ratelimit;
pub mod recommendation;
pub mod referral;
pub mod session;
pub mod upload;
pub mod web;

pub use error::AppError;
pub use lang::Lang;

/// Requests with a larger body are refused with 413 `payload_too_large`.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// How long the test payment provider takes over a "slow" payment, unless configured.
pub const DEFAULT_TEST_PAYMENT_DELAY_SECS: u64 = 20;
/// Bounds of the order settings, checked at startup.
pub const MAX_SEAT_HOLD_SECS: u64 = 24 * 60 * 60;
pub const MAX_GROUP_WINDOW_SECS: u64 = 30 * 24 * 60 * 60;
pub const MAX_TEST_PAYMENT_DELAY_SECS: u64 = 60 * 60;

/// How the server is set up; the binary fills it from its command line.
#[derive(Clone, Debug)]
pub struct Config {
    /// The SQLite file; created (with its parent directory) and filled with the demo store
    /// when it does not exist or is empty.
    pub db_path: PathBuf,
    /// Trunk's output directory (`index.html`, hashed JS/wasm/CSS, `img/`, `icons/` …).
    pub dist_dir: PathBuf,
    /// Where the app should find the JSON API, if not at `/api/v1` on this origin: a path
    /// starting with `/` or an absolute `http(s)` URL (whose origin joins `connect-src`).
    pub api_base: Option<String>,
    /// Where members' files go (`uploads/` inside it); `None` means the database file's
    /// directory, so `data/quanzi.sqlite` keeps its photos in `data/uploads/`.
    pub data_dir: Option<PathBuf>,
    /// The site is served over HTTPS: the session cookie gets `Secure` and the `__Host-`
    /// prefix, and the Origin check expects `https://`. Off for the plain-http reference
    /// server on 127.0.0.1, where a `Secure` cookie would never be sent back.
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client for the rate limiters;
    /// from any other peer the header is ignored (see [`forwarded`]).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Sign-ups allowed per client address in an hour.
    pub sign_ups_per_hour: usize,
    /// Where people reach the site (`https://shop.example`): share links and link previews'
    /// absolute URLs are built from it, never from a request's Host header. `None` means
    /// [`web::DEFAULT_PUBLIC_ORIGIN`]; the binary derives it from its address instead.
    pub public_origin: Option<String>,
    /// Host pages allowed to embed the app in a frame (`https://host.example`, each an
    /// origin like `public_origin`): they join the shell's CSP `frame-ancestors`, and the
    /// app learns them to talk to its parent. Empty: only the site itself may frame it.
    pub embed_origins: Vec<String>,
    /// Serve the host example page at `/dev/embed-host/` (a developer's tool).
    pub embed_example: bool,
    /// How many days a referral cookie credits the member whose link was followed (1 to
    /// 400; browsers keep no cookie longer).
    pub referral_days: u32,
    /// How long an unpaid order holds its stock and group seat, in seconds (1 to 86400).
    pub seat_hold_secs: u64,
    /// A new group's window in seconds, in place of its product's `window_hours`: for
    /// tests that watch a group run out. `None` in production.
    pub group_window_secs: Option<u64>,
    /// How long the test payment provider takes to approve a "slow" payment, in seconds
    /// (0 to 3600).
    pub test_payment_delay_secs: u64,
    /// How often the background sweep expires holds and groups; `None` runs no sweep (then
    /// only requests settle what is due, which tests of that use).
    pub expiry_sweep: Option<std::time::Duration>,
}

impl Config {
    pub fn new(db_path: impl Into<PathBuf>, dist_dir: impl Into<PathBuf>) -> Self {
        Self {
            db_path: db_path.into(),
            dist_dir: dist_dir.into(),
            api_base: None,
            data_dir: None,
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            sign_ups_per_hour: ratelimit::MAX_SIGN_UPS_PER_ADDRESS,
            public_origin: None,
            embed_origins: Vec::new(),
            embed_example: false,
            referral_days: referral::DEFAULT_REFERRAL_DAYS,
            seat_hold_secs: order::DEFAULT_SEAT_HOLD_SECS,
            group_window_secs: None,
            test_payment_delay_secs: DEFAULT_TEST_PAYMENT_DELAY_SECS,
            expiry_sweep: Some(expiry::DEFAULT_SWEEP_EVERY),
        }
    }

    /// The data directory as configured, or the database file's directory.
    pub fn data_dir(&self) -> PathBuf {
        match &self.data_dir {
            Some(dir) => dir.clone(),
            None => match self.db_path.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
                _ => PathBuf::from("."),
            },
        }
    }
}

/// What every handler shares: the database pool, the app shell, the photo store, the rate
/// limiters and whose forwarded addresses to believe.
#[derive(Clone)]
pub struct AppState {
    pub pool: db::Pool,
    pub web: Arc<web::Web>,
    pub uploads: Arc<upload::Store>,
    pub sign_in_limiter: Arc<ratelimit::SignInLimiter>,
    pub sign_up_limiter: Arc<ratelimit::SignUpLimiter>,
    pub trusted_proxies: Arc<forwarded::TrustedProxies>,
    pub secure_cookies: bool,
    /// Whether the host example page is served (`--embed-example`).
    pub embed_example: bool,
    /// Preview pictures for shared links: where they are drawn from and kept.
    pub previews: Arc<preview::Store>,
    /// The referral cookie's lifetime, in days.
    pub referral_days: u32,
    /// Orders and group-buys: the payment provider and the hold and window settings.
    pub commerce: order::Commerce,
    /// While any clone of the state lives, the background expiry sweep runs; it stops once
    /// the last router is dropped.
    pub alive: Arc<()>,
}

impl AppState {
    /// Runs blocking database work on tokio's blocking pool, so a slow query never stalls
    /// the async workers.
    pub async fn db<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut rusqlite::Connection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        crate::db::run(&self.pool, work).await
    }
}

/// Opens the database (migrating it and loading the demo store when it is fresh), reads the
/// app shell from `dist`, and returns the whole router.
pub async fn app(config: &Config) -> anyhow::Result<Router> {
    let state = state(config).await?;
    Ok(router(state))
}

/// The shared state alone, for callers that want to add their own routes.
pub async fn state(config: &Config) -> anyhow::Result<AppState> {
    if !(1..=referral::MAX_REFERRAL_DAYS).contains(&config.referral_days) {
        anyhow::bail!(
            "the referral window is 1 to {} days, not {}",
            referral::MAX_REFERRAL_DAYS,
            config.referral_days
        );
    }
    // Checked before the database is touched: a typo must not leave a fresh file behind.
    let public_origin = config
        .public_origin
        .as_deref()
        .unwrap_or(web::DEFAULT_PUBLIC_ORIGIN);
    web::parse_public_origin(public_origin)?;
    for origin in &config.embed_origins {
        web::parse_embed_origin(origin)?;
    }
    if !(1..=MAX_SEAT_HOLD_SECS).contains(&config.seat_hold_secs) {
        anyhow::bail!(
            "the seat hold is 1 to {MAX_SEAT_HOLD_SECS} seconds, not {}",
            config.seat_hold_secs
        );
    }
    if let Some(window) = config.group_window_secs {
        if !(1..=MAX_GROUP_WINDOW_SECS).contains(&window) {
            anyhow::bail!("a group window is 1 to {MAX_GROUP_WINDOW_SECS} seconds, not {window}");
        }
    }
    if config.test_payment_delay_secs > MAX_TEST_PAYMENT_DELAY_SECS {
        anyhow::bail!(
            "the test payment delay is at most {MAX_TEST_PAYMENT_DELAY_SECS} seconds, not {}",
            config.test_payment_delay_secs
        );
    }
    let db_path = config.db_path.clone();
    let pool = tokio::task::spawn_blocking(move || -> anyhow::Result<db::Pool> {
        let pool = db::open(&db_path)?;
        account::dummy_hash();
        let mut conn = pool.get()?;
        let now = time::OffsetDateTime::now_utc();
        if demo::load_if_empty(&mut conn, demo::STORE_JSON, now)? {
            tracing::info!("loaded the demo store into {}", db_path.display());
        }
        // The demo members, and members from before referral codes, get theirs now.
        let coded = referral::backfill(&mut conn)?;
        if coded > 0 {
            tracing::info!(members = coded, "gave referral codes");
        }
        Ok(pool)
    })
    .await??;
    let web = web::Web::load(
        &config.dist_dir,
        config.api_base.as_deref(),
        public_origin,
        &config.embed_origins,
    )?;
    let data_dir = config.data_dir();
    let uploads = upload::Store::open(&data_dir.join("uploads"))?;
    let previews = preview::Store::open(
        &data_dir.join("previews"),
        &config.dist_dir,
        &data_dir.join("uploads"),
    )?;
    let secs_ms = |secs: u64| i64::try_from(secs.saturating_mul(1000)).unwrap_or(i64::MAX);
    let commerce = order::Commerce {
        pool: pool.clone(),
        payments: Arc::new(payment::TestPaymentProvider::new(
            config.test_payment_delay_secs,
        )),
        settings: order::OrderSettings {
            hold_ms: secs_ms(config.seat_hold_secs),
            group_window_ms: config.group_window_secs.map(secs_ms),
        },
    };
    let alive = Arc::new(());
    if let Some(every) = config.expiry_sweep {
        expiry::spawn_sweeper(commerce.clone(), Arc::downgrade(&alive), every);
    }
    Ok(AppState {
        pool,
        web: Arc::new(web),
        uploads: Arc::new(uploads),
        sign_in_limiter: Arc::new(ratelimit::SignInLimiter::default()),
        sign_up_limiter: Arc::new(ratelimit::SignUpLimiter::new(config.sign_ups_per_hour)),
        trusted_proxies: Arc::new(forwarded::TrustedProxies::new(
            config.trusted_proxies.iter().copied(),
        )),
        secure_cookies: config.secure_cookies,
        embed_example: config.embed_example,
        previews: Arc::new(previews),
        referral_days: config.referral_days,
        commerce,
        alive,
    })
}

/// All routes and middleware around a ready state.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/api/v1/health", get(health))
        .route("/api/v1/account/sign-up", post(account::sign_up))
        .route("/api/v1/account/sign-in", post(account::sign_in))
        .route("/api/v1/account/sign-out", post(account::sign_out))
        .route("/api/v1/account/me", get(account::me))
        .route("/api/v1/account/referrals", get(referral::referrals))
        .route("/api/v1/referrals/visits", post(referral::record_visit))
        .route(
            "/api/v1/account/avatar",
            put(avatar::set_avatar).delete(avatar::remove_avatar),
        )
        .route("/api/v1/feed", get(feed::feed))
        .route("/api/v1/posts", post(post::create_post))
        .route(
            "/api/v1/posts/{id}",
            get(post::get_post).delete(post::delete_post),
        )
        .route(
            "/api/v1/posts/{id}/like",
            put(like::like).delete(like::unlike),
        )
        .route(
            "/api/v1/posts/{id}/comments",
            get(comment::list_comments).post(comment::create_comment),
        )
        .route("/api/v1/comments/{id}", delete(comment::delete_comment))
        .route(
            "/api/v1/uploads",
            // This one route takes a photo; `limit_bodies` lets its body through unwrapped.
            post(upload::create_upload).layer(DefaultBodyLimit::max(upload::BODY_MAX_BYTES)),
        )
        .route("/api/v1/uploads/{id}", delete(upload::delete_upload))
        .route("/api/v1/products", get(product::list_products))
        .route("/api/v1/products/{id}", get(product::get_product))
        .route(
            "/api/v1/products/{id}/groups",
            get(group_buy::list_product_groups),
        )
        .route("/api/v1/groups/{id}", get(group_buy::get_group))
        .route("/api/v1/pickup-points", get(pickup::list_pickup_points))
        .route("/api/v1/cart", get(cart::get_cart))
        .route("/api/v1/cart/items/{product_id}", put(cart::set_item))
        .route("/api/v1/cart/merge", post(cart::merge))
        .route(
            "/api/v1/orders",
            get(order::list_orders).post(order::create_order),
        )
        .route("/api/v1/orders/{id}", get(order::get_order))
        .route("/api/v1/orders/{id}/pay", post(order::pay))
        .route("/api/v1/communities", get(community::list_communities))
        .route("/api/v1/communities/{slug}", get(community::get_community))
        .route(
            "/api/v1/communities/{slug}/membership",
            post(membership::join).delete(membership::leave),
        )
        .route(
            "/api/v1/communities/{slug}/members",
            get(membership::list_members),
        )
        .route(
            "/api/v1/communities/{slug}/recommended",
            get(recommendation::list_recommended),
        )
        .route("/api/openapi.json", get(openapi::serve_document))
        // Anything else under /api is a JSON 404, never the app's HTML.
        .route("/api", any(api_not_found))
        .route("/api/", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found))
        // Writes from another site are refused before any handler sees them.
        .layer(middleware::from_fn_with_state(
            origin::Scheme::of(state.secure_cookies),
            origin::check_origin,
        ));

    let mut routes = api.merge(web::routes(&state));
    if state.embed_example {
        routes = routes.merge(embed::routes());
    }
    let routes = routes
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state);
    with_middleware(routes)
}

/// The middleware every response passes through: errors as JSON, body limits, panics
/// caught, security headers, compression, request logs.
fn with_middleware(routes: Router) -> Router {
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

/// Readiness: answers once the database answers.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: String,
}

/// Is the server up and its database reachable?
#[utoipa::path(
    get,
    path = "/api/v1/health",
    tag = "meta",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 500, description = "The database is unreachable", body = quanzi_api::ApiErrorBody),
    )
)]
pub async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<axum::Json<Health>, AppError> {
    state
        .db(|conn| {
            conn.query_row("SELECT 1", [], |_| Ok(()))?;
            Ok(())
        })
        .await?;
    Ok(axum::Json(Health {
        status: "ok".to_owned(),
    }))
}

async fn api_not_found() -> AppError {
    AppError::not_found("no such API resource")
}

async fn method_not_allowed() -> AppError {
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
        upload::BODY_MAX_BYTES
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
        Some(Ok(_)) if upload => return upload::too_large().into_response(),
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
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::{Body, Bytes};
    use axum::http::Request;
    use axum::routing::post;
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
