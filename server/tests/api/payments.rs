//! Payments through a provider that fails, answers late or refunds slowly: no charge is
//! taken as declined without the provider's word, a late approval is refunded, and a refund
//! is sent once however many sweeps run at once.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{Method, StatusCode};
use common::{app_with_payments, call_with, get_as, member, number, pay, placed, solo, Options};
use quanzi_api::Money;
use quanzi_server::commerce::payment::{
    ChargeAnswer, ChargeRequest, ChargeState, PaymentProvider, ProviderError, ProviderFuture,
};
use serde_json::Value;
use tokio::sync::Semaphore;

/// What a lookup answers: the provider failing, or what it knows.
type Lookup = Result<Option<ChargeState>, ()>;

/// A provider that does as the test says.
struct Scripted {
    /// A charge's answer; `None` fails.
    charge: Mutex<Option<ChargeState>>,
    /// When set, a charge waits for a permit before it answers.
    gate: Option<Semaphore>,
    lookup: Mutex<Lookup>,
    /// Each refund sent, by its idempotency key.
    refunds: Mutex<Vec<i64>>,
    refund_delay: Duration,
    /// How many lookups were asked.
    lookups: std::sync::atomic::AtomicUsize,
}

impl Scripted {
    fn new(charge: Option<ChargeState>) -> Self {
        Self {
            charge: Mutex::new(charge),
            gate: None,
            lookup: Mutex::new(Ok(None)),
            refunds: Mutex::new(Vec::new()),
            refund_delay: Duration::ZERO,
            lookups: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    fn set_lookup(&self, lookup: Lookup) {
        *self.lookup.lock().expect("lock") = lookup;
    }

    fn refunds(&self) -> Vec<i64> {
        self.refunds.lock().expect("lock").clone()
    }
}

fn reference(payment_id: i64) -> String {
    format!("ref-{payment_id}")
}

impl PaymentProvider for Scripted {
    fn name(&self) -> &'static str {
        "scripted"
    }

    fn charge<'a>(&'a self, request: &'a ChargeRequest) -> ProviderFuture<'a, ChargeAnswer> {
        Box::pin(async move {
            if let Some(gate) = &self.gate {
                gate.acquire()
                    .await
                    .map_err(|_| ProviderError("closed".into()))?
                    .forget();
            }
            let state = *self.charge.lock().expect("lock");
            match state {
                Some(state) => Ok(ChargeAnswer {
                    reference: reference(request.payment_id),
                    state,
                }),
                None => Err(ProviderError("down".into())),
            }
        })
    }

    fn poll<'a>(&'a self, _reference: &'a str) -> ProviderFuture<'a, ChargeState> {
        Box::pin(async move { Ok(ChargeState::Approved) })
    }

    fn lookup(&self, payment_id: i64) -> ProviderFuture<'_, Option<ChargeAnswer>> {
        Box::pin(async move {
            self.lookups
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let lookup = *self.lookup.lock().expect("lock");
            match lookup {
                Ok(found) => Ok(found.map(|state| ChargeAnswer {
                    reference: reference(payment_id),
                    state,
                })),
                Err(()) => Err(ProviderError("down".into())),
            }
        })
    }

    fn refund<'a>(
        &'a self,
        payment_id: i64,
        _reference: &'a str,
        _amount: &'a Money,
    ) -> ProviderFuture<'a, ()> {
        Box::pin(async move {
            tokio::time::sleep(self.refund_delay).await;
            self.refunds.lock().expect("lock").push(payment_id);
            Ok(())
        })
    }
}

/// Eight requests at once, each settling what is due before it answers.
async fn settle_at_once(app: &common::TestApp, cookie: &str) {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let router = app.router.clone();
        let cookie = cookie.to_owned();
        tasks.spawn(async move { get_as(&router, Some(&cookie), "/api/v1/orders").await });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("request");
    }
}

fn options() -> Options {
    Options {
        expiry_sweep: None,
        ..Options::default()
    }
}

fn id(value: &Value) -> i64 {
    value["id"].as_i64().expect("id")
}

