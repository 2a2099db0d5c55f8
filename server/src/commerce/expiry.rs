//! Expiry: what happens when time runs out, without anyone asking.
//!
//! - An unpaid order whose hold ran out is cancelled, its stock and seat let go; one whose
//!   payment is under way only lets go (its payment, if it comes, is handled as late). A
//!   declined order not paid again by its deadline is cancelled too.
//! - An open group past its deadline fails: paid orders are refunded, unpaid ones cancelled.
//! - A slow payment is asked about again when its provider said to; a charge whose answer
//!   never came (the provider failed, or the server stopped) is looked up by its payment id.
//!   No charge is ever taken as declined without the provider saying so.
//! - Refunds are sent to the provider until it confirms (the refund outbox), each claimed
//!   first so that only one sweep sends it.
//!
//! [`settle`] does all of it and is cheap when nothing is due (one indexed read). It runs on
//! a timer in the background ([`spawn_sweeper`]) *and* at the start of every request that
//! reads or writes orders or groups, so an answer never shows a group as open after its
//! deadline, not even right after a restart, before the timer has come round. Events are
//! processed in the order they happened (a hold that ran out before its group's deadline
//! is a run-out hold, not a failed group's order).

use std::sync::Weak;
use std::time::Duration;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use quanzi_api::{Money, PaymentState};
use rusqlite::{params, Connection};

use crate::commerce::context::Commerce;
use crate::commerce::group_buy;
use crate::commerce::ledger::{self, Outcome};
use crate::commerce::order::machine::apply_answer;
use crate::commerce::order::rows::{order_row, Note};
use crate::commerce::payment::{ChargeAnswer, ChargeState};
use crate::http::error::AppError;
use crate::storage::db::{now_ms, write_tx};
use crate::storage::idempotency;

/// How often the background sweep runs when the config does not say.
pub const DEFAULT_SWEEP_EVERY: Duration = Duration::from_secs(2);
/// A charge still without the provider's answer this long after it was asked for never got
/// one (the server stopped in between): the provider is asked about it by its payment id.
const STALE_CHARGE_MS: i64 = 60 * 1000;
/// How long to wait before asking again a provider that failed to answer a poll.
pub const POLL_RETRY_MS: i64 = 5 * 1000;
/// How long a claimed refund is left to its claimant before another sweep sends it again.
const REFUND_CLAIM_MS: i64 = 60 * 1000;

/// Something that came due, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Due {
    /// A group's deadline.
    Group(i64),
    /// An order's hold (or a declined order's deadline to pay again).
    Hold(i64),
}

/// Whether any expiry is due in the database (groups, holds).
fn anything_due(conn: &Connection, now: i64) -> Result<bool, AppError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM group_buys WHERE state = 'open' AND deadline_ms <= ?1)
                 OR EXISTS (SELECT 1 FROM orders WHERE hold_until_ms <= ?1)",
        )?
        .query_row(params![now], |r| r.get(0))?)
}

