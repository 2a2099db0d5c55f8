//! An order's life after it is paid. A paid pickup order is marked ready at its point (the
//! shopper gets a 6-digit code) and handed over for that code; a paid delivery order is
//! shipped with a carrier and tracking number and completes when its shopper confirms
//! receipt, or by itself `--auto-complete-days` after shipping. The owner may refund a paid
//! order in full.
//!
//! Each step is one conditional UPDATE of the order's status under the order's lock, in the
//! caller's transaction, so two clerks confirming one code or a receipt confirmed twice
//! change the order once, and the second hears why. The handlers (the shopper's in
//! `commerce::order`, the staff's in `staff`) write the audit log in the same transaction.

use std::time::Duration;

use axum::http::StatusCode;
use quanzi_api::staff::{HANDOVER_FAILURES_MAX, HANDOVER_WINDOW_MINUTES};
use quanzi_api::{Carrier, ErrorCode, OrderStatus, PaymentState};
use sqlx::{AnyConnection, Connection};

use crate::commerce::ledger::{self, Outcome};
use crate::commerce::order::rows::{lock_order, status_str, Note, OrderRow};
use crate::http::error::AppError;
use crate::notifications::events::order_changed;
use crate::storage::db::{for_no_key_update, Db};

const HANDOVER_WINDOW_MS: i64 = HANDOVER_WINDOW_MINUTES as i64 * 60 * 1000;
/// Tries at a fresh pickup code before giving up: a collision among the codes of orders
/// waiting at the points is rare (a million codes), two in a row rarer still.
const CODE_ATTEMPTS: usize = 8;

/// An order's status before and after a step, for the audit log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moved {
    pub order_id: i64,
    pub before: OrderStatus,
    pub after: OrderStatus,
}

fn wrong_state(message: &'static str) -> AppError {
    AppError::conflict(ErrorCode::WrongOrderState, message)
}

fn already_completed() -> AppError {
    AppError::conflict(
        ErrorCode::AlreadyCompleted,
        "the order is completed already",
    )
}

/// The order, locked for the step; `not_found` when there is none.
async fn locked(conn: &mut AnyConnection, order_id: i64) -> Result<OrderRow, AppError> {
    lock_order(conn, order_id)
        .await?
        .ok_or_else(|| AppError::not_found("no such order"))
}

/// A fresh pickup code: 6 random digits.
fn new_code() -> Result<String, AppError> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).map_err(AppError::internal)?;
    Ok(format!("{:06}", u32::from_le_bytes(bytes) % 1_000_000))
}

/// The goods of a paid pickup order are at its point: it waits there for its shopper, with
/// a code no other waiting order has.
pub async fn mark_ready(conn: &mut AnyConnection, order_id: i64) -> Result<Moved, AppError> {
    let order = locked(conn, order_id).await?;
    if !order.pickup {
        return Err(wrong_state("a delivery order is shipped, not handed over"));
    }
    match order.status {
        OrderStatus::Paid => {}
        OrderStatus::ReadyForPickup => {
            return Err(wrong_state("the order is ready at its point already"))
        }
        OrderStatus::Completed => return Err(already_completed()),
        _ => {
            return Err(wrong_state(
                "only a paid order can be made ready for pickup",
            ))
        }
    }
    for _ in 0..CODE_ATTEMPTS {
        let code = new_code()?;
        // A savepoint: on PostgreSQL a refused statement would end the whole transaction.
        let mut attempt = conn.begin().await?;
        let set = sqlx::query(
            "UPDATE orders SET status = 'ready_for_pickup', pickup_code = $2
             WHERE id = $1 AND status = 'paid'",
        )
        .bind(order_id)
        .bind(&code)
        .execute(&mut *attempt)
        .await;
        match set {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                attempt.rollback().await?;
            }
            Err(err) => return Err(err.into()),
            Ok(_) => {
                attempt.commit().await?;
                order_changed(conn, order_id).await?;
                return Ok(Moved {
                    order_id,
                    before: order.status,
                    after: OrderStatus::ReadyForPickup,
                });
            }
        }
    }
    Err(AppError::internal(
        "no free pickup code after several tries",
    ))
}

/// A paid delivery order leaves with a carrier; it completes by itself at `auto_complete_ms`
/// unless its shopper confirms receipt first.
pub async fn ship(
    conn: &mut AnyConnection,
    order_id: i64,
    carrier: Carrier,
    tracking_number: &str,
    now: i64,
    auto_complete_ms: i64,
) -> Result<Moved, AppError> {
    let order = locked(conn, order_id).await?;
    if order.pickup {
        return Err(wrong_state("a pickup order is handed over, not shipped"));
    }
    match order.status {
        OrderStatus::Paid => {}
        OrderStatus::Shipping => return Err(wrong_state("the order is shipped already")),
        OrderStatus::Completed => return Err(already_completed()),
        _ => return Err(wrong_state("only a paid order can be shipped")),
    }
    sqlx::query(
        "UPDATE orders SET status = 'shipping', carrier = $2, tracking_number = $3,
                shipped_ms = $4, auto_complete_ms = $5
         WHERE id = $1 AND status = 'paid'",
    )
    .bind(order_id)
    .bind(carrier.as_str())
    .bind(tracking_number)
    .bind(now)
    .bind(now.saturating_add(auto_complete_ms))
    .execute(&mut *conn)
    .await?;
    order_changed(conn, order_id).await?;
    Ok(Moved {
        order_id,
        before: order.status,
        after: OrderStatus::Shipping,
    })
}

