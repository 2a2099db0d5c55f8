//! Referral codes: every member has one; `?ref=` landings, and codes the app reports from a
//! host container's launch parameter (`POST /referrals/visits`), record one visit per visitor
//! and day and set a first-touch cookie; sign-ups are credited; `GET /account/referrals`.

use crate::common;

use std::collections::HashSet;

use axum::http::{Method, StatusCode};
use common::{
    app, app_with, call, code_of, count, get, request, set_cookie_named, set_cookies, sign_in_demo,
    sign_up, unknown_code, Options, TestApp,
};
use quanzi_api::referral::CROCKFORD_ALPHABET;
use serde_json::json;

const DAY_SECS: u64 = 86_400;

async fn visits_of(app: &TestApp, member_id: i64) -> i64 {
    count(
        app,
        &format!("SELECT count(*) FROM referral_visits WHERE referrer_id = {member_id}"),
    )
    .await
}

async fn referred_by(app: &TestApp, member_id: i64) -> Option<i64> {
    sqlx::query_scalar("SELECT referred_by FROM members WHERE id = $1")
        .bind(member_id)
        .fetch_one(&mut app.conn().await)
        .await
        .expect("member")
}

/// `name=value` of a `Set-Cookie`.
fn pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or("").to_owned()
}

fn is_code(code: &str) -> bool {
    code.len() == 8 && code.bytes().all(|b| CROCKFORD_ALPHABET.contains(&b))
}

/// Today's UTC day number; read before and after a call, to bear a midnight in between.
fn today() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        / DAY_SECS
}

fn date(day: u64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp((day * DAY_SECS) as i64).expect("time");
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

#[tokio::test]
async fn every_member_has_a_unique_code_shown_on_me() {
    let app = app().await;
    let members = count(&app, "SELECT count(*) FROM members").await;
    assert!(members > 10, "the demo members are there");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM members WHERE referral_code IS NULL"
        )
        .await,
        0,
        "every demo member got a code at startup"
    );
    assert_eq!(
        count(&app, "SELECT count(DISTINCT referral_code) FROM members").await,
        members
    );
    let codes: Vec<String> = sqlx::query_scalar("SELECT referral_code FROM members")
        .fetch_all(&mut app.conn().await)
        .await
        .expect("codes");
    assert!(codes.iter().all(|c| is_code(c)), "{codes:?}");

    // A demo member's /me shows theirs; a new member gets one at sign-up.
    let cookie = sign_in_demo(&app.router, 1).await;
    let me = call(
        &app.router,
        Method::GET,
        "/api/v1/account/me",
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(me.json()["referral_code"], code_of(&app, 1).await);
    let (me, _) = sign_up(&app.router, "新人", "new@example.com").await;
    let code = me["referral_code"].as_str().expect("a code").to_owned();
    assert!(is_code(&code), "{code}");
    let id = me["member"]["id"].as_i64().expect("id");
    assert_eq!(code_of(&app, id).await, code);
    let all: HashSet<String> = codes.into_iter().collect();
    assert!(!all.contains(&code));
}

#[tokio::test]
async fn members_without_a_code_get_one_at_startup_and_codes_never_change() {
    let app = app().await;
    let (me, _) = sign_up(&app.router, "老会员", "old@example.com").await;
    let id = me["member"]["id"].as_i64().expect("id");
    let kept = code_of(&app, 2).await;
    // As a database from before referral codes (or the demo store, freshly loaded) has them.
    app.exec(&format!(
        "UPDATE members SET referral_code = NULL WHERE id IN (1, 3, {id})"
    ))
    .await;
    let _again = common::start(app.dir.path(), &app.db, Options::default()).await;
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM members WHERE referral_code IS NULL"
        )
        .await,
        0
    );
    assert_eq!(
        count(&app, "SELECT count(DISTINCT referral_code) FROM members").await,
        count(&app, "SELECT count(*) FROM members").await
    );
    assert!(is_code(&code_of(&app, id).await));
    assert_eq!(code_of(&app, 2).await, kept, "a code, once given, stays");
}

#[tokio::test]
async fn the_schema_refuses_what_is_not_a_code_and_duplicates() {
    let app = app().await;
    let mut conn = app.conn().await;
    let taken = code_of(&app, 1).await;
    for bad in [
        "ABCDEFGU",
        "abcdefgh",
        "ABCDEFG",
        "ABCDEFGHJ",
        taken.as_str(),
    ] {
        let res = sqlx::query("UPDATE members SET referral_code = $1 WHERE id = 2")
            .bind(bad)
            .execute(&mut conn)
            .await;
        assert!(res.is_err(), "{bad} was accepted");
    }
}

