//! The store's staff: roles checked on every `/staff/*` request, an order's life after it is
//! paid (ready, handed over for its code, shipped, received, completed by itself, refunded),
//! the audit log, and the races and wrong codes of the pickup counter.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::*;

/// Signs a demo staff member in by email; returns their cookie.
async fn sign_in_staff(app: &TestApp, email: &str) -> String {
    let reply = call(
        &app.router,
        Method::POST,
        "/api/v1/account/sign-in",
        None,
        Some(json!({"email": email, "password": DEMO_PASSWORD})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    session_cookie(&reply)
}

pub async fn owner(app: &TestApp) -> String {
    sign_in_staff(app, "owner@demo.quanzi").await
}

/// The demo clerk, who serves pickup point 1.
pub async fn clerk(app: &TestApp) -> String {
    sign_in_staff(app, "clerk@demo.quanzi").await
}

pub fn id(v: &Value) -> i64 {
    v["id"].as_i64().expect("id")
}

pub async fn post(app: &TestApp, cookie: &str, uri: &str, body: Option<Value>) -> Reply {
    call(&app.router, Method::POST, uri, Some(cookie), body).await
}

/// A paid order of one product 2, collected at `point_id`.
pub async fn paid_pickup(app: &TestApp, cookie: &str, point_id: i64) -> i64 {
    let order = placed(
        &app.router,
        cookie,
        json!({"purchase": {"kind": "solo", "lines": [{"product_id": 2, "quantity": 1}]},
               "fulfilment": pickup(point_id)}),
    )
    .await;
    assert_eq!(
        paid(&app.router, cookie, id(&order)).await["status"],
        "paid"
    );
    id(&order)
}

/// A paid delivery order of one product 3.
async fn paid_delivery(app: &TestApp, cookie: &str) -> i64 {
    let order = placed(&app.router, cookie, solo(&[(3, 1)])).await;
    assert_eq!(
        paid(&app.router, cookie, id(&order)).await["status"],
        "paid"
    );
    id(&order)
}

pub async fn ready(app: &TestApp, staff: &str, order_id: i64) -> Value {
    let reply = post(
        app,
        staff,
        &format!("/api/v1/staff/orders/{order_id}/ready"),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()
}

pub async fn hand_over(app: &TestApp, staff: &str, point_id: i64, code: &str) -> Reply {
    post(
        app,
        staff,
        &format!("/api/v1/staff/points/{point_id}/handover"),
        Some(json!({ "code": code })),
    )
    .await
}

/// The shopper's view of their order.
pub async fn shopper_order(app: &TestApp, cookie: &str, order_id: i64) -> Value {
    get_as(
        &app.router,
        Some(cookie),
        &format!("/api/v1/orders/{order_id}"),
    )
    .await
}

/// The code the shopper's order page shows.
pub async fn code_of(app: &TestApp, cookie: &str, order_id: i64) -> String {
    shopper_order(app, cookie, order_id).await["pickup_code"]
        .as_str()
        .expect("a pickup code")
        .to_owned()
}

/// The console's list, as order ids.
async fn listed(app: &TestApp, cookie: &str, query: &str) -> Vec<i64> {
    get_as(
        &app.router,
        Some(cookie),
        &format!("/api/v1/staff/orders{query}"),
    )
    .await["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|o| id(&o["order"]))
        .collect()
}

/// A code that is none of the orders' waiting now.
async fn free_code(app: &TestApp) -> String {
    for n in 0..1000 {
        let code = format!("{:06}", 424_242 + n);
        let taken = count(
            app,
            &format!("SELECT count(*) FROM orders WHERE pickup_code = '{code}'"),
        )
        .await;
        if taken == 0 {
            return code;
        }
    }
    panic!("no free code");
}

#[tokio::test]
async fn only_staff_reach_the_console() {
    let app = app().await;
    let guest = call(&app.router, Method::GET, "/api/v1/staff/me", None, None).await;
    assert_eq!(guest.status, StatusCode::UNAUTHORIZED);
    let member = sign_in_demo(&app.router, 1).await;
    for uri in [
        "/api/v1/staff/me",
        "/api/v1/staff/orders",
        "/api/v1/staff/audit",
    ] {
        let reply = call(&app.router, Method::GET, uri, Some(&member), None).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{uri}");
        assert_eq!(reply.error_code(), "forbidden");
    }
    let order_id = paid_pickup(&app, &member, 1).await;
    let refused = post(
        &app,
        &member,
        &format!("/api/v1/staff/orders/{order_id}/ready"),
        None,
    )
    .await;
    assert_eq!(refused.error_code(), "forbidden");
    assert_eq!(
        shopper_order(&app, &member, order_id).await["status"],
        "paid"
    );

    let owner = owner(&app).await;
    let me = get_as(&app.router, Some(&owner), "/api/v1/staff/me").await;
    assert_eq!(me["role"], "owner");
    assert_eq!(me["points"].as_array().map(Vec::len), Some(3));
    let clerk = clerk(&app).await;
    let me = get_as(&app.router, Some(&clerk), "/api/v1/staff/me").await;
    assert_eq!(me["role"], "clerk");
    let points: Vec<i64> = me["points"]
        .as_array()
        .expect("points")
        .iter()
        .map(id)
        .collect();
    assert_eq!(points, vec![1]);
    // A clerk reads orders but does not read the audit log.
    let audit = call(
        &app.router,
        Method::GET,
        "/api/v1/staff/audit",
        Some(&clerk),
        None,
    )
    .await;
    assert_eq!(audit.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_pickup_order_is_made_ready_and_handed_over_for_its_code() {
    let app = app().await;
    let shopper = sign_in_demo(&app.router, 2).await;
    let clerk = clerk(&app).await;
    let order_id = paid_pickup(&app, &shopper, 1).await;
    assert!(shopper_order(&app, &shopper, order_id).await["pickup_code"].is_null());

    let staff_view = ready(&app, &clerk, order_id).await;
    assert_eq!(staff_view["order"]["status"], "ready_for_pickup");
    // Staff never see the code: the shopper shows it at the counter.
    assert!(staff_view["order"]["pickup_code"].is_null());
    assert_eq!(staff_view["buyer"]["id"], 2);
    let again = post(
        &app,
        &clerk,
        &format!("/api/v1/staff/orders/{order_id}/ready"),
        None,
    )
    .await;
    assert_eq!(again.error_code(), "wrong_order_state");

    let mine = shopper_order(&app, &shopper, order_id).await;
    let code = mine["pickup_code"].as_str().expect("code").to_owned();
    assert!(
        code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
        "{code}"
    );

    for bad in ["12345", "1234567", "abcdef", " 12345"] {
        let reply = hand_over(&app, &clerk, 1, bad).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(reply.error_code(), "pickup_code_wrong");
    }
    let wrong = hand_over(&app, &clerk, 1, &free_code(&app).await).await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    assert_eq!(wrong.error_code(), "pickup_code_wrong");

    let done = hand_over(&app, &clerk, 1, &code).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    assert_eq!(done.json()["order"]["id"], order_id);
    let mine = shopper_order(&app, &shopper, order_id).await;
    assert_eq!(mine["status"], "completed");
    assert!(mine["completed_at"].is_string());
    assert!(mine["pickup_code"].is_null());

    let twice = hand_over(&app, &clerk, 1, &code).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert_eq!(twice.error_code(), "pickup_code_used");

    // The owner reads who did what, newest first.
    let owner = owner(&app).await;
    let audit = get_as(&app.router, Some(&owner), "/api/v1/staff/audit").await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(actions, vec!["order.handover", "order.ready"]);
    let last = &audit["items"][0];
    assert_eq!(last["subject"], format!("order:{order_id}"));
    assert_eq!(last["staff"]["name"], "西湖自提点·小周");
    assert!(last["before"]
        .as_str()
        .unwrap_or("")
        .contains("ready_for_pickup"));
    assert!(last["after"].as_str().unwrap_or("").contains("completed"));
}

#[tokio::test]
async fn a_clerk_serves_only_their_points_and_neither_ships_nor_refunds() {
    let app = app().await;
    let shopper = sign_in_demo(&app.router, 3).await;
    let clerk = clerk(&app).await;
    let owner = owner(&app).await;
    let elsewhere = paid_pickup(&app, &shopper, 2).await;
    let here = paid_pickup(&app, &shopper, 1).await;
    let delivered = paid_delivery(&app, &shopper).await;

    // The clerk's list holds the pickup orders of point 1 only; the owner's, all three.
    assert_eq!(listed(&app, &clerk, "").await, vec![here]);
    assert_eq!(
        listed(&app, &owner, "").await,
        vec![delivered, here, elsewhere]
    );
    assert_eq!(
        listed(&app, &owner, "?shelf=to_ship").await,
        vec![delivered]
    );
    assert_eq!(
        listed(&app, &owner, "?shelf=to_hand_over").await,
        vec![here, elsewhere]
    );
    // Found by number, and by the contact's phone.
    assert_eq!(
        listed(&app, &owner, &format!("?q={delivered}")).await,
        vec![delivered]
    );
    assert_eq!(
        listed(&app, &owner, "?q=13900001111").await,
        vec![here, elsewhere]
    );
    for bad in ["shelf=lost", "q=138-0000", "limit=0"] {
        let reply = call(
            &app.router,
            Method::GET,
            &format!("/api/v1/staff/orders?{bad}"),
            Some(&owner),
            None,
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
    }

    let not_theirs = call(
        &app.router,
        Method::GET,
        &format!("/api/v1/staff/orders/{elsewhere}"),
        Some(&clerk),
        None,
    )
    .await;
    assert_eq!(not_theirs.status, StatusCode::NOT_FOUND);
    let ready_elsewhere = post(
        &app,
        &clerk,
        &format!("/api/v1/staff/orders/{elsewhere}/ready"),
        None,
    )
    .await;
    assert_eq!(ready_elsewhere.status, StatusCode::NOT_FOUND);
    let at_other_point = hand_over(&app, &clerk, 2, "123456").await;
    assert_eq!(at_other_point.status, StatusCode::FORBIDDEN);
    assert_eq!(at_other_point.error_code(), "forbidden");

    // The owner readies point 2's order; its code typed at point 1 is for another point.
    ready(&app, &owner, elsewhere).await;
    let code = code_of(&app, &shopper, elsewhere).await;
    let other = hand_over(&app, &clerk, 1, &code).await;
    assert_eq!(other.status, StatusCode::CONFLICT);
    assert_eq!(other.error_code(), "pickup_other_point");
    assert_eq!(
        shopper_order(&app, &shopper, elsewhere).await["status"],
        "ready_for_pickup"
    );

    for (uri, body) in [
        (
            format!("/api/v1/staff/orders/{delivered}/ship"),
            json!({"carrier": "sf", "tracking_number": "SF1234567890"}),
        ),
        (
            format!("/api/v1/staff/orders/{here}/refund"),
            json!({"reason": "缺货"}),
        ),
    ] {
        let reply = post(&app, &clerk, &uri, Some(body)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{uri}");
    }
    assert_eq!(
        shopper_order(&app, &shopper, delivered).await["status"],
        "paid"
    );
    assert_eq!(shopper_order(&app, &shopper, here).await["status"], "paid");
}

#[tokio::test]
async fn too_many_wrong_codes_pause_hand_over_at_that_point() {
    let app = app().await;
    let shopper = sign_in_demo(&app.router, 4).await;
    let clerk = clerk(&app).await;
    let owner = owner(&app).await;
    let order_id = paid_pickup(&app, &shopper, 1).await;
    ready(&app, &clerk, order_id).await;
    let code = code_of(&app, &shopper, order_id).await;
    let wrong = free_code(&app).await;
    for _ in 0..5 {
        assert_eq!(
            hand_over(&app, &clerk, 1, &wrong).await.error_code(),
            "pickup_code_wrong"
        );
    }
    // Even the right code waits now, and the answer says how long.
    let paused = hand_over(&app, &clerk, 1, &code).await;
    assert_eq!(paused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(paused.error_code(), "handover_locked");
    let wait: u64 = paused.header("retry-after").parse().expect("Retry-After");
    assert!((1..=600).contains(&wait), "{wait}");
    // Another point is not paused.
    assert_eq!(
        hand_over(&app, &owner, 2, &wrong).await.error_code(),
        "pickup_code_wrong"
    );
    // Once the wrong codes are older than the window, the counter opens again.
    app.exec("UPDATE handover_failures SET at_ms = at_ms - 11 * 60 * 1000")
        .await;
    assert_eq!(
        hand_over(&app, &clerk, 1, &code).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn twenty_clerks_at_once_hand_over_one_code_once() {
    let app = app().await;
    let shopper = sign_in_demo(&app.router, 5).await;
    let clerk = clerk(&app).await;
    let order_id = paid_pickup(&app, &shopper, 1).await;
    ready(&app, &clerk, order_id).await;
    let code = code_of(&app, &shopper, order_id).await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let router = app.router.clone();
        let (clerk, code) = (clerk.clone(), code.clone());
        tasks.spawn(async move {
            let reply = call(
                &router,
                Method::POST,
                "/api/v1/staff/points/1/handover",
                Some(&clerk),
                Some(json!({ "code": code })),
            )
            .await;
            let code = reply.json()["error"]["code"]
                .as_str()
                .unwrap_or("")
                .to_owned();
            (reply.status, code)
        });
    }
    let mut handed = 0;
    let mut used = 0;
    while let Some(result) = tasks.join_next().await {
        match result.expect("task") {
            (StatusCode::OK, _) => handed += 1,
            (StatusCode::CONFLICT, code) if code == "pickup_code_used" => used += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((handed, used), (1, 19));
    let handovers = number(
        &app,
        "SELECT count(*) FROM audit_log WHERE action = 'order.handover' AND subject = 'order:' || CAST($1 AS TEXT)",
        order_id,
    )
    .await;
    assert_eq!(handovers, 1);
}

#[tokio::test]
async fn a_delivery_order_ships_and_its_shopper_confirms_receipt() {
    let app = app().await;
    let shopper = sign_in_demo(&app.router, 6).await;
    let owner = owner(&app).await;
    let ship = |order_id: i64, body: Value| {
        let (app, owner) = (&app, owner.clone());
        async move {
            post(
                app,
                &owner,
                &format!("/api/v1/staff/orders/{order_id}/ship"),
                Some(body),
            )
            .await
        }
    };
    let good = json!({"carrier": "zto", "tracking_number": "zt12345678"});

    let unpaid = placed(&app.router, &shopper, solo(&[(3, 1)])).await;
    let reply = ship(id(&unpaid), good.clone()).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.error_code(), "wrong_order_state");
    let pickup_order = paid_pickup(&app, &shopper, 1).await;
    assert_eq!(
        ship(pickup_order, good.clone()).await.error_code(),
        "wrong_order_state"
    );

    let order_id = paid_delivery(&app, &shopper).await;
    for bad in [
        json!({"carrier": "zto", "tracking_number": "short"}),
        json!({"carrier": "zto", "tracking_number": "ZT-1234-5678"}),
    ] {
        let reply = ship(order_id, bad).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        assert_eq!(reply.error_code(), "bad_tracking_number");
    }
    let reply = ship(
        order_id,
        json!({"carrier": "pigeon", "tracking_number": "ZT12345678"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        shopper_order(&app, &shopper, order_id).await["status"],
        "paid"
    );

    let shipped = ship(order_id, good.clone()).await;
    assert_eq!(shipped.status, StatusCode::OK, "{}", shipped.text());
    let mine = shopper_order(&app, &shopper, order_id).await;
    assert_eq!(mine["status"], "shipping");
    assert_eq!(mine["shipment"]["carrier"], "zto");
    assert_eq!(mine["shipment"]["tracking_number"], "ZT12345678");
    assert!(mine["shipment"]["completes_at"].as_str() > mine["shipment"]["shipped_at"].as_str());
    assert_eq!(ship(order_id, good).await.error_code(), "wrong_order_state");

    // Someone else cannot receive it for them.
    let other = sign_in_demo(&app.router, 7).await;
    let receipt = format!("/api/v1/orders/{order_id}/receipt");
    assert_eq!(
        post(&app, &other, &receipt, None).await.status,
        StatusCode::NOT_FOUND
    );
    let received = post(&app, &shopper, &receipt, None).await;
    assert_eq!(received.status, StatusCode::OK, "{}", received.text());
    assert_eq!(received.json()["status"], "completed");
    let twice = post(&app, &shopper, &receipt, None).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert_eq!(twice.error_code(), "already_completed");
    let not_shipped = post(
        &app,
        &shopper,
        &format!("/api/v1/orders/{pickup_order}/receipt"),
        None,
    )
    .await;
    assert_eq!(not_shipped.error_code(), "wrong_order_state");
}

#[tokio::test]
async fn a_shipped_order_completes_by_itself_when_its_time_comes() {
    let app = app().await;
    let shopper = sign_in_demo(&app.router, 8).await;
    let owner = owner(&app).await;
    let order_id = paid_delivery(&app, &shopper).await;
    let reply = post(
        &app,
        &owner,
        &format!("/api/v1/staff/orders/{order_id}/ship"),
        Some(json!({"carrier": "sf", "tracking_number": "SF0000000001"})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        shopper_order(&app, &shopper, order_id).await["status"],
        "shipping"
    );
    // Ten days on (the default): the next read of orders completes it.
    app.exec("UPDATE orders SET auto_complete_ms = auto_complete_ms - 10 * 24 * 3600 * 1000")
        .await;
    let mine = shopper_order(&app, &shopper, order_id).await;
    assert_eq!(mine["status"], "completed");
    assert_eq!(mine["completed_at"], mine["shipment"]["completes_at"]);
    // Refunded after it was delivered: the goods left the store, the shelf stays as it is.
    let stock = stock_of(&app, 3).await;
    let reply = post(
        &app,
        &owner,
        &format!("/api/v1/staff/orders/{order_id}/refund"),
        Some(json!({"reason": "退货退款"})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(stock_of(&app, 3).await, stock);
}

#[tokio::test]
async fn the_owner_refunds_a_paid_order_and_its_stock_returns() {
    let app = app().await;
    let shopper = sign_in_demo(&app.router, 9).await;
    let owner = owner(&app).await;
    let before = stock_of(&app, 3).await;
    let order_id = paid_delivery(&app, &shopper).await;
    assert_eq!(stock_of(&app, 3).await, before - 1);
    let refund = |order_id: i64, reason: &str| {
        let (app, owner, reason) = (&app, owner.clone(), reason.to_owned());
        async move {
            post(
                app,
                &owner,
                &format!("/api/v1/staff/orders/{order_id}/refund"),
                Some(json!({ "reason": reason })),
            )
            .await
        }
    };
    assert_eq!(refund(order_id, "  ").await.error_code(), "empty_text");
    assert_eq!(
        refund(order_id, &"长".repeat(201)).await.error_code(),
        "text_too_long"
    );
    let unpaid = placed(&app.router, &shopper, solo(&[(4, 1)])).await;
    assert_eq!(
        refund(id(&unpaid), "缺货").await.error_code(),
        "wrong_order_state"
    );

    let done = refund(order_id, " 仓库缺货，抱歉 ").await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    let mine = shopper_order(&app, &shopper, order_id).await;
    assert_eq!(mine["status"], "refunded");
    assert_eq!(mine["payment"], "refunded");
    assert_eq!(mine["refund_reason"], "仓库缺货，抱歉");
    assert!(mine["note"].as_str().unwrap_or("").contains("退款"));
    assert_eq!(stock_of(&app, 3).await, before);
    assert_eq!(
        refund(order_id, "再退").await.error_code(),
        "wrong_order_state"
    );
    assert_eq!(stock_of(&app, 3).await, before);
    // The provider hears of it through the refund outbox.
    let outbox = number(
        &app,
        "SELECT count(*) FROM payments WHERE order_id = $1 AND state IN ('refunding', 'refunded')",
        order_id,
    )
    .await;
    assert_eq!(outbox, 1);
    let shelf = get_as(
        &app.router,
        Some(&owner),
        "/api/v1/staff/orders?shelf=refunded",
    )
    .await;
    assert_eq!(shelf["items"][0]["order"]["id"], order_id);
}

#[tokio::test]
async fn a_refunded_group_order_frees_its_seat_only_while_the_group_is_open() {
    let app = app().await;
    let owner = owner(&app).await;
    let (_, leader) = member(&app, "团长").await;
    let (_, joiner) = member(&app, "团员").await;
    // Product 5's groups have five seats: a seat freed shows as one more left.
    let group_id = open_group(&app.router, &leader, 5).await;
    let seats = |g: Value| g["seats_left"].as_i64().expect("seats_left");
    let uri = format!("/api/v1/groups/{group_id}");
    let before = seats(get_as(&app.router, None, &uri).await);
    let join = placed(&app.router, &joiner, join_group(group_id)).await;
    paid(&app.router, &joiner, id(&join)).await;
    assert_eq!(seats(get_as(&app.router, None, &uri).await), before - 1);
    let reply = post(
        &app,
        &owner,
        &format!("/api/v1/staff/orders/{}/refund", id(&join)),
        Some(json!({"reason": "团员申请退款"})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(seats(get_as(&app.router, None, &uri).await), before);

    // In a group that has succeeded, the refunded member's seat stays taken.
    let size = get_as(&app.router, None, &uri).await["size"]
        .as_i64()
        .expect("size");
    let mut last = 0;
    for n in 1..size {
        let (_, cookie) = member(&app, &format!("补位{n}")).await;
        let order = placed(&app.router, &cookie, join_group(group_id)).await;
        paid(&app.router, &cookie, id(&order)).await;
        last = id(&order);
    }
    let full = get_as(&app.router, None, &uri).await;
    assert_eq!(full["state"], "succeeded");
    let reply = post(
        &app,
        &owner,
        &format!("/api/v1/staff/orders/{last}/refund"),
        Some(json!({"reason": "质量问题"})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let after = get_as(&app.router, None, &uri).await;
    assert_eq!(after["state"], "succeeded");
    assert_eq!(seats(after), 0);
}

#[tokio::test]
async fn staff_see_every_open_group_soonest_ending_first() {
    let app = app().await;
    let (_, a) = member(&app, "团长甲").await;
    let (_, b) = member(&app, "团长乙").await;
    // Two groups of one product (one window): the one started first ends first.
    let first = open_group(&app.router, &a, 5).await;
    let second = open_group(&app.router, &b, 5).await;
    let member_cookie = sign_in_demo(&app.router, 1).await;
    let refused = call(
        &app.router,
        Method::GET,
        "/api/v1/staff/groups",
        Some(&member_cookie),
        None,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let clerk = clerk(&app).await;
    let page = get_as(&app.router, Some(&clerk), "/api/v1/staff/groups?limit=1").await;
    assert_eq!(page["items"][0]["id"], first);
    let cursor = page["next_cursor"].as_str().expect("cursor").to_owned();
    let next = get_as(
        &app.router,
        Some(&clerk),
        &format!("/api/v1/staff/groups?limit=1&cursor={cursor}"),
    )
    .await;
    assert_eq!(next["items"][0]["id"], second);
    assert!(next["items"][0]["seats_left"].as_i64() > Some(0));
}

#[tokio::test]
async fn owners_manage_the_staff_and_the_store_keeps_an_owner() {
    let app = app().await;
    let owner = owner(&app).await;
    let clerk_cookie = clerk(&app).await;
    let team = |app: &TestApp, cookie: String, body: Value| {
        let router = app.router.clone();
        async move {
            call(
                &router,
                Method::PUT,
                "/api/v1/staff/team",
                Some(&cookie),
                Some(body),
            )
            .await
        }
    };
    // A clerk does not manage staff.
    let refused = team(
        &app,
        clerk_cookie.clone(),
        json!({"email": "member3@demo.quanzi", "role": "clerk", "point_ids": [2]}),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // Member 3 becomes the clerk of points 2 and 3, and can hand over there.
    let made = team(
        &app,
        owner.clone(),
        json!({"email": " Member3@Demo.Quanzi ", "role": "clerk", "point_ids": [3, 2, 3]}),
    )
    .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.text());
    assert_eq!(made.json()["point_ids"], json!([2, 3]));
    let new_clerk = sign_in_demo(&app.router, 3).await;
    let me = get_as(&app.router, Some(&new_clerk), "/api/v1/account/me").await;
    assert_eq!(me["staff"], "clerk");
    let staff_me = get_as(&app.router, Some(&new_clerk), "/api/v1/staff/me").await;
    assert_eq!(staff_me["points"].as_array().map(Vec::len), Some(2));
    for (body, code) in [
        (
            json!({"email": "nobody@demo.quanzi", "role": "clerk", "point_ids": []}),
            "not_found",
        ),
        (
            json!({"email": "member4@demo.quanzi", "role": "clerk", "point_ids": [99]}),
            "bad_request",
        ),
        (
            json!({"email": "not an email", "role": "clerk", "point_ids": []}),
            "bad_email",
        ),
    ] {
        assert_eq!(team(&app, owner.clone(), body).await.error_code(), code);
    }
    let listed = get_as(&app.router, Some(&owner), "/api/v1/staff/team").await;
    let roles: Vec<&str> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| m["role"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(roles, vec!["owner", "clerk", "clerk"]);

    // The only owner can neither step down nor leave.
    let owner_id = get_as(&app.router, Some(&owner), "/api/v1/staff/me").await["member_id"]
        .as_i64()
        .expect("id");
    let down = team(
        &app,
        owner.clone(),
        json!({"email": "owner@demo.quanzi", "role": "clerk", "point_ids": [1]}),
    )
    .await;
    assert_eq!(down.status, StatusCode::CONFLICT);
    assert_eq!(down.error_code(), "last_owner");
    let leave = call(
        &app.router,
        Method::DELETE,
        &format!("/api/v1/staff/team/{owner_id}"),
        Some(&owner),
        None,
    )
    .await;
    assert_eq!(leave.error_code(), "last_owner");
    // With a second owner, the first may leave; the clerk removed is a member again.
    assert_eq!(
        team(
            &app,
            owner.clone(),
            json!({"email": "member4@demo.quanzi", "role": "owner", "point_ids": []})
        )
        .await
        .status,
        StatusCode::OK
    );
    let removed = call(
        &app.router,
        Method::DELETE,
        "/api/v1/staff/team/3",
        Some(&owner),
        None,
    )
    .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let gone = call(
        &app.router,
        Method::GET,
        "/api/v1/staff/me",
        Some(&new_clerk),
        None,
    )
    .await;
    assert_eq!(gone.status, StatusCode::FORBIDDEN);
    let left = call(
        &app.router,
        Method::DELETE,
        &format!("/api/v1/staff/team/{owner_id}"),
        Some(&owner),
        None,
    )
    .await;
    assert_eq!(left.status, StatusCode::NO_CONTENT);
    let audit = get_as(
        &app.router,
        Some(&sign_in_demo(&app.router, 4).await),
        "/api/v1/staff/audit",
    )
    .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        actions,
        vec!["staff.remove", "staff.remove", "staff.set", "staff.set"]
    );
}

#[tokio::test]
async fn two_owners_demoting_each_other_at_once_leave_one_owner() {
    let app = app().await;
    let owner_a = owner(&app).await;
    let put = call(
        &app.router,
        Method::PUT,
        "/api/v1/staff/team",
        Some(&owner_a),
        Some(json!({"email": "member6@demo.quanzi", "role": "owner", "point_ids": []})),
    )
    .await;
    assert_eq!(put.status, StatusCode::OK);
    let owner_b = sign_in_demo(&app.router, 6).await;
    let (ra, rb) = tokio::join!(
        call(
            &app.router,
            Method::PUT,
            "/api/v1/staff/team",
            Some(&owner_a),
            Some(json!({"email": "member6@demo.quanzi", "role": "clerk", "point_ids": [1]})),
        ),
        call(
            &app.router,
            Method::PUT,
            "/api/v1/staff/team",
            Some(&owner_b),
            Some(json!({"email": "owner@demo.quanzi", "role": "clerk", "point_ids": [1]})),
        ),
    );
    let ok = [ra.status, rb.status]
        .iter()
        .filter(|s| **s == StatusCode::OK)
        .count();
    assert_eq!(ok, 1, "{} {}", ra.text(), rb.text());
    assert_eq!(
        count(&app, "SELECT count(*) FROM staff WHERE role = 'owner'").await,
        1
    );
}
