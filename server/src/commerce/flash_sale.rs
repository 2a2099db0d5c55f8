//! Flash sales (秒杀): a product at a lower price in a slot, `quantity` units at most,
//! `per_member` units at most per member (schema v12).
//!
//! A flash order (`Purchase::Flash`) is a solo order of one product at the sale's price,
//! placed during the slot. Its units are taken with the order's stock ([`take_units`], from
//! `ledger::take_stock`) by two conditional writes: the member's row of `flash_takes` is
//! raised only while it stays within the limit, then the sale's `taken` only while it stays
//! within `quantity` (the CHECK backs it). Under many buyers at once each write waits for the
//! row before it, so a sale never sells more than it has, nor a member more than the limit.
//! An unpaid order's units come back with its stock when its hold runs out.
//!
//! "提醒我": members ask to be told when a sale starts (`/flash-sales/{id}/reminder`); the
//! sweep tells them ([`announce_due`]), claiming each sale once.

use axum::extract::{FromRef, State};
use axum::Json;
use quanzi_api::{ErrorCode, FlashReminder, NotificationKind};
use sqlx::AnyConnection;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::AppError;
use crate::http::params::PathId;
use crate::members::session::SignedIn;
use crate::notifications::{notify, About};
use crate::storage::db::{now_ms, Db};

/// What a flash order is placed at: the sale's product and price.
pub struct Offer {
    pub product_id: i64,
    pub price: i64,
    pub currency: String,
}

/// Whether `quantity` units of a sale may be ordered now: 404 `not_found` (no such sale),
/// 409 `flash_sale_not_started`, `flash_sale_ended` (over, or called off) or
/// `flash_sale_limit` (more than one member may have of it at all).
pub async fn open_offer(
    conn: &mut AnyConnection,
    sale_id: i64,
    quantity: u32,
    now: i64,
) -> Result<Offer, AppError> {
    type Row = (i64, i64, String, i64, i64, Option<i64>, i64);
    let row: Option<Row> = sqlx::query_as(
        "SELECT product_id, price, currency, starts_ms, ends_ms, cancelled_ms, per_member
         FROM flash_sales WHERE id = $1",
    )
    .bind(sale_id)
    .fetch_optional(conn)
    .await?;
    let Some((product_id, price, currency, starts_ms, ends_ms, cancelled_ms, per_member)) = row
    else {
        return Err(AppError::not_found("no such flash sale"));
    };
    if cancelled_ms.is_some() || ends_ms <= now {
        return Err(AppError::conflict(
            ErrorCode::FlashSaleEnded,
            "this flash sale has ended",
        ));
    }
    if starts_ms > now {
        return Err(AppError::conflict(
            ErrorCode::FlashSaleNotStarted,
            "this flash sale has not started yet",
        ));
    }
    if i64::from(quantity) > per_member {
        return Err(over_limit(per_member));
    }
    Ok(Offer {
        product_id,
        price,
        currency,
    })
}

/// `flash_sale_ended` when the sale was called off or has ended: read by a transaction that
/// holds the sale's row, so nobody calls it off in between.
pub async fn still_open(conn: &mut AnyConnection, sale_id: i64, now: i64) -> Result<(), AppError> {
    let open = sqlx::query(
        "SELECT 1 FROM flash_sales WHERE id = $1 AND cancelled_ms IS NULL AND ends_ms > $2",
    )
    .bind(sale_id)
    .bind(now)
    .fetch_optional(conn)
    .await?
    .is_some();
    if !open {
        return Err(AppError::conflict(
            ErrorCode::FlashSaleEnded,
            "this flash sale has ended",
        ));
    }
    Ok(())
}

fn over_limit(per_member: i64) -> AppError {
    AppError::conflict(
        ErrorCode::FlashSaleLimit,
        format!("each member may buy at most {per_member} of this flash sale"),
    )
}

/// A flash order's sale, member and units; `None` for any other order.
async fn units_of(
    conn: &mut AnyConnection,
    order_id: i64,
) -> Result<Option<(i64, i64, i64)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT o.flash_sale_id, o.member_id,
                (SELECT CAST(coalesce(sum(quantity), 0) AS BIGINT) FROM order_lines
                 WHERE order_id = o.id)
         FROM orders o WHERE o.id = $1 AND o.flash_sale_id IS NOT NULL",
    )
    .bind(order_id)
    .fetch_optional(conn)
    .await?)
}

