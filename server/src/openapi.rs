//! The OpenAPI 3.1 document of `/api/v1`, generated from the `quanzi-api` types and the
//! handlers' `#[utoipa::path]` attributes. A copy is committed as `api/openapi.json`; a test
//! fails when it drifts.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;
use quanzi_api::{
    ApiError, ApiErrorBody, Author, Community, CommunityRef, ErrorCode, GroupOffer, GroupPrice,
    Image, Money, Post, PostSummary, Product, ProductCard, StoryBlock,
};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Quanzi API",
        version = "1.0.0",
        description = "The JSON contract of Quanzi (圈子), under `/api/v1`.\n\n\
            Money is integer minor units plus an ISO 4217 currency; times are RFC 3339 UTC; \
            lists are cursor pages (`items`, `next_cursor`); every error is \
            `{\"error\":{\"code\",\"message\"}}` with a stable snake_case code. \
            Text is in Chinese unless `Accept-Language` prefers English."
    ),
    paths(
        crate::health,
        crate::feed::feed,
        crate::post::get_post,
        crate::product::get_product,
        crate::community::list_communities,
        crate::community::get_community,
    ),
    components(schemas(
        ApiErrorBody, ApiError, ErrorCode, Money, Image, Author, CommunityRef, Community,
        GroupPrice, GroupOffer, ProductCard, Post, PostSummary, StoryBlock, Product,
    )),
    tags(
        (name = "feed", description = "The content-first feed"),
        (name = "posts", description = "Content posts"),
        (name = "products", description = "Products and their group-buy offers"),
        (name = "communities", description = "Communities (圈子)"),
        (name = "meta", description = "Health"),
    )
)]
pub struct ApiDoc;

/// The document as committed: pretty JSON with a trailing newline.
pub fn document_json() -> String {
    match ApiDoc::openapi().to_pretty_json() {
        Ok(mut json) => {
            json.push('\n');
            json
        }
        // Serialising our own static document cannot fail in practice; say so if it does.
        Err(err) => {
            tracing::error!(error = %err, "cannot serialise the OpenAPI document");
            String::from("{}\n")
        }
    }
}

/// `GET /api/openapi.json`.
pub async fn serve_document() -> impl IntoResponse {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT.get_or_init(document_json).as_str(),
    )
}
