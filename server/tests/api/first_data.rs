//! A page's shell carries the API answers the page draws first, byte for byte what the API
//! gives the same reader, and preloads the page's pack and its largest picture.

use axum::http::{Method, StatusCode};
use serde_json::Value;

use crate::common::{self, request, Options};

/// Each data block of a shell: its API path, its language and its JSON as the app reads it.
fn data_blocks(html: &str) -> Vec<(String, String, String)> {
    const OPEN: &str = "<script type=\"application/json\" data-api=\"";
    html.split(OPEN)
        .skip(1)
        .map(|rest| {
            let (path, rest) = rest.split_once("\" data-lang=\"").expect("data-lang");
            let (lang, rest) = rest.split_once("\">").expect("block opens");
            let (json, _) = rest.split_once("</script>").expect("block closes");
            (
                path.replace("&amp;", "&"),
                lang.to_owned(),
                json.replace("\\u003c", "<"),
            )
        })
        .collect()
}

async fn shell(router: &axum::Router, uri: &str, headers: &[(&str, &str)]) -> common::Reply {
    request(router, Method::GET, uri, headers).await
}

#[tokio::test]
async fn each_shareable_page_carries_what_the_api_answers() {
    let app = common::app().await;
    let leader = common::sign_in_demo(&app.router, 2).await;
    let group = common::open_group(&app.router, &leader, 2).await;
    let post = common::get_ok(&app.router, "/api/v1/feed?limit=10", "zh-CN").await["items"][0]
        ["id"]
        .as_i64()
        .expect("a post");
    let (post_path, group_path) = (format!("/posts/{post}"), format!("/groups/{group}"));
    let pages = [
        ("/".to_owned(), vec!["/feed?limit=10", "/communities"]),
        ("/communities".to_owned(), vec!["/communities"]),
        (
            "/p/2".to_owned(),
            vec!["/products/2", "/products/2/groups?limit=10"],
        ),
        (format!("/posts/{post}"), vec![post_path.as_str()]),
        (
            "/c/coffee".to_owned(),
            vec![
                "/communities/coffee",
                "/feed?limit=10&community=coffee",
                "/communities/coffee/recommended",
            ],
        ),
        (format!("/g/{group}"), vec![group_path.as_str()]),
    ];
    for (page, paths) in pages {
        for lang in ["zh-CN", "en"] {
            let reply = shell(&app.router, &page, &[("accept-language", lang)]).await;
            assert_eq!(reply.status, StatusCode::OK, "{page}");
            assert_eq!(reply.header("cache-control"), "private, no-cache");
            let blocks = data_blocks(&reply.text());
            let carried: Vec<&str> = blocks.iter().map(|(p, _, _)| p.as_str()).collect();
            assert_eq!(carried, paths, "{page}");
            for (path, block_lang, json) in &blocks {
                assert_eq!(block_lang, lang, "{page}");
                let api = request(
                    &app.router,
                    Method::GET,
                    &format!("/api/v1{path}"),
                    &[("accept-language", lang)],
                )
                .await;
                let mut block: Value = serde_json::from_str(json).expect("JSON");
                let mut answer = api.json();
                // Only a group's clock moves between the two asks (a list's, each group's).
                for value in [&mut block, &mut answer] {
                    if let Some(time) = value.get_mut("server_time") {
                        *time = Value::Null;
                    }
                    if let Some(groups) = value.get_mut("items").and_then(Value::as_array_mut) {
                        for group in groups {
                            if let Some(time) = group.get_mut("server_time") {
                                *time = Value::Null;
                            }
                        }
                    }
                }
                assert_eq!(block, answer, "{page} {path} {lang}");
            }
        }
    }
}

#[tokio::test]
async fn a_members_shell_is_their_own_view() {
    let app = common::app().await;
    let owner = common::demo_authors("coffee")[0];
    let cookie = common::sign_in_demo(&app.router, owner).await;
    let reply = shell(&app.router, "/c/coffee", &[("cookie", &cookie)]).await;
    let blocks = data_blocks(&reply.text());
    let community: Value = serde_json::from_str(&blocks[0].2).expect("JSON");
    assert_eq!(community["viewer_role"], "owner");
    let guest = shell(&app.router, "/c/coffee", &[]).await;
    let community: Value = serde_json::from_str(&data_blocks(&guest.text())[0].2).expect("JSON");
    assert_eq!(community["viewer_role"], Value::Null);
}

