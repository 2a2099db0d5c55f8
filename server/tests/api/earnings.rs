//! Sharers earn (issue 15): the commission an order through a member's link earns (exact,
//! single level, never on one's own purchase), its life (pending when the goods are due,
//! settled after completion and the return window, cancelled or adjusted by a refund), the
//! rules the owner sets, and withdrawals (approved and paid once, refused, declined, never
//! more than is available, also when 20 ask at once).

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::*;
use crate::staff::{clerk, code_of as pickup_code, hand_over, id, owner, post, ready};

/// The demo product bought in these tests: a trio group offer, bought solo at pickup.
const PRODUCT: i64 = 2;
/// A demo product whose group takes two.
const PAIR: i64 = 1;
/// The store's default rate in the demo: 5 %.
const DEFAULT_BPS: i64 = 500;

fn price_of(product: &Value, group: bool) -> i64 {
    let price = if group {
        &product["group_offer"]["price"]
    } else {
        &product["solo_price"]
    };
    price["amount"].as_i64().expect("a price")
}

async fn product(app: &TestApp, product_id: i64) -> Value {
    get_as(&app.router, None, &format!("/api/v1/products/{product_id}")).await
}

/// A pickup order of `quantity` of [`PRODUCT`] with `referral_code` in the body, placed.
async fn referred(app: &TestApp, buyer: &str, referral_code: &str, quantity: u32) -> Value {
    placed(
        &app.router,
        buyer,
        json!({"purchase": {"kind": "solo", "lines": [{"product_id": PRODUCT, "quantity": quantity}]},
               "fulfilment": pickup(1), "referral_code": referral_code}),
    )
    .await
}

async fn earnings(app: &TestApp, cookie: &str) -> Value {
    get_as(&app.router, Some(cookie), "/api/v1/account/earnings").await
}

fn amount(v: &Value) -> i64 {
    v["amount"].as_i64().expect("an amount")
}

fn balance(earnings: &Value, sum: &str) -> i64 {
    amount(&earnings["balance"][sum])
}

/// The order handed over at the counter: completed.
async fn collected(app: &TestApp, buyer: &str, order_id: i64) {
    let owner = owner(app).await;
    ready(app, &owner, order_id).await;
    let code = pickup_code(app, buyer, order_id).await;
    let reply = hand_over(app, &clerk(app).await, 1, &code).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
}

/// A sharer with `times` settled commissions on one unit each: orders through their link,
/// paid, collected, past a return window of 0 seconds. Returns the sharer's cookie and one
/// commission's amount.
async fn settled_sharer(app: &TestApp, times: usize) -> (String, i64) {
    let (sharer, sharer_cookie) = member(app, "分享者").await;
    let (_, buyer) = member(app, "买家").await;
    let code = code_of(app, sharer).await;
    for _ in 0..times {
        let order = referred(app, &buyer, &code, 1).await;
        paid(&app.router, &buyer, id(&order)).await;
        collected(app, &buyer, id(&order)).await;
    }
    let after = earnings(app, &sharer_cookie).await;
    let each = price_of(&product(app, PRODUCT).await, false) * DEFAULT_BPS / 10_000;
    assert_eq!(balance(&after, "settled"), each * times as i64, "{after}");
    (sharer_cookie, each)
}

fn settles_at_once() -> Options {
    Options {
        return_window_secs: Some(0),
        ..Options::default()
    }
}