/// The shopper says the parcel arrived: a shipped order of theirs completes.
pub async fn confirm_receipt(
    conn: &mut AnyConnection,
    order_id: i64,
    member_id: i64,
    now: i64,
) -> Result<Moved, AppError> {
    let order = locked(conn, order_id).await?;
    if order.member_id != member_id {
        return Err(AppError::not_found("no such order"));
    }
    match order.status {
        OrderStatus::Shipping => {}
        OrderStatus::Completed => return Err(already_completed()),
        _ => return Err(wrong_state("only a shipped order can be received")),
    }
    complete(conn, order_id, OrderStatus::Shipping, now).await?;
    Ok(Moved {
        order_id,
        before: order.status,
        after: OrderStatus::Completed,
    })
}

/// Completes an order that is still `from`; whether it was.
async fn complete(
    conn: &mut AnyConnection,
    order_id: i64,
    from: OrderStatus,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE orders SET status = 'completed', completed_ms = $3 WHERE id = $1 AND status = $2",
    )
    .bind(order_id)
    .bind(status_str(from))
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if done == 1 {
        order_changed(conn, order_id).await?;
    }
    Ok(done == 1)
}

/// What a code typed at a pickup point came to.
#[derive(Debug)]
pub enum HandedOver {
    /// The order waiting for that code is completed.
    Done(Moved),
    /// No order waits for the code here (none at all, or one at another point): counted
    /// against the point, to be committed before the refusal is answered.
    Refused(AppError),
}

/// A shopper at `point_id` shows `code`: its order, waiting there, is handed over. The
/// point's row is locked first (before the order's group and the order), so hand-overs at
/// one point (and the count of its wrong codes) go one at a time, on PostgreSQL as on
/// SQLite.
pub async fn hand_over(
    conn: &mut AnyConnection,
    point_id: i64,
    code: &str,
    now: i64,
) -> Result<HandedOver, AppError> {
    // New orders naming the point (a foreign key's check) go on while a hand-over holds it.
    let lock = for_no_key_update(conn);
    let point: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM pickup_points WHERE id = $1{lock}"
    )))
    .bind(point_id)
    .fetch_optional(&mut *conn)
    .await?;
    if point.is_none() {
        return Err(AppError::not_found("no such pickup point"));
    }
    if let Some(wait) = handover_wait(conn, point_id, now).await? {
        let mut err = AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::HandoverLocked,
            "too many wrong codes at this point lately: hand-over by code is paused",
        );
        err.retry_after = Some(crate::http::ratelimit::retry_after_secs(wait));
        return Err(err);
    }
    let waiting: Option<(i64, i64)> = sqlx::query_as(
        "SELECT id, pickup_point_id FROM orders
         WHERE pickup_code = $1 AND status = 'ready_for_pickup'",
    )
    .bind(code)
    .fetch_optional(&mut *conn)
    .await?;
    let refusal = match waiting {
        Some((_, at)) if at != point_id => AppError::conflict(
            ErrorCode::PickupOtherPoint,
            "this code's order waits at another pickup point",
        ),
        Some((order_id, _)) => {
            let order = locked(conn, order_id).await?;
            // Refunded (or handed over) while this waited for its lock.
            match order.status {
                OrderStatus::ReadyForPickup => {}
                OrderStatus::Completed => return Err(code_used()),
                _ => return Err(wrong_state("the order is no longer waiting at its point")),
            }
            if !complete(conn, order_id, OrderStatus::ReadyForPickup, now).await? {
                return Err(code_used());
            }
            return Ok(HandedOver::Done(Moved {
                order_id,
                before: order.status,
                after: OrderStatus::Completed,
            }));
        }
        None => {
            let used: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM orders
                 WHERE pickup_code = $1 AND pickup_point_id = $2 AND status = 'completed'
                 LIMIT 1",
            )
            .bind(code)
            .bind(point_id)
            .fetch_optional(&mut *conn)
            .await?;
            if used.is_some() {
                return Err(code_used());
            }
            code_wrong()
        }
    };
    // A code that opens nothing here counts, so codes live elsewhere cannot be probed either.
    sqlx::query("INSERT INTO handover_failures (point_id, at_ms) VALUES ($1, $2)")
        .bind(point_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM handover_failures WHERE at_ms <= $1")
        .bind(now - HANDOVER_WINDOW_MS)
        .execute(conn)
        .await?;
    Ok(HandedOver::Refused(refusal))
}

