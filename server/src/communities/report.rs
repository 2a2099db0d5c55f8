//! Reports: a member reports a post or a comment with a reason; the community's owner and
//! moderators (and the store's owners, everywhere) read the open ones, one entry per thing
//! reported, and remove it or keep it. The reporter is told nothing of the decision, and
//! moderators are not told who reported. A report goes with what it reports (schema v10).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use quanzi_api::{ErrorCode, NewReport, Page, Report, ReportReason, Role, StaffRole};
use serde_json::json;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::communities::membership::{community_by_slug, role_of};
use crate::content::post::remove_post;
use crate::content::ContentState;
use crate::http::body::JsonBody;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::{parse_slug, PathId};
use crate::members::session::SignedIn;
use crate::staff::{audit, staff_role, Staff};
use crate::storage::db::{now_ms, u32_at, Db};
use crate::storage::rows::{author, rfc3339, AUTHOR_COLUMNS};

/// Open entries a queue shows at once, oldest first.
const QUEUE_MAX: i64 = 50;

/// Reports a post to its community's moderators.
#[utoipa::path(
    post,
    path = "/posts/{id}/reports",
    tag = "posts",
    request_body = NewReport,
    params(PathId),
    responses(
        (status = 204, description = "Reported (reporting it again changes nothing)"),
        (status = 400, description = "`bad_id`, `bad_json`, or `bad_request` (your own post)", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such post", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn report_post(
    State(db): State<Db>,
    SignedIn(member_id): SignedIn,
    PathId(id): PathId,
    JsonBody(body): JsonBody<NewReport>,
) -> Result<StatusCode, AppError> {
    let author: Option<i64> = sqlx::query_scalar("SELECT author_id FROM posts WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    let author = author.ok_or_else(|| AppError::not_found("no such post"))?;
    file(&db, member_id, author, id, None, body.reason).await
}

/// Reports a comment to its post's community's moderators.
#[utoipa::path(
    post,
    path = "/comments/{id}/reports",
    tag = "posts",
    request_body = NewReport,
    params(PathId),
    responses(
        (status = 204, description = "Reported (reporting it again changes nothing)"),
        (status = 400, description = "`bad_id`, `bad_json`, or `bad_request` (your own comment)", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such comment", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn report_comment(
    State(db): State<Db>,
    SignedIn(member_id): SignedIn,
    PathId(id): PathId,
    JsonBody(body): JsonBody<NewReport>,
) -> Result<StatusCode, AppError> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT author_id, post_id FROM comments WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?;
    let (author, post_id) = row.ok_or_else(|| AppError::not_found("no such comment"))?;
    file(&db, member_id, author, post_id, Some(id), body.reason).await
}

/// Files one member's report once; their own words cannot be reported by them.
async fn file(
    db: &Db,
    member_id: i64,
    author_id: i64,
    post_id: i64,
    comment_id: Option<i64>,
    reason: ReportReason,
) -> Result<StatusCode, AppError> {
    if author_id == member_id {
        return Err(AppError::bad_request(
            ErrorCode::BadRequest,
            "you cannot report what you wrote; delete it instead",
        ));
    }
    // The unique index decides: a second report by the same member changes nothing. What
    // was deleted meanwhile fails its foreign key, which reads as not found.
    let filed = sqlx::query(
        "INSERT INTO reports (reporter_id, post_id, comment_id, reason, created_ms)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
    )
    .bind(member_id)
    .bind(post_id)
    .bind(comment_id)
    .bind(reason.as_str())
    .bind(now_ms())
    .execute(db.pool())
    .await;
    match filed {
        Ok(_) => Ok(StatusCode::NO_CONTENT),
        Err(sqlx::Error::Database(e)) if e.is_foreign_key_violation() => {
            Err(AppError::not_found("it has been deleted"))
        }
        Err(e) => Err(e.into()),
    }
}

/// Who may decide on reports in a community: its owner and moderators, and the store's
/// owners anywhere.
async fn may_moderate(
    conn: &mut AnyConnection,
    member_id: i64,
    community_id: i64,
) -> Result<bool, AppError> {
    if store_owner(conn, member_id).await? {
        return Ok(true);
    }
    Ok(role_of(conn, community_id, member_id)
        .await?
        .is_some_and(Role::moderates))
}

async fn store_owner(conn: &mut AnyConnection, member_id: i64) -> Result<bool, AppError> {
    Ok(staff_role(conn, member_id).await? == Some(StaffRole::Owner))
}

/// The query of the queue.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportsQuery {
    /// Only this community's reports.
    #[param(schema_with = quanzi_api::schema::slug)]
    pub community: Option<String>,
}

/// The open reports of the communities the member moderates (every community for the
/// store's owners), one entry per thing reported, oldest first; at most 50.
#[utoipa::path(
    get,
    path = "/reports",
    tag = "communities",
    params(
        ReportsQuery,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "Open reports, oldest first (one page)", body = Page<Report>),
        (status = 400, description = "`bad_slug` or `bad_request`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: you moderate no community (or not this one)", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such community", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn list_reports(
    State(db): State<Db>,
    lang: Lang,
    SignedIn(member_id): SignedIn,
    query: Result<Query<ReportsQuery>, QueryRejection>,
) -> Result<Json<Page<Report>>, AppError> {
    let Query(query) = query.map_err(|_| {
        AppError::bad_request(ErrorCode::BadRequest, "the query string is malformed")
    })?;
    let mut conn = db.pool().acquire().await?;
    let community = match query.community.as_deref() {
        None => None,
        Some(raw) => Some(
            community_by_slug(&mut conn, parse_slug(raw)?, lang)
                .await?
                .0,
        ),
    };
    let everywhere = store_owner(&mut conn, member_id).await?;
    let moderates: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM memberships
         WHERE member_id = $1 AND role IN ('owner', 'moderator') AND ($2 IS NULL OR community_id = $2)",
    )
    .bind(member_id)
    .bind(community)
    .fetch_one(&mut *conn)
    .await?;
    if !everywhere && moderates == 0 {
        return Err(AppError::forbidden(
            ErrorCode::Forbidden,
            "only a community's moderators read its reports",
        ));
    }
    let mine = if everywhere {
        ""
    } else {
        " AND p.community_id IN (SELECT community_id FROM memberships
              WHERE member_id = $1 AND role IN ('owner', 'moderator'))"
    };
    // `$1 = $1` keeps the member's id bound when `mine` (which reads it) is left out.
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT r.post_id, r.comment_id, min(r.id), count(*), min(r.created_ms)
         FROM reports r JOIN posts p ON p.id = r.post_id
         WHERE r.state = 'open' AND $1 = $1 AND ($2 IS NULL OR p.community_id = $2){mine}
         GROUP BY r.post_id, r.comment_id
         ORDER BY min(r.created_ms), min(r.id) LIMIT $3"
    )))
    .bind(member_id)
    .bind(community)
    .bind(QUEUE_MAX)
    .fetch_all(&mut *conn)
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in &rows {
        let (post_id, comment_id): (i64, Option<i64>) = (r.try_get(0)?, r.try_get(1)?);
        // Deleted since the list was read: its reports went with it.
        let Some(subject) = subject(&mut conn, post_id, comment_id, lang).await? else {
            continue;
        };
        items.push(Report {
            id: r.try_get(2)?,
            post_id,
            comment_id,
            reports: u32_at(r, 3)?,
            reported_at: rfc3339(r.try_get(4)?)?,
            ..subject
        });
    }
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}

