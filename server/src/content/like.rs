//! Likes: `PUT` and `DELETE /posts/{id}/like`. Both are idempotent: liking twice is one
//! like, and the answer always says where things stand.

use axum::extract::State;
use axum::Json;
use quanzi_api::LikeState;

use crate::http::error::AppError;
use crate::http::params::PathId;
use crate::members::session::SignedIn;
use crate::storage::db::{now_ms, u32_at, Db};

/// Sets or clears a member's like and reads the count back, in one transaction.
async fn set_like(
    db: &Db,
    post_id: i64,
    member_id: i64,
    liked: bool,
) -> Result<LikeState, AppError> {
    let mut tx = db.write().await?;
    let base = sqlx::query("SELECT like_count FROM posts WHERE id = $1")
        .bind(post_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::not_found("no such post"))?;
    let base = u32_at(&base, 0)?;
    if liked {
        sqlx::query(
            "INSERT INTO post_likes (post_id, member_id, created_ms) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
        )
        .bind(post_id)
        .bind(member_id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query("DELETE FROM post_likes WHERE post_id = $1 AND member_id = $2")
            .bind(post_id)
            .bind(member_id)
            .execute(&mut *tx)
            .await?;
    }
    let likes = sqlx::query("SELECT count(*) FROM post_likes WHERE post_id = $1")
        .bind(post_id)
        .fetch_one(&mut *tx)
        .await?;
    let likes = u32_at(&likes, 0)?;
    tx.commit().await?;
    Ok(LikeState {
        liked,
        like_count: base.saturating_add(likes),
    })
}

/// Likes a post (again is fine).
#[utoipa::path(
    put,
    path = "/posts/{id}/like",
    tag = "posts",
    params(PathId),
    responses(
        (status = 200, description = "Liked; the post's like count now", body = LikeState),
        (status = 400, description = "`bad_id`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such post", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn like(
    State(db): State<Db>,
    SignedIn(member_id): SignedIn,
    PathId(id): PathId,
) -> Result<Json<LikeState>, AppError> {
    answer(db, member_id, id, true).await
}

/// Takes a like back (none to take is fine).
#[utoipa::path(
    delete,
    path = "/posts/{id}/like",
    tag = "posts",
    params(PathId),
    responses(
        (status = 200, description = "Not liked; the post's like count now", body = LikeState),
        (status = 400, description = "`bad_id`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such post", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn unlike(
    State(db): State<Db>,
    SignedIn(member_id): SignedIn,
    PathId(id): PathId,
) -> Result<Json<LikeState>, AppError> {
    answer(db, member_id, id, false).await
}

/// Both handlers: the same work, only the wish differs.
async fn answer(db: Db, member_id: i64, id: i64, liked: bool) -> Result<Json<LikeState>, AppError> {
    Ok(Json(set_like(&db, id, member_id, liked).await?))
}
