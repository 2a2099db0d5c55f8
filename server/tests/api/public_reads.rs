//! The JSON API against a real SQLite file loaded with the demo store.

use crate::common;

use std::collections::HashSet;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{app, get, get_ok, request, send, store};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

fn ids(items: &Value) -> Vec<i64> {
    items
        .as_array()
        .expect("items")
        .iter()
        .map(|p| p["id"].as_i64().expect("id"))
        .collect()
}

fn time_of(post: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(post["created_at"].as_str().expect("created_at"), &Rfc3339)
        .expect("RFC 3339")
}

/// Walks the whole feed (optionally one community's) with the given page size.
async fn walk_feed(router: &axum::Router, limit: u32, community: Option<&str>) -> Vec<Value> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let mut uri = format!("/api/v1/feed?limit={limit}");
        if let Some(c) = &cursor {
            uri.push_str(&format!("&cursor={c}"));
        }
        if let Some(slug) = community {
            uri.push_str(&format!("&community={slug}"));
        }
        let page = get_ok(router, &uri, "zh-CN").await;
        let items = page["items"].as_array().expect("items").clone();
        assert!(items.len() <= limit as usize);
        all.extend(items.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => {
                // Every page but the last is full.
                assert_eq!(items.len(), limit as usize, "short page before the end");
                cursor = Some(next.to_owned());
            }
            None => {
                assert!(page["next_cursor"].is_null());
                return all;
            }
        }
    }
    panic!("the feed never ended");
}

#[tokio::test]
async fn the_demo_store_has_the_promised_size() {
    let store = store();
    assert_eq!(store["communities"].as_array().map(Vec::len), Some(4));
    assert_eq!(store["products"].as_array().map(Vec::len), Some(30));
    assert_eq!(store["posts"].as_array().map(Vec::len), Some(60));
    let app = app().await;
    let communities = get_ok(&app.router, "/api/v1/communities", "zh-CN").await;
    assert_eq!(communities["items"].as_array().map(Vec::len), Some(4));
    assert!(communities["next_cursor"].is_null());
}

#[tokio::test]
async fn the_feed_pages_through_every_post_once_newest_first() {
    let app = app().await;
    let posts = walk_feed(&app.router, 7, None).await;
    assert_eq!(posts.len(), 60);
    let ids = ids(&Value::Array(posts.clone()));
    let unique: HashSet<i64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), 60, "duplicates in the feed");
    for pair in posts.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let key = |p: &Value| (time_of(p), p["id"].as_i64().expect("id"));
        assert!(
            key(a) > key(b),
            "out of order: {} then {}",
            a["id"],
            b["id"]
        );
    }
    // The newest post was moved to forty minutes ago at load.
    let age = OffsetDateTime::now_utc() - time_of(&posts[0]);
    assert!(
        age >= time::Duration::minutes(40) && age < time::Duration::minutes(42),
        "newest post is {age} old"
    );
}

#[tokio::test]
async fn the_feed_defaults_to_ten_and_takes_fifty() {
    let app = app().await;
    let page = get_ok(&app.router, "/api/v1/feed", "zh-CN").await;
    assert_eq!(page["items"].as_array().map(Vec::len), Some(10));
    assert!(page["next_cursor"].is_string());
    let page = get_ok(&app.router, "/api/v1/feed?limit=50", "zh-CN").await;
    assert_eq!(page["items"].as_array().map(Vec::len), Some(50));
    // An empty cursor is the first page, as when a client echoes a missing one.
    let first = get_ok(&app.router, "/api/v1/feed?limit=3&cursor=", "zh-CN").await;
    let again = get_ok(&app.router, "/api/v1/feed?limit=3", "zh-CN").await;
    assert_eq!(first, again);
}

#[tokio::test]
async fn the_last_page_has_no_cursor_even_when_exactly_full() {
    let app = app().await;
    // 60 posts in pages of 6, 10, 12, 15, 20, 30: the last page is full and still final.
    for limit in [6, 10, 12, 15, 20, 30] {
        let posts = walk_feed(&app.router, limit, None).await;
        assert_eq!(posts.len(), 60, "limit {limit}");
    }
}

