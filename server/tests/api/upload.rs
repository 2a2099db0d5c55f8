//! Photo uploads: real pictures in, re-encoded JPEGs out, junk and oversize refused, and
//! removed by their owner while nothing uses them.

use crate::common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{app, count, multipart, png, send, sign_up, upload, HOST, ORIGIN};

/// Decodes a served JPEG and returns its size.
fn jpeg_size(bytes: &[u8]) -> (u32, u32) {
    let picture =
        image::load_from_memory_with_format(bytes, image::ImageFormat::Jpeg).expect("a JPEG");
    (picture.width(), picture.height())
}

#[tokio::test]
async fn a_small_png_is_stored_as_a_jpeg_of_the_same_size() {
    let app = app().await;
    let (_, cookie) = sign_up(&app.router, "摄影师", "photo@example.com").await;
    let reply = upload(&app.router, &cookie, "snap.png", &png(120, 80)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let upload = reply.json();
    assert!(upload["id"].as_i64().is_some_and(|id| id > 0));
    assert_eq!(upload["image"]["width"], 120);
    assert_eq!(upload["image"]["height"], 80);
    let url = upload["image"]["url"].as_str().expect("url");
    let name = url.strip_prefix("/media/").expect("a /media/ URL");
    assert!(name.ends_with(".jpg") && name.len() == 44, "{name}");

    let file = common::get(&app.router, url).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.header("content-type"), "image/jpeg");
    assert_eq!(file.header("x-content-type-options"), "nosniff");
    assert!(file.header("cache-control").contains("immutable"));
    assert_eq!(jpeg_size(&file.body), (120, 80));
    // Stored in the data directory (beside the database), not in dist/.
    assert!(app.dir.path().join("data/uploads").join(name).is_file());
    assert_eq!(
        count(&app, "SELECT count(*) FROM uploads WHERE post_id IS NULL").await,
        1
    );
}

#[tokio::test]
async fn a_wide_picture_is_scaled_to_1600_on_its_longest_side() {
    let app = app().await;
    let (_, cookie) = sign_up(&app.router, "摄影师", "wide@example.com").await;
    let reply = upload(&app.router, &cookie, "wide.png", &png(3000, 1000)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let image = &reply.json()["image"];
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(1600), Some(533))
    );
    let file = common::get(&app.router, image["url"].as_str().expect("url")).await;
    assert_eq!(jpeg_size(&file.body), (1600, 533));
}

#[tokio::test]
async fn exif_metadata_does_not_survive() {
    let app = app().await;
    let (_, cookie) = sign_up(&app.router, "摄影师", "exif@example.com").await;
    // A JPEG with an APP1 Exif segment (GPS would live there) right after its SOI marker.
    let mut jpeg = Vec::new();
    image::RgbImage::from_pixel(64, 48, image::Rgb([200, 100, 50]))
        .write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .expect("encode");
    let payload = b"Exif\0\0MM\0*\0\0\0\x08\0\0GPS-SECRET-47.6N";
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    segment.extend_from_slice(payload);
    jpeg.splice(2..2, segment);
    let reply = upload(&app.router, &cookie, "gps.jpg", &jpeg).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let file = common::get(
        &app.router,
        reply.json()["image"]["url"].as_str().expect("url"),
    )
    .await;
    let body = &file.body;
    assert!(!body.windows(4).any(|w| w == b"Exif"), "Exif kept");
    assert!(!body.windows(10).any(|w| w == b"GPS-SECRET"), "GPS kept");
}

#[tokio::test]
async fn a_text_file_named_jpg_is_not_an_image() {
    let app = app().await;
    let (_, cookie) = sign_up(&app.router, "摄影师", "text@example.com").await;
    for (name, bytes) in [
        ("x.jpg", &b"just some text, not a picture"[..]),
        ("x.png", b"\x89PNG\r\n\x1a\n but then nothing"),
        ("x.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
        ("empty.jpg", b""),
    ] {
        let reply = upload(&app.router, &cookie, name, bytes).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{name}: {}",
            reply.text()
        );
        assert_eq!(reply.error_code(), "not_an_image", "{name}");
    }
    assert_eq!(count(&app, "SELECT count(*) FROM uploads").await, 0);
    let files = std::fs::read_dir(app.dir.path().join("data/uploads"))
        .expect("dir")
        .count();
    assert_eq!(files, 0);
}

