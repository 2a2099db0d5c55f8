//! Likes: idempotent both ways, counted from the demo's base plus members' likes.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{app, call, sign_in_demo, sign_up};

#[tokio::test]
async fn like_and_unlike_are_idempotent_and_the_count_follows() {
    let app = app().await;
    let store = common::store();
    let source = &store["posts"][0];
    let id = source["id"].as_i64().expect("id");
    let base = source["like_count"].as_u64().expect("base count");
    let (_, alice) = sign_up(&app.router, "Alice", "alice@example.com").await;
    let bob = sign_in_demo(&app.router, 3).await;
    let uri = format!("/api/v1/posts/{id}/like");

    for _ in 0..2 {
        let reply = call(&app.router, Method::PUT, &uri, Some(&alice), None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        assert_eq!(
            reply.json(),
            serde_json::json!({"liked": true, "like_count": base + 1})
        );
    }
    let reply = call(&app.router, Method::PUT, &uri, Some(&bob), None).await;
    assert_eq!(reply.json()["like_count"].as_u64(), Some(base + 2));

    // The post says the same, and knows who likes it.
    let post_uri = format!("/api/v1/posts/{id}");
    let as_alice = call(&app.router, Method::GET, &post_uri, Some(&alice), None)
        .await
        .json();
    assert_eq!(as_alice["like_count"].as_u64(), Some(base + 2));
    assert_eq!(as_alice["viewer_liked"], true);
    let as_guest = call(&app.router, Method::GET, &post_uri, None, None)
        .await
        .json();
    assert_eq!(as_guest["viewer_liked"], false);
    assert_eq!(as_guest["like_count"].as_u64(), Some(base + 2));
    // And so does the feed.
    let author = source["author"].as_i64().expect("author");
    let feed = call(
        &app.router,
        Method::GET,
        &format!("/api/v1/feed?author={author}&limit=50"),
        Some(&alice),
        None,
    )
    .await
    .json();
    let in_feed = feed["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|p| p["id"] == id)
        .cloned()
        .expect("post in feed");
    assert_eq!(in_feed["viewer_liked"], true);

    for _ in 0..2 {
        let reply = call(&app.router, Method::DELETE, &uri, Some(&alice), None).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(
            reply.json(),
            serde_json::json!({"liked": false, "like_count": base + 1})
        );
    }
    let as_alice = call(&app.router, Method::GET, &post_uri, Some(&alice), None)
        .await
        .json();
    assert_eq!(as_alice["viewer_liked"], false);
    assert_eq!(as_alice["like_count"].as_u64(), Some(base + 1));
}

#[tokio::test]
async fn likes_need_a_session_and_a_post() {
    let app = app().await;
    let reply = call(&app.router, Method::PUT, "/api/v1/posts/1/like", None, None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.error_code(), "unauthenticated");
    let cookie = sign_in_demo(&app.router, 1).await;
    for (uri, status, code) in [
        (
            "/api/v1/posts/999999/like",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        ("/api/v1/posts/abc/like", StatusCode::BAD_REQUEST, "bad_id"),
    ] {
        for method in [Method::PUT, Method::DELETE] {
            let reply = call(&app.router, method.clone(), uri, Some(&cookie), None).await;
            assert_eq!(reply.status, status, "{method} {uri}");
            assert_eq!(reply.error_code(), code);
        }
    }
}
