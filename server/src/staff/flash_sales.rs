//! Flash sales in the console: an owner schedules one (a product, a price below its solo
//! price, a slot, units and a limit per member), lists them, or calls one off. Each is
//! audited. How a sale sells is `commerce::flash_sale`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use quanzi_api::flash_sale::FLASH_SLOT_MAX_MS;
use quanzi_api::{ErrorCode, NewFlashSale, StaffFlashSale};
use serde_json::json;
use sqlx::{AnyConnection, AssertSqlSafe, Row};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::http::body::JsonBody;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::PathId;
use crate::staff::{audit, Staff};
use crate::storage::db::{for_update, now_ms, u32_at, Db};
use crate::storage::rows::{flash_sale, product_card, SALE_COLUMNS};
use crate::storage::rows::{CARD_COLUMNS, CARD_JOIN, CARD_WIDTH};

fn bad_slot(message: &'static str) -> AppError {
    AppError::bad_request(ErrorCode::BadFlashSlot, message)
}

/// An RFC 3339 instant as unix ms; `bad_flash_slot` for anything else.
fn instant(raw: &str) -> Result<i64, AppError> {
    let at = OffsetDateTime::parse(raw.trim(), &Rfc3339)
        .map_err(|_| bad_slot("a time is RFC 3339, like 2026-12-12T20:00:00+08:00"))?;
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000)
        .map_err(|_| bad_slot("a time out of range"))
}

/// Sales ended more than this long ago drop off the console's list.
const LISTED_AFTER_END_MS: i64 = 7 * 24 * 60 * 60 * 1000;

async fn load(
    conn: &mut AnyConnection,
    id: i64,
    lang: Lang,
    now: i64,
) -> Result<Option<StaffFlashSale>, AppError> {
    Ok(list(conn, Some(id), lang, now).await?.into_iter().next())
}

/// Sales not ended a week ago (or the one `id`), soonest start first.
async fn list(
    conn: &mut AnyConnection,
    id: Option<i64>,
    lang: Lang,
    now: i64,
) -> Result<Vec<StaffFlashSale>, AppError> {
    let which = match id {
        Some(_) => "f.id = $1",
        None => "f.ends_ms > $2",
    };
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {CARD_COLUMNS}, {SALE_COLUMNS}, f.cancelled_ms,
                (SELECT count(*) FROM flash_reminders r WHERE r.sale_id = f.id)
         FROM flash_sales f
         JOIN products pr ON pr.id = f.product_id
         {CARD_JOIN}
         WHERE {which}
         ORDER BY f.starts_ms, f.id LIMIT 100"
    )))
    .bind(id.unwrap_or(0))
    .bind(now - LISTED_AFTER_END_MS)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StaffFlashSale {
                product: product_card(r, lang)?,
                sale: flash_sale(r, CARD_WIDTH, now)?,
                cancelled: r.try_get::<Option<i64>, _>(CARD_WIDTH + 9)?.is_some(),
                reminders: u32_at(r, CARD_WIDTH + 10)?,
            })
        })
        .collect()
}

