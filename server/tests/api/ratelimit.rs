//! The sign-up limit per client address, and which address counts: the TCP peer's, or
//! behind a trusted proxy the one it forwards, never one the client wrote itself.

use crate::common;

use axum::http::{Method, StatusCode};
use axum::Router;
use common::{app, app_with, call_from, count, Options};
use serde_json::json;

const SIGN_UP: &str = "/api/v1/account/sign-up";

/// A sign-up from `peer` with extra headers. `taken` reuses one email, which the limiter
/// counts as well and which spares the slow password hash of a new account.
async fn sign_up_from(
    router: &Router,
    peer: &str,
    headers: &[(&str, &str)],
    email: &str,
) -> common::Reply {
    call_from(
        router,
        peer,
        headers,
        Method::POST,
        SIGN_UP,
        json!({"name": "新人", "email": email, "password": "correct horse"}),
    )
    .await
}

/// Uses up an address's ten sign-ups: one new account, nine tries of its taken email.
async fn use_up(router: &Router, peer: &str, headers: &[(&str, &str)], email: &str) {
    let first = sign_up_from(router, peer, headers, email).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    for i in 0..9 {
        let reply = sign_up_from(router, peer, headers, email).await;
        assert_eq!(
            reply.status,
            StatusCode::CONFLICT,
            "try {i}: {}",
            reply.text()
        );
    }
}

fn assert_limited(reply: &common::Reply) {
    assert_eq!(
        reply.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        reply.text()
    );
    assert_eq!(reply.error_code(), "rate_limited");
    let retry: u64 = reply
        .header("retry-after")
        .parse()
        .expect("Retry-After seconds");
    assert!((1..=60 * 60).contains(&retry), "{retry}");
    assert!(reply.header("set-cookie").is_empty());
}

#[tokio::test]
async fn ten_sign_ups_an_hour_per_address_then_429_with_retry_after() {
    let app = app().await;
    let r = &app.router;
    let accounts = count(&app, "SELECT count(*) FROM accounts").await;
    use_up(r, "203.0.113.7", &[], "first@example.com").await;
    let reply = sign_up_from(r, "203.0.113.7", &[], "eleventh@example.com").await;
    assert_limited(&reply);
    assert_eq!(
        count(&app, "SELECT count(*) FROM accounts").await,
        accounts + 1
    );
    // A malformed form is still told what is wrong with it: typos do not count.
    let typo = sign_up_from(r, "203.0.113.7", &[], "not-an-email").await;
    assert_eq!(typo.status, StatusCode::BAD_REQUEST);
    assert_eq!(typo.error_code(), "bad_email");
    // Another address signs up as usual.
    let other = sign_up_from(r, "203.0.113.8", &[], "neighbour@example.com").await;
    assert_eq!(other.status, StatusCode::CREATED, "{}", other.text());
}

#[tokio::test]
async fn the_limit_is_configurable() {
    let app = app_with(Options {
        sign_ups_per_hour: 2,
        ..Options::default()
    })
    .await;
    let r = &app.router;
    let first = sign_up_from(r, "127.0.0.1", &[], "one@example.com").await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    let second = sign_up_from(r, "127.0.0.1", &[], "two@example.com").await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.text());
    assert_limited(&sign_up_from(r, "127.0.0.1", &[], "three@example.com").await);
}

#[tokio::test]
async fn a_forged_forwarded_for_does_not_dodge_the_limit() {
    // Without --trusted-proxy, and with one that is not the peer: the header is ignored.
    for trusted_proxies in [vec![], vec!["10.0.0.1".parse().expect("ip")]] {
        let app = app_with(Options {
            trusted_proxies,
            ..Options::default()
        })
        .await;
        let r = &app.router;
        let peer = "198.51.100.20";
        let first = sign_up_from(
            r,
            peer,
            &[("x-forwarded-for", "192.0.2.100")],
            "forger@example.com",
        )
        .await;
        assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
        for i in 1..10 {
            let forged = format!("192.0.2.{i}");
            let reply = sign_up_from(
                r,
                peer,
                &[("x-forwarded-for", &forged)],
                "forger@example.com",
            )
            .await;
            assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.text());
        }
        let forged = [
            ("x-forwarded-for", "192.0.2.250"),
            ("x-forwarded-for", "127.0.0.1"),
        ];
        assert_limited(&sign_up_from(r, peer, &forged, "fresh@example.com").await);
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_counts_apart() {
    let app = app_with(Options {
        trusted_proxies: vec![
            "10.0.0.1".parse().expect("ip"),
            "10.0.0.2".parse().expect("ip"),
        ],
        ..Options::default()
    })
    .await;
    let r = &app.router;
    let proxy = "10.0.0.1";
    let client = [("x-forwarded-for", "203.0.113.1, 10.0.0.2")];
    use_up(r, proxy, &client, "behind@example.com").await;
    assert_limited(&sign_up_from(r, proxy, &client, "again@example.com").await);
    // What the client writes left of the proxies' entries changes nothing.
    let spoofed = [("x-forwarded-for", "192.0.2.77, 203.0.113.1")];
    assert_limited(&sign_up_from(r, proxy, &spoofed, "again@example.com").await);
    // Another client behind the same proxy has its own ten.
    let neighbour = [("x-forwarded-for", "203.0.113.2")];
    let reply = sign_up_from(r, proxy, &neighbour, "neighbour@example.com").await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    // Without a usable entry the proxy itself is the client, with its own count.
    let reply = sign_up_from(
        r,
        proxy,
        &[("x-forwarded-for", "unknown")],
        "proxied@example.com",
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
}
