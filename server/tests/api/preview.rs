//! Link previews: the Open Graph tags in the HTML of shareable pages (parsed with a real HTML
//! parser, as an unfurler does), the public origin in them and in the shell, and the
//! 1200×630 preview pictures.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{
    app_with, call, count, demo_authors, get, new_post, request, sign_in_demo, store, upload_photo,
    write_dist_jpeg, Options, TestApp,
};
use scraper::{Html, Selector};
use serde_json::json;

pub const ORIGIN: &str = "https://shop.example";
const BRAND: [u8; 3] = [0xe8, 0x45, 0x3c];

pub async fn shop() -> TestApp {
    app_with(Options {
        public_origin: Some(ORIGIN.to_owned()),
        ..Options::default()
    })
    .await
}

fn select(html: &Html, css: &str) -> Vec<String> {
    let selector = Selector::parse(css).expect("selector");
    html.select(&selector)
        .map(|e| {
            e.value()
                .attr("content")
                .or_else(|| e.value().attr("href"))
                .map(str::to_owned)
                .unwrap_or_else(|| e.text().collect())
        })
        .collect()
}

/// The one value of a tag in the head, failing when there is none or several.
fn one(html: &Html, css: &str) -> String {
    let found = select(html, css);
    assert_eq!(found.len(), 1, "{css}: {found:?}");
    found.into_iter().next().unwrap_or_default()
}

pub fn og(html: &Html, property: &str) -> String {
    one(html, &format!("head > meta[property=\"{property}\"]"))
}

