//! Expiry: what happens when time runs out, without anyone asking.
//!
//! - An unpaid order whose hold ran out is cancelled, its stock and seat let go; one whose
//!   payment is under way only lets go (its payment, if it comes, is handled as late). A
//!   declined order not paid again by its deadline is cancelled too.
//! - An open group past its deadline fails: paid orders are refunded, unpaid ones cancelled.
//! - A slow payment is asked about again when its provider said to; a charge whose answer
//!   never came (the provider failed, or the server stopped) is looked up by its payment id.
//!   No charge is ever taken as declined without the provider saying so. Each ask is taken
//!   first by one conditional update that moves the next one on, so one server asks.
//! - A shipped order whose shopper has not confirmed receipt in time completes.
//! - A completed order's commission settles once its return window has passed; the
//!   background sweep also asks again about a payout handed over but never answered.
//! - A flash sale that has started is announced to the members who asked to be reminded
//!   (by the background sweep only: never inside a buyer's request).
//! - Refunds are sent to the provider until it confirms (the refund outbox), each claimed
//!   first so that only one sweep sends it.
//!
//! [`settle`] does all of it and is cheap when nothing is due (one indexed read). It runs on
//! a timer in the background ([`spawn_sweeper`]) *and* at the start of every request that
//! reads or writes orders or groups, so an answer never shows a group as open after its
//! deadline, not even right after a restart, before the timer has come round. Events are
//! processed in the order they happened (a hold that ran out before its group's deadline
//! is a run-out hold, not a failed group's order).
//!
//! Every server instance sweeps. Each due thing is one transaction that takes it by
//! locking its row (a group by the conditional update that fails it, an order by
//! [`lock_order`]) and checks under the lock that it is still due, so of two instances at
//! once exactly one does it and the other finds it done. A crash rolls the transaction
//! back, and the thing is due again for the next sweep.

use std::sync::Weak;
use std::time::Duration;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use quanzi_api::{Money, PaymentState};
use sqlx::{AnyConnection, Row};

use crate::commerce::context::Commerce;
use crate::commerce::group_buy;
use crate::commerce::ledger::{self, Outcome};
use crate::commerce::order::machine::apply_answer;
use crate::commerce::order::rows::{lock_order, Note};
use crate::commerce::payment::{ChargeAnswer, ChargeState};
use crate::commerce::{commission, flash_sale, fulfilment, payout};
use crate::http::error::AppError;
use crate::storage::db::{now_ms, Db};
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
async fn anything_due(db: &Db, now: i64) -> Result<bool, AppError> {
    let due: i64 = sqlx::query_scalar(
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM group_buys WHERE state = 'open' AND deadline_ms <= $1)
                  OR EXISTS (SELECT 1 FROM orders WHERE hold_until_ms <= $1) THEN 1 ELSE 0 END",
    )
    .bind(now)
    .fetch_one(db.pool())
    .await?;
    Ok(due == 1)
}

/// Processes every expiry due at `now`, oldest first, each in its own transaction (so a
/// transaction holds one group's rows at a time, in the lock order). Returns how many
/// things it processed.
async fn expire_due(db: &Db, now: i64) -> Result<usize, AppError> {
    let groups: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT deadline_ms, id FROM group_buys WHERE state = 'open' AND deadline_ms <= $1",
    )
    .bind(now)
    .fetch_all(db.pool())
    .await?;
    let holds: Vec<(i64, i64)> =
        sqlx::query_as("SELECT hold_until_ms, id FROM orders WHERE hold_until_ms <= $1")
            .bind(now)
            .fetch_all(db.pool())
            .await?;
    let mut due: Vec<(i64, Due)> = groups
        .into_iter()
        .map(|(at, id)| (at, Due::Group(id)))
        .chain(holds.into_iter().map(|(at, id)| (at, Due::Hold(id))))
        .collect();
    due.sort();
    let mut done = 0;
    for (_, item) in &due {
        // One thing that cannot be settled now (a lock wait too long, a fault) must not
        // hold up the others: it is still due, and the next sweep tries it again.
        let expired = async {
            let mut tx = db.write().await?;
            expire(&mut tx, *item, now).await?;
            tx.commit().await?;
            Ok::<(), AppError>(())
        };
        match expired.await {
            Ok(()) => done += 1,
            Err(err) => tracing::warn!(error = %err.message, ?item, "could not expire; next sweep"),
        }
    }
    Ok(done)
}

