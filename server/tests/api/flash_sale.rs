//! Flash sales (秒杀): scheduled by an owner, counted down to from the server's clock,
//! announced to the members who asked, bought atomically within the units and the limit per
//! member, an unpaid unit back after its hold; 500 buyers for 100 units.

use crate::common;

use std::time::Duration;

use axum::http::{Method, StatusCode};
use common::{
    app, app_with, call, get_as, member, number, order, paid, pickup, placed, stock_of, Options,
    Reply, TestApp,
};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A product sold solo, at ¥29.00 in the demo store… whatever it is, the sale is below it.
const PRODUCT: i64 = 3;

fn at(from_now: Duration) -> String {
    (OffsetDateTime::now_utc() + from_now)
        .format(&Rfc3339)
        .expect("format")
}

fn ago(before_now: Duration) -> String {
    (OffsetDateTime::now_utc() - before_now)
        .format(&Rfc3339)
        .expect("format")
}

async fn solo_price(app: &TestApp, product_id: i64) -> i64 {
    number(
        app,
        "SELECT solo_price FROM products WHERE id = $1",
        product_id,
    )
    .await
}

async fn schedule(app: &TestApp, cookie: &str, body: Value) -> Reply {
    call(
        &app.router,
        Method::POST,
        "/api/v1/staff/flash-sales",
        Some(cookie),
        Some(body),
    )
    .await
}

