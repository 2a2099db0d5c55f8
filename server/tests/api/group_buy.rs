//! Group-buys on a real SQLite file: the state machine (start → join → succeed; fail at the
//! deadline with refunds), the race for the last seats, seats held and let go, late
//! payments, expiry across a restart, the `/g/{id}` page and referral credit.

use crate::common;

use std::time::Duration;

use axum::http::{Method, StatusCode};
use common::{
    app, app_with, call_with, count, get, get_as, join_group, member, number, open_group, order,
    paid, pay, placed, start_group, stock_of, Options, TestApp,
};
use serde_json::Value;

/// Demo products with a group offer: a pair (size 2), a trio (size 3), a five (size 5); and
/// one that sells solo only.
const PAIR: i64 = 1;
const TRIO: i64 = 2;
const FIVE: i64 = 12;
const SOLO_ONLY: i64 = 6;

fn id(value: &Value) -> i64 {
    value["id"].as_i64().expect("id")
}

fn group_price(product_id: i64) -> i64 {
    common::store()["products"]
        .as_array()
        .expect("products")
        .iter()
        .find(|p| p["id"] == product_id)
        .and_then(|p| p["group_price"].as_i64())
        .expect("group price")
}

async fn group(app: &TestApp, cookie: Option<&str>, group_id: i64) -> Value {
    get_as(&app.router, cookie, &format!("/api/v1/groups/{group_id}")).await
}

