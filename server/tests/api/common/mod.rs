//! Shared by the integration tests: a server on a real database, a small Trunk-shaped
//! `dist/` in a temp dir, and one-shot requests.
//!
//! The database is a SQLite file in the temp dir, or, when `QUANZI_TEST_POSTGRES` names a
//! PostgreSQL server (`postgres://user@host:port/db`, a throwaway cluster: `cargo xtask
//! test` starts one), a fresh database on it for each test.
#![allow(dead_code)] // each test file uses a different part of this

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use tempfile::TempDir;
use tower::ServiceExt;

pub const JS: &str = "quanzi-1a2b3c4d5e6f7a8b.js";
pub const WASM: &str = "quanzi-1a2b3c4d5e6f7a8b_bg.wasm";
pub const PRECOMPRESSED: &[u8] = b"precompressed brotli bytes";
pub const CSS: &str = "main-0f1e2d3c4b5a6978.css";
/// The built app's folder, as `dist/app-manifest.json` names it.
pub const APP_FOLDER: &str = "app-0123456789abcdef";

/// The shape of `index.html` after `trunk build`: preload links, an inline module script.
pub const INDEX_HTML: &str = r##"<!doctype html>
<html lang="zh-CN">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
    <meta name="theme-color" content="#e8453c" />
    <meta name="quanzi-api-base" content="/api/v1" />
    <title>圈子 Quanzi</title>
    <link rel="icon" href="/icons/icon.svg" type="image/svg+xml" />
    <link rel="manifest" href="/manifest.webmanifest" />
    <link rel="stylesheet" href="/main-0f1e2d3c4b5a6978.css" integrity="sha384-abc" />
    <link rel="modulepreload" href="/quanzi-1a2b3c4d5e6f7a8b.js" crossorigin="anonymous" integrity="sha384-def" />
    <link rel="preload" href="/quanzi-1a2b3c4d5e6f7a8b_bg.wasm" crossorigin="anonymous" integrity="sha384-ghi" as="fetch" type="application/wasm" />
  </head>
  <body>
    <noscript>圈子需要 JavaScript 才能运行。Quanzi needs JavaScript to run.</noscript>
<script type="module">
import init, * as bindings from '/quanzi-1a2b3c4d5e6f7a8b.js';
const wasm = await init({ module_or_path: '/quanzi-1a2b3c4d5e6f7a8b_bg.wasm' });
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent("TrunkApplicationStarted", {detail: {wasm}}));
</script>
  </body>
</html>
"##;

pub struct TestApp {
    pub router: Router,
    pub dir: TempDir,
    /// The test's own database.
    pub db: TestDb,
}

/// Where a test's server keeps its data.
#[derive(Clone, Debug)]
pub enum TestDb {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

impl TestDb {
    /// A new, empty database for one test: a file in `dir`, or a database of its own on the
    /// PostgreSQL server the environment names.
    pub async fn fresh(dir: &std::path::Path) -> TestDb {
        let Ok(server) = std::env::var("QUANZI_TEST_POSTGRES") else {
            return TestDb::Sqlite(dir.join("data/quanzi.sqlite"));
        };
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        let name = format!(
            "t{started}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        let mut admin = connect(&server).await;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create the test database");
        let mut url = url::Url::parse(&server).expect("QUANZI_TEST_POSTGRES is a URL");
        url.set_path(&name);
        TestDb::Postgres(url.to_string())
    }

    pub fn url(&self) -> String {
        match self {
            TestDb::Sqlite(path) => format!("sqlite://{}", path.display()),
            TestDb::Postgres(url) => url.clone(),
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestDb::Postgres(_))
    }

    /// A connection of the test's own, beside the servers'.
    pub async fn conn(&self) -> sqlx::AnyConnection {
        connect(&self.url()).await
    }

    /// How a server binary is pointed at this database.
    pub fn args(&self) -> Vec<String> {
        match self {
            TestDb::Sqlite(path) => vec!["--db".into(), path.display().to_string()],
            TestDb::Postgres(url) => vec!["--database-url".into(), url.clone()],
        }
    }
}

async fn connect(url: &str) -> sqlx::AnyConnection {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("connecting to {url}: {e}"));
    if url.starts_with("sqlite:") {
        // The server writes meanwhile; wait for its lock rather than fail.
        sqlx::query("PRAGMA busy_timeout = 10000")
            .execute(&mut conn)
            .await
            .expect("busy timeout");
    }
    conn
}