/// Schedules a flash sale. Owners only.
#[utoipa::path(
    post,
    path = "/staff/flash-sales",
    tag = "staff",
    request_body = NewFlashSale,
    params(
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 201, description = "The sale, scheduled", body = StaffFlashSale),
        (status = 400, description = "`bad_price` (not below the solo price), `bad_flash_slot` (a time that does not \
            parse, an end not after the start or already past, a slot longer than a week, or one that overlaps another \
            sale of the product), `bad_stock` (more units than in stock), `bad_quantity` (a limit per member outside \
            1 to 20), `bad_json`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not an owner; `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such product", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn create_flash_sale(
    State(db): State<Db>,
    lang: Lang,
    staff: Staff,
    JsonBody(body): JsonBody<NewFlashSale>,
) -> Result<(StatusCode, Json<StaffFlashSale>), AppError> {
    staff.owner()?;
    let starts = instant(&body.starts_at)?;
    let ends = instant(&body.ends_at)?;
    let now = now_ms();
    if ends <= starts {
        return Err(bad_slot("a flash sale ends after it starts"));
    }
    if ends <= now {
        return Err(bad_slot("a flash sale's slot is over already"));
    }
    if ends - starts > FLASH_SLOT_MAX_MS {
        return Err(bad_slot("a flash sale lasts a week at most"));
    }
    if !(1..=quanzi_api::QUANTITY_MAX).contains(&body.per_member) {
        return Err(AppError::bad_request(
            ErrorCode::BadQuantity,
            "a member may buy 1 to 20 units",
        ));
    }
    let mut tx = db.write().await?;
    // The product's row serialises the sales scheduled for it: two owners at once cannot
    // both find the slot free.
    let lock = for_update(&tx);
    let product: Option<(i64, String, i64)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT solo_price, currency, stock FROM products WHERE id = $1{lock}"
    )))
    .bind(body.product_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (solo_price, currency, stock) =
        product.ok_or_else(|| AppError::not_found("no such product"))?;
    if !(1..solo_price).contains(&body.price) {
        return Err(AppError::bad_request(
            ErrorCode::BadPrice,
            "a flash price is below the product's solo price",
        ));
    }
    if !(1..=stock).contains(&body.quantity) {
        return Err(AppError::bad_request(
            ErrorCode::BadStock,
            "a flash sale offers 1 unit or more, at most the product's stock",
        ));
    }
    let overlaps = sqlx::query(
        "SELECT 1 FROM flash_sales
         WHERE product_id = $1 AND cancelled_ms IS NULL AND starts_ms < $3 AND ends_ms > $2",
    )
    .bind(body.product_id)
    .bind(starts)
    .bind(ends)
    .fetch_optional(&mut *tx)
    .await?
    .is_some();
    if overlaps {
        return Err(bad_slot("the product has another flash sale in this slot"));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO flash_sales (product_id, currency, price, starts_ms, ends_ms, quantity,
             per_member, created_by, created_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         RETURNING id",
    )
    .bind(body.product_id)
    .bind(&currency)
    .bind(body.price)
    .bind(starts)
    .bind(ends)
    .bind(body.quantity)
    .bind(i64::from(body.per_member))
    .bind(staff.member_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        &staff,
        "flash_sale.create",
        &format!("flash_sale:{id}"),
        json!(null),
        json!({
            "product_id": body.product_id, "price": body.price, "starts_ms": starts,
            "ends_ms": ends, "quantity": body.quantity, "per_member": body.per_member,
        }),
    )
    .await?;
    let sale = load(&mut tx, id, lang, now)
        .await?
        .ok_or_else(|| AppError::internal("the new flash sale vanished"))?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(sale)))
}

/// The flash sales coming, running and ended within the week, soonest start first.
#[utoipa::path(
    get,
    path = "/staff/flash-sales",
    tag = "staff",
    params(
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The sales (at most 100)", body = Vec<StaffFlashSale>),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not staff", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn list_flash_sales(
    State(db): State<Db>,
    lang: Lang,
    _staff: Staff,
) -> Result<Json<Vec<StaffFlashSale>>, AppError> {
    let mut conn = db.pool().acquire().await?;
    Ok(Json(list(&mut conn, None, lang, now_ms()).await?))
}

/// Calls a flash sale off: nobody can order from it any more (orders placed keep their
/// price). Owners only; calling off one called off or ended changes nothing.
#[utoipa::path(
    delete,
    path = "/staff/flash-sales/{id}",
    tag = "staff",
    params(
        PathId,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The sale, called off", body = StaffFlashSale),
        (status = 400, description = "`bad_id`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not an owner; `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such flash sale", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn cancel_flash_sale(
    State(db): State<Db>,
    lang: Lang,
    staff: Staff,
    PathId(id): PathId,
) -> Result<Json<StaffFlashSale>, AppError> {
    staff.owner()?;
    let mut tx = db.write().await?;
    let now = now_ms();
    let cancelled = sqlx::query(
        "UPDATE flash_sales SET cancelled_ms = $2
         WHERE id = $1 AND cancelled_ms IS NULL AND ends_ms > $2",
    )
    .bind(id)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let sale = load(&mut tx, id, lang, now)
        .await?
        .ok_or_else(|| AppError::not_found("no such flash sale"))?;
    if cancelled > 0 {
        audit::record(
            &mut tx,
            &staff,
            "flash_sale.cancel",
            &format!("flash_sale:{id}"),
            json!({ "cancelled": false }),
            json!({ "cancelled": true }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Json(sale))
}
