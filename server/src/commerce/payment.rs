//! The payment provider interface, and the reference server's test provider.
//!
//! Orders never talk to a payment service directly: they go through [`PaymentProvider`],
//! the one place a real provider plugs in. The provider is called outside any database
//! transaction (a real one is a network call, and SQLite's write lock must not wait on it):
//! the order is marked `processing` first, the provider is asked, and its answer is applied
//! in a second transaction (see `order.rs`).
//!
//! The reference server ships [`TestPaymentProvider`], which does what the member asks
//! (approve, decline, or answer slowly) and moves no money. The app labels it as a test.

use std::future::Future;
use std::pin::Pin;

use quanzi_api::{Money, TestPayment};

use crate::storage::db::now_ms;

/// What a provider's calls return.
pub type ProviderFuture<'a, T> =
    Pin<Box<dyn Future<Output = Result<T, ProviderError>> + Send + 'a>>;

/// The provider could not be reached or did not understand us: nothing was decided, and the
/// caller may ask again later.
#[derive(Debug)]
pub struct ProviderError(pub String);

impl std::fmt::Display for ProviderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "payment provider: {}", self.0)
    }
}

/// One charge to make.
#[derive(Clone, Debug)]
pub struct ChargeRequest {
    /// Our id of this try: a new one for each try that reaches the provider (a retry of
    /// `POST /pay` with the same `Idempotency-Key` replays the stored answer and asks
    /// nothing). The server never sends the same charge twice; a provider must keep the
    /// charge under this id, because when its first answer is lost the server asks about
    /// it by this id ([`PaymentProvider::lookup`]) instead of guessing.
    pub payment_id: i64,
    pub order_id: i64,
    pub amount: Money,
    /// How the member asked the test provider to answer; a real provider ignores it.
    pub test_outcome: TestPayment,
}

/// Where a charge stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChargeState {
    Approved,
    Declined,
    /// Not decided yet: ask again ([`PaymentProvider::poll`]) at `poll_at_ms` (unix ms).
    Pending {
        poll_at_ms: i64,
    },
}

/// The provider's first answer to a charge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChargeAnswer {
    /// The provider's id of the charge: what polls and refunds name it by.
    pub reference: String,
    pub state: ChargeState,
}

/// A payment service. Implementations must be safe to call again with the same request
/// (the sweep retries refunds until they are confirmed, and asks about pending charges
/// after a restart).
pub trait PaymentProvider: Send + Sync {
    /// A short name, stored with each payment.
    fn name(&self) -> &'static str;
    /// Charges an order's total.
    fn charge<'a>(&'a self, request: &'a ChargeRequest) -> ProviderFuture<'a, ChargeAnswer>;
    /// How a charge that answered `Pending` stands now.
    fn poll<'a>(&'a self, reference: &'a str) -> ProviderFuture<'a, ChargeState>;
    /// How the charge asked for with our `payment_id` stands, when its first answer never
    /// arrived (the provider failed, or the server stopped while waiting). `Ok(None)` is the
    /// provider's word that it has no such charge: nothing was charged.
    fn lookup(&self, payment_id: i64) -> ProviderFuture<'_, Option<ChargeAnswer>>;
    /// Gives an approved charge back in full. `payment_id` (our payment's id) is the
    /// refund's idempotency key: a refund sent again (a retry after a failure or a crash) is
    /// made once.
    fn refund<'a>(
        &'a self,
        payment_id: i64,
        reference: &'a str,
        amount: &'a Money,
    ) -> ProviderFuture<'a, ()>;
}

/// The reference server's provider: it does what the member picked, and moves no money.
/// A slow payment is approved `delay_ms` after it was asked for. A slow charge's reference
/// carries the time it will be approved, so a server restarted in between still answers the
/// poll correctly. It remembers the references it gave out (in memory) for
/// [`PaymentProvider::lookup`]; after a restart it knows none, which is true to its word:
/// it moved no money.
#[derive(Debug, Default)]
pub struct TestPaymentProvider {
    pub delay_ms: i64,
    charges: std::sync::Mutex<std::collections::HashMap<i64, String>>,
}

impl TestPaymentProvider {
    pub fn new(delay_secs: u64) -> Self {
        Self {
            delay_ms: i64::try_from(delay_secs.saturating_mul(1000)).unwrap_or(i64::MAX),
            charges: Default::default(),
        }
    }

