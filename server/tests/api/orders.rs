//! Carts, pickup points, orders and payments: the rules, idempotent retries, holds, the test
//! payment provider and referral credit, on a real SQLite file.

use crate::common;

use std::time::Duration;

use axum::http::{Method, StatusCode};
use common::{
    app, app_with, call, call_with, count, get_as, member, new_key, number, order, order_with_key,
    paid, pay, pay_with_key, placed, solo, start_group, stock_of, store, Options,
};
use serde_json::{json, Value};

/// A product with no group offer in the demo store, and one with stock 0.
const SOLO_ONLY: i64 = 6;
const SOLD_OUT: i64 = 20;

fn solo_price(product_id: i64) -> i64 {
    store()["products"]
        .as_array()
        .expect("products")
        .iter()
        .find(|p| p["id"] == product_id)
        .and_then(|p| p["solo_price"].as_i64())
        .expect("solo price")
}

async fn put_item(
    app: &common::TestApp,
    cookie: &str,
    product: &str,
    body: Value,
) -> common::Reply {
    call(
        &app.router,
        Method::PUT,
        &format!("/api/v1/cart/items/{product}"),
        Some(cookie),
        Some(body),
    )
    .await
}

fn lines(cart: &Value) -> Vec<(i64, i64)> {
    cart["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| {
            (
                l["product"]["id"].as_i64().expect("id"),
                l["quantity"].as_i64().expect("quantity"),
            )
        })
        .collect()
}

fn id(order: &Value) -> i64 {
    order["id"].as_i64().expect("order id")
}

#[tokio::test]
async fn pickup_points_are_listed_in_both_languages() {
    let app = app().await;
    let zh = get_as(&app.router, None, "/api/v1/pickup-points").await;
    let items = zh["items"].as_array().expect("items");
    assert!(items.len() >= 3, "{zh}");
    assert!(zh["next_cursor"].is_null());
    assert!(items[0]["name"]
        .as_str()
        .is_some_and(|n| n.contains("自提")));
    assert!(items[0]["address"]
        .as_str()
        .is_some_and(|a| a.contains("杭州")));
    assert!(items[0]["hours"].as_str().is_some_and(|h| !h.is_empty()));
    let en = common::get_ok(&app.router, "/api/v1/pickup-points", "en").await;
    assert!(en["items"][0]["address"]
        .as_str()
        .is_some_and(|a| a.contains("Hangzhou")));
}

