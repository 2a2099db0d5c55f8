//! Profile pictures: an upload becomes the member's avatar, shows wherever they appear,
//! survives the sweep of abandoned uploads, and its file goes when it is replaced or removed.

use crate::common;

use axum::http::{Method, StatusCode};
use axum::Router;
use common::{
    app, call, count, demo_authors, new_post, request, sign_in_demo, sign_up, upload_photo,
    TestApp, HOST,
};
use serde_json::{json, Value};

async fn set_avatar(router: &Router, cookie: &str, upload_id: i64) -> common::Reply {
    call(
        router,
        Method::PUT,
        "/api/v1/account/avatar",
        Some(cookie),
        Some(json!({ "upload_id": upload_id })),
    )
    .await
}

async fn ok_json(reply: common::Reply) -> Value {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()
}

/// The stored file behind a `/media/…` URL.
fn file_of(app: &TestApp, url: &str) -> std::path::PathBuf {
    let name = url.strip_prefix("/media/").expect("a /media/ URL");
    app.dir.path().join("data/uploads").join(name)
}

#[tokio::test]
async fn the_avatar_shows_wherever_the_member_appears() {
    let app = app().await;
    let r = &app.router;
    let (me, cookie) = sign_up(r, "骑手小周", "zhou@example.com").await;
    let my_id = me["member"]["id"].clone();
    assert!(me["member"]["avatar"].is_null());
    let photo = upload_photo(r, &cookie).await;

    let me = ok_json(set_avatar(r, &cookie, photo).await).await;
    let avatar = me["member"]["avatar"].clone();
    let url = avatar["url"].as_str().expect("url").to_owned();
    assert!(file_of(&app, &url).is_file());
    assert_eq!(
        (avatar["width"].as_u64(), avatar["height"].as_u64()),
        (Some(40), Some(30))
    );
    assert_eq!(avatar["alt"], "骑手小周的头像");
    let en = request(
        r,
        Method::GET,
        "/api/v1/account/me",
        &[("cookie", &cookie), ("accept-language", "en")],
    )
    .await;
    assert_eq!(en.json()["member"]["avatar"]["alt"], "Avatar of 骑手小周");
    assert_eq!(
        count(&app, "SELECT count(*) FROM uploads WHERE avatar = 1").await,
        1
    );

    // A post, a comment, the community's faces and member list all show it.
    let joined = call(
        r,
        Method::POST,
        "/api/v1/communities/cycling/membership",
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(joined.status, StatusCode::OK);
    let post = call(
        r,
        Method::POST,
        "/api/v1/posts",
        Some(&cookie),
        Some(new_post("cycling", "有头像了")),
    )
    .await;
    assert_eq!(post.status, StatusCode::CREATED, "{}", post.text());
    let post = post.json();
    assert_eq!(post["author"]["avatar"], avatar);
    let id = post["id"].as_i64().expect("id");
    let comment = call(
        r,
        Method::POST,
        &format!("/api/v1/posts/{id}/comments"),
        Some(&cookie),
        Some(json!({"body": "自己顶一下"})),
    )
    .await;
    assert_eq!(comment.status, StatusCode::CREATED, "{}", comment.text());
    assert_eq!(comment.json()["author"]["avatar"], avatar);
    let feed = common::get_ok(r, "/api/v1/feed?limit=1", "zh-CN").await;
    assert_eq!(feed["items"][0]["author"]["avatar"], avatar);
    let shown = common::get_ok(r, &format!("/api/v1/posts/{id}"), "zh-CN").await;
    assert_eq!(shown["author"]["avatar"], avatar);
    let comments = common::get_ok(r, &format!("/api/v1/posts/{id}/comments"), "zh-CN").await;
    assert_eq!(comments["items"][0]["author"]["avatar"], avatar);
    let community = common::get_ok(r, "/api/v1/communities/cycling", "zh-CN").await;
    assert_eq!(community["faces"][0]["id"], my_id);
    assert_eq!(community["faces"][0]["avatar"], avatar);
    let members = common::get_ok(r, "/api/v1/communities/cycling/members?limit=50", "zh-CN").await;
    let listed = members["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|m| m["member"]["id"] == my_id)
        .cloned()
        .expect("listed");
    assert_eq!(listed["member"]["avatar"], avatar);
}

#[tokio::test]
async fn an_avatar_is_kept_by_the_sweep_and_used_nowhere_else() {
    let app = app().await;
    let r = &app.router;
    let (_, cookie) = sign_up(r, "老用户", "old@example.com").await;
    let photo = upload_photo(r, &cookie).await;
    let me = ok_json(set_avatar(r, &cookie, photo).await).await;
    let url = me["member"]["avatar"]["url"]
        .as_str()
        .expect("url")
        .to_owned();
    // Two days pass: an unpublished upload this old would be swept.
    app.exec("UPDATE uploads SET created_ms = 0").await;
    // The next upload (anyone's) sweeps; the avatar stays.
    upload_photo(r, &cookie).await;
    assert!(file_of(&app, &url).is_file());
    assert_eq!(
        count(&app, "SELECT count(*) FROM uploads WHERE avatar = 1").await,
        1
    );
    // It is not a photo waiting for a post: a post cannot take it, nor can it be removed.
    let joined = call(
        r,
        Method::POST,
        "/api/v1/communities/coffee/membership",
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(joined.status, StatusCode::OK);
    let mut post = new_post("coffee", "拿头像发帖");
    post["images"] = json!([photo]);
    let reply = call(r, Method::POST, "/api/v1/posts", Some(&cookie), Some(post)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error_code(), "bad_upload");
    let reply = call(
        r,
        Method::DELETE,
        &format!("/api/v1/uploads/{photo}"),
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.error_code(), "upload_in_use");
    assert!(file_of(&app, &url).is_file());
}

#[tokio::test]
async fn replacing_deletes_the_old_file_and_removing_is_idempotent() {
    let app = app().await;
    let r = &app.router;
    let (_, cookie) = sign_up(r, "换头像", "swap@example.com").await;
    let first = upload_photo(r, &cookie).await;
    let second = upload_photo(r, &cookie).await;
    let me = ok_json(set_avatar(r, &cookie, first).await).await;
    let first_url = me["member"]["avatar"]["url"]
        .as_str()
        .expect("url")
        .to_owned();
    // The same picture again changes nothing.
    let again = ok_json(set_avatar(r, &cookie, first).await).await;
    assert_eq!(again, me);
    assert!(file_of(&app, &first_url).is_file());

    let me = ok_json(set_avatar(r, &cookie, second).await).await;
    let second_url = me["member"]["avatar"]["url"]
        .as_str()
        .expect("url")
        .to_owned();
    assert_ne!(first_url, second_url);
    assert!(
        !file_of(&app, &first_url).exists(),
        "the old file is removed"
    );
    assert!(file_of(&app, &second_url).is_file());
    assert_eq!(count(&app, "SELECT count(*) FROM uploads").await, 1);
    // The old upload is gone, not merely released.
    let reply = set_avatar(r, &cookie, first).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    for _ in 0..2 {
        let reply = call(
            r,
            Method::DELETE,
            "/api/v1/account/avatar",
            Some(&cookie),
            None,
        )
        .await;
        let me = ok_json(reply).await;
        assert!(me["member"]["avatar"].is_null(), "{me}");
        assert_eq!(me["email"], "swap@example.com");
    }
    assert!(!file_of(&app, &second_url).exists());
    assert_eq!(count(&app, "SELECT count(*) FROM uploads").await, 0);
    let me = call(r, Method::GET, "/api/v1/account/me", Some(&cookie), None).await;
    assert!(me.json()["member"]["avatar"].is_null());
}

#[tokio::test]
async fn only_your_own_unpublished_upload_can_be_your_avatar() {
    let app = app().await;
    let r = &app.router;
    let (_, mine) = sign_up(r, "我", "mine@example.com").await;
    let cycling = demo_authors("cycling");
    let theirs = sign_in_demo(r, cycling[2]).await;
    let their_photo = upload_photo(r, &theirs).await;

    // Someone else's upload, or none at all: the same 404.
    for id in [their_photo, 999_999] {
        let reply = set_avatar(r, &mine, id).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{id}");
        assert_eq!(reply.error_code(), "not_found");
    }
    assert_eq!(
        count(&app, "SELECT count(*) FROM uploads WHERE avatar = 1").await,
        0
    );

    // A photo published in a post stays the post's.
    let mut post = new_post("cycling", "发过的图");
    post["images"] = json!([their_photo]);
    let published = call(r, Method::POST, "/api/v1/posts", Some(&theirs), Some(post)).await;
    assert_eq!(
        published.status,
        StatusCode::CREATED,
        "{}",
        published.text()
    );
    let reply = set_avatar(r, &theirs, their_photo).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error_code(), "bad_upload");

    // Bodies that are not `{"upload_id": <number>}`.
    for body in [
        json!({"upload_id": "1"}),
        json!({}),
        json!({"upload_id": 1.5}),
    ] {
        let reply = call(
            r,
            Method::PUT,
            "/api/v1/account/avatar",
            Some(&mine),
            Some(body),
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        assert_eq!(reply.error_code(), "bad_json");
    }

    // Guests are asked to sign in; other sites are refused before anything else.
    let my_photo = upload_photo(r, &mine).await;
    let reply = call(
        r,
        Method::PUT,
        "/api/v1/account/avatar",
        None,
        Some(json!({"upload_id": my_photo})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.error_code(), "unauthenticated");
    let reply = call(r, Method::DELETE, "/api/v1/account/avatar", None, None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.error_code(), "unauthenticated");
    for method in [Method::PUT, Method::DELETE] {
        let reply = request(
            r,
            method,
            "/api/v1/account/avatar",
            &[
                ("host", HOST),
                ("origin", "http://evil.example"),
                ("cookie", &mine),
                ("content-type", "application/json"),
            ],
        )
        .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        assert_eq!(reply.error_code(), "bad_origin");
    }
    let me = call(r, Method::GET, "/api/v1/account/me", Some(&mine), None).await;
    assert!(me.json()["member"]["avatar"].is_null());
}
