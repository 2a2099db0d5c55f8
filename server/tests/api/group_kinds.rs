//! The kinds of group an offer opens: lotteries that draw their winners from a seed they
//! committed to when they opened (the others refunded in full), new-member groups (老带新),
//! and a product's open groups listed closest to full first.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{
    app, call, get_as, join_group, member, open_group, order, paid, placed, solo, Reply, TestApp,
};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A demo product whose group takes three.
const TRIO: i64 = 2;

fn id(v: &Value) -> i64 {
    v["id"].as_i64().expect("id")
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The owner sets the product's offer to `kind` (with `winners` for a lottery) through the
/// console's product editor.
async fn set_kind(app: &TestApp, product_id: i64, kind: &str, winners: Option<i64>) -> Reply {
    let owner = crate::staff::owner(app).await;
    let uri = format!("/api/v1/staff/products/{product_id}");
    let mut draft = get_as(&app.router, Some(&owner), &uri).await["draft"].clone();
    draft["group_offer"]["kind"] = kind.into();
    draft["group_offer"]["lottery_winners"] = winners.into();
    call(&app.router, Method::PUT, &uri, Some(&owner), Some(draft)).await
}

async fn group(app: &TestApp, group_id: i64) -> Value {
    get_as(&app.router, None, &format!("/api/v1/groups/{group_id}")).await
}

/// A member joins and pays; returns their order's id.
async fn join_and_pay(app: &TestApp, cookie: &str, group_id: i64) -> i64 {
    let order = placed(&app.router, cookie, join_group(group_id)).await;
    paid(&app.router, cookie, id(&order)).await;
    id(&order)
}

#[tokio::test]
async fn a_lottery_draws_its_winners_from_the_seed_it_committed_to() {
    let app = app().await;
    // More winners than seats (or as many) is no lottery; nor is one without winners.
    for winners in [Some(3), Some(4), None, Some(0)] {
        let refused = set_kind(&app, TRIO, "lottery", winners).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{winners:?}");
        assert_eq!(refused.error_code(), "too_many_winners");
    }
    let offer = get_as(&app.router, None, &format!("/api/v1/products/{TRIO}")).await;
    assert_eq!(
        offer["group_offer"]["kind"], "standard",
        "nothing refused was written"
    );

    let set = set_kind(&app, TRIO, "lottery", Some(1)).await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text());
    let offer = get_as(&app.router, None, &format!("/api/v1/products/{TRIO}")).await;
    assert_eq!(offer["group_offer"]["kind"], "lottery");
    assert_eq!(offer["group_offer"]["lottery_winners"], 1);

    let (leader, leader_cookie) = member(&app, "团长").await;
    let group_id = open_group(&app.router, &leader_cookie, TRIO).await;
    // Committed when it opened: the hash is public, the seed is not.
    let open = group(&app, group_id).await;
    assert_eq!(open["kind"], "lottery");
    let seed_hash = open["lottery"]["seed_hash"]
        .as_str()
        .expect("hash")
        .to_owned();
    assert_eq!(seed_hash.len(), 64);
    assert!(open["lottery"]["seed"].is_null());
    assert_eq!(open["lottery"]["tickets"].as_array().map(Vec::len), Some(0));

    let (b, b_cookie) = member(&app, "乙").await;
    let (c, c_cookie) = member(&app, "丙").await;
    let mut orders = vec![(leader, leader_cookie.clone())];
    let b_order = join_and_pay(&app, &b_cookie, group_id).await;
    let c_order = join_and_pay(&app, &c_cookie, group_id).await;
    orders.push((b, b_cookie.clone()));
    orders.push((c, c_cookie.clone()));

    // Drawn when it filled: the seed revealed matches the hash, and the tickets follow.
    let drawn = group(&app, group_id).await;
    assert_eq!(drawn["state"], "succeeded");
    let lottery = &drawn["lottery"];
    let seed = lottery["seed"].as_str().expect("seed revealed");
    assert_eq!(
        sha256_hex(seed),
        seed_hash,
        "the seed is the one committed to"
    );
    assert!(lottery["drawn_at"].is_string());
    let tickets = lottery["tickets"].as_array().expect("tickets");
    assert_eq!(tickets.len(), 3);
    let mut recomputed: Vec<(String, i64)> = [leader, b, c]
        .iter()
        .map(|m| (sha256_hex(&format!("{seed}:{m}")), *m))
        .collect();
    recomputed.sort();
    for (t, (ticket, member_id)) in tickets.iter().zip(&recomputed) {
        assert_eq!(t["ticket"], ticket.as_str());
        assert_eq!(t["member_id"], *member_id);
    }
    let winner = recomputed[0].1;
    assert_eq!(tickets[0]["won"], true);
    assert!(tickets[1..].iter().all(|t| t["won"] == false));

    // The winner's order goes on; the others are refunded in full, and everyone is told.
    let leader_order = get_as(&app.router, Some(&leader_cookie), "/api/v1/orders").await["items"]
        [0]["id"]
        .as_i64()
        .expect("leader's order");
    for ((member_id, cookie), order_id) in orders.iter().zip([leader_order, b_order, c_order]) {
        let order = get_as(
            &app.router,
            Some(cookie),
            &format!("/api/v1/orders/{order_id}"),
        )
        .await;
        let note =
            get_as(&app.router, Some(cookie), "/api/v1/notifications").await["items"][0].clone();
        if *member_id == winner {
            assert_eq!(order["status"], "paid", "{order}");
            assert_eq!(note["kind"], "lottery_won");
        } else {
            assert_eq!(order["status"], "refunded", "{order}");
            assert!(
                order["note"].as_str().is_some_and(|n| n.contains("抽奖")),
                "{order}"
            );
            assert_eq!(note["kind"], "lottery_lost");
            assert_eq!(note["amount"], order["total"]);
        }
        assert_eq!(note["group_id"], group_id);
    }
}

