//! Likes: `PUT` and `DELETE /posts/{id}/like`. Both are idempotent: liking twice is one
//! like, and the answer always says where things stand.

use axum::extract::State;
use axum::Json;
use quanzi_api::LikeState;
use rusqlite::{params, Connection, OptionalExtension};

use crate::http::error::AppError;
use crate::http::params::PathId;
use crate::members::session::SignedIn;
use crate::storage::db::{now_ms, write_tx, Db};

/// Sets or clears a member's like and reads the count back, in one transaction.
fn set_like(
    conn: &mut Connection,
    post_id: i64,
    member_id: i64,
    liked: bool,
) -> Result<LikeState, AppError> {
    let tx = write_tx(conn)?;
    let base: u32 = tx
        .prepare_cached("SELECT like_count FROM posts WHERE id = ?1")?
        .query_row(params![post_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| AppError::not_found("no such post"))?;
    if liked {
        tx.prepare_cached(
            "INSERT OR IGNORE INTO post_likes (post_id, member_id, created_ms) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![post_id, member_id, now_ms()])?;
    } else {
        tx.prepare_cached("DELETE FROM post_likes WHERE post_id = ?1 AND member_id = ?2")?
            .execute(params![post_id, member_id])?;
    }
    let likes: u32 = tx
        .prepare_cached("SELECT count(*) FROM post_likes WHERE post_id = ?1")?
        .query_row(params![post_id], |r| r.get(0))?;
    tx.commit()?;
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
    let like = db
        .run(move |conn| set_like(conn, id, member_id, liked))
        .await?;
    Ok(Json(like))
}