async fn order_of(app: &TestApp, cookie: &str, order_id: i64, lang: &str) -> Value {
    let reply = call_with(
        &app.router,
        Method::GET,
        &format!("/api/v1/orders/{order_id}"),
        Some(cookie),
        &[("accept-language", lang)],
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()
}

fn member_ids(group: &Value) -> Vec<i64> {
    group["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(id)
        .collect()
}

/// Stock taken by orders that hold it, per product, must be what left the shelf.
async fn assert_stock_agrees(app: &TestApp, product_id: i64, initial: i64) {
    let held = number(
        app,
        "SELECT CAST(coalesce(sum(l.quantity), 0) AS BIGINT)
         FROM order_lines l JOIN orders o ON o.id = l.order_id
         WHERE o.stock_held = 1 AND l.product_id = $1",
        product_id,
    )
    .await;
    assert_eq!(
        stock_of(app, product_id).await,
        initial - held,
        "stock and orders agree"
    );
}

#[tokio::test]
async fn a_group_starts_fills_and_succeeds() {
    let app = app().await;
    let (a, cookie_a) = member(&app, "团长A").await;
    let (b, cookie_b) = member(&app, "B").await;
    let (c, cookie_c) = member(&app, "C").await;
    let initial = stock_of(&app, TRIO).await;

    let start = placed(&app.router, &cookie_a, start_group(TRIO)).await;
    assert_eq!(start["total"]["amount"], group_price(TRIO));
    assert_eq!(start["lines"][0]["unit_price"]["amount"], group_price(TRIO));
    let before = count(&app, "SELECT count(*) FROM group_buys").await;
    assert_eq!(before, 0);
    let started = paid(&app.router, &cookie_a, id(&start)).await;
    assert_eq!(started["status"], "awaiting_group");
    let group_id = started["group_id"].as_i64().expect("group");

    let g = group(&app, Some(&cookie_a), group_id).await;
    assert_eq!(g["state"], "open");
    assert_eq!(g["size"], 3);
    assert_eq!(g["seats_left"], 2);
    assert_eq!(g["leader"]["id"], a);
    assert_eq!(member_ids(&g), vec![a]);
    assert_eq!(g["viewer_order_id"], id(&start));
    assert_eq!(g["product"]["id"], TRIO);
    assert!(g["deadline"].as_str() > g["server_time"].as_str());
    // The product's window: 24 hours for this one.
    let window = number(
        &app,
        "SELECT deadline_ms - created_ms FROM group_buys WHERE id = $1",
        group_id,
    )
    .await;
    assert_eq!(window, 24 * 3600 * 1000);
    // Anyone may look; a guest has no order in it.
    assert!(group(&app, None, group_id).await["viewer_order_id"].is_null());
    // It is listed on its product.
    let listed = get_as(
        &app.router,
        None,
        &format!("/api/v1/products/{TRIO}/groups"),
    )
    .await;
    assert_eq!(listed["items"][0]["id"], group_id);

    // B joins: a seat held, then paid.
    let join_b = placed(&app.router, &cookie_b, join_group(group_id)).await;
    assert_eq!(join_b["group_id"], group_id);
    assert_eq!(join_b["pickup_point"]["id"], 1);
    assert!(join_b["hold_until"].is_string());
    assert_eq!(group(&app, None, group_id).await["seats_left"], 1);
    let paid_b = paid(&app.router, &cookie_b, id(&join_b)).await;
    assert_eq!(paid_b["status"], "awaiting_group");
    let g = group(&app, Some(&cookie_b), group_id).await;
    assert_eq!(member_ids(&g), vec![a, b]);
    assert_eq!(g["viewer_order_id"], id(&join_b));

    // C's paid seat fills it: everyone's order is paid, for the store to hand over or ship.
    let join_c = placed(&app.router, &cookie_c, join_group(group_id)).await;
    let paid_c = paid(&app.router, &cookie_c, id(&join_c)).await;
    assert_eq!(paid_c["status"], "paid");
    let g = group(&app, None, group_id).await;
    assert_eq!(g["state"], "succeeded");
    assert_eq!(g["seats_left"], 0);
    assert_eq!(member_ids(&g), vec![a, b, c]);
    assert_eq!(
        order_of(&app, &cookie_a, id(&start), "zh").await["status"],
        "paid"
    );
    assert_eq!(
        order_of(&app, &cookie_b, id(&join_b), "zh").await["status"],
        "paid"
    );
    for order in [&start, &join_b, &join_c] {
        assert_eq!(order["total"]["amount"], group_price(TRIO));
    }
    assert_eq!(stock_of(&app, TRIO).await, initial - 3);
    assert_stock_agrees(&app, TRIO, initial).await;
    // A filled group is not listed, and is closed to joins.
    let listed = get_as(
        &app.router,
        None,
        &format!("/api/v1/products/{TRIO}/groups"),
    )
    .await;
    assert!(listed["items"].as_array().is_some_and(|i| i.is_empty()));
    let (_, cookie_d) = member(&app, "D").await;
    let late = order(&app.router, &cookie_d, join_group(group_id)).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(late.error_code(), "group_closed");
}

#[tokio::test]
async fn joins_follow_the_rules() {
    let app = app().await;
    let (_, leader) = member(&app, "团长").await;
    let (_, cookie_b) = member(&app, "B").await;
    let (_, cookie_c) = member(&app, "C").await;
    let group_id = open_group(&app.router, &leader, PAIR).await;

    // The leader cannot take a second seat; nor can a member twice.
    let own = order(&app.router, &leader, join_group(group_id)).await;
    assert_eq!(own.status, StatusCode::CONFLICT);
    assert_eq!(own.error_code(), "already_in_group");
    let first = placed(&app.router, &cookie_b, join_group(group_id)).await;
    let twice = order(&app.router, &cookie_b, join_group(group_id)).await;
    assert_eq!(twice.error_code(), "already_in_group");
    // B's held seat is the last: C finds the group full.
    let full = order(&app.router, &cookie_c, join_group(group_id)).await;
    assert_eq!(full.status, StatusCode::CONFLICT);
    assert_eq!(full.error_code(), "group_full");
    assert_eq!(group(&app, None, group_id).await["seats_left"], 0);
    // Full groups are not offered on the product.
    let listed = get_as(
        &app.router,
        None,
        &format!("/api/v1/products/{PAIR}/groups"),
    )
    .await;
    assert!(listed["items"].as_array().is_some_and(|i| i.is_empty()));
    assert_eq!(
        pay(&app.router, &cookie_b, id(&first), "approve")
            .await
            .status,
        StatusCode::OK
    );

    // Ids and products that do not hold up.
    for (uri, status, code) in [
        ("/api/v1/groups/abc", 400, "bad_id"),
        ("/api/v1/groups/0", 400, "bad_id"),
        ("/api/v1/groups/99999", 404, "not_found"),
        ("/api/v1/products/abc/groups", 400, "bad_id"),
        ("/api/v1/products/99999/groups", 404, "not_found"),
        ("/api/v1/products/6/groups", 404, "no_group_offer"),
        ("/api/v1/products/1/groups?limit=0", 400, "bad_limit"),
    ] {
        let reply = get(&app.router, uri).await;
        assert_eq!(reply.status.as_u16(), status, "{uri}: {}", reply.text());
        assert_eq!(reply.error_code(), code, "{uri}");
    }
    let no_offer = order(&app.router, &cookie_c, start_group(SOLO_ONLY)).await;
    assert_eq!(no_offer.error_code(), "no_group_offer");
    let unknown = order(&app.router, &cookie_c, join_group(99_999)).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn open_groups_are_listed_soonest_deadline_first_in_pages() {
    let app = app_with(Options {
        group_window_secs: Some(3600),
        ..Options::default()
    })
    .await;
    let mut groups = Vec::new();
    for n in 0..3 {
        let (_, cookie) = member(&app, &format!("团长{n}")).await;
        groups.push(open_group(&app.router, &cookie, TRIO).await);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let page = get_as(
        &app.router,
        None,
        &format!("/api/v1/products/{TRIO}/groups?limit=2"),
    )
    .await;
    let ids: Vec<i64> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(id)
        .collect();
    assert_eq!(ids, vec![groups[0], groups[1]]);
    let cursor = page["next_cursor"].as_str().expect("cursor").to_owned();
    let page = get_as(
        &app.router,
        None,
        &format!("/api/v1/products/{TRIO}/groups?limit=2&cursor={cursor}"),
    )
    .await;
    let ids: Vec<i64> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(id)
        .collect();
    assert_eq!(ids, vec![groups[2]]);
    assert!(page["next_cursor"].is_null());
}

/// THE RACE: 50 members join a group with 3 seats left, all at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_joins_take_exactly_the_seats_left() {
    let app = app().await;
    let initial = stock_of(&app, FIVE).await;
    let (_, leader) = member(&app, "团长").await;
    let (_, early) = member(&app, "早到的").await;
    let group_id = open_group(&app.router, &leader, FIVE).await;
    let join = placed(&app.router, &early, join_group(group_id)).await;
    paid(&app.router, &early, id(&join)).await;
    assert_eq!(group(&app, None, group_id).await["seats_left"], 3);

    let mut cookies: Vec<String> = Vec::with_capacity(50);
    for n in 0..50 {
        cookies.push(member(&app, &format!("抢{n}")).await.1);
    }
    let mut tasks = Vec::new();
    for cookie in cookies {
        let router = app.router.clone();
        tasks.push(tokio::spawn(async move {
            let reply = order(&router, &cookie, join_group(group_id)).await;
            (reply.status, reply.body)
        }));
    }
    let mut won = 0;
    let mut full = 0;
    for task in tasks {
        let (status, body) = task.await.expect("task");
        match status {
            StatusCode::CREATED => won += 1,
            StatusCode::CONFLICT => {
                let json: Value = serde_json::from_slice(&body).expect("json");
                assert_eq!(json["error"]["code"], "group_full", "{json}");
                full += 1;
            }
            other => panic!("unexpected {other}: {}", String::from_utf8_lossy(&body)),
        }
    }
    assert_eq!((won, full), (3, 47));
    let g = group(&app, None, group_id).await;
    assert_eq!(g["seats_left"], 0);
    assert_eq!(
        number(
            &app,
            "SELECT seats_taken FROM group_buys WHERE id = $1",
            group_id
        )
        .await,
        5
    );
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM group_seats WHERE group_id = $1",
            group_id
        )
        .await,
        5
    );
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM orders WHERE group_id = $1 AND kind = 'join_group'",
            group_id
        )
        .await,
        4,
        "the early joiner and the three winners; refused joins leave no order"
    );
    assert_eq!(stock_of(&app, FIVE).await, initial - 5);
    assert_stock_agrees(&app, FIVE, initial).await;
}