#[tokio::test]
async fn the_shell_preloads_the_pack_and_the_largest_picture() {
    let app = common::app().await;
    let product = common::get_ok(&app.router, "/api/v1/products/2", "zh-CN").await;
    let html = shell(&app.router, "/p/2", &[]).await.text();
    // The code waits behind the first paint, so the picture has the bandwidth to itself.
    let code = format!(
        "<link rel=preload as=fetch type=application/wasm crossorigin href=/{0}/quanzi_bg.wasm>\
         <link rel=preload as=fetch crossorigin href=/{0}/product.pack>",
        common::APP_FOLDER
    );
    assert!(
        html.contains(&format!("<template id=after-first-paint>{code}</template>")),
        "{html}"
    );
    let picture = product["gallery"][0]["url"].as_str().expect("gallery");
    // With the `<img>`'s own `srcset` and `sizes`, so the same copy is fetched once.
    let copy = quanzi_api::variant::variant_url(picture, 400).expect("a copy");
    assert!(
        html.contains(&format!(
            "<link rel=preload as=image fetchpriority=high href=\"{picture}\" \
             imagesrcset=\"{copy} 400w, "
        )),
        "{html}"
    );
    assert!(html.contains(&format!(
        "imagesizes=\"{}\">",
        quanzi_api::variant::COLUMN_SIZES
    )));
    // Both before the title: found before anything else in the head.
    assert!(html.find("rel=preload").expect("preload") < html.find("<title>").expect("title"));

    // The feed is in the main module: no pack; its picture is the first post's.
    let feed = common::get_ok(&app.router, "/api/v1/feed?limit=10", "zh-CN").await;
    let html = shell(&app.router, "/", &[]).await.text();
    assert!(!html.contains(".pack>"));
    let first = &feed["items"][0];
    let picture = first["images"][0]["url"]
        .as_str()
        .or(first["products"][0]["image"]["url"].as_str())
        .expect("a picture");
    assert!(html.contains(&format!("as=image fetchpriority=high href=\"{picture}\"")));

    // Inside a host app (no first paint) the code is preloaded at once, before the picture.
    let html = shell(&app.router, "/p/2?embed=1", &[]).await.text();
    let head = &html[..html.find("<title>").expect("title")];
    assert!(
        head.contains(&format!("{code}<link rel=preload as=image")),
        "{head}"
    );

    // A page without a pack of its own in the build preloads the main module only.
    let html = shell(&app.router, "/me/orders", &[]).await.text();
    let preloads: Vec<&str> = html.split("rel=preload").skip(1).collect();
    assert_eq!(preloads.len(), 1, "{html}");
    assert!(preloads[0].contains("quanzi_bg.wasm"), "{html}");
}

#[tokio::test]
async fn missing_items_and_private_pages_carry_no_data() {
    let app = common::app().await;
    for page in [
        "/p/999999",
        "/posts/999999",
        "/c/no-such-place",
        "/g/999999",
    ] {
        let reply = shell(&app.router, page, &[]).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{page}");
        assert!(data_blocks(&reply.text()).is_empty(), "{page}");
        assert_eq!(reply.header("cache-control"), "no-cache", "{page}");
    }
    for page in ["/me/orders", "/cart", "/checkout", "/me"] {
        let reply = shell(&app.router, page, &[]).await;
        assert!(data_blocks(&reply.text()).is_empty(), "{page}");
    }
}