/// A PNG that claims to be `width`×`height` and has no pixel data: a decompression bomb's
/// header.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |body: &[u8]| {
        out.extend_from_slice(&(body.len() as u32 - 4).to_be_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(&crc32(body).to_be_bytes());
    };
    chunk(&ihdr);
    // A tiny compressed stream that would inflate to far more than it is.
    chunk(b"IDAT\x78\x9c\x03\x00\x00\x00\x00\x01");
    chunk(b"IEND");
    out
}

#[tokio::test]
async fn more_than_forty_megapixels_is_image_too_large() {
    let app = app().await;
    let (_, cookie) = sign_up(&app.router, "摄影师", "bomb@example.com").await;
    let reply = upload(
        &app.router,
        &cookie,
        "bomb.png",
        &png_header(20_000, 20_000),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
    assert_eq!(reply.error_code(), "image_too_large");
}

#[tokio::test]
async fn more_than_8_mib_is_413() {
    let app = app().await;
    let (_, cookie) = sign_up(&app.router, "摄影师", "big@example.com").await;
    // A file just over the limit, inside a body the route still accepts: the field is cut.
    let just_over = vec![0u8; 8 * 1024 * 1024 + 1];
    let reply = upload(&app.router, &cookie, "big.jpg", &just_over).await;
    assert_eq!(
        reply.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        reply.text()
    );
    assert_eq!(reply.error_code(), "image_too_large");
    // A body declared far larger is refused before it is read.
    let (content_type, body) = multipart(
        "file",
        "huge.jpg",
        "image/jpeg",
        &vec![0u8; 9 * 1024 * 1024],
    );
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/uploads")
        .header("host", HOST)
        .header("origin", ORIGIN)
        .header("cookie", &cookie)
        .header("content-type", content_type)
        .header("content-length", body.len())
        .body(Body::from(body))
        .expect("request");
    let reply = send(&app.router, req).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.error_code(), "image_too_large");
    // Streamed without a length, it is cut off while streaming.
    let (content_type, body) = multipart(
        "file",
        "huge.jpg",
        "image/jpeg",
        &vec![0u8; 9 * 1024 * 1024],
    );
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        body.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/uploads")
        .header("host", HOST)
        .header("origin", ORIGIN)
        .header("cookie", &cookie)
        .header("content-type", content_type)
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .expect("request");
    let reply = send(&app.router, req).await;
    assert_eq!(
        reply.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        reply.text()
    );
    assert_eq!(reply.error_code(), "image_too_large");
    // Other routes keep their 64 KiB limit.
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/posts")
        .header("host", HOST)
        .header("origin", ORIGIN)
        .header("cookie", &cookie)
        .header("content-type", "application/json")
        .header("content-length", 100 * 1024)
        .body(Body::from(vec![b' '; 100 * 1024]))
        .expect("request");
    assert_eq!(
        send(&app.router, req).await.error_code(),
        "payload_too_large"
    );
}

