//! Pay-for-me (找人代付): a member's unpaid order paid by a friend through a link. The link
//! shows no address or phone; one friend of two paying at once is charged; every refusal
//! has its code and changes nothing.

use crate::common;

use std::time::Duration;

use axum::http::{Method, StatusCode};
use common::{
    app, app_with, call, call_with, count, delivery, get_as, member, new_key, number, paid, placed,
    Options, Reply, TestApp,
};
use serde_json::{json, Value};

/// A product sold solo (pickup-free delivery fee rules apply; the total says it).
const PRODUCT: i64 = 3;

fn id(v: &Value) -> i64 {
    v["id"].as_i64().expect("id")
}

async fn order_of_one(app: &TestApp, cookie: &str) -> Value {
    placed(
        &app.router,
        cookie,
        json!({"purchase": {"kind": "solo", "lines": [{"product_id": PRODUCT, "quantity": 2}]},
               "fulfilment": delivery()}),
    )
    .await
}

async fn ask(app: &TestApp, cookie: &str, order_id: i64, note: &str) -> Reply {
    call(
        &app.router,
        Method::POST,
        &format!("/api/v1/orders/{order_id}/pay-link"),
        Some(cookie),
        Some(json!({"note": note})),
    )
    .await
}

/// The link's token, asked for with a note.
async fn link_of(app: &TestApp, cookie: &str, order_id: i64, note: &str) -> String {
    let reply = ask(app, cookie, order_id, note).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let link = reply.json();
    assert_eq!(link["state"], "open");
    link["token"].as_str().expect("token").to_owned()
}

/// A friend (a guest without a cookie, or a member) pays the link.
pub async fn pay_link(app: &TestApp, cookie: Option<&str>, token: &str, outcome: &str) -> Reply {
    call_with(
        &app.router,
        Method::POST,
        &format!("/api/v1/pay-links/{token}/pay"),
        cookie,
        &[("idempotency-key", &new_key())],
        Some(json!({"outcome": outcome})),
    )
    .await
}

async fn payments_of(app: &TestApp, order_id: i64) -> i64 {
    number(
        app,
        "SELECT count(*) FROM payments WHERE order_id = $1",
        order_id,
    )
    .await
}

#[tokio::test]
async fn a_guest_pays_a_friends_order_and_sees_no_address() {
    let app = app().await;
    let (a, a_cookie) = member(&app, "鹿鹿").await;
    let order = order_of_one(&app, &a_cookie).await;
    let order_id = id(&order);
    let token = link_of(&app, &a_cookie, order_id, "妈，帮我付一下 ❤").await;
    assert_eq!(token.len(), 24);

    // The link as a guest sees it: what, how much, who and their note; nothing of where.
    let link = get_as(&app.router, None, &format!("/api/v1/pay-links/{token}")).await;
    assert_eq!(link["state"], "open");
    assert_eq!(link["requester"]["name"], "鹿鹿");
    assert_eq!(link["note"], "妈，帮我付一下 ❤");
    assert_eq!(link["total"], order["total"]);
    assert_eq!(link["lines"][0]["product"]["id"], PRODUCT);
    assert_eq!(link["lines"][0]["quantity"], 2);
    assert_eq!(link["own"], false);
    assert!(link["expires_at"].is_string());
    let text = link.to_string();
    // The delivery's name, phone and address (see `common::delivery`).
    for private in ["文三路", "13800000000", "138 0000 0000", "小鹿"] {
        assert!(!text.contains(private), "{private} leaked: {text}");
    }
    // The requester sees it as their own, and their order carries it.
    let own = get_as(
        &app.router,
        Some(&a_cookie),
        &format!("/api/v1/pay-links/{token}"),
    )
    .await;
    assert_eq!(own["own"], true);
    let mine = get_as(
        &app.router,
        Some(&a_cookie),
        &format!("/api/v1/orders/{order_id}"),
    )
    .await;
    assert_eq!(mine["pay_link"]["token"], token.as_str());
    assert_eq!(mine["pay_link"]["state"], "open");

    // A declined try leaves it open; an approved one pays the requester's order.
    let declined = pay_link(&app, None, &token, "decline").await;
    assert_eq!(
        declined.status,
        StatusCode::PAYMENT_REQUIRED,
        "{}",
        declined.text()
    );
    let reply = pay_link(&app, None, &token, "approve").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["state"], "paid");
    let mine = get_as(
        &app.router,
        Some(&a_cookie),
        &format!("/api/v1/orders/{order_id}"),
    )
    .await;
    assert_eq!(mine["status"], "paid");
    assert_eq!(mine["payment"], "approved");
    assert_eq!(mine["pay_link"]["state"], "paid");
    let charge: String = common::text(
        &app,
        "SELECT pay_link FROM payments WHERE order_id = $1 AND state = 'approved'",
        order_id,
    )
    .await;
    assert_eq!(charge, token);

    // The requester is told; a second friend is told it is paid, and nothing is charged.
    let notes = get_as(&app.router, Some(&a_cookie), "/api/v1/notifications").await;
    let first = &notes["items"][0];
    assert_eq!(first["kind"], "paid_for_you", "{notes}");
    assert_eq!(first["order_id"], order_id);
    assert_eq!(first["product"]["id"], PRODUCT);
    assert_eq!(first["amount"], order["total"]);
    let unread = get_as(&app.router, Some(&a_cookie), "/api/v1/notifications/unread").await;
    assert_eq!(unread["unread"], 1);
    let before = payments_of(&app, order_id).await;
    let (_, b_cookie) = member(&app, "朋友").await;
    let again = pay_link(&app, Some(&b_cookie), &token, "approve").await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.error_code(), "already_paid");
    assert_eq!(payments_of(&app, order_id).await, before);
    assert_eq!(
        a,
        number(&app, "SELECT member_id FROM orders WHERE id = $1", order_id).await
    );
}

