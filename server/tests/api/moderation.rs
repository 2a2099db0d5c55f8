//! Communities run by people: the store's owners create communities and appoint their
//! moderators; members report posts and comments with a reason; a community's moderators
//! (and the store's owners) work through the open reports and remove or keep, and nobody
//! learns who reported or who decided.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::*;
use crate::staff::{owner, post};

async fn join(app: &TestApp, cookie: &str, slug: &str) {
    let joined = post(
        app,
        cookie,
        &format!("/api/v1/communities/{slug}/membership"),
        None,
    )
    .await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.text());
}

/// A member of `slug` who wrote a post there; their cookie and the post's id.
async fn poster(app: &TestApp, slug: &str) -> (String, i64) {
    let (_, cookie) = member(app, "发帖的人").await;
    join(app, &cookie, slug).await;
    let created = post(
        app,
        &cookie,
        "/api/v1/posts",
        Some(new_post(slug, "便宜出二手车")),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    (cookie, created.json()["id"].as_i64().expect("id"))
}

async fn report(app: &TestApp, cookie: &str, what: &str, reason: &str) -> Reply {
    post(
        app,
        cookie,
        &format!("/api/v1/{what}/reports"),
        Some(json!({ "reason": reason })),
    )
    .await
}

async fn queue(app: &TestApp, cookie: &str) -> Reply {
    call(
        &app.router,
        Method::GET,
        "/api/v1/reports",
        Some(cookie),
        None,
    )
    .await
}

/// A signed-up member (with an email, so an owner can name them); their id and cookie.
async fn with_email(app: &TestApp, name: &str, email: &str) -> (i64, String) {
    let (me, cookie) = sign_up(&app.router, name, email).await;
    (me["member"]["id"].as_i64().expect("id"), cookie)
}

async fn moderate(app: &TestApp, owner: &str, slug: &str, email: &str) -> Reply {
    call(
        &app.router,
        Method::PUT,
        &format!("/api/v1/staff/communities/{slug}/moderators"),
        Some(owner),
        Some(json!({ "email": email })),
    )
    .await
}

async fn role_in(app: &TestApp, cookie: &str, slug: &str) -> Value {
    get_as(
        &app.router,
        Some(cookie),
        &format!("/api/v1/communities/{slug}"),
    )
    .await["viewer_role"]
        .clone()
}

#[tokio::test]
async fn owners_create_communities_and_appoint_their_moderators() {
    let app = app().await;
    let owner = owner(&app).await;
    let cover = upload_photo(&app.router, &owner).await;
    let body = json!({
        "slug": "hiking",
        "name_zh": "徒步",
        "name_en": "Hiking",
        "description_zh": "周末一起走山路",
        "description_en": "Weekend trails together",
        "cover_upload_id": cover,
    });
    // Members and bad input first: nothing is created.
    let (member_id, member) = with_email(&app, "山友", "hiker@example.com").await;
    let refused = post(
        &app,
        &member,
        "/api/v1/staff/communities",
        Some(body.clone()),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    for (field, value, code) in [
        ("slug", json!("Hiking!"), "bad_slug"),
        ("name_en", json!(" "), "bad_name"),
        ("description_zh", json!(""), "empty_text"),
        ("cover_upload_id", json!(cover + 1000), "bad_upload"),
        ("slug", json!("cycling"), "slug_taken"),
    ] {
        let mut bad = body.clone();
        bad[field] = value;
        let reply = post(&app, &owner, "/api/v1/staff/communities", Some(bad)).await;
        assert_eq!(reply.error_code(), code, "{field}: {}", reply.text());
    }
    let missing = call(
        &app.router,
        Method::GET,
        "/api/v1/communities/hiking",
        None,
        None,
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let created = post(&app, &owner, "/api/v1/staff/communities", Some(body)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let created = created.json();
    assert_eq!(created["name"], "徒步");
    assert_eq!(created["viewer_role"], "owner");
    assert_eq!(created["member_count"], 1);
    assert!(created["cover"]["url"]
        .as_str()
        .is_some_and(|u| u.starts_with("/media/")));
    let listed = get_as(&app.router, None, "/api/v1/communities").await;
    assert!(listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .any(|c| c["slug"] == "hiking"));

    // A moderator, by email: they join as one; again changes nothing; then a member again.
    assert_eq!(
        moderate(&app, &owner, "hiking", "nobody@example.com")
            .await
            .error_code(),
        "not_found"
    );
    let appointed = moderate(&app, &owner, "hiking", "Hiker@Example.com").await;
    assert_eq!(
        appointed.status,
        StatusCode::NO_CONTENT,
        "{}",
        appointed.text()
    );
    assert_eq!(
        moderate(&app, &owner, "hiking", "hiker@example.com")
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(role_in(&app, &member, "hiking").await, "moderator");
    assert_eq!(
        get_as(&app.router, None, "/api/v1/communities/hiking").await["member_count"],
        2
    );
    let uri = format!("/api/v1/staff/communities/hiking/moderators/{member_id}");
    let removed = call(&app.router, Method::DELETE, &uri, Some(&owner), None).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.text());
    assert_eq!(role_in(&app, &member, "hiking").await, "member");
    // A member already is counted once when made a moderator again.
    let appointed = moderate(&app, &owner, "hiking", "hiker@example.com").await;
    assert_eq!(appointed.status, StatusCode::NO_CONTENT);
    assert_eq!(role_in(&app, &member, "hiking").await, "moderator");
    assert_eq!(
        get_as(&app.router, None, "/api/v1/communities/hiking").await["member_count"],
        2
    );
    let removed = call(&app.router, Method::DELETE, &uri, Some(&owner), None).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let again = call(&app.router, Method::DELETE, &uri, Some(&owner), None).await;
    assert_eq!(again.error_code(), "not_found");

    let audit = get_as(&app.router, Some(&owner), "/api/v1/staff/audit").await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions[..5],
        [
            "community.moderator.remove",
            "community.moderator.add",
            "community.moderator.remove",
            "community.moderator.add",
            "community.create"
        ]
    );
}

#[tokio::test]
async fn reports_reach_the_moderators_who_remove_or_keep() {
    let app = app().await;
    let owner = owner(&app).await;
    let (author, post_id) = poster(&app, "cycling").await;
    let (_, first) = member(&app, "举报人一").await;
    let (_, second) = member(&app, "举报人二").await;
    let (_, moderator) = with_email(&app, "版主", "mod@example.com").await;
    assert_eq!(
        moderate(&app, &owner, "cycling", "mod@example.com")
            .await
            .status,
        StatusCode::NO_CONTENT
    );

    // Reported twice by one member counts once; the author cannot report their own.
    let what = format!("posts/{post_id}");
    for (cookie, reason) in [(&first, "spam"), (&first, "fraud"), (&second, "spam")] {
        let filed = report(&app, cookie, &what, reason).await;
        assert_eq!(filed.status, StatusCode::NO_CONTENT, "{}", filed.text());
    }
    assert_eq!(
        report(&app, &author, &what, "spam").await.error_code(),
        "bad_request"
    );
    assert_eq!(
        report(&app, &first, &what, "rude").await.error_code(),
        "bad_json"
    );
    assert_eq!(
        report(&app, &first, "posts/999999", "spam")
            .await
            .error_code(),
        "not_found"
    );
    // Someone who moderates nothing has no queue; a queue is of a community that exists.
    assert_eq!(queue(&app, &first).await.error_code(), "forbidden");
    for (query, code) in [
        ("?community=", "bad_slug"),
        ("?community=nowhere", "not_found"),
    ] {
        let reply = call(
            &app.router,
            Method::GET,
            &format!("/api/v1/reports{query}"),
            Some(&moderator),
            None,
        )
        .await;
        assert_eq!(reply.error_code(), code, "{query}");
    }

    let page = queue(&app, &moderator).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let page = page.json();
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    let entry = &items[0];
    assert_eq!(entry["post_id"], post_id);
    assert_eq!(entry["reports"], 2);
    assert_eq!(entry["reasons"], json!(["spam"]));
    assert_eq!(entry["text"], "便宜出二手车");
    assert_eq!(entry["community"]["slug"], "cycling");
    // Who reported is nobody's business.
    assert!(!page.to_string().contains("举报人"), "{page}");

    // Kept: gone from the queue, the post stays.
    let keep = post(
        &app,
        &moderator,
        &format!("/api/v1/reports/{}/keep", entry["id"]),
        None,
    )
    .await;
    assert_eq!(keep.status, StatusCode::NO_CONTENT, "{}", keep.text());
    assert_eq!(queue(&app, &moderator).await.json()["items"], json!([]));
    get_as(&app.router, None, &format!("/api/v1/posts/{post_id}")).await;

    // A comment reported and removed by the moderator.
    let comment = post(
        &app,
        &author,
        &format!("/api/v1/posts/{post_id}/comments"),
        Some(json!({ "body": "加我微信买更便宜" })),
    )
    .await;
    assert_eq!(comment.status, StatusCode::CREATED, "{}", comment.text());
    let comment_id = comment.json()["id"].as_i64().expect("id");
    let filed = report(&app, &second, &format!("comments/{comment_id}"), "fraud").await;
    assert_eq!(filed.status, StatusCode::NO_CONTENT);
    let entry = queue(&app, &moderator).await.json()["items"][0].clone();
    assert_eq!(entry["comment_id"], comment_id);
    assert_eq!(entry["text"], "加我微信买更便宜");
    // A moderator of another community may not decide on it.
    let (_, elsewhere) = with_email(&app, "别的版主", "other@example.com").await;
    moderate(&app, &owner, "coffee", "other@example.com").await;
    let refused = post(
        &app,
        &elsewhere,
        &format!("/api/v1/reports/{}/remove", entry["id"]),
        None,
    )
    .await;
    assert_eq!(refused.error_code(), "forbidden");
    assert_eq!(queue(&app, &elsewhere).await.json()["items"], json!([]));
    let removed = post(
        &app,
        &moderator,
        &format!("/api/v1/reports/{}/remove", entry["id"]),
        None,
    )
    .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.text());
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM comments WHERE id = $1",
            comment_id
        )
        .await,
        0
    );

    // Reported again, the post is removed by the store's owner, and the log says so.
    let filed = report(&app, &second, &what, "abuse").await;
    assert_eq!(filed.status, StatusCode::NO_CONTENT);
    let (_, third) = member(&app, "举报人三").await;
    report(&app, &third, &what, "abuse").await;
    let entry = queue(&app, &owner).await.json()["items"][0].clone();
    assert_eq!(entry["reasons"], json!(["abuse"]));
    let removed = post(
        &app,
        &owner,
        &format!("/api/v1/reports/{}/remove", entry["id"]),
        None,
    )
    .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let gone = call(
        &app.router,
        Method::GET,
        &format!("/api/v1/posts/{post_id}"),
        None,
        None,
    )
    .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let again = post(
        &app,
        &owner,
        &format!("/api/v1/reports/{}/remove", entry["id"]),
        None,
    )
    .await;
    assert_eq!(again.error_code(), "not_found");
    let audit = get_as(&app.router, Some(&owner), "/api/v1/staff/audit").await;
    assert_eq!(audit["items"][0]["action"], "report.remove");
    assert_eq!(audit["items"][0]["subject"], format!("post:{post_id}"));
}
