//! The catalogue in the console: owners create, edit, publish and unpublish products; an
//! off-shelf product's page and preview still answer and say so, and nobody can buy it;
//! every number is refused with its own code and nothing half-written.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::*;
use crate::staff::{clerk, id, owner, post};

/// A product of the cycling community with one uploaded picture and a group offer.
fn draft(upload_id: i64) -> Value {
    json!({
        "community": "cycling",
        "title_zh": "骑行手套",
        "title_en": "Cycling gloves",
        "subtitle_zh": "透气半指",
        "subtitle_en": "Breathable, fingerless",
        "gallery": [{"upload_id": upload_id, "alt_zh": "一双手套", "alt_en": "A pair of gloves"}],
        "story": [{"kind": "text", "text_zh": "夏天骑车不闷手。", "text_en": "Cool hands in summer."}],
        "solo_price": 8900,
        "group_offer": {"price": 6900, "size": 2, "window_hours": 24},
        "stock": 5,
    })
}

async fn create(app: &TestApp, cookie: &str, body: Value) -> Reply {
    post(app, cookie, "/api/v1/staff/products", Some(body)).await
}

async fn put(app: &TestApp, cookie: &str, product_id: i64, body: Value) -> Reply {
    call(
        &app.router,
        Method::PUT,
        &format!("/api/v1/staff/products/{product_id}"),
        Some(cookie),
        Some(body),
    )
    .await
}

/// The community's products as the shop shows them, by id: its shelf, and on its page
/// (untagged products after the recommended ones) where a shopper finds them.
async fn on_the_shelf(app: &TestApp) -> Vec<i64> {
    let ids = |page: Value, at: &str| -> Vec<i64> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|item| id(if at.is_empty() { item } else { &item[at] }))
            .collect()
    };
    let shelf = ids(
        get_as(&app.router, None, "/api/v1/products?community=cycling").await,
        "",
    );
    let page = ids(
        get_as(&app.router, None, "/api/v1/communities/cycling/recommended").await,
        "product",
    );
    shelf.into_iter().filter(|p| page.contains(p)).collect()
}