#[tokio::test]
async fn two_friends_paying_at_once_are_charged_once() {
    let app = app().await;
    let (_, a_cookie) = member(&app, "小鹿").await;
    let (_, b_cookie) = member(&app, "朋友甲").await;
    for _ in 0..3 {
        let order_id = id(&order_of_one(&app, &a_cookie).await);
        let token = link_of(&app, &a_cookie, order_id, "").await;
        let (b, c) = tokio::join!(
            pay_link(&app, Some(&b_cookie), &token, "approve"),
            pay_link(&app, None, &token, "approve"),
        );
        let mut statuses = [b.status, c.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "{} / {}",
            b.text(),
            c.text()
        );
        let refused = if b.status == StatusCode::CONFLICT {
            b
        } else {
            c
        };
        assert_eq!(refused.error_code(), "already_paid");
        // One charge was asked of the provider: one payment row, approved.
        assert_eq!(payments_of(&app, order_id).await, 1);
        assert_eq!(
            count(
                &app,
                &format!("SELECT count(*) FROM payments WHERE order_id = {order_id} AND state = 'approved'")
            )
            .await,
            1
        );
    }
}

#[tokio::test]
async fn a_link_refuses_its_requester_a_cancel_an_expiry_and_nonsense() {
    let app = app_with(Options {
        seat_hold_secs: 2,
        ..Options::default()
    })
    .await;
    let (_, a_cookie) = member(&app, "小鹿").await;
    let order_id = id(&order_of_one(&app, &a_cookie).await);
    let token = link_of(&app, &a_cookie, order_id, "第一句").await;

    // Asking again gives the same link with the new note.
    assert_eq!(
        link_of(&app, &a_cookie, order_id, "  第二句\n").await,
        token
    );
    let link = get_as(&app.router, None, &format!("/api/v1/pay-links/{token}")).await;
    assert_eq!(link["note"], "第二句");
    let long = ask(&app, &a_cookie, order_id, &"长".repeat(101)).await;
    assert_eq!(long.status, StatusCode::BAD_REQUEST);
    assert_eq!(long.error_code(), "text_too_long");

    // Not one's own; and someone else's order is nobody's business.
    let own = pay_link(&app, Some(&a_cookie), &token, "approve").await;
    assert_eq!(own.status, StatusCode::CONFLICT);
    assert_eq!(own.error_code(), "own_pay_link");
    let (_, stranger) = member(&app, "路人").await;
    let theirs = ask(&app, &stranger, order_id, "").await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);

    // Taken back: the friend is told so, and nothing is charged.
    let cancelled = call(
        &app.router,
        Method::DELETE,
        &format!("/api/v1/orders/{order_id}/pay-link"),
        Some(&a_cookie),
        None,
    )
    .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text());
    assert!(cancelled.json()["pay_link"].is_null());
    let link = get_as(&app.router, None, &format!("/api/v1/pay-links/{token}")).await;
    assert_eq!(link["state"], "cancelled");
    let refused = pay_link(&app, None, &token, "approve").await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.error_code(), "pay_link_cancelled");
    assert_eq!(payments_of(&app, order_id).await, 0);

    // A new link, then the order's hold runs out: expired.
    let token = link_of(&app, &a_cookie, order_id, "").await;
    tokio::time::sleep(Duration::from_millis(2300)).await;
    let expired = pay_link(&app, None, &token, "approve").await;
    assert_eq!(expired.status, StatusCode::CONFLICT, "{}", expired.text());
    assert_eq!(expired.error_code(), "pay_link_expired");
    let link = get_as(&app.router, None, &format!("/api/v1/pay-links/{token}")).await;
    assert_eq!(link["state"], "expired");
    assert!(link["expires_at"].is_null());
    assert_eq!(payments_of(&app, order_id).await, 0);
    let late = ask(&app, &a_cookie, order_id, "").await;
    assert_eq!(late.status, StatusCode::CONFLICT);

    // No such link, and no link at all.
    for bad in [
        "AAAAAAAAAAAAAAAAAAAAAAAA",
        "short",
        "AAAAAAAAAAAAAAAAAAAAAAA%2F",
    ] {
        let reply = common::get(&app.router, &format!("/api/v1/pay-links/{bad}")).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{bad}");
        assert_eq!(reply.error_code(), "not_found");
        let reply = pay_link(&app, None, bad, "approve").await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{bad}");
    }
}