impl TestApp {
    /// A connection of the test's own to its database, beside the server's.
    pub async fn conn(&self) -> sqlx::AnyConnection {
        self.db.conn().await
    }

    /// Runs SQL (setting up what the API cannot, such as an old timestamp).
    pub async fn exec(&self, sql: &str) {
        use sqlx::Executor;
        self.conn()
            .await
            .execute(sqlx::AssertSqlSafe(sql.to_owned()))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// A restart: the server stops, `pause` passes, and a new one starts on the same
    /// database and files.
    pub async fn restart_after(&mut self, pause: std::time::Duration, options: Options) {
        drop(std::mem::replace(&mut self.router, Router::new()));
        tokio::time::sleep(pause).await;
        self.router = start(self.dir.path(), &self.db, options).await;
    }
}

pub struct Options {
    pub with_index: bool,
    pub api_base: Option<String>,
    pub trusted_proxies: Vec<IpAddr>,
    pub sign_ups_per_hour: usize,
    pub public_origin: Option<String>,
    pub embed_origins: Vec<String>,
    pub embed_example: bool,
    pub referral_days: u32,
    pub secure_cookies: bool,
    pub seat_hold_secs: u64,
    pub group_window_secs: Option<u64>,
    pub return_window_secs: Option<u64>,
    pub test_payment_delay_secs: u64,
    pub expiry_sweep: Option<std::time::Duration>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            with_index: true,
            api_base: None,
            trusted_proxies: Vec::new(),
            sign_ups_per_hour: quanzi_server::members::limits::MAX_SIGN_UPS_PER_ADDRESS,
            public_origin: None,
            embed_origins: Vec::new(),
            embed_example: false,
            referral_days: quanzi_server::referral::DEFAULT_REFERRAL_DAYS,
            secure_cookies: false,
            seat_hold_secs: quanzi_server::commerce::context::DEFAULT_SEAT_HOLD_SECS,
            group_window_secs: None,
            return_window_secs: None,
            test_payment_delay_secs: quanzi_server::config::DEFAULT_TEST_PAYMENT_DELAY_SECS,
            expiry_sweep: Some(quanzi_server::commerce::expiry::DEFAULT_SWEEP_EVERY),
        }
    }
}

pub async fn app() -> TestApp {
    app_with(Options::default()).await
}

pub async fn app_with(options: Options) -> TestApp {
    let (dir, db) = unstarted(options.with_index).await;
    let router = start(dir.path(), &db, options).await;
    TestApp { router, dir, db }
}

/// A test's directory (with `dist/`) and a fresh database, before any server starts.
pub async fn unstarted(with_index: bool) -> (TempDir, TestDb) {
    let dir = tempfile::tempdir().expect("temp dir");
    write_dist(&dir.path().join("dist"), with_index);
    let db = TestDb::fresh(dir.path()).await;
    (dir, db)
}

/// Starts a server on the test's directory (`dist/`, uploads) and database: a second
/// server on the same ones is a restart, or a second instance.
pub async fn start(dir: &std::path::Path, db: &TestDb, options: Options) -> Router {
    try_start(dir, db, options).await.expect("app starts")
}

/// [`start`], for a start that may be refused.
pub async fn try_start(
    dir: &std::path::Path,
    db: &TestDb,
    options: Options,
) -> anyhow::Result<Router> {
    quanzi_server::app(&config(dir, db, options)).await
}

/// A server whose payments go through `payments` in place of the test provider. Its
/// background sweep, if `options` asks for one, would use the test provider: tests of a
/// provider of their own run without (`expiry_sweep: None`) and let requests settle.
pub async fn app_with_payments(
    options: Options,
    payments: std::sync::Arc<dyn quanzi_server::commerce::payment::PaymentProvider>,
) -> TestApp {
    assert!(
        options.expiry_sweep.is_none(),
        "no sweep with another provider"
    );
    let (dir, db) = unstarted(options.with_index).await;
    let mut state = quanzi_server::state(&config(dir.path(), &db, options))
        .await
        .expect("state");
    state.commerce.payments = payments;
    TestApp {
        router: quanzi_server::router(state),
        dir,
        db,
    }
}