#[tokio::test]
async fn an_order_through_a_link_earns_its_rate_exactly_once_paid() {
    let app = app().await;
    let (sharer, sharer_cookie) = member(&app, "小圆").await;
    let (_, buyer) = member(&app, "小鹿").await;
    let code = code_of(&app, sharer).await;
    let expected = price_of(&product(&app, PRODUCT).await, false) * 3 * DEFAULT_BPS / 10_000;

    let order = referred(&app, &buyer, &code, 3).await;
    let before = earnings(&app, &sharer_cookie).await;
    assert_eq!(
        before["items"],
        json!([]),
        "an unpaid order earns nothing yet"
    );
    assert_eq!(balance(&before, "pending"), 0);

    paid(&app.router, &buyer, id(&order)).await;
    let after = earnings(&app, &sharer_cookie).await;
    assert_eq!(balance(&after, "pending"), expected, "{after}");
    assert_eq!(balance(&after, "available"), 0);
    let item = &after["items"][0];
    assert_eq!(item["kind"], "commission");
    assert_eq!(item["state"], "pending");
    assert_eq!(amount(&item["amount"]), expected);
    assert_eq!(item["product"]["id"], PRODUCT);
    assert_eq!(item["units"], 3);
    assert_eq!(
        item["settles_at"],
        Value::Null,
        "not until the order completes"
    );
    // Nothing of the buyer: not their name, phone or address.
    let text = after.to_string();
    for private in ["小鹿", "13900001111", "contact", "delivery"] {
        assert!(!text.contains(private), "{private} in {text}");
    }
    // The referral chart counts the earning today.
    let referrals = get_as(
        &app.router,
        Some(&sharer_cookie),
        "/api/v1/account/referrals",
    )
    .await;
    let days = referrals["days"].as_array().expect("days");
    assert_eq!(amount(&days[days.len() - 1]["earnings"]), expected);
    assert_eq!(
        count(&app, "SELECT count(*) FROM earnings").await,
        1,
        "one earning, whatever is read"
    );
}

#[tokio::test]
async fn nobody_earns_on_their_own_purchase_an_unknown_code_or_a_late_link() {
    let app = app().await;
    let (me, cookie) = member(&app, "自己").await;
    let own = code_of(&app, me).await;
    let order = referred(&app, &cookie, &own, 1).await;
    paid(&app.router, &cookie, id(&order)).await;
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM orders WHERE id = $1 AND referrer_id IS NULL",
            id(&order)
        )
        .await,
        1,
        "one's own code refers nobody"
    );
    // A code nobody has (as a deleted member's would be) credits nobody.
    let order = referred(&app, &cookie, "7K3M9QXZ", 1).await;
    paid(&app.router, &cookie, id(&order)).await;
    // A link followed after the order changes the order's referrer not at all.
    let (sharer, _) = member(&app, "后来者").await;
    let late = code_of(&app, sharer).await;
    let order = placed(&app.router, &cookie, solo(&[(PRODUCT, 1)])).await;
    let landed = call(
        &app.router,
        Method::GET,
        &format!("/p/{PRODUCT}?ref={late}"),
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(landed.status, StatusCode::OK);
    paid(&app.router, &cookie, id(&order)).await;
    assert_eq!(count(&app, "SELECT count(*) FROM earnings").await, 0);
}

#[tokio::test]
async fn a_declined_or_unpaid_order_earns_nothing() {
    let app = app().await;
    let (sharer, sharer_cookie) = member(&app, "小圆").await;
    let (_, buyer) = member(&app, "小鹿").await;
    let code = code_of(&app, sharer).await;
    let order = referred(&app, &buyer, &code, 1).await;
    let declined = pay(&app.router, &buyer, id(&order), "decline").await;
    assert_eq!(
        declined.status,
        StatusCode::PAYMENT_REQUIRED,
        "{}",
        declined.text()
    );
    referred(&app, &buyer, &code, 1).await;
    let after = earnings(&app, &sharer_cookie).await;
    assert_eq!(after["items"], json!([]));
    assert_eq!(balance(&after, "pending"), 0);
}

#[tokio::test]
async fn a_commission_settles_after_completion_and_the_return_window() {
    let app = app_with(Options {
        return_window_secs: Some(2),
        ..Options::default()
    })
    .await;
    let (sharer, sharer_cookie) = member(&app, "小圆").await;
    let (_, buyer) = member(&app, "小鹿").await;
    let order = referred(&app, &buyer, &code_of(&app, sharer).await, 1).await;
    paid(&app.router, &buyer, id(&order)).await;
    let each = balance(&earnings(&app, &sharer_cookie).await, "pending");
    assert!(each > 0);

    collected(&app, &buyer, id(&order)).await;
    let completed = earnings(&app, &sharer_cookie).await;
    assert_eq!(
        completed["items"][0]["state"], "pending",
        "inside the return window"
    );
    assert!(
        completed["items"][0]["settles_at"].is_string(),
        "{completed}"
    );

    tokio::time::sleep(std::time::Duration::from_millis(2_200)).await;
    let settled = earnings(&app, &sharer_cookie).await;
    assert_eq!(settled["items"][0]["state"], "settled", "{settled}");
    assert_eq!(balance(&settled, "pending"), 0);
    assert_eq!(balance(&settled, "settled"), each);
    assert_eq!(balance(&settled, "available"), each);
}