/// One due thing, taken under its lock; nothing when another sweep has done it.
async fn expire(conn: &mut AnyConnection, item: Due, now: i64) -> Result<(), AppError> {
    match item {
        Due::Group(group_id) => {
            let outcomes = group_buy::fail(conn, group_id).await?;
            ledger::apply(conn, outcomes).await
        }
        Due::Hold(order_id) => {
            let Some(order) = lock_order(conn, order_id).await? else {
                return Ok(());
            };
            // Settled meanwhile (its group failed first, say, or another sweep took it).
            if order.hold_until_ms.is_none_or(|until| until > now) {
                return Ok(());
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
            ledger::apply(conn, [outcome]).await
        }
    }
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
    let db = &commerce.db;
    let polls: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM payments
         WHERE state = 'processing' AND reference IS NOT NULL AND poll_ms <= $1
         ORDER BY poll_ms, id",
    )
    .bind(now)
    .fetch_all(db.pool())
    .await?;
    // Charges without any answer: asked about once stale, or when a failed ask said to ask
    // again.
    let unanswered: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM payments
         WHERE state = 'processing' AND reference IS NULL
           AND coalesce(poll_ms, created_ms + $2) <= $1
         ORDER BY id",
    )
    .bind(now)
    .bind(STALE_CHARGE_MS)
    .fetch_all(db.pool())
    .await?;
    let db_due = anything_due(db, now).await?;
    // Answers that arrived before a deadline count before it.
    for payment_id in polls {
        settle_payment(commerce, payment_id).await?;
    }
    for payment_id in unanswered {
        look_up_payment(commerce, payment_id).await?;
    }
    if db_due {
        let done = expire_due(db, now_ms()).await?;
        if done > 0 {
            tracing::info!(done, "expired holds and groups");
        }
    }
    let completed = fulfilment::complete_due(db, now).await?;
    if completed > 0 {
        tracing::info!(completed, "completed shipped orders not confirmed in time");
    }
    let settled = commission::settle_due(db, now, commerce.settings.return_window_ms).await?;
    if settled > 0 {
        tracing::info!(settled, "settled commissions past their return window");
    }
    flush_refunds(commerce).await;
    Ok(())
}