/// What a queue entry shows of what was reported: where, what it says, who wrote it and
/// the reasons given (the counts and ids are filled by the caller); `None` once deleted.
async fn subject(
    conn: &mut AnyConnection,
    post_id: i64,
    comment_id: Option<i64>,
    lang: Lang,
) -> Result<Option<Report>, AppError> {
    let (from, id) = match comment_id {
        Some(id) => (
            "x.body FROM comments x JOIN posts p ON p.id = x.post_id
             JOIN members m ON m.id = x.author_id",
            id,
        ),
        None => (
            "p.title FROM posts p JOIN members m ON m.id = p.author_id",
            post_id,
        ),
    };
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {AUTHOR_COLUMNS}, c.slug, c.name_zh, c.name_en, {from}
         JOIN communities c ON c.id = p.community_id
         WHERE {} = $1",
        if comment_id.is_some() { "x.id" } else { "p.id" }
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let reasons: Vec<String> = sqlx::query_scalar(
        "SELECT reason FROM reports
         WHERE post_id = $1 AND coalesce(comment_id, 0) = $2 AND state = 'open'
         GROUP BY reason ORDER BY count(*) DESC, reason",
    )
    .bind(post_id)
    .bind(comment_id.unwrap_or(0))
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some(Report {
        id: 0,
        community: quanzi_api::CommunityRef {
            slug: row.try_get(7)?,
            name: lang.pick(row.try_get(8)?, row.try_get(9)?),
        },
        post_id,
        comment_id,
        text: row.try_get(10)?,
        author: author(&row, 0, lang)?,
        reasons: reasons
            .iter()
            .filter_map(|r| ReportReason::parse(r))
            .collect(),
        reports: 0,
        reported_at: String::new(),
    }))
}