#[tokio::test]
async fn a_refund_cancels_a_pending_commission_and_adjusts_a_settled_one() {
    let app = app_with(settles_at_once()).await;
    let (sharer, sharer_cookie) = member(&app, "小圆").await;
    let (_, buyer) = member(&app, "小鹿").await;
    let code = code_of(&app, sharer).await;
    let owner = owner(&app).await;
    let refund = |order_id: i64| {
        let owner = owner.clone();
        let app = &app;
        async move {
            let reply = post(
                app,
                &owner,
                &format!("/api/v1/staff/orders/{order_id}/refund"),
                Some(json!({"reason": "缺货"})),
            )
            .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        }
    };

    // Refunded while pending: cancelled, nothing to withdraw.
    let first = referred(&app, &buyer, &code, 1).await;
    paid(&app.router, &buyer, id(&first)).await;
    refund(id(&first)).await;
    let after = earnings(&app, &sharer_cookie).await;
    assert_eq!(after["items"][0]["state"], "cancelled", "{after}");
    assert_eq!(balance(&after, "pending"), 0);
    assert_eq!(balance(&after, "settled"), 0);

    // Refunded after it settled: a negative adjustment takes it back.
    let second = referred(&app, &buyer, &code, 1).await;
    paid(&app.router, &buyer, id(&second)).await;
    collected(&app, &buyer, id(&second)).await;
    let settled = earnings(&app, &sharer_cookie).await;
    let each = balance(&settled, "settled");
    assert!(each > 0, "{settled}");
    refund(id(&second)).await;
    let adjusted = earnings(&app, &sharer_cookie).await;
    assert_eq!(adjusted["items"][0]["kind"], "adjustment", "{adjusted}");
    assert_eq!(amount(&adjusted["items"][0]["amount"]), -each);
    assert_eq!(balance(&adjusted, "settled"), 0);
    assert_eq!(balance(&adjusted, "available"), 0);
    assert_eq!(
        adjusted["items"].as_array().map(Vec::len),
        Some(3),
        "the cancelled one, the settled one, its adjustment"
    );
}

