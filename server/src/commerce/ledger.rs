//! The ledger: the one place that applies what must happen to an order once something
//! decides it (a group fails or fills, a hold runs out, a payment comes late): cancel,
//! refund, let go of a hold, fulfil. Group transitions and the sweep return [`Outcome`]s
//! and [`apply`] writes them, in the caller's transaction; nothing here decides.
//!
//! Stock and seats move only here and in the order's own steps, each take a conditional
//! UPDATE backed by the schema's CHECKs. The callers have locked the order (and its group)
//! first ([`crate::storage::db::for_update`]); a flash sale's rows (the member's count,
//! then the sale) next, taken and given back in that order; products last, by id. A flash
//! order's units of its sale go with its stock (`stock_held` covers both).
//!
//! What the member must hear of (a group's end, a refund) is told here too, in the same
//! transaction, and every change of status is on the change feed.

use quanzi_api::{NotificationKind, OrderStatus};
use sqlx::AnyConnection;

use crate::commerce::order::rows::{order_lines, order_of, status_str, Note};
use crate::commerce::{commission, flash_sale};
use crate::http::error::AppError;
use crate::notifications::events::order_changed;
use crate::notifications::notify_order;
use crate::storage::db::now_ms;

/// What must happen to one order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Let go of what an unpaid order holds (stock, a held seat); its status stays.
    ReleaseHold(i64),
    /// Cancel an unpaid order, letting go of what it holds.
    Cancel(i64, Note),
    /// Refund a paid order in full (the refund outbox tells the provider).
    Refund(i64, Note),
    /// A paid seat's order whose group has filled: paid, for the staff to hand over or ship.
    Fulfil(i64),
}

/// Applies outcomes in order, in the caller's transaction.
pub async fn apply(
    conn: &mut AnyConnection,
    outcomes: impl IntoIterator<Item = Outcome>,
) -> Result<(), AppError> {
    for outcome in outcomes {
        match outcome {
            Outcome::ReleaseHold(order_id) => release_hold(conn, order_id).await?,
            Outcome::Cancel(order_id, note) => cancel(conn, order_id, note).await?,
            Outcome::Refund(order_id, note) => refund(conn, order_id, note).await?,
            Outcome::Fulfil(order_id) => fulfil(conn, order_id).await?,
        }
    }
    Ok(())
}

pub async fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    status: OrderStatus,
    note: Option<Note>,
) -> Result<(), AppError> {
    sqlx::query("UPDATE orders SET status = $2, note = coalesce($3, note) WHERE id = $1")
        .bind(id)
        .bind(status_str(status))
        .bind(note.map(Note::as_str))
        .execute(&mut *conn)
        .await?;
    order_changed(conn, id).await
}

/// An order's lines by product id: the order in which every transaction takes and gives
/// back stock, so two of them never wait for each other's products.
async fn lines_by_product(
    conn: &mut AnyConnection,
    order_id: i64,
) -> Result<Vec<(i64, u32)>, AppError> {
    let mut lines = order_lines(conn, order_id).await?;
    lines.sort_unstable();
    Ok(lines)
}

/// Takes an order's lines out of stock (a flash order's units out of its sale too), all or
/// none; `false` (nothing changed) when any product has fewer than the order asks for, or
/// the sale has fewer units left or the member is at its limit.
pub async fn take_stock(conn: &mut AnyConnection, order_id: i64) -> Result<bool, AppError> {
    if !flash_sale::take_units(conn, order_id).await? {
        return Ok(false);
    }
    let lines = lines_by_product(conn, order_id).await?;
    for (taken, (product_id, quantity)) in lines.iter().enumerate() {
        // The condition decides: it counts and takes at once, and the schema's CHECK
        // (stock >= 0) backs it, so nothing is ever oversold.
        let took =
            sqlx::query("UPDATE products SET stock = stock - $2 WHERE id = $1 AND stock >= $2")
                .bind(product_id)
                .bind(i64::from(*quantity))
                .execute(&mut *conn)
                .await?
                .rows_affected();
        if took != 1 {
            for (product_id, quantity) in &lines[..taken] {
                add_stock(conn, *product_id, *quantity).await?;
            }
            flash_sale::give_back_units(conn, order_id).await?;
            return Ok(false);
        }
    }
    sqlx::query("UPDATE orders SET stock_held = 1 WHERE id = $1")
        .bind(order_id)
        .execute(conn)
        .await?;
    Ok(true)
}

async fn add_stock(
    conn: &mut AnyConnection,
    product_id: i64,
    quantity: u32,
) -> Result<(), AppError> {
    sqlx::query("UPDATE products SET stock = stock + $2 WHERE id = $1")
        .bind(product_id)
        .bind(i64::from(quantity))
        .execute(conn)
        .await?;
    Ok(())
}

