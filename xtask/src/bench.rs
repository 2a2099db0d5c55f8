//! `cargo xtask bench`: figures, not assertions. Bundle bytes after brotli, Lighthouse
//! (mobile) on the shareable pages, time from navigation to the first feed card in headless
//! Chromium (on a phone profile also for a plain HTML page of the same posts), static
//! files' and the API's throughput on kept-alive connections, group joins; then the API and
//! group joins on each engine side by side: SQLite, PostgreSQL with one server and with two.

use crate::cmd::{self, command, Result};
use crate::server::{build_server, Profile, TestServer};
use crate::{bundle, postgres, setup};

pub fn run() -> Result {
    setup::run(setup::Need::Everything)?;
    bundle::build_app()?;
    println!("\n== bundle");
    bundle::report()?;
    build_server(Profile::Optimised)?;
    let server = TestServer::start(Profile::Optimised)?;
    println!("\n== browser and API (e2e/bench.mjs)");
    let mut node = command("node", &["bench.mjs"]);
    node.current_dir(cmd::root().join("e2e"))
        .env("BASE_URL", &server.base_url);
    cmd::run(node)?;
    drop(server);
    engines()
}

/// `cargo xtask bench engines`: the engines alone, on a fresh optimised build of the server.
pub fn engines_only() -> Result {
    setup::run(setup::Need::Everything)?;
    build_server(Profile::Optimised)?;
    engines()
}

/// The engines side by side (e2e/engines.mjs), each on a fresh demo store: SQLite with one
/// server, PostgreSQL with one, and PostgreSQL with two sharing one database.
fn engines() -> Result {
    println!("\n== engines (e2e/engines.mjs)");
    let cluster = postgres::Cluster::start()?;
    let sqlite = TestServer::start(Profile::Optimised)?;
    let one_url = cluster.database("bench_one")?;
    let one = TestServer::start_on(Profile::Optimised, Some(&one_url), &[])?;
    let two_url = cluster.database("bench_two")?;
    let two = [
        TestServer::start_on(Profile::Optimised, Some(&two_url), &[])?,
        TestServer::start_on(Profile::Optimised, Some(&two_url), &[])?,
    ];
    let entry = |label: &str, servers: &[&TestServer]| {
        let bases: Vec<String> = servers
            .iter()
            .map(|s| format!("{:?}", s.base_url))
            .collect();
        format!(r#"{{"label":"{label}","bases":[{}]}}"#, bases.join(","))
    };
    let engines = format!(
        "[{},{},{}]",
        entry("SQLite, 1 server", &[&sqlite]),
        entry("PostgreSQL, 1 server", &[&one]),
        entry("PostgreSQL, 2 servers", &[&two[0], &two[1]]),
    );
    let mut node = command("node", &["engines.mjs"]);
    node.current_dir(cmd::root().join("e2e"))
        .env("ENGINES", engines);
    cmd::run(node)
}
