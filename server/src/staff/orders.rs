//! The console's orders: lists by what they wait for, with search by order number or phone;
//! and the steps after payment (`commerce::fulfilment`), each recorded in the audit log in
//! its own transaction. An owner sees and does everything; a clerk sees the pickup orders of
//! the points they serve, and marks them ready and hands them over there.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use quanzi_api::{
    check, ErrorCode, Handover, Page, Refund, Ship, StaffOrder, StaffRole, StaffShelf,
};
use serde_json::json;
use sqlx::{AnyConnection, AssertSqlSafe};

use crate::commerce::context::Commerce;
use crate::commerce::expiry::flush_refunds_soon;
use crate::commerce::fulfilment::{self, HandedOver, Moved};
use crate::commerce::order::rows::{load_order, status_str};
use crate::http::body::JsonBody;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::{keyset_page, parse_limit, Cursor, PathId};
use crate::staff::{audit, Staff};
use crate::storage::db::now_ms;
use crate::storage::rows::{author, AUTHOR_COLUMNS};

/// Which orders a member of staff may see, as a condition on `orders`: a clerk, the pickup
/// orders of their points (`$1` is their member id).
fn visible(staff: &Staff) -> &'static str {
    match staff.role {
        StaffRole::Owner => "",
        StaffRole::Clerk => {
            " AND fulfilment = 'pickup' AND pickup_point_id IN
                 (SELECT point_id FROM staff_points WHERE member_id = $1)"
        }
    }
}

/// A shelf as a condition on `orders`.
fn on_shelf(shelf: StaffShelf) -> &'static str {
    match shelf {
        StaffShelf::ToShip => " AND fulfilment = 'delivery' AND status = 'paid'",
        StaffShelf::Shipped => " AND status = 'shipping'",
        StaffShelf::ToHandOver => {
            " AND fulfilment = 'pickup' AND status IN ('paid', 'ready_for_pickup')"
        }
        StaffShelf::Finished => " AND status = 'completed'",
        StaffShelf::Refunded => " AND status = 'refunded'",
    }
}

/// An order as staff see it: never its pickup code (the shopper shows it at the counter).
async fn staff_order(
    conn: &mut AnyConnection,
    id: i64,
    lang: Lang,
    now: i64,
) -> Result<StaffOrder, AppError> {
    let mut order = load_order(conn, id, lang, now)
        .await?
        .ok_or_else(|| AppError::not_found("no such order"))?;
    order.pickup_code = None;
    let buyer = sqlx::query(AssertSqlSafe(format!(
        "SELECT {AUTHOR_COLUMNS} FROM orders o JOIN members m ON m.id = o.member_id WHERE o.id = $1"
    )))
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(StaffOrder {
        order,
        buyer: author(&buyer, 0, lang)?,
    })
}

/// The order if this member of staff may see it; `not_found` otherwise.
async fn visible_order(conn: &mut AnyConnection, staff: &Staff, id: i64) -> Result<(), AppError> {
    let found: Option<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT id FROM orders WHERE id = $2 AND $1 = $1{}",
        visible(staff)
    )))
    .bind(staff.member_id)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    found
        .map(|_| ())
        .ok_or_else(|| AppError::not_found("no such order"))
}

/// The query of the console's order list.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffOrdersQuery {
    /// Opaque: the `next_cursor` of the previous page. Absent (or empty) for the first page.
    #[param(schema_with = quanzi_api::schema::cursor)]
    pub cursor: Option<String>,
    /// 1 to 50, default 10.
    #[param(schema_with = quanzi_api::schema::limit)]
    pub limit: Option<String>,
    /// Only the orders on this shelf.
    #[param(value_type = Option<StaffShelf>)]
    pub shelf: Option<String>,
    /// An order number, or the 11 digits of a delivery or pickup contact's phone.
    #[param(schema_with = quanzi_api::schema::order_search)]
    pub q: Option<String>,
}