    fn answer(&self, request: &ChargeRequest, now: i64) -> ChargeAnswer {
        let id = request.payment_id;
        match request.test_outcome {
            TestPayment::Approve => ChargeAnswer {
                reference: format!("test-{id}-approved"),
                state: ChargeState::Approved,
            },
            TestPayment::Decline => ChargeAnswer {
                reference: format!("test-{id}-declined"),
                state: ChargeState::Declined,
            },
            TestPayment::Slow => {
                let at = now.saturating_add(self.delay_ms);
                ChargeAnswer {
                    reference: format!("test-{id}-slow-{at}"),
                    state: ChargeState::Pending { poll_at_ms: at },
                }
            }
        }
    }

    fn state_of(reference: &str, now: i64) -> Result<ChargeState, ProviderError> {
        let unknown = || ProviderError(format!("no test charge {reference:?}"));
        let rest = reference.strip_prefix("test-").ok_or_else(unknown)?;
        let (_, outcome) = rest.split_once('-').ok_or_else(unknown)?;
        match outcome {
            "approved" => Ok(ChargeState::Approved),
            "declined" => Ok(ChargeState::Declined),
            slow => {
                let at: i64 = slow
                    .strip_prefix("slow-")
                    .and_then(|at| at.parse().ok())
                    .ok_or_else(unknown)?;
                Ok(if now >= at {
                    ChargeState::Approved
                } else {
                    ChargeState::Pending { poll_at_ms: at }
                })
            }
        }
    }
}

impl PaymentProvider for TestPaymentProvider {
    fn name(&self) -> &'static str {
        "test"
    }

    fn charge<'a>(&'a self, request: &'a ChargeRequest) -> ProviderFuture<'a, ChargeAnswer> {
        Box::pin(async move {
            let answer = self.answer(request, now_ms());
            if let Ok(mut charges) = self.charges.lock() {
                charges.insert(request.payment_id, answer.reference.clone());
            }
            Ok(answer)
        })
    }

    fn poll<'a>(&'a self, reference: &'a str) -> ProviderFuture<'a, ChargeState> {
        Box::pin(async move { Self::state_of(reference, now_ms()) })
    }

    fn lookup(&self, payment_id: i64) -> ProviderFuture<'_, Option<ChargeAnswer>> {
        Box::pin(async move {
            let reference = self
                .charges
                .lock()
                .map_err(|_| ProviderError("the test provider's memory is poisoned".into()))?
                .get(&payment_id)
                .cloned();
            match reference {
                Some(reference) => {
                    let state = Self::state_of(&reference, now_ms())?;
                    Ok(Some(ChargeAnswer { reference, state }))
                }
                None => Ok(None),
            }
        })
    }

    fn refund<'a>(
        &'a self,
        payment_id: i64,
        reference: &'a str,
        amount: &'a Money,
    ) -> ProviderFuture<'a, ()> {
        Box::pin(async move {
            match Self::state_of(reference, i64::MAX)? {
                ChargeState::Approved => {
                    tracing::info!(payment_id, reference, amount = amount.amount, "test refund");
                    Ok(())
                }
                _ => Err(ProviderError(format!(
                    "{reference} was never approved, so it cannot be refunded"
                ))),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(outcome: TestPayment) -> ChargeRequest {
        ChargeRequest {
            payment_id: 7,
            order_id: 3,
            amount: Money::cny(100),
            test_outcome: outcome,
        }
    }

    #[test]
    fn the_test_provider_does_as_asked() {
        let provider = TestPaymentProvider {
            delay_ms: 1000,
            ..Default::default()
        };
        let approve = provider.answer(&request(TestPayment::Approve), 5);
        assert_eq!(approve.state, ChargeState::Approved);
        let decline = provider.answer(&request(TestPayment::Decline), 5);
        assert_eq!(decline.state, ChargeState::Declined);
        let slow = provider.answer(&request(TestPayment::Slow), 5);
        assert_eq!(slow.state, ChargeState::Pending { poll_at_ms: 1005 });
        // A poll reads the answer from the reference: no memory, restarts are fine.
        assert!(matches!(
            TestPaymentProvider::state_of(&slow.reference, 1004),
            Ok(ChargeState::Pending { poll_at_ms: 1005 })
        ));
        assert!(matches!(
            TestPaymentProvider::state_of(&slow.reference, 1005),
            Ok(ChargeState::Approved)
        ));
        assert!(TestPaymentProvider::state_of("stripe-1", 0).is_err());
        assert!(TestPaymentProvider::state_of("test-1-slow-x", 0).is_err());
    }

    #[tokio::test]
    async fn the_test_provider_finds_its_charges_by_payment_id() {
        let provider = TestPaymentProvider::new(0);
        assert!(matches!(provider.lookup(7).await, Ok(None)));
        let answer = provider.charge(&request(TestPayment::Approve)).await.ok();
        let found = provider.lookup(7).await.ok().flatten();
        assert_eq!(found, answer);
    }
}
