//! A community's recommendations: the products its posts tag, by distinct members, then by
//! the most recent tag, then its untagged products newest first; localised, at most 12,
//! off-shelf products and deleted posts do not count.

use crate::common;

use std::collections::{BTreeSet, HashMap};

use axum::http::{Method, StatusCode};
use axum::Router;
use common::{app, call, get_ok, new_post, sign_up, store};
use serde_json::{json, Value};

/// The demo store's ranking for a community, computed here independently:
/// (product id, recommenders), best first.
fn expected(slug: &str) -> Vec<(i64, u64)> {
    let mut by_product: HashMap<i64, (BTreeSet<i64>, String)> = HashMap::new();
    for post in store()["posts"].as_array().expect("posts") {
        if post["community"] != slug {
            continue;
        }
        let author = post["author"].as_i64().expect("author");
        let at = post["created_at"].as_str().expect("time").to_owned();
        for product in post["products"].as_array().expect("products") {
            let entry = by_product
                .entry(product.as_i64().expect("product id"))
                .or_default();
            entry.0.insert(author);
            if at > entry.1 {
                entry.1 = at.clone();
            }
        }
    }
    let mut ranked: Vec<(usize, String, i64)> = by_product
        .into_iter()
        .map(|(id, (authors, last))| (authors.len(), last, id))
        .collect();
    ranked.sort_by(|a, b| b.cmp(a));
    let mut ranked: Vec<(i64, u64)> = ranked
        .into_iter()
        .map(|(n, _, id)| (id, n as u64))
        .collect();
    // Then the community's own products nobody tagged, newest first.
    let mut untagged: Vec<i64> = store()["products"]
        .as_array()
        .expect("products")
        .iter()
        .filter(|p| p["community"] == slug)
        .filter_map(|p| p["id"].as_i64())
        .filter(|id| ranked.iter().all(|(r, _)| r != id))
        .collect();
    untagged.sort_by(|a, b| b.cmp(a));
    ranked.extend(untagged.into_iter().map(|id| (id, 0)));
    ranked.truncate(12);
    ranked
}

fn ranking(page: &Value) -> Vec<(i64, u64)> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|r| {
            (
                r["product"]["id"].as_i64().expect("id"),
                r["recommenders"].as_u64().expect("recommenders"),
            )
        })
        .collect()
}

async fn recommended(router: &Router, slug: &str) -> Value {
    get_ok(
        router,
        &format!("/api/v1/communities/{slug}/recommended"),
        "zh-CN",
    )
    .await
}

async fn post_tagging(router: &Router, cookie: &str, products: &[i64]) -> i64 {
    let mut post = new_post("cycling", "买家秀");
    post["products"] = json!(products);
    let reply = call(
        router,
        Method::POST,
        "/api/v1/posts",
        Some(cookie),
        Some(post),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    reply.json()["id"].as_i64().expect("id")
}

#[tokio::test]
async fn the_demo_communities_rank_as_their_posts_say() {
    let app = app().await;
    for community in store()["communities"].as_array().expect("communities") {
        let slug = community["slug"].as_str().expect("slug");
        let page = recommended(&app.router, slug).await;
        assert!(page["next_cursor"].is_null());
        let want = expected(slug);
        assert!(!want.is_empty(), "{slug} has tagged products");
        assert_eq!(ranking(&page), want, "{slug}");
    }
    // Cards are localised like everywhere else.
    let first = expected("cycling")[0].0;
    let product = store()["products"]
        .as_array()
        .expect("products")
        .iter()
        .find(|p| p["id"] == first)
        .cloned()
        .expect("product");
    let zh = recommended(&app.router, "cycling").await;
    assert_eq!(zh["items"][0]["product"]["title"], product["title_zh"]);
    assert!(zh["items"][0]["product"]["image"]["url"].is_string());
    assert!(zh["items"][0]["product"]["solo_price"]["amount"].is_i64());
    let en = get_ok(&app.router, "/api/v1/communities/cycling/recommended", "en").await;
    assert_eq!(en["items"][0]["product"]["title"], product["title_en"]);
}

#[tokio::test]
async fn new_tags_move_a_product_up_and_deleted_posts_stop_counting() {
    let app = app().await;
    let r = &app.router;
    let before = ranking(&recommended(r, "cycling").await);
    // The last product, tagged by one member only, long ago.
    let (product, n) = *before.last().expect("recommendations");
    assert_eq!(n, 1);
    let (_, cookie) = sign_up(r, "新骑友", "newrider@example.com").await;
    let joined = call(
        r,
        Method::POST,
        "/api/v1/communities/cycling/membership",
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(joined.status, StatusCode::OK);
    let post = post_tagging(r, &cookie, &[product]).await;
    // The same member tagging it again is still one recommender.
    let again = post_tagging(r, &cookie, &[product]).await;

    let after = ranking(&recommended(r, "cycling").await);
    let top_count = before.iter().filter(|(_, n)| *n >= 3).count();
    // Now two members, and the most recent tag: first among the products with two.
    assert_eq!(after[top_count], (product, 2), "{after:?}");
    assert_eq!(after.len(), before.len());

    for id in [post, again] {
        let reply = call(
            r,
            Method::DELETE,
            &format!("/api/v1/posts/{id}"),
            Some(&cookie),
            None,
        )
        .await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text());
    }
    assert_eq!(ranking(&recommended(r, "cycling").await), before);
    // Another community is not moved by any of it.
    assert_eq!(ranking(&recommended(r, "coffee").await), expected("coffee"));
}

#[tokio::test]
async fn at_most_twelve_are_recommended() {
    let app = app().await;
    let r = &app.router;
    let (_, cookie) = sign_up(r, "种草机", "grass@example.com").await;
    let joined = call(
        r,
        Method::POST,
        "/api/v1/communities/cycling/membership",
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(joined.status, StatusCode::OK);
    post_tagging(r, &cookie, &[1, 2, 3, 4, 5, 6]).await;
    post_tagging(r, &cookie, &[7, 8, 17, 18, 19, 20]).await;
    let page = recommended(r, "cycling").await;
    let ranked = ranking(&page);
    assert_eq!(ranked.len(), 12);
    // The demo's most-tagged still lead; then the newest tags.
    assert_eq!(ranked[..2], expected("cycling")[..2]);
}

#[tokio::test]
async fn bad_and_unknown_slugs() {
    let app = app().await;
    for (uri, status, code) in [
        (
            "/api/v1/communities/Cycling/recommended",
            StatusCode::BAD_REQUEST,
            "bad_slug",
        ),
        (
            "/api/v1/communities/a_b/recommended",
            StatusCode::BAD_REQUEST,
            "bad_slug",
        ),
        (
            "/api/v1/communities/%E9%AA%91/recommended",
            StatusCode::BAD_REQUEST,
            "bad_slug",
        ),
        (
            "/api/v1/communities/no-such-circle/recommended",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
    ] {
        let reply = common::get(&app.router, uri).await;
        assert_eq!(reply.status, status, "{uri}");
        assert_eq!(reply.error_code(), code, "{uri}");
    }
    // A write to it is not a thing.
    let reply = call(
        &app.router,
        Method::POST,
        "/api/v1/communities/cycling/recommended",
        None,
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
}