/// The store's orders, newest first: of one shelf, or found by number or phone.
#[utoipa::path(
    get,
    path = "/staff/orders",
    tag = "staff",
    params(
        StaffOrdersQuery,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "A page of orders, newest first (a clerk's: the pickup orders of their points)", body = Page<StaffOrder>),
        (status = 400, description = "`bad_limit`, `bad_cursor` or `bad_request` (a malformed query, a shelf other \
            than `to_ship`, `shipped`, `to_hand_over`, `finished`, `refunded`, or a search that is not up to 18 digits)", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not staff", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn list_orders(
    State(commerce): State<Commerce>,
    lang: Lang,
    staff: Staff,
    query: Result<Query<StaffOrdersQuery>, QueryRejection>,
) -> Result<Json<Page<StaffOrder>>, AppError> {
    let bad = |message: &'static str| AppError::bad_request(ErrorCode::BadRequest, message);
    let Query(query) = query.map_err(|_| bad("the query string is malformed"))?;
    let shelf = match query.shelf.as_deref() {
        None => "",
        Some(raw) => on_shelf(StaffShelf::parse(raw).ok_or_else(|| {
            bad("a shelf is to_ship, shipped, to_hand_over, finished or refunded")
        })?),
    };
    // Digits only: an order number, or a phone as stored (11 digits).
    let search = match query.q.as_deref() {
        None | Some("") => None,
        Some(q) if q.len() <= 18 && q.bytes().all(|b| b.is_ascii_digit()) => Some(q),
        Some(_) => return Err(bad("search by an order number or a phone number's digits")),
    };
    let found = if search.is_some() {
        " AND (CAST(id AS TEXT) = $5 OR delivery_phone = $5 OR contact_phone = $5)"
    } else {
        " AND $5 = $5"
    };
    let limit = parse_limit(query.limit.as_deref())?;
    let after = Cursor::parse(query.cursor.as_deref())?.unwrap_or(Cursor {
        created_ms: i64::MAX,
        id: i64::MAX,
    });
    let now = now_ms();
    let mut conn = commerce.db.pool().acquire().await?;
    let rows: Vec<(i64, i64)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT id, created_ms FROM orders
         WHERE status NOT IN ('pending_payment', 'cancelled') AND (created_ms, id) < ($2, $3)
           AND $1 = $1{}{shelf}{found}
         ORDER BY created_ms DESC, id DESC LIMIT $4",
        visible(&staff)
    )))
    .bind(staff.member_id)
    .bind(after.created_ms)
    .bind(after.id)
    .bind(i64::from(limit) + 1)
    .bind(search.unwrap_or(""))
    .fetch_all(&mut *conn)
    .await?;
    let (rows, next_cursor) =
        keyset_page(rows, limit, |&(id, created_ms)| Cursor { created_ms, id });
    let mut items = Vec::with_capacity(rows.len());
    for (id, _) in rows {
        items.push(staff_order(&mut conn, id, lang, now).await?);
    }
    Ok(Json(Page { items, next_cursor }))
}

