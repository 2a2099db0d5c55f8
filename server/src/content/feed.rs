//! The content-first feed: `GET /feed?cursor=&limit=&community=&author=`, posts newest
//! first.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use quanzi_api::{ErrorCode, FeedQuery, Page, Post};
use sqlx::{AssertSqlSafe, Row};

use crate::communities::membership::community_by_slug;
use crate::content::post::load_posts;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::{keyset_page, parse_id, parse_limit, parse_slug, Cursor};
use crate::members::session::Viewer;
use crate::storage::db::Db;

/// A page of posts, newest first (by creation time, then id). Pass the page's `next_cursor`
/// as `cursor` for the next one; it is null on the last page.
#[utoipa::path(
    get,
    path = "/feed",
    tag = "feed",
    params(
        FeedQuery,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "A page of posts", body = Page<Post>),
        (status = 400, description = "`bad_limit`, `bad_cursor`, `bad_slug`, `bad_id` (author), or `bad_request` (a malformed query string)", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such community or member", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    )
)]
pub async fn feed(
    State(db): State<Db>,
    lang: Lang,
    Viewer(viewer): Viewer,
    query: Result<Query<FeedQuery>, QueryRejection>,
) -> Result<Json<Page<Post>>, AppError> {
    let Query(query) = query.map_err(|_| {
        AppError::bad_request(ErrorCode::BadRequest, "the query string is malformed")
    })?;
    let limit = parse_limit(query.limit.as_deref())?;
    let cursor = Cursor::parse(query.cursor.as_deref())?;
    let community = match query.community.as_deref() {
        Some(slug) => Some(parse_slug(slug)?.to_owned()),
        None => None,
    };
    let author = query.author.as_deref().map(parse_id).transpose()?;
    let mut conn = db.pool().acquire().await?;
    let community_id = match community {
        None => None,
        Some(slug) => Some(community_by_slug(&mut conn, &slug, lang).await?.0),
    };
    if let Some(author) = author {
        sqlx::query("SELECT 1 FROM members WHERE id = $1")
            .bind(author)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| AppError::not_found("no such member"))?;
    }
    // Keyset pagination: strictly after the cursor in (created_ms, id) descending order,
    // one extra row to learn whether there is a next page.
    let after = cursor.unwrap_or(Cursor {
        created_ms: i64::MAX,
        id: i64::MAX,
    });
    let fetch = i64::from(limit) + 1;
    // One statement per combination of filters, each plain enough for the database to
    // walk its index (posts_feed, posts_community_feed, posts_author_feed).
    let mut sql =
        String::from("SELECT id, created_ms FROM posts WHERE (created_ms, id) < ($1, $2)");
    let mut bind = vec![after.created_ms, after.id];
    if let Some(community_id) = community_id {
        bind.push(community_id);
        sql.push_str(&format!(" AND community_id = ${}", bind.len()));
    }
    if let Some(author) = author {
        bind.push(author);
        sql.push_str(&format!(" AND author_id = ${}", bind.len()));
    }
    bind.push(fetch);
    sql.push_str(&format!(
        " ORDER BY created_ms DESC, id DESC LIMIT ${}",
        bind.len()
    ));
    // The statement is ours: fixed text and numbered parameters only.
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for value in bind {
        query = query.bind(value);
    }
    let rows = query
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect::<Result<Vec<(i64, i64)>, sqlx::Error>>()?;
    let (rows, next_cursor) =
        keyset_page(rows, limit, |&(id, created_ms)| Cursor { created_ms, id });
    let ids: Vec<i64> = rows.into_iter().map(|(id, _)| id).collect();
    // Read right after the ids; a post deleted in between is simply left out.
    let items = load_posts(&mut conn, &ids, lang, viewer).await?;
    let page = Page { items, next_cursor };
    Ok(Json(page))
}
