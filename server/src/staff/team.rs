//! The store's staff, managed by its owners: who is staff, in which role, at which pickup
//! points. Every change is audited, and the store always keeps an owner: the owners' rows
//! are locked before they are counted, so two owners demoting each other at once cannot
//! both succeed.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use quanzi_api::{check, ErrorCode, Page, StaffAssignment, StaffMember, StaffRole};
use serde_json::json;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::http::body::JsonBody;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::PathId;
use crate::staff::{audit, staff_role, Staff};
use crate::storage::db::{for_update, now_ms, Db};
use crate::storage::rows::{author, AUTHOR_COLUMNS};

/// A member's staff role and points as stored; `None` when they are not staff.
async fn assignment(
    conn: &mut AnyConnection,
    member_id: i64,
) -> Result<Option<(StaffRole, Vec<i64>)>, AppError> {
    let Some(role) = staff_role(conn, member_id).await? else {
        return Ok(None);
    };
    let points: Vec<i64> = sqlx::query_scalar(
        "SELECT point_id FROM staff_points WHERE member_id = $1 ORDER BY point_id",
    )
    .bind(member_id)
    .fetch_all(conn)
    .await?;
    Ok(Some((role, points)))
}

fn audited(found: &Option<(StaffRole, Vec<i64>)>) -> serde_json::Value {
    match found {
        None => json!(null),
        Some((role, points)) => json!({ "role": role.as_str(), "point_ids": points }),
    }
}

/// Refuses a change that would leave the store without an owner: `member_id`, an owner
/// now, is about to stop being one. The owners' rows are locked first.
async fn keep_an_owner(conn: &mut AnyConnection, member_id: i64) -> Result<(), AppError> {
    let lock = for_update(conn);
    let owners: Vec<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT member_id FROM staff WHERE role = 'owner' ORDER BY member_id{lock}"
    )))
    .fetch_all(conn)
    .await?;
    if owners.iter().all(|&id| id == member_id) {
        return Err(AppError::conflict(
            ErrorCode::LastOwner,
            "the store keeps at least one owner",
        ));
    }
    Ok(())
}

/// The store's staff, owners first. Owners only.
#[utoipa::path(
    get,
    path = "/staff/team",
    tag = "staff",
    params(
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "Every member of the staff (one page)", body = Page<StaffMember>),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not the store's owner", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn list_team(
    State(db): State<Db>,
    lang: Lang,
    staff: Staff,
) -> Result<Json<Page<StaffMember>>, AppError> {
    staff.owner()?;
    let mut conn = db.pool().acquire().await?;
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {AUTHOR_COLUMNS}, a.email, s.role
         FROM staff s JOIN members m ON m.id = s.member_id JOIN accounts a ON a.member_id = m.id
         ORDER BY CASE s.role WHEN 'owner' THEN 0 ELSE 1 END, m.id"
    )))
    .fetch_all(&mut *conn)
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in &rows {
        let member = author(r, 0, lang)?;
        let Some((role, point_ids)) = assignment(&mut conn, member.id).await? else {
            continue;
        };
        items.push(StaffMember {
            member,
            email: r.try_get(7)?,
            role,
            point_ids,
        });
    }
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}

/// Makes the member with this email staff, or changes their role and pickup points.
/// Owners only.
#[utoipa::path(
    put,
    path = "/staff/team",
    tag = "staff",
    request_body = StaffAssignment,
    params(
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The member as staff now", body = StaffMember),
        (status = 400, description = "`bad_email`, `bad_request` (a pickup point that does not exist, or more than 20), \
            `bad_json`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not the store's owner, or `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no member signs in with this email", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`last_owner`: the store's only owner cannot become a clerk", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn set_member(
    State(db): State<Db>,
    lang: Lang,
    staff: Staff,
    JsonBody(body): JsonBody<StaffAssignment>,
) -> Result<Json<StaffMember>, AppError> {
    staff.owner()?;
    let email = check::email(&body.email)?;
    let mut points = match body.role {
        StaffRole::Owner => Vec::new(),
        StaffRole::Clerk => body.point_ids,
    };
    points.sort_unstable();
    points.dedup();
    if points.len() > quanzi_api::staff::STAFF_POINTS_MAX {
        return Err(AppError::bad_request(
            ErrorCode::BadRequest,
            "a clerk serves at most 20 pickup points",
        ));
    }
    let mut tx = db.write().await?;
    let found = sqlx::query(AssertSqlSafe(format!(
        "SELECT {AUTHOR_COLUMNS}, a.email
         FROM accounts a JOIN members m ON m.id = a.member_id WHERE a.email = $1"
    )))
    .bind(&email)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found("no member signs in with this email"))?;
    let member = author(&found, 0, lang)?;
    let before = assignment(&mut tx, member.id).await?;
    if matches!(before, Some((StaffRole::Owner, _))) && body.role != StaffRole::Owner {
        keep_an_owner(&mut tx, member.id).await?;
    }
    for point in &points {
        let known: Option<i64> = sqlx::query_scalar("SELECT id FROM pickup_points WHERE id = $1")
            .bind(point)
            .fetch_optional(&mut *tx)
            .await?;
        if known.is_none() {
            return Err(AppError::bad_request(
                ErrorCode::BadRequest,
                "no such pickup point",
            ));
        }
    }
    sqlx::query(
        "INSERT INTO staff (member_id, role, added_ms) VALUES ($1, $2, $3)
         ON CONFLICT (member_id) DO UPDATE SET role = excluded.role",
    )
    .bind(member.id)
    .bind(body.role.as_str())
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM staff_points WHERE member_id = $1")
        .bind(member.id)
        .execute(&mut *tx)
        .await?;
    for point in &points {
        sqlx::query("INSERT INTO staff_points (member_id, point_id) VALUES ($1, $2)")
            .bind(member.id)
            .bind(point)
            .execute(&mut *tx)
            .await?;
    }
    let after = Some((body.role, points.clone()));
    let subject = format!("member:{}", member.id);
    let (was, now) = (audited(&before), audited(&after));
    audit::record(&mut tx, &staff, "staff.set", &subject, was, now).await?;
    tx.commit().await?;
    Ok(Json(StaffMember {
        member,
        email,
        role: body.role,
        point_ids: points,
    }))
}

/// The member is staff no longer. Owners only; the last owner stays.
#[utoipa::path(
    delete,
    path = "/staff/team/{id}",
    tag = "staff",
    params(PathId),
    responses(
        (status = 204, description = "Removed (or was not staff)"),
        (status = 400, description = "`bad_id`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not the store's owner, or `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`last_owner`: the store's only owner stays", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn remove_member(
    State(db): State<Db>,
    staff: Staff,
    PathId(member_id): PathId,
) -> Result<StatusCode, AppError> {
    staff.owner()?;
    let mut tx = db.write().await?;
    let before = assignment(&mut tx, member_id).await?;
    if before.is_none() {
        return Ok(StatusCode::NO_CONTENT);
    }
    if matches!(before, Some((StaffRole::Owner, _))) {
        keep_an_owner(&mut tx, member_id).await?;
    }
    sqlx::query("DELETE FROM staff WHERE member_id = $1")
        .bind(member_id)
        .execute(&mut *tx)
        .await?;
    let subject = format!("member:{member_id}");
    audit::record(
        &mut tx,
        &staff,
        "staff.remove",
        &subject,
        audited(&before),
        json!(null),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
