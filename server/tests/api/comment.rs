//! Comments: a flat list, oldest first; written by anyone signed in; deleted by their
//! author, the post's author, or a moderator of the post's community.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{app, call, demo_authors, get_ok, sign_in_demo, sign_up};
use serde_json::json;

/// A demo post in a community that nobody has commented on yet, and its comment count (0).
fn demo_post(slug: &str) -> (i64, u64) {
    let store = common::store();
    let post = store["posts"]
        .as_array()
        .expect("posts")
        .iter()
        .find(|p| p["community"] == slug && p["comments"].as_array().is_some_and(Vec::is_empty))
        .cloned()
        .expect("a post without comments");
    (post["id"].as_i64().expect("id"), 0)
}

#[tokio::test]
async fn comments_list_oldest_first_and_the_count_follows() {
    let app = app().await;
    let (id, base) = demo_post("coffee");
    // No membership needed to comment.
    let (_, guest_member) = sign_up(&app.router, "过路人", "passer@example.com").await;
    let uri = format!("/api/v1/posts/{id}/comments");
    let mut ids = Vec::new();
    for (i, body) in ["  第一条  ", "第二条", "第三条"].iter().enumerate() {
        let reply = call(
            &app.router,
            Method::POST,
            &uri,
            Some(&guest_member),
            Some(json!({"body": body})),
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        let comment = reply.json();
        assert_eq!(comment["body"], body.trim());
        assert_eq!(comment["can_delete"], true);
        assert_eq!(comment["author"]["name"], "过路人");
        assert!(comment["created_at"].is_string());
        ids.push(comment["id"].as_i64().expect("id"));
        let post = get_ok(&app.router, &format!("/api/v1/posts/{id}"), "zh-CN").await;
        assert_eq!(post["comment_count"].as_u64(), Some(base + i as u64 + 1));
    }
    // Oldest first, in pages.
    let first = get_ok(&app.router, &format!("{uri}?limit=2"), "zh-CN").await;
    let listed: Vec<i64> = first["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(listed, ids[..2]);
    // A guest may read but not delete.
    assert_eq!(first["items"][0]["can_delete"], false);
    let cursor = first["next_cursor"].as_str().expect("cursor");
    let rest = get_ok(
        &app.router,
        &format!("{uri}?limit=2&cursor={cursor}"),
        "zh-CN",
    )
    .await;
    assert_eq!(rest["items"][0]["id"], ids[2]);
    assert!(rest["next_cursor"].is_null());
    let reply = common::get(&app.router, &format!("{uri}?cursor=nope")).await;
    assert_eq!(reply.error_code(), "bad_cursor");
}

#[tokio::test]
async fn bad_comments_are_refused() {
    let app = app().await;
    let cookie = sign_in_demo(&app.router, 1).await;
    let (id, _) = demo_post("mothers");
    let uri = format!("/api/v1/posts/{id}/comments");
    for (body, code) in [
        (json!({"body": ""}), "empty_text"),
        (json!({"body": "  \n "}), "empty_text"),
        (json!({"body": "字".repeat(501)}), "text_too_long"),
        (json!({"text": "hi"}), "bad_json"),
    ] {
        let reply = call(
            &app.router,
            Method::POST,
            &uri,
            Some(&cookie),
            Some(body.clone()),
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(reply.error_code(), code, "{body}");
    }
    let ok = call(
        &app.router,
        Method::POST,
        &uri,
        Some(&cookie),
        Some(json!({"body": "字".repeat(500)})),
    )
    .await;
    assert_eq!(ok.status, StatusCode::CREATED);
    let guest = call(
        &app.router,
        Method::POST,
        &uri,
        None,
        Some(json!({"body": "hi"})),
    )
    .await;
    assert_eq!(guest.status, StatusCode::UNAUTHORIZED);
    let missing = call(
        &app.router,
        Method::POST,
        "/api/v1/posts/999999/comments",
        Some(&cookie),
        Some(json!({"body": "hi"})),
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let missing = common::get(&app.router, "/api/v1/posts/999999/comments").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn who_may_delete_a_comment() {
    let app = app().await;
    let authors = demo_authors("cycling");
    let (id, base) = demo_post("cycling");
    let uri = format!("/api/v1/posts/{id}/comments");
    let (_, writer) = sign_up(&app.router, "评论者", "commenter@example.com").await;
    let other_member = sign_in_demo(&app.router, authors[3]).await;
    let moderator = sign_in_demo(&app.router, authors[1]).await;
    let mut ids = Vec::new();
    for body in ["one", "two"] {
        let reply = call(
            &app.router,
            Method::POST,
            &uri,
            Some(&writer),
            Some(json!({"body": body})),
        )
        .await;
        ids.push(reply.json()["id"].as_i64().expect("id"));
    }
    // The moderator sees a delete button on others' comments, another member does not.
    let as_moderator = call(&app.router, Method::GET, &uri, Some(&moderator), None)
        .await
        .json();
    assert_eq!(as_moderator["items"][0]["can_delete"], true);
    let as_member = call(&app.router, Method::GET, &uri, Some(&other_member), None)
        .await
        .json();
    assert_eq!(as_member["items"][0]["can_delete"], false);

    let delete = |cookie: Option<&str>, id: i64| {
        let router = app.router.clone();
        let cookie = cookie.map(str::to_owned);
        async move {
            call(
                &router,
                Method::DELETE,
                &format!("/api/v1/comments/{id}"),
                cookie.as_deref(),
                None,
            )
            .await
        }
    };
    assert_eq!(delete(None, ids[0]).await.status, StatusCode::UNAUTHORIZED);
    let reply = delete(Some(&other_member), ids[0]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.error_code(), "forbidden");
    assert_eq!(
        delete(Some(&writer), ids[0]).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        delete(Some(&moderator), ids[1]).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        delete(Some(&writer), ids[1]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        delete(Some(&writer), 0).await.status,
        StatusCode::BAD_REQUEST
    );
    let post = get_ok(&app.router, &format!("/api/v1/posts/{id}"), "zh-CN").await;
    assert_eq!(post["comment_count"].as_u64(), Some(base));
    let list = get_ok(&app.router, &uri, "zh-CN").await;
    assert_eq!(list["items"], json!([]));
}

#[tokio::test]
async fn the_posts_author_may_delete_comments_under_it() {
    let app = app().await;
    let store = common::store();
    let post = store["posts"]
        .as_array()
        .expect("posts")
        .iter()
        .find(|p| p["community"] == "coffee")
        .cloned()
        .expect("a post");
    let id = post["id"].as_i64().expect("id");
    let post_author = sign_in_demo(&app.router, post["author"].as_i64().expect("author")).await;
    let (_, writer) = sign_up(&app.router, "路过的人", "passer-by@example.com").await;
    let uri = format!("/api/v1/posts/{id}/comments");
    let comment = call(
        &app.router,
        Method::POST,
        &uri,
        Some(&writer),
        Some(json!({"body": "hi"})),
    )
    .await
    .json();
    let listed = call(&app.router, Method::GET, &uri, Some(&post_author), None)
        .await
        .json();
    assert_eq!(listed["items"][0]["can_delete"], true);
    let comment_id = comment["id"].as_i64().expect("id");
    let reply = call(
        &app.router,
        Method::DELETE,
        &format!("/api/v1/comments/{comment_id}"),
        Some(&post_author),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
}