/// Takes a flash order's units from its sale, within the member's limit and the units
/// left: `false` (nothing changed) when either is short. Other orders: `true`.
pub async fn take_units(conn: &mut AnyConnection, order_id: i64) -> Result<bool, AppError> {
    let Some((sale_id, member_id, units)) = units_of(conn, order_id).await? else {
        return Ok(true);
    };
    // The member's count first, raised only within the limit: of two orders at once, the
    // second waits for the first's row and then sees its units.
    let within = sqlx::query(
        "INSERT INTO flash_takes (sale_id, member_id, units)
         SELECT $1, $2, $3 FROM flash_sales WHERE id = $1 AND $3 <= per_member
         ON CONFLICT (sale_id, member_id) DO UPDATE SET units = flash_takes.units + excluded.units
         WHERE flash_takes.units + excluded.units
               <= (SELECT per_member FROM flash_sales WHERE id = excluded.sale_id)",
    )
    .bind(sale_id)
    .bind(member_id)
    .bind(units)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if within == 0 {
        return Ok(false);
    }
    let took = sqlx::query(
        "UPDATE flash_sales SET taken = taken + $2 WHERE id = $1 AND taken + $2 <= quantity",
    )
    .bind(sale_id)
    .bind(units)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if took == 0 {
        lower_member(conn, sale_id, member_id, units).await?;
        return Ok(false);
    }
    Ok(true)
}

async fn lower_member(
    conn: &mut AnyConnection,
    sale_id: i64,
    member_id: i64,
    units: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE flash_takes SET units = units - $3 WHERE sale_id = $1 AND member_id = $2")
        .bind(sale_id)
        .bind(member_id)
        .bind(units)
        .execute(conn)
        .await?;
    Ok(())
}

/// Gives a flash order's units back to its sale and the member's count (the caller knows
/// the order held them).
pub async fn give_back_units(conn: &mut AnyConnection, order_id: i64) -> Result<(), AppError> {
    let Some((sale_id, member_id, units)) = units_of(conn, order_id).await? else {
        return Ok(());
    };
    // In the order they were taken: the member's count, then the sale.
    lower_member(conn, sale_id, member_id, units).await?;
    sqlx::query("UPDATE flash_sales SET taken = taken - $2 WHERE id = $1")
        .bind(sale_id)
        .bind(units)
        .execute(conn)
        .await?;
    Ok(())
}

/// Why a flash order's units could not be taken: the member's limit, the sale sold out;
/// `None` when neither (the product's stock was short).
pub async fn refusal(
    conn: &mut AnyConnection,
    sale_id: i64,
    member_id: i64,
    units: i64,
) -> Result<Option<AppError>, AppError> {
    let (quantity, taken, per_member): (i64, i64, i64) =
        sqlx::query_as("SELECT quantity, taken, per_member FROM flash_sales WHERE id = $1")
            .bind(sale_id)
            .fetch_one(&mut *conn)
            .await?;
    let held: Option<i64> =
        sqlx::query_scalar("SELECT units FROM flash_takes WHERE sale_id = $1 AND member_id = $2")
            .bind(sale_id)
            .bind(member_id)
            .fetch_optional(conn)
            .await?;
    Ok(if held.unwrap_or(0) + units > per_member {
        Some(over_limit(per_member))
    } else if taken + units > quantity {
        Some(AppError::conflict(
            ErrorCode::FlashSaleSoldOut,
            "every unit of this flash sale is taken; one not paid for may come back soon",
        ))
    } else {
        None
    })
}

/// Reminders told per transaction: an announcement to many members is many short ones.
const ANNOUNCE_BATCH: i64 = 200;

/// Tells the members who asked about each sale that has started, once each: a batch of
/// reminders is claimed (`notified_ms`) and told in one transaction, so of several servers'
/// sweeps one tells each member, and the sale's own row, which buyers are taking units
/// from, is never held meanwhile. A sale that ended before anyone was told (the server was
/// away) is not announced. Returns how many members were told.
pub async fn announce_due(db: &Db, now: i64) -> Result<usize, AppError> {
    // Most sweeps find nothing: one read along the index.
    let due: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT id, product_id, ends_ms FROM flash_sales
         WHERE announced_ms IS NULL AND starts_ms <= $1",
    )
    .bind(now)
    .fetch_all(db.pool())
    .await?;
    let mut told = 0;
    for (sale_id, product_id, ends_ms) in due {
        let live: Option<i64> =
            sqlx::query_scalar("SELECT id FROM flash_sales WHERE id = $1 AND cancelled_ms IS NULL")
                .bind(sale_id)
                .fetch_optional(db.pool())
                .await?;
        while live.is_some() && ends_ms > now {
            let mut tx = db.write().await?;
            let members: Vec<i64> = sqlx::query_scalar(
                "UPDATE flash_reminders SET notified_ms = $2
                 WHERE sale_id = $1 AND member_id IN (
                     SELECT member_id FROM flash_reminders
                     WHERE sale_id = $1 AND notified_ms IS NULL
                     ORDER BY member_id LIMIT $3)
                   AND notified_ms IS NULL
                 RETURNING member_id",
            )
            .bind(sale_id)
            .bind(now)
            .bind(ANNOUNCE_BATCH)
            .fetch_all(&mut *tx)
            .await?;
            for member_id in &members {
                let about = About {
                    product_id: Some(product_id),
                    ..About::default()
                };
                notify(
                    &mut tx,
                    *member_id,
                    NotificationKind::FlashSaleStarted,
                    about,
                )
                .await?;
            }
            tx.commit().await?;
            told += members.len();
            if (members.len() as i64) < ANNOUNCE_BATCH {
                break;
            }
        }
        // Everyone asking before the start has been told; later ones see it started.
        sqlx::query(
            "UPDATE flash_sales SET announced_ms = $2 WHERE id = $1 AND announced_ms IS NULL",
        )
        .bind(sale_id)
        .bind(now)
        .execute(db.pool())
        .await?;
    }
    Ok(told)
}

