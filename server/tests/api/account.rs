//! Accounts and sessions against a real SQLite file: sign-up, sign-in, sign-out, the
//! session cookie, the sign-in rate limit.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{app, call, count, session_cookie, sign_in_demo, sign_up, DEMO_PASSWORD};
use serde_json::json;

#[tokio::test]
async fn sign_up_me_sign_out_and_the_old_cookie_is_dead() {
    let app = app().await;
    let reply = call(
        &app.router,
        Method::POST,
        "/api/v1/account/sign-up",
        None,
        Some(
            json!({"name": "  小林  ", "email": " Lin@Example.COM ", "password": "correct horse"}),
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let me = reply.json();
    assert_eq!(me["member"]["name"], "小林");
    assert_eq!(me["email"], "lin@example.com");
    assert_eq!(me["communities"], json!([]));
    assert!(me["member"]["avatar"].is_null());
    // No secret comes back.
    let text = reply.text();
    assert!(
        !text.contains("correct horse") && !text.contains("argon2"),
        "{text}"
    );

    let cookie = session_cookie(&reply);
    let me_again = call(
        &app.router,
        Method::GET,
        "/api/v1/account/me",
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(me_again.status, StatusCode::OK);
    assert_eq!(me_again.json(), me);

    // The database holds only the token's hash.
    let token = cookie.trim_start_matches("quanzi_session=");
    assert_eq!(count(&app, "SELECT count(*) FROM sessions").await, 1);
    let mut conn = app.conn().await;
    let stored: Vec<u8> = sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_one(&mut conn)
        .await
        .expect("row");
    assert_eq!(stored.len(), 32);
    assert_ne!(stored, token.as_bytes());
    let hash: String =
        sqlx::query_scalar("SELECT password_hash FROM accounts WHERE email = 'lin@example.com'")
            .fetch_one(&mut conn)
            .await
            .expect("account");
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );

    let out = call(
        &app.router,
        Method::POST,
        "/api/v1/account/sign-out",
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    let cleared = out.header("set-cookie");
    assert!(cleared.starts_with("quanzi_session=;"), "{cleared}");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(count(&app, "SELECT count(*) FROM sessions").await, 0);

    // A client that kept the cookie is still signed out: the session is gone server-side.
    let after = call(
        &app.router,
        Method::GET,
        "/api/v1/account/me",
        Some(&cookie),
        None,
    )
    .await;
    // A guest again: asked who is signed in, the server says nobody, with no error.
    assert_eq!(after.status, StatusCode::NO_CONTENT);
    assert!(after.body.is_empty());

    // Signing out again, or without a session, is fine.
    let again = call(
        &app.router,
        Method::POST,
        "/api/v1/account/sign-out",
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(again.status, StatusCode::NO_CONTENT);
    let none = call(
        &app.router,
        Method::POST,
        "/api/v1/account/sign-out",
        None,
        None,
    )
    .await;
    assert_eq!(none.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn me_without_a_session_or_with_a_forged_one_is_a_guest_not_an_error() {
    let app = app().await;
    for cookie in [
        None,
        Some("quanzi_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        Some("quanzi_session=garbage"),
        Some("other=1"),
    ] {
        let reply = call(&app.router, Method::GET, "/api/v1/account/me", cookie, None).await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{cookie:?}");
        assert!(reply.body.is_empty(), "{cookie:?}");
    }
}

#[tokio::test]
async fn the_session_cookie_has_the_promised_attributes() {
    let app = app().await;
    let reply = call(
        &app.router,
        Method::POST,
        "/api/v1/account/sign-in",
        None,
        Some(json!({"email": "member1@demo.quanzi", "password": DEMO_PASSWORD})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let cookie = reply.header("set-cookie");
    let attributes: Vec<&str> = cookie.split("; ").collect();
    let value = attributes[0].trim_start_matches("quanzi_session=");
    assert_eq!(value.len(), 43, "32 random bytes in base64url: {value}");
    assert!(value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=2592000"] {
        assert!(
            attributes.contains(&attribute),
            "{attribute} missing: {cookie}"
        );
    }
    // Plain http by default: a Secure cookie would never come back.
    assert!(!cookie.contains("Secure"), "{cookie}");
    assert!(!cookie.contains("Domain"), "{cookie}");
    // Two sign-ins are two sessions with different tokens.
    let second = sign_in_demo(&app.router, 1).await;
    assert_ne!(second, attributes[0]);
}

#[tokio::test]
async fn over_https_the_cookie_is_secure_and_host_prefixed() {
    let dir = tempfile::tempdir().expect("dir");
    let config = quanzi_server::Config {
        secure_cookies: true,
        ..quanzi_server::Config::new(dir.path().join("q.sqlite"), dir.path().join("dist"))
    };
    let router = quanzi_server::app(&config).await.expect("app");
    let sign_in = |origin: &'static str| {
        let router = router.clone();
        async move {
            let req = axum::http::Request::post("/api/v1/account/sign-in")
                .header("host", common::HOST)
                .header("origin", origin)
                .header("content-type", "application/json")
                .body(axum::body::Body::from(
                    json!({"email": "member1@demo.quanzi", "password": DEMO_PASSWORD}).to_string(),
                ))
                .expect("request");
            common::send(&router, req).await
        }
    };
    // An http page of the same host is another origin for an https site.
    let plain = sign_in("http://quanzi.test").await;
    assert_eq!(plain.status, StatusCode::FORBIDDEN);
    assert_eq!(plain.error_code(), "bad_origin");
    let reply = sign_in("https://quanzi.test").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let cookie = reply.header("set-cookie");
    assert!(cookie.starts_with("__Host-quanzi_session="), "{cookie}");
    assert!(cookie.ends_with("; Secure"), "{cookie}");
}

#[tokio::test]
async fn a_taken_email_is_409_whatever_its_case() {
    let app = app().await;
    sign_up(&app.router, "甲", "same@example.com").await;
    for email in [
        "same@example.com",
        " SAME@Example.com",
        "member3@demo.quanzi",
    ] {
        let reply = call(
            &app.router,
            Method::POST,
            "/api/v1/account/sign-up",
            None,
            Some(json!({"name": "乙", "email": email, "password": "another password"})),
        )
        .await;
        assert_eq!(reply.status, StatusCode::CONFLICT, "{email}");
        assert_eq!(reply.error_code(), "email_taken");
        assert!(reply.header("set-cookie").is_empty());
    }
}

#[tokio::test]
async fn bad_sign_ups_are_400s_with_codes_and_create_nothing() {
    let app = app().await;
    let accounts = count(&app, "SELECT count(*) FROM accounts").await;
    let members = count(&app, "SELECT count(*) FROM members").await;
    let long_name = "名".repeat(31);
    let long_email = format!("{}@example.com", "a".repeat(250));
    let long_password = "p".repeat(129);
    let cases = [
        (
            json!({"name": "", "email": "a@b.cn", "password": "12345678"}),
            "bad_name",
        ),
        (
            json!({"name": "   ", "email": "a@b.cn", "password": "12345678"}),
            "bad_name",
        ),
        (
            json!({"name": long_name, "email": "a@b.cn", "password": "12345678"}),
            "bad_name",
        ),
        (
            json!({"name": "a\u{7}b", "email": "a@b.cn", "password": "12345678"}),
            "bad_name",
        ),
        (
            json!({"name": "a\nb", "email": "a@b.cn", "password": "12345678"}),
            "bad_name",
        ),
        (
            json!({"name": "甲", "email": "", "password": "12345678"}),
            "bad_email",
        ),
        (
            json!({"name": "甲", "email": "no-at.cn", "password": "12345678"}),
            "bad_email",
        ),
        (
            json!({"name": "甲", "email": "a@b@c.cn", "password": "12345678"}),
            "bad_email",
        ),
        (
            json!({"name": "甲", "email": "a@localhost", "password": "12345678"}),
            "bad_email",
        ),
        (
            json!({"name": "甲", "email": "@b.cn", "password": "12345678"}),
            "bad_email",
        ),
        (
            json!({"name": "甲", "email": long_email, "password": "12345678"}),
            "bad_email",
        ),
        (
            json!({"name": "甲", "email": "a@b.cn", "password": "1234567"}),
            "weak_password",
        ),
        (
            json!({"name": "甲", "email": "a@b.cn", "password": ""}),
            "weak_password",
        ),
        (
            json!({"name": "甲", "email": "a@b.cn", "password": long_password}),
            "weak_password",
        ),
        (json!({"name": "甲", "email": "a@b.cn"}), "bad_json"),
        (
            json!({"name": 1, "email": "a@b.cn", "password": "12345678"}),
            "bad_json",
        ),
        (json!("just a string"), "bad_json"),
        (json!(null), "bad_json"),
    ];
    for (body, code) in cases {
        let reply = call(
            &app.router,
            Method::POST,
            "/api/v1/account/sign-up",
            None,
            Some(body.clone()),
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            reply.text()
        );
        assert_eq!(reply.error_code(), code, "{body}");
        // The message never echoes a password back.
        assert!(!reply.text().contains("1234567"), "{}", reply.text());
    }
    assert_eq!(count(&app, "SELECT count(*) FROM accounts").await, accounts);
    assert_eq!(count(&app, "SELECT count(*) FROM members").await, members);
}

#[tokio::test]
async fn malformed_json_and_wrong_content_types_are_bad_json() {
    let app = app().await;
    for (content_type, body) in [
        ("application/json", "{not json"),
        ("application/json", ""),
        (
            "text/plain",
            r#"{"email":"member1@demo.quanzi","password":"quanzi-demo"}"#,
        ),
        ("application/x-www-form-urlencoded", "email=a&password=b"),
    ] {
        let req = axum::http::Request::post("/api/v1/account/sign-in")
            .header("host", common::HOST)
            .header("origin", common::ORIGIN)
            .header("content-type", content_type)
            .body(axum::body::Body::from(body))
            .expect("request");
        let reply = common::send(&app.router, req).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{content_type} {body}"
        );
        assert_eq!(reply.error_code(), "bad_json", "{content_type} {body}");
    }
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = app().await;
    let wrong = call(
        &app.router,
        Method::POST,
        "/api/v1/account/sign-in",
        None,
        Some(json!({"email": "member2@demo.quanzi", "password": "not the password"})),
    )
    .await;
    let unknown = call(
        &app.router,
        Method::POST,
        "/api/v1/account/sign-in",
        None,
        Some(json!({"email": "nobody@demo.quanzi", "password": "not the password"})),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.error_code(), "invalid_credentials");
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.body, unknown.body);
    assert!(wrong.header("set-cookie").is_empty());
    assert!(unknown.header("set-cookie").is_empty());
    // Email case and spaces do not matter when signing in either.
    let reply = call(
        &app.router,
        Method::POST,
        "/api/v1/account/sign-in",
        None,
        Some(json!({"email": " Member2@DEMO.quanzi ", "password": DEMO_PASSWORD})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["member"]["id"], 2);
}

#[tokio::test]
async fn five_failures_lock_the_email_with_retry_after() {
    let app = app().await;
    let attempt = |password: &'static str| {
        let router = app.router.clone();
        async move {
            call(
                &router,
                Method::POST,
                "/api/v1/account/sign-in",
                None,
                Some(json!({"email": "member4@demo.quanzi", "password": password})),
            )
            .await
        }
    };
    for _ in 0..5 {
        let reply = attempt("wrong password").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    // Now even the right password waits: the guesser must not learn it was right.
    let limited = attempt(DEMO_PASSWORD).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.error_code(), "rate_limited");
    let retry: u64 = limited
        .header("retry-after")
        .parse()
        .expect("Retry-After seconds");
    assert!((1..=15 * 60).contains(&retry), "{retry}");
    assert!(limited.header("set-cookie").is_empty());
    // Another account is not locked by it.
    sign_in_demo(&app.router, 5).await;
}

#[tokio::test]
async fn a_success_clears_the_failures() {
    let app = app().await;
    let attempt = |password: &'static str| {
        let router = app.router.clone();
        async move {
            call(
                &router,
                Method::POST,
                "/api/v1/account/sign-in",
                None,
                Some(json!({"email": "member6@demo.quanzi", "password": password})),
            )
            .await
            .status
        }
    };
    for _ in 0..4 {
        assert_eq!(attempt("wrong password").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(attempt(DEMO_PASSWORD).await, StatusCode::OK);
    for _ in 0..4 {
        assert_eq!(attempt("wrong password").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(attempt(DEMO_PASSWORD).await, StatusCode::OK);
}

#[tokio::test]
async fn every_demo_member_can_sign_in_and_sees_their_communities() {
    let app = app().await;
    let roles = common::demo_communities();
    // One member per role is enough to show the seating; all fourteen would be slow in a
    // debug build (an Argon2 check each).
    let cycling = &roles["cycling"];
    for (place, expected) in [(0, "owner"), (1, "moderator"), (2, "member")] {
        let id = cycling[place];
        let cookie = sign_in_demo(&app.router, id).await;
        let me = call(
            &app.router,
            Method::GET,
            "/api/v1/account/me",
            Some(&cookie),
            None,
        )
        .await;
        let me = me.json();
        assert_eq!(me["member"]["id"], id);
        assert_eq!(me["email"], format!("member{id}@demo.quanzi"));
        let membership = me["communities"]
            .as_array()
            .expect("communities")
            .iter()
            .find(|m| m["community"]["slug"] == "cycling")
            .cloned()
            .expect("a cycling membership");
        assert_eq!(membership["role"], expected, "member {id}");
        // They belong exactly where they posted.
        let mut slugs: Vec<String> = me["communities"]
            .as_array()
            .expect("communities")
            .iter()
            .map(|m| m["community"]["slug"].as_str().expect("slug").to_owned())
            .collect();
        slugs.sort();
        let mut expected_slugs: Vec<String> = roles
            .iter()
            .filter(|(_, authors)| authors.contains(&id))
            .map(|(slug, _)| slug.clone())
            .collect();
        expected_slugs.sort();
        assert_eq!(slugs, expected_slugs, "member {id}");
    }
    // The fourteen members and the store's two staff (an owner and a clerk).
    assert_eq!(count(&app, "SELECT count(*) FROM accounts").await, 16);
}

#[tokio::test]
async fn xss_in_a_name_is_stored_and_returned_verbatim() {
    let app = app().await;
    for (i, name) in ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>"]
        .into_iter()
        .enumerate()
    {
        let (me, cookie) = sign_up(&app.router, name, &format!("x{i}@example.com")).await;
        assert_eq!(me["member"]["name"], name);
        let again = call(
            &app.router,
            Method::GET,
            "/api/v1/account/me",
            Some(&cookie),
            None,
        )
        .await;
        assert_eq!(again.json()["member"]["name"], name);
        // JSON, never HTML: the app renders it as text.
        assert!(again.header("content-type").starts_with("application/json"));
    }
}

#[tokio::test]
async fn signing_in_again_ends_the_session_the_browser_held() {
    let app = app().await;
    let (_, first) = sign_up(&app.router, "共用手机", "shared-phone@example.com").await;
    let reply = call(
        &app.router,
        Method::POST,
        "/api/v1/account/sign-in",
        Some(&first),
        Some(json!({"email": "member2@demo.quanzi", "password": DEMO_PASSWORD})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let second = session_cookie(&reply);
    let old = call(
        &app.router,
        Method::GET,
        "/api/v1/account/me",
        Some(&first),
        None,
    )
    .await;
    assert_eq!(old.status, StatusCode::NO_CONTENT);
    let new = call(
        &app.router,
        Method::GET,
        "/api/v1/account/me",
        Some(&second),
        None,
    )
    .await;
    assert_eq!(new.json()["member"]["name"], "Lena骑车去");
}
