//! A member's shop (`/s/{code}`): featuring products (in order, once each, on the shelf,
//! at most 30), the shop as anyone reads it (its products and the member's posts that tag
//! products), its link preview, and a visit to it crediting the member like `?ref=`.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::*;
use crate::preview::{assert_preview, og, shop as app_on_origin};
use crate::staff::{owner, post};

async fn feature(app: &TestApp, cookie: &str, method: Method, product_id: i64) -> Reply {
    call(
        &app.router,
        method,
        &format!("/api/v1/account/shop/products/{product_id}"),
        Some(cookie),
        None,
    )
    .await
}

fn ids(v: &Value, key: &str) -> Vec<i64> {
    v[key]
        .as_array()
        .expect("a list")
        .iter()
        .map(|x| x.as_i64().or_else(|| x["id"].as_i64()).expect("an id"))
        .collect()
}

#[tokio::test]
async fn a_member_features_products_in_order_once_each_and_on_the_shelf() {
    let app = app().await;
    let (me, cookie) = member(&app, "小圆").await;
    for product in [5, 2, 9] {
        let reply = feature(&app, &cookie, Method::PUT, product).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    }
    let again = feature(&app, &cookie, Method::PUT, 5).await.json();
    assert_eq!(
        ids(&again, "product_ids"),
        [5, 2, 9],
        "added again, it stays where it was"
    );
    assert_eq!(again["code"], code_of(&app, me).await);
    let removed = feature(&app, &cookie, Method::DELETE, 2).await.json();
    assert_eq!(ids(&removed, "product_ids"), [5, 9]);
    let twice = feature(&app, &cookie, Method::DELETE, 2).await;
    assert_eq!(twice.status, StatusCode::OK);
    let added = feature(&app, &cookie, Method::PUT, 2).await.json();
    assert_eq!(ids(&added, "product_ids"), [5, 9, 2], "back at the end");

    let missing = feature(&app, &cookie, Method::PUT, 999_999).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    // Taken off the shelf: not addable, and the shop leaves it out.
    let owner = owner(&app).await;
    let off = post(&app, &owner, "/api/v1/staff/products/9/unpublish", None).await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.text());
    let refused = feature(&app, &cookie, Method::PUT, 9).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.error_code(), "off_shelf");
    let shop = get_as(
        &app.router,
        None,
        &format!("/api/v1/shops/{}", code_of(&app, me).await),
    )
    .await;
    assert_eq!(ids(&shop, "products"), [5, 2]);
    assert_eq!(shop["member"]["name"], "小圆");

    // At most 30.
    for product in 1..=30 {
        if ![5, 2, 9].contains(&product) {
            feature(&app, &cookie, Method::PUT, product).await;
        }
    }
    let extra = extra_product(&app).await;
    let full = feature(&app, &cookie, Method::PUT, extra).await;
    assert_eq!(full.status, StatusCode::BAD_REQUEST);
    assert_eq!(full.error_code(), "too_many_products");

    let guest = call(
        &app.router,
        Method::PUT,
        "/api/v1/account/shop/products/1",
        None,
        None,
    )
    .await;
    assert_eq!(guest.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_shop_shows_the_members_posts_that_tag_products() {
    let app = app().await;
    let author = demo_authors("cycling")[0];
    let cookie = sign_in_demo(&app.router, author).await;
    let mut with_tag = new_post("cycling", "我的好物");
    with_tag["products"] = json!([1]);
    let reply = call(
        &app.router,
        Method::POST,
        "/api/v1/posts",
        Some(&cookie),
        Some(with_tag),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let tagged = reply.json()["id"].as_i64().expect("id");
    let plain = call(
        &app.router,
        Method::POST,
        "/api/v1/posts",
        Some(&cookie),
        Some(new_post("cycling", "没有商品")),
    )
    .await;
    assert_eq!(plain.status, StatusCode::CREATED);
    let shop = get_as(
        &app.router,
        None,
        &format!("/api/v1/shops/{}", code_of(&app, author).await),
    )
    .await;
    let posts = shop["posts"].as_array().expect("posts");
    assert_eq!(posts[0]["id"], tagged, "newest first");
    assert!(posts.len() <= quanzi_api::shop::SHOP_POSTS);
    for post in posts {
        assert_eq!(post["author"]["id"], author);
        assert!(
            !post["products"].as_array().expect("products").is_empty(),
            "{post}"
        );
        assert_eq!(post["viewer_liked"], false, "read as anyone reads it");
    }

    let unknown = get(&app.router, "/api/v1/shops/7K3M9QXZ").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let junk = get(&app.router, "/api/v1/shops/abc").await;
    assert_eq!(junk.error_code(), "bad_referral_code");
}

#[tokio::test]
async fn a_shop_link_unfurls_and_credits_its_member() {
    let app = app_on_origin().await;
    let (me, cookie) = member(&app, "小圆").await;
    let code = code_of(&app, me).await;
    for product in [3, 1] {
        feature(&app, &cookie, Method::PUT, product).await;
    }
    let path = format!("/s/{code}");
    let html = assert_preview(&app, &path, &path, "website").await;
    assert_eq!(og(&html, "og:title"), "小圆的小店");
    let titles = [3, 1].map(|i| {
        store()["products"][i - 1]["title_zh"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    });
    assert_eq!(
        og(&html, "og:description"),
        format!("2 件精选好物：{}", titles.join("、"))
    );
    let picture = get(&app.router, &format!("/og/s/{code}.jpg")).await;
    assert_eq!(picture.status, StatusCode::OK);
    assert_eq!(picture.header("content-type"), "image/jpeg");
    let decoded = image::load_from_memory(&picture.body).expect("a jpeg");
    assert_eq!((decoded.width(), decoded.height()), (1200, 630));

    // Not the canonical code, not a shop.
    for other in [
        format!("/s/{}", code.to_lowercase()),
        "/s/7K3M9QXZ".to_owned(),
    ] {
        let reply = get(&app.router, &other).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{other}");
    }
    let junk_picture = get(&app.router, "/og/s/nope.jpg").await;
    assert_eq!(junk_picture.status, StatusCode::NOT_FOUND);

    // A visit to the shop is a landing with its code: the buyer's order is credited.
    let landed = get(&app.router, &path).await;
    let cookie_ref = set_cookie_named(&landed, "quanzi_ref").expect("the referral cookie");
    assert!(
        cookie_ref.starts_with(&format!("quanzi_ref={code};")),
        "{cookie_ref}"
    );
    let (_, buyer) = member(&app, "买家").await;
    let ref_cookie = cookie_ref.split(';').next().unwrap_or_default();
    let order = call_with(
        &app.router,
        Method::POST,
        "/api/v1/orders",
        Some(&format!("{buyer}; {ref_cookie}")),
        &[("idempotency-key", &new_key())],
        Some(solo(&[(3, 1)])),
    )
    .await;
    assert_eq!(order.status, StatusCode::CREATED, "{}", order.text());
    let id = order.json()["id"].as_i64().expect("id");
    assert_eq!(
        number(&app, "SELECT referrer_id FROM orders WHERE id = $1", id).await,
        me
    );
}

/// A poster, fetched (as `cookie`'s member, or a guest) and decoded: the link its QR code
/// holds.
async fn poster(app: &TestApp, cookie: Option<&str>, uri: &str) -> String {
    let reply = call(&app.router, Method::GET, uri, cookie, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text());
    assert_eq!(reply.header("content-type"), "image/jpeg");
    assert_eq!(reply.header("cache-control"), "private, no-cache");
    let picture = image::load_from_memory(&reply.body).expect("a jpeg");
    assert_eq!((picture.width(), picture.height()), (1080, 1440));
    let mut prepared = rqrr::PreparedImage::prepare(picture.to_luma8());
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on {uri}");
    let (_, link) = grids[0].decode().expect("a readable QR code");
    link
}

#[tokio::test]
async fn a_poster_carries_the_link_with_the_sharers_code_and_follows_the_price() {
    let app = app_on_origin().await;
    let (me, cookie) = member(&app, "小圆").await;
    let code = code_of(&app, me).await;
    let mine = Some(cookie.as_str());
    let link = poster(&app, mine, "/api/v1/posters/p/2").await;
    assert_eq!(link, format!("https://shop.example/p/2?ref={code}"));
    let plain = poster(&app, None, "/api/v1/posters/p/2?lang=en").await;
    assert_eq!(plain, "https://shop.example/p/2", "a guest's: no code");
    feature(&app, &cookie, Method::PUT, 2).await;
    let shop_link = poster(&app, mine, &format!("/api/v1/posters/s/{code}")).await;
    assert_eq!(
        shop_link,
        format!("https://shop.example/s/{code}?ref={code}")
    );
    let (leader, leader_cookie) = member(&app, "团长").await;
    let group = open_group(&app.router, &leader_cookie, 1).await;
    let leader_code = code_of(&app, leader).await;
    let group_link = poster(
        &app,
        Some(&leader_cookie),
        &format!("/api/v1/posters/g/{group}"),
    )
    .await;
    assert_eq!(
        group_link,
        format!("https://shop.example/g/{group}?ref={leader_code}")
    );

    // Kept, and drawn again when the price changes.
    let uri = "/api/v1/posters/p/2";
    let body = |reply: Reply| reply.body;
    let first = body(call(&app.router, Method::GET, uri, mine, None).await);
    assert_eq!(
        body(call(&app.router, Method::GET, uri, mine, None).await),
        first,
        "the same poster"
    );
    let mut conn = app.conn().await;
    sqlx::query("UPDATE products SET solo_price = solo_price + 100 WHERE id = 2")
        .execute(&mut conn)
        .await
        .expect("a new price");
    let after = body(call(&app.router, Method::GET, uri, mine, None).await);
    assert_ne!(after, first, "a new price, a new poster");
    let kept = std::fs::read_dir(app.dir.path().join("data/previews"))
        .expect("previews")
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(&format!("poster.p.2.{code}.zh-CN.")))
        })
        .count();
    assert_eq!(kept, 1, "the old poster is gone");

    for (uri, status, error) in [
        (
            "/api/v1/posters/p/999999",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "/api/v1/posters/g/999999",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        ("/api/v1/posters/p/abc", StatusCode::BAD_REQUEST, "bad_id"),
        (
            "/api/v1/posters/s/nope",
            StatusCode::BAD_REQUEST,
            "bad_referral_code",
        ),
        (
            "/api/v1/posters/p/1?lang=fr",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/posters/s/7K3M9QXZ",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        ("/api/v1/posters/x/1", StatusCode::NOT_FOUND, "not_found"),
    ] {
        let reply = get(&app.router, uri).await;
        assert_eq!(reply.status, status, "{uri}");
        assert_eq!(reply.error_code(), error, "{uri}");
    }
}