fn code_used() -> AppError {
    AppError::conflict(
        ErrorCode::PickupCodeUsed,
        "this code's order has been handed over already",
    )
}

/// The refusal of a code no order waits for.
fn code_wrong() -> AppError {
    AppError::new(
        StatusCode::NOT_FOUND,
        ErrorCode::PickupCodeWrong,
        "no order waits for this code at this point",
    )
}

/// How long hand-over by code stays paused at a point: until the oldest of the last
/// [`HANDOVER_FAILURES_MAX`] wrong codes leaves the window; `None` when it is open.
async fn handover_wait(
    conn: &mut AnyConnection,
    point_id: i64,
    now: i64,
) -> Result<Option<Duration>, AppError> {
    let oldest: Option<i64> = sqlx::query_scalar(
        "SELECT at_ms FROM handover_failures WHERE point_id = $1 AND at_ms > $2
         ORDER BY at_ms DESC LIMIT 1 OFFSET $3",
    )
    .bind(point_id)
    .bind(now - HANDOVER_WINDOW_MS)
    .bind(i64::from(HANDOVER_FAILURES_MAX) - 1)
    .fetch_optional(conn)
    .await?;
    Ok(oldest
        .map(|at| Duration::from_millis(u64::try_from(at + HANDOVER_WINDOW_MS - now).unwrap_or(0))))
}

/// The owner refunds a paid order in full: the provider is told through the refund outbox,
/// its stock goes back while the goods are still in the store, and a group order's seat is freed while its group is still open (a
/// group that has succeeded keeps its members).
pub async fn refund(
    conn: &mut AnyConnection,
    order_id: i64,
    reason: &str,
) -> Result<Moved, AppError> {
    let order = locked(conn, order_id).await?;
    match (order.status, order.payment) {
        (
            OrderStatus::Paid
            | OrderStatus::AwaitingGroup
            | OrderStatus::ReadyForPickup
            | OrderStatus::Shipping
            | OrderStatus::Completed,
            PaymentState::Approved,
        ) => {}
        (OrderStatus::Refunded, _) => return Err(wrong_state("the order is refunded already")),
        _ => return Err(wrong_state("only a paid order can be refunded")),
    }
    if let Some(group_id) = order.group_id {
        // Locked with the order (the group first): its state cannot change under us.
        let freed = sqlx::query(
            "DELETE FROM group_seats WHERE order_id = $1 AND group_id IN
                 (SELECT id FROM group_buys WHERE id = $2 AND state = 'open')",
        )
        .bind(order_id)
        .bind(group_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if freed == 1 {
            sqlx::query("UPDATE group_buys SET seats_taken = seats_taken - 1 WHERE id = $1")
                .bind(group_id)
                .execute(&mut *conn)
                .await?;
        }
    }
    // Goods that have left the store (shipped, collected) are not on the shelf again until
    // they come back: only an order still in the store gives its stock back.
    if matches!(order.status, OrderStatus::Shipping | OrderStatus::Completed) {
        sqlx::query("UPDATE orders SET stock_held = 0 WHERE id = $1")
            .bind(order_id)
            .execute(&mut *conn)
            .await?;
    }
    ledger::apply(conn, [Outcome::Refund(order_id, Note::RefundedByStore)]).await?;
    sqlx::query("UPDATE orders SET refund_reason = $2 WHERE id = $1")
        .bind(order_id)
        .bind(reason)
        .execute(conn)
        .await?;
    Ok(Moved {
        order_id,
        before: order.status,
        after: OrderStatus::Refunded,
    })
}

/// Completes every shipped order whose shopper has not confirmed receipt in time. One
/// statement: of several servers' sweeps, each order is completed by one.
pub async fn complete_due(db: &Db, now: i64) -> Result<u64, AppError> {
    // Most requests find nothing due: one indexed read, no write lock.
    let due: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM orders WHERE status = 'shipping' AND auto_complete_ms <= $1 LIMIT 1",
    )
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    if due.is_none() {
        return Ok(0);
    }
    let mut tx = db.write().await?;
    let completed: Vec<i64> = sqlx::query_scalar(
        "UPDATE orders SET status = 'completed', completed_ms = auto_complete_ms
         WHERE status = 'shipping' AND auto_complete_ms <= $1
         RETURNING id",
    )
    .bind(now)
    .fetch_all(&mut *tx)
    .await?;
    for &order_id in &completed {
        order_changed(&mut tx, order_id).await?;
    }
    tx.commit().await?;
    Ok(completed.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..100 {
            let code = new_code().unwrap_or_default();
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
        }
    }
}
