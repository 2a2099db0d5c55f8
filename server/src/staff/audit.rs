//! The audit log: every staff write is recorded in the transaction that makes it (who,
//! what, on what, the state before and after), so a change and its record stand or fall
//! together. Owners read it, newest first (`GET /staff/audit`).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use quanzi_api::{AuditEntry, ErrorCode, Page};
use serde_json::Value;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::{keyset_page, parse_limit, Cursor, PageQuery};
use crate::staff::Staff;
use crate::storage::db::{now_ms, Db};
use crate::storage::rows::{author, rfc3339, AUTHOR_COLUMNS};

/// Records one staff action on `subject` (`order:12`), with its state before and after.
pub async fn record(
    conn: &mut AnyConnection,
    staff: &Staff,
    action: &str,
    subject: &str,
    before: Value,
    after: Value,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO audit_log (staff_id, action, subject, before_state, after_state, at_ms)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(staff.member_id)
    .bind(action)
    .bind(subject)
    .bind(before.to_string())
    .bind(after.to_string())
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// What the staff did, newest first. Owners only.
#[utoipa::path(
    get,
    path = "/staff/audit",
    tag = "staff",
    params(
        PageQuery,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "A page of the audit log, newest first", body = Page<AuditEntry>),
        (status = 400, description = "`bad_limit`, `bad_cursor` or `bad_request`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not the store's owner", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn list_audit(
    State(db): State<Db>,
    lang: Lang,
    staff: Staff,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<Page<AuditEntry>>, AppError> {
    staff.owner()?;
    let Query(query) = query.map_err(|_| {
        AppError::bad_request(ErrorCode::BadRequest, "the query string is malformed")
    })?;
    let limit = parse_limit(query.limit.as_deref())?;
    let after = Cursor::parse(query.cursor.as_deref())?.unwrap_or(Cursor {
        created_ms: i64::MAX,
        id: i64::MAX,
    });
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {AUTHOR_COLUMNS}, a.id, a.action, a.subject, a.before_state, a.after_state, a.at_ms
         FROM audit_log a JOIN members m ON m.id = a.staff_id
         WHERE (a.at_ms, a.id) < ($1, $2)
         ORDER BY a.at_ms DESC, a.id DESC LIMIT $3"
    )))
    .bind(after.created_ms)
    .bind(after.id)
    .bind(i64::from(limit) + 1)
    .fetch_all(db.pool())
    .await?;
    let entries = rows
        .iter()
        .map(|r| {
            let at_ms: i64 = r.try_get(12)?;
            Ok((
                at_ms,
                AuditEntry {
                    staff: author(r, 0, lang)?,
                    id: r.try_get(7)?,
                    action: r.try_get(8)?,
                    subject: r.try_get(9)?,
                    before: r.try_get(10)?,
                    after: r.try_get(11)?,
                    at: rfc3339(at_ms)?,
                },
            ))
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let (entries, next_cursor) = keyset_page(entries, limit, |(at_ms, entry)| Cursor {
        created_ms: *at_ms,
        id: entry.id,
    });
    let items = entries.into_iter().map(|(_, entry)| entry).collect();
    Ok(Json(Page { items, next_cursor }))
}
