//! What members write and read: the feed, posts, comments, likes and uploaded photos.

pub mod comment;
pub mod feed;
pub mod like;
pub mod post;
pub mod upload;

use axum::extract::DefaultBodyLimit;

use crate::http::middleware::UPLOAD_BODY_MAX_BYTES;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

/// `/feed`, `/posts…`, `/comments/{id}`, `/uploads…`.
pub fn router() -> OpenApiRouter<AppState> {
    // The one route that takes a photo; `limit_bodies` lets its body through unwrapped.
    let photo = OpenApiRouter::new()
        .routes(routes!(upload::create_upload))
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_MAX_BYTES));
    OpenApiRouter::new()
        .routes(routes!(feed::feed))
        .routes(routes!(post::create_post))
        .routes(routes!(post::get_post, post::delete_post))
        .routes(routes!(like::like, like::unlike))
        .routes(routes!(comment::list_comments, comment::create_comment))
        .routes(routes!(comment::delete_comment))
        .routes(routes!(upload::delete_upload))
        .merge(photo)
}