/// One order, with who bought it.
#[utoipa::path(
    get,
    path = "/staff/orders/{id}",
    tag = "staff",
    params(
        PathId,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The order", body = StaffOrder),
        (status = 400, description = "`bad_id`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not staff", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such order (for a clerk: at the points they serve)", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn get_order(
    State(commerce): State<Commerce>,
    lang: Lang,
    staff: Staff,
    PathId(id): PathId,
) -> Result<Json<StaffOrder>, AppError> {
    let mut conn = commerce.db.pool().acquire().await?;
    visible_order(&mut conn, &staff, id).await?;
    Ok(Json(staff_order(&mut conn, id, lang, now_ms()).await?))
}

/// The audit record of a step.
fn moved(step: Moved) -> (serde_json::Value, serde_json::Value) {
    (
        json!({ "status": status_str(step.before) }),
        json!({ "status": status_str(step.after) }),
    )
}

/// The goods of a paid pickup order are at its point: the shopper gets a pickup code.
#[utoipa::path(
    post,
    path = "/staff/orders/{id}/ready",
    tag = "staff",
    params(
        PathId,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The order, `ready_for_pickup` (its code goes to the shopper only)", body = StaffOrder),
        (status = 400, description = "`bad_id`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not staff, or `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such order (for a clerk: at the points they serve)", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`wrong_order_state` (not a paid pickup order, or ready already) or `already_completed`", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn mark_ready(
    State(commerce): State<Commerce>,
    lang: Lang,
    staff: Staff,
    PathId(id): PathId,
) -> Result<Json<StaffOrder>, AppError> {
    let mut tx = commerce.db.write().await?;
    visible_order(&mut tx, &staff, id).await?;
    let step = fulfilment::mark_ready(&mut tx, id).await?;
    let (before, after) = moved(step);
    audit::record(&mut tx, &staff, "order.ready", &subject(id), before, after).await?;
    let order = staff_order(&mut tx, id, lang, now_ms()).await?;
    tx.commit().await?;
    Ok(Json(order))
}

fn subject(order_id: i64) -> String {
    format!("order:{order_id}")
}

/// A paid delivery order leaves with a carrier and tracking number. Owners only.
#[utoipa::path(
    post,
    path = "/staff/orders/{id}/ship",
    tag = "staff",
    request_body = Ship,
    params(
        PathId,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The order, `shipping`, with its shipment", body = StaffOrder),
        (status = 400, description = "`bad_id`, `bad_tracking_number` (8 to 30 letters and digits), `bad_json` or `bad_request`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not the store's owner, or `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such order", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`wrong_order_state` (unpaid, refunded, a pickup order, or shipped already) or `already_completed`", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn ship(
    State(commerce): State<Commerce>,
    lang: Lang,
    staff: Staff,
    PathId(id): PathId,
    JsonBody(body): JsonBody<Ship>,
) -> Result<Json<StaffOrder>, AppError> {
    staff.owner()?;
    let tracking = check::tracking_number(&body.tracking_number)?;
    let now = now_ms();
    let mut tx = commerce.db.write().await?;
    let step = fulfilment::ship(
        &mut tx,
        id,
        body.carrier,
        &tracking,
        now,
        commerce.settings.auto_complete_ms,
    )
    .await?;
    let (before, mut after) = moved(step);
    after["carrier"] = json!(body.carrier.as_str());
    after["tracking_number"] = json!(tracking);
    audit::record(&mut tx, &staff, "order.ship", &subject(id), before, after).await?;
    let order = staff_order(&mut tx, id, lang, now).await?;
    tx.commit().await?;
    Ok(Json(order))
}

/// The owner refunds a paid order in full, telling the shopper why. Owners only.
#[utoipa::path(
    post,
    path = "/staff/orders/{id}/refund",
    tag = "staff",
    request_body = Refund,
    params(
        PathId,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The order, `refunded`: the provider is told, its stock is back on sale unless it \
            was shipped or collected, and a group order's seat is freed while its group is open", body = StaffOrder),
        (status = 400, description = "`bad_id`, `empty_text` or `text_too_long` (a reason of 1 to 200 characters), \
            `bad_json` or `bad_request`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not the store's owner, or `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such order", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`wrong_order_state`: not paid, or refunded already", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn refund(
    State(commerce): State<Commerce>,
    lang: Lang,
    staff: Staff,
    PathId(id): PathId,
    JsonBody(body): JsonBody<Refund>,
) -> Result<Json<StaffOrder>, AppError> {
    staff.owner()?;
    let reason = check::refund_reason(&body.reason)?;
    let mut tx = commerce.db.write().await?;
    let step = fulfilment::refund(&mut tx, id, &reason).await?;
    let (before, mut after) = moved(step);
    after["reason"] = json!(reason);
    audit::record(&mut tx, &staff, "order.refund", &subject(id), before, after).await?;
    let order = staff_order(&mut tx, id, lang, now_ms()).await?;
    tx.commit().await?;
    flush_refunds_soon(commerce);
    Ok(Json(order))
}

/// A shopper at the counter of pickup point `id` shows their code: its order is handed
/// over and completed.
#[utoipa::path(
    post,
    path = "/staff/points/{id}/handover",
    tag = "staff",
    request_body = Handover,
    params(
        PathId,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The order handed over, `completed`", body = StaffOrder),
        (status = 400, description = "`bad_id`, `pickup_code_wrong` (not 6 digits), `bad_json` or `bad_request`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not staff, or a point they do not serve; or `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`pickup_code_wrong` (no order waits for it here; it counts against the point), or \
            `not_found` (no such point)", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`pickup_code_used` (handed over already), `pickup_other_point` (it waits at another \
            point; this counts against the point too) or `wrong_order_state` (refunded meanwhile)", body = quanzi_api::ApiErrorBody),
        (status = 429, description = "`handover_locked`: too many wrong codes here lately", body = quanzi_api::ApiErrorBody,
         headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn hand_over(
    State(commerce): State<Commerce>,
    lang: Lang,
    staff: Staff,
    PathId(point_id): PathId,
    JsonBody(body): JsonBody<Handover>,
) -> Result<Json<StaffOrder>, AppError> {
    let code = check::pickup_code(&body.code)?;
    let now = now_ms();
    let mut tx = commerce.db.write().await?;
    staff.at_point(&mut tx, point_id).await?;
    match fulfilment::hand_over(&mut tx, point_id, code, now).await? {
        HandedOver::Done(step) => {
            let (before, mut after) = moved(step);
            after["point_id"] = json!(point_id);
            let order_subject = subject(step.order_id);
            audit::record(
                &mut tx,
                &staff,
                "order.handover",
                &order_subject,
                before,
                after,
            )
            .await?;
            let order = staff_order(&mut tx, step.order_id, lang, now).await?;
            tx.commit().await?;
            Ok(Json(order))
        }
        HandedOver::Refused(refusal) => {
            // The code counts against the point even though the answer is a refusal.
            tx.commit().await?;
            Err(refusal)
        }
    }
}

#[cfg(test)]
mod tests {
    use quanzi_api::OrderStatus;

    use super::*;

    #[test]
    fn every_shelf_is_a_condition_on_known_statuses() {
        for shelf in StaffShelf::ALL {
            let condition = on_shelf(shelf);
            assert!(condition.starts_with(" AND "));
            assert_eq!(StaffShelf::parse(shelf.as_str()), Some(shelf));
        }
        assert!(on_shelf(StaffShelf::ToHandOver).contains(status_str(OrderStatus::ReadyForPickup)));
    }
}