#[tokio::test]
async fn a_landing_records_one_visit_per_visitor_and_day_and_sets_the_cookies() {
    let app = app().await;
    let code = code_of(&app, 1).await;
    // As people copy it: lower case, with a hyphen.
    let typed = format!("{}-{}", &code[..4], &code[4..]).to_lowercase();
    let first = get(&app.router, &format!("/p/1?ref={typed}")).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(visits_of(&app, 1).await, 1);
    let visitor = set_cookie_named(&first, "quanzi_visitor").expect("a visitor cookie");
    assert!(
        visitor.ends_with("; HttpOnly; SameSite=Lax; Path=/; Max-Age=34560000"),
        "{visitor}"
    );
    let referral = set_cookie_named(&first, "quanzi_ref").expect("a referral cookie");
    assert_eq!(
        referral,
        format!("quanzi_ref={code}; HttpOnly; SameSite=Lax; Path=/; Max-Age=2592000")
    );
    assert!(first.header("cache-control").contains("private"));
    let cookies = format!("{}; {}", pair(&visitor), pair(&referral));

    // Reloads and other pages the same day, by the same browser: no new visit, no new cookie.
    for uri in [
        format!("/p/1?ref={code}"),
        format!("/p/1?ref={typed}"),
        format!("/?ref={code}"),
        format!("/c/mothers?ref={code}"),
    ] {
        let again = request(&app.router, Method::GET, &uri, &[("cookie", &cookies)]).await;
        assert_eq!(again.status, StatusCode::OK, "{uri}");
        assert!(
            set_cookies(&again).is_empty(),
            "{uri}: {:?}",
            set_cookies(&again)
        );
    }
    assert_eq!(visits_of(&app, 1).await, 1);

    // Another browser is another visitor.
    let other = get(&app.router, &format!("/posts/1?ref={code}")).await;
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(visits_of(&app, 1).await, 2);

    // Every app route counts; a HEAD (a link checker) does not.
    for uri in [
        "/",
        "/communities",
        "/me",
        "/sign-in",
        "/sign-up",
        "/cart",
        "/posts/2",
        "/c/coffee",
    ] {
        let reply = get(&app.router, &format!("{uri}?ref={code}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        assert!(set_cookie_named(&reply, "quanzi_ref").is_some(), "{uri}");
    }
    assert_eq!(visits_of(&app, 1).await, 10);
    let head = request(&app.router, Method::HEAD, &format!("/?ref={code}"), &[]).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(set_cookies(&head).is_empty());
    assert_eq!(visits_of(&app, 1).await, 10);

    // Static files and the API are no landings.
    let reply = get(&app.router, &format!("/icons/icon.svg?ref={code}")).await;
    assert!(set_cookies(&reply).is_empty());
    let reply = get(&app.router, &format!("/api/v1/feed?ref={code}")).await;
    assert!(set_cookies(&reply).is_empty());
    assert_eq!(visits_of(&app, 1).await, 10);
}

#[tokio::test]
async fn the_first_touch_wins_while_its_cookie_lives() {
    let app = app().await;
    let (a, b) = (code_of(&app, 1).await, code_of(&app, 2).await);
    let first = get(&app.router, &format!("/?ref={a}")).await;
    let visitor = pair(&set_cookie_named(&first, "quanzi_visitor").expect("visitor"));
    let held = pair(&set_cookie_named(&first, "quanzi_ref").expect("ref"));
    let cookies = format!("{visitor}; {held}");
    // B's link later: B gets the visit, A keeps the cookie.
    let later = request(
        &app.router,
        Method::GET,
        &format!("/p/2?ref={b}"),
        &[("cookie", &cookies)],
    )
    .await;
    assert_eq!(later.status, StatusCode::OK);
    assert!(set_cookies(&later).is_empty(), "{:?}", set_cookies(&later));
    assert_eq!((visits_of(&app, 1).await, visits_of(&app, 2).await), (1, 1));

    // A cookie that is no code, or the code of nobody, is no touch: replaced.
    for stale in ["quanzi_ref=<b>x</b>", "quanzi_ref=ZZZZZZZZ"] {
        let reply = request(
            &app.router,
            Method::GET,
            &format!("/p/2?ref={b}"),
            &[("cookie", &format!("{visitor}; {stale}"))],
        )
        .await;
        let set = set_cookie_named(&reply, "quanzi_ref").expect("replaced");
        assert!(set.starts_with(&format!("quanzi_ref={b};")), "{set}");
    }
}

#[tokio::test]
async fn a_member_landing_on_their_own_link_credits_nobody() {
    let app = app().await;
    let session = sign_in_demo(&app.router, 1).await;
    let code = code_of(&app, 1).await;
    for uri in [format!("/?ref={code}"), format!("/me?ref={code}")] {
        let reply = request(&app.router, Method::GET, &uri, &[("cookie", &session)]).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(set_cookies(&reply).is_empty(), "{:?}", set_cookies(&reply));
    }
    assert_eq!(visits_of(&app, 1).await, 0);
    // Someone else's link, signed in: a visit for them.
    let reply = request(
        &app.router,
        Method::GET,
        &format!("/?ref={}", code_of(&app, 2).await),
        &[("cookie", &session)],
    )
    .await;
    assert!(set_cookie_named(&reply, "quanzi_ref").is_some());
    assert_eq!(visits_of(&app, 2).await, 1);
}

#[tokio::test]
async fn junk_refs_are_ignored_stored_nowhere_and_not_reflected() {
    let app = app().await;
    let long = "A".repeat(10_000);
    let unknown = unknown_code(&app).await;
    let junk = [
        long.as_str(),
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "'%3E%3Cscript%3Ealert(1)//",
        "%22%3E%3Cimg%20src%3Dx%3E",
        // Fullwidth digit seven, and a Greek capital zeta for Z: look-alikes.
        "%EF%BC%977K3M9QX",
        "7K3M9QX%CE%96",
        "%00%00%00%00%00%00%00%00",
        unknown.as_str(),
        "",
    ];
    for path in ["/", "/p/1", "/p/999999", "/c/mothers", "/me", "/posts/abc"] {
        let plain = get(&app.router, path).await;
        for raw in junk {
            let uri = format!("{path}?ref={raw}");
            let reply = get(&app.router, &uri).await;
            assert_eq!(reply.status, plain.status, "{path} with ref {raw:.40}");
            assert!(set_cookies(&reply).is_empty(), "{uri:.60}");
            let html = reply.text();
            assert!(!html.contains("alert(1)"), "{uri:.60} reflected");
            assert!(!html.contains("<img src=x"), "{uri:.60} reflected");
            assert!(!html.contains(&"A".repeat(50)), "{uri:.60} reflected");
            assert!(!html.contains(&unknown), "{uri:.60} reflected");
            // The page is the page: the same bytes but for the nonce.
            assert_eq!(html.len(), plain.text().len(), "{uri:.60}");
        }
    }
    assert_eq!(count(&app, "SELECT count(*) FROM referral_visits").await, 0);
}

/// Reports a code as the app does when it finds one in a host container's launch parameter.
async fn report(app: &TestApp, code: &str, cookie: Option<&str>) -> common::Reply {
    call(
        &app.router,
        Method::POST,
        "/api/v1/referrals/visits",
        cookie,
        Some(json!({ "code": code })),
    )
    .await
}

/// `POST /referrals/visits` with a raw body, from a page of `origin`.
async fn report_raw(app: &TestApp, origin: &str, body: String) -> common::Reply {
    common::send(
        &app.router,
        axum::http::Request::post("/api/v1/referrals/visits")
            .header("host", common::HOST)
            .header("origin", origin)
            .header("content-type", "application/json")
            .body(axum::body::Body::from(body))
            .expect("request"),
    )
    .await
}

#[tokio::test]
async fn a_reported_code_records_one_visit_per_visitor_and_day_and_sets_the_cookies() {
    let app = app().await;
    let code = code_of(&app, 1).await;
    let typed = format!("{}-{}", &code[..4], &code[4..]).to_lowercase();
    let first = report(&app, &typed, None).await;
    assert_eq!(first.status, StatusCode::NO_CONTENT, "{}", first.text());
    assert!(first.body.is_empty());
    assert_eq!(visits_of(&app, 1).await, 1);
    let visitor = set_cookie_named(&first, "quanzi_visitor").expect("a visitor cookie");
    assert!(
        visitor.ends_with("; HttpOnly; SameSite=Lax; Path=/; Max-Age=34560000"),
        "{visitor}"
    );
    let referral = set_cookie_named(&first, "quanzi_ref").expect("a referral cookie");
    assert_eq!(
        referral,
        format!("quanzi_ref={code}; HttpOnly; SameSite=Lax; Path=/; Max-Age=2592000")
    );
    assert_eq!(first.header("cache-control"), "private, no-store");
    let cookies = format!("{}; {}", pair(&visitor), pair(&referral));

    // Again the same day, by report or by link: the same visitor, no new visit, no cookie.
    let again = report(&app, &code, Some(&cookies)).await;
    assert_eq!(again.status, StatusCode::NO_CONTENT);
    assert!(set_cookies(&again).is_empty(), "{:?}", set_cookies(&again));
    assert_eq!(again.header("cache-control"), "no-cache");
    let landed = request(
        &app.router,
        Method::GET,
        &format!("/p/1?ref={code}"),
        &[("cookie", &cookies)],
    )
    .await;
    assert!(set_cookies(&landed).is_empty());
    assert_eq!(visits_of(&app, 1).await, 1);

    // Another member's code: a visit for them, and the first touch keeps the cookie.
    let other = report(&app, &code_of(&app, 2).await, Some(&cookies)).await;
    assert_eq!(other.status, StatusCode::NO_CONTENT);
    assert!(set_cookies(&other).is_empty(), "{:?}", set_cookies(&other));
    assert_eq!((visits_of(&app, 1).await, visits_of(&app, 2).await), (1, 1));

    // Another browser is another visitor.
    let fresh = report(&app, &code, None).await;
    assert!(set_cookie_named(&fresh, "quanzi_visitor").is_some());
    assert_eq!(visits_of(&app, 1).await, 2);
}

#[tokio::test]
async fn a_reported_own_or_unknown_code_changes_nothing() {
    let app = app().await;
    let session = sign_in_demo(&app.router, 1).await;
    let own = report(&app, &code_of(&app, 1).await, Some(&session)).await;
    assert_eq!(own.status, StatusCode::NO_CONTENT);
    assert!(set_cookies(&own).is_empty(), "{:?}", set_cookies(&own));

    let unknown = report(&app, &unknown_code(&app).await, None).await;
    assert_eq!(unknown.status, StatusCode::NO_CONTENT);
    assert!(
        set_cookies(&unknown).is_empty(),
        "{:?}",
        set_cookies(&unknown)
    );
    assert_eq!(count(&app, "SELECT count(*) FROM referral_visits").await, 0);

    // Signed in, someone else's code counts.
    let other = report(&app, &code_of(&app, 2).await, Some(&session)).await;
    assert!(set_cookie_named(&other, "quanzi_ref").is_some());
    assert_eq!(visits_of(&app, 2).await, 1);
}

#[tokio::test]
async fn what_is_not_a_code_or_not_from_this_site_is_refused() {
    let app = app().await;
    for junk in [
        "",
        "7K3M9QX",
        "7K3M9QXZ1",
        "7K3M9QXU",
        "<b>x</b>",
        "７K3M9QXZ",
        &"A".repeat(10_000),
    ] {
        let reply = report(&app, junk, None).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{junk:.20}");
        assert_eq!(reply.error_code(), "bad_referral_code");
        assert!(!reply.text().contains("<b>"), "not reflected");
        assert!(set_cookies(&reply).is_empty());
    }
    let code = code_of(&app, 1).await;
    for body in ["{\"code\":", "{}", "{\"code\":12345678}", "\"7K3M9QXZ\""] {
        let reply = report_raw(&app, common::ORIGIN, body.to_owned()).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(reply.error_code(), "bad_json", "{body}");
    }
    let padded = format!("{{\"code\":\"{code}\",\"pad\":\"{}\"}}", "x".repeat(70_000));
    let reply = report_raw(&app, common::ORIGIN, padded).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.error_code(), "payload_too_large");

    // A valid code from another site: refused before anything is counted.
    let body = json!({ "code": code }).to_string();
    let reply = report_raw(&app, "http://evil.example", body).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.error_code(), "bad_origin");
    let reply = get(&app.router, "/api/v1/referrals/visits").await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(count(&app, "SELECT count(*) FROM referral_visits").await, 0);
}

