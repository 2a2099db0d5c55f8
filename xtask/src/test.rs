//! `cargo xtask test`: everything CI checks, in order, each step reported, ending with one
//! summary line. Exits non-zero on any failure.

use std::time::Instant;

use crate::cmd::{self, command, run_counting, Counts, Result};
use crate::server::{build_server, free_port, Profile, TestServer};
use crate::{bundle, contract, postgres, setup};

struct Step {
    name: &'static str,
    result: Result,
    seconds: f64,
}

pub fn run() -> Result {
    let started = Instant::now();
    let mut steps: Vec<Step> = Vec::new();
    let mut counts = Counts::default();
    let mut step = |name: &'static str, f: &mut dyn FnMut(&mut Counts) -> Result| {
        println!("\n== {name}");
        let begun = Instant::now();
        let result = f(&mut counts);
        if let Err(message) = &result {
            println!("FAILED: {name}: {message}");
        }
        steps.push(Step {
            name,
            result,
            seconds: begun.elapsed().as_secs_f64(),
        });
    };

    step("setup", &mut |_| setup::run(setup::Need::Everything));
    step("fmt", &mut |_| {
        cmd::run(command("cargo", &["fmt", "--all", "--check"]))
    });
    step("clippy", &mut |_| {
        cmd::run(command(
            "cargo",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
        ))
    });
    step("unit and server tests", &mut |counts| {
        let (result, found) = run_counting(command("cargo", &["test", "--workspace", "--locked"]));
        *counts += found;
        result
    });
    step("server tests on PostgreSQL", &mut |counts| {
        // The same server tests again, each on a database of its own in a throwaway
        // PostgreSQL 15 cluster, stopped and removed after.
        let cluster = postgres::Cluster::start()?;
        let mut tests = command(
            "cargo",
            &["test", "--locked", "-p", "quanzi-server", "--test", "api"],
        );
        tests.env("QUANZI_TEST_POSTGRES", cluster.url());
        let (result, found) = run_counting(tests);
        *counts += found;
        result
    });
    step("server build", &mut |_| build_server(Profile::Test));
    step("OpenAPI contract", &mut |counts| {
        // One check of the whole document: schemathesis prints its own cases.
        let result = contract::run();
        *counts += Counts::one(result.is_ok());
        result
    });
    step("app release build", &mut |_| bundle::build_app().map(drop));
    step("first-load budget", &mut |_| bundle::check_budget());
    step("browser journeys", &mut |counts| {
        // The embedding journeys serve a host page on this port: the one origin allowed
        // to frame the store besides itself.
        let host_port = free_port()?.to_string();
        let host_origin = format!("http://127.0.0.1:{host_port}");
        // The same host page under `localhost` is another site: the journeys of a
        // cross-site frame.
        let cross_site = format!("http://localhost:{host_port}");
        let server = TestServer::start_with(
            Profile::Test,
            &[
                "--embed-origin",
                &host_origin,
                "--embed-origin",
                &cross_site,
            ],
        )?;
        // Group-buys and holds that end in seconds, for the journeys of a group that fails
        // and of an order not paid in time; commissions that settle in seconds, for the
        // journey of a sharer's earnings. 15 s: a loaded CI machine still pays within the hold
        // and sees a fresh group's countdown before its window ends.
        let short = TestServer::start_with(
            Profile::Test,
            &[
                "--group-window-secs",
                "15",
                "--seat-hold-secs",
                "15",
                "--return-window-secs",
                "3",
            ],
        )?;
        let mut playwright = command("npx", &["playwright", "test"]);
        playwright
            .current_dir(cmd::root().join("e2e"))
            .env("BASE_URL", &server.base_url)
            .env("SHORT_WINDOW_URL", &short.base_url)
            .env("EMBED_HOST_PORT", &host_port);
        let (result, found) = run_counting(playwright);
        *counts += found;
        drop(server);
        drop(short);
        result
    });

    println!("\n== summary");
    for s in &steps {
        let mark = if s.result.is_ok() { "ok  " } else { "FAIL" };
        println!("{mark} {:<24} {:>6.1} s", s.name, s.seconds);
    }
    let failed_steps = steps.iter().filter(|s| s.result.is_err()).count();
    println!(
        "steps: {} ok, {failed_steps} failed in {:.0} s",
        steps.len() - failed_steps,
        started.elapsed().as_secs_f64()
    );
    // The one closing line CI reads: tests counted across cargo and Playwright.
    println!("tests: {} passed, {} failed", counts.passed, counts.failed);
    if failed_steps > 0 {
        Err(format!("{failed_steps} step(s) failed"))
    } else {
        Ok(())
    }
}
