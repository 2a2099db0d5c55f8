//! Pictures sized for phones: WebP copies 400 and 800 px wide beside each upload and each
//! demo picture, under the names `quanzi_api::variant` gives; the original stands in for a
//! copy that is missing, so a `srcset` never shows a broken picture.

use crate::common;

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use common::{app, png, sign_up, upload, write_dist_jpeg, Options};
use quanzi_api::variant::{srcset, variant_url};
use quanzi_api::Image;

/// Decodes a served WebP picture and returns its size.
fn webp_size(bytes: &[u8]) -> (u32, u32) {
    let picture =
        image::load_from_memory_with_format(bytes, image::ImageFormat::WebP).expect("a WebP");
    (picture.width(), picture.height())
}

/// The files in the test's uploads directory, by name.
fn stored(app: &common::TestApp) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(app.dir.path().join("data/uploads"))
        .expect("uploads dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn an_upload_gets_webp_copies_400_and_800_px_wide() {
    let app = app().await;
    let (_, cookie) = sign_up(&app.router, "摄影师", "copies@example.com").await;
    let reply = upload(&app.router, &cookie, "wide.png", &png(3000, 1000)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let image: Image = serde_json::from_value(reply.json()["image"].clone()).expect("an image");
    assert_eq!((image.width, image.height), (1600, 533));
    let original = common::get(&app.router, &image.url).await;
    assert_eq!(original.header("content-type"), "image/jpeg");

    for (width, height) in [(400, 133), (800, 267)] {
        let url = variant_url(&image.url, width).expect("a copy's URL");
        let copy = common::get(&app.router, &url).await;
        assert_eq!(copy.status, StatusCode::OK, "{url}");
        assert_eq!(copy.header("content-type"), "image/webp");
        assert!(copy.header("cache-control").contains("immutable"));
        assert_eq!(webp_size(&copy.body), (width, height));
        assert!(copy.body.len() < original.body.len() / 2, "{url}");
    }
    let name = image.url.trim_start_matches("/media/");
    let stem = name.trim_end_matches(".jpg");
    assert_eq!(
        stored(&app),
        [
            format!("{stem}.400w.webp"),
            format!("{stem}.800w.webp"),
            name.to_owned()
        ]
    );
    assert_eq!(
        srcset(&image),
        Some(format!(
            "/media/{stem}.400w.webp 400w, /media/{stem}.800w.webp 800w, {} 1600w",
            image.url
        ))
    );
}

#[tokio::test]
async fn a_picture_narrower_than_400_px_has_no_copies() {
    let app = app().await;
    let (_, cookie) = sign_up(&app.router, "摄影师", "small@example.com").await;
    let reply = upload(&app.router, &cookie, "small.png", &png(300, 200)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let image: Image = serde_json::from_value(reply.json()["image"].clone()).expect("an image");
    assert_eq!(srcset(&image), None);
    assert_eq!(stored(&app).len(), 1);
}

#[tokio::test]
async fn an_upload_from_before_copies_is_shown_through_its_copies_urls() {
    let app = app().await;
    let (_, cookie) = sign_up(&app.router, "摄影师", "old@example.com").await;
    let reply = upload(&app.router, &cookie, "old.png", &png(1000, 800)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let url = reply.json()["image"]["url"]
        .as_str()
        .expect("url")
        .to_owned();
    // What an upload stored before copies existed looks like: the original alone.
    for name in stored(&app) {
        if name.ends_with(".webp") {
            std::fs::remove_file(app.dir.path().join("data/uploads").join(name)).expect("rm");
        }
    }
    let original = common::get(&app.router, &url).await;
    for width in [400, 800] {
        let copy = common::get(&app.router, &variant_url(&url, width).expect("URL")).await;
        assert_eq!(copy.status, StatusCode::OK);
        assert_eq!(copy.header("content-type"), "image/jpeg");
        assert_eq!(copy.body, original.body);
        assert!(!copy.header("cache-control").contains("immutable"));
    }
}

#[tokio::test]
async fn removing_an_upload_removes_its_copies() {
    let app = app().await;
    let (_, cookie) = sign_up(&app.router, "摄影师", "tidy-copies@example.com").await;
    let reply = upload(&app.router, &cookie, "gone.png", &png(900, 900)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(stored(&app).len(), 3);
    let id = reply.json()["id"].as_i64().expect("id");
    let removed = common::call(
        &app.router,
        Method::DELETE,
        &format!("/api/v1/uploads/{id}"),
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    assert_eq!(stored(&app), Vec::<String>::new());
}

#[tokio::test]
async fn the_demo_pictures_get_their_copies_when_the_server_starts() {
    let app = app().await;
    // A demo product's picture, as the build puts it in dist/.
    write_dist_jpeg(&app, "/img/products/3-1.jpg", 800, 800);
    let dist = app.dir.path().join("dist/img/products");
    let jpeg = common::get(&app.router, "/img/products/3-1.jpg").await;
    // Until the copy is made, the original answers for it.
    let early = common::get(&app.router, "/img/products/3-1.400w.webp").await;
    assert_eq!(early.status, StatusCode::OK);
    assert_eq!(early.header("content-type"), "image/jpeg");
    assert_eq!(early.body, jpeg.body);

    // A restart (a fresh build's dist/, an old database): the missing copies are made.
    let router = common::start(app.dir.path(), &app.db, Options::default()).await;
    let deadline = Instant::now() + Duration::from_secs(120);
    while !(dist.join("3-1.400w.webp").exists() && dist.join("3-1.800w.webp").exists()) {
        assert!(Instant::now() < deadline, "no copies after 120 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for (url, size) in [
        ("/img/products/3-1.400w.webp", (400, 400)),
        ("/img/products/3-1.800w.webp", (800, 800)),
    ] {
        let copy = common::get(&router, url).await;
        assert_eq!(copy.status, StatusCode::OK, "{url}");
        assert_eq!(copy.header("content-type"), "image/webp");
        assert_eq!(webp_size(&copy.body), size);
    }
    // A name the convention does not make is no copy: the site's 404.
    let other = common::get(&router, "/img/products/3-1.300w.webp").await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
}
