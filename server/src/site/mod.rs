//! The site around the API: the app shell with its CSP nonce and per-URL link previews,
//! the preview pictures and share posters, static files, and the embedding host example.

pub mod embed;
pub mod first_data;
pub mod health;
pub mod html;
pub mod poster;
pub mod preview;
pub mod shell;

use axum::extract::FromRef;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::storage::db::Db;

/// The API's own meta routes (`/health`).
pub fn api_router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Db: FromRef<S>,
    poster::PosterState: FromRef<S>,
    crate::http::origin::Scheme: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(health::health))
        .routes(routes!(poster::product_poster))
        .routes(routes!(poster::group_poster))
        .routes(routes!(poster::shop_poster))
}