async fn last_payment(app: &common::TestApp, order_id: i64) -> i64 {
    number(
        app,
        "SELECT max(id) FROM payments WHERE order_id = $1",
        order_id,
    )
    .await
}

/// The payment's state once its background refund has landed (or after 5 s, whatever it
/// is then).
async fn refunded(app: &common::TestApp, payment_id: i64) -> String {
    for _ in 0..250 {
        if payment_state(app, payment_id).await == "refunded" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    payment_state(app, payment_id).await
}

async fn payment_state(app: &common::TestApp, payment_id: i64) -> String {
    common::text(app, "SELECT state FROM payments WHERE id = $1", payment_id).await
}

/// Makes the payment due for the sweep's next look, as if its time had come.
async fn due_now(app: &common::TestApp, payment_id: i64) {
    app.exec(&format!(
        "UPDATE payments SET poll_ms = 0 WHERE id = {payment_id} AND poll_ms IS NOT NULL"
    ))
    .await;
}

#[tokio::test]
async fn a_charge_the_provider_failed_on_is_looked_up_not_declined() {
    let provider = Arc::new(Scripted::new(None));
    let app = app_with_payments(options(), provider.clone()).await;
    let (_, cookie) = member(&app, "买家").await;
    let stock = common::stock_of(&app, 2).await;
    let order = placed(&app.router, &cookie, solo(&[(2, 1)])).await;
    let uri = format!("/api/v1/orders/{}", id(&order));

    let failed = pay(&app.router, &cookie, id(&order), "approve").await;
    assert_eq!(failed.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(failed.error_code(), "unavailable");
    let message = failed.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!message.contains("nothing was charged"), "{message}");
    // Not declined: still under way, still holding its stock.
    let now = get_as(&app.router, Some(&cookie), &uri).await;
    assert_eq!(now["payment"], "processing", "{now}");
    assert_eq!(common::stock_of(&app, 2).await, stock - 1);
    let payment_id = last_payment(&app, id(&order)).await;

    // The provider cannot say yet: still processing, asked again later.
    provider.set_lookup(Err(()));
    due_now(&app, payment_id).await;
    let now = get_as(&app.router, Some(&cookie), &uri).await;
    assert_eq!(now["payment"], "processing", "{now}");
    assert!(
        number(
            &app,
            "SELECT poll_ms FROM payments WHERE id = $1",
            payment_id
        )
        .await
            > 0
    );

    // It says the charge went through: the order is paid.
    provider.set_lookup(Ok(Some(ChargeState::Approved)));
    due_now(&app, payment_id).await;
    let now = get_as(&app.router, Some(&cookie), &uri).await;
    assert_eq!(now["payment"], "approved", "{now}");
    assert_eq!(now["status"], "paid");
    assert_eq!(payment_state(&app, payment_id).await, "approved");
    assert!(provider.refunds().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_approval_of_a_charge_taken_as_declined_is_refunded() {
    let provider = Arc::new(Scripted {
        gate: Some(Semaphore::new(0)),
        ..Scripted::new(Some(ChargeState::Approved))
    });
    let app = app_with_payments(options(), provider.clone()).await;
    let (_, cookie) = member(&app, "买家").await;
    let order = placed(&app.router, &cookie, solo(&[(2, 1)])).await;
    let uri = format!("/api/v1/orders/{}", id(&order));

    // The charge is asked for and its answer does not come.
    let router = app.router.clone();
    let paying = {
        let cookie = cookie.clone();
        let order_id = id(&order);
        tokio::spawn(async move { pay(&router, &cookie, order_id, "approve").await })
    };
    let mut payment_id = 0;
    for _ in 0..100 {
        payment_id = number(
            &app,
            "SELECT coalesce(max(id), 0) FROM payments WHERE order_id = $1",
            id(&order),
        )
        .await;
        if payment_id > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(payment_id > 0, "the payment was asked for");
    // A minute on, the sweep asks the provider, which has no such charge (yet): declined,
    // on its word.
    app.exec(&format!(
        "UPDATE payments SET created_ms = 0 WHERE id = {payment_id}"
    ))
    .await;
    let now = get_as(&app.router, Some(&cookie), &uri).await;
    assert_eq!(now["payment"], "declined", "{now}");
    assert_eq!(now["status"], "pending_payment");

    // Then the charge's approval arrives: it goes back, and the order says so.
    provider.gate.as_ref().expect("gate").add_permits(1);
    let reply = paying.await.expect("pay");
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert!(matches!(
        payment_state(&app, payment_id).await.as_str(),
        "refunding" | "refunded"
    ));
    let reply = call_with(
        &app.router,
        Method::GET,
        &uri,
        Some(&cookie),
        &[("accept-language", "en")],
        None,
    )
    .await;
    let now = reply.json();
    assert_eq!(now["payment"], "declined", "{now}");
    assert!(
        now["note"].as_str().is_some_and(|n| n.contains("refunded")),
        "{now}"
    );
    assert_eq!(refunded(&app, payment_id).await, "refunded");
    assert_eq!(provider.refunds(), vec![payment_id]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refund_is_claimed_and_sent_once_with_the_payment_id_as_its_key() {
    let provider = Arc::new(Scripted {
        refund_delay: Duration::from_millis(200),
        ..Scripted::new(Some(ChargeState::Approved))
    });
    let app = app_with_payments(options(), provider.clone()).await;
    let (_, cookie) = member(&app, "买家").await;
    let order = placed(&app.router, &cookie, solo(&[(2, 1)])).await;
    assert_eq!(
        pay(&app.router, &cookie, id(&order), "approve")
            .await
            .status,
        StatusCode::OK
    );
    let payment_id = last_payment(&app, id(&order)).await;
    // Into the refund outbox (as a failed group puts it).
    app.exec(&format!(
        "UPDATE payments SET state = 'refunding' WHERE id = {payment_id}"
    ))
    .await;

    // Many requests settle at once; each flushes the outbox.
    settle_at_once(&app, &cookie).await;
    // The flushes run in the background: the claimant's refund lands when the provider
    // answers, which on a busy machine may be after every request has returned.
    assert_eq!(refunded(&app, payment_id).await, "refunded");
    assert_eq!(provider.refunds(), vec![payment_id], "sent once");

    // A fresh claim is left to its claimant; one a minute old (a crash) is sent again.
    app.exec(&format!(
        "UPDATE payments SET state = 'refunding', refund_claim_ms = {} WHERE id = {payment_id}",
        quanzi_server::storage::db::now_ms()
    ))
    .await;
    get_as(&app.router, Some(&cookie), "/api/v1/orders").await;
    assert_eq!(provider.refunds().len(), 1);
    app.exec(&format!(
        "UPDATE payments SET refund_claim_ms = 0 WHERE id = {payment_id}"
    ))
    .await;
    get_as(&app.router, Some(&cookie), "/api/v1/orders").await;
    assert_eq!(provider.refunds(), vec![payment_id, payment_id]);
    assert_eq!(payment_state(&app, payment_id).await, "refunded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_charge_due_for_a_lookup_is_asked_about_once_however_many_settle_at_once() {
    let provider = Arc::new(Scripted::new(None));
    let app = app_with_payments(options(), provider.clone()).await;
    let (_, cookie) = member(&app, "买家").await;
    let order = placed(&app.router, &cookie, solo(&[(2, 1)])).await;
    let failed = pay(&app.router, &cookie, id(&order), "approve").await;
    assert_eq!(failed.status, StatusCode::SERVICE_UNAVAILABLE);
    let payment_id = last_payment(&app, id(&order)).await;
    provider.set_lookup(Ok(Some(ChargeState::Approved)));
    due_now(&app, payment_id).await;
    // Many requests (on several servers, alike) settle at once: one of them asks.
    settle_at_once(&app, &cookie).await;
    assert_eq!(
        provider.lookups.load(std::sync::atomic::Ordering::Relaxed),
        1
    );
    assert_eq!(payment_state(&app, payment_id).await, "approved");
}
