//! The binary: one ready line on stdout, serves on the printed address, stops cleanly on
//! SIGTERM; its options.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn http_get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}

#[cfg(unix)]
#[test]
fn the_binary_announces_itself_serves_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("deep/dir/quanzi.sqlite");
    let mut child = Command::new(env!("CARGO_BIN_EXE_quanzi-server"))
        .args(["--addr", "127.0.0.1", "--port", "0", "--db"])
        .arg(&db)
        .arg("--dist")
        .arg(dir.path().join("no-dist"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("ready line");
    let addr = line
        .trim_end()
        .strip_prefix("Quanzi is ready on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    assert!(db.exists(), "the database and its directory are created");

    let health = http_get(&addr, "/api/v1/health");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.ends_with(r#"{"status":"ok"}"#), "{health}");
    let feed = http_get(&addr, "/api/v1/feed?limit=1");
    assert!(feed.contains("\"next_cursor\""), "{feed}");
    let app = http_get(&addr, "/");
    assert!(app.starts_with("HTTP/1.1 503"), "{app}");

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let exit = loop {
        if let Some(exit) = child.try_wait().expect("wait") {
            break exit;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "exit status {exit}");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).expect("rest of stdout");
    assert_eq!(rest, "", "stdout has exactly one line");
}

#[test]
fn help_lists_the_options() {
    let out = Command::new(env!("CARGO_BIN_EXE_quanzi-server"))
        .arg("--help")
        .output()
        .expect("run --help");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for option in [
        "--addr",
        "--port",
        "--db",
        "--dist",
        "--api-base",
        "--data-dir",
        "--secure-cookies",
        "--trusted-proxy",
        "--public-origin",
        "--embed-origin",
        "--referral-days",
    ] {
        assert!(help.contains(option), "{option} missing from --help");
    }
}

#[test]
fn a_trusted_proxy_must_be_an_ip_address() {
    let dir = tempfile::tempdir().expect("dir");
    let out = Command::new(env!("CARGO_BIN_EXE_quanzi-server"))
        .args(["--port", "0", "--trusted-proxy", "proxy.example", "--db"])
        .arg(dir.path().join("q.sqlite"))
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--trusted-proxy"), "{err}");
    assert!(
        !dir.path().join("q.sqlite").exists(),
        "refused before starting"
    );
}

#[test]
fn a_database_that_cannot_be_reached_stops_the_start_with_a_clear_error() {
    let dir = tempfile::tempdir().expect("dir");
    // Nothing listens on port 1; the password must not reach the log.
    let out = Command::new(env!("CARGO_BIN_EXE_quanzi-server"))
        .args(["--port", "0", "--dist"])
        .arg(dir.path())
        .env(
            "QUANZI_DATABASE_URL",
            "postgres://quanzi:s3cret@127.0.0.1:1/store",
        )
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot reach the database at postgres://quanzi:***@127.0.0.1:1/store"),
        "{err}"
    );
    assert!(!err.contains("s3cret"), "{err}");

    // Another kind of URL, or both engines at once, are refused before anything opens.
    for args in [
        vec!["--database-url", "mysql://db.example/store"],
        vec![
            "--database-url",
            "postgres://db.example/store",
            "--db",
            "q.sqlite",
        ],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_quanzi-server"))
            .args(["--port", "0"])
            .args(&args)
            .current_dir(dir.path())
            .output()
            .expect("run");
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("postgres://") || err.contains("--db"), "{err}");
    }
    assert!(
        !dir.path().join("q.sqlite").exists(),
        "refused before starting"
    );
}

/// Starts the binary with a built-looking dist/ and extra arguments; returns it and the
/// address it announced.
fn start_with_app(dir: &std::path::Path, args: &[&str]) -> (std::process::Child, String) {
    let dist = dir.join("dist");
    std::fs::create_dir_all(&dist).expect("dist");
    std::fs::write(dist.join("index.html"), common::INDEX_HTML).expect("index");
    let child = Command::new(env!("CARGO_BIN_EXE_quanzi-server"))
        .args(["--addr", "127.0.0.1", "--port", "0", "--db"])
        .arg(dir.join("q.sqlite"))
        .arg("--dist")
        .arg(&dist)
        .args(args)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    common::ready(child)
}

fn stop(mut child: std::process::Child) {
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn the_public_origin_is_given_or_derived_from_the_address() {
    let dir = tempfile::tempdir().expect("dir");
    let (child, addr) = start_with_app(dir.path(), &[]);
    let page = http_get(&addr, "/");
    stop(child);
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(
        page.contains(&format!(
            r#"<meta name="quanzi-public-origin" content="http://{addr}" />"#
        )),
        "{page}"
    );

    let (child, addr) = start_with_app(
        dir.path(),
        &[
            "--public-origin",
            "HTTPS://Shop.Example/",
            "--referral-days",
            "7",
        ],
    );
    let page = http_get(&addr, "/p/1");
    let landing = {
        let url = format!("sqlite://{}", dir.path().join("q.sqlite").display());
        let code: String = tokio::runtime::Runtime::new()
            .expect("runtime")
            .block_on(async {
                use sqlx::Connection;
                let mut conn = sqlx::SqliteConnection::connect(&url).await?;
                sqlx::query_scalar("SELECT referral_code FROM members WHERE id = 1")
                    .fetch_one(&mut conn)
                    .await
            })
            .expect("a demo member's code");
        http_get(&addr, &format!("/?ref={code}"))
    };
    stop(child);
    assert!(
        page.contains(r#"<meta name="quanzi-public-origin" content="https://shop.example" />"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<meta property="og:url" content="https://shop.example/p/1" />"#),
        "{page}"
    );
    assert!(
        !page.contains(&addr),
        "no URL is built from the Host header"
    );
    assert!(landing.contains("Max-Age=604800"), "{landing}");
}

#[test]
fn embed_origins_may_frame_the_shell() {
    let dir = tempfile::tempdir().expect("dir");
    let (child, addr) = start_with_app(
        dir.path(),
        &[
            "--embed-origin",
            "http://127.0.0.1:9000",
            "--embed-origin",
            "HTTPS://Host.Example",
        ],
    );
    let page = http_get(&addr, "/");
    stop(child);
    assert!(
        page.contains("frame-ancestors 'self' http://127.0.0.1:9000 https://host.example\r\n"),
        "{page}"
    );
    assert!(
        page.contains(
            r#"<meta name="quanzi-embed-origins" content="http://127.0.0.1:9000 https://host.example" />"#
        ),
        "{page}"
    );
}

#[test]
fn a_bad_public_origin_or_referral_window_is_refused_before_starting() {
    for (option, value) in [
        ("--public-origin", "ftp://shop.example"),
        ("--public-origin", "https://shop.example/store"),
        ("--public-origin", "shop.example"),
        ("--embed-origin", "*"),
        ("--embed-origin", "null"),
        ("--embed-origin", "https://host.example/app"),
        ("--referral-days", "0"),
        ("--referral-days", "401"),
        ("--referral-days", "thirty"),
    ] {
        let dir = tempfile::tempdir().expect("dir");
        let out = Command::new(env!("CARGO_BIN_EXE_quanzi-server"))
            .args(["--port", "0", option, value, "--db"])
            .arg(dir.path().join("q.sqlite"))
            .output()
            .expect("run");
        assert!(!out.status.success(), "{option} {value}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(option), "{option} {value}: {err}");
        assert!(
            !dir.path().join("q.sqlite").exists(),
            "{option} {value}: refused before starting"
        );
    }
}
