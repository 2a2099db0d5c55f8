//! A server killed (SIGKILL) in the middle of a burst of orders and payments, beside a
//! second one on the same database: every payment a shopper saw acknowledged stays paid,
//! nothing is charged twice, no stock is lost, and the dead server's unpaid holds are let go
//! by the one still running.

use crate::common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The product every order buys, one at a time.
const PRODUCT: i64 = 6;

/// A server binary on the test's database; returns it and its address.
fn spawn(dir: &std::path::Path, db: &common::TestDb) -> (Child, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_quanzi-server"))
        .args([
            "--addr",
            "127.0.0.1",
            "--port",
            "0",
            "--seat-hold-secs",
            "2",
        ])
        .args(db.args())
        .arg("--dist")
        .arg(dir.join("dist"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .env("RUST_LOG", "error")
        .env_remove("QUANZI_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    common::ready(child)
}

/// One POST as a phone sends it; `None` when the server is gone (refused, cut off).
fn post(addr: &str, path: &str, cookie: &str, body: &Value) -> Option<(u16, Value)> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .ok()?;
    let body = body.to_string();
    let key = common::new_key();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nCookie: {cookie}\r\n\
         Idempotency-Key: {key}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status: u16 = response.split(' ').nth(1)?.parse().ok()?;
    let json = serde_json::from_str(response.split("\r\n\r\n").nth(1)?).ok()?;
    Some((status, json))
}

async fn scalar(db: &common::TestDb, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&mut db.conn().await)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_killed_during_paid_orders_loses_and_doubles_nothing() {
    let (dir, db) = common::unstarted(true).await;
    let (mut doomed, doomed_addr) = spawn(dir.path(), &db);
    let (mut survivor, survivor_addr) = spawn(dir.path(), &db);
    let mut conn = db.conn().await;
    sqlx::query("UPDATE products SET stock = 1000 WHERE id = $1")
        .bind(PRODUCT)
        .execute(&mut conn)
        .await
        .expect("stock");
    let mut cookies = Vec::new();
    for n in 0..30 {
        cookies.push(common::member_in(&db, &format!("买家{n}")).await.1);
    }

    let acknowledged = Arc::new(Mutex::new(Vec::<i64>::new()));
    let paid_so_far = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = cookies
        .into_iter()
        .enumerate()
        .map(|(n, cookie)| {
            let addr = [&doomed_addr, &survivor_addr][n % 2].clone();
            let (acknowledged, paid_so_far) = (acknowledged.clone(), paid_so_far.clone());
            std::thread::spawn(move || {
                for _ in 0..4 {
                    let order = json!({
                        "purchase": {"kind": "solo", "lines": [{"product_id": PRODUCT, "quantity": 1}]},
                        "fulfilment": common::pickup(1),
                    });
                    let Some((201, placed)) = post(&addr, "/api/v1/orders", &cookie, &order) else {
                        continue;
                    };
                    let id = placed["id"].as_i64().expect("id");
                    let pay = json!({"outcome": "approve"});
                    let path = format!("/api/v1/orders/{id}/pay");
                    if let Some((200, order)) = post(&addr, &path, &cookie, &pay) {
                        if order["payment"] == "approved" {
                            acknowledged.lock().expect("list").push(id);
                            paid_so_far.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            })
        })
        .collect();
    // Killed once the burst is well under way, with requests in flight on it.
    let started = Instant::now();
    while paid_so_far.load(Ordering::Relaxed) < 20 && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
    }
    doomed.kill().expect("SIGKILL");
    let _ = doomed.wait();
    for client in clients {
        client.join().expect("client");
    }
    let acknowledged = acknowledged.lock().expect("list").clone();
    assert!(acknowledged.len() >= 20, "{} paid", acknowledged.len());
    assert!(acknowledged.len() < 120, "the kill came after the burst");

    // The survivor's sweep lets go of the dead server's unpaid holds (2 s) on its rounds.
    let deadline = Instant::now() + Duration::from_secs(30);
    let unpaid =
        "SELECT count(*) FROM orders WHERE payment = 'unpaid' AND status = 'pending_payment'";
    while scalar(&db, unpaid).await > 0 {
        assert!(
            Instant::now() < deadline,
            "the dead server's holds were never let go"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let _ = survivor.kill();
    let _ = survivor.wait();

    for id in &acknowledged {
        let (payment, status, approved): (String, String, i64) = sqlx::query_as(
            "SELECT o.payment, o.status,
                    (SELECT count(*) FROM payments p WHERE p.order_id = o.id AND p.state = 'approved')
             FROM orders o WHERE o.id = $1",
        )
        .bind(id)
        .fetch_one(&mut conn)
        .await
        .expect("order");
        assert_eq!(
            (payment.as_str(), status.as_str(), approved),
            ("approved", "paid", 1),
            "order {id}"
        );
    }
    // Nothing charged twice, and every paid order has its one charge.
    assert_eq!(
        scalar(
            &db,
            "SELECT count(*) FROM (SELECT order_id FROM payments WHERE state = 'approved'
             GROUP BY order_id HAVING count(*) > 1) twice"
        )
        .await,
        0
    );
    assert_eq!(
        scalar(
            &db,
            "SELECT count(*) FROM orders WHERE payment = 'approved'"
        )
        .await,
        scalar(
            &db,
            "SELECT count(DISTINCT order_id) FROM payments WHERE state = 'approved'"
        )
        .await
    );
    // The shelf and the orders agree: what left it is what orders hold.
    let held = scalar(
        &db,
        &format!(
            "SELECT CAST(coalesce(sum(l.quantity), 0) AS BIGINT) FROM order_lines l
             JOIN orders o ON o.id = l.order_id WHERE o.stock_held = 1 AND l.product_id = {PRODUCT}"
        ),
    )
    .await;
    let stock = scalar(
        &db,
        &format!("SELECT stock FROM products WHERE id = {PRODUCT}"),
    )
    .await;
    assert_eq!(stock, 1000 - held);
}
