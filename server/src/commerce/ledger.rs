//! The ledger: the one place that applies what must happen to an order once something
//! decides it (a group fails or fills, a hold runs out, a payment comes late): cancel,
//! refund, let go of a hold, fulfil. Group transitions and the sweep return [`Outcome`]s
//! and [`apply`] writes them, in the caller's transaction; nothing here decides.
//!
//! Stock and seats move only here and in the order's own steps, each take a conditional
//! UPDATE backed by the schema's CHECKs.

use quanzi_api::OrderStatus;
use rusqlite::{params, Connection, OptionalExtension};

use crate::commerce::order::rows::{order_lines, order_of, status_str, Note};
use crate::http::error::AppError;

/// What must happen to one order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Let go of what an unpaid order holds (stock, a held seat); its status stays.
    ReleaseHold(i64),
    /// Cancel an unpaid order, letting go of what it holds.
    Cancel(i64, Note),
    /// Refund a paid order in full (the refund outbox tells the provider).
    Refund(i64, Note),
    /// A paid seat's order whose group has filled: ready for pickup, or shipping.
    Fulfil(i64),
}

/// Applies outcomes in order, in the caller's transaction.
pub fn apply(
    conn: &Connection,
    outcomes: impl IntoIterator<Item = Outcome>,
) -> Result<(), AppError> {
    for outcome in outcomes {
        match outcome {
            Outcome::ReleaseHold(order_id) => release_hold(conn, order_id)?,
            Outcome::Cancel(order_id, note) => cancel(conn, order_id, note)?,
            Outcome::Refund(order_id, note) => refund(conn, order_id, note)?,
            Outcome::Fulfil(order_id) => fulfil(conn, order_id)?,
        }
    }
    Ok(())
}

pub fn set_status(
    conn: &Connection,
    id: i64,
    status: OrderStatus,
    note: Option<Note>,
) -> Result<(), AppError> {
    conn.prepare_cached("UPDATE orders SET status = ?2, note = coalesce(?3, note) WHERE id = ?1")?
        .execute(params![id, status_str(status), note.map(Note::as_str)])?;
    Ok(())
}

/// Takes an order's lines out of stock, all or none; `false` (nothing changed) when any
/// product has fewer than the order asks for.
pub fn take_stock(conn: &Connection, order_id: i64) -> Result<bool, AppError> {
    let lines = order_lines(conn, order_id)?;
    for (product_id, quantity) in &lines {
        let stock: i64 = conn
            .prepare_cached("SELECT stock FROM products WHERE id = ?1")?
            .query_row(params![product_id], |r| r.get(0))?;
        if stock < i64::from(*quantity) {
            return Ok(false);
        }
    }
    for (product_id, quantity) in &lines {
        // Already checked under the write lock; the condition is the guard that makes
        // overselling impossible even so.
        let taken = conn
            .prepare_cached("UPDATE products SET stock = stock - ?2 WHERE id = ?1 AND stock >= ?2")?
            .execute(params![product_id, quantity])?;
        if taken != 1 {
            return Err(AppError::internal(format!(
                "stock of product {product_id} changed under the write lock"
            )));
        }
    }
    conn.prepare_cached("UPDATE orders SET stock_held = 1 WHERE id = ?1")?
        .execute(params![order_id])?;
    Ok(true)
}

/// Gives an order's stock back, if it holds any.
fn return_stock(conn: &Connection, order_id: i64) -> Result<(), AppError> {
    let held = conn
        .prepare_cached("UPDATE orders SET stock_held = 0 WHERE id = ?1 AND stock_held = 1")?
        .execute(params![order_id])?;
    if held == 1 {
        for (product_id, quantity) in order_lines(conn, order_id)? {
            conn.prepare_cached("UPDATE products SET stock = stock + ?2 WHERE id = ?1")?
                .execute(params![product_id, quantity])?;
        }
    }
    Ok(())
}

/// Lets go of what an unpaid order holds: its stock and its held seat (a paid seat stays).
fn release_hold(conn: &Connection, order_id: i64) -> Result<(), AppError> {
    return_stock(conn, order_id)?;
    release_seat(conn, order_id)?;
    conn.prepare_cached("UPDATE orders SET hold_until_ms = NULL WHERE id = ?1")?
        .execute(params![order_id])?;
    Ok(())
}

/// Cancels an unpaid order, letting go of what it holds.
fn cancel(conn: &Connection, order_id: i64, note: Note) -> Result<(), AppError> {
    release_hold(conn, order_id)?;
    set_status(conn, order_id, OrderStatus::Cancelled, Some(note))
}

/// Refunds a paid order in full: the order says so at once, its stock goes back, and the
/// payment joins the refund outbox, which asks the provider until it confirms.
fn refund(conn: &Connection, order_id: i64, note: Note) -> Result<(), AppError> {
    release_hold(conn, order_id)?;
    conn.prepare_cached(
        "UPDATE orders SET status = 'refunded', payment = 'refunded', note = ?2 WHERE id = ?1",
    )?
    .execute(params![order_id, note.as_str()])?;
    conn.prepare_cached(
        "UPDATE payments SET state = 'refunding' WHERE order_id = ?1 AND state = 'approved'",
    )?
    .execute(params![order_id])?;
    Ok(())
}

/// A paid seat's order, once its group has filled: on to pickup or shipping.
fn fulfil(conn: &Connection, order_id: i64) -> Result<(), AppError> {
    let order = order_of(conn, order_id)?;
    if order.status == OrderStatus::AwaitingGroup {
        set_status(conn, order_id, order.fulfilled(), None)?;
    }
    Ok(())
}

/// Sends one approved charge that its order cannot take (the order went on without it) to
/// the refund outbox, the order noting it. The order itself is left as it is.
pub fn refund_charge(conn: &Connection, payment_id: i64, order_id: i64) -> Result<(), AppError> {
    conn.prepare_cached(
        "UPDATE payments SET state = 'refunding'
         WHERE id = ?1 AND state IN ('approved', 'declined')",
    )?
    .execute(params![payment_id])?;
    conn.prepare_cached("UPDATE orders SET note = ?2 WHERE id = ?1")?
        .execute(params![order_id, Note::LateChargeRefunded.as_str()])?;
    tracing::warn!(
        payment_id,
        order_id,
        "a charge came too late to be used; refunding it"
    );
    Ok(())
}

/// Gives an order's held seat back to its group (a paid seat is kept).
fn release_seat(conn: &Connection, order_id: i64) -> Result<(), AppError> {
    let group_id: Option<i64> = conn
        .prepare_cached(
            "DELETE FROM group_seats WHERE order_id = ?1 AND state = 'held' RETURNING group_id",
        )?
        .query_row(params![order_id], |r| r.get(0))
        .optional()?;
    if let Some(group_id) = group_id {
        conn.prepare_cached("UPDATE group_buys SET seats_taken = seats_taken - 1 WHERE id = ?1")?
            .execute(params![group_id])?;
    }
    Ok(())
}
