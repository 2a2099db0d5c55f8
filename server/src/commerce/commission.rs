//! Commission: what the member whose link brought an order earns on it (single level; the
//! buyer is never their own referrer, see `referral::referrer_for_order`).
//!
//! - An order fixes its commission when it is placed, under the rules of that moment
//!   ([`order_commission`]): what a sharer was shown is what they earn.
//! - It is earned (`pending`) once the goods are due: a solo order paid, a group order
//!   when its group fills ([`accrue`], called by the order machine and the ledger). An
//!   unpaid, declined or failed-group order earns nothing.
//! - It settles when the order has completed and its return window has passed
//!   ([`settle_due`], one order at a time under its lock, by a conditional update: of
//!   several servers' sweeps one settles each).
//! - A refund cancels a pending commission, or takes a settled one back with a negative
//!   adjustment ([`reverse`], called by the ledger's refund).
//!
//! Each is a conditional write backed by the schema (`UNIQUE (order_id, kind)`): running
//! one twice changes nothing.

use quanzi_api::{CommissionRule, Money, NotificationKind};
use sqlx::{AnyConnection, AssertSqlSafe};

use crate::http::error::AppError;
use crate::notifications::{notify, About};
use crate::storage::db::{for_update, Db};

/// The store's default rate, in basis points.
pub async fn default_bps(conn: &mut AnyConnection) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar("SELECT commission_bps FROM store_settings WHERE id = 1")
            .fetch_one(conn)
            .await?,
    )
}

/// A product's own rule.
pub async fn product_rule(
    conn: &mut AnyConnection,
    product_id: i64,
) -> Result<CommissionRule, AppError> {
    let (rate, fixed): (Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT commission_bps, commission_fixed FROM products WHERE id = $1")
            .bind(product_id)
            .fetch_optional(conn)
            .await?
            .ok_or_else(|| AppError::not_found("no such product"))?;
    Ok(CommissionRule::from_columns(rate, fixed))
}

/// The commission on an order's lines (product, quantity, unit price paid) under the rules
/// of now.
pub async fn order_commission(
    conn: &mut AnyConnection,
    lines: &[(i64, u32, i64)],
) -> Result<i64, AppError> {
    let default = default_bps(conn).await?;
    let mut total = 0i64;
    for (product_id, quantity, unit_price) in lines {
        let rule = product_rule(conn, *product_id).await?;
        total += rule.per_unit(default, *unit_price) * i64::from(*quantity);
    }
    Ok(total)
}

/// The order's commission is earned, pending: when it has a referrer, a commission above
/// zero and an approved payment. Nothing when it was earned already.
pub async fn accrue(conn: &mut AnyConnection, order_id: i64, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO earnings (member_id, order_id, kind, currency, amount, state, created_ms)
         SELECT referrer_id, id, 'commission', currency, commission, 'pending', $2
         FROM orders
         WHERE id = $1 AND referrer_id IS NOT NULL AND commission > 0 AND payment = 'approved'
         ON CONFLICT DO NOTHING",
    )
    .bind(order_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The order is refunded: a pending commission is cancelled, a settled one taken back by a
/// negative adjustment (once).
pub async fn reverse(conn: &mut AnyConnection, order_id: i64, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE earnings SET state = 'cancelled', cancelled_ms = $2
         WHERE order_id = $1 AND kind = 'commission' AND state = 'pending'",
    )
    .bind(order_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO earnings (member_id, order_id, kind, currency, amount, state, created_ms,
                               settled_ms)
         SELECT member_id, order_id, 'adjustment', currency, -amount, 'settled', $2, $2
         FROM earnings
         WHERE order_id = $1 AND kind = 'commission' AND state = 'settled'
         ON CONFLICT DO NOTHING",
    )
    .bind(order_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Settles every pending commission whose order completed at least `return_window_ms`
/// ago, telling each sharer; returns how many. One order at a time, its row locked first
/// (as a refund locks it before its commission): the two never wait for each other.
pub async fn settle_due(db: &Db, now: i64, return_window_ms: i64) -> Result<u64, AppError> {
    let completed_by = now.saturating_sub(return_window_ms);
    // Most sweeps find few: one read along the pending index, no write lock.
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT e.order_id FROM earnings e JOIN orders o ON o.id = e.order_id
         WHERE e.state = 'pending' AND o.status = 'completed' AND o.completed_ms <= $1
         ORDER BY e.order_id LIMIT 500",
    )
    .bind(completed_by)
    .fetch_all(db.pool())
    .await?;
    let mut settled = 0;
    for order_id in due {
        let mut tx = db.write().await?;
        let lock = for_update(&tx);
        sqlx::query(AssertSqlSafe(format!(
            "SELECT id FROM orders WHERE id = $1{lock}"
        )))
        .bind(order_id)
        .execute(&mut *tx)
        .await?;
        // Still completed and past its window under the lock (a refund may have come first).
        let rows: Vec<(i64, i64, String)> = sqlx::query_as(
            "UPDATE earnings SET state = 'settled', settled_ms = $1
             WHERE state = 'pending' AND order_id = $2 AND order_id IN
                 (SELECT id FROM orders WHERE status = 'completed' AND completed_ms <= $3)
             RETURNING member_id, amount, currency",
        )
        .bind(now)
        .bind(order_id)
        .bind(completed_by)
        .fetch_all(&mut *tx)
        .await?;
        for (member_id, amount, currency) in rows {
            let about = About {
                amount: Some(Money { amount, currency }),
                ..About::order(&mut tx, order_id).await?
            };
            notify(&mut tx, member_id, NotificationKind::EarningSettled, about).await?;
            settled += 1;
        }
        tx.commit().await?;
    }
    Ok(settled)
}
