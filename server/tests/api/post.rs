//! Members' posts: publishing (members only, checked, all or nothing), where they show up,
//! who may delete them, and user text that looks like HTML.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{
    app, call, count, demo_authors, get_ok, new_post, sign_in_demo, sign_up, upload_photo,
};
use serde_json::{json, Value};

async fn join(router: &axum::Router, cookie: &str, slug: &str) {
    let reply = call(
        router,
        Method::POST,
        &format!("/api/v1/communities/{slug}/membership"),
        Some(cookie),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
}

async fn publish(router: &axum::Router, cookie: &str, post: Value) -> common::Reply {
    call(
        router,
        Method::POST,
        "/api/v1/posts",
        Some(cookie),
        Some(post),
    )
    .await
}

#[tokio::test]
async fn a_member_posts_with_photos_and_products_and_it_leads_both_feeds() {
    let app = app().await;
    let (me, cookie) = sign_up(&app.router, "骑手小王", "wang@example.com").await;
    join(&app.router, &cookie, "cycling").await;
    let first = upload_photo(&app.router, &cookie).await;
    let second = upload_photo(&app.router, &cookie).await;
    let product = common::store()["products"][0]["id"]
        .as_i64()
        .expect("product");
    let reply = publish(
        &app.router,
        &cookie,
        json!({
            "community": "cycling",
            "title": "  第一次骑到西湖  ",
            "body": ["  早上六点出发。 ", "", "   ", "风很舒服。"],
            "images": [second, first],
            "products": [product, product],
        }),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let post = reply.json();
    assert_eq!(post["title"], "第一次骑到西湖");
    assert_eq!(post["body"], json!(["早上六点出发。", "风很舒服。"]));
    assert_eq!(post["author"]["id"], me["member"]["id"]);
    assert_eq!(post["community"]["slug"], "cycling");
    assert_eq!(post["like_count"], 0);
    assert_eq!(post["comment_count"], 0);
    assert_eq!(post["viewer_liked"], false);
    assert_eq!(post["can_delete"], true);
    let images = post["images"].as_array().expect("images");
    assert_eq!(images.len(), 2);
    for image in images {
        let url = image["url"].as_str().expect("url");
        assert!(url.starts_with("/media/") && url.ends_with(".jpg"), "{url}");
        assert_eq!(image["width"], 40);
        assert_eq!(image["height"], 30);
        assert!(image["alt"]
            .as_str()
            .is_some_and(|a| a.contains("第一次骑到西湖")));
        let file = common::get(&app.router, url).await;
        assert_eq!(file.status, StatusCode::OK);
        assert_eq!(file.header("content-type"), "image/jpeg");
    }
    // The photos keep the order given; the product is shown once.
    assert_eq!(post["products"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        count(&app, "SELECT count(*) FROM uploads WHERE post_id IS NULL").await,
        0
    );

    let id = post["id"].clone();
    let feed = get_ok(&app.router, "/api/v1/feed?limit=3", "zh-CN").await;
    assert_eq!(feed["items"][0]["id"], id);
    let community_feed = get_ok(
        &app.router,
        "/api/v1/feed?community=cycling&limit=3",
        "zh-CN",
    )
    .await;
    assert_eq!(community_feed["items"][0]["id"], id);
    // English readers see the original: a member's post has no translation.
    let en = get_ok(&app.router, &format!("/api/v1/posts/{id}"), "en").await;
    assert_eq!(en["title"], "第一次骑到西湖");
    // The product page lists it first among the posts featuring it.
    let product_page = get_ok(&app.router, &format!("/api/v1/products/{product}"), "zh-CN").await;
    assert_eq!(product_page["posts"][0]["id"], id);
    // The author's own list.
    let author = me["member"]["id"].as_i64().expect("id");
    let mine = get_ok(
        &app.router,
        &format!("/api/v1/feed?author={author}"),
        "zh-CN",
    )
    .await;
    assert_eq!(mine["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(mine["items"][0]["id"], id);
    // Seen by a guest: no like, no delete button.
    let guest = get_ok(&app.router, &format!("/api/v1/posts/{id}"), "zh-CN").await;
    assert_eq!(guest["viewer_liked"], false);
    assert_eq!(guest["can_delete"], false);
}

#[tokio::test]
async fn the_author_filter_checks_its_id() {
    let app = app().await;
    let store = common::store();
    let author = store["posts"][0]["author"].as_i64().expect("author");
    let page = get_ok(
        &app.router,
        &format!("/api/v1/feed?author={author}&limit=50"),
        "zh-CN",
    )
    .await;
    let expected = store["posts"]
        .as_array()
        .expect("posts")
        .iter()
        .filter(|p| p["author"] == author)
        .count();
    assert_eq!(page["items"].as_array().map(Vec::len), Some(expected));
    assert!(page["items"]
        .as_array()
        .expect("items")
        .iter()
        .all(|p| p["author"]["id"] == author));
    // Both filters at once.
    let slug = store["posts"][0]["community"].as_str().expect("slug");
    let both = get_ok(
        &app.router,
        &format!("/api/v1/feed?author={author}&community={slug}&limit=50"),
        "zh-CN",
    )
    .await;
    assert!(both["items"]
        .as_array()
        .expect("items")
        .iter()
        .all(|p| p["author"]["id"] == author && p["community"]["slug"] == slug));
    for bad in ["abc", "0", "-1", ""] {
        let reply = common::get(&app.router, &format!("/api/v1/feed?author={bad}")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(reply.error_code(), "bad_id");
    }
    let reply = common::get(&app.router, "/api/v1/feed?author=99999").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn only_members_post_and_guests_are_asked_to_sign_in() {
    let app = app().await;
    let guest = call(
        &app.router,
        Method::POST,
        "/api/v1/posts",
        None,
        Some(new_post("cycling", "hi")),
    )
    .await;
    assert_eq!(guest.status, StatusCode::UNAUTHORIZED);
    assert_eq!(guest.error_code(), "unauthenticated");
    let (_, cookie) = sign_up(&app.router, "路人", "passer@example.com").await;
    let reply = publish(&app.router, &cookie, new_post("cycling", "hi")).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.error_code(), "not_a_member");
    for (slug, status, code) in [
        ("no-such-circle", StatusCode::NOT_FOUND, "not_found"),
        ("Bad Slug", StatusCode::BAD_REQUEST, "bad_slug"),
    ] {
        let reply = publish(&app.router, &cookie, new_post(slug, "hi")).await;
        assert_eq!(reply.status, status, "{slug}");
        assert_eq!(reply.error_code(), code, "{slug}");
    }
    assert_eq!(count(&app, "SELECT count(*) FROM posts").await, 60);
}

#[tokio::test]
async fn bad_posts_are_refused_with_codes_and_nothing_is_saved() {
    let app = app().await;
    let (_, cookie) = sign_up(&app.router, "写手", "writer@example.com").await;
    join(&app.router, &cookie, "coffee").await;
    let photo = upload_photo(&app.router, &cookie).await;
    let with = |patch: Value| {
        let mut post = new_post("coffee", "标题");
        post["images"] = json!([photo]);
        for (key, value) in patch.as_object().expect("object") {
            post[key] = value.clone();
        }
        post
    };
    let products: Vec<i64> = common::store()["products"]
        .as_array()
        .expect("products")
        .iter()
        .take(7)
        .map(|p| p["id"].as_i64().expect("id"))
        .collect();
    let cases = [
        (json!({"title": ""}), StatusCode::BAD_REQUEST, "empty_text"),
        (
            json!({"title": " \n "}),
            StatusCode::BAD_REQUEST,
            "empty_text",
        ),
        (
            json!({"title": "长".repeat(61)}),
            StatusCode::BAD_REQUEST,
            "text_too_long",
        ),
        (json!({"body": []}), StatusCode::BAD_REQUEST, "empty_text"),
        (
            json!({"body": ["", "  "]}),
            StatusCode::BAD_REQUEST,
            "empty_text",
        ),
        (
            json!({"body": ["字".repeat(1000), "字".repeat(1001)]}),
            StatusCode::BAD_REQUEST,
            "text_too_long",
        ),
        (
            json!({"images": vec![photo; 10]}),
            StatusCode::BAD_REQUEST,
            "too_many_images",
        ),
        (
            json!({"images": [photo, photo]}),
            StatusCode::BAD_REQUEST,
            "bad_upload",
        ),
        (
            json!({"images": [photo, 999_999]}),
            StatusCode::BAD_REQUEST,
            "bad_upload",
        ),
        (
            json!({"images": [-1]}),
            StatusCode::BAD_REQUEST,
            "bad_upload",
        ),
        (
            json!({"products": products}),
            StatusCode::BAD_REQUEST,
            "too_many_products",
        ),
        (
            json!({"products": [products[0], 999_999]}),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            json!({"images": "not a list"}),
            StatusCode::BAD_REQUEST,
            "bad_json",
        ),
        (json!({"title": null}), StatusCode::BAD_REQUEST, "bad_json"),
    ];
    for (patch, status, code) in cases {
        let reply = publish(&app.router, &cookie, with(patch.clone())).await;
        assert_eq!(reply.status, status, "{patch}: {}", reply.text());
        assert_eq!(reply.error_code(), code, "{patch}");
    }
    // Nothing half-saved: no post, no cards, and the photo is still free to use.
    assert_eq!(count(&app, "SELECT count(*) FROM posts").await, 60);
    assert_eq!(
        count(&app, "SELECT count(*) FROM uploads WHERE post_id IS NULL").await,
        1
    );
    let reply = publish(&app.router, &cookie, with(json!({}))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    // Exactly the limits are fine.
    let exact = json!({
        "title": "长".repeat(60),
        "body": ["字".repeat(1000), "字".repeat(1000)],
        "images": [],
        "products": products[..6],
    });
    let reply = publish(&app.router, &cookie, with(exact)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
}

#[tokio::test]
async fn someone_elses_or_a_used_upload_is_bad_upload_and_nothing_is_saved() {
    let app = app().await;
    let authors = demo_authors("cycling");
    let (_, mine) = sign_up(&app.router, "我", "me@example.com").await;
    join(&app.router, &mine, "cycling").await;
    let theirs = sign_in_demo(&app.router, authors[2]).await;
    let their_photo = upload_photo(&app.router, &theirs).await;
    let my_photo = upload_photo(&app.router, &mine).await;

    let mut post = new_post("cycling", "借图");
    post["images"] = json!([my_photo, their_photo]);
    let reply = publish(&app.router, &mine, post).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error_code(), "bad_upload");
    assert_eq!(count(&app, "SELECT count(*) FROM posts").await, 60);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM post_images WHERE url LIKE '/media/%'"
        )
        .await,
        0
    );
    // My photo was not claimed by the failed post.
    assert_eq!(
        count(&app, "SELECT count(*) FROM uploads WHERE post_id IS NULL").await,
        2
    );

    let mut post = new_post("cycling", "自己的图");
    post["images"] = json!([my_photo]);
    assert_eq!(
        publish(&app.router, &mine, post.clone()).await.status,
        StatusCode::CREATED
    );
    // A published photo cannot be published again.
    let reply = publish(&app.router, &mine, post).await;
    assert_eq!(reply.error_code(), "bad_upload");
    assert_eq!(count(&app, "SELECT count(*) FROM posts").await, 61);
}

#[tokio::test]
async fn who_may_delete_a_post() {
    let app = app().await;
    let authors = demo_authors("cycling");
    let author = sign_in_demo(&app.router, authors[2]).await;
    let other_member = sign_in_demo(&app.router, authors[3]).await;
    let moderator = sign_in_demo(&app.router, authors[1]).await;
    // A moderator of another community is no moderator here.
    let elsewhere = demo_authors("coffee")
        .into_iter()
        .find(|id| !authors.contains(id))
        .expect("a coffee-only member");
    let outsider_moderator = sign_in_demo(&app.router, elsewhere).await;

    let mut ids = Vec::new();
    for title in ["one", "two"] {
        let photo = upload_photo(&app.router, &author).await;
        let mut post = new_post("cycling", title);
        post["images"] = json!([photo]);
        post["products"] = json!([common::store()["products"][0]["id"]]);
        let reply = publish(&app.router, &author, post).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        ids.push(reply.json()["id"].as_i64().expect("id"));
    }
    let (first, second) = (ids[0], ids[1]);

    // The post as the others see it.
    let seen = call(
        &app.router,
        Method::GET,
        &format!("/api/v1/posts/{first}"),
        Some(&other_member),
        None,
    )
    .await;
    assert_eq!(seen.json()["can_delete"], false);
    let seen = call(
        &app.router,
        Method::GET,
        &format!("/api/v1/posts/{first}"),
        Some(&moderator),
        None,
    )
    .await;
    assert_eq!(seen.json()["can_delete"], true);

    let delete = |cookie: Option<String>, id: i64| {
        let router = app.router.clone();
        async move {
            call(
                &router,
                Method::DELETE,
                &format!("/api/v1/posts/{id}"),
                cookie.as_deref(),
                None,
            )
            .await
        }
    };
    let guest = delete(None, first).await;
    assert_eq!(guest.status, StatusCode::UNAUTHORIZED);
    for cookie in [&other_member, &outsider_moderator] {
        let reply = delete(Some(cookie.clone()), first).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        assert_eq!(reply.error_code(), "forbidden");
    }
    // Likes and comments go with the post.
    call(
        &app.router,
        Method::PUT,
        &format!("/api/v1/posts/{first}/like"),
        Some(&other_member),
        None,
    )
    .await;
    let comment = call(
        &app.router,
        Method::POST,
        &format!("/api/v1/posts/{first}/comments"),
        Some(&other_member),
        Some(json!({"body": "好图"})),
    )
    .await;
    assert_eq!(comment.status, StatusCode::CREATED);
    let files_before = std::fs::read_dir(app.dir.path().join("data/uploads"))
        .expect("uploads dir")
        .count();
    assert_eq!(files_before, 2);

    assert_eq!(
        delete(Some(author.clone()), first).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        delete(Some(moderator.clone()), second).await.status,
        StatusCode::NO_CONTENT
    );
    for id in [first, second] {
        let reply = common::get(&app.router, &format!("/api/v1/posts/{id}")).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
        let reply = delete(Some(author.clone()), id).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(count(&app, "SELECT count(*) FROM post_likes").await, 0);
    assert_eq!(
        count(
            &app,
            &format!("SELECT count(*) FROM comments WHERE post_id IN ({first}, {second})")
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT count(*) FROM post_products WHERE post_id IN ({first}, {second})")
        )
        .await,
        0
    );
    assert_eq!(count(&app, "SELECT count(*) FROM uploads").await, 0);
    let files_after = std::fs::read_dir(app.dir.path().join("data/uploads"))
        .expect("uploads dir")
        .count();
    assert_eq!(files_after, 0, "the photos' files are removed");

    // The owner may delete a demo post in their community too.
    let owner = sign_in_demo(&app.router, authors[0]).await;
    let demo_post = common::store()["posts"]
        .as_array()
        .expect("posts")
        .iter()
        .find(|p| p["community"] == "cycling" && p["author"] != authors[0])
        .map(|p| p["id"].as_i64().expect("id"))
        .expect("a cycling post by someone else");
    assert_eq!(
        delete(Some(owner), demo_post).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        delete(Some(author), 0).await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn html_and_script_in_posts_come_back_verbatim_as_json_strings() {
    let app = app().await;
    let (_, cookie) = sign_up(&app.router, "<b>bold</b>", "xss@example.com").await;
    join(&app.router, &cookie, "mothers").await;
    let img = "<img src=x onerror=alert(1)>";
    let script = "<script>alert(1)</script>";
    let mut post = new_post("mothers", img);
    post["body"] = json!([script, format!("a {img} b")]);
    let reply = publish(&app.router, &cookie, post).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let id = reply.json()["id"].as_i64().expect("id");
    let stored = get_ok(&app.router, &format!("/api/v1/posts/{id}"), "zh-CN").await;
    assert_eq!(stored["title"], img);
    assert_eq!(stored["body"], json!([script, format!("a {img} b")]));
    assert_eq!(stored["author"]["name"], "<b>bold</b>");
    let comment = call(
        &app.router,
        Method::POST,
        &format!("/api/v1/posts/{id}/comments"),
        Some(&cookie),
        Some(json!({"body": script})),
    )
    .await;
    assert_eq!(comment.json()["body"], script);
    let comments = get_ok(
        &app.router,
        &format!("/api/v1/posts/{id}/comments"),
        "zh-CN",
    )
    .await;
    assert_eq!(comments["items"][0]["body"], script);
    let feed = get_ok(&app.router, "/api/v1/feed?limit=1", "zh-CN").await;
    assert_eq!(feed["items"][0]["title"], img);
}

#[tokio::test]
async fn a_feed_page_says_per_post_what_its_reader_may_do() {
    let app = app().await;
    // Member 1 moderates 新手妈妈 (mothers) and belongs to 摄影 without moderating it.
    let moderator = common::sign_in_demo(&app.router, 1).await;
    let page = |cookie: Option<String>, slug: &'static str| {
        let router = app.router.clone();
        async move {
            common::get_as(
                &router,
                cookie.as_deref(),
                &format!("/api/v1/feed?community={slug}&limit=50"),
            )
            .await
        }
    };
    let mothers = page(Some(moderator.clone()), "mothers").await;
    let posts = mothers["items"].as_array().cloned().unwrap_or_default();
    assert!(posts.len() > 2, "{mothers}");
    assert!(
        posts.iter().all(|p| p["can_delete"] == true),
        "a moderator may delete any post there"
    );
    let photography = page(Some(moderator.clone()), "photography").await;
    for post in photography["items"].as_array().cloned().unwrap_or_default() {
        assert_eq!(post["can_delete"], post["author"]["id"] == 1, "{post}");
    }
    let guest = page(None, "mothers").await;
    assert!(guest["items"].as_array().is_some_and(|items| items
        .iter()
        .all(|p| p["can_delete"] == false && p["viewer_liked"] == false)));
    // Every post of the page has its own pictures and products, in their order.
    let one = posts[0]["id"].as_i64().expect("id");
    let alone = common::get_as(&app.router, None, &format!("/api/v1/posts/{one}")).await;
    assert_eq!(alone["images"], posts[0]["images"]);
    assert_eq!(alone["products"], posts[0]["products"]);
}