#[tokio::test]
async fn a_community_feed_holds_only_that_community() {
    let app = app().await;
    let store = store();
    let mut total = 0;
    for community in store["communities"].as_array().expect("communities") {
        let slug = community["slug"].as_str().expect("slug");
        let posts = walk_feed(&app.router, 4, Some(slug)).await;
        assert!(!posts.is_empty(), "{slug} has no posts");
        for p in &posts {
            assert_eq!(p["community"]["slug"], slug);
        }
        let expected = store["posts"]
            .as_array()
            .expect("posts")
            .iter()
            .filter(|p| p["community"] == slug)
            .count();
        assert_eq!(posts.len(), expected, "{slug}");
        total += posts.len();
    }
    assert_eq!(total, 60);
}

#[tokio::test]
async fn bad_feed_parameters_are_400s_with_codes() {
    let app = app().await;
    let cases = [
        ("limit=0", "bad_limit"),
        ("limit=51", "bad_limit"),
        ("limit=-1", "bad_limit"),
        ("limit=abc", "bad_limit"),
        ("limit=99999999999999999999", "bad_limit"),
        ("limit=", "bad_limit"),
        ("limit=1.5", "bad_limit"),
        ("cursor=garbage", "bad_cursor"),
        ("cursor=1-0", "bad_cursor"),
        ("cursor=-5", "bad_cursor"),
        ("cursor=%F0%9F%98%80-1", "bad_cursor"),
        ("community=Mothers", "bad_slug"),
        ("community=a_b", "bad_slug"),
        ("community=", "bad_slug"),
        ("limit=1&limit=2", "bad_request"),
    ];
    for (query, code) in cases {
        let reply = get(&app.router, &format!("/api/v1/feed?{query}")).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{query}: {}",
            reply.text()
        );
        assert_eq!(reply.error_code(), code, "{query}");
    }
    let overlong = format!("cursor={}-1", "1".repeat(70));
    let reply = get(&app.router, &format!("/api/v1/feed?{overlong}")).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error_code(), "bad_cursor");
    let long_slug = format!("community={}", "a".repeat(65));
    let reply = get(&app.router, &format!("/api/v1/feed?{long_slug}")).await;
    assert_eq!(reply.error_code(), "bad_slug");
}

#[tokio::test]
async fn an_unknown_community_is_a_404() {
    let app = app().await;
    let reply = get(&app.router, "/api/v1/feed?community=no-such-circle").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.error_code(), "not_found");
    let reply = get(&app.router, "/api/v1/communities/no-such-circle").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.error_code(), "not_found");
    let reply = get(&app.router, "/api/v1/communities/Bad_Slug").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error_code(), "bad_slug");
}

#[tokio::test]
async fn a_cursor_from_one_feed_works_as_a_position() {
    let app = app().await;
    let all = walk_feed(&app.router, 50, None).await;
    let first = get_ok(&app.router, "/api/v1/feed?limit=5", "zh-CN").await;
    let cursor = first["next_cursor"].as_str().expect("cursor");
    let next = get_ok(
        &app.router,
        &format!("/api/v1/feed?limit=5&cursor={cursor}"),
        "zh-CN",
    )
    .await;
    assert_eq!(ids(&next["items"]), ids(&Value::Array(all[5..10].to_vec())));
}

#[tokio::test]
async fn bad_ids_are_400_and_missing_ones_404() {
    let app = app().await;
    for resource in ["posts", "products"] {
        for id in [
            "abc",
            "0",
            "-1",
            "99999999999999999999",
            "1.0",
            "%20",
            "%FF",
        ] {
            let reply = get(&app.router, &format!("/api/v1/{resource}/{id}")).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{resource}/{id}");
            assert_eq!(reply.error_code(), "bad_id", "{resource}/{id}");
        }
        let reply = get(&app.router, &format!("/api/v1/{resource}/999999")).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{resource}/999999");
        assert_eq!(reply.error_code(), "not_found");
    }
}

