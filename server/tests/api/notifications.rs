//! Notifications and the event stream: what a member is told (a failed group, a read
//! badge), and `GET /events` over a real HTTP connection, delivering a group's change to an
//! open page within 2 s, and a member's own order and notification to them alone.

use crate::common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{Method, StatusCode};
use common::{
    app, app_with, call, get_as, join_group, member, open_group, paid, placed, Options, TestApp,
};
use http_body_util::BodyExt;
use quanzi_server::notifications::events::STREAMS_PER_MEMBER;

/// A demo product whose group takes two.
const PAIR: i64 = 1;

#[tokio::test]
async fn a_failed_group_tells_its_members_and_reading_clears_the_badge() {
    let app = app_with(Options {
        group_window_secs: Some(1),
        ..Options::default()
    })
    .await;
    let (leader_id, leader) = member(&app, "团长").await;
    let group_id = open_group(&app.router, &leader, PAIR).await;
    let none = get_as(&app.router, Some(&leader), "/api/v1/notifications/unread").await;
    assert_eq!(none["unread"], 0);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    // Reading the group settles it: it failed, and its paid leader is refunded and told.
    let failed = get_as(&app.router, None, &format!("/api/v1/groups/{group_id}")).await;
    assert_eq!(failed["state"], "failed");
    let notes = get_as(&app.router, Some(&leader), "/api/v1/notifications").await;
    let items = notes["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "told once: {notes}");
    assert_eq!(items[0]["kind"], "group_failed");
    assert_eq!(items[0]["group_id"], group_id);
    assert_eq!(items[0]["product"]["id"], PAIR);
    assert_eq!(items[0]["read"], false);
    assert!(items[0]["amount"]["amount"].as_i64().is_some_and(|a| a > 0));
    let unread = get_as(&app.router, Some(&leader), "/api/v1/notifications/unread").await;
    assert_eq!(unread["unread"], 1);

    let read = call(
        &app.router,
        Method::POST,
        "/api/v1/notifications/read",
        Some(&leader),
        None,
    )
    .await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.json()["unread"], 0);
    let notes = get_as(&app.router, Some(&leader), "/api/v1/notifications").await;
    assert_eq!(notes["items"][0]["read"], true);
    // One about no product (a withdrawal paid) lists too, its product null.
    app.exec(&format!(
        "INSERT INTO notifications (member_id, kind, amount, currency, created_ms)
         SELECT {leader_id}, 'withdrawal_paid', 1234, 'CNY', max(created_ms) + 1 FROM notifications"
    ))
    .await;
    let notes = get_as(&app.router, Some(&leader), "/api/v1/notifications?limit=1").await;
    assert_eq!(notes["items"][0]["kind"], "withdrawal_paid", "{notes}");
    assert!(notes["items"][0]["product"].is_null());
    assert_eq!(notes["items"][0]["amount"]["amount"], 1234);
    let cursor = notes["next_cursor"].as_str().expect("a second page");
    let next = get_as(
        &app.router,
        Some(&leader),
        &format!("/api/v1/notifications?limit=1&cursor={cursor}"),
    )
    .await;
    assert_eq!(next["items"][0]["kind"], "group_failed");
    // Guests have none, and are told to sign in.
    let guest = common::get(&app.router, "/api/v1/notifications").await;
    assert_eq!(guest.status, StatusCode::UNAUTHORIZED);
    let stream = common::get(&app.router, "/api/v1/events").await;
    assert_eq!(stream.status, StatusCode::UNAUTHORIZED);
}

/// The test's server on a real socket.
async fn serve(app: &TestApp) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let service = app
        .router
        .clone()
        .into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await });
    addr
}

/// An open event stream, read as it comes.
struct Stream {
    body: hyper::body::Incoming,
    seen: String,
}

impl Stream {
    /// Opens `/api/v1/events` as the member with `cookie`, with a real HTTP/1.1 client.
    async fn open(addr: SocketAddr, cookie: &str) -> Stream {
        match Stream::ask(addr, cookie).await {
            Ok(stream) => stream,
            Err(refused) => panic!("the stream was refused: {refused:?}"),
        }
    }