/// Schedules a sale that must be accepted: `quantity` units, `per_member` each, starting
/// `starts_in` from now for an hour; returns its id.
async fn sale(app: &TestApp, starts_in: Duration, quantity: i64, per_member: i64) -> i64 {
    let owner = crate::staff::owner(app).await;
    let price = solo_price(app, PRODUCT).await / 2;
    let reply = schedule(
        app,
        &owner,
        json!({"product_id": PRODUCT, "price": price, "starts_at": at(starts_in),
               "ends_at": at(starts_in + Duration::from_secs(3600)),
               "quantity": quantity, "per_member": per_member}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    reply.json()["sale"]["id"].as_i64().expect("id")
}

fn flash(sale_id: i64, quantity: u32) -> Value {
    json!({"purchase": {"kind": "flash", "flash_sale_id": sale_id, "quantity": quantity},
           "fulfilment": pickup(1)})
}

async fn product(app: &TestApp) -> Value {
    get_as(&app.router, None, &format!("/api/v1/products/{PRODUCT}")).await
}

#[tokio::test]
async fn a_sale_counts_down_tells_who_asked_and_sells_at_its_price() {
    let app = app().await;
    let sale_id = sale(&app, Duration::from_millis(1500), 10, 2).await;
    let shown = product(&app).await;
    let flash_sale = &shown["flash_sale"];
    assert_eq!(flash_sale["id"], sale_id);
    assert_eq!(flash_sale["left"], 10);
    assert_eq!(flash_sale["per_member"], 2);
    // The countdown is the server's: its clock comes with the start.
    assert!(flash_sale["server_time"].as_str() < flash_sale["starts_at"].as_str());

    let (_, asked) = member(&app, "提醒我").await;
    let (_, buyer) = member(&app, "手快").await;
    let remind = call(
        &app.router,
        Method::PUT,
        &format!("/api/v1/flash-sales/{sale_id}/reminder"),
        Some(&asked),
        None,
    )
    .await;
    assert_eq!(remind.status, StatusCode::OK, "{}", remind.text());
    assert_eq!(remind.json()["reminded"], true);

    // Too early: refused, and nothing is taken.
    let early = order(&app.router, &buyer, flash(sale_id, 1)).await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert_eq!(early.error_code(), "flash_sale_not_started");
    assert_eq!(product(&app).await["flash_sale"]["left"], 10);

    tokio::time::sleep(Duration::from_millis(1600)).await;
    // The start is announced once (by the sweep, or before any order request).
    let stock = stock_of(&app, PRODUCT).await;
    let bought = placed(&app.router, &buyer, flash(sale_id, 2)).await;
    let price = flash_sale["price"]["amount"].as_i64().expect("price");
    assert_eq!(bought["lines"][0]["unit_price"]["amount"], price);
    assert_eq!(bought["total"]["amount"], 2 * price);
    assert_eq!(stock_of(&app, PRODUCT).await, stock - 2);
    assert_eq!(product(&app).await["flash_sale"]["left"], 8);
    // The background sweep tells who asked (every 2 s here), never a buyer's request.
    let mut notes = Value::Null;
    for _ in 0..40 {
        notes = get_as(&app.router, Some(&asked), "/api/v1/notifications").await;
        if notes["items"]
            .as_array()
            .is_some_and(|items| !items.is_empty())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(notes["items"].as_array().map(Vec::len), Some(1), "{notes}");
    assert_eq!(notes["items"][0]["kind"], "flash_sale_started");
    assert_eq!(notes["items"][0]["product"]["id"], PRODUCT);
    let none = get_as(&app.router, Some(&buyer), "/api/v1/notifications").await;
    assert_eq!(none["items"].as_array().map(Vec::len), Some(0));

    // Above the limit per member, across orders: refused, nothing taken.
    let more = order(&app.router, &buyer, flash(sale_id, 1)).await;
    assert_eq!(more.status, StatusCode::CONFLICT);
    assert_eq!(more.error_code(), "flash_sale_limit");
    let (_, greedy) = member(&app, "贪心").await;
    let three = order(&app.router, &greedy, flash(sale_id, 3)).await;
    assert_eq!(three.error_code(), "flash_sale_limit");
    assert_eq!(product(&app).await["flash_sale"]["left"], 8);
    let mine = get_as(
        &app.router,
        Some(&buyer),
        &format!("/api/v1/flash-sales/{sale_id}/reminder"),
    )
    .await;
    assert_eq!(mine["taken"], 2);
    assert_eq!(mine["reminded"], false);

    // Paid, it is a paid order like any other (and the cart is left alone).
    let order_id = bought["id"].as_i64().expect("id");
    assert_eq!(paid(&app.router, &buyer, order_id).await["status"], "paid");
}

#[tokio::test]
async fn an_unpaid_unit_returns_to_the_sale_after_its_hold() {
    let app = app_with(Options {
        seat_hold_secs: 1,
        ..Options::default()
    })
    .await;
    let sale_id = sale(&app, Duration::ZERO, 1, 1).await;
    let (_, first) = member(&app, "先到").await;
    let (_, second) = member(&app, "后到").await;
    placed(&app.router, &first, flash(sale_id, 1)).await;
    let sold_out = order(&app.router, &second, flash(sale_id, 1)).await;
    assert_eq!(sold_out.status, StatusCode::CONFLICT);
    assert_eq!(sold_out.error_code(), "flash_sale_sold_out");
    tokio::time::sleep(Duration::from_millis(1300)).await;
    // The hold ran out: the unit is back, for the next buyer.
    let again = placed(&app.router, &second, flash(sale_id, 1)).await;
    assert_eq!(again["status"], "pending_payment");
    assert_eq!(product(&app).await["flash_sale"]["left"], 0);
    // And the first buyer's own count came back with it.
    assert_eq!(
        number(
            &app,
            "SELECT CAST(sum(units) AS BIGINT) FROM flash_takes WHERE sale_id = $1",
            sale_id
        )
        .await,
        1
    );
}

#[tokio::test]
async fn five_hundred_buyers_for_a_hundred_units() {
    let app = app().await;
    // Stock is not what runs out here: the sale is.
    app.exec(&format!(
        "UPDATE products SET stock = 1000 WHERE id = {PRODUCT}"
    ))
    .await;
    let sale_id = sale(&app, Duration::ZERO, 100, 1).await;
    let mut buyers = Vec::new();
    for n in 0..500 {
        buyers.push(member(&app, &format!("买家{n}")).await.1);
    }
    // Every buyer tries twice at once, one unit each: the limit is one.
    let tries = buyers.iter().flat_map(|cookie| {
        let router = app.router.clone();
        [0, 1].map(move |_| {
            let router = router.clone();
            let cookie = cookie.clone();
            async move { order(&router, &cookie, flash(sale_id, 1)).await }
        })
    });
    let replies = futures_util::future::join_all(tries).await;
    let sold = replies
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    assert_eq!(sold, 100, "exactly the sale's units");
    for r in replies.iter().filter(|r| r.status != StatusCode::CREATED) {
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        let code = r.error_code();
        assert!(
            code == "flash_sale_sold_out" || code == "flash_sale_limit",
            "{code}"
        );
    }
    assert_eq!(
        number(&app, "SELECT taken FROM flash_sales WHERE id = $1", sale_id).await,
        100
    );
    // Nobody above the limit: one order per member at most.
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM (SELECT member_id FROM orders WHERE flash_sale_id = $1
             GROUP BY member_id HAVING count(*) > 1) AS t",
            sale_id
        )
        .await,
        0
    );
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM orders WHERE flash_sale_id = $1",
            sale_id
        )
        .await,
        100
    );
    assert_eq!(stock_of(&app, PRODUCT).await, 900);
}