fn config(dir: &std::path::Path, db: &TestDb, options: Options) -> quanzi_server::Config {
    let (db_path, database_url) = match db {
        TestDb::Sqlite(path) => (path.clone(), None),
        TestDb::Postgres(url) => (dir.join("data/unused.sqlite"), Some(url.clone())),
    };
    quanzi_server::Config {
        database_url,
        // Uploads live beside the database file, or in data/ when there is none.
        data_dir: Some(dir.join("data")),
        api_base: options.api_base,
        trusted_proxies: options.trusted_proxies,
        sign_ups_per_hour: options.sign_ups_per_hour,
        public_origin: options.public_origin,
        embed_origins: options.embed_origins,
        embed_example: options.embed_example,
        referral_days: options.referral_days,
        secure_cookies: options.secure_cookies,
        seat_hold_secs: options.seat_hold_secs,
        group_window_secs: options.group_window_secs,
        return_window_secs: options.return_window_secs,
        test_payment_delay_secs: options.test_payment_delay_secs,
        expiry_sweep: options.expiry_sweep,
        ..quanzi_server::Config::new(db_path, dir.join("dist"))
    }
}

fn write_dist(dist: &std::path::Path, with_index: bool) {
    std::fs::create_dir_all(dist.join("icons")).expect("dist");
    std::fs::create_dir_all(dist.join("img")).expect("dist");
    if with_index {
        std::fs::write(dist.join("index.html"), INDEX_HTML).expect("index");
    }
    let js = "export function hello() { return 'hello from the app'; }\n".repeat(50);
    std::fs::write(dist.join(JS), js).expect("js");
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    wasm.extend(std::iter::repeat_n(0u8, 4096));
    std::fs::write(dist.join(WASM), wasm).expect("wasm");
    // What `cargo xtask` writes beside each first-load file; a marker, so tests can tell
    // the precompressed copy from on-the-fly compression.
    std::fs::write(dist.join(format!("{WASM}.br")), PRECOMPRESSED).expect("wasm.br");
    std::fs::write(dist.join(CSS), "body { margin: 0; }\n".repeat(40)).expect("css");
    // As `cargo xtask build` writes it: the packs that pages preload.
    std::fs::write(
        dist.join("app-manifest.json"),
        format!(
            r#"{{"folder":"{APP_FOLDER}","main":"quanzi_bg.wasm","packs":["product","post","community","group_buy"]}}"#
        ),
    )
    .expect("app manifest");
    std::fs::write(
        dist.join("icons/icon.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>"#,
    )
    .expect("icon");
    std::fs::write(
        dist.join("manifest.webmanifest"),
        r#"{"name":"圈子 Quanzi"}"#,
    )
    .expect("manifest");
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The error code of a JSON error envelope, checking the envelope's shape on the way.
    pub fn error_code(&self) -> String {
        assert!(
            self.header("content-type").starts_with("application/json"),
            "error is not JSON: {:?}",
            self.headers
        );
        let json = self.json();
        assert!(json["error"]["message"].is_string(), "no message: {json}");
        json["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code: {json}"))
            .to_owned()
    }
}

pub async fn send(router: &Router, req: Request<Body>) -> Reply {
    let res = router.clone().oneshot(req).await.expect("infallible");
    let status = res.status();
    let headers = res.headers().clone();
    let body = to_bytes(res.into_body(), 64 * 1024 * 1024)
        .await
        .expect("body");
    Reply {
        status,
        headers,
        body,
    }
}

pub async fn get(router: &Router, uri: &str) -> Reply {
    request(router, Method::GET, uri, &[]).await
}

pub async fn request(
    router: &Router,
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
) -> Reply {
    let mut req = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    send(router, req.body(Body::empty()).expect("request")).await
}

/// GET a JSON resource that must answer 200.
pub async fn get_ok(router: &Router, uri: &str, lang: &str) -> Value {
    let reply = request(router, Method::GET, uri, &[("accept-language", lang)]).await;
    assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text());
    reply.json()
}

/// The demo store as the server embeds it.
pub fn store() -> Value {
    serde_json::from_str(quanzi_server::demo::STORE_JSON).expect("store.json")
}

/// The host tests pretend to be served at, and the Origin a page of it sends.
pub const HOST: &str = "quanzi.test";
pub const ORIGIN: &str = "http://quanzi.test";
pub const DEMO_PASSWORD: &str = "quanzi-demo";