    /// Asks for `/api/v1/events` as the member with `cookie`: the open stream, or the
    /// refusal's status, `Retry-After` and body.
    async fn ask(
        addr: SocketAddr,
        cookie: &str,
    ) -> Result<Stream, (StatusCode, Option<String>, String)> {
        let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
        let (mut sender, conn) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(tcp))
                .await
                .expect("handshake");
        tokio::spawn(conn);
        let request = hyper::Request::get("/api/v1/events")
            .header("host", common::HOST)
            .header("accept", "text/event-stream")
            .header("cookie", cookie)
            .body(http_body_util::Empty::<Bytes>::new())
            .expect("request");
        let response = sender.send_request(request).await.expect("response");
        if response.status() != StatusCode::OK {
            let status = response.status();
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let body = response
                .into_body()
                .collect()
                .await
                .expect("body")
                .to_bytes();
            return Err((
                status,
                retry_after,
                String::from_utf8_lossy(&body).into_owned(),
            ));
        }
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            content_type.starts_with("text/event-stream"),
            "{content_type}"
        );
        Ok(Stream {
            body: response.into_body(),
            seen: String::new(),
        })
    }

    /// Whether an event named `name` with `data` has arrived (its `id:` line aside).
    fn has(&self, name: &str, data: &str) -> bool {
        self.seen.split("\n\n").any(|block| {
            block.lines().any(|l| l == format!("event: {name}"))
                && block.lines().any(|l| l == format!("data: {data}"))
        })
    }

    /// Reads until the event `name` with `data` has arrived, or `within` has passed;
    /// whether it did.
    async fn until(&mut self, name: &str, data: &str, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        while !self.has(name, data) {
            let frame = tokio::time::timeout_at(deadline, self.body.frame()).await;
            match frame {
                Ok(Some(Ok(frame))) => {
                    if let Some(data) = frame.data_ref() {
                        self.seen.push_str(&String::from_utf8_lossy(data));
                    }
                }
                _ => return false,
            }
        }
        true
    }
}

#[tokio::test]
async fn an_open_page_hears_of_a_group_change_within_two_seconds() {
    let app = app().await;
    let addr = serve(&app).await;
    let (_, watcher) = member(&app, "看团的人").await;
    let (_, bystander) = member(&app, "旁观者").await;
    let mut stream = Stream::open(addr, &watcher).await;
    assert!(
        stream
            .until("unread", "{\"unread\":0}", Duration::from_secs(2))
            .await,
        "the badge first: {}",
        stream.seen
    );
    let mut other = Stream::open(addr, &bystander).await;
    assert!(
        other
            .until("unread", "{\"unread\":0}", Duration::from_secs(2))
            .await
    );

    // Someone else opens a group: every open page may show it.
    let (_, leader) = member(&app, "团长").await;
    let started = Instant::now();
    let group_id = open_group(&app.router, &leader, PAIR).await;
    let heard = stream
        .until(
            "group",
            &format!("{{\"id\":{group_id}}}"),
            Duration::from_secs(2),
        )
        .await;
    assert!(heard, "no group event within 2 s: {}", stream.seen);
    assert!(started.elapsed() < Duration::from_secs(2));

    // The watcher joins and pays: the group fills, and their order and their notification
    // come to them, and to nobody else.
    let order = placed(&app.router, &watcher, join_group(group_id)).await;
    let order_id = order["id"].as_i64().expect("id");
    paid(&app.router, &watcher, order_id).await;
    assert!(
        stream
            .until(
                "order",
                &format!("{{\"id\":{order_id}}}"),
                Duration::from_secs(2)
            )
            .await,
        "{}",
        stream.seen
    );
    assert!(
        stream
            .until("unread", "{\"unread\":1}", Duration::from_secs(2))
            .await,
        "the group's success is told: {}",
        stream.seen
    );
    assert!(
        other
            .until(
                "group",
                &format!("{{\"id\":{group_id}}}"),
                Duration::from_secs(2)
            )
            .await
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    other.until("never", "", Duration::from_millis(300)).await;
    assert!(
        !other.seen.contains("event: order") && !other.seen.contains("\"unread\":1"),
        "another member's order is not theirs: {}",
        other.seen
    );
}

#[tokio::test]
async fn a_member_holds_a_few_streams_at_most_and_a_closed_tab_frees_its_place() {
    let app = app().await;
    let addr = serve(&app).await;
    let (_, tabs) = member(&app, "开很多标签的人").await;
    let (_, other) = member(&app, "别人").await;
    let mut open = Vec::new();
    for _ in 0..STREAMS_PER_MEMBER {
        open.push(Stream::open(addr, &tabs).await);
    }
    let Err((status, retry_after, body)) = Stream::ask(addr, &tabs).await else {
        panic!("one stream more than the cap was opened");
    };
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body.contains("\"rate_limited\""), "{body}");
    assert!(retry_after.is_some_and(|s| s.parse::<u64>().is_ok_and(|s| s > 0)));
    // Another member is not held back by them.
    let mut theirs = Stream::open(addr, &other).await;
    assert!(
        theirs
            .until("unread", "{\"unread\":0}", Duration::from_secs(2))
            .await
    );

    // A tab closes (its connection goes): its place is free again.
    drop(open.pop());
    let deadline = Instant::now() + Duration::from_secs(2);
    let reopened = loop {
        match Stream::ask(addr, &tabs).await {
            Ok(stream) => break stream,
            Err(refused) if Instant::now() < deadline => {
                assert_eq!(refused.0, StatusCode::TOO_MANY_REQUESTS);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(refused) => panic!("the closed tab's place was not given back: {refused:?}"),
        }
    };
    drop(reopened);
}
