//! `cargo xtask setup | serve | test | bench`: the project's own tasks, so a fresh machine
//! needs nothing but the repository and these two commands from the README.

mod bench;
mod bundle;
mod cache;
mod cmd;
mod contract;
mod postgres;
#[cfg(test)]
mod rooms;
mod server;
mod setup;
mod test;
mod wasm;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

  setup               install what is missing (wasm target, trunk, wasm-bindgen, wasm-opt,
                      Chromium, PostgreSQL 15, the e2e npm packages); skips what is there
  serve [SERVER-ARGS] build the app and start the reference server on http://127.0.0.1:8080
                      (e.g. --port 9000 --db data/other.sqlite --api-base URL)
  test                everything CI checks: fmt, clippy, unit and server tests (the server's
                      on SQLite and on PostgreSQL), the OpenAPI contract (schemathesis), the
                      release build, the size budget, and the browser journeys in headless
                      Chromium
  contract            schemathesis against a fresh server: every operation, every check
  build               the app's release build (with its .br copies), then the budget
  budget              the first-load bytes of the last build, checked against the budget
  bench               bundle bytes after brotli, Lighthouse on the shareable pages, time to
                      first feed card (and against plain HTML), static and API throughput,
                      then the engines side by side (SQLite; PostgreSQL with 1 and 2 servers)
  bench engines       only the engines side by side";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run(setup::Need::Everything),
        Some("serve") => server::serve(&args[1..]),
        Some("test") => test::run(),
        Some("bench") => match args.get(1).map(String::as_str) {
            None => bench::run(),
            Some("engines") => bench::engines_only(),
            Some(other) => Err(format!(
                "unknown bench {other:?}; try `bench` or `bench engines`"
            )),
        },
        Some("contract") => {
            server::build_server(server::Profile::Test).and_then(|()| contract::run())
        }
        Some("build") => bundle::build_app().and_then(|_| bundle::check_budget()),
        Some("budget") => bundle::check_budget(),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown or missing command\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