#[tokio::test]
async fn an_owner_lists_a_product_and_takes_it_off_the_shelf_again() {
    let app = app().await;
    let owner = owner(&app).await;
    let photo = upload_photo(&app.router, &owner).await;
    let created = create(&app, &owner, draft(photo)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let created = created.json();
    let product_id = id(&created);
    // New products wait off the shelf until they are published.
    assert_eq!(created["published"], false);
    let gallery_url = created["draft"]["gallery"][0]["url"]
        .as_str()
        .expect("url")
        .to_owned();
    assert!(gallery_url.starts_with("/media/"), "{gallery_url}");
    assert!(!on_the_shelf(&app).await.contains(&product_id));

    // Its page answers, saying it is off the shelf; nobody can buy it or put it in a cart.
    let page = get_as(&app.router, None, &format!("/api/v1/products/{product_id}")).await;
    assert_eq!(page["published"], false);
    assert_eq!(page["title"], "骑行手套");
    assert_eq!(page["gallery"][0]["url"], gallery_url.as_str());
    let shopper = sign_in_demo(&app.router, 1).await;
    let refused = order(&app.router, &shopper, solo(&[(product_id, 1)])).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text());
    assert_eq!(refused.error_code(), "off_shelf");
    let refused = order(
        &app.router,
        &shopper,
        json!({"purchase": {"kind": "start_group", "product_id": product_id},
               "fulfilment": delivery()}),
    )
    .await;
    assert_eq!(refused.error_code(), "off_shelf");
    let cart = call(
        &app.router,
        Method::PUT,
        &format!("/api/v1/cart/items/{product_id}"),
        Some(&shopper),
        Some(json!({"quantity": 1})),
    )
    .await;
    assert_eq!(cart.error_code(), "off_shelf");
    let preview = get(&app.router, &format!("/p/{product_id}")).await.text();
    assert!(preview.contains("已下架"), "{preview}");

    // Published: on the shelf, and it sells at its group price.
    let published = post(
        &app,
        &owner,
        &format!("/api/v1/staff/products/{product_id}/publish"),
        None,
    )
    .await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.text());
    assert_eq!(published.json()["published"], true);
    assert!(on_the_shelf(&app).await.contains(&product_id));
    let group = placed(
        &app.router,
        &shopper,
        json!({"purchase": {"kind": "start_group", "product_id": product_id},
               "fulfilment": delivery()}),
    )
    .await;
    assert_eq!(group["total"]["amount"], 6900);
    let group_id = paid(&app.router, &shopper, id(&group)).await["group_id"].clone();

    // Edited: the kept picture stays, a second upload joins the story, the price changes.
    let second = upload_photo(&app.router, &owner).await;
    let mut edit = draft(0);
    edit["gallery"] = json!([{"url": gallery_url, "alt_zh": "", "alt_en": ""}]);
    edit["story"] = json!([
        {"kind": "text", "text_zh": "新的故事。", "text_en": "A new story."},
        {"kind": "image", "picture": {"upload_id": second}},
    ]);
    edit["solo_price"] = json!(9900);
    let edited = put(&app, &owner, product_id, edit).await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.text());
    let page = get_as(&app.router, None, &format!("/api/v1/products/{product_id}")).await;
    assert_eq!(page["solo_price"]["amount"], 9900);
    assert_eq!(page["published"], true);
    // An empty text alternative reads as the title.
    assert_eq!(page["gallery"][0]["alt"], "骑行手套");
    assert_eq!(page["story"][0]["text"], "新的故事。");
    assert_eq!(page["story"][1]["kind"], "image");
    // Both uploads belong to the product now: neither is swept nor claimable by a post.
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM uploads WHERE product_id = $1",
            product_id
        )
        .await,
        2
    );

    // Edited again without the first picture: its upload (and file) goes.
    let mut edit = draft(0);
    edit["gallery"] = json!([{"url": page["story"][1]["image"]["url"]}]);
    edit["story"] = json!([]);
    let edited = put(&app, &owner, product_id, edit).await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.text());
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM uploads WHERE product_id = $1",
            product_id
        )
        .await,
        1
    );

    // In a cart before it goes off the shelf.
    let carted = call(
        &app.router,
        Method::PUT,
        &format!("/api/v1/cart/items/{product_id}"),
        Some(&shopper),
        Some(json!({"quantity": 1})),
    )
    .await;
    assert_eq!(carted.status, StatusCode::OK, "{}", carted.text());

    // Off the shelf again: the open group cannot be joined either.
    let unpublished = post(
        &app,
        &owner,
        &format!("/api/v1/staff/products/{product_id}/unpublish"),
        None,
    )
    .await;
    assert_eq!(unpublished.json()["published"], false);
    let friend = sign_in_demo(&app.router, 2).await;
    let join = order(
        &app.router,
        &friend,
        json!({"purchase": {"kind": "join_group", "group_id": group_id},
               "fulfilment": delivery()}),
    )
    .await;
    assert_eq!(join.error_code(), "off_shelf", "{}", join.text());
    // The cart shows it as not to be had (stock 0), and a guest's cart brings none of it.
    let cart = get_as(&app.router, Some(&shopper), "/api/v1/cart").await;
    assert_eq!(cart["lines"][0]["product"]["id"], product_id);
    assert_eq!(cart["lines"][0]["stock"], 0);
    let merged = post(
        &app,
        &friend,
        "/api/v1/cart/merge",
        Some(json!({"lines": [{"product_id": product_id, "quantity": 2}, {"product_id": 3, "quantity": 1}]})),
    )
    .await;
    assert_eq!(merged.status, StatusCode::OK, "{}", merged.text());
    let lines: Vec<i64> = merged.json()["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| id(&l["product"]))
        .collect();
    assert_eq!(lines, [3]);

    // Each step is in the audit log.
    let audit = get_as(&app.router, Some(&owner), "/api/v1/staff/audit?limit=50").await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["subject"] == format!("product:{product_id}"))
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "product.unpublish",
            "product.edit",
            "product.edit",
            "product.publish",
            "product.create"
        ]
    );
}

