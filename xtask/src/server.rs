//! Building and running the reference server: for people (`serve`) and for tests (a
//! throwaway server on a free port with a fresh SQLite file).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use crate::cmd::{self, command, root, Result};
use crate::{bundle, setup};

/// How the server is compiled: optimised for people and benchmarks; the test build reuses
/// what `cargo test` already compiled, which saves minutes on a fresh CI machine.
#[derive(Clone, Copy)]
pub enum Profile {
    Optimised,
    Test,
}

impl Profile {
    fn binary(self) -> PathBuf {
        match self {
            Profile::Optimised => root().join("target/server/quanzi-server"),
            Profile::Test => root().join("target/debug/quanzi-server"),
        }
    }
}

pub fn build_server(profile: Profile) -> Result {
    println!("== building the server");
    let args: &[&str] = match profile {
        Profile::Optimised => &["build", "--profile", "server", "--package", "quanzi-server"],
        Profile::Test => &["build", "--package", "quanzi-server"],
    };
    cmd::run(command("cargo", args))
}

/// `cargo xtask serve`: set up, build what changed, and run the server in the foreground;
/// says what it rebuilt and reused and how long until the store answered.
pub fn serve(args: &[String]) -> Result {
    let started = Instant::now();
    setup::run(setup::Need::Serve)?;
    let app = bundle::build_app()?;
    let binary = Profile::Optimised.binary();
    let modified = || std::fs::metadata(&binary).and_then(|m| m.modified()).ok();
    let before = modified();
    build_server(Profile::Optimised)?;
    let server_done = if before.is_some() && before == modified() {
        "reused: server"
    } else {
        "rebuilt: server"
    };
    let mut server = Command::new(&binary);
    // A developer's server: the host example page is at /dev/embed-host/.
    if !args.iter().any(|a| a == "--embed-example") {
        server.arg("--embed-example");
    }
    server.args(args).current_dir(root());
    let mut child = server
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let port = args
        .iter()
        .position(|a| a == "--port")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(8080);
    let summary = format!("{app}; {server_done}");
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(120);
        while Instant::now() < deadline {
            if health_ok(port) {
                let took = started.elapsed().as_secs_f64();
                println!("xtask: ready in {took:.1} s ({summary})");
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let status = child
        .wait()
        .map_err(|e| format!("the server stopped: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the server stopped ({status})"))
    }
}

/// A server for tests and benchmarks, stopped (and its files removed) on drop.
pub struct TestServer {
    child: Child,
    dir: PathBuf,
    pub port: u16,
    pub base_url: String,
}

impl TestServer {
    pub fn start(profile: Profile) -> Result<TestServer> {
        TestServer::start_with(profile, &[])
    }

    /// A server with extra options (the journeys' short-window server), on a SQLite file
    /// of its own.
    pub fn start_with(profile: Profile, options: &[&str]) -> Result<TestServer> {
        TestServer::start_on(profile, None, options)
    }

    /// A server on the PostgreSQL database at `database_url`, or (`None`) on a SQLite file of
    /// its own; its photos in a folder of its own either way.
    pub fn start_on(
        profile: Profile,
        database_url: Option<&str>,
        options: &[&str],
    ) -> Result<TestServer> {
        let port = free_port()?;
        let dir = std::env::temp_dir().join(format!("quanzi-xtask-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let database = match database_url {
            Some(url) => vec!["--database-url".to_owned(), url.to_owned()],
            None => vec!["--db".to_owned(), path_text(&dir.join("quanzi.sqlite"))?],
        };
        let child = Command::new(profile.binary())
            .current_dir(root())
            .args(["--port", &port.to_string()])
            .args(&database)
            .arg("--data-dir")
            .arg(&dir)
            // Every journey signs up its own members, all from 127.0.0.1.
            .args(["--sign-ups-per-hour", "100000"])
            .args(options)
            .env("RUST_LOG", "warn")
            .spawn()
            .map_err(|e| format!("cannot start the server: {e} (was it built?)"))?;
        let server = TestServer {
            child,
            dir,
            port,
            base_url: format!("http://127.0.0.1:{port}"),
        };
        server.wait_ready(port)?;
        Ok(server)
    }

    fn wait_ready(&self, port: u16) -> Result {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if health_ok(port) {
                println!("server ready on {}", self.base_url);
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err("the server did not become ready within 60 s".into())
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn path_text(path: &std::path::Path) -> Result<String> {
    path.to_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{} is not UTF-8", path.display()))
}

pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// One bare HTTP/1.1 exchange on loopback (`Connection: close`): the whole response, or
/// `None` when the server is not there. No client library for a handful of requests.
pub fn exchange(port: u16, request: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    // A timeout after some bytes still leaves what came.
    let _ = stream.read_to_string(&mut response);
    Some(response)
}

fn health_ok(port: u16) -> bool {
    let request = "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    exchange(port, request).is_some_and(|response| response.starts_with("HTTP/1.1 200"))
}
