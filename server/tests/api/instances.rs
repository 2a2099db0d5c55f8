//! Two servers on one database, as a store runs them behind a load balancer on PostgreSQL
//! (and, here too, on one SQLite file): seats, stock, idempotency keys, payments and the
//! expiry sweep stay exact when requests about the same rows reach both at once.

use crate::common;

use std::time::Duration;

use axum::http::StatusCode;
use axum::Router;
use common::{
    app_with, get_as, join_group, member, number, open_group, order_with_key, paid, pay, placed,
    solo, stock_of, Options, TestApp,
};
use serde_json::Value;

/// A product sold in groups of three.
const TRIO: i64 = 2;

/// A second server on the test's database and files.
async fn second(app: &TestApp, options: Options) -> Router {
    common::start(app.dir.path(), &app.db, options).await
}

fn code(body: &[u8]) -> String {
    let json: Value = serde_json::from_slice(body).unwrap_or_default();
    json["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_joins_on_two_servers_take_exactly_the_seats_left() {
    let app = app_with(Options::default()).await;
    let other = second(&app, Options::default()).await;
    let servers = [app.router.clone(), other.clone()];
    let initial = stock_of(&app, TRIO).await;
    let (_, leader) = member(&app, "团长").await;
    let group_id = open_group(&app.router, &leader, TRIO).await;

    let mut cookies = Vec::with_capacity(200);
    for n in 0..200 {
        cookies.push(member(&app, &format!("抢{n}")).await.1);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for (n, cookie) in cookies.into_iter().enumerate() {
        let router = servers[n % 2].clone();
        tasks.spawn(async move {
            let key = common::new_key();
            let reply = order_with_key(&router, &cookie, &key, join_group(group_id)).await;
            (reply.status, reply.body, cookie, n)
        });
    }
    let mut won = Vec::new();
    let mut full = 0;
    while let Some(done) = tasks.join_next().await {
        let (status, body, cookie, n) = done.expect("task");
        match status {
            StatusCode::CREATED => {
                let order: Value = serde_json::from_slice(&body).expect("order");
                won.push((cookie, order["id"].as_i64().expect("id"), n));
            }
            StatusCode::CONFLICT => {
                assert_eq!(code(&body), "group_full");
                full += 1;
            }
            other => panic!("unexpected {other}: {}", String::from_utf8_lossy(&body)),
        }
    }
    assert_eq!((won.len(), full), (2, 198));
    // Each winner pays on the server their order did not go to; the second fills it.
    for (cookie, order_id, n) in &won {
        paid(&servers[(n + 1) % 2], cookie, *order_id).await;
    }
    let group = get_as(&other, None, &format!("/api/v1/groups/{group_id}")).await;
    assert_eq!(group["state"], "succeeded", "{group}");
    assert_eq!(
        number(
            &app,
            "SELECT seats_taken FROM group_buys WHERE id = $1",
            group_id
        )
        .await,
        3
    );
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM group_seats WHERE group_id = $1 AND state = 'paid'",
            group_id
        )
        .await,
        3
    );
    assert_eq!(stock_of(&app, TRIO).await, initial - 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_key_sent_to_both_servers_at_once_places_one_order() {
    let app = app_with(Options::default()).await;
    let other = second(&app, Options::default()).await;
    let (me, cookie) = member(&app, "买家").await;
    let initial = stock_of(&app, 3).await;
    for round in 0..10 {
        let key = common::new_key();
        let body = solo(&[(3, 1)]);
        let (a, b) = tokio::join!(
            order_with_key(&app.router, &cookie, &key, body.clone()),
            order_with_key(&other, &cookie, &key, body.clone()),
        );
        // The second either waited and got the first's answer, or was told to retry.
        let answers: Vec<_> = [&a, &b]
            .iter()
            .filter(|r| r.status == StatusCode::CREATED)
            .map(|r| r.json()["id"].clone())
            .collect();
        assert!(
            !answers.is_empty(),
            "round {round}: {} {}",
            a.text(),
            b.text()
        );
        assert!(
            answers.windows(2).all(|w| w[0] == w[1]),
            "one order: {answers:?}"
        );
        for reply in [&a, &b] {
            assert!(
                reply.status == StatusCode::CREATED || code(&reply.body) == "unavailable",
                "{}",
                reply.text()
            );
        }
    }
    assert_eq!(
        number(&app, "SELECT count(*) FROM orders WHERE member_id = $1", me).await,
        10
    );
    assert_eq!(stock_of(&app, 3).await, initial - 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn paying_one_order_on_both_servers_at_once_charges_once() {
    let app = app_with(Options::default()).await;
    let other = second(&app, Options::default()).await;
    let (_, cookie) = member(&app, "买家").await;
    for _ in 0..10 {
        let order = placed(&app.router, &cookie, solo(&[(4, 1)])).await;
        let order_id = order["id"].as_i64().expect("id");
        let (a, b) = tokio::join!(
            pay(&app.router, &cookie, order_id, "approve"),
            pay(&other, &cookie, order_id, "approve"),
        );
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "{} / {}",
            a.text(),
            b.text()
        );
        let refused = if a.status == StatusCode::CONFLICT {
            &a
        } else {
            &b
        };
        assert_eq!(code(&refused.body), "not_payable");
        assert_eq!(
            number(
                &app,
                "SELECT count(*) FROM payments WHERE order_id = $1",
                order_id
            )
            .await,
            1,
            "charged once"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn holds_that_run_out_are_let_go_once_by_both_sweeps() {
    let fast = || Options {
        seat_hold_secs: 1,
        expiry_sweep: Some(Duration::from_millis(50)),
        ..Options::default()
    };
    let app = app_with(fast()).await;
    let _other = second(&app, fast()).await;
    let initial = stock_of(&app, 5).await;
    let (me, cookie) = member(&app, "犹豫的人").await;
    for _ in 0..20 {
        placed(&app.router, &cookie, solo(&[(5, 1)])).await;
    }
    assert_eq!(stock_of(&app, 5).await, initial - 20);
    // Both servers sweep every 50 ms; every hold has run out after a second.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while number(
        &app,
        "SELECT count(*) FROM orders WHERE member_id = $1 AND status = 'cancelled'",
        me,
    )
    .await
        < 20
    {
        assert!(std::time::Instant::now() < deadline, "holds not let go");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Let any late sweep come round: nothing is given back twice.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(stock_of(&app, 5).await, initial);
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM orders WHERE member_id = $1 AND note = 'hold_expired'",
            me
        )
        .await,
        20
    );
}

#[tokio::test]
async fn failed_sign_ins_count_on_every_server() {
    let app = app_with(Options::default()).await;
    let other = second(&app, Options::default()).await;
    let servers = [app.router.clone(), other];
    let guess = |n: usize| serde_json::json!({"email": "member1@demo.quanzi", "password": format!("guess {n}")});
    for n in 0..5 {
        let reply = common::call(
            &servers[n % 2],
            axum::http::Method::POST,
            "/api/v1/account/sign-in",
            None,
            Some(guess(n)),
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.text());
    }
    // Five failures, on two servers: the sixth is refused by either.
    for router in &servers {
        let reply = common::call(
            router,
            axum::http::Method::POST,
            "/api/v1/account/sign-in",
            None,
            Some(guess(6)),
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            reply.text()
        );
        assert_eq!(reply.error_code(), "rate_limited");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_starting_at_once_migrate_and_fill_a_fresh_database_once() {
    let (dir, db) = common::unstarted(true).await;
    let (a, b) = tokio::join!(
        common::try_start(dir.path(), &db, Options::default()),
        common::try_start(dir.path(), &db, Options::default()),
    );
    let router = a.expect("the first starts");
    let _second = b.expect("the second starts");
    let app = TestApp { router, dir, db };
    assert_eq!(
        common::count(&app, "SELECT count(*) FROM communities").await,
        4
    );
    assert_eq!(
        common::count(&app, "SELECT count(*) FROM members").await,
        16,
        "fourteen members and the store's two staff"
    );
    assert_eq!(
        common::count(&app, "SELECT count(*) FROM products").await,
        30
    );
    assert_eq!(
        common::count(&app, "SELECT count(DISTINCT referral_code) FROM members").await,
        16
    );
    if app.db.is_postgres() {
        assert_eq!(
            common::count(&app, "SELECT count(*) FROM quanzi_schema").await,
            quanzi_server::storage::db::POSTGRES_MIGRATIONS.len() as i64
        );
    }
}

#[tokio::test]
async fn service_resumes_by_itself_when_the_database_comes_back() {
    let app = app_with(Options::default()).await;
    if !app.db.is_postgres() {
        // A SQLite file does not go away under a running server.
        return;
    }
    let (_, cookie) = member(&app, "买家").await;
    placed(&app.router, &cookie, solo(&[(6, 1)])).await;
    // PostgreSQL restarts (as a failover does): every connection the server holds is cut.
    app.exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .await;
    // Each request finds a broken connection at most once: it is told to come back (503
    // with Retry-After), never given a 500, and the pool reconnects without a restart.
    let mut answered = 0;
    for _ in 0..20 {
        let reply = common::call(
            &app.router,
            axum::http::Method::GET,
            "/api/v1/orders",
            Some(&cookie),
            None,
        )
        .await;
        match reply.status {
            StatusCode::OK => answered += 1,
            StatusCode::SERVICE_UNAVAILABLE => {
                assert_eq!(reply.error_code(), "unavailable");
                assert!(!reply.header("retry-after").is_empty());
            }
            other => panic!("{other}: {}", reply.text()),
        }
    }
    assert!(answered >= 10, "service resumed: {answered} of 20");
    let health = common::get(&app.router, "/api/v1/health").await;
    assert_eq!(health.status, StatusCode::OK);
}