/// Processes every expiry due at `now`, oldest first, in the caller's transaction. Returns
/// how many things it processed.
pub fn expire_due(conn: &Connection, now: i64) -> Result<usize, AppError> {
    let mut due: Vec<(i64, Due)> = Vec::new();
    let mut collect = |sql: &str, param: i64, make: fn(i64) -> Due| -> Result<(), AppError> {
        let rows = conn
            .prepare_cached(sql)?
            .query_map(params![param], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        due.extend(rows.into_iter().map(|(at, id)| (at, make(id))));
        Ok(())
    };
    collect(
        "SELECT deadline_ms, id FROM group_buys WHERE state = 'open' AND deadline_ms <= ?1",
        now,
        Due::Group,
    )?;
    collect(
        "SELECT hold_until_ms, id FROM orders WHERE hold_until_ms <= ?1",
        now,
        Due::Hold,
    )?;
    due.sort();
    for (_, item) in &due {
        match *item {
            Due::Group(group_id) => ledger::apply(conn, group_buy::fail(conn, group_id)?)?,
            Due::Hold(order_id) => {
                let Some(order) = order_row(conn, order_id)? else {
                    continue;
                };
                // Settled meanwhile (its group failed first, say).
                if order.hold_until_ms.is_none_or(|until| until > now) {
                    continue;
                }
                let outcome = match (order.status, order.payment) {
                    (quanzi_api::OrderStatus::PendingPayment, PaymentState::Unpaid) => {
                        Outcome::Cancel(order_id, Note::HoldExpired)
                    }
                    (quanzi_api::OrderStatus::PendingPayment, PaymentState::Declined) => {
                        Outcome::Cancel(order_id, Note::DeclinedExpired)
                    }
                    _ => Outcome::ReleaseHold(order_id),
                };
                ledger::apply(conn, [outcome])?;
            }
        }
    }
    Ok(due.len())
}

/// Middleware on the routes whose answers read or write orders and groups (the commerce
/// router's groups and orders, the referral dashboard): everything due is settled before
/// the handler runs, so a group that ended
/// unseen is closed before anyone tries to join it, and a failed group's refunds are
/// counted before a dashboard sums them.
pub async fn settle_first(
    Extension(commerce): Extension<Commerce>,
    req: Request,
    next: Next,
) -> Response {
    match settle(&commerce).await {
        Ok(()) => next.run(req).await,
        Err(err) => err.into_response(),
    }
}

/// Brings everything due up to date: expiries, slow payments whose answer is due, and
/// refunds not yet confirmed by the provider.
pub async fn settle(commerce: &Commerce) -> Result<(), AppError> {
    let now = now_ms();
    let (db_due, polls, unanswered) = commerce
        .db
        .run(move |conn| {
            let polls = conn
                .prepare_cached(
                    "SELECT id FROM payments
                     WHERE state = 'processing' AND reference IS NOT NULL AND poll_ms <= ?1
                     ORDER BY poll_ms, id",
                )?
                .query_map(params![now], |r| r.get::<_, i64>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            // Charges without any answer: asked about once stale, or when a failed ask said
            // to ask again.
            let unanswered = conn
                .prepare_cached(
                    "SELECT id FROM payments
                     WHERE state = 'processing' AND reference IS NULL
                       AND coalesce(poll_ms, created_ms + ?2) <= ?1
                     ORDER BY id",
                )?
                .query_map(params![now, STALE_CHARGE_MS], |r| r.get::<_, i64>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok((anything_due(conn, now)?, polls, unanswered))
        })
        .await?;
    // Answers that arrived before a deadline count before it.
    for payment_id in polls {
        settle_payment(commerce, payment_id).await?;
    }
    for payment_id in unanswered {
        look_up_payment(commerce, payment_id).await?;
    }
    if db_due {
        commerce
            .db
            .run(move |conn| {
                let tx = write_tx(conn)?;
                let done = expire_due(&tx, now_ms())?;
                tx.commit()?;
                if done > 0 {
                    tracing::info!(done, "expired holds and groups");
                }
                Ok(())
            })
            .await?;
    }
    flush_refunds(commerce).await;
    Ok(())
}

/// Asks the provider about a slow payment and applies its answer.
pub async fn settle_payment(commerce: &Commerce, payment_id: i64) -> Result<(), AppError> {
    let reference: Option<String> = commerce
        .db
        .run(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT reference FROM payments WHERE id = ?1 AND state = 'processing'",
                )?
                .query_row(params![payment_id], |r| r.get(0))
                .ok()
                .flatten())
        })
        .await?;
    let Some(reference) = reference else {
        return Ok(());
    };
    let state = match commerce.payments.poll(&reference).await {
        Ok(state) => state,
        Err(err) => {
            tracing::warn!(error = %err, payment_id, "could not ask about a payment; later");
            ChargeState::Pending {
                poll_at_ms: now_ms() + POLL_RETRY_MS,
            }
        }
    };
    let settings = commerce.settings;
    commerce
        .db
        .run(move |conn| {
            let tx = write_tx(conn)?;
            let answer = ChargeAnswer { reference, state };
            apply_answer(&tx, payment_id, &answer, now_ms(), settings)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    if !matches!(state, ChargeState::Pending { .. }) {
        tracing::info!(payment_id, ?state, "a slow payment was answered");
    }
    Ok(())
}

/// Asks the provider, by our payment id, about a charge it never answered, and applies what
/// it says: its answer, or (it has no such charge) declined. A provider that cannot say is
/// asked again later; the charge is never given up on without its word.
pub async fn look_up_payment(commerce: &Commerce, payment_id: i64) -> Result<(), AppError> {
    let found = commerce.payments.lookup(payment_id).await;
    let settings = commerce.settings;
    commerce
        .db
        .run(move |conn| {
            let tx = write_tx(conn)?;
            let now = now_ms();
            match found {
                Ok(found) => {
                    let answer = found.unwrap_or(ChargeAnswer {
                        reference: String::new(),
                        state: ChargeState::Declined,
                    });
                    apply_answer(&tx, payment_id, &answer, now, settings)?;
                }
                Err(err) => {
                    tracing::warn!(error = %err, payment_id, "could not look up a charge; later");
                    tx.prepare_cached(
                        "UPDATE payments SET poll_ms = ?2
                         WHERE id = ?1 AND state = 'processing' AND reference IS NULL",
                    )?
                    .execute(params![payment_id, now + POLL_RETRY_MS])?;
                }
            }
            tx.commit()?;
            Ok(())
        })
        .await
}

/// Asks about a slow payment when the provider said it would know, in the background.
pub fn poll_later(commerce: Commerce, payment_id: i64, poll_at_ms: i64) {
    let wait = u64::try_from(poll_at_ms.saturating_sub(now_ms())).unwrap_or(0);
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(wait)).await;
        if let Err(err) = settle_payment(&commerce, payment_id).await {
            tracing::warn!(error = %err.message, payment_id, "settling a slow payment failed");
        }
        flush_refunds(&commerce).await;
    });
}