/// Every tag a chat app reads, present once in the head, with absolute URLs on the
/// public origin; returns the parsed page.
pub async fn assert_preview(app: &TestApp, uri: &str, canonical_path: &str, og_type: &str) -> Html {
    let reply = request(
        &app.router,
        Method::GET,
        uri,
        &[("user-agent", "facebookexternalhit/1.1")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{uri}");
    let html = Html::parse_document(&reply.text());
    let canonical = format!("{ORIGIN}{canonical_path}");
    assert_eq!(og(&html, "og:url"), canonical, "{uri}");
    assert_eq!(one(&html, "head > link[rel=\"canonical\"]"), canonical);
    assert_eq!(og(&html, "og:site_name"), "圈子 Quanzi");
    assert_eq!(og(&html, "og:locale"), "zh_CN");
    assert_eq!(og(&html, "og:locale:alternate"), "en_US");
    assert_eq!(og(&html, "og:type"), og_type);
    let image = og(&html, "og:image");
    let (prefix, key) = canonical_path[1..].split_once('/').expect("path");
    assert_eq!(image, format!("{ORIGIN}/og/{prefix}/{key}.jpg"));
    assert_eq!(og(&html, "og:image:width"), "1200");
    assert_eq!(og(&html, "og:image:height"), "630");
    assert_eq!(og(&html, "og:image:type"), "image/jpeg");
    assert_eq!(
        one(&html, "head > meta[name=\"twitter:card\"]"),
        "summary_large_image"
    );
    let title = og(&html, "og:title");
    assert!(!title.is_empty());
    assert_eq!(one(&html, "head > title"), format!("{title} - 圈子 Quanzi"));
    let description = og(&html, "og:description");
    assert!(!description.is_empty());
    assert_eq!(one(&html, "head > meta[name=\"description\"]"), description);
    // The app still boots: its script and the API base are there (beside the page's first
    // data, which is no script that runs).
    assert_eq!(
        select(&html, "script:not([type=\"application/json\"])").len(),
        1
    );
    assert_eq!(
        one(&html, "head > meta[name=\"quanzi-public-origin\"]"),
        ORIGIN
    );
    html
}

fn yuan(fen: i64) -> String {
    format!("¥{}.{:02}", fen / 100, fen % 100)
}

#[tokio::test]
async fn a_product_preview_names_its_group_price_and_size() {
    let app = shop().await;
    let store = store();
    let product = &store["products"][0];
    let id = product["id"].as_i64().expect("id");
    let html = assert_preview(
        &app,
        &format!("/p/{id}?ref=ABCDEFGH&utm_source=chat"),
        &format!("/p/{id}"),
        "product",
    )
    .await;
    assert_eq!(og(&html, "og:title"), product["title_zh"]);
    let expected = format!(
        "{}人团 {}（单买 {}）· {}",
        product["group_size"],
        yuan(product["group_price"].as_i64().expect("group price")),
        yuan(product["solo_price"].as_i64().expect("solo price")),
        product["subtitle_zh"].as_str().expect("subtitle")
    );
    assert_eq!(og(&html, "og:description"), expected);
    assert_eq!(
        og(&html, "product:price:amount"),
        format!(
            "{}.00",
            product["group_price"].as_i64().expect("price") / 100
        )
    );
    assert_eq!(og(&html, "product:price:currency"), "CNY");
    assert_eq!(og(&html, "og:image:alt"), product["gallery"][0]["alt_zh"]);

    // Sold solo only: its price alone.
    let solo = store["products"]
        .as_array()
        .expect("products")
        .iter()
        .find(|p| p["group_price"].is_null())
        .expect("a solo-only product");
    let id = solo["id"].as_i64().expect("id");
    let html = assert_preview(&app, &format!("/p/{id}"), &format!("/p/{id}"), "product").await;
    assert_eq!(
        og(&html, "og:description"),
        format!(
            "{} · {}",
            yuan(solo["solo_price"].as_i64().expect("price")),
            solo["subtitle_zh"].as_str().expect("subtitle")
        )
    );
}

#[tokio::test]
async fn post_and_community_previews() {
    let app = shop().await;
    let store = store();
    let post = &store["posts"][0];
    let id = post["id"].as_i64().expect("id");
    let html = assert_preview(
        &app,
        &format!("/posts/{id}"),
        &format!("/posts/{id}"),
        "article",
    )
    .await;
    assert_eq!(og(&html, "og:title"), post["title_zh"]);
    let first_words: String = post["body_zh"][0]
        .as_str()
        .expect("body")
        .chars()
        .take(10)
        .collect();
    assert!(og(&html, "og:description").contains(&first_words));

    let community = &store["communities"][1];
    let slug = community["slug"].as_str().expect("slug");
    let html = assert_preview(
        &app,
        &format!("/c/{slug}?ref=x"),
        &format!("/c/{slug}"),
        "website",
    )
    .await;
    assert_eq!(og(&html, "og:title"), community["name_zh"]);
    let description = og(&html, "og:description");
    assert!(
        description.starts_with(&format!("{} 位成员", community["member_count"])),
        "{description}"
    );
    assert!(description.chars().count() <= 120);
}

#[tokio::test]
async fn the_tags_are_the_same_for_every_client() {
    let app = shop().await;
    // The tags, not the first data, which is in the reader's language (see first_data.rs).
    let nonce = |html: String| {
        let at = html.find("nonce=\"").expect("nonce") + 7;
        let html = html.replace(&html[at..at + 24], "NONCE");
        // What follows is the page's own: its first paint and data, in the reader's language.
        let data = html
            .find("<div id=\"first-paint\"")
            .or_else(|| html.find("<script type=\"application/json\""))
            .expect("first data");
        html[..data].to_owned()
    };
    let mut pages = Vec::new();
    for agent in [
        None,
        Some("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"),
        Some("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126 Mobile MicroMessenger/8.0"),
        Some("TelegramBot (like TwitterBot)"),
    ] {
        let headers: Vec<(&str, &str)> = agent.map(|a| ("user-agent", a)).into_iter().collect();
        let reply = request(&app.router, Method::GET, "/p/2", &headers).await;
        assert_eq!(reply.status, StatusCode::OK);
        pages.push(nonce(reply.text()));
    }
    assert!(pages.windows(2).all(|w| w[0] == w[1]));
    // English speakers get the same page too: the tags are in the site's first language.
    let english = request(
        &app.router,
        Method::GET,
        "/p/2",
        &[("accept-language", "en-US,en;q=0.9")],
    )
    .await;
    assert_eq!(nonce(english.text()), pages[0]);
}

#[tokio::test]
async fn hostile_titles_make_valid_escaped_tags() {
    let app = shop().await;
    let slug = "coffee";
    let owner = demo_authors(slug)[0];
    let cookie = sign_in_demo(&app.router, owner).await;
    let title = "\"引号\" 'q' <b>粗</b> & </title><script>alert(1)</script>";
    let mut body = new_post(slug, title);
    body["body"] = json!([
        "第一段 </head><script>alert(2)</script> &amp; \"x\"",
        "第二段"
    ]);
    let created = call(
        &app.router,
        Method::POST,
        "/api/v1/posts",
        Some(&cookie),
        Some(body),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let id = created.json()["id"].as_i64().expect("id");

    let reply = get(&app.router, &format!("/posts/{id}")).await;
    let raw = reply.text();
    assert!(!raw.contains("<script>alert"), "unescaped in {raw}");
    assert!(!raw.contains("<b>"));
    assert!(raw.contains("&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    let html = assert_preview(
        &app,
        &format!("/posts/{id}"),
        &format!("/posts/{id}"),
        "article",
    )
    .await;
    // Parsed back, every value is exactly the text that was written.
    assert_eq!(og(&html, "og:title"), title);
    assert_eq!(one(&html, "head > title"), format!("{title} - 圈子 Quanzi"));
    assert_eq!(one(&html, "head > meta[name=\"twitter:title\"]"), title);
    let description = og(&html, "og:description");
    assert!(
        description.contains("第一段 </head><script>alert(2)</script> &amp; \"x\" 第二段"),
        "{description}"
    );
    // Nothing leaked out of the head: the body holds the app's noscript and script only.
    assert!(select(&html, "body meta").is_empty());
    assert!(html.errors.is_empty(), "{:?}", html.errors);
}

#[tokio::test]
async fn unknown_items_keep_the_plain_404_page() {
    let app = shop().await;
    for uri in [
        "/p/999999",
        "/posts/999999?ref=ABCDEFGH",
        "/c/no-such",
        "/p/abc",
    ] {
        let reply = get(&app.router, uri).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
        let html = Html::parse_document(&reply.text());
        assert!(select(&html, "meta[property^=\"og:\"]").is_empty(), "{uri}");
        assert_eq!(one(&html, "head > title"), "圈子 Quanzi");
    }
    // Pages that are not items keep the shell's own title and description, once each.
    let reply = get(&app.router, "/").await;
    let html = Html::parse_document(&reply.text());
    assert_eq!(one(&html, "head > title"), "圈子 Quanzi");
    assert!(select(&html, "meta[property^=\"og:\"]").is_empty());
}

#[tokio::test]
async fn the_shell_tells_the_app_the_public_origin() {
    let app = app_with(Options {
        public_origin: Some("HTTPS://Shop.Example:443/".to_owned()),
        ..Options::default()
    })
    .await;
    let reply = get(&app.router, "/me").await;
    let html = Html::parse_document(&reply.text());
    assert_eq!(
        one(&html, "head > meta[name=\"quanzi-public-origin\"]"),
        ORIGIN
    );
    // Not from the Host header, whatever it says.
    let reply = request(
        &app.router,
        Method::GET,
        "/p/1",
        &[
            ("host", "evil.example"),
            ("x-forwarded-host", "evil.example"),
        ],
    )
    .await;
    assert!(!reply.text().contains("evil.example"));
    assert!(reply.text().contains("https://shop.example/p/1"));

    // Without one, the reference server's own address.
    let plain = common::app().await;
    let html = Html::parse_document(&get(&plain.router, "/").await.text());
    assert_eq!(
        one(&html, "head > meta[name=\"quanzi-public-origin\"]"),
        "http://127.0.0.1:8080"
    );
    let html = Html::parse_document(&get(&plain.router, "/c/coffee").await.text());
    assert_eq!(og(&html, "og:url"), "http://127.0.0.1:8080/c/coffee");
}

#[tokio::test]
async fn a_bad_public_origin_stops_startup() {
    for bad in [
        "shop.example",
        "ftp://shop.example",
        "https://shop.example/store",
        "https://shop.example/?a=1",
        "https://user:pw@shop.example",
        "javascript:alert(1)",
        "",
    ] {
        let dir = tempfile::tempdir().expect("dir");
        let mut config =
            quanzi_server::Config::new(dir.path().join("q.sqlite"), dir.path().join("dist"));
        config.public_origin = Some(bad.to_owned());
        assert!(quanzi_server::app(&config).await.is_err(), "{bad}");
        assert!(
            !dir.path().join("q.sqlite").exists(),
            "{bad}: refused first"
        );
    }
}

/// A preview picture as served: checked to be a 1200×630 JPEG under 300 KB.
async fn picture(app: &TestApp, uri: &str) -> image::RgbImage {
    let reply = get(&app.router, uri).await;
    assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text());
    assert_eq!(reply.header("content-type"), "image/jpeg");
    assert!(reply.header("cache-control").contains("max-age="));
    assert!(
        reply.body.len() < 300 * 1024,
        "{uri}: {} bytes",
        reply.body.len()
    );
    assert_eq!(
        image::guess_format(&reply.body).expect("format"),
        image::ImageFormat::Jpeg
    );
    let decoded = image::load_from_memory_with_format(&reply.body, image::ImageFormat::Jpeg)
        .expect("decodes");
    assert_eq!((decoded.width(), decoded.height()), (1200, 630), "{uri}");
    let rgb = decoded.to_rgb8();
    // The brand band along the bottom.
    for x in [10, 600, 1190] {
        let pixel = rgb.get_pixel(x, 625).0;
        for (c, b) in pixel.iter().zip(BRAND) {
            assert!(c.abs_diff(b) < 24, "{uri}: {pixel:?} at the band");
        }
    }
    rgb
}

/// Whether a picture has detail (a drawn photo) rather than the plain placeholder.
fn has_detail(rgb: &image::RgbImage) -> bool {
    let a = rgb.get_pixel(20, 20).0;
    let b = rgb.get_pixel(1180, 500).0;
    a.iter().zip(b).any(|(x, y)| x.abs_diff(y) > 10)
}

#[tokio::test]
async fn preview_pictures_are_drawn_cached_and_drawn_again_when_missing() {
    let app = shop().await;
    let store = store();
    let product = &store["products"][0];
    let id = product["id"].as_i64().expect("id");
    write_dist_jpeg(
        &app,
        product["gallery"][0]["url"].as_str().expect("url"),
        800,
        800,
    );
    let uri = format!("/og/p/{id}.jpg");
    let first = picture(&app, &uri).await;
    assert!(has_detail(&first), "drawn from the product's picture");
    let previews = app.dir.path().join("data/previews");
    let files = || -> Vec<_> {
        std::fs::read_dir(&previews)
            .expect("previews dir")
            .flatten()
            .map(|e| e.path())
            .collect()
    };
    assert_eq!(files().len(), 1);
    let second = get(&app.router, &uri).await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(files().len(), 1, "served from the cache");
    for file in files() {
        std::fs::remove_file(file).expect("clear the cache");
    }
    picture(&app, &uri).await;
    assert_eq!(files().len(), 1, "drawn again");
    let head = request(&app.router, Method::HEAD, &uri, &[]).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());

    // A new picture under the same URL is drawn anew, and the old file goes.
    std::thread::sleep(std::time::Duration::from_millis(20));
    write_dist_jpeg(
        &app,
        product["gallery"][0]["url"].as_str().expect("url"),
        400,
        300,
    );
    picture(&app, &uri).await;
    assert_eq!(files().len(), 1);
}

#[tokio::test]
async fn posts_use_their_photo_else_the_cover_and_communities_their_cover() {
    let app = shop().await;
    let slug = "cycling";
    let cover = store()["communities"]
        .as_array()
        .expect("communities")
        .iter()
        .find(|c| c["slug"] == slug)
        .expect("community")["cover"]["url"]
        .as_str()
        .expect("cover")
        .to_owned();
    write_dist_jpeg(&app, &cover, 1200, 480);
    assert!(has_detail(
        &picture(&app, &format!("/og/c/{slug}.jpg")).await
    ));

    let owner = demo_authors(slug)[0];
    let cookie = sign_in_demo(&app.router, owner).await;
    // A member's post with an uploaded photo: drawn from /media/.
    let photo = upload_photo(&app.router, &cookie).await;
    let mut body = new_post(slug, "带照片");
    body["images"] = json!([photo]);
    let created = call(
        &app.router,
        Method::POST,
        "/api/v1/posts",
        Some(&cookie),
        Some(body),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let with_photo = created.json()["id"].as_i64().expect("id");
    assert!(has_detail(
        &picture(&app, &format!("/og/posts/{with_photo}.jpg")).await
    ));

    // Without photos: the community's cover.
    let created = call(
        &app.router,
        Method::POST,
        "/api/v1/posts",
        Some(&cookie),
        Some(new_post(slug, "只有文字")),
    )
    .await;
    let text_only = created.json()["id"].as_i64().expect("id");
    assert!(has_detail(
        &picture(&app, &format!("/og/posts/{text_only}.jpg")).await
    ));

    // A picture missing from disk still gives a preview: the plain branded canvas.
    let missing = picture(&app, "/og/c/coffee.jpg").await;
    assert!(!has_detail(&missing));
    assert_eq!(
        count(&app, "SELECT count(*) FROM posts WHERE id = 0").await,
        0,
        "nothing was written for the pictures"
    );
}

#[tokio::test]
async fn bad_preview_picture_requests_get_stable_codes() {
    let app = shop().await;
    for (uri, status, code) in [
        ("/og/p/999999.jpg", StatusCode::NOT_FOUND, "not_found"),
        ("/og/posts/999999.jpg", StatusCode::NOT_FOUND, "not_found"),
        ("/og/c/no-such.jpg", StatusCode::NOT_FOUND, "not_found"),
        ("/og/p/1.png", StatusCode::NOT_FOUND, "not_found"),
        ("/og/p/1", StatusCode::NOT_FOUND, "not_found"),
        ("/og/p/abc.jpg", StatusCode::BAD_REQUEST, "bad_id"),
        ("/og/p/0.jpg", StatusCode::BAD_REQUEST, "bad_id"),
        ("/og/posts/-1.jpg", StatusCode::BAD_REQUEST, "bad_id"),
        (
            "/og/p/99999999999999999999.jpg",
            StatusCode::BAD_REQUEST,
            "bad_id",
        ),
        ("/og/c/Bad_Slug.jpg", StatusCode::BAD_REQUEST, "bad_slug"),
        (
            "/og/c/..%2F..%2Fetc.jpg",
            StatusCode::BAD_REQUEST,
            "bad_slug",
        ),
    ] {
        let reply = get(&app.router, uri).await;
        assert_eq!(reply.status, status, "{uri}");
        assert_eq!(reply.error_code(), code, "{uri}");
    }
    // Not a kind of item: the site's 404 page.
    let reply = get(&app.router, "/og/x/1.jpg").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(reply.header("content-type").starts_with("text/html"));
}