/// Gives an order's stock (and flash units) back, if it holds any.
async fn return_stock(conn: &mut AnyConnection, order_id: i64) -> Result<(), AppError> {
    let held = sqlx::query("UPDATE orders SET stock_held = 0 WHERE id = $1 AND stock_held = 1")
        .bind(order_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if held == 1 {
        // The sale's rows before the products, as they were taken: two transactions never
        // wait for each other's rows.
        flash_sale::give_back_units(conn, order_id).await?;
        for (product_id, quantity) in lines_by_product(conn, order_id).await? {
            add_stock(conn, product_id, quantity).await?;
        }
    }
    Ok(())
}

/// Lets go of what an unpaid order holds: its stock and its held seat (a paid seat stays).
async fn release_hold(conn: &mut AnyConnection, order_id: i64) -> Result<(), AppError> {
    release_seat(conn, order_id).await?;
    return_stock(conn, order_id).await?;
    sqlx::query("UPDATE orders SET hold_until_ms = NULL WHERE id = $1")
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    order_changed(conn, order_id).await
}

/// Cancels an unpaid order, letting go of what it holds; its member hears of a failed group.
async fn cancel(conn: &mut AnyConnection, order_id: i64, note: Note) -> Result<(), AppError> {
    release_hold(conn, order_id).await?;
    set_status(conn, order_id, OrderStatus::Cancelled, Some(note)).await?;
    if note == Note::GroupFailedCancelled {
        notify_order(conn, order_id, NotificationKind::GroupFailed).await?;
    }
    Ok(())
}

/// Refunds a paid order in full: the order says so at once, its stock goes back, and the
/// payment joins the refund outbox, which asks the provider until it confirms.
async fn refund(conn: &mut AnyConnection, order_id: i64, note: Note) -> Result<(), AppError> {
    release_hold(conn, order_id).await?;
    sqlx::query(
        "UPDATE orders SET status = 'refunded', payment = 'refunded', note = $2 WHERE id = $1",
    )
    .bind(order_id)
    .bind(note.as_str())
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE payments SET state = 'refunding' WHERE order_id = $1 AND state = 'approved'",
    )
    .bind(order_id)
    .execute(&mut *conn)
    .await?;
    commission::reverse(conn, order_id, now_ms()).await?;
    order_changed(conn, order_id).await?;
    let kind = match note {
        Note::GroupFailedRefunded => NotificationKind::GroupFailed,
        Note::LotteryNotDrawn => NotificationKind::LotteryLost,
        _ => NotificationKind::Refunded,
    };
    notify_order(conn, order_id, kind).await
}

/// A paid seat's order, once its group has filled (a lottery's: drawn): paid, for the staff
/// to prepare for pickup or to ship (`commerce::fulfilment`); its commission is earned now,
/// not before.
async fn fulfil(conn: &mut AnyConnection, order_id: i64) -> Result<(), AppError> {
    let order = order_of(conn, order_id).await?;
    if order.status == OrderStatus::AwaitingGroup {
        commission::accrue(conn, order_id, now_ms()).await?;
        set_status(conn, order_id, OrderStatus::Paid, None).await?;
        let drawn = sqlx::query("SELECT 1 FROM group_seats WHERE order_id = $1 AND won = 1")
            .bind(order_id)
            .fetch_optional(&mut *conn)
            .await?
            .is_some();
        let kind = match drawn {
            true => NotificationKind::LotteryWon,
            false => NotificationKind::GroupSucceeded,
        };
        notify_order(conn, order_id, kind).await?;
    }
    Ok(())
}

/// Sends one approved charge that its order cannot take (the order went on without it) to
/// the refund outbox, the order noting it. The order itself is left as it is.
pub async fn refund_charge(
    conn: &mut AnyConnection,
    payment_id: i64,
    order_id: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE payments SET state = 'refunding'
         WHERE id = $1 AND state IN ('approved', 'declined')",
    )
    .bind(payment_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE orders SET note = $2 WHERE id = $1")
        .bind(order_id)
        .bind(Note::LateChargeRefunded.as_str())
        .execute(&mut *conn)
        .await?;
    order_changed(conn, order_id).await?;
    tracing::warn!(
        payment_id,
        order_id,
        "a charge came too late to be used; refunding it"
    );
    Ok(())
}

/// Gives an order's held seat back to its group (a paid seat is kept).
async fn release_seat(conn: &mut AnyConnection, order_id: i64) -> Result<(), AppError> {
    let group_id: Option<i64> = sqlx::query_scalar(
        "DELETE FROM group_seats WHERE order_id = $1 AND state = 'held' RETURNING group_id",
    )
    .bind(order_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(group_id) = group_id {
        sqlx::query("UPDATE group_buys SET seats_taken = seats_taken - 1 WHERE id = $1")
            .bind(group_id)
            .execute(&mut *conn)
            .await?;
        crate::notifications::events::group_changed(conn, group_id).await?;
    }
    Ok(())
}
