//! The store's open group-buys, for the staff: groups with seats left and time left, the
//! closest to full first, then the soonest ending (the ones a push in a chat group could
//! still fill).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use quanzi_api::{ErrorCode, GroupBuy, Page};

use crate::commerce::context::Commerce;
use crate::commerce::group_buy::open_groups;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::{parse_limit, GroupCursor, GroupPageQuery};
use crate::staff::Staff;
use crate::storage::db::now_ms;

/// Every open group with a seat left, closest to full first, then soonest deadline.
#[utoipa::path(
    get,
    path = "/staff/groups",
    tag = "staff",
    params(
        GroupPageQuery,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "A page of open groups, closest to full first, then soonest deadline", body = Page<GroupBuy>),
        (status = 400, description = "`bad_limit`, `bad_cursor` or `bad_request`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not staff", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn list_groups(
    State(commerce): State<Commerce>,
    lang: Lang,
    staff: Staff,
    query: Result<Query<GroupPageQuery>, QueryRejection>,
) -> Result<Json<Page<GroupBuy>>, AppError> {
    let Query(query) = query.map_err(|_| {
        AppError::bad_request(ErrorCode::BadRequest, "the query string is malformed")
    })?;
    let limit = parse_limit(query.limit.as_deref())?;
    let cursor = GroupCursor::parse(query.cursor.as_deref())?;
    let mut conn = commerce.db.pool().acquire().await?;
    let viewer = Some(staff.member_id);
    let page = open_groups(&mut conn, None, cursor, limit, lang, viewer, now_ms()).await?;
    Ok(Json(page))
}