#[tokio::test]
async fn an_app_that_asks_another_server_gets_no_data_from_this_one() {
    let app = common::app_with(Options {
        api_base: Some("https://api.example.com/api/v1".to_owned()),
        ..Options::default()
    })
    .await;
    let reply = shell(&app.router, "/p/2", &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(data_blocks(&reply.text()).is_empty());
    assert!(reply.text().contains("product.pack"));
}

#[tokio::test]
async fn a_page_whose_largest_paint_is_its_first_picture_draws_it_from_the_shell() {
    let app = common::app().await;
    let product = common::get_ok(&app.router, "/api/v1/products/2", "zh-CN").await;
    let community = common::get_ok(&app.router, "/api/v1/communities/coffee", "zh-CN").await;
    let feed = common::get_ok(&app.router, "/api/v1/feed?limit=10", "zh-CN").await;
    let leader = common::sign_in_demo(&app.router, 2).await;
    let group = common::open_group(&app.router, &leader, 2).await;
    let group_page = format!("/g/{group}");
    let first_paint = |html: &str| {
        let start = html.find("<div id=\"first-paint\" aria-hidden=\"true\">")?;
        let end = start + html[start..].find("</div></div>")?;
        Some(html[start..end].to_owned())
    };
    for (page, picture, frame) in [
        (
            "/",
            &feed["items"][0]["images"][0],
            "<div class=\"feed\"><article class=\"card post-card\"><div class=\"byline\">",
        ),
        (
            "/p/2",
            &product["gallery"][0],
            "<article class=\"product-page\"><div class=\"product-media\"><ul class=\"gallery",
        ),
        (
            "/c/coffee",
            &community["cover"],
            "<header class=\"community-header\"><img class=\"community-cover\"",
        ),
        (
            group_page.as_str(),
            &product["gallery"][0],
            "<article class=\"group-page\"><h1>&#160;</h1><div class=\"product-card product-card-large\">\
             <span class=\"product-card-media\"><img",
        ),
    ] {
        let html = shell(&app.router, page, &[]).await.text();
        let paint = first_paint(&html).unwrap_or_else(|| panic!("{page}: no first paint"));
        let url = picture["url"].as_str().expect("a picture");
        // The same copies and sizes as the app's `<img>`, so the preloaded copy is shown.
        let copy = quanzi_api::variant::variant_url(url, 400).expect("a copy");
        assert!(paint.contains(frame), "{page}: {paint}");
        assert!(
            paint.contains(&format!("src=\"{url}\" srcset=\"{copy} 400w, ")),
            "{page}: {paint}"
        );
        assert!(paint.contains(&format!(
            "sizes=\"{}\" width=\"{}\" height=\"{}\"",
            quanzi_api::variant::COLUMN_SIZES,
            picture["width"],
            picture["height"]
        )));
        // Inside a host app the app has no top bar: nothing drawn before it.
        let embedded = shell(&app.router, &format!("{page}?embed=1"), &[])
            .await
            .text();
        assert_eq!(first_paint(&embedded), None, "{page}?embed=1");
    }
    // Pages whose largest paint is not their first picture, and pages of nothing, have none.
    for page in ["/communities", "/me/orders", "/p/999999"] {
        let html = shell(&app.router, page, &[]).await.text();
        assert_eq!(first_paint(&html), None, "{page}");
    }
}

/// A link shared with a code opens naming who shared it: the shell carries the sharer's
/// name and picture for product, post, community and group pages; nothing for a code
/// nobody has, for junk, for the reader's own code, or on pages without a preview.
#[tokio::test]
async fn a_shared_link_names_who_shared_it_from_the_first_draw() {
    let app = common::app().await;
    let sharer = 3;
    let code = common::code_of(&app, sharer).await;
    let name = common::text(&app, "SELECT name FROM members WHERE id = $1", sharer).await;
    let referrer = quanzi_api::path::referrer(&code);
    for page in ["/p/2", "/c/coffee", "/posts/1"] {
        let reply = shell(&app.router, &format!("{page}?ref={code}"), &[]).await;
        let blocks = data_blocks(&reply.text());
        let block = blocks.iter().find(|(p, _, _)| *p == referrer);
        let json: Value =
            serde_json::from_str(&block.expect("the referrer's block").2).expect("JSON");
        assert_eq!(json["name"], name.as_str(), "{page}");
        assert!(
            json.get("id").is_none(),
            "a name and a picture only: {json}"
        );
    }
    // Read as people type it: lower case and hyphens are the same code.
    let typed = format!("{}-{}", &code[..4], &code[4..]).to_lowercase();
    let reply = shell(&app.router, &format!("/p/2?ref={typed}"), &[]).await;
    assert!(data_blocks(&reply.text())
        .iter()
        .any(|(p, _, _)| *p == referrer));
    let nobody = common::unknown_code(&app).await;
    for uri in [
        format!("/p/2?ref={nobody}"),
        "/p/2?ref=%3Cscript%3E".to_owned(),
        format!("/?ref={code}"),
        format!("/me?ref={code}"),
    ] {
        let reply = shell(&app.router, &uri, &[]).await;
        let blocks = data_blocks(&reply.text());
        assert!(
            !blocks.iter().any(|(p, _, _)| p.starts_with("/referrers/")),
            "{uri}"
        );
    }
    // The sharer opening their own link is not recommended anything by themselves.
    let own = common::sign_in_demo(&app.router, sharer).await;
    let reply = shell(
        &app.router,
        &format!("/p/2?ref={code}"),
        &[("cookie", &own)],
    )
    .await;
    assert!(!data_blocks(&reply.text())
        .iter()
        .any(|(p, _, _)| *p == referrer));
    // The API says the same, with stable codes.
    let api = |path: String, cookie: Option<String>| {
        let router = app.router.clone();
        async move {
            let cookie = cookie.map(|c| ("cookie", c));
            let headers: Vec<(&str, &str)> = cookie.iter().map(|(k, v)| (*k, v.as_str())).collect();
            request(&router, Method::GET, &format!("/api/v1{path}"), &headers).await
        }
    };
    let reply = api(referrer.clone(), None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["name"], name.as_str());
    let reply = api(referrer.clone(), Some(own)).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.error_code(), "not_found");
    let reply = api(quanzi_api::path::referrer(&nobody), None).await;
    assert_eq!(reply.error_code(), "not_found");
    let reply = api("/referrers/UUUUUUUU".to_owned(), None).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error_code(), "bad_referral_code");
}