#[tokio::test]
async fn product_drafts_are_refused_with_their_codes_and_nothing_is_written() {
    let app = app().await;
    let owner = owner(&app).await;
    let photo = upload_photo(&app.router, &owner).await;
    let products = count(&app, "SELECT count(*) FROM products").await;
    let with = |path: &str, value: Value| {
        let mut body = draft(photo);
        let (field, inner) = path.split_once('.').unwrap_or((path, ""));
        if inner.is_empty() {
            body[field] = value;
        } else {
            body[field][inner] = value;
        }
        body
    };
    for (body, code) in [
        (
            with("group_offer.price", json!(8900)),
            "group_price_too_high",
        ),
        (
            with("group_offer.price", json!(9900)),
            "group_price_too_high",
        ),
        (with("group_offer.size", json!(1)), "bad_group_size"),
        (with("group_offer.window_hours", json!(0)), "bad_window"),
        (with("stock", json!(-1)), "bad_stock"),
        (with("solo_price", json!(0)), "bad_price"),
        (with("title_en", json!("  ")), "empty_text"),
        (with("gallery", json!([])), "too_many_images"),
        (
            with(
                "story",
                json!([
                    {"kind": "text", "text_zh": "长".repeat(1500), "text_en": "long"},
                    {"kind": "text", "text_zh": "长".repeat(600), "text_en": "long"},
                ]),
            ),
            "text_too_long",
        ),
        (
            with("gallery", json!([{"url": "/img/products/1-1.jpg"}])),
            "bad_upload",
        ),
        (
            with("gallery", json!([{"upload_id": photo + 1000}])),
            "bad_upload",
        ),
        (with("community", json!("no-such-place")), "not_found"),
    ] {
        let reply = create(&app, &owner, body).await;
        assert_eq!(reply.error_code(), code, "{}", reply.text());
    }
    // A member's own photo is theirs, not the owner's.
    let member = sign_in_demo(&app.router, 1).await;
    let theirs = upload_photo(&app.router, &member).await;
    let reply = create(&app, &owner, draft(theirs)).await;
    assert_eq!(reply.error_code(), "bad_upload");
    assert_eq!(count(&app, "SELECT count(*) FROM products").await, products);
    // The owner's photo was not claimed by any refused draft.
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM uploads WHERE id = $1 AND product_id IS NULL",
            photo
        )
        .await,
        1
    );
    // A failing edit leaves the product as it was.
    let product = get_as(&app.router, Some(&owner), "/api/v1/staff/products/2").await;
    let mut bad = product["draft"].clone();
    bad["stock"] = json!(-5);
    assert_eq!(put(&app, &owner, 2, bad).await.error_code(), "bad_stock");
    assert_eq!(
        get_as(&app.router, Some(&owner), "/api/v1/staff/products/2").await,
        product
    );
    // Saving the console's own reading changes nothing.
    let same = put(&app, &owner, 2, product["draft"].clone()).await;
    assert_eq!(same.status, StatusCode::OK, "{}", same.text());
    assert_eq!(same.json()["draft"], product["draft"]);
}

#[tokio::test]
async fn only_owners_change_the_catalogue() {
    let app = app().await;
    let clerk = clerk(&app).await;
    let member = sign_in_demo(&app.router, 1).await;
    let photo = upload_photo(&app.router, &clerk).await;
    // Staff read the catalogue, off-shelf products included.
    let all = get_as(&app.router, Some(&clerk), "/api/v1/staff/products").await;
    assert!(!all["items"].as_array().expect("items").is_empty());
    for cookie in [&clerk, &member] {
        let created = create(&app, cookie, draft(photo)).await;
        assert_eq!(created.status, StatusCode::FORBIDDEN);
        assert_eq!(created.error_code(), "forbidden");
        let unpublished = post(&app, cookie, "/api/v1/staff/products/1/unpublish", None).await;
        assert_eq!(unpublished.error_code(), "forbidden");
    }
    let member_reads = call(
        &app.router,
        Method::GET,
        "/api/v1/staff/products",
        Some(&member),
        None,
    )
    .await;
    assert_eq!(member_reads.status, StatusCode::FORBIDDEN);
    assert_eq!(
        get_as(&app.router, None, "/api/v1/products/1").await["published"],
        true
    );
}
