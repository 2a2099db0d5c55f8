//! Comments on posts: a flat list, oldest first (`GET /posts/{id}/comments`), written by
//! anyone signed in (`POST`), deleted by their author, the post's author (their post is
//! their space), or a moderator of the post's community (`DELETE /comments/{id}`).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use quanzi_api::{Comment, ErrorCode, NewComment, Page};
use rusqlite::{params, Connection, OptionalExtension};

use crate::communities::membership::legacy::may_delete;
use crate::http::body::JsonBody;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::{parse_limit, Cursor, PageQuery, PathId};
use crate::members::session::{SignedIn, Viewer};
use crate::storage::db::{now_ms, write_tx, Db};
use crate::storage::rows::{author, rfc3339, AUTHOR_COLUMNS};

/// Where a post lives and who wrote it: what deciding on its comments needs.
#[derive(Clone, Copy)]
struct PostPlace {
    community_id: i64,
    author_id: i64,
}

impl PostPlace {
    fn of(conn: &Connection, post_id: i64) -> Result<PostPlace, AppError> {
        conn.prepare_cached("SELECT community_id, author_id FROM posts WHERE id = ?1")?
            .query_row(params![post_id], |r| {
                Ok(PostPlace {
                    community_id: r.get(0)?,
                    author_id: r.get(1)?,
                })
            })
            .optional()?
            .ok_or_else(|| AppError::not_found("no such post"))
    }

    /// Whether `viewer` may delete a comment by `comment_author` under this post.
    fn may_delete_comment(
        self,
        conn: &Connection,
        comment_author: i64,
        viewer: Option<i64>,
    ) -> Result<bool, AppError> {
        if viewer.is_some() && viewer == Some(self.author_id) {
            return Ok(true);
        }
        may_delete(conn, self.community_id, comment_author, viewer)
    }
}

/// Comments of a post after `after` (oldest first), one more than `limit` if there are.
fn comments_after(
    conn: &Connection,
    post_id: i64,
    after: Cursor,
    fetch: i64,
    lang: Lang,
    viewer: Option<i64>,
) -> Result<Vec<(Comment, Cursor)>, AppError> {
    let place = PostPlace::of(conn, post_id)?;
    let rows = conn
        .prepare_cached(&format!(
            "SELECT k.id, k.body, k.created_ms, {AUTHOR_COLUMNS}
             FROM comments k JOIN members m ON m.id = k.author_id
             WHERE k.post_id = ?1 AND (k.created_ms, k.id) > (?2, ?3)
             ORDER BY k.created_ms, k.id LIMIT ?4"
        ))?
        .query_map(params![post_id, after.created_ms, after.id, fetch], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                author(r, 3, lang)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, body, created_ms, author) in rows {
        let can_delete = place.may_delete_comment(conn, author.id, viewer)?;
        out.push((
            Comment {
                id,
                author,
                body,
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
    let rows = db
        .run(move |conn| comments_after(conn, post_id, after, i64::from(limit) + 1, lang, viewer))
        .await?;
    let has_more = rows.len() > limit as usize;
    let mut items = Vec::with_capacity(rows.len());
    let mut last = None;
    for (comment, cursor) in rows.into_iter().take(limit as usize) {
        items.push(comment);
        last = Some(cursor);
    }
    Ok(Json(Page {
        items,
        next_cursor: last.filter(|_| has_more).map(Cursor::encode),
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
    let created = db
        .run(move |conn| {
            let tx = write_tx(conn)?;
            // Check the post exists before writing under it.
            PostPlace::of(&tx, post_id)?;
            let created_ms = now_ms();
            tx.prepare_cached(
                "INSERT INTO comments (post_id, author_id, body, created_ms)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![post_id, member_id, body, created_ms])?;
            let id = tx.last_insert_rowid();
            let author = tx
                .prepare_cached(&format!(
                    "SELECT {AUTHOR_COLUMNS} FROM members m WHERE m.id = ?1"
                ))?
                .query_row(params![member_id], |r| author(r, 0, lang))?;
            tx.commit()?;
            Ok(Comment {
                id,
                author,
                body,
                created_at: rfc3339(created_ms)?,
                // Its author may always delete it.
                can_delete: true,
            })
        })
        .await?;
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
    db.run(move |conn| {
        let tx = write_tx(conn)?;
        let (author_id, post_id): (i64, i64) = tx
            .prepare_cached("SELECT author_id, post_id FROM comments WHERE id = ?1")?
            .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .ok_or_else(|| AppError::not_found("no such comment"))?;
        let place = PostPlace::of(&tx, post_id)?;
        if !place.may_delete_comment(&tx, author_id, Some(member_id))? {
            return Err(AppError::forbidden(
                ErrorCode::Forbidden,
                "only its author, the post's author or a moderator may delete this comment",
            ));
        }
        tx.prepare_cached("DELETE FROM comments WHERE id = ?1")?
            .execute(params![id])?;
        tx.commit()?;
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
