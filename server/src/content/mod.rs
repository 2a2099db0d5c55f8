//! What members write and read: the feed, posts, comments, likes and uploaded photos, and
//! the pictures' phone-sized copies.

pub mod comment;
pub mod feed;
pub mod like;
pub mod post;
pub mod upload;
pub mod variant;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, FromRef};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::middleware::UPLOAD_BODY_MAX_BYTES;
use crate::http::origin::Scheme;
use crate::storage::db::Db;

/// What posts and photos need of the state: the database and the photo store.
#[derive(Clone)]
pub struct ContentState {
    pub db: Db,
    pub uploads: Arc<upload::Store>,
}

impl<S> FromRef<S> for ContentState
where
    Db: FromRef<S>,
    Arc<upload::Store>: FromRef<S>,
{
    fn from_ref(state: &S) -> Self {
        ContentState {
            db: Db::from_ref(state),
            uploads: Arc::from_ref(state),
        }
    }
}

/// `/feed`, `/posts…`, `/comments/{id}`, `/uploads…`.
pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Db: FromRef<S>,
    Scheme: FromRef<S>,
    Arc<upload::Store>: FromRef<S>,
{
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