#[tokio::test]
async fn a_post_carries_author_images_community_and_product_cards() {
    let app = app().await;
    let store = store();
    let source = &store["posts"][0];
    let id = source["id"].as_i64().expect("id");
    let post = get_ok(&app.router, &format!("/api/v1/posts/{id}"), "zh-CN").await;
    assert_eq!(post["id"], id);
    assert_eq!(post["title"], source["title_zh"]);
    assert_eq!(post["body"], source["body_zh"]);
    assert_eq!(post["community"]["slug"], source["community"]);
    assert_eq!(post["author"]["id"], source["author"]);
    assert_eq!(post["like_count"], source["like_count"]);
    // The count is the comments there are, which the list then shows.
    let comments = source["comments"].as_array().map_or(0, Vec::len);
    assert_eq!(post["comment_count"], comments);
    let listed = get_ok(
        &app.router,
        &format!("/api/v1/posts/{id}/comments"),
        "zh-CN",
    )
    .await;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(comments));
    assert_eq!(
        post["images"].as_array().map(Vec::len),
        source["images"].as_array().map(Vec::len)
    );
    let cards = ids(&post["products"]);
    let expected: Vec<i64> = source["products"]
        .as_array()
        .expect("products")
        .iter()
        .map(|p| p.as_i64().expect("id"))
        .collect();
    assert_eq!(cards, expected, "cards keep the post's order");
    for card in post["products"].as_array().expect("cards") {
        assert!(card["image"]["url"].is_string());
        assert!(card["image"]["width"].as_u64() > Some(0));
        assert_eq!(card["solo_price"]["currency"], "CNY");
        assert!(card["solo_price"]["amount"].is_i64());
    }
    time_of(&post);
}

#[tokio::test]
async fn a_product_has_gallery_story_prices_offer_posts_and_community() {
    let app = app().await;
    let store = store();
    let products = store["products"].as_array().expect("products");
    let source = products
        .iter()
        .find(|p| !p["group_price"].is_null())
        .expect("a product with a group offer");
    let id = source["id"].as_i64().expect("id");
    let product = get_ok(&app.router, &format!("/api/v1/products/{id}"), "zh-CN").await;
    assert_eq!(product["id"], id);
    assert_eq!(product["title"], source["title_zh"]);
    assert_eq!(product["subtitle"], source["subtitle_zh"]);
    assert_eq!(
        product["gallery"].as_array().map(Vec::len),
        source["gallery"].as_array().map(Vec::len)
    );
    assert!(product["gallery"][0]["height"].as_u64() > Some(0));
    let story = product["story"].as_array().expect("story");
    assert_eq!(story.len(), source["story"].as_array().map_or(0, Vec::len));
    for block in story {
        match block["kind"].as_str() {
            Some("text") => assert!(block["text"].is_string()),
            Some("image") => assert!(block["image"]["url"].is_string()),
            other => panic!("unknown story block {other:?}"),
        }
    }
    assert_eq!(product["solo_price"]["amount"], source["solo_price"]);
    assert_eq!(product["solo_price"]["currency"], "CNY");
    assert_eq!(
        product["group_offer"]["price"]["amount"],
        source["group_price"]
    );
    assert_eq!(product["group_offer"]["size"], source["group_size"]);
    assert_eq!(
        product["group_offer"]["window_hours"],
        source["window_hours"]
    );
    assert_eq!(product["stock"], source["stock"]);
    assert_eq!(product["community"]["slug"], source["community"]);
    assert!(product["community"]["name"].is_string());
    let posts = product["posts"].as_array().expect("posts");
    assert!(!posts.is_empty());
    for pair in posts.windows(2) {
        let key = |p: &Value| (time_of(p), p["id"].as_i64());
        assert!(key(&pair[0]) > key(&pair[1]), "posts not newest first");
    }
    for summary in posts {
        assert!(summary["author"]["name"].is_string());
        assert!(summary["title"].is_string());
    }

    // A solo-only product, if the store has one, has no offer.
    if let Some(solo) = products.iter().find(|p| p["group_price"].is_null()) {
        let id = solo["id"].as_i64().expect("id");
        let product = get_ok(&app.router, &format!("/api/v1/products/{id}"), "zh-CN").await;
        assert!(product["group_offer"].is_null());
    }
}