#[tokio::test]
async fn owners_schedule_sales_that_hold_up_and_nothing_else() {
    let app = app().await;
    let owner = crate::staff::owner(&app).await;
    let clerk = crate::staff::clerk(&app).await;
    let solo = solo_price(&app, PRODUCT).await;
    let stock = stock_of(&app, PRODUCT).await;
    let good = || {
        json!({"product_id": PRODUCT, "price": solo - 1, "starts_at": at(Duration::from_secs(60)),
               "ends_at": at(Duration::from_secs(3600)), "quantity": 5, "per_member": 1})
    };
    let with = |key: &str, value: Value| {
        let mut body = good();
        body[key] = value;
        body
    };
    let refusals = [
        (with("price", json!(solo)), "bad_price"),
        (with("quantity", json!(stock + 1)), "bad_stock"),
        (
            with("ends_at", json!(at(Duration::from_secs(30)))),
            "bad_flash_slot",
        ),
        (
            with("ends_at", json!(at(Duration::from_secs(8 * 24 * 3600)))),
            "bad_flash_slot",
        ),
        (
            with("ends_at", json!(ago(Duration::from_secs(10)))),
            "bad_flash_slot",
        ),
        (
            with("starts_at", json!("2026-02-30T10:00:00Z")),
            "bad_flash_slot",
        ),
        (with("product_id", json!(999_999)), "not_found"),
    ];
    for (body, code) in refusals {
        let reply = schedule(&app, &owner, body.clone()).await;
        assert!(reply.status.is_client_error(), "{body}: {}", reply.text());
        assert_eq!(reply.error_code(), code, "{body}");
    }
    let denied = schedule(&app, &clerk, good()).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM flash_sales WHERE product_id = $1",
            PRODUCT
        )
        .await,
        0,
        "nothing refused was written"
    );

    let first = schedule(&app, &owner, good()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    let first = first.json();
    assert_eq!(first["cancelled"], false);
    assert_eq!(first["product"]["id"], PRODUCT);
    // Overlapping slots of one product are refused.
    let overlap = schedule(&app, &owner, good()).await;
    assert_eq!(overlap.error_code(), "bad_flash_slot");
    let listed = get_as(&app.router, Some(&clerk), "/api/v1/staff/flash-sales").await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));

    // Called off: nobody can buy from it, and the audit log says who.
    let sale_id = first["sale"]["id"].as_i64().expect("id");
    let off = call(
        &app.router,
        Method::DELETE,
        &format!("/api/v1/staff/flash-sales/{sale_id}"),
        Some(&owner),
        None,
    )
    .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.text());
    assert_eq!(off.json()["cancelled"], true);
    assert!(product(&app).await["flash_sale"].is_null());
    let (_, buyer) = member(&app, "来晚了").await;
    let late = order(&app.router, &buyer, flash(sale_id, 1)).await;
    assert_eq!(late.error_code(), "flash_sale_ended");
    let reminded = call(
        &app.router,
        Method::PUT,
        &format!("/api/v1/flash-sales/{sale_id}/reminder"),
        Some(&buyer),
        None,
    )
    .await;
    assert_eq!(reminded.error_code(), "flash_sale_ended");
    let audited = format!("SELECT count(*) FROM audit_log WHERE subject = 'flash_sale:{sale_id}'");
    assert_eq!(common::count(&app, &audited).await, 2);
}
