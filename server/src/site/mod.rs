//! The site around the API: the app shell with its CSP nonce and per-URL link previews,
//! the preview pictures, static files, and the embedding host example.

pub mod embed;
pub mod health;
pub mod html;
pub mod preview;
pub mod shell;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

/// The API's own meta routes (`/health`).
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health::health))
}