/// Sends the refunds waiting in the outbox to the provider, marking each it confirms. Each
/// is claimed first (one conditional UPDATE), so sweeps running at once send it once; a
/// claim left behind (a failure, a crash) runs out after [`REFUND_CLAIM_MS`] and the refund
/// is sent again, with the payment's id as its idempotency key.
pub async fn flush_refunds(commerce: &Commerce) {
    let waiting = commerce
        .db
        .run(|conn| {
            let now = now_ms();
            let tx = write_tx(conn)?;
            let claimed = tx
                .prepare_cached(
                    "UPDATE payments SET refund_claim_ms = ?1
                     WHERE state = 'refunding'
                       AND (refund_claim_ms IS NULL OR refund_claim_ms <= ?2)
                     RETURNING id, reference, amount, currency",
                )?
                .query_map(params![now, now - REFUND_CLAIM_MS], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        Money {
                            amount: r.get(2)?,
                            currency: r.get(3)?,
                        },
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            tx.commit()?;
            Ok(claimed)
        })
        .await;
    let waiting = match waiting {
        Ok(waiting) => waiting,
        // Logged by AppError already.
        Err(_) => return,
    };
    for (payment_id, reference, amount) in waiting {
        let Some(reference) = reference else {
            tracing::error!(payment_id, "a refund of a payment without a reference");
            continue;
        };
        if let Err(err) = commerce
            .payments
            .refund(payment_id, &reference, &amount)
            .await
        {
            tracing::warn!(error = %err, payment_id, "a refund failed; it will be retried");
            continue;
        }
        let marked = commerce
            .db
            .run(move |conn| {
                conn.prepare_cached(
                    "UPDATE payments SET state = 'refunded', refunded_ms = ?2,
                         refund_claim_ms = NULL
                     WHERE id = ?1 AND state = 'refunding'",
                )?
                .execute(params![payment_id, now_ms()])?;
                Ok(())
            })
            .await;
        if marked.is_ok() {
            tracing::info!(payment_id, "refunded");
        }
    }
}

/// [`flush_refunds`] in the background.
pub fn flush_refunds_soon(commerce: Commerce) {
    tokio::spawn(async move { flush_refunds(&commerce).await });
}

/// One round of the background sweep: [`settle`], and old idempotency keys forgotten.
pub async fn sweep(commerce: &Commerce) -> Result<(), AppError> {
    settle(commerce).await?;
    commerce
        .db
        .run(|conn| {
            idempotency::sweep(conn, now_ms())?;
            Ok(())
        })
        .await
}

/// Runs [`sweep`] every `every`, from now until `alive` has no strong reference left (the
/// app's state is gone). The first round runs at once: a server starting after a pause
/// catches up before anyone asks.
pub fn spawn_sweeper(commerce: Commerce, alive: Weak<()>, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if alive.strong_count() == 0 {
                break;
            }
            if let Err(err) = sweep(&commerce).await {
                tracing::warn!(error = %err.message, "the expiry sweep failed; next round");
            }
        }
    });
}
