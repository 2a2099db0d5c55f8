//! Paying members what they have earned: the payout provider interface, the reference
//! server's test provider, and the step that pays one approved withdrawal.
//!
//! Like charges, a payout is never asked for inside a database transaction: the owner's
//! approval moves the withdrawal to `paying` and records when it was handed over
//! (`payout_claim_ms`), the provider is asked, and its answer is applied by a conditional
//! update (`WHERE state = 'paying'`), so it is applied once. A payout whose answer never
//! came (a crash) is asked again by the sweep under the withdrawal's id, which the provider
//! must treat as the payout's idempotency key: a withdrawal is never paid twice.

use std::future::Future;
use std::pin::Pin;

use quanzi_api::{Money, NotificationKind, TestPayout};

use crate::commerce::payment::ProviderError;
use crate::http::error::AppError;
use crate::notifications::{notify, About};
use crate::storage::db::{now_ms, Db};

/// A payout handed over this long ago without an answer is asked about again.
const STALE_PAYOUT_MS: i64 = 60 * 1000;
/// How long a payout waits for the provider: well inside [`STALE_PAYOUT_MS`], so a retry
/// never overlaps the call it retries.
const PROVIDER_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

pub type PayoutFuture<'a> =
    Pin<Box<dyn Future<Output = Result<PayoutAnswer, ProviderError>> + Send + 'a>>;

/// One payout to make.
#[derive(Clone, Debug)]
pub struct PayoutRequest {
    /// Our withdrawal's id: the payout's idempotency key.
    pub withdrawal_id: i64,
    pub member_id: i64,
    pub amount: Money,
    /// How the owner asked the test provider to answer; a real provider ignores it.
    pub test_payout: TestPayout,
}

/// The provider's word on a payout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayoutAnswer {
    pub reference: String,
    pub paid: bool,
}

/// A payout service. Asked again with the same withdrawal id, it answers as the first time
/// and moves no more money.
pub trait PayoutProvider: Send + Sync {
    fn pay<'a>(&'a self, request: &'a PayoutRequest) -> PayoutFuture<'a>;
}

/// The reference server's provider: it pays or declines as the owner picked, and moves no
/// money. Its answer depends on the request alone, so asking again answers the same.
#[derive(Debug, Default)]
pub struct TestPayoutProvider;

impl PayoutProvider for TestPayoutProvider {
    fn pay<'a>(&'a self, request: &'a PayoutRequest) -> PayoutFuture<'a> {
        let id = request.withdrawal_id;
        let answer = match request.test_payout {
            TestPayout::Approve => PayoutAnswer {
                reference: format!("test-payout-{id}-paid"),
                paid: true,
            },
            TestPayout::Decline => PayoutAnswer {
                reference: format!("test-payout-{id}-declined"),
                paid: false,
            },
        };
        Box::pin(async move { Ok(answer) })
    }
}

/// The payout of a withdrawal in `paying`, as stored.
async fn request_of(db: &Db, withdrawal_id: i64) -> Result<Option<PayoutRequest>, AppError> {
    let row: Option<(i64, i64, String, Option<String>)> = sqlx::query_as(
        "SELECT member_id, amount, currency, payout_test FROM withdrawals
         WHERE id = $1 AND state = 'paying'",
    )
    .bind(withdrawal_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(
        row.map(|(member_id, amount, currency, test)| PayoutRequest {
            withdrawal_id,
            member_id,
            amount: Money { amount, currency },
            test_payout: match test.as_deref() {
                Some("decline") => TestPayout::Decline,
                _ => TestPayout::Approve,
            },
        }),
    )
}

/// Asks the provider to pay a withdrawal in `paying` and applies its answer: `paid`, or
/// `declined` (the amount is available again). A provider that cannot be reached leaves it
/// in `paying` for the sweep to ask again.
pub async fn pay(
    db: &Db,
    provider: &dyn PayoutProvider,
    withdrawal_id: i64,
) -> Result<(), AppError> {
    let Some(request) = request_of(db, withdrawal_id).await? else {
        return Ok(());
    };
    let answer = match tokio::time::timeout(PROVIDER_WAIT, provider.pay(&request)).await {
        Ok(Ok(answer)) => answer,
        Err(_) => {
            tracing::warn!(
                withdrawal_id,
                "a payout's provider did not answer in time; the sweep asks again"
            );
            return Ok(());
        }
        Ok(Err(err)) => {
            tracing::warn!(error = %err, withdrawal_id, "a payout went unanswered; the sweep asks again");
            return Ok(());
        }
    };
    let now = now_ms();
    let mut tx = db.write().await?;
    let decided: Option<(i64, i64, String)> = sqlx::query_as(
        "UPDATE withdrawals
         SET state = $2, payout_reference = $3, paid_ms = $4, payout_claim_ms = NULL
         WHERE id = $1 AND state = 'paying'
         RETURNING member_id, amount, currency",
    )
    .bind(withdrawal_id)
    .bind(if answer.paid { "paid" } else { "declined" })
    .bind(&answer.reference)
    .bind(answer.paid.then_some(now))
    .fetch_optional(&mut *tx)
    .await?;
    if let (Some((member_id, amount, currency)), true) = (decided, answer.paid) {
        let about = About {
            amount: Some(Money { amount, currency }),
            ..About::default()
        };
        notify(&mut tx, member_id, NotificationKind::WithdrawalPaid, about).await?;
    }
    tx.commit().await?;
    tracing::info!(withdrawal_id, paid = answer.paid, "a payout was answered");
    Ok(())
}

/// Asks again about payouts handed over long ago and never answered. Each is claimed first
/// by a conditional update, so of several servers' sweeps one asks.
pub async fn retry_stale(db: &Db, provider: &dyn PayoutProvider) -> Result<(), AppError> {
    let now = now_ms();
    let stale: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM withdrawals WHERE state = 'paying' AND payout_claim_ms <= $1",
    )
    .bind(now - STALE_PAYOUT_MS)
    .fetch_all(db.pool())
    .await?;
    for id in stale {
        let claimed = sqlx::query(
            "UPDATE withdrawals SET payout_claim_ms = $2
             WHERE id = $1 AND state = 'paying' AND payout_claim_ms <= $3",
        )
        .bind(id)
        .bind(now)
        .bind(now - STALE_PAYOUT_MS)
        .execute(db.pool())
        .await?
        .rows_affected();
        if claimed == 1 {
            pay(db, provider, id).await?;
        }
    }
    Ok(())
}
