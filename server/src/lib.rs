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
//! // TCP_NODELAY on every connection, or kept-alive static files stall ~40 ms each.
//! let listener = quanzi_server::http::listener::no_delay(listener);
//! // The peer address feeds the rate limits.
//! let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
//! axum::serve(listener, service).await?;
//! # Ok(()) }
//! ```

use std::sync::Arc;

use axum::extract::FromRef;
use axum::routing::{any, get};
use axum::Router;
use quanzi_api::API_PREFIX;
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use crate::commerce::{context, expiry, payment, payout};
use crate::content::{upload, variant};
use crate::http::middleware::{api_not_found, method_not_allowed, with_middleware};
use crate::http::{forwarded, origin};
use crate::members::{account, limits};
use crate::site::{embed, first_data, preview, shell};
use crate::storage::db::Db;

pub mod catalog;
pub mod commerce;
pub mod communities;
pub mod config;
pub mod content;
pub mod demo;
pub mod earnings;
pub mod http;
pub mod members;
pub mod notifications;
pub mod referral;
pub mod shop;
pub mod site;
pub mod staff;
pub mod storage;

pub use config::Config;

/// What the handlers share, each taking only its parts (`State<Db>`, `State<Scheme>` …,
/// by `FromRef`): the database, the app shell, the photo and preview stores, the rate
/// limiters, whose forwarded addresses to believe, the cookie scheme and the commerce
/// machinery. Capabilities never name this type: their routers are generic over any state
/// that has their parts.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub db: Db,
    pub web: Arc<shell::Web>,
    pub uploads: Arc<upload::Store>,
    /// The sign-in and sign-up limits (counted in the database).
    pub limits: limits::Limits,
    pub trusted_proxies: Arc<forwarded::TrustedProxies>,
    /// HTTPS or not: the session cookie's `Secure` and the Origin check.
    pub scheme: origin::Scheme,
    /// Whether the host example page is served (`--embed-example`).
    #[from_ref(skip)]
    pub embed_example: bool,
    /// Preview pictures for shared links: where they are drawn from and kept.
    pub previews: Arc<preview::Store>,
    /// The referral cookie's lifetime.
    pub referral_days: referral::ReferralDays,
    /// Orders and group-buys: the payment provider and the hold and window settings.
    pub commerce: context::Commerce,
    /// The change feed as this server's event streams receive it.
    pub hub: notifications::events::Hub,
    /// While any clone of the state lives, the background expiry sweep runs; it stops once
    /// the last router is dropped.
    #[from_ref(skip)]
    pub alive: Arc<()>,
}

/// Opens the database (migrating it and loading the demo store when it is fresh), reads the
/// app shell from `dist`, and returns the whole router.
pub async fn app(config: &Config) -> anyhow::Result<Router> {
    let state = state(config).await?;
    Ok(router(state))
}

/// The shared state alone, for callers that want to add their own routes.
pub async fn state(config: &Config) -> anyhow::Result<AppState> {
    let public_origin = config.check()?;
    // The dummy hash (sign-in of an unknown email) is made once, before any request.
    tokio::task::spawn_blocking(|| {
        account::dummy_hash();
    })
    .await?;
    let web = shell::Web::load(
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
    let db = match &config.database_url {
        Some(url) => Db::postgres(url, config.pool).await?,
        None => Db::sqlite(&config.db_path, config.pool).await?,
    };
    if demo::load_if_empty(&db, demo::STORE_JSON, time::OffsetDateTime::now_utc()).await? {
        tracing::info!("loaded the demo store");
    }
    // The demo members, and members from before referral codes, get theirs now.
    let coded = referral::backfill(&db)
        .await
        .map_err(|err| anyhow::anyhow!("giving referral codes: {}", err.message))?;
    if coded > 0 {
        tracing::info!(members = coded, "gave referral codes");
    }
    let commerce = context::Commerce {
        db: db.clone(),
        payments: Arc::new(payment::TestPaymentProvider::new(
            config.test_payment_delay_secs,
        )),
        payouts: Arc::new(payout::TestPayoutProvider),
        settings: context::OrderSettings {
            hold_ms: secs_ms(config.seat_hold_secs),
            group_window_ms: config.group_window_secs.map(secs_ms),
            auto_complete_ms: secs_ms(u64::from(config.auto_complete_days) * 24 * 60 * 60),
            return_window_ms: secs_ms(
                config
                    .return_window_secs
                    .unwrap_or(u64::from(config.return_window_days) * 24 * 60 * 60),
            ),
        },
    };
    let alive = Arc::new(());
    let hub = notifications::events::Hub::default();
    notifications::events::spawn_tailer(db.clone(), hub.clone(), Arc::downgrade(&alive));
    if let Some(every) = config.expiry_sweep {
        expiry::spawn_sweeper(commerce.clone(), Arc::downgrade(&alive), every);
    }
    variant::spawn_demo_copies(
        config.dist_dir.clone(),
        demo::parse(demo::STORE_JSON)?.pictures(),
        Arc::downgrade(&alive),
    );
    Ok(AppState {
        db,
        web: Arc::new(web),
        uploads: Arc::new(uploads),
        limits: limits::Limits {
            sign_ups_per_hour: config.sign_ups_per_hour,
        },
        trusted_proxies: Arc::new(forwarded::TrustedProxies::new(
            config.trusted_proxies.iter().copied(),
        )),
        scheme: origin::Scheme::of(config.secure_cookies),
        embed_example: config.embed_example,
        previews: Arc::new(previews),
        referral_days: referral::ReferralDays(config.referral_days),
        commerce,
        hub,
        alive,
    })
}

/// Every `/api/v1` resource, each capability's router merged into one, with the OpenAPI
/// document their `#[utoipa::path]`s describe.
fn api_routes() -> OpenApiRouter<AppState> {
    let v1 = OpenApiRouter::new()
        .merge(site::api_router())
        .merge(members::router())
        .merge(referral::router())
        .merge(earnings::router())
        .merge(notifications::router())
        .merge(shop::router())
        .merge(content::router())
        .merge(catalog::router())
        .merge(communities::router())
        .merge(commerce::router())
        .merge(staff::router());
    let mut document = http::openapi::ApiDoc::openapi();
    members::session::SessionCookie.modify(&mut document);
    OpenApiRouter::with_openapi(document).nest(API_PREFIX, v1)
}

/// The OpenAPI document, as committed in `api/openapi.json`: pretty JSON, trailing newline.
pub fn openapi_json() -> String {
    http::openapi::to_json(&api_routes().into_openapi())
}

/// All routes and middleware around a ready state.
pub fn router(state: AppState) -> Router {
    let (v1, document) = api_routes().split_for_parts();
    let document = axum::body::Bytes::from(http::openapi::to_json(&document));
    let api = v1
        .route(
            "/api/openapi.json",
            get(move || http::openapi::serve_document(document.clone())),
        )
        // Anything else under /api is a JSON 404, never the app's HTML.
        .route("/api", any(api_not_found))
        .route("/api/", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found))
        // What `expiry::settle_first` settles with.
        .layer(axum::Extension(state.commerce.clone()))
        // Writes from another site are refused before any handler sees them.
        .layer(axum::middleware::from_fn_with_state(
            state.scheme,
            origin::check_origin,
        ));

    // The shells ask the API for their pages' first data, through the same routes.
    let first_data = first_data::Api(api.clone().with_state(state.clone()));
    let site = shell::routes(&state).layer(axum::Extension(first_data));
    let mut routes = api.merge(site);
    if state.embed_example {
        routes = routes.merge(embed::routes());
    }
    let routes = routes
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state);
    with_middleware(routes)
}