#[tokio::test]
async fn a_group_that_runs_out_fails_and_everyone_is_refunded() {
    let app = app_with(Options {
        group_window_secs: Some(2),
        expiry_sweep: None,
        ..Options::default()
    })
    .await;
    let initial = stock_of(&app, FIVE).await;
    let (_, cookie_a) = member(&app, "团长A").await;
    let (_, cookie_b) = member(&app, "B").await;
    let (_, cookie_c) = member(&app, "C").await;
    let start = placed(&app.router, &cookie_a, start_group(FIVE)).await;
    let group_id = paid(&app.router, &cookie_a, id(&start)).await["group_id"]
        .as_i64()
        .expect("group");
    let join_b = placed(&app.router, &cookie_b, join_group(group_id)).await;
    paid(&app.router, &cookie_b, id(&join_b)).await;
    let join_c = placed(&app.router, &cookie_c, join_group(group_id)).await;
    assert_eq!(stock_of(&app, FIVE).await, initial - 3);

    tokio::time::sleep(Duration::from_millis(2300)).await;
    let late = order(&app.router, &cookie_c, join_group(group_id)).await;
    assert_eq!(late.error_code(), "group_expired");
    let g = group(&app, None, group_id).await;
    assert_eq!(g["state"], "failed");
    let a = order_of(&app, &cookie_a, id(&start), "zh").await;
    assert_eq!(a["status"], "refunded");
    assert_eq!(a["payment"], "refunded");
    assert!(a["note"].as_str().is_some_and(|n| n.contains("退")), "{a}");
    let b = order_of(&app, &cookie_b, id(&join_b), "en").await;
    assert_eq!(b["status"], "refunded");
    assert!(
        b["note"].as_str().is_some_and(|n| n.contains("refunded")),
        "{b}"
    );
    let c = order_of(&app, &cookie_c, id(&join_c), "zh").await;
    assert_eq!(c["status"], "cancelled");
    assert_eq!(c["payment"], "unpaid");
    // Through the provider: both payments are refunded there too.
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM payments WHERE state = 'refunded'"
        )
        .await,
        2
    );
    assert_eq!(stock_of(&app, FIVE).await, initial, "every piece is back");
    assert_stock_agrees(&app, FIVE, initial).await;
    // A failed group is no longer offered; paying the cancelled order is refused.
    let listed = get_as(
        &app.router,
        None,
        &format!("/api/v1/products/{FIVE}/groups"),
    )
    .await;
    assert!(listed["items"].as_array().is_some_and(|i| i.is_empty()));
    assert_eq!(
        pay(&app.router, &cookie_c, id(&join_c), "approve")
            .await
            .error_code(),
        "not_payable"
    );
}

