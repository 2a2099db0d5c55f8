//! Joining and leaving communities, roles, faces and the member list.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{app, call, demo_authors, get_ok, sign_in_demo, sign_up};
use serde_json::Value;

async fn community(router: &axum::Router, slug: &str, cookie: Option<&str>) -> Value {
    let reply = call(
        router,
        Method::GET,
        &format!("/api/v1/communities/{slug}"),
        cookie,
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()
}

#[tokio::test]
async fn join_twice_is_idempotent_and_the_count_moves_with_joins_and_leaves() {
    let app = app().await;
    let (me, cookie) = sign_up(&app.router, "新车手", "rider@example.com").await;
    let my_id = me["member"]["id"].clone();
    let before = community(&app.router, "cycling", Some(&cookie)).await;
    let base = before["member_count"].as_u64().expect("count");
    assert!(before["viewer_role"].is_null());

    for _ in 0..2 {
        let joined = call(
            &app.router,
            Method::POST,
            "/api/v1/communities/cycling/membership",
            Some(&cookie),
            None,
        )
        .await;
        assert_eq!(joined.status, StatusCode::OK, "{}", joined.text());
        assert_eq!(joined.json()["role"], "member");
        assert_eq!(joined.json()["community"]["slug"], "cycling");
    }
    let after = community(&app.router, "cycling", Some(&cookie)).await;
    assert_eq!(
        after["member_count"].as_u64(),
        Some(base + 1),
        "joined once"
    );
    assert_eq!(after["viewer_role"], "member");
    // The newest joiner is the first face.
    assert_eq!(after["faces"][0]["id"], my_id);
    assert!(after["faces"].as_array().is_some_and(|f| f.len() <= 5));
    // A guest sees the same count and no role.
    let guest = community(&app.router, "cycling", None).await;
    assert_eq!(guest["member_count"], after["member_count"]);
    assert!(guest["viewer_role"].is_null());
    // The list of communities says the same.
    let list = call(
        &app.router,
        Method::GET,
        "/api/v1/communities",
        Some(&cookie),
        None,
    )
    .await;
    let listed = list.json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|c| c["slug"] == "cycling")
        .cloned()
        .expect("cycling listed");
    assert_eq!(listed["viewer_role"], "member");
    assert_eq!(listed["member_count"], after["member_count"]);
    // And so does /me.
    let me = call(
        &app.router,
        Method::GET,
        "/api/v1/account/me",
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(me.json()["communities"][0]["community"]["slug"], "cycling");

    let left = call(
        &app.router,
        Method::DELETE,
        "/api/v1/communities/cycling/membership",
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(left.status, StatusCode::NO_CONTENT);
    let gone = community(&app.router, "cycling", Some(&cookie)).await;
    assert_eq!(gone["member_count"].as_u64(), Some(base));
    assert!(gone["viewer_role"].is_null());
    assert_ne!(gone["faces"][0]["id"], my_id);

    // Leaving again: not a member.
    let again = call(
        &app.router,
        Method::DELETE,
        "/api/v1/communities/cycling/membership",
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.error_code(), "not_a_member");
    assert_eq!(
        community(&app.router, "cycling", None).await["member_count"].as_u64(),
        Some(base)
    );
}

#[tokio::test]
async fn the_owner_cannot_leave_but_a_moderator_can() {
    let app = app().await;
    let authors = demo_authors("coffee");
    let owner = sign_in_demo(&app.router, authors[0]).await;
    let reply = call(
        &app.router,
        Method::DELETE,
        "/api/v1/communities/coffee/membership",
        Some(&owner),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.error_code(), "owner_cannot_leave");
    assert_eq!(
        community(&app.router, "coffee", Some(&owner)).await["viewer_role"],
        "owner"
    );
    // Joining again as the owner keeps the role.
    let joined = call(
        &app.router,
        Method::POST,
        "/api/v1/communities/coffee/membership",
        Some(&owner),
        None,
    )
    .await;
    assert_eq!(joined.json()["role"], "owner");

    let moderator = sign_in_demo(&app.router, authors[1]).await;
    assert_eq!(
        community(&app.router, "coffee", Some(&moderator)).await["viewer_role"],
        "moderator"
    );
    let reply = call(
        &app.router,
        Method::DELETE,
        "/api/v1/communities/coffee/membership",
        Some(&moderator),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn guests_bad_slugs_and_unknown_communities() {
    let app = app().await;
    for method in [Method::POST, Method::DELETE] {
        let reply = call(
            &app.router,
            method.clone(),
            "/api/v1/communities/cycling/membership",
            None,
            None,
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{method}");
        assert_eq!(reply.error_code(), "unauthenticated");
    }
    let cookie = sign_in_demo(&app.router, 1).await;
    for (uri, status, code) in [
        (
            "/api/v1/communities/Bad_Slug/membership",
            StatusCode::BAD_REQUEST,
            "bad_slug",
        ),
        (
            "/api/v1/communities/no-such-circle/membership",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
    ] {
        let reply = call(&app.router, Method::POST, uri, Some(&cookie), None).await;
        assert_eq!(reply.status, status, "{uri}");
        assert_eq!(reply.error_code(), code, "{uri}");
    }
    let reply = common::get(&app.router, "/api/v1/communities/no-such-circle/members").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = common::get(&app.router, "/api/v1/communities/cycling/members?cursor=x").await;
    assert_eq!(reply.error_code(), "bad_cursor");
    let reply = common::get(&app.router, "/api/v1/communities/cycling/members?limit=0").await;
    assert_eq!(reply.error_code(), "bad_limit");
}

#[tokio::test]
async fn members_list_owner_then_moderators_then_members_by_join_time() {
    let app = app().await;
    let authors = demo_authors("photography");
    // Two newcomers join after the demo members.
    let (first, first_cookie) = sign_up(&app.router, "新人一", "one@example.com").await;
    let (second, second_cookie) = sign_up(&app.router, "新人二", "two@example.com").await;
    for cookie in [&first_cookie, &second_cookie] {
        let reply = call(
            &app.router,
            Method::POST,
            "/api/v1/communities/photography/membership",
            Some(cookie),
            None,
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    // Walk the list two at a time.
    let mut members = Vec::new();
    let mut cursor = String::new();
    for _ in 0..20 {
        let page = get_ok(
            &app.router,
            &format!("/api/v1/communities/photography/members?limit=2&cursor={cursor}"),
            "zh-CN",
        )
        .await;
        members.extend(page["items"].as_array().expect("items").iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    let ids: Vec<i64> = members
        .iter()
        .map(|m| m["member"]["id"].as_i64().expect("id"))
        .collect();
    let roles: Vec<&str> = members
        .iter()
        .map(|m| m["role"].as_str().expect("role"))
        .collect();
    let mut expected = authors.clone();
    expected.push(first["member"]["id"].as_i64().expect("id"));
    expected.push(second["member"]["id"].as_i64().expect("id"));
    assert_eq!(ids, expected);
    assert_eq!(roles[0], "owner");
    assert_eq!(roles[1], "moderator");
    assert!(roles[2..].iter().all(|r| *r == "member"), "{roles:?}");
    // Faces: the newest joiners first.
    let community = community(&app.router, "photography", None).await;
    let faces: Vec<i64> = community["faces"]
        .as_array()
        .expect("faces")
        .iter()
        .map(|f| f["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(faces.len(), 5);
    assert_eq!(faces[0], expected[expected.len() - 1]);
    assert_eq!(faces[1], expected[expected.len() - 2]);
}