/// Reminders and the member's units of a sale.
pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Db: FromRef<S>,
    crate::http::origin::Scheme: FromRef<S>,
{
    OpenApiRouter::new().routes(routes!(get_reminder, set_reminder, drop_reminder))
}

async fn reminder_of(
    conn: &mut AnyConnection,
    sale_id: i64,
    member_id: i64,
) -> Result<FlashReminder, AppError> {
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM flash_sales WHERE id = $1")
        .bind(sale_id)
        .fetch_optional(&mut *conn)
        .await?;
    if exists.is_none() {
        return Err(AppError::not_found("no such flash sale"));
    }
    let reminded =
        sqlx::query("SELECT 1 FROM flash_reminders WHERE sale_id = $1 AND member_id = $2")
            .bind(sale_id)
            .bind(member_id)
            .fetch_optional(&mut *conn)
            .await?
            .is_some();
    let taken: Option<i64> =
        sqlx::query_scalar("SELECT units FROM flash_takes WHERE sale_id = $1 AND member_id = $2")
            .bind(sale_id)
            .bind(member_id)
            .fetch_optional(conn)
            .await?;
    Ok(FlashReminder {
        reminded,
        taken: u32::try_from(taken.unwrap_or(0)).unwrap_or(0),
    })
}

/// Whether the member is told when the sale starts, and how many units they hold of it.
#[utoipa::path(
    get,
    path = "/flash-sales/{id}/reminder",
    tag = "flash-sales",
    params(PathId),
    responses(
        (status = 200, description = "The member's reminder and units", body = FlashReminder),
        (status = 400, description = "`bad_id`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such flash sale", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn get_reminder(
    State(db): State<Db>,
    SignedIn(member_id): SignedIn,
    PathId(sale_id): PathId,
) -> Result<Json<FlashReminder>, AppError> {
    let mut conn = db.pool().acquire().await?;
    Ok(Json(reminder_of(&mut conn, sale_id, member_id).await?))
}

/// "提醒我": the member is told (a notification) when the sale starts. Asking twice is
/// asking once; asking once it has started changes nothing (it has).
#[utoipa::path(
    put,
    path = "/flash-sales/{id}/reminder",
    tag = "flash-sales",
    params(PathId),
    responses(
        (status = 200, description = "Reminded", body = FlashReminder),
        (status = 400, description = "`bad_id`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such flash sale", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`flash_sale_ended`", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn set_reminder(
    State(db): State<Db>,
    SignedIn(member_id): SignedIn,
    PathId(sale_id): PathId,
) -> Result<Json<FlashReminder>, AppError> {
    let mut tx = db.write().await?;
    let ends: Option<(i64, Option<i64>)> =
        sqlx::query_as("SELECT ends_ms, cancelled_ms FROM flash_sales WHERE id = $1")
            .bind(sale_id)
            .fetch_optional(&mut *tx)
            .await?;
    match ends {
        None => return Err(AppError::not_found("no such flash sale")),
        Some((ends_ms, cancelled)) if cancelled.is_some() || ends_ms <= now_ms() => {
            return Err(AppError::conflict(
                ErrorCode::FlashSaleEnded,
                "this flash sale has ended",
            ))
        }
        Some(_) => {}
    }
    sqlx::query(
        "INSERT INTO flash_reminders (sale_id, member_id, created_ms) VALUES ($1, $2, $3)
         ON CONFLICT (sale_id, member_id) DO NOTHING",
    )
    .bind(sale_id)
    .bind(member_id)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    let reminder = reminder_of(&mut tx, sale_id, member_id).await?;
    tx.commit().await?;
    Ok(Json(reminder))
}

/// No reminder after all.
#[utoipa::path(
    delete,
    path = "/flash-sales/{id}/reminder",
    tag = "flash-sales",
    params(PathId),
    responses(
        (status = 200, description = "Not reminded", body = FlashReminder),
        (status = 400, description = "`bad_id`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such flash sale", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn drop_reminder(
    State(db): State<Db>,
    SignedIn(member_id): SignedIn,
    PathId(sale_id): PathId,
) -> Result<Json<FlashReminder>, AppError> {
    let mut tx = db.write().await?;
    sqlx::query("DELETE FROM flash_reminders WHERE sale_id = $1 AND member_id = $2")
        .bind(sale_id)
        .bind(member_id)
        .execute(&mut *tx)
        .await?;
    let reminder = reminder_of(&mut tx, sale_id, member_id).await?;
    tx.commit().await?;
    Ok(Json(reminder))
}
