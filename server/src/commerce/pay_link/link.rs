//! A pay-for-me link's row and where it stands, read with its order's own answers (the
//! order's page shows its link; a payment through it marks it paid): below the order's
//! rows and state machine, which use it, and above nothing of theirs.

use quanzi_api::{NotificationKind, OrderPayLink, OrderStatus, PayLinkState, PaymentState};
use sqlx::{AnyConnection, AssertSqlSafe};

use crate::http::error::AppError;
use crate::notifications::{notify, About};

/// A link's row.
pub struct LinkRow {
    pub token: String,
    pub order_id: i64,
    pub requester_id: i64,
    pub note: String,
    pub state: String,
}

pub async fn link_row(
    conn: &mut AnyConnection,
    token: &str,
    lock: &str,
) -> Result<Option<LinkRow>, AppError> {
    let row: Option<(String, i64, i64, String, String)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT token, order_id, requester_id, note, state FROM pay_links WHERE token = $1{lock}"
    )))
    .bind(token)
    .fetch_optional(conn)
    .await?;
    Ok(
        row.map(|(token, order_id, requester_id, note, state)| LinkRow {
            token,
            order_id,
            requester_id,
            note,
            state,
        }),
    )
}

/// What of its order a link's standing depends on.
#[derive(Clone, Copy, Debug)]
pub struct Standing {
    pub id: i64,
    pub status: OrderStatus,
    pub payment: PaymentState,
    pub hold_until_ms: Option<i64>,
}

/// Where a link stands, from its own state and its order's: an order refunded (after it was
/// paid, by anyone) is refunded; one paid is paid; a link taken back is cancelled; a payment under way is paying; an order no longer
/// waiting for its payment (cancelled, or its hold over) has expired.
pub fn state_of(link_state: &str, order: Standing, now: i64) -> PayLinkState {
    match (link_state, order.payment) {
        (_, PaymentState::Refunded) => PayLinkState::Refunded,
        (_, PaymentState::Approved) | ("paid", _) => PayLinkState::Paid,
        ("cancelled", _) => PayLinkState::Cancelled,
        (_, PaymentState::Processing) => PayLinkState::Paying,
        _ if order.status != OrderStatus::PendingPayment
            || order.hold_until_ms.is_some_and(|until| until <= now) =>
        {
            PayLinkState::Expired
        }
        _ => PayLinkState::Open,
    }
}

/// The order's latest link that was not taken back, for its requester's order page; the
/// order as it stands (`order`) says whether it is still open.
pub async fn of_order(
    conn: &mut AnyConnection,
    order: Standing,
    now: i64,
) -> Result<Option<OrderPayLink>, AppError> {
    let found: Option<(String, String, String)> = sqlx::query_as(
        "SELECT token, note, state FROM pay_links
         WHERE order_id = $1 AND state <> 'cancelled'
         ORDER BY created_ms DESC LIMIT 1",
    )
    .bind(order.id)
    .fetch_optional(conn)
    .await?;
    Ok(found.map(|(token, note, link_state)| OrderPayLink {
        token,
        note,
        state: state_of(&link_state, order, now),
    }))
}

/// An approved payment: if it came through a link, the link is paid and its requester
/// told a friend paid (in the caller's transaction).
pub async fn paid(conn: &mut AnyConnection, payment_id: i64, now: i64) -> Result<(), AppError> {
    let token: Option<Option<String>> =
        sqlx::query_scalar("SELECT pay_link FROM payments WHERE id = $1")
            .bind(payment_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(token) = token.flatten() else {
        return Ok(());
    };
    let Some(link) = link_row(conn, &token, "").await? else {
        return Ok(());
    };
    sqlx::query("UPDATE pay_links SET state = 'paid', closed_ms = $2 WHERE token = $1")
        .bind(&token)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    let about = About::order(conn, link.order_id).await?;
    notify(conn, link.requester_id, NotificationKind::PaidForYou, about).await
}