#[tokio::test]
async fn every_product_is_featured_in_some_post() {
    let app = app().await;
    let store = store();
    let featured: HashSet<i64> = walk_feed(&app.router, 50, None)
        .await
        .iter()
        .flat_map(|p| ids(&p["products"]))
        .collect();
    for product in store["products"].as_array().expect("products") {
        let id = product["id"].as_i64().expect("id");
        assert!(featured.contains(&id), "product {id} is in no post");
        let detail = get_ok(&app.router, &format!("/api/v1/products/{id}"), "zh-CN").await;
        assert!(
            !detail["posts"].as_array().is_none_or(Vec::is_empty),
            "product {id} lists no posts"
        );
    }
}

#[tokio::test]
async fn products_are_listed_by_community_for_tagging() {
    let app = app().await;
    let store = store();
    let all = get_ok(&app.router, "/api/v1/products", "zh-CN").await;
    let every = all["items"].as_array().expect("items");
    assert_eq!(
        every.len(),
        store["products"].as_array().expect("products").len()
    );
    assert!(all["next_cursor"].is_null());
    let coffee = get_ok(&app.router, "/api/v1/products?community=coffee", "en").await;
    let ids_in_coffee: HashSet<i64> = store["products"]
        .as_array()
        .expect("products")
        .iter()
        .filter(|p| p["community"] == "coffee")
        .filter_map(|p| p["id"].as_i64())
        .collect();
    let listed: HashSet<i64> = ids(&coffee["items"]).into_iter().collect();
    assert_eq!(listed, ids_in_coffee);
    assert!(coffee["items"][0]["image"]["width"].as_u64().is_some());
    let bad = get(&app.router, "/api/v1/products?community=NOPE").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.error_code(), "bad_slug");
    let missing = get(&app.router, "/api/v1/products?community=knitting").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn text_follows_accept_language() {
    let app = app().await;
    let store = store();
    let community = &store["communities"][0];
    let slug = community["slug"].as_str().expect("slug");
    let uri = format!("/api/v1/communities/{slug}");
    let zh = get_ok(&app.router, &uri, "zh-CN,zh;q=0.9").await;
    let en = get_ok(&app.router, &uri, "en-US,en;q=0.9").await;
    let weighted = get_ok(&app.router, &uri, "zh;q=0.3, en-GB;q=0.8").await;
    let none = get(&app.router, &uri).await.json();
    assert_eq!(zh["name"], community["name_zh"]);
    assert_eq!(en["name"], community["name_en"]);
    assert_eq!(en["description"], community["description_en"]);
    assert_eq!(en["cover"]["alt"], community["cover"]["alt_en"]);
    assert_eq!(weighted["name"], community["name_en"]);
    assert_eq!(none["name"], community["name_zh"]);
    assert_ne!(zh["name"], en["name"]);

    let post = &store["posts"][0];
    let uri = format!("/api/v1/posts/{}", post["id"]);
    let en = get_ok(&app.router, &uri, "en").await;
    assert_eq!(en["title"], post["title_en"]);
    assert_eq!(en["body"], post["body_en"]);
    let product = &store["products"][0];
    let uri = format!("/api/v1/products/{}", product["id"]);
    let en = get_ok(&app.router, &uri, "en").await;
    assert_eq!(en["title"], product["title_en"]);
    assert_eq!(en["gallery"][0]["alt"], product["gallery"][0]["alt_en"]);

    let reply = request(
        &app.router,
        Method::GET,
        "/api/v1/feed",
        &[("accept-language", "en")],
    )
    .await;
    assert!(reply
        .header("vary")
        .to_ascii_lowercase()
        .contains("accept-language"));
    assert_eq!(reply.header("cache-control"), "no-cache");
}

#[tokio::test]
async fn big_bodies_are_413_json() {
    let app = app().await;
    let big = vec![b'x'; 70 * 1024];
    for uri in ["/api/v1/feed", "/api/v1/nope", "/"] {
        let req = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header("content-type", "application/json")
            .header("content-length", big.len())
            .body(Body::from(big.clone()))
            .expect("request");
        let reply = send(&app.router, req).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{uri}");
        assert_eq!(reply.error_code(), "payload_too_large");
    }
}

