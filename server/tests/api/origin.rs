//! Cross-site writes are refused on every state-changing route, signed in or not, before
//! they change anything.

use crate::common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{app, count, send, sign_in_demo, HOST};
use serde_json::json;

/// Every write route, with a body that would succeed from the right origin.
fn write_routes() -> Vec<(Method, &'static str, Option<serde_json::Value>)> {
    vec![
        (
            Method::POST,
            "/api/v1/account/sign-up",
            Some(json!({"name": "x", "email": "x@example.com", "password": "12345678"})),
        ),
        (
            Method::POST,
            "/api/v1/account/sign-in",
            Some(json!({"email": "member1@demo.quanzi", "password": "quanzi-demo"})),
        ),
        (Method::POST, "/api/v1/account/sign-out", None),
        (Method::POST, "/api/v1/communities/cycling/membership", None),
        (
            Method::DELETE,
            "/api/v1/communities/cycling/membership",
            None,
        ),
        (
            Method::POST,
            "/api/v1/posts",
            Some(
                json!({"community": "cycling", "title": "t", "body": ["b"], "images": [], "products": []}),
            ),
        ),
        (Method::DELETE, "/api/v1/posts/1", None),
        (Method::PUT, "/api/v1/posts/1/like", None),
        (Method::DELETE, "/api/v1/posts/1/like", None),
        (
            Method::POST,
            "/api/v1/posts/1/comments",
            Some(json!({"body": "hi"})),
        ),
        (Method::DELETE, "/api/v1/comments/1", None),
        (Method::POST, "/api/v1/uploads", None),
    ]
}

#[tokio::test]
async fn bad_origins_are_403_on_every_write_route() {
    let app = app().await;
    let cookie = sign_in_demo(&app.router, 1).await;
    let before = (
        count(&app, "SELECT count(*) FROM posts").await,
        count(&app, "SELECT count(*) FROM memberships").await,
        count(&app, "SELECT count(*) FROM sessions").await,
    );
    let bad_headers: [&[(&str, &str)]; 5] = [
        &[("origin", "http://evil.example")],
        &[("origin", "https://quanzi.test")],
        &[("origin", "http://quanzi.test:8080")],
        &[("origin", "null")],
        &[("sec-fetch-site", "cross-site")],
    ];
    for (method, uri, body) in write_routes() {
        for headers in bad_headers {
            let mut req = Request::builder()
                .method(method.clone())
                .uri(uri)
                .header("host", HOST)
                .header("cookie", &cookie)
                .header("content-type", "application/json");
            for (name, value) in headers {
                req = req.header(*name, *value);
            }
            let body = body
                .as_ref()
                .map_or(Body::empty(), |b| Body::from(b.to_string()));
            let reply = send(&app.router, req.body(body).expect("request")).await;
            assert_eq!(
                reply.status,
                StatusCode::FORBIDDEN,
                "{method} {uri} {headers:?}"
            );
            assert_eq!(reply.error_code(), "bad_origin", "{method} {uri}");
            assert!(reply.header("set-cookie").is_empty(), "{method} {uri}");
        }
    }
    let after = (
        count(&app, "SELECT count(*) FROM posts").await,
        count(&app, "SELECT count(*) FROM memberships").await,
        count(&app, "SELECT count(*) FROM sessions").await,
    );
    assert_eq!(before, after, "a refused write changed something");
}

#[tokio::test]
async fn same_origin_fetch_metadata_and_non_browser_clients_pass() {
    let app = app().await;
    let cookie = sign_in_demo(&app.router, 2).await;
    for headers in [
        vec![("sec-fetch-site", "same-origin")],
        vec![("sec-fetch-site", "none")],
        // curl and scripts send neither header: allowed (see origin.rs).
        vec![],
    ] {
        let mut req = Request::builder()
            .method(Method::PUT)
            .uri("/api/v1/posts/1/like")
            .header("host", HOST)
            .header("cookie", &cookie);
        for (name, value) in &headers {
            req = req.header(*name, *value);
        }
        let reply = send(&app.router, req.body(Body::empty()).expect("request")).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{headers:?}: {}",
            reply.text()
        );
    }
    // Reads need no Origin at all.
    let reply = common::request(
        &app.router,
        Method::GET,
        "/api/v1/feed",
        &[("origin", "http://evil.example")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn api_answers_vary_on_the_cookie() {
    let app = app().await;
    let reply = common::get(&app.router, "/api/v1/feed?limit=1").await;
    let vary: Vec<String> = reply
        .headers
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase)
        .collect();
    assert!(vary.iter().any(|v| v.contains("cookie")), "{vary:?}");
    assert_eq!(reply.header("cache-control"), "no-cache");
}
