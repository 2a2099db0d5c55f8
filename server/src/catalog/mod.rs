//! The store's products: lists, a product's page, the card other resources embed.

pub mod product;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

/// `/products`, `/products/{id}`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(product::list_products))
        .routes(routes!(product::get_product))
}