#[tokio::test]
async fn a_restart_never_shows_a_stale_open_group() {
    let options = || Options {
        group_window_secs: Some(1),
        // Only reads settle: no background sweep runs behind the test's back.
        expiry_sweep: None,
        ..Options::default()
    };
    let app = app_with(options()).await;
    let (_, cookie) = member(&app, "团长").await;
    let start = placed(&app.router, &cookie, start_group(TRIO)).await;
    let group_id = paid(&app.router, &cookie, id(&start)).await["group_id"]
        .as_i64()
        .expect("group");
    let mut app = app;
    app.restart_after(Duration::from_millis(1300), options())
        .await;

    // A new server on the same database: it still says open until someone looks.
    assert_eq!(
        count(
            &app,
            &format!("SELECT count(*) FROM group_buys WHERE id = {group_id} AND state = 'open'")
        )
        .await,
        1
    );
    let g = group(&app, None, group_id).await;
    assert_eq!(g["state"], "failed");
    let order = order_of(&app, &cookie, id(&start), "zh").await;
    assert_eq!(order["status"], "refunded");
    assert_eq!(order["payment"], "refunded");
}

#[tokio::test]
async fn the_background_sweep_fails_groups_nobody_looks_at() {
    let app = app_with(Options {
        group_window_secs: Some(1),
        expiry_sweep: Some(Duration::from_millis(200)),
        ..Options::default()
    })
    .await;
    let (_, cookie) = member(&app, "团长").await;
    let group_id = open_group(&app.router, &cookie, TRIO).await;
    tokio::time::sleep(Duration::from_millis(1800)).await;
    assert_eq!(
        count(
            &app,
            &format!("SELECT count(*) FROM group_buys WHERE id = {group_id} AND state = 'failed'")
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM orders WHERE status = 'refunded'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM payments WHERE state = 'refunded'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_declined_payment_keeps_the_seat_until_the_hold_runs_out() {
    let app = app().await;
    let initial = stock_of(&app, PAIR).await;
    let (_, leader) = member(&app, "团长").await;
    let (_, cookie_b) = member(&app, "B").await;
    let (_, cookie_c) = member(&app, "C").await;
    let group_id = open_group(&app.router, &leader, PAIR).await;
    let join_b = placed(&app.router, &cookie_b, join_group(group_id)).await;
    assert_eq!(
        order(&app.router, &cookie_c, join_group(group_id))
            .await
            .error_code(),
        "group_full"
    );

    let declined = pay(&app.router, &cookie_b, id(&join_b), "decline").await;
    assert_eq!(declined.status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(declined.error_code(), "payment_declined");
    assert_eq!(
        group(&app, None, group_id).await["seats_left"],
        0,
        "B's seat is still held after a decline"
    );
    assert_eq!(
        order(&app.router, &cookie_c, join_group(group_id))
            .await
            .error_code(),
        "group_full"
    );
    assert_stock_agrees(&app, PAIR, initial).await;

    // B's second try pays the seat that waited for them.
    assert_eq!(
        paid(&app.router, &cookie_b, id(&join_b)).await["status"],
        "paid"
    );
    assert_stock_agrees(&app, PAIR, initial).await;
}

#[tokio::test]
async fn a_held_seat_is_let_go_when_its_hold_runs_out() {
    let app = app_with(Options {
        seat_hold_secs: 1,
        expiry_sweep: None,
        ..Options::default()
    })
    .await;
    let initial = stock_of(&app, PAIR).await;
    let (_, leader) = member(&app, "团长").await;
    let (_, cookie_b) = member(&app, "B").await;
    let (_, cookie_c) = member(&app, "C").await;
    let group_id = open_group(&app.router, &leader, PAIR).await;
    let join_b = placed(&app.router, &cookie_b, join_group(group_id)).await;
    assert_eq!(group(&app, None, group_id).await["seats_left"], 0);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(group(&app, None, group_id).await["seats_left"], 1);
    assert_stock_agrees(&app, PAIR, initial).await;
    let late = pay(&app.router, &cookie_b, id(&join_b), "approve").await;
    assert_eq!(late.error_code(), "hold_expired");
    let join_c = placed(&app.router, &cookie_c, join_group(group_id)).await;
    assert_eq!(
        paid(&app.router, &cookie_c, id(&join_c)).await["status"],
        "paid"
    );
    assert_eq!(group(&app, None, group_id).await["state"], "succeeded");
}

#[tokio::test]
async fn a_late_payment_for_a_filled_group_is_refunded_with_a_note() {
    let app = app_with(Options {
        seat_hold_secs: 1,
        test_payment_delay_secs: 2,
        expiry_sweep: None,
        ..Options::default()
    })
    .await;
    let initial = stock_of(&app, PAIR).await;
    let (_, leader) = member(&app, "团长").await;
    let (_, cookie_b) = member(&app, "B").await;
    let (_, cookie_c) = member(&app, "C").await;
    let group_id = open_group(&app.router, &leader, PAIR).await;
    let join_b = placed(&app.router, &cookie_b, join_group(group_id)).await;
    let slow = pay(&app.router, &cookie_b, id(&join_b), "slow").await;
    assert_eq!(slow.json()["payment"], "processing");
    // The hold runs out before the payment arrives; C takes the seat and fills the group.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let join_c = placed(&app.router, &cookie_c, join_group(group_id)).await;
    assert_eq!(
        paid(&app.router, &cookie_c, id(&join_c)).await["status"],
        "paid"
    );
    // B's payment arrives: refunded, and the order says so in words.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let b = order_of(&app, &cookie_b, id(&join_b), "zh").await;
    assert_eq!(b["status"], "refunded", "{b}");
    assert_eq!(b["payment"], "refunded");
    assert!(
        b["note"].as_str().is_some_and(|n| n.contains("已满")),
        "{b}"
    );
    let b = order_of(&app, &cookie_b, id(&join_b), "en").await;
    assert!(
        b["note"].as_str().is_some_and(|n| n.contains("filled")),
        "{b}"
    );
    let g = group(&app, None, group_id).await;
    assert_eq!(g["members"].as_array().map(Vec::len), Some(2));
    assert_stock_agrees(&app, PAIR, initial).await;
}

#[tokio::test]
async fn a_late_payment_takes_a_seat_that_is_still_free() {
    let app = app_with(Options {
        seat_hold_secs: 1,
        test_payment_delay_secs: 2,
        expiry_sweep: None,
        ..Options::default()
    })
    .await;
    let initial = stock_of(&app, TRIO).await;
    let (_, leader) = member(&app, "团长").await;
    let (b, cookie_b) = member(&app, "B").await;
    let group_id = open_group(&app.router, &leader, TRIO).await;
    let join_b = placed(&app.router, &cookie_b, join_group(group_id)).await;
    pay(&app.router, &cookie_b, id(&join_b), "slow").await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    // The hold ran out: the seat and stock are free for now.
    assert_eq!(group(&app, None, group_id).await["seats_left"], 2);
    assert_stock_agrees(&app, TRIO, initial).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let order = order_of(&app, &cookie_b, id(&join_b), "zh").await;
    assert_eq!(order["status"], "awaiting_group", "{order}");
    assert_eq!(order["payment"], "approved");
    let g = group(&app, None, group_id).await;
    assert!(member_ids(&g).contains(&b));
    assert_eq!(g["seats_left"], 1);
    assert_stock_agrees(&app, TRIO, initial).await;
}

#[tokio::test]
async fn the_group_page_has_a_link_preview_and_app_routes_are_served() {
    let app = app().await;
    let (_, cookie) = member(&app, "团长").await;
    let group_id = open_group(&app.router, &cookie, TRIO).await;
    let page = get(&app.router, &format!("/g/{group_id}?ref=7K3M9QXZ")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    let title = common::text(&app, "SELECT title_zh FROM products WHERE id = $1", TRIO).await;
    assert!(
        html.contains(&format!(
            "<meta property=\"og:title\" content=\"{title} 拼团\""
        )),
        "{html}"
    );
    assert!(html.contains("3人团 ¥119.00"), "{html}");
    assert!(html.contains("还差 2 人"), "{html}");
    assert!(html.contains(&format!(
        "<meta property=\"og:image\" content=\"http://127.0.0.1:8080/og/p/{TRIO}.jpg\""
    )));
    assert!(html.contains(&format!(
        "<meta property=\"og:url\" content=\"http://127.0.0.1:8080/g/{group_id}\""
    )));
    for (uri, status) in [
        ("/g/99999", 404),
        ("/g/abc", 404),
        ("/g/0", 404),
        ("/cart", 200),
        ("/checkout", 200),
        ("/me/orders", 200),
        ("/me/orders/12", 200),
        ("/me/orders/abc", 404),
        ("/me/orders/0", 404),
    ] {
        let reply = get(&app.router, uri).await;
        assert_eq!(reply.status.as_u16(), status, "{uri}");
        assert!(
            reply.header("content-type").starts_with("text/html"),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn the_sharer_is_credited_with_the_orders_their_link_brings() {
    let app = app().await;
    let (sharer, cookie_a) = member(&app, "团长A").await;
    let code = common::code_of(&app, sharer).await;
    let group_id = open_group(&app.router, &cookie_a, TRIO).await;
    for name in ["B", "C"] {
        let (_, cookie) = member(&app, name).await;
        // Landed from A's link: the referral cookie rides along with the session.
        let with_ref = format!("{cookie}; quanzi_ref={code}");
        let joined = placed(&app.router, &with_ref, join_group(group_id)).await;
        paid(&app.router, &cookie, id(&joined)).await;
    }
    assert_eq!(group(&app, None, group_id).await["state"], "succeeded");
    let dashboard = get_as(&app.router, Some(&cookie_a), "/api/v1/account/referrals").await;
    assert_eq!(dashboard["orders"], 2, "{dashboard}");
    assert_eq!(dashboard["order_value"]["amount"], 2 * group_price(TRIO));

    // A refunded order earns nothing.
    let app = app_with(Options {
        group_window_secs: Some(1),
        ..Options::default()
    })
    .await;
    let (sharer, cookie_a) = member(&app, "团长A").await;
    let code = common::code_of(&app, sharer).await;
    let group_id = open_group(&app.router, &cookie_a, FIVE).await;
    let (_, cookie) = member(&app, "B").await;
    let with_ref = format!("{cookie}; quanzi_ref={code}");
    let joined = placed(&app.router, &with_ref, join_group(group_id)).await;
    paid(&app.router, &cookie, id(&joined)).await;
    let dashboard = get_as(&app.router, Some(&cookie_a), "/api/v1/account/referrals").await;
    assert_eq!(dashboard["orders"], 1);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let dashboard = get_as(&app.router, Some(&cookie_a), "/api/v1/account/referrals").await;
    assert_eq!(dashboard["orders"], 0, "{dashboard}");
}

#[tokio::test]
async fn a_group_shows_the_price_it_charges_fixed_when_it_started() {
    let app = app().await;
    let (_, cookie) = member(&app, "团长").await;
    let group_id = open_group(&app.router, &cookie, TRIO).await;
    let g = group(&app, None, group_id).await;
    assert_eq!(g["price"]["amount"], group_price(TRIO), "{g}");
    assert_eq!(g["price"]["currency"], "CNY");
    // The product's offer changes; the group's price does not, and a join pays it.
    app.exec(&format!(
        "UPDATE products SET group_price = group_price + 500 WHERE id = {TRIO}"
    ))
    .await;
    let g = group(&app, None, group_id).await;
    assert_eq!(g["price"]["amount"], group_price(TRIO));
    let listed = get_as(
        &app.router,
        None,
        &format!("/api/v1/products/{TRIO}/groups"),
    )
    .await;
    assert_eq!(listed["items"][0]["price"], g["price"]);
    let (_, cookie_b) = member(&app, "B").await;
    let join = placed(&app.router, &cookie_b, join_group(group_id)).await;
    assert_eq!(join["total"], g["price"]);
}