#[tokio::test]
async fn secure_sites_use_host_prefixed_secure_cookies_and_the_configured_window() {
    let app = app_with(Options {
        secure_cookies: true,
        referral_days: 7,
        ..Options::default()
    })
    .await;
    let code = code_of(&app, 3).await;
    let reply = get(&app.router, &format!("/?ref={code}")).await;
    let referral = set_cookie_named(&reply, "__Host-quanzi_ref").expect("ref");
    assert_eq!(
        referral,
        format!("__Host-quanzi_ref={code}; HttpOnly; SameSite=Lax; Path=/; Max-Age=604800; Secure")
    );
    let visitor = set_cookie_named(&reply, "__Host-quanzi_visitor").expect("visitor");
    assert!(visitor.ends_with("; Secure") && visitor.contains("HttpOnly"));
    // The plain names mean nothing there.
    let again = request(
        &app.router,
        Method::GET,
        &format!("/?ref={code}"),
        &[("cookie", &format!("quanzi_ref={code}"))],
    )
    .await;
    assert!(set_cookie_named(&again, "__Host-quanzi_ref").is_some());
}

#[tokio::test]
async fn a_referral_window_outside_1_to_400_days_stops_startup() {
    for days in [0, 401] {
        let dir = tempfile::tempdir().expect("dir");
        let mut config =
            quanzi_server::Config::new(dir.path().join("q.sqlite"), dir.path().join("dist"));
        config.referral_days = days;
        assert!(quanzi_server::app(&config).await.is_err(), "{days}");
    }
}

