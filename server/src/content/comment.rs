//! Comments on posts: a flat list, oldest first (`GET /posts/{id}/comments`), written by
//! anyone signed in (`POST`), deleted by their author, the post's author (their post is
//! their space), or a moderator of the post's community (`DELETE /comments/{id}`).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use quanzi_api::{Comment, ErrorCode, NewComment, Page};
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::communities::membership::may_delete;
use crate::http::body::JsonBody;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::{keyset_page, parse_limit, Cursor, PageQuery, PathId};
use crate::members::session::{SignedIn, Viewer};
use crate::storage::db::{now_ms, Db};
use crate::storage::rows::author;
use crate::storage::rows::{rfc3339, AUTHOR_COLUMNS};

/// Where a post lives and who wrote it: what deciding on its comments needs.
#[derive(Clone, Copy)]
struct PostPlace {
    community_id: i64,
    author_id: i64,
}

impl PostPlace {
    async fn of(conn: &mut AnyConnection, post_id: i64) -> Result<PostPlace, AppError> {
        let row = sqlx::query("SELECT community_id, author_id FROM posts WHERE id = $1")
            .bind(post_id)
            .fetch_optional(conn)
            .await?
            .ok_or_else(|| AppError::not_found("no such post"))?;
        Ok(PostPlace {
            community_id: row.try_get(0)?,
            author_id: row.try_get(1)?,
        })
    }

    /// Whether `viewer` may delete a comment by `comment_author` under this post.
    async fn may_delete_comment(
        self,
        conn: &mut AnyConnection,
        comment_author: i64,
        viewer: Option<i64>,
    ) -> Result<bool, AppError> {
        if viewer.is_some() && viewer == Some(self.author_id) {
            return Ok(true);
        }
        may_delete(conn, self.community_id, comment_author, viewer).await
    }
}

/// Comments of a post after `after` (oldest first), one more than `limit` if there are.
async fn comments_after(
    conn: &mut AnyConnection,
    post_id: i64,
    after: Cursor,
    fetch: i64,
    lang: Lang,
    viewer: Option<i64>,
) -> Result<Vec<(Comment, Cursor)>, AppError> {
    let place = PostPlace::of(conn, post_id).await?;
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT k.id, k.body, k.created_ms, {AUTHOR_COLUMNS}
         FROM comments k JOIN members m ON m.id = k.author_id
         WHERE k.post_id = $1 AND (k.created_ms, k.id) > ($2, $3)
         ORDER BY k.created_ms, k.id LIMIT $4"
    )))
    .bind(post_id)
    .bind(after.created_ms)
    .bind(after.id)
    .bind(fetch)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let (id, created_ms): (i64, i64) = (row.try_get(0)?, row.try_get(2)?);
        let author = author(row, 3, lang)?;
        let can_delete = place.may_delete_comment(conn, author.id, viewer).await?;
        out.push((
            Comment {
                id,
                author,
                body: row.try_get(1)?,
                created_at: rfc3339(created_ms)?,
                can_delete,
            },
            Cursor { created_ms, id },
        ));
    }
    Ok(out)
}

/// A page of a post's comments, oldest first (newest last).
#[utoipa::path(
    get,
    path = "/posts/{id}/comments",
    tag = "posts",
    params(
        PathId,
        PageQuery,
    ),
    responses(
        (status = 200, description = "A page of comments, oldest first", body = Page<Comment>),
        (status = 400, description = "`bad_id`, `bad_limit`, `bad_cursor` or `bad_request`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such post", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    )
)]
pub async fn list_comments(
    State(db): State<Db>,
    lang: Lang,
    Viewer(viewer): Viewer,
    PathId(post_id): PathId,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<Page<Comment>>, AppError> {
    let Query(query) = query.map_err(|_| {
        AppError::bad_request(ErrorCode::BadRequest, "the query string is malformed")
    })?;
    let limit = parse_limit(query.limit.as_deref())?;
    let after = Cursor::parse(query.cursor.as_deref())?.unwrap_or(Cursor {
        created_ms: i64::MIN,
        id: i64::MIN,
    });
    let mut conn = db.pool().acquire().await?;
    let fetch = i64::from(limit) + 1;
    let rows = comments_after(&mut conn, post_id, after, fetch, lang, viewer).await?;
    let (rows, next_cursor) = keyset_page(rows, limit, |&(_, cursor)| cursor);
    Ok(Json(Page {
        items: rows.into_iter().map(|(comment, _)| comment).collect(),
        next_cursor,
    }))
}

/// Comments on a post. Anyone signed in may comment; membership is not needed.
#[utoipa::path(
    post,
    path = "/posts/{id}/comments",
    tag = "posts",
    request_body = NewComment,
    params(PathId),
    responses(
        (status = 201, description = "The new comment", body = Comment),
        (status = 400, description = "`empty_text`, `text_too_long`, `bad_id` or `bad_json`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such post", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn create_comment(
    State(db): State<Db>,
    lang: Lang,
    SignedIn(member_id): SignedIn,
    PathId(post_id): PathId,
    JsonBody(comment): JsonBody<NewComment>,
) -> Result<(StatusCode, Json<Comment>), AppError> {
    let body = quanzi_api::check::comment(&comment.body)?;
    let mut tx = db.write().await?;
    // Check the post exists before writing under it.
    PostPlace::of(&mut tx, post_id).await?;
    let created_ms = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO comments (post_id, author_id, body, created_ms)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(post_id)
    .bind(member_id)
    .bind(&body)
    .bind(created_ms)
    .fetch_one(&mut *tx)
    .await?;
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {AUTHOR_COLUMNS} FROM members m WHERE m.id = $1"
    )))
    .bind(member_id)
    .fetch_one(&mut *tx)
    .await?;
    let author = author(&row, 0, lang)?;
    tx.commit().await?;
    let created = Comment {
        id,
        author,
        body,
        created_at: rfc3339(created_ms)?,
        // Its author may always delete it.
        can_delete: true,
    };
    Ok((StatusCode::CREATED, Json(created)))
}

/// Deletes a comment: its author may, the post's author may, and so may the owner and
/// moderators of the post's community.
#[utoipa::path(
    delete,
    path = "/comments/{id}",
    tag = "posts",
    params(PathId),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "`bad_id`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not its author, the post's author, or a moderator; or `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such comment", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn delete_comment(
    State(db): State<Db>,
    SignedIn(member_id): SignedIn,
    PathId(id): PathId,
) -> Result<StatusCode, AppError> {
    let mut tx = db.write().await?;
    let row = sqlx::query("SELECT author_id, post_id FROM comments WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::not_found("no such comment"))?;
    let (author_id, post_id): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
    let place = PostPlace::of(&mut tx, post_id).await?;
    if !place
        .may_delete_comment(&mut tx, author_id, Some(member_id))
        .await?
    {
        return Err(AppError::forbidden(
            ErrorCode::Forbidden,
            "only its author, the post's author or a moderator may delete this comment",
        ));
    }
    sqlx::query("DELETE FROM comments WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
