//! The store's products: lists, a product's page, the card other resources embed.

pub mod product;

use axum::extract::FromRef;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::origin::Scheme;
use crate::storage::db::Db;

/// `/products`, `/products/{id}`.
pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Db: FromRef<S>,
    Scheme: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(product::list_products))
        .routes(routes!(product::get_product))
}