/// A request as a page of this site sends it: Host and Origin set, JSON body if given,
/// the session cookie if given.
pub async fn call(
    router: &Router,
    method: Method,
    uri: &str,
    cookie: Option<&str>,
    body: Option<Value>,
) -> Reply {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", HOST)
        .header("origin", ORIGIN);
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    let body = match body {
        Some(json) => {
            req = req.header("content-type", "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    send(router, req.body(body).expect("request")).await
}

/// Like [`call`], arriving over a TCP connection from `peer` (as the binary's connect info
/// records it) with extra headers, such as `X-Forwarded-For`.
pub async fn call_from(
    router: &Router,
    peer: &str,
    headers: &[(&str, &str)],
    method: Method,
    uri: &str,
    body: Value,
) -> Reply {
    let peer: SocketAddr = SocketAddr::new(peer.parse().expect("peer address"), 50_000);
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", HOST)
        .header("origin", ORIGIN)
        .header("content-type", "application/json")
        .extension(ConnectInfo(peer));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    send(
        router,
        req.body(Body::from(body.to_string())).expect("request"),
    )
    .await
}

/// `name=value` of the session cookie a reply sets.
pub fn session_cookie(reply: &Reply) -> String {
    let set = reply.header("set-cookie");
    let pair = set.split(';').next().unwrap_or("");
    assert!(
        pair.starts_with("quanzi_session=") && pair.len() > "quanzi_session=".len(),
        "no session cookie in {set:?}"
    );
    pair.to_owned()
}

/// Signs up a new member; returns the reply and their cookie.
pub async fn sign_up(router: &Router, name: &str, email: &str) -> (Value, String) {
    let reply = call(
        router,
        Method::POST,
        "/api/v1/account/sign-up",
        None,
        Some(json!({"name": name, "email": email, "password": "correct horse"})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    (reply.json(), session_cookie(&reply))
}

/// Signs a demo member in by id; returns their cookie.
pub async fn sign_in_demo(router: &Router, member_id: i64) -> String {
    let reply = call(
        router,
        Method::POST,
        "/api/v1/account/sign-in",
        None,
        Some(json!({"email": format!("member{member_id}@demo.quanzi"), "password": DEMO_PASSWORD})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    session_cookie(&reply)
}

/// The demo's authors of a community in the order they first posted there: the first is
/// its owner, the second a moderator, the rest members.
pub fn demo_authors(slug: &str) -> Vec<i64> {
    let store = store();
    let mut posts: Vec<(String, i64, i64)> = store["posts"]
        .as_array()
        .expect("posts")
        .iter()
        .filter(|p| p["community"] == slug)
        .map(|p| {
            (
                p["created_at"].as_str().expect("time").to_owned(),
                p["id"].as_i64().expect("id"),
                p["author"].as_i64().expect("author"),
            )
        })
        .collect();
    posts.sort();
    let mut authors = Vec::new();
    for (_, _, author) in posts {
        if !authors.contains(&author) {
            authors.push(author);
        }
    }
    authors
}

/// Every community slug and its demo authors.
pub fn demo_communities() -> HashMap<String, Vec<i64>> {
    store()["communities"]
        .as_array()
        .expect("communities")
        .iter()
        .map(|c| {
            let slug = c["slug"].as_str().expect("slug").to_owned();
            let authors = demo_authors(&slug);
            (slug, authors)
        })
        .collect()
}

/// A multipart/form-data body with one file field; returns (content type, body).
pub fn multipart(
    field: &str,
    file_name: &str,
    content_type: &str,
    bytes: &[u8],
) -> (String, Vec<u8>) {
    let boundary = "quanzi-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\n\
         Content-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// POSTs a file to /uploads as the given member.
pub async fn upload(router: &Router, cookie: &str, file_name: &str, bytes: &[u8]) -> Reply {
    let (content_type, body) = multipart("file", file_name, "image/jpeg", bytes);
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/uploads")
        .header("host", HOST)
        .header("origin", ORIGIN)
        .header("cookie", cookie)
        .header("content-type", content_type)
        .header("content-length", body.len())
        .body(Body::from(body))
        .expect("request");
    send(router, req).await
}

/// A PNG of the given size: a gradient, so it is not trivially compressible.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    picture
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encode png");
    out.into_inner()
}

/// Uploads a small photo and returns its id.
pub async fn upload_photo(router: &Router, cookie: &str) -> i64 {
    let reply = upload(router, cookie, "photo.png", &png(40, 30)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    reply.json()["id"].as_i64().expect("upload id")
}

/// A valid new post in a community.
pub fn new_post(community: &str, title: &str) -> Value {
    json!({
        "community": community,
        "title": title,
        "body": ["第一段", "第二段"],
        "images": [],
        "products": [],
    })
}

/// A row count (or any integer), straight from the database.
pub async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&mut app.conn().await)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Every `Set-Cookie` of a reply.
pub fn set_cookies(reply: &Reply) -> Vec<String> {
    reply
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_owned)
        .collect()
}

/// The `Set-Cookie` of a reply for the cookie `name`, if any.
pub fn set_cookie_named(reply: &Reply, name: &str) -> Option<String> {
    set_cookies(reply)
        .into_iter()
        .find(|c| c.starts_with(&format!("{name}=")))
}

/// A real JPEG of the given size (a gradient, so it has something to crop), written into
/// the test's `dist/` at a URL path such as `/img/products/1-1.jpg`.
pub fn write_dist_jpeg(app: &TestApp, url: &str, width: u32, height: u32) {
    let path = app
        .dir
        .path()
        .join("dist")
        .join(url.trim_start_matches('/'));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("dist image dir");
    }
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x * 255 / width.max(1)) as u8,
            (y * 255 / height.max(1)) as u8,
            90,
        ])
    });
    picture
        .save_with_format(&path, image::ImageFormat::Jpeg)
        .expect("write jpeg");
}