/// Asks the provider about a slow payment and applies its answer.
pub async fn settle_payment(commerce: &Commerce, payment_id: i64) -> Result<(), AppError> {
    // Taken by one server: the next ask moves on, so a sweep elsewhere finds it not due.
    let now = now_ms();
    let taken: Option<Option<String>> = sqlx::query_scalar(
        "UPDATE payments SET poll_ms = $2
         WHERE id = $1 AND state = 'processing' AND reference IS NOT NULL AND poll_ms <= $3
         RETURNING reference",
    )
    .bind(payment_id)
    .bind(now + POLL_RETRY_MS)
    .bind(now)
    .fetch_optional(commerce.db.pool())
    .await?;
    let Some(reference) = taken.flatten() else {
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
    let mut tx = commerce.db.write().await?;
    let answer = ChargeAnswer { reference, state };
    apply_answer(&mut tx, payment_id, &answer, now_ms(), commerce.settings).await?;
    tx.commit().await?;
    if !matches!(state, ChargeState::Pending { .. }) {
        tracing::info!(payment_id, ?state, "a slow payment was answered");
    }
    Ok(())
}

/// Asks the provider, by our payment id, about a charge it never answered, and applies what
/// it says: its answer, or (it has no such charge) declined. A provider that cannot say is
/// asked again later; the charge is never given up on without its word.
pub async fn look_up_payment(commerce: &Commerce, payment_id: i64) -> Result<(), AppError> {
    // Taken by one server, like a poll (see `settle_payment`).
    let now = now_ms();
    let taken = sqlx::query(
        "UPDATE payments SET poll_ms = $2
         WHERE id = $1 AND state = 'processing' AND reference IS NULL
           AND coalesce(poll_ms, created_ms + $4) <= $3",
    )
    .bind(payment_id)
    .bind(now + POLL_RETRY_MS)
    .bind(now)
    .bind(STALE_CHARGE_MS)
    .execute(commerce.db.pool())
    .await?
    .rows_affected();
    if taken == 0 {
        return Ok(());
    }
    let found = commerce.payments.lookup(payment_id).await;
    let mut tx = commerce.db.write().await?;
    let now = now_ms();
    match found {
        Ok(found) => {
            let answer = found.unwrap_or(ChargeAnswer {
                reference: String::new(),
                state: ChargeState::Declined,
            });
            apply_answer(&mut tx, payment_id, &answer, now, commerce.settings).await?;
        }
        Err(err) => {
            tracing::warn!(error = %err, payment_id, "could not look up a charge; later");
            ask_again_later(&mut tx, payment_id, now).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// A charge the provider has not answered is asked about again after [`POLL_RETRY_MS`].
pub async fn ask_again_later(
    conn: &mut AnyConnection,
    payment_id: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE payments SET poll_ms = $2
         WHERE id = $1 AND state = 'processing' AND reference IS NULL",
    )
    .bind(payment_id)
    .bind(now + POLL_RETRY_MS)
    .execute(conn)
    .await?;
    Ok(())
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
    let now = now_ms();
    let claimed = sqlx::query(
        "UPDATE payments SET refund_claim_ms = $1
         WHERE state = 'refunding'
           AND (refund_claim_ms IS NULL OR refund_claim_ms <= $2)
         RETURNING id, reference, amount, currency",
    )
    .bind(now)
    .bind(now - REFUND_CLAIM_MS)
    .fetch_all(commerce.db.pool())
    .await;
    let waiting = match claimed {
        Ok(rows) => rows
            .iter()
            .map(|r| {
                Ok((
                    r.try_get::<i64, _>(0)?,
                    r.try_get::<Option<String>, _>(1)?,
                    Money {
                        amount: r.try_get(2)?,
                        currency: r.try_get(3)?,
                    },
                ))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>(),
        Err(err) => Err(err),
    };
    let waiting = match waiting {
        Ok(waiting) => waiting,
        Err(err) => {
            tracing::warn!(error = %err, "could not claim the refunds; the next sweep will");
            return;
        }
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
        let marked = sqlx::query(
            "UPDATE payments SET state = 'refunded', refunded_ms = $2, refund_claim_ms = NULL
             WHERE id = $1 AND state = 'refunding'",
        )
        .bind(payment_id)
        .bind(now_ms())
        .execute(commerce.db.pool())
        .await;
        match marked {
            Ok(_) => tracing::info!(payment_id, "refunded"),
            // Refunded, but not marked: the claim runs out and the refund is sent again
            // under the same idempotency key, which the provider answers without paying twice.
            Err(err) => tracing::warn!(error = %err, payment_id, "could not mark a refund done"),
        }
    }
}

/// [`flush_refunds`] in the background.
pub fn flush_refunds_soon(commerce: Commerce) {
    tokio::spawn(async move { flush_refunds(&commerce).await });
}

/// One round of the background sweep: [`settle`], payouts never answered asked about
/// again (here, not before requests: a provider's call has no place in a member's
/// request), flash sales announced, and old idempotency keys forgotten.
pub async fn sweep(commerce: &Commerce) -> Result<(), AppError> {
    settle(commerce).await?;
    if let Err(err) = payout::retry_stale(&commerce.db, commerce.payouts.as_ref()).await {
        tracing::warn!(error = %err.message, "asking about unanswered payouts failed; next round");
    }
    match flash_sale::announce_due(&commerce.db, now_ms()).await {
        Ok(0) => {}
        Ok(told) => tracing::info!(told, "told the members who asked that flash sales started"),
        Err(err) => {
            tracing::warn!(error = %err.message, "announcing flash sales failed; next round")
        }
    }
    idempotency::sweep(&commerce.db, now_ms()).await?;
    Ok(())
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