#[tokio::test]
async fn a_group_order_earns_only_when_its_group_fills() {
    let app = app().await;
    let (sharer, sharer_cookie) = member(&app, "团长的朋友").await;
    let (_, leader) = member(&app, "团长").await;
    let (_, joiner) = member(&app, "团员").await;
    let code = code_of(&app, sharer).await;
    let mut start = start_group(PAIR);
    start["referral_code"] = json!(code);
    let order = placed(&app.router, &leader, start).await;
    let order = paid(&app.router, &leader, id(&order)).await;
    assert_eq!(order["status"], "awaiting_group");
    assert_eq!(
        earnings(&app, &sharer_cookie).await["items"],
        json!([]),
        "not while the group is open"
    );
    let group_id = order["group_id"].as_i64().expect("group");
    let seat = placed(&app.router, &joiner, join_group(group_id)).await;
    paid(&app.router, &joiner, id(&seat)).await;
    let filled = earnings(&app, &sharer_cookie).await;
    let expected = price_of(&product(&app, PAIR).await, true) * DEFAULT_BPS / 10_000;
    assert_eq!(balance(&filled, "pending"), expected, "{filled}");
    assert_eq!(filled["items"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn the_owner_sets_the_rules_and_an_order_keeps_the_one_it_was_placed_under() {
    let app = app().await;
    let owner = owner(&app).await;
    let put = |uri: String, body: Value| {
        let owner = owner.clone();
        let router = app.router.clone();
        async move { call(&router, Method::PUT, &uri, Some(&owner), Some(body)).await }
    };
    let price = price_of(&product(&app, PRODUCT).await, true);
    assert_eq!(
        amount(&product(&app, PRODUCT).await["share_earn"]),
        price * DEFAULT_BPS / 10_000,
        "at the lowest price on offer"
    );

    // An order placed under the default keeps it.
    let (sharer, sharer_cookie) = member(&app, "小圆").await;
    let (_, buyer) = member(&app, "小鹿").await;
    let code = code_of(&app, sharer).await;
    let before = referred(&app, &buyer, &code, 1).await;

    let reply = put("/api/v1/staff/commission".into(), json!({"rate_bps": 1000})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(
        amount(&product(&app, PRODUCT).await["share_earn"]),
        price * 1000 / 10_000
    );
    let uri = format!("/api/v1/staff/products/{PRODUCT}/commission");
    let reply = put(uri.clone(), json!({"kind": "fixed", "amount": 300})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(amount(&product(&app, PRODUCT).await["share_earn"]), 300);
    let cards = get_as(&app.router, None, "/api/v1/products").await;
    let card = cards["items"]
        .as_array()
        .and_then(|items| items.iter().find(|c| c["id"] == PRODUCT))
        .cloned()
        .unwrap_or_default();
    assert_eq!(amount(&card["share_earn"]), 300, "cards say the same");
    let reply = put(uri.clone(), json!({"kind": "rate", "rate_bps": 2000})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(
        amount(&product(&app, PRODUCT).await["share_earn"]),
        price * 2000 / 10_000
    );

    paid(&app.router, &buyer, id(&before)).await;
    let solo = price_of(&product(&app, PRODUCT).await, false);
    assert_eq!(
        balance(&earnings(&app, &sharer_cookie).await, "pending"),
        solo * DEFAULT_BPS / 10_000,
        "the rule of when it was placed"
    );

    // Refused with their codes, nothing changed.
    for (body, code) in [
        (json!({"kind": "rate", "rate_bps": -1}), "bad_commission"),
        (json!({"kind": "rate", "rate_bps": 5001}), "bad_commission"),
        (json!({"kind": "fixed", "amount": -5}), "bad_commission"),
        (
            json!({"kind": "fixed", "amount": price + 1}),
            "commission_above_price",
        ),
        (json!({"kind": "percent", "rate_bps": 10}), "bad_json"),
    ] {
        let reply = put(uri.clone(), body.clone()).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(reply.error_code(), code, "{body}");
    }
    let reply = put("/api/v1/staff/commission".into(), json!({"rate_bps": 5001})).await;
    assert_eq!(reply.error_code(), "bad_commission");
    assert_eq!(
        amount(&product(&app, PRODUCT).await["share_earn"]),
        price * 2000 / 10_000,
        "unchanged"
    );
    let reply = put(uri.clone(), json!({"kind": "default"})).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action LIKE '%commission%'"
        )
        .await,
        4,
        "each change, no refusal"
    );

    // Only owners.
    let clerk = clerk(&app).await;
    let reply = call(
        &app.router,
        Method::PUT,
        "/api/v1/staff/commission",
        Some(&clerk),
        Some(json!({"rate_bps": 100})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let reply = call(
        &app.router,
        Method::GET,
        "/api/v1/staff/withdrawals",
        Some(&sharer_cookie),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

async fn withdraw(app: &TestApp, cookie: &str, amount: i64) -> Reply {
    call_with(
        &app.router,
        Method::POST,
        "/api/v1/account/withdrawals",
        Some(cookie),
        &[("idempotency-key", &new_key())],
        Some(json!({ "amount": amount })),
    )
    .await
}

async fn decide(app: &TestApp, owner: &str, id: i64, how: &str, body: Value) -> Reply {
    post(
        app,
        owner,
        &format!("/api/v1/staff/withdrawals/{id}/{how}"),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn a_withdrawal_is_approved_and_paid_once() {
    let app = app_with(settles_at_once()).await;
    let (sharer, each) = settled_sharer(&app, 2).await;
    let total = each * 2;
    assert!(total >= quanzi_api::earning::WITHDRAWAL_MIN, "{total}");

    let small = withdraw(&app, &sharer, quanzi_api::earning::WITHDRAWAL_MIN - 1).await;
    assert_eq!(small.status, StatusCode::BAD_REQUEST);
    assert_eq!(small.error_code(), "withdrawal_too_small");
    let greedy = withdraw(&app, &sharer, total + 1).await;
    assert_eq!(greedy.status, StatusCode::CONFLICT);
    assert_eq!(greedy.error_code(), "insufficient_earnings");

    let asked = withdraw(&app, &sharer, total).await;
    assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.text());
    let withdrawal = asked.json();
    assert_eq!(withdrawal["state"], "requested");
    let after = earnings(&app, &sharer).await;
    assert_eq!(balance(&after, "available"), 0, "taken at once");
    assert_eq!(after["withdrawals"][0]["id"], withdrawal["id"]);
    let again = withdraw(&app, &sharer, total).await;
    assert_eq!(again.error_code(), "insufficient_earnings");

    let owner = owner(&app).await;
    let queue = get_as(&app.router, Some(&owner), "/api/v1/staff/withdrawals").await;
    assert_eq!(queue["items"][0]["withdrawal"]["id"], withdrawal["id"]);
    assert_eq!(queue["items"][0]["member_name"], "分享者");
    let approved = decide(&app, &owner, id(&withdrawal), "approve", json!({})).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text());
    assert_eq!(approved.json()["state"], "paid");
    // Approving again pays nothing twice; refusing it now is too late.
    let twice = decide(&app, &owner, id(&withdrawal), "approve", json!({})).await;
    assert_eq!(twice.status, StatusCode::OK);
    assert_eq!(twice.json()["state"], "paid");
    let late = decide(
        &app,
        &owner,
        id(&withdrawal),
        "refuse",
        json!({"reason": "不行"}),
    )
    .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(late.error_code(), "withdrawal_decided");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'withdrawal.approve'"
        )
        .await,
        1
    );
    let paid_out = earnings(&app, &sharer).await;
    assert_eq!(balance(&paid_out, "withdrawn"), total);
    assert_eq!(balance(&paid_out, "available"), 0);
    assert_eq!(paid_out["withdrawals"][0]["state"], "paid");

    // A member may not decide, nor see the queue.
    let member_decides = decide(&app, &sharer, id(&withdrawal), "approve", json!({})).await;
    assert_eq!(member_decides.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_refused_or_declined_withdrawal_is_available_again() {
    let app = app_with(settles_at_once()).await;
    let (sharer, each) = settled_sharer(&app, 2).await;
    let total = each * 2;
    let owner = owner(&app).await;

    let first = withdraw(&app, &sharer, total).await.json();
    for bad in [json!({"reason": ""}), json!({"reason": "长".repeat(201)})] {
        let reply = decide(&app, &owner, id(&first), "refuse", bad).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    }
    let refused = decide(
        &app,
        &owner,
        id(&first),
        "refuse",
        json!({"reason": "请先完善收款信息"}),
    )
    .await;
    assert_eq!(refused.status, StatusCode::OK, "{}", refused.text());
    assert_eq!(refused.json()["state"], "refused");
    assert_eq!(refused.json()["reason"], "请先完善收款信息");
    let approve_refused = decide(&app, &owner, id(&first), "approve", json!({})).await;
    assert_eq!(approve_refused.error_code(), "withdrawal_decided");
    assert_eq!(balance(&earnings(&app, &sharer).await, "available"), total);

    let second = withdraw(&app, &sharer, total).await.json();
    let declined = decide(
        &app,
        &owner,
        id(&second),
        "approve",
        json!({"test_payout": "decline"}),
    )
    .await;
    assert_eq!(declined.status, StatusCode::OK, "{}", declined.text());
    assert_eq!(declined.json()["state"], "declined");
    let after = earnings(&app, &sharer).await;
    assert_eq!(balance(&after, "available"), total);
    assert_eq!(balance(&after, "withdrawn"), 0);
}

#[tokio::test]
async fn a_withdrawal_a_refund_has_taken_back_is_not_paid() {
    let app = app_with(settles_at_once()).await;
    let (sharer, sharer_cookie) = member(&app, "分享者").await;
    let (_, buyer) = member(&app, "买家").await;
    let code = code_of(&app, sharer).await;
    let order = referred(&app, &buyer, &code, 1).await;
    paid(&app.router, &buyer, id(&order)).await;
    collected(&app, &buyer, id(&order)).await;
    let each = balance(&earnings(&app, &sharer_cookie).await, "available");
    let asked = withdraw(&app, &sharer_cookie, each).await.json();
    let owner = owner(&app).await;
    let refunded = post(
        &app,
        &owner,
        &format!("/api/v1/staff/orders/{}/refund", id(&order)),
        Some(json!({"reason": "质量问题"})),
    )
    .await;
    assert_eq!(refunded.status, StatusCode::OK, "{}", refunded.text());
    let queue = get_as(&app.router, Some(&owner), "/api/v1/staff/withdrawals").await;
    assert_eq!(
        amount(&queue["items"][0]["member_available"]),
        -each,
        "the owner sees what the refund took back"
    );
    let approve = decide(&app, &owner, id(&asked), "approve", json!({})).await;
    assert_eq!(approve.status, StatusCode::CONFLICT);
    assert_eq!(approve.error_code(), "insufficient_earnings");
    assert_eq!(
        text(
            &app,
            "SELECT state FROM withdrawals WHERE id = $1",
            id(&asked)
        )
        .await,
        "requested",
        "nothing paid, nothing changed"
    );
    let refused = decide(
        &app,
        &owner,
        id(&asked),
        "refuse",
        json!({"reason": "订单已退款"}),
    )
    .await;
    assert_eq!(refused.status, StatusCode::OK);
    assert_eq!(
        balance(&earnings(&app, &sharer_cookie).await, "available"),
        0
    );
}

#[tokio::test]
async fn twenty_withdrawals_at_once_for_the_same_money_take_it_once() {
    let app = app_with(settles_at_once()).await;
    let (sharer, each) = settled_sharer(&app, 2).await;
    let total = each * 2;
    let tries: Vec<_> = (0..20)
        .map(|_| {
            let router = app.router.clone();
            let sharer = sharer.clone();
            tokio::spawn(async move {
                call_with(
                    &router,
                    Method::POST,
                    "/api/v1/account/withdrawals",
                    Some(&sharer),
                    &[("idempotency-key", &new_key())],
                    Some(json!({ "amount": total })),
                )
                .await
            })
        })
        .collect();
    let mut accepted = 0;
    for task in tries {
        let reply = task.await.expect("joined");
        match reply.status {
            StatusCode::CREATED => accepted += 1,
            StatusCode::CONFLICT => assert_eq!(reply.error_code(), "insufficient_earnings"),
            other => panic!("{other}: {}", reply.text()),
        }
    }
    assert_eq!(accepted, 1);
    assert_eq!(count(&app, "SELECT count(*) FROM withdrawals").await, 1);
    assert_eq!(balance(&earnings(&app, &sharer).await, "available"), 0);
}

#[tokio::test]
async fn earnings_page_on_newest_first() {
    let app = app().await;
    let (sharer, sharer_cookie) = member(&app, "小圆").await;
    let (_, buyer) = member(&app, "小鹿").await;
    let code = code_of(&app, sharer).await;
    for quantity in 1..=3 {
        let order = referred(&app, &buyer, &code, quantity).await;
        paid(&app.router, &buyer, id(&order)).await;
    }
    let first = get_as(
        &app.router,
        Some(&sharer_cookie),
        "/api/v1/account/earnings?limit=2",
    )
    .await;
    let units = |page: &Value| -> Vec<u64> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|e| e["units"].as_u64().unwrap_or(0))
            .collect()
    };
    assert_eq!(units(&first), [3, 2], "newest first");
    let cursor = first["next_cursor"].as_str().expect("another page");
    let second = get_as(
        &app.router,
        Some(&sharer_cookie),
        &format!("/api/v1/account/earnings?limit=2&cursor={cursor}"),
    )
    .await;
    assert_eq!(units(&second), [1]);
    assert_eq!(second["next_cursor"], Value::Null);
    assert_eq!(
        balance(&second, "pending"),
        balance(&first, "pending"),
        "the sums are the member's, whatever the page"
    );
    let junk = call(
        &app.router,
        Method::GET,
        "/api/v1/account/earnings?cursor=nope",
        Some(&sharer_cookie),
        None,
    )
    .await;
    assert_eq!(junk.error_code(), "bad_cursor");
}

#[tokio::test]
async fn earnings_are_a_members_own_business() {
    let app = app().await;
    let reply = get(&app.router, "/api/v1/account/earnings").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let reply = call(
        &app.router,
        Method::POST,
        "/api/v1/account/withdrawals",
        None,
        Some(json!({"amount": 100})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}