#[tokio::test]
async fn a_paid_order_has_no_new_link_and_its_refund_goes_to_the_friend() {
    let app = app().await;
    let (_, a_cookie) = member(&app, "小鹿").await;
    // Paid by its member: no link for it, and an open one reads as paid.
    let order_id = id(&order_of_one(&app, &a_cookie).await);
    let token = link_of(&app, &a_cookie, order_id, "").await;
    paid(&app.router, &a_cookie, order_id).await;
    let link = get_as(&app.router, None, &format!("/api/v1/pay-links/{token}")).await;
    assert_eq!(link["state"], "paid");
    let refused = ask(&app, &a_cookie, order_id, "").await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.error_code(), "not_payable");
    let again = pay_link(&app, None, &token, "approve").await;
    assert_eq!(again.error_code(), "already_paid");

    // Paid by a friend, then refunded by the store: the friend's charge goes back.
    let order_id = id(&order_of_one(&app, &a_cookie).await);
    let token = link_of(&app, &a_cookie, order_id, "").await;
    let reply = pay_link(&app, None, &token, "approve").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let owner = crate::staff::owner(&app).await;
    let refund = call(
        &app.router,
        Method::POST,
        &format!("/api/v1/staff/orders/{order_id}/refund"),
        Some(&owner),
        Some(json!({"reason": "缺货"})),
    )
    .await;
    assert_eq!(refund.status, StatusCode::OK, "{}", refund.text());
    let back = common::text(
        &app,
        "SELECT pay_link FROM payments WHERE order_id = $1 AND state IN ('refunding', 'refunded')",
        order_id,
    )
    .await;
    assert_eq!(back, token);
    let notes = get_as(&app.router, Some(&a_cookie), "/api/v1/notifications").await;
    assert_eq!(notes["items"][0]["kind"], "refunded", "{notes}");
    let link = get_as(&app.router, None, &format!("/api/v1/pay-links/{token}")).await;
    assert_eq!(link["state"], "refunded");
}

#[tokio::test]
async fn a_link_unfurls_in_a_chat_without_where_it_goes() {
    let app = app().await;
    let (_, a_cookie) = member(&app, "鹿鹿").await;
    let order_id = id(&order_of_one(&app, &a_cookie).await);
    let token = link_of(&app, &a_cookie, order_id, "帮我付一下").await;
    let page = common::get(&app.router, &format!("/pay/{token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("鹿鹿请你帮忙付款"), "{html}");
    assert!(html.contains("帮我付一下"));
    assert!(
        html.contains(&format!("/og/p/{PRODUCT}.jpg")),
        "the product's picture"
    );
    // The page's first data is the link as the API gives it: no address, no phone.
    assert!(html.contains(&format!("/pay-links/{token}")));
    for private in ["文三路", "13800000000", "138 0000 0000", "小鹿"] {
        assert!(!html.contains(private), "{private} leaked into the page");
    }
    let none = common::get(&app.router, "/pay/AAAAAAAAAAAAAAAAAAAAAAAA").await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
}