async fn sign_up_with(
    app: &TestApp,
    email: &str,
    cookie: Option<&str>,
    body_code: Option<&str>,
) -> i64 {
    let mut body = json!({"name": "新朋友", "email": email, "password": "correct horse"});
    if let Some(code) = body_code {
        body["referral_code"] = json!(code);
    }
    let reply = call(
        &app.router,
        Method::POST,
        "/api/v1/account/sign-up",
        cookie,
        Some(body),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    reply.json()["member"]["id"].as_i64().expect("id")
}

#[tokio::test]
async fn sign_ups_are_credited_to_the_cookie_first_then_the_body() {
    let app = app_with(Options {
        sign_ups_per_hour: 100,
        ..Options::default()
    })
    .await;
    let (a, b) = (code_of(&app, 1).await, code_of(&app, 2).await);

    let landed = get(&app.router, &format!("/p/1?ref={a}")).await;
    let cookie = pair(&set_cookie_named(&landed, "quanzi_ref").expect("ref"));
    let id = sign_up_with(&app, "one@example.com", Some(&cookie), Some(&b)).await;
    assert_eq!(referred_by(&app, id).await, Some(1), "the cookie wins");

    let id = sign_up_with(&app, "two@example.com", None, Some(&b.to_lowercase())).await;
    assert_eq!(
        referred_by(&app, id).await,
        Some(2),
        "the body, read as a code"
    );

    // Junk or unknown in the cookie: the body decides.
    let id = sign_up_with(
        &app,
        "three@example.com",
        Some("quanzi_ref=%3Cscript%3E; quanzi_ref=ZZZZZZZZ"),
        Some(&b),
    )
    .await;
    assert_eq!(referred_by(&app, id).await, Some(2));

    // Unknown and malformed codes credit nobody, and do not fail the sign-up.
    for (n, junk) in ["ZZZZZZZZ", "<b>x</b>", &"A".repeat(10_000), ""]
        .iter()
        .enumerate()
    {
        let id = sign_up_with(&app, &format!("junk{n}@example.com"), None, Some(junk)).await;
        assert_eq!(referred_by(&app, id).await, None, "{junk:.20}");
    }
    let id = sign_up_with(&app, "plain@example.com", None, None).await;
    assert_eq!(referred_by(&app, id).await, None);
}

#[tokio::test]
async fn the_cookie_a_reported_code_sets_credits_the_sign_up() {
    let app = app().await;
    let reported = report(&app, &code_of(&app, 2).await, None).await;
    let cookie = pair(&set_cookie_named(&reported, "quanzi_ref").expect("ref"));
    let id = sign_up_with(&app, "from-host@example.com", Some(&cookie), None).await;
    assert_eq!(referred_by(&app, id).await, Some(2));
}

#[tokio::test]
async fn a_member_cannot_credit_themself_with_a_second_account() {
    let app = app().await;
    let session = sign_in_demo(&app.router, 1).await;
    let own = code_of(&app, 1).await;
    let cookies = format!("{session}; quanzi_ref={own}");
    let id = sign_up_with(&app, "alt@example.com", Some(&cookies), Some(&own)).await;
    assert_eq!(referred_by(&app, id).await, None);
    // Another member's code in the body still counts when the cookie is their own.
    let session = sign_in_demo(&app.router, 1).await;
    let cookies = format!("{session}; quanzi_ref={own}");
    let other = code_of(&app, 2).await;
    let id = sign_up_with(&app, "alt2@example.com", Some(&cookies), Some(&other)).await;
    assert_eq!(referred_by(&app, id).await, Some(2));
}

#[tokio::test]
async fn the_dashboard_needs_a_member() {
    let app = app().await;
    let reply = call(
        &app.router,
        Method::GET,
        "/api/v1/account/referrals",
        None,
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.error_code(), "unauthenticated");
    let reply = call(
        &app.router,
        Method::GET,
        "/api/v1/account/referrals",
        Some(&format!("quanzi_session={}", "a".repeat(43))),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_dashboard_shows_30_zero_filled_days_and_all_time_totals() {
    let app = app().await;
    let (me, session) = sign_up(&app.router, "分享达人", "sharer@example.com").await;
    let id = me["member"]["id"].as_i64().expect("id");
    let code = me["referral_code"].as_str().expect("code").to_owned();

    let before = today();
    let fresh = call(
        &app.router,
        Method::GET,
        "/api/v1/account/referrals",
        Some(&session),
        None,
    )
    .await;
    let after = today();
    assert_eq!(fresh.status, StatusCode::OK, "{}", fresh.text());
    let json = fresh.json();
    assert_eq!(json["code"], code);
    for total in ["visits", "sign_ups", "orders"] {
        assert_eq!(json[total], 0, "{total}");
    }
    assert_eq!(json["order_value"], json!({"amount": 0, "currency": "CNY"}));
    let days = json["days"].as_array().expect("days");
    assert_eq!(days.len(), 30);
    let last = days[29]["date"].as_str().expect("date");
    assert!(last == date(before) || last == date(after), "{last}");
    let today = if last == date(before) { before } else { after };
    for (i, day) in days.iter().enumerate() {
        assert_eq!(day["date"], date(today - 29 + i as u64));
        assert_eq!(
            day,
            &json!({"date": date(today - 29 + i as u64), "visits": 0, "sign_ups": 0,
                    "orders": 0, "order_value": {"amount": 0, "currency": "CNY"},
                    "earnings": {"amount": 0, "currency": "CNY"}})
        );
    }

    // Two visitors today, one visitor twice; a visit three days ago and one 40 days ago.
    let first = get(&app.router, &format!("/?ref={code}")).await;
    let visitor = pair(&set_cookie_named(&first, "quanzi_visitor").expect("visitor"));
    request(
        &app.router,
        Method::GET,
        &format!("/p/3?ref={code}"),
        &[("cookie", &visitor)],
    )
    .await;
    get(&app.router, &format!("/c/cycling?ref={code}")).await;
    for (ago, visitor) in [(3, "earlier"), (40, "long-ago")] {
        sqlx::query(
            "INSERT INTO referral_visits (referrer_id, day, visitor, created_ms)
             VALUES ($1, $2, $3, 0)",
        )
        .bind(id)
        .bind((today - ago) as i64)
        .bind(visitor)
        .execute(&mut app.conn().await)
        .await
        .expect("visit");
    }
    // Two sign-ups today: one by the cookie, one by the body.
    let landed = get(&app.router, &format!("/sign-up?ref={code}")).await;
    let cookie = pair(&set_cookie_named(&landed, "quanzi_ref").expect("ref"));
    sign_up_with(&app, "friend1@example.com", Some(&cookie), None).await;
    sign_up_with(&app, "friend2@example.com", None, Some(&code)).await;

    let json = call(
        &app.router,
        Method::GET,
        "/api/v1/account/referrals",
        Some(&session),
        None,
    )
    .await
    .json();
    // Today: 3 browsers (two plus the sign-up page's); 3 days ago: 1; 40 days ago: 1.
    assert_eq!(json["visits"], 5);
    assert_eq!(json["sign_ups"], 2);
    assert_eq!(json["orders"], 0);
    let days = json["days"].as_array().expect("days");
    assert_eq!(days.len(), 30);
    assert_eq!(days[29]["visits"], 3);
    assert_eq!(days[29]["sign_ups"], 2);
    assert_eq!(days[26]["visits"], 1);
    assert_eq!(days[26]["date"], date(today - 3));
    let shown: u64 = days.iter().filter_map(|d| d["visits"].as_u64()).sum();
    assert_eq!(shown, 4, "the visit 40 days ago is in the total only");
}