#[tokio::test]
async fn wrong_methods_are_405_json() {
    let app = app().await;
    for (method, uri) in [
        (Method::POST, "/api/v1/feed"),
        (Method::PATCH, "/api/v1/posts/1"),
        (Method::GET, "/api/v1/account/sign-in"),
        (Method::PUT, "/api/v1/posts/1/comments"),
        (Method::PUT, "/api/v1/communities"),
        (Method::PATCH, "/api/v1/health"),
    ] {
        let reply = request(&app.router, method.clone(), uri, &[]).await;
        assert_eq!(
            reply.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {uri}"
        );
        assert_eq!(reply.error_code(), "method_not_allowed");
    }
}

#[tokio::test]
async fn unknown_api_paths_are_404_json() {
    let app = app().await;
    for uri in [
        "/api/v1/nope",
        "/api/v2/feed",
        "/api",
        "/api/",
        "/api/v1",
        "/api/v1/feed/extra",
    ] {
        let reply = get(&app.router, uri).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(reply.error_code(), "not_found", "{uri}");
        assert_eq!(reply.header("cache-control"), "no-cache");
    }
    let reply = request(&app.router, Method::POST, "/api/v1/nope", &[]).await;
    assert_eq!(reply.error_code(), "not_found");
}

#[tokio::test]
async fn health_and_head() {
    let app = app().await;
    let health = get_ok(&app.router, "/api/v1/health", "zh-CN").await;
    assert_eq!(health, serde_json::json!({"status": "ok"}));
    let reply = request(&app.router, Method::HEAD, "/api/v1/feed", &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.is_empty());
    assert!(reply.header("content-type").starts_with("application/json"));
}

#[tokio::test]
async fn security_headers_are_on_api_responses_too() {
    let app = app().await;
    let reply = get(&app.router, "/api/v1/feed?limit=0").await;
    assert_eq!(reply.header("x-content-type-options"), "nosniff");
    assert_eq!(
        reply.header("referrer-policy"),
        "strict-origin-when-cross-origin"
    );
    assert_eq!(
        reply.header("permissions-policy"),
        "camera=(self), microphone=(), geolocation=()"
    );
}

#[tokio::test]
async fn api_responses_are_compressed_on_request() {
    let app = app().await;
    let reply = request(
        &app.router,
        Method::GET,
        "/api/v1/feed?limit=20",
        &[("accept-encoding", "gzip")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-encoding"), "gzip");
}

#[tokio::test]
async fn the_demo_is_loaded_once_and_survives_a_restart() {
    let dir = tempfile::tempdir().expect("dir");
    let config = quanzi_server::Config::new(dir.path().join("q.sqlite"), dir.path().join("dist"));
    let first = quanzi_server::app(&config).await.expect("first start");
    let before = get_ok(&first, "/api/v1/feed?limit=50", "zh-CN").await;
    drop(first);
    let second = quanzi_server::app(&config).await.expect("second start");
    let after = get_ok(&second, "/api/v1/feed?limit=50", "zh-CN").await;
    // Same posts at the same times: nothing reloaded, nothing shifted again.
    assert_eq!(before, after);
    let all = walk_feed(&second, 50, None).await;
    assert_eq!(all.len(), 60);
}

#[tokio::test]
async fn posts_sharing_a_timestamp_are_neither_lost_nor_repeated_across_pages() {
    let app = app().await;
    // Give 20 posts one creation time, so page boundaries fall inside the tie and only the
    // id can order them.
    let changed = sqlx::query(
        "UPDATE posts SET created_ms = (SELECT max(created_ms) FROM posts)
         WHERE id IN (SELECT id FROM posts ORDER BY id LIMIT 20)",
    )
    .execute(&mut app.conn().await)
    .await
    .expect("update")
    .rows_affected();
    assert_eq!(changed, 20);
    let posts = walk_feed(&app.router, 3, None).await;
    let ids = ids(&Value::Array(posts.clone()));
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 60);
    for pair in posts.windows(2) {
        let key = |p: &Value| (time_of(p), p["id"].as_i64().expect("id"));
        assert!(
            key(&pair[0]) > key(&pair[1]),
            "out of order: {} then {}",
            pair[0]["id"],
            pair[1]["id"]
        );
    }
}
