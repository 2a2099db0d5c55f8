//! `cargo xtask bench`: figures, not assertions. Bundle bytes after brotli, Lighthouse
//! (mobile) on the shareable pages, time from navigation to the first feed card in headless
//! Chromium (on a phone profile also for a plain HTML page of the same posts), static
//! files' and the API's throughput on kept-alive connections, group joins.

use crate::cmd::{self, command, Result};
use crate::server::{build_server, Profile, TestServer};
use crate::{bundle, setup};

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
    cmd::run(node)
}