#[tokio::test]
async fn uploads_need_a_session_and_a_file_field() {
    let app = app().await;
    let reply = upload(&app.router, "quanzi_session=nope", "x.png", &png(10, 10)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.error_code(), "unauthenticated");
    let (_, cookie) = sign_up(&app.router, "摄影师", "field@example.com").await;
    let (content_type, body) = multipart("photo", "x.png", "image/png", &png(10, 10));
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/uploads")
        .header("host", HOST)
        .header("origin", ORIGIN)
        .header("cookie", &cookie)
        .header("content-type", content_type)
        .body(Body::from(body))
        .expect("request");
    let reply = send(&app.router, req).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error_code(), "bad_request");
    let reply = common::call(
        &app.router,
        Method::POST,
        "/api/v1/uploads",
        Some(&cookie),
        Some(serde_json::json!({"file": "x"})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn media_names_are_checked_strictly() {
    let app = app().await;
    for uri in [
        "/media/..%2Fdata%2Fquanzi.sqlite",
        "/media/short.jpg",
        "/media/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.jpg",
        "/media/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.jpg",
        "/media/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.png",
    ] {
        let reply = common::get(&app.router, uri).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
    }
}

#[tokio::test]
async fn pending_photos_are_capped_and_abandoned_ones_swept() {
    let app = app().await;
    let (me, cookie) = sign_up(&app.router, "囤图的人", "hoard@example.com").await;
    let my_id = me["member"]["id"].as_i64().expect("id");
    let uploads = app.dir.path().join("data/uploads");
    let stale = format!("{}.jpg", "0".repeat(40));
    std::fs::write(uploads.join(&stale), b"old").expect("stale file");
    let mut conn = app.conn().await;
    // Someone's photo from two days ago that never made it into a post.
    sqlx::query(
        "INSERT INTO uploads (owner_id, name, width, height, created_ms) VALUES (1, $1, 1, 1, 0)",
    )
    .bind(&stale)
    .execute(&mut conn)
    .await
    .expect("stale row");
    // And 29 of mine waiting right now.
    for i in 0..29 {
        sqlx::query(
            "INSERT INTO uploads (owner_id, name, width, height, created_ms)
             VALUES ($1, $2, 1, 1, $3)",
        )
        .bind(my_id)
        .bind(format!("{:040}.jpg", i + 1))
        .bind(quanzi_server::storage::db::now_ms())
        .execute(&mut conn)
        .await
        .expect("pending row");
    }
    drop(conn);
    let reply = upload(&app.router, &cookie, "30th.png", &png(8, 8)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert!(
        !uploads.join(&stale).exists(),
        "the abandoned file is removed"
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM uploads WHERE owner_id = 1").await,
        0
    );
    let reply = upload(&app.router, &cookie, "31st.png", &png(8, 8)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error_code(), "too_many_images");
}

async fn delete_upload(router: &axum::Router, cookie: Option<&str>, id: &str) -> common::Reply {
    common::call(
        router,
        Method::DELETE,
        &format!("/api/v1/uploads/{id}"),
        cookie,
        None,
    )
    .await
}

#[tokio::test]
async fn the_owner_removes_an_unused_upload_once() {
    let app = app().await;
    let (_, cookie) = sign_up(&app.router, "删图的人", "tidy@example.com").await;
    let reply = upload(&app.router, &cookie, "oops.png", &png(20, 20)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let id = reply.json()["id"].as_i64().expect("id").to_string();
    let url = reply.json()["image"]["url"]
        .as_str()
        .expect("url")
        .to_owned();
    let file = app
        .dir
        .path()
        .join("data/uploads")
        .join(url.trim_start_matches("/media/"));
    assert!(file.is_file());

    let reply = delete_upload(&app.router, Some(&cookie), &id).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text());
    assert!(reply.body.is_empty());
    assert!(!file.exists(), "the file is removed");
    assert_eq!(count(&app, "SELECT count(*) FROM uploads").await, 0);
    assert_eq!(
        common::get(&app.router, &url).await.status,
        StatusCode::NOT_FOUND
    );
    // Twice: it is gone.
    let again = delete_upload(&app.router, Some(&cookie), &id).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(again.error_code(), "not_found");
}

#[tokio::test]
async fn someone_elses_or_a_published_upload_stays() {
    let app = app().await;
    let (_, owner) = sign_up(&app.router, "主人", "owner@example.com").await;
    let (_, other) = sign_up(&app.router, "路人", "other@example.com").await;
    let photo = common::upload_photo(&app.router, &owner).await;
    let id = photo.to_string();

    // Someone else's upload looks exactly like one that does not exist.
    for (cookie, id) in [(&other, id.as_str()), (&owner, "999999")] {
        let reply = delete_upload(&app.router, Some(cookie), id).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{id}");
        assert_eq!(reply.error_code(), "not_found");
    }
    let reply = delete_upload(&app.router, None, &id).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.error_code(), "unauthenticated");
    for bad in ["abc", "0", "-1", "1.5"] {
        let reply = delete_upload(&app.router, Some(&owner), bad).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(reply.error_code(), "bad_id");
    }
    let reply = common::request(
        &app.router,
        Method::DELETE,
        &format!("/api/v1/uploads/{id}"),
        &[
            ("host", HOST),
            ("origin", "http://evil.example"),
            ("cookie", &owner),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.error_code(), "bad_origin");
    assert_eq!(count(&app, "SELECT count(*) FROM uploads").await, 1);

    // Once a post publishes it, it is the post's.
    let joined = common::call(
        &app.router,
        Method::POST,
        "/api/v1/communities/coffee/membership",
        Some(&owner),
        None,
    )
    .await;
    assert_eq!(joined.status, StatusCode::OK);
    let mut post = common::new_post("coffee", "我的咖啡");
    post["images"] = serde_json::json!([photo]);
    let published = common::call(
        &app.router,
        Method::POST,
        "/api/v1/posts",
        Some(&owner),
        Some(post),
    )
    .await;
    assert_eq!(
        published.status,
        StatusCode::CREATED,
        "{}",
        published.text()
    );
    let url = published.json()["images"][0]["url"]
        .as_str()
        .expect("url")
        .to_owned();
    let reply = delete_upload(&app.router, Some(&owner), &id).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.error_code(), "upload_in_use");
    assert_eq!(common::get(&app.router, &url).await.status, StatusCode::OK);
    assert_eq!(count(&app, "SELECT count(*) FROM uploads").await, 1);
}
