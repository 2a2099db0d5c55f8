//! Members' profile pictures: `PUT /account/avatar` makes one of the member's uploads their
//! picture, `DELETE /account/avatar` removes it. The picture is copied into the member's
//! row, which every author, face and `/me` already reads; the upload row keeps its file
//! alive (out of the sweep of abandoned uploads) until it is replaced or removed.

use axum::extract::State;
use axum::Json;
use quanzi_api::{Me, SetAvatar};

use crate::content::upload;
use crate::content::ContentState;
use crate::http::body::JsonBody;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::members::account::load_me;
use crate::members::session::SignedIn;
use crate::storage::db::Db;

/// Sets (or with `None` clears) the member's picture inside a transaction; returns the
/// member as `/me` shows them and the files no longer used, to remove after the commit.
async fn set(
    db: &Db,
    member_id: i64,
    upload_id: Option<i64>,
    lang: Lang,
) -> Result<(Me, Vec<String>), AppError> {
    let mut tx = db.write().await?;
    let released = match upload_id {
        Some(upload_id) => {
            let (photo, replaced) = upload::claim_avatar(&mut tx, upload_id, member_id).await?;
            // The alt text names the member, as the demo's pictures do.
            sqlx::query(
                "UPDATE members SET avatar_url = $2, avatar_width = $3, avatar_height = $4,
                     avatar_alt_zh = name || '的头像', avatar_alt_en = 'Avatar of ' || name
                 WHERE id = $1",
            )
            .bind(member_id)
            .bind(photo.url)
            .bind(i64::from(photo.width))
            .bind(i64::from(photo.height))
            .execute(&mut *tx)
            .await?;
            replaced
        }
        None => {
            let released = upload::release_avatar(&mut tx, member_id).await?;
            sqlx::query(
                "UPDATE members SET avatar_url = NULL, avatar_width = NULL, avatar_height = NULL,
                     avatar_alt_zh = NULL, avatar_alt_en = NULL
                 WHERE id = $1",
            )
            .bind(member_id)
            .execute(&mut *tx)
            .await?;
            released
        }
    };
    // A session whose account is gone is no session.
    let me = load_me(&mut tx, member_id, lang)
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    tx.commit().await?;
    Ok((me, released))
}

/// Both handlers: the same work, only the wish differs.
async fn answer(
    state: ContentState,
    member_id: i64,
    upload_id: Option<i64>,
    lang: Lang,
) -> Result<Json<Me>, AppError> {
    let (me, released) = set(&state.db, member_id, upload_id, lang).await?;
    // After the commit: a file left behind by a failed removal is garbage, not a hole.
    state.uploads.remove_files(released).await;
    Ok(Json(me))
}

/// Makes one of the member's uploads their profile picture, replacing (and deleting) the
/// previous one. Setting the current picture again changes nothing.
#[utoipa::path(
    put,
    path = "/account/avatar",
    tag = "account",
    request_body = SetAvatar,
    params(
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The member with their new picture", body = Me),
        (status = 400, description = "`bad_upload` (a photo a post has published) or `bad_json`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such upload of yours", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn set_avatar(
    State(state): State<ContentState>,
    lang: Lang,
    SignedIn(member_id): SignedIn,
    JsonBody(body): JsonBody<SetAvatar>,
) -> Result<Json<Me>, AppError> {
    answer(state, member_id, Some(body.upload_id), lang).await
}

/// Removes the member's profile picture; the app then draws their initial. Without one it
/// succeeds all the same.
#[utoipa::path(
    delete,
    path = "/account/avatar",
    tag = "account",
    params(
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The member without a picture", body = Me),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn remove_avatar(
    State(state): State<ContentState>,
    lang: Lang,
    SignedIn(member_id): SignedIn,
) -> Result<Json<Me>, AppError> {
    answer(state, member_id, None, lang).await
}