#[tokio::test]
async fn a_new_member_group_seats_only_members_who_never_paid() {
    let app = app().await;
    let set = set_kind(&app, TRIO, "new_member", None).await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text());
    // The leader may be anyone: this one has bought before.
    let (_, leader) = member(&app, "老会员").await;
    let before = placed(&app.router, &leader, solo(&[(3, 1)])).await;
    paid(&app.router, &leader, id(&before)).await;
    let group_id = open_group(&app.router, &leader, TRIO).await;
    assert_eq!(group(&app, group_id).await["kind"], "new_member");

    let (_, veteran) = member(&app, "老顾客").await;
    let bought = placed(&app.router, &veteran, solo(&[(3, 1)])).await;
    paid(&app.router, &veteran, id(&bought)).await;
    let refused = order(&app.router, &veteran, join_group(group_id)).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.error_code(), "new_members_only");
    assert!(refused.json()["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("never paid")));
    let after = group(&app, group_id).await;
    assert_eq!(after["seats_left"], 2, "the refusal took no seat");

    // A newcomer joins. One who joins, then pays for another order first, cannot pay the
    // seat: they are no longer new.
    let (_, newcomer) = member(&app, "新人").await;
    join_and_pay(&app, &newcomer, group_id).await;
    let (_, quick) = member(&app, "快手").await;
    let seat = placed(&app.router, &quick, join_group(group_id)).await;
    let other = placed(&app.router, &quick, solo(&[(3, 1)])).await;
    paid(&app.router, &quick, id(&other)).await;
    let late = common::pay(&app.router, &quick, id(&seat), "approve").await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(late.error_code(), "new_members_only");
}

#[tokio::test]
async fn a_products_groups_are_listed_closest_to_full_first() {
    let app = app().await;
    let (_, a) = member(&app, "甲").await;
    let (_, b) = member(&app, "乙").await;
    let (_, c) = member(&app, "丙").await;
    // Opened first (ending first), and then one a seat closer to full.
    let far = open_group(&app.router, &a, TRIO).await;
    let near = open_group(&app.router, &b, TRIO).await;
    join_and_pay(&app, &c, near).await;
    let listed = get_as(
        &app.router,
        None,
        &format!("/api/v1/products/{TRIO}/groups"),
    )
    .await;
    let ids: Vec<i64> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(id)
        .collect();
    assert_eq!(
        ids,
        vec![near, far],
        "还差1人 first, then the soonest ending"
    );
    assert_eq!(listed["items"][0]["seats_left"], 1);
    // Paged one at a time, the cursor carries the order.
    let first = get_as(
        &app.router,
        None,
        &format!("/api/v1/products/{TRIO}/groups?limit=1"),
    )
    .await;
    assert_eq!(id(&first["items"][0]), near);
    let cursor = first["next_cursor"].as_str().expect("more");
    let second = get_as(
        &app.router,
        None,
        &format!("/api/v1/products/{TRIO}/groups?limit=1&cursor={cursor}"),
    )
    .await;
    assert_eq!(id(&second["items"][0]), far);
    assert!(second["next_cursor"].is_null());
}