/// What was reported stays: its open reports are closed as kept.
#[utoipa::path(
    post,
    path = "/reports/{id}/keep",
    tag = "communities",
    params(PathId),
    responses(
        (status = 204, description = "Kept (again: nothing changes)"),
        (status = 400, description = "`bad_id`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: you do not moderate its community; or `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such report (or what it reported is deleted)", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn keep(
    State(content): State<ContentState>,
    SignedIn(member_id): SignedIn,
    PathId(id): PathId,
) -> Result<StatusCode, AppError> {
    decide(&content, member_id, id, false).await
}

/// What was reported is deleted (a post with its comments and pictures), and its reports
/// with it.
#[utoipa::path(
    post,
    path = "/reports/{id}/remove",
    tag = "communities",
    params(PathId),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "`bad_id`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: you do not moderate its community; or `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such report (or what it reported is deleted)", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn remove(
    State(content): State<ContentState>,
    SignedIn(member_id): SignedIn,
    PathId(id): PathId,
) -> Result<StatusCode, AppError> {
    decide(&content, member_id, id, true).await
}

async fn decide(
    content: &ContentState,
    member_id: i64,
    report_id: i64,
    delete: bool,
) -> Result<StatusCode, AppError> {
    let mut tx = content.db.write().await?;
    let row: Option<(i64, Option<i64>, i64)> = sqlx::query_as(
        "SELECT r.post_id, r.comment_id, p.community_id
         FROM reports r JOIN posts p ON p.id = r.post_id WHERE r.id = $1",
    )
    .bind(report_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (post_id, comment_id, community_id) =
        row.ok_or_else(|| AppError::not_found("no such report"))?;
    if !may_moderate(&mut tx, member_id, community_id).await? {
        return Err(AppError::forbidden(
            ErrorCode::Forbidden,
            "only the community's moderators decide on its reports",
        ));
    }
    let mut files = Vec::new();
    if delete {
        match comment_id {
            Some(comment_id) => {
                sqlx::query("DELETE FROM comments WHERE id = $1")
                    .bind(comment_id)
                    .execute(&mut *tx)
                    .await?;
            }
            None => files = remove_post(&mut tx, post_id).await?,
        }
    } else {
        sqlx::query(
            "UPDATE reports SET state = 'kept', decided_by = $3, decided_ms = $4
             WHERE post_id = $1 AND coalesce(comment_id, 0) = $2 AND state = 'open'",
        )
        .bind(post_id)
        .bind(comment_id.unwrap_or(0))
        .bind(member_id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    }
    // The store's owners act as staff: their decisions go in the audit log.
    if store_owner(&mut tx, member_id).await? {
        let staff = Staff {
            member_id,
            role: StaffRole::Owner,
        };
        let what = match comment_id {
            Some(id) => format!("comment:{id}"),
            None => format!("post:{post_id}"),
        };
        let action = if delete {
            "report.remove"
        } else {
            "report.keep"
        };
        let after = json!({ "report": report_id, "removed": delete });
        audit::record(
            &mut tx,
            &staff,
            action,
            &what,
            json!({ "report": report_id }),
            after,
        )
        .await?;
    }
    tx.commit().await?;
    content.uploads.remove_files(files).await;
    Ok(StatusCode::NO_CONTENT)
}