/// A new member with a live session, made straight in the database (an Argon2 sign-up
/// each would make the 50-member race slow for nothing); returns their id and cookie.
pub async fn member(app: &TestApp, name: &str) -> (i64, String) {
    member_in(&app.db, name).await
}

/// [`member`], in a database no server of the test's own process runs on.
pub async fn member_in(db: &TestDb, name: &str) -> (i64, String) {
    let mut conn = db.conn().await;
    let id: i64 = sqlx::query_scalar("INSERT INTO members (name) VALUES ($1) RETURNING id")
        .bind(name)
        .fetch_one(&mut conn)
        .await
        .expect("member");
    quanzi_server::referral::assign_code(&mut conn, id)
        .await
        .expect("code");
    let token = quanzi_server::members::session::create(&mut conn, id)
        .await
        .expect("session");
    (id, format!("quanzi_session={token}"))
}

/// A number, straight from the database (`$1` is `param`).
pub async fn number(app: &TestApp, sql: &str, param: i64) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(param)
        .fetch_one(&mut app.conn().await)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// A text, straight from the database (`$1` is `param`).
pub async fn text(app: &TestApp, sql: &str, param: i64) -> String {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(param)
        .fetch_one(&mut app.conn().await)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

pub async fn stock_of(app: &TestApp, product_id: i64) -> i64 {
    number(app, "SELECT stock FROM products WHERE id = $1", product_id).await
}

/// A fresh Idempotency-Key.
pub fn new_key() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("test-key-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A write as a page of this site sends it, with extra headers (an Idempotency-Key, a
/// language, a referral cookie beside the session).
pub async fn call_with(
    router: &Router,
    method: Method,
    uri: &str,
    cookie: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> Reply {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", HOST);
    // A test's own Origin replaces the site's.
    if !headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("origin"))
    {
        req = req.header("origin", ORIGIN);
    }
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let body = match body {
        Some(json) => {
            req = req.header("content-type", "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    send(router, req.body(body).expect("request")).await
}

/// Delivery to a plausible address.
pub fn delivery() -> Value {
    json!({"kind": "delivery", "name": "小鹿", "phone": "138 0000 0000", "address": "杭州市西湖区文三路 100 号"})
}

/// Pickup at `point_id`, with its contact.
pub fn pickup(point_id: i64) -> Value {
    json!({"kind": "pickup", "point_id": point_id, "name": "小鹿", "phone": "13900001111"})
}

/// `POST /orders` with a key of its own.
pub async fn order_with_key(router: &Router, cookie: &str, key: &str, body: Value) -> Reply {
    call_with(
        router,
        Method::POST,
        "/api/v1/orders",
        Some(cookie),
        &[("idempotency-key", key)],
        Some(body),
    )
    .await
}

/// `POST /orders` with a fresh key.
pub async fn order(router: &Router, cookie: &str, body: Value) -> Reply {
    order_with_key(router, cookie, &new_key(), body).await
}

pub fn solo(lines: &[(i64, u32)]) -> Value {
    let lines: Vec<Value> = lines
        .iter()
        .map(|(product_id, quantity)| json!({"product_id": product_id, "quantity": quantity}))
        .collect();
    json!({"purchase": {"kind": "solo", "lines": lines}, "fulfilment": delivery()})
}

pub fn start_group(product_id: i64) -> Value {
    json!({"purchase": {"kind": "start_group", "product_id": product_id}, "fulfilment": delivery()})
}

pub fn join_group(group_id: i64) -> Value {
    json!({"purchase": {"kind": "join_group", "group_id": group_id}, "fulfilment": pickup(1)})
}

/// `POST /orders/{id}/pay` with a key of its own.
pub async fn pay_with_key(
    router: &Router,
    cookie: &str,
    order_id: i64,
    key: &str,
    outcome: &str,
) -> Reply {
    call_with(
        router,
        Method::POST,
        &format!("/api/v1/orders/{order_id}/pay"),
        Some(cookie),
        &[("idempotency-key", key)],
        Some(json!({"outcome": outcome})),
    )
    .await
}

/// `POST /orders/{id}/pay` with a fresh key.
pub async fn pay(router: &Router, cookie: &str, order_id: i64, outcome: &str) -> Reply {
    pay_with_key(router, cookie, order_id, &new_key(), outcome).await
}

/// Places an order that must be accepted; returns it.
pub async fn placed(router: &Router, cookie: &str, body: Value) -> Value {
    let reply = order(router, cookie, body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    reply.json()
}

/// Pays an order with an approving test payment; returns the order after.
pub async fn paid(router: &Router, cookie: &str, order_id: i64) -> Value {
    let reply = pay(router, cookie, order_id, "approve").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()
}

/// A signed-in GET that must answer 200.
pub async fn get_as(router: &Router, cookie: Option<&str>, uri: &str) -> Value {
    let reply = call(router, Method::GET, uri, cookie, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text());
    reply.json()
}

/// Starts and pays a group of `product_id` as the member; returns the group's id.
pub async fn open_group(router: &Router, cookie: &str, product_id: i64) -> i64 {
    let order = placed(router, cookie, start_group(product_id)).await;
    let order = paid(router, cookie, order["id"].as_i64().expect("id")).await;
    assert_eq!(order["status"], "awaiting_group", "{order}");
    order["group_id"]
        .as_i64()
        .expect("the paid start has a group")
}

/// A copy of product 1 under a new id (the demo store has exactly 30 products, and some
/// limits need a 31st); returns its id.
pub async fn extra_product(app: &TestApp) -> i64 {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO products (community_id, title_zh, title_en, subtitle_zh, subtitle_en,
             currency, solo_price, group_price, group_size, window_hours, stock)
         SELECT community_id, title_zh, title_en, subtitle_zh, subtitle_en, currency,
             solo_price, group_price, group_size, window_hours, stock
         FROM products WHERE id = 1
         RETURNING id",
    )
    .fetch_one(&mut app.conn().await)
    .await
    .expect("extra product");
    sqlx::query(
        "INSERT INTO product_images (product_id, position, url, width, height, alt_zh, alt_en)
         SELECT $1, position, url, width, height, alt_zh, alt_en
         FROM product_images WHERE product_id = 1",
    )
    .bind(id)
    .execute(&mut app.conn().await)
    .await
    .expect("extra product's pictures");
    id
}

/// A member's referral code, straight from the database.
/// A well-formed code nobody has.
pub async fn unknown_code(app: &TestApp) -> String {
    let mut candidate = "ZZZZZZZZ".to_owned();
    let mut n = 0;
    while count(
        app,
        &format!("SELECT count(*) FROM members WHERE referral_code = '{candidate}'"),
    )
    .await
        > 0
    {
        n += 1;
        candidate = format!("ZZZZZZ{n:02}");
    }
    candidate
}

pub async fn code_of(app: &TestApp, member_id: i64) -> String {
    text(
        app,
        "SELECT referral_code FROM members WHERE id = $1",
        member_id,
    )
    .await
}

/// A server binary started with its stdout piped, once it has announced itself: the
/// process and the address of its ready line.
pub fn ready(mut child: std::process::Child) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("ready line");
    let addr = line
        .trim_end()
        .strip_prefix("Quanzi is ready on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    (child, addr)
}