#[tokio::test]
async fn the_cart_takes_quantities_from_1_to_20_and_at_most_30_lines() {
    let app = app().await;
    let (_, cookie) = member(&app, "买家").await;
    let anonymous = call(&app.router, Method::GET, "/api/v1/cart", None, None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    let reply = put_item(&app, &cookie, "2", json!({"quantity": 3})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let cart = reply.json();
    assert_eq!(lines(&cart), vec![(2, 3)]);
    assert_eq!(cart["lines"][0]["subtotal"]["amount"], solo_price(2) * 3);
    assert_eq!(cart["total"]["amount"], solo_price(2) * 3);
    assert_eq!(cart["total"]["currency"], "CNY");
    assert_eq!(cart["lines"][0]["stock"], stock_of(&app, 2).await);

    // A whole LineRequest is fine too, when it names the same product.
    let reply = put_item(&app, &cookie, "2", json!({"product_id": 2, "quantity": 20})).await;
    assert_eq!(lines(&reply.json()), vec![(2, 20)]);
    let reply = put_item(&app, &cookie, "1", json!({"quantity": 1})).await;
    assert_eq!(lines(&reply.json()), vec![(2, 20), (1, 1)]);

    for (product, body, status, code) in [
        (
            "2",
            json!({"quantity": 21}),
            StatusCode::BAD_REQUEST,
            "bad_quantity",
        ),
        (
            "2",
            json!({"quantity": -1}),
            StatusCode::BAD_REQUEST,
            "bad_quantity",
        ),
        (
            "2",
            json!({"quantity": "2"}),
            StatusCode::BAD_REQUEST,
            "bad_json",
        ),
        (
            "2",
            json!({"product_id": 3, "quantity": 1}),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "abc",
            json!({"quantity": 1}),
            StatusCode::BAD_REQUEST,
            "bad_id",
        ),
        (
            "0",
            json!({"quantity": 1}),
            StatusCode::BAD_REQUEST,
            "bad_id",
        ),
        (
            "999999",
            json!({"quantity": 1}),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
    ] {
        let reply = put_item(&app, &cookie, product, body.clone()).await;
        assert_eq!(reply.status, status, "{product} {body}: {}", reply.text());
        assert_eq!(reply.error_code(), code);
    }

    // 0 removes.
    let reply = put_item(&app, &cookie, "2", json!({"quantity": 0})).await;
    assert_eq!(lines(&reply.json()), vec![(1, 1)]);

    // Up to 30 lines; the 31st is refused and changes nothing.
    for product in 2..=30 {
        let reply = put_item(&app, &cookie, &product.to_string(), json!({"quantity": 1})).await;
        assert_eq!(reply.status, StatusCode::OK, "{product}: {}", reply.text());
    }
    assert_eq!(count(&app, "SELECT count(*) FROM cart_items").await, 30);
    let extra = common::extra_product(&app).await;
    let reply = put_item(&app, &cookie, &extra.to_string(), json!({"quantity": 1})).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error_code(), "bad_quantity");
    assert_eq!(count(&app, "SELECT count(*) FROM cart_items").await, 30);
    // Changing a line of a full cart is fine.
    let reply = put_item(&app, &cookie, "30", json!({"quantity": 4})).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(count(&app, "SELECT count(*) FROM cart_items").await, 30);

    // Writes from another site are refused.
    let reply = call_with(
        &app.router,
        Method::PUT,
        "/api/v1/cart/items/2",
        Some(&cookie),
        &[("origin", "http://evil.example")],
        Some(json!({"quantity": 1})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_guest_cart_merges_adding_up_to_20_all_or_nothing() {
    let app = app().await;
    let (_, cookie) = member(&app, "买家").await;
    put_item(&app, &cookie, "1", json!({"quantity": 15})).await;
    let merge = |body: Value| {
        let router = app.router.clone();
        let cookie = cookie.clone();
        async move {
            call(
                &router,
                Method::POST,
                "/api/v1/cart/merge",
                Some(&cookie),
                Some(body),
            )
            .await
        }
    };
    let reply = merge(json!({"lines": [
        {"product_id": 1, "quantity": 10},
        {"product_id": 3, "quantity": 2},
        {"product_id": 3, "quantity": 1},
        {"product_id": 2, "quantity": 1},
    ]}))
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    // The member's line first, then the guest's in the order sent; 15 + 10 caps at 20.
    assert_eq!(lines(&reply.json()), vec![(1, 20), (3, 3), (2, 1)]);

    // An unknown product or a bad quantity: 404 / 400 and nothing changes.
    let reply = merge(
        json!({"lines": [{"product_id": 4, "quantity": 1}, {"product_id": 999999, "quantity": 1}]}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = merge(
        json!({"lines": [{"product_id": 4, "quantity": 1}, {"product_id": 5, "quantity": 0}]}),
    )
    .await;
    assert_eq!(reply.error_code(), "bad_quantity");
    let reply = merge(json!({"lines": [{"product_id": 4, "quantity": 21}]})).await;
    assert_eq!(reply.error_code(), "bad_quantity");
    let cart = get_as(&app.router, Some(&cookie), "/api/v1/cart").await;
    assert_eq!(lines(&cart), vec![(1, 20), (3, 3), (2, 1)]);

    // More than 30 lines, in the request or after the merge, is refused as a whole.
    let repeated: Vec<Value> = (0..31)
        .map(|_| json!({"product_id": 1, "quantity": 1}))
        .collect();
    let reply = merge(json!({ "lines": repeated })).await;
    assert_eq!(reply.error_code(), "bad_quantity");
    let extra = common::extra_product(&app).await;
    let mut many: Vec<Value> = (4..=30)
        .map(|id| json!({"product_id": id, "quantity": 1}))
        .collect();
    many.push(json!({"product_id": extra, "quantity": 1}));
    let reply = merge(json!({ "lines": many })).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
    assert_eq!(reply.error_code(), "bad_quantity");
    let cart = get_as(&app.router, Some(&cookie), "/api/v1/cart").await;
    assert_eq!(lines(&cart).len(), 3);
}

#[tokio::test]
async fn a_solo_order_takes_its_stock_is_paid_and_then_leaves_the_cart() {
    let app = app().await;
    let (_, cookie) = member(&app, "买家").await;
    put_item(&app, &cookie, "2", json!({"quantity": 2})).await;
    put_item(&app, &cookie, "3", json!({"quantity": 1})).await;
    let (stock2, stock3) = (stock_of(&app, 2).await, stock_of(&app, 3).await);

    let order = placed(&app.router, &cookie, solo(&[(2, 2)])).await;
    assert_eq!(order["status"], "pending_payment");
    assert_eq!(order["payment"], "unpaid");
    // From ¥99, delivery is free.
    assert!(solo_price(2) * 2 >= quanzi_api::order::FREE_DELIVERY_FROM);
    assert_eq!(order["kind"], "solo");
    assert_eq!(order["delivery_fee"]["amount"], 0);
    assert_eq!(order["total"]["amount"], solo_price(2) * 2);
    assert_eq!(order["lines"][0]["unit_price"]["amount"], solo_price(2));
    assert_eq!(order["lines"][0]["quantity"], 2);
    assert_eq!(order["fulfilment"]["kind"], "delivery");
    assert!(order["pickup_point"].is_null());
    assert!(order["group_id"].is_null());
    assert!(order["hold_until"].is_string(), "{order}");
    assert!(order["server_time"].is_string());
    assert!(order["note"].is_null());
    assert_eq!(stock_of(&app, 2).await, stock2 - 2);
    assert_eq!(stock_of(&app, 3).await, stock3);
    // Unpaid, the cart is as it was: a shopper who leaves to pay loses nothing.
    let cart = get_as(&app.router, Some(&cookie), "/api/v1/cart").await;
    assert_eq!(lines(&cart), vec![(2, 2), (3, 1)]);

    let after = paid(&app.router, &cookie, id(&order)).await;
    // Paid, the ordered product left the cart; the other stayed.
    let cart = get_as(&app.router, Some(&cookie), "/api/v1/cart").await;
    assert_eq!(lines(&cart), vec![(3, 1)]);
    assert_eq!(after["status"], "paid");
    assert_eq!(after["payment"], "approved");
    assert!(after["hold_until"].is_null());
    assert_eq!(stock_of(&app, 2).await, stock2 - 2);

    // A pickup order is ready for pickup once paid, and names its point.
    let body = json!({"purchase": {"kind": "solo", "lines": [{"product_id": 3, "quantity": 1}]},
                      "fulfilment": common::pickup(2)});
    let order = placed(&app.router, &cookie, body).await;
    assert_eq!(order["pickup_point"]["id"], 2);
    assert!(order["pickup_point"]["hours"].is_string());
    // Picked up, it costs no delivery, and its contact is kept (as digits).
    assert_eq!(order["delivery_fee"]["amount"], 0);
    assert_eq!(order["total"]["amount"], solo_price(3));
    assert_eq!(order["fulfilment"]["name"], "小鹿");
    assert_eq!(order["fulfilment"]["phone"], "13900001111");
    let after = paid(&app.router, &cookie, id(&order)).await;
    assert_eq!(after["status"], "paid");

    // Paid is paid.
    let again = pay(&app.router, &cookie, id(&order), "approve").await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.error_code(), "not_payable");
}

#[tokio::test]
async fn delivery_costs_a_fee_below_the_free_delivery_amount_and_never_in_a_group() {
    use quanzi_api::order::{DELIVERY_FEE, FREE_DELIVERY_FROM};
    let app = app().await;
    let (_, cookie) = member(&app, "买家").await;
    const CHEAP: i64 = 7;
    assert!(solo_price(CHEAP) < FREE_DELIVERY_FROM);
    let product = format!("/api/v1/products/{CHEAP}");
    let before = get_as(&app.router, None, &product).await;
    let order = placed(&app.router, &cookie, solo(&[(CHEAP, 1)])).await;
    assert_eq!(order["delivery_fee"]["amount"], DELIVERY_FEE);
    assert_eq!(order["total"]["amount"], solo_price(CHEAP) + DELIVERY_FEE);
    // The fee is charged with the rest.
    let payment = paid(&app.router, &cookie, id(&order)).await;
    assert_eq!(payment["total"], order["total"]);
    assert_eq!(
        number(
            &app,
            "SELECT amount FROM payments WHERE order_id = $1",
            id(&order)
        )
        .await,
        solo_price(CHEAP) + DELIVERY_FEE
    );
    // Sold counts paid units only (the unpaid order before did not count).
    let after = get_as(&app.router, None, &product).await;
    assert_eq!(after["sold"], before["sold"].as_i64().unwrap_or(-1) + 1);
    assert_eq!(after["groups_formed"], before["groups_formed"]);
    assert!(after["shows"].as_i64().is_some_and(|n| n >= 0));
    // A group ships together, free.
    let group = placed(
        &app.router,
        &cookie,
        json!({"purchase": {"kind": "start_group", "product_id": CHEAP}, "fulfilment": common::delivery()}),
    )
    .await;
    assert_eq!(group["kind"], "start_group");
    assert_eq!(group["delivery_fee"]["amount"], 0);
}

#[tokio::test]
async fn a_cancelled_order_is_bought_again_into_the_cart_naming_what_is_sold_out() {
    let app = app().await;
    let (_, cookie) = member(&app, "买家").await;
    let order = placed(&app.router, &cookie, solo(&[(2, 3), (3, 1)])).await;
    // The cart has changed since: one line fewer, one smaller.
    put_item(&app, &cookie, "2", json!({"quantity": 1})).await;
    put_item(&app, &cookie, "3", json!({"quantity": 0})).await;
    app_set_stock(&app, 3, 0).await;
    let path = format!("/api/v1/orders/{}/reorder", id(&order));
    let reply = call(&app.router, Method::POST, &path, Some(&cookie), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let answer = reply.json();
    assert_eq!(lines(&answer["cart"]), vec![(2, 3)]);
    assert_eq!(answer["unavailable"][0]["id"], 3);
    assert_eq!(answer["unavailable"].as_array().map(Vec::len), Some(1));
    // Again changes nothing more; someone else's order is nobody's.
    let again = call(&app.router, Method::POST, &path, Some(&cookie), None).await;
    assert_eq!(lines(&again.json()["cart"]), vec![(2, 3)]);
    let (_, other) = member(&app, "别人").await;
    let theirs = call(&app.router, Method::POST, &path, Some(&other), None).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(theirs.error_code(), "not_found");
    let guest = call(&app.router, Method::POST, &path, None, None).await;
    assert_eq!(guest.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn stock_is_never_oversold_and_a_refused_order_changes_nothing() {
    let app = app().await;
    let (_, cookie) = member(&app, "买家").await;
    let stock1 = stock_of(&app, 1).await;
    assert_eq!(stock_of(&app, SOLD_OUT).await, 0);
    let orders_before = count(&app, "SELECT count(*) FROM orders").await;
    let reply = order(&app.router, &cookie, solo(&[(1, 2), (SOLD_OUT, 1)])).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.text());
    assert_eq!(reply.error_code(), "out_of_stock");
    assert_eq!(stock_of(&app, 1).await, stock1, "nothing half-done");
    assert_eq!(
        count(&app, "SELECT count(*) FROM orders").await,
        orders_before
    );
    assert_eq!(count(&app, "SELECT count(*) FROM order_lines").await, 0);

    // The last few in stock go to whoever asks first, never more.
    let (_, other) = member(&app, "另一位").await;
    app_set_stock(&app, 3, 5).await;
    let first = order(&app.router, &cookie, solo(&[(3, 4)])).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let second = order(&app.router, &other, solo(&[(3, 2)])).await;
    assert_eq!(second.error_code(), "out_of_stock");
    let third = order(&app.router, &other, solo(&[(3, 1)])).await;
    assert_eq!(third.status, StatusCode::CREATED);
    assert_eq!(stock_of(&app, 3).await, 0);
}

async fn app_set_stock(app: &common::TestApp, product_id: i64, stock: i64) {
    app.exec(&format!(
        "UPDATE products SET stock = {stock} WHERE id = {product_id}"
    ))
    .await;
}

#[tokio::test]
async fn bad_orders_are_refused_with_clear_codes() {
    let app = app().await;
    let (_, cookie) = member(&app, "买家").await;
    let with_fulfilment = |fulfilment: Value| json!({"purchase": {"kind": "solo", "lines": [{"product_id": 1, "quantity": 1}]}, "fulfilment": fulfilment});
    let delivery = |name: &str, phone: &str, address: &str| {
        with_fulfilment(
            json!({"kind": "delivery", "name": name, "phone": phone, "address": address}),
        )
    };
    for (body, status, code) in [
        (
            json!({"purchase": {"kind": "solo", "lines": []}, "fulfilment": common::delivery()}),
            400,
            "empty_cart",
        ),
        (solo(&[(1, 0)]), 400, "bad_quantity"),
        (solo(&[(1, 21)]), 400, "bad_quantity"),
        (solo(&[(1, 12), (1, 9)]), 400, "bad_quantity"),
        (solo(&[(999_999, 1)]), 404, "not_found"),
        (start_group(999_999), 404, "not_found"),
        (start_group(SOLO_ONLY), 400, "no_group_offer"),
        (common::join_group(999_999), 404, "not_found"),
        (
            delivery("", "13800000000", "杭州市西湖区文三路"),
            400,
            "bad_fulfilment",
        ),
        (
            delivery(&"长".repeat(31), "13800000000", "杭州市西湖区文三路"),
            400,
            "bad_fulfilment",
        ),
        (
            delivery("小鹿", "1234", "杭州市西湖区文三路"),
            400,
            "bad_fulfilment",
        ),
        (
            delivery("小鹿", "138", "杭州市西湖区文三路"),
            400,
            "bad_fulfilment",
        ),
        (
            delivery("小鹿", "12345", "杭州市西湖区文三路"),
            400,
            "bad_fulfilment",
        ),
        (
            delivery("小鹿", "12800000000", "杭州市西湖区文三路"),
            400,
            "bad_fulfilment",
        ),
        (
            with_fulfilment(
                json!({"kind": "pickup", "point_id": 1, "name": "小鹿", "phone": "138"}),
            ),
            400,
            "bad_fulfilment",
        ),
        (
            with_fulfilment(
                json!({"kind": "pickup", "point_id": 1, "name": " ", "phone": "13800000000"}),
            ),
            400,
            "bad_fulfilment",
        ),
        (
            with_fulfilment(json!({"kind": "pickup", "point_id": 1})),
            400,
            "bad_json",
        ),
        (
            delivery("小鹿", "phone-number", "杭州市西湖区文三路"),
            400,
            "bad_fulfilment",
        ),
        (
            delivery("小鹿", "13800000000", "杭州"),
            400,
            "bad_fulfilment",
        ),
        (with_fulfilment(common::pickup(999)), 400, "bad_fulfilment"),
        (with_fulfilment(json!({"kind": "courier"})), 400, "bad_json"),
        (
            json!({"purchase": {"kind": "solo", "lines": [{"product_id": 1, "quantity": -1}]}, "fulfilment": common::delivery()}),
            400,
            "bad_json",
        ),
    ] {
        let reply = order(&app.router, &cookie, body.clone()).await;
        assert_eq!(reply.status.as_u16(), status, "{body}: {}", reply.text());
        assert_eq!(reply.error_code(), code, "{body}");
    }
    assert_eq!(count(&app, "SELECT count(*) FROM orders").await, 0);
    let full = solo(&(1..=31).map(|id| (id, 1)).collect::<Vec<_>>());
    assert_eq!(
        order(&app.router, &cookie, full).await.error_code(),
        "bad_quantity"
    );

    // Guests and other sites are refused before anything else.
    let reply = call_with(
        &app.router,
        Method::POST,
        "/api/v1/orders",
        None,
        &[("idempotency-key", "k")],
        Some(solo(&[(1, 1)])),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let reply = call_with(
        &app.router,
        Method::POST,
        "/api/v1/orders",
        Some(&cookie),
        &[("idempotency-key", "k"), ("origin", "https://evil.example")],
        Some(solo(&[(1, 1)])),
    )
    .await;
    assert_eq!(reply.error_code(), "bad_origin");

    // Bad ids in order paths.
    for uri in [
        "/api/v1/orders/abc",
        "/api/v1/orders/0",
        "/api/v1/orders/-1",
    ] {
        let reply = call(&app.router, Method::GET, uri, Some(&cookie), None).await;
        assert_eq!(reply.error_code(), "bad_id", "{uri}");
    }
    let reply = pay(&app.router, &cookie, 999_999, "approve").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_key_left_at_work_by_a_stopped_server_is_let_go_only_for_its_own_request() {
    let app = app().await;
    let (me, cookie) = member(&app, "买家").await;
    // A request of another body took "left-1" two minutes ago and its server stopped
    // mid-way (stale after a minute; kept for a day).
    let fingerprint = if app.db.is_postgres() {
        "decode(repeat('ab', 32), 'hex')"
    } else {
        "randomblob(32)"
    };
    let taken = quanzi_server::storage::db::now_ms() - 2 * 60 * 1000;
    app.exec(&format!(
        "INSERT INTO idempotency_keys (member_id, idem_key, fingerprint, status, body, created_ms)
         VALUES ({me}, 'left-1', {fingerprint}, NULL, NULL, {taken})"
    ))
    .await;
    // Another request with that key is still refused: it is not the one that took it.
    let reused = order_with_key(&app.router, &cookie, "left-1", solo(&[(2, 1)])).await;
    assert_eq!(
        reused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reused.text()
    );
    assert_eq!(reused.error_code(), "idempotency_key_reused");
    assert_eq!(count(&app, "SELECT count(*) FROM orders").await, 0);
}

#[tokio::test]
async fn an_order_needs_a_key_and_a_retry_with_it_places_nothing_new() {
    let app = app().await;
    let (_, cookie) = member(&app, "买家").await;
    let body = solo(&[(2, 1)]);
    let missing = call(
        &app.router,
        Method::POST,
        "/api/v1/orders",
        Some(&cookie),
        Some(body.clone()),
    )
    .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.error_code(), "missing_idempotency_key");
    let long = "k".repeat(201);
    for bad in ["", "   ", long.as_str(), "ключ"] {
        let reply = call_with(
            &app.router,
            Method::POST,
            "/api/v1/orders",
            Some(&cookie),
            &[("idempotency-key", bad)],
            Some(body.clone()),
        )
        .await;
        assert_eq!(reply.error_code(), "missing_idempotency_key", "{bad:?}");
    }
    assert_eq!(count(&app, "SELECT count(*) FROM orders").await, 0);

    let stock = stock_of(&app, 2).await;
    let first = order_with_key(&app.router, &cookie, "order-1", body.clone()).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(first.header("idempotent-replayed"), "");
    let retry = order_with_key(&app.router, &cookie, "order-1", body.clone()).await;
    assert_eq!(retry.status, StatusCode::CREATED);
    assert_eq!(retry.body, first.body, "the very same answer");
    assert_eq!(retry.header("idempotent-replayed"), "true");
    // The same JSON written differently is the same request.
    let respelled = json!({"fulfilment": common::delivery(), "purchase": {"lines": [{"quantity": 1, "product_id": 2}], "kind": "solo"}});
    let retry = order_with_key(&app.router, &cookie, "order-1", respelled).await;
    assert_eq!(retry.body, first.body);
    assert_eq!(count(&app, "SELECT count(*) FROM orders").await, 1);
    assert_eq!(stock_of(&app, 2).await, stock - 1);

    // The same key with another request is refused; another member's same key is theirs.
    let reused = order_with_key(&app.router, &cookie, "order-1", solo(&[(2, 2)])).await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reused.error_code(), "idempotency_key_reused");
    let (_, other) = member(&app, "另一位").await;
    let theirs = order_with_key(&app.router, &other, "order-1", solo(&[(2, 2)])).await;
    assert_eq!(theirs.status, StatusCode::CREATED);
    assert_eq!(count(&app, "SELECT count(*) FROM orders").await, 2);

    // A refusal is an answer too: its retry gets the same refusal, even once it would pass.
    app_set_stock(&app, 4, 0).await;
    let refused = order_with_key(&app.router, &cookie, "order-2", solo(&[(4, 1)])).await;
    assert_eq!(refused.error_code(), "out_of_stock");
    app_set_stock(&app, 4, 10).await;
    let retry = order_with_key(&app.router, &cookie, "order-2", solo(&[(4, 1)])).await;
    assert_eq!(retry.status, StatusCode::CONFLICT);
    assert_eq!(retry.body, refused.body);
    assert_eq!(
        order(&app.router, &cookie, solo(&[(4, 1)])).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn a_payment_retry_charges_once() {
    let app = app().await;
    let (_, cookie) = member(&app, "买家").await;
    let order = placed(&app.router, &cookie, solo(&[(2, 1)])).await;
    let missing = call(
        &app.router,
        Method::POST,
        &format!("/api/v1/orders/{}/pay", id(&order)),
        Some(&cookie),
        Some(json!({"outcome": "approve"})),
    )
    .await;
    assert_eq!(missing.error_code(), "missing_idempotency_key");
    let first = pay_with_key(&app.router, &cookie, id(&order), "pay-1", "approve").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    let retry = pay_with_key(&app.router, &cookie, id(&order), "pay-1", "approve").await;
    assert_eq!(retry.status, StatusCode::OK);
    assert_eq!(retry.body, first.body);
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM payments WHERE order_id = $1",
            id(&order)
        )
        .await,
        1
    );
    let reused = pay_with_key(&app.router, &cookie, id(&order), "pay-1", "decline").await;
    assert_eq!(reused.error_code(), "idempotency_key_reused");
    // The key is bound to the order too.
    let other = placed(&app.router, &cookie, solo(&[(2, 1)])).await;
    let reused = pay_with_key(&app.router, &cookie, id(&other), "pay-1", "approve").await;
    assert_eq!(reused.error_code(), "idempotency_key_reused");
}

#[tokio::test]
async fn a_declined_payment_keeps_the_order_and_its_hold_and_may_be_paid_again() {
    let app = app().await;
    let (_, cookie) = member(&app, "买家").await;
    let stock = stock_of(&app, 3).await;
    let order = placed(&app.router, &cookie, solo(&[(3, 2)])).await;
    assert_eq!(stock_of(&app, 3).await, stock - 2);
    let declined = pay_with_key(&app.router, &cookie, id(&order), "d-1", "decline").await;
    assert_eq!(
        declined.status,
        StatusCode::PAYMENT_REQUIRED,
        "{}",
        declined.text()
    );
    assert_eq!(declined.error_code(), "payment_declined");
    // Its retry is the same refusal, not a second try.
    let retry = pay_with_key(&app.router, &cookie, id(&order), "d-1", "decline").await;
    assert_eq!(retry.status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(retry.body, declined.body);
    assert_eq!(
        stock_of(&app, 3).await,
        stock - 2,
        "a declined order keeps its stock"
    );
    let now = get_as(
        &app.router,
        Some(&cookie),
        &format!("/api/v1/orders/{}", id(&order)),
    )
    .await;
    assert_eq!(now["status"], "pending_payment");
    assert_eq!(now["payment"], "declined");
    // The same hold, not a new one: what the page counts down does not jump.
    assert_eq!(now["hold_until"], order["hold_until"], "{now}");

    // Paying again finds the stock still held for it.
    app_set_stock(&app, 3, 0).await;
    let again = paid(&app.router, &cookie, id(&order)).await;
    assert_eq!(again["status"], "paid");
    assert_eq!(stock_of(&app, 3).await, 0);
}

#[tokio::test]
async fn an_unpaid_hold_runs_out_and_the_order_is_cancelled() {
    let app = app_with(Options {
        seat_hold_secs: 1,
        expiry_sweep: None,
        ..Options::default()
    })
    .await;
    let (_, cookie) = member(&app, "买家").await;
    let stock = stock_of(&app, 2).await;
    let order = placed(&app.router, &cookie, solo(&[(2, 3)])).await;
    assert_eq!(stock_of(&app, 2).await, stock - 3);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let late = pay(&app.router, &cookie, id(&order), "approve").await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.text());
    assert_eq!(late.error_code(), "hold_expired");
    assert_eq!(stock_of(&app, 2).await, stock, "the stock went back");
    let reply = call_with(
        &app.router,
        Method::GET,
        &format!("/api/v1/orders/{}", id(&order)),
        Some(&cookie),
        &[("accept-language", "en")],
        None,
    )
    .await;
    let now = reply.json();
    assert_eq!(now["status"], "cancelled");
    assert_eq!(now["payment"], "unpaid");
    assert!(now["hold_until"].is_null());
    assert!(
        now["note"].as_str().is_some_and(|n| n.contains("hold")),
        "{now}"
    );
    // Still hold_expired, not a generic refusal, when paid again.
    assert_eq!(
        pay(&app.router, &cookie, id(&order), "approve")
            .await
            .error_code(),
        "hold_expired"
    );
}

#[tokio::test]
async fn a_declined_order_is_cancelled_once_its_deadline_passes() {
    let app = app_with(Options {
        seat_hold_secs: 1,
        expiry_sweep: None,
        ..Options::default()
    })
    .await;
    let (_, cookie) = member(&app, "买家").await;
    let stock = stock_of(&app, 2).await;
    let order = placed(&app.router, &cookie, solo(&[(2, 1)])).await;
    let declined = pay(&app.router, &cookie, id(&order), "decline").await;
    assert_eq!(declined.status, StatusCode::PAYMENT_REQUIRED);
    let uri = format!("/api/v1/orders/{}", id(&order));
    let now = get_as(&app.router, Some(&cookie), &uri).await;
    assert_eq!(now["status"], "pending_payment");
    assert!(now["hold_until"].is_string(), "{now}");
    tokio::time::sleep(Duration::from_millis(1200)).await;
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
    assert_eq!(now["status"], "cancelled", "{now}");
    assert_eq!(now["payment"], "declined");
    assert!(now["hold_until"].is_null());
    assert!(
        now["note"]
            .as_str()
            .is_some_and(|n| n.contains("not paid again")),
        "{now}"
    );
    assert_eq!(stock_of(&app, 2).await, stock);
    assert_eq!(
        pay(&app.router, &cookie, id(&order), "approve")
            .await
            .error_code(),
        "hold_expired"
    );
}

#[tokio::test]
async fn a_slow_payment_is_processing_then_approved() {
    let app = app_with(Options {
        test_payment_delay_secs: 1,
        ..Options::default()
    })
    .await;
    let (_, cookie) = member(&app, "买家").await;
    let order = placed(&app.router, &cookie, solo(&[(2, 1)])).await;
    let slow = pay(&app.router, &cookie, id(&order), "slow").await;
    assert_eq!(slow.status, StatusCode::OK, "{}", slow.text());
    assert_eq!(slow.json()["payment"], "processing");
    assert_eq!(slow.json()["status"], "pending_payment");
    // A second try while it is under way is refused.
    let busy = pay(&app.router, &cookie, id(&order), "approve").await;
    assert_eq!(busy.error_code(), "not_payable");
    // The timer approves it without anyone asking.
    tokio::time::sleep(Duration::from_millis(1600)).await;
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT count(*) FROM orders WHERE id = {} AND payment = 'approved'",
                id(&order)
            )
        )
        .await,
        1
    );
    let now = get_as(
        &app.router,
        Some(&cookie),
        &format!("/api/v1/orders/{}", id(&order)),
    )
    .await;
    assert_eq!(now["status"], "paid");
}

#[tokio::test]
async fn orders_are_their_owners_and_listed_newest_first() {
    let app = app().await;
    let (_, cookie) = member(&app, "买家").await;
    let (_, other) = member(&app, "另一位").await;
    let mut ids = Vec::new();
    for product in [1, 2, 3] {
        ids.push(id(
            &placed(&app.router, &cookie, solo(&[(product, 1)])).await
        ));
    }
    let page = get_as(&app.router, Some(&cookie), "/api/v1/orders?limit=2").await;
    let got: Vec<i64> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(id)
        .collect();
    assert_eq!(got, vec![ids[2], ids[1]]);
    let cursor = page["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_owned();
    let page = get_as(
        &app.router,
        Some(&cookie),
        &format!("/api/v1/orders?limit=2&cursor={cursor}"),
    )
    .await;
    let got: Vec<i64> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(id)
        .collect();
    assert_eq!(got, vec![ids[0]]);
    assert!(page["next_cursor"].is_null());
    let theirs = get_as(&app.router, Some(&other), "/api/v1/orders").await;
    assert_eq!(theirs["items"].as_array().map(Vec::len), Some(0));
    // Someone else's order does not exist for them, to read or to pay.
    let uri = format!("/api/v1/orders/{}", ids[0]);
    assert_eq!(
        call(&app.router, Method::GET, &uri, Some(&other), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        pay(&app.router, &other, ids[0], "approve").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app.router, Method::GET, &uri, None, None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let bad = call(
        &app.router,
        Method::GET,
        "/api/v1/orders?cursor=x",
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(bad.error_code(), "bad_cursor");
}

#[tokio::test]
async fn paid_orders_are_credited_to_the_referrer() {
    let app = app().await;
    let (sharer, sharer_cookie) = member(&app, "分享者").await;
    let (second, _) = member(&app, "第二位").await;
    let (buyer, cookie) = member(&app, "买家").await;
    let code_of = |member: i64| common::code_of(&app, member);
    let referrer_of = |order_id: i64| {
        let app = &app;
        async move {
            sqlx::query_scalar::<_, Option<i64>>("SELECT referrer_id FROM orders WHERE id = $1")
                .bind(order_id)
                .fetch_one(&mut app.conn().await)
                .await
                .expect("order")
        }
    };
    // The code the app kept.
    let mut body = solo(&[(2, 1)]);
    body["referral_code"] = json!(code_of(sharer).await.to_lowercase());
    let first = placed(&app.router, &cookie, body.clone()).await;
    assert_eq!(referrer_of(id(&first)).await, Some(sharer));
    // The referral cookie wins over it.
    let with_cookie = format!("{cookie}; quanzi_ref={}", code_of(second).await);
    let reply = call_with(
        &app.router,
        Method::POST,
        "/api/v1/orders",
        Some(&with_cookie),
        &[("idempotency-key", &new_key())],
        Some(body.clone()),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(referrer_of(id(&reply.json())).await, Some(second));
    // Never the buyer: their own code falls through to who referred them.
    app.exec(&format!(
        "UPDATE members SET referred_by = {second}, referred_ms = 0 WHERE id = {buyer}"
    ))
    .await;
    let mut own = solo(&[(2, 1)]);
    own["referral_code"] = json!(code_of(buyer).await);
    let third = placed(&app.router, &cookie, own).await;
    assert_eq!(referrer_of(id(&third)).await, Some(second));

    // Only paid orders count, with their value.
    let dashboard = get_as(
        &app.router,
        Some(&sharer_cookie),
        "/api/v1/account/referrals",
    )
    .await;
    assert_eq!(dashboard["orders"], 0);
    paid(&app.router, &cookie, id(&first)).await;
    let dashboard = get_as(
        &app.router,
        Some(&sharer_cookie),
        "/api/v1/account/referrals",
    )
    .await;
    assert_eq!(dashboard["orders"], 1);
    assert_eq!(dashboard["order_value"]["amount"], solo_price(2));
    let today = dashboard["days"]
        .as_array()
        .and_then(|d| d.last())
        .cloned()
        .expect("today");
    assert_eq!(today["orders"], 1);
    assert_eq!(today["order_value"]["amount"], solo_price(2));
}

#[tokio::test]
async fn a_start_without_payment_makes_no_group() {
    let app = app().await;
    let (_, cookie) = member(&app, "团长").await;
    let order = placed(&app.router, &cookie, start_group(2)).await;
    assert_eq!(order["status"], "pending_payment");
    assert!(order["group_id"].is_null());
    assert_eq!(count(&app, "SELECT count(*) FROM group_buys").await, 0);
    let declined = pay(&app.router, &cookie, id(&order), "decline").await;
    assert_eq!(declined.status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(
        count(&app, "SELECT count(*) FROM group_buys").await,
        0,
        "no ghost groups"
    );
}

#[tokio::test]
async fn orders_are_counted_and_listed_by_shelf() {
    let app = app().await;
    let (_, cookie) = member(&app, "买家").await;
    let counts = |cookie: String| {
        let router = app.router.clone();
        async move { get_as(&router, Some(&cookie), "/api/v1/orders/counts").await }
    };
    assert_eq!(
        counts(cookie.clone()).await,
        json!({"pending_payment": 0, "awaiting_group": 0, "to_ship": 0, "completed": 0})
    );
    let unpaid = placed(&app.router, &cookie, solo(&[(2, 1)])).await;
    let shipped = placed(&app.router, &cookie, solo(&[(3, 1)])).await;
    paid(&app.router, &cookie, id(&shipped)).await;
    let group = placed(&app.router, &cookie, start_group(2)).await;
    paid(&app.router, &cookie, id(&group)).await;
    assert_eq!(
        counts(cookie.clone()).await,
        json!({"pending_payment": 1, "awaiting_group": 1, "to_ship": 1, "completed": 0})
    );
    for (shelf, order) in [
        ("pending_payment", &unpaid),
        ("to_ship", &shipped),
        ("awaiting_group", &group),
    ] {
        let page = get_as(
            &app.router,
            Some(&cookie),
            &format!("/api/v1/orders?shelf={shelf}"),
        )
        .await;
        let ids: Vec<i64> = page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(id)
            .collect();
        assert_eq!(ids, vec![id(order)], "{shelf}");
    }
    let none = get_as(&app.router, Some(&cookie), "/api/v1/orders?shelf=completed").await;
    assert_eq!(none["items"], json!([]));
    let bad = call(
        &app.router,
        Method::GET,
        "/api/v1/orders?shelf=lost",
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.error_code(), "bad_request");
    // Someone else's shelves are their own.
    let (_, other) = member(&app, "别人").await;
    assert_eq!(counts(other).await["to_ship"], 0);
    let guest = call(
        &app.router,
        Method::GET,
        "/api/v1/orders/counts",
        None,
        None,
    )
    .await;
    assert_eq!(guest.status, StatusCode::UNAUTHORIZED);
}
