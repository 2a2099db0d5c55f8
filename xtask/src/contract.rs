//! The contract check: schemathesis (from PyPI, in a venv under `target/`) against the real
//! server, signed in as a demo member, over every operation of the OpenAPI document with
//! every check, a bounded number of examples and a fixed seed (so a failure reproduces).
//! It finds requests the document allows that the server refuses, refusals the document
//! does not declare, and 5xx. Sign-out is left out: it would end the session under test.

use std::path::PathBuf;

use crate::cmd::{self, command, output, root, Result};
use crate::server::{exchange, Profile, TestServer};

pub const SCHEMATHESIS_VERSION: &str = "4.32.5";
/// Examples per operation: enough to walk every constraint, quick on two cores.
const MAX_EXAMPLES: &str = "25";
const SEED: &str = "20261201";
const DEMO_EMAIL: &str = "member1@demo.quanzi";
const DEMO_PASSWORD: &str = "quanzi-demo";

fn venv() -> PathBuf {
    root().join("target/schemathesis-venv")
}

fn st() -> PathBuf {
    venv().join("bin/st")
}

/// Creates the venv and installs the pinned schemathesis, unless it is there already.
pub fn setup() -> Result {
    let st = st();
    let version = output(&st.to_string_lossy(), &["--version"]).unwrap_or_default();
    if version.contains(SCHEMATHESIS_VERSION) {
        println!(
            "ok: schemathesis {SCHEMATHESIS_VERSION} in {}",
            venv().display()
        );
        return Ok(());
    }
    println!("installing: schemathesis {SCHEMATHESIS_VERSION} (pip, in a venv under target/)");
    let venv = venv();
    cmd::run(command("python3", &["-m", "venv", &venv.to_string_lossy()]))?;
    let pip = venv.join("bin/pip");
    cmd::run(command(
        &pip.to_string_lossy(),
        &[
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &format!("schemathesis=={SCHEMATHESIS_VERSION}"),
        ],
    ))
}

/// Signs the demo member in and returns the session cookie's value.
fn sign_in(server: &TestServer) -> Result<String> {
    let body = format!(r#"{{"email":"{DEMO_EMAIL}","password":"{DEMO_PASSWORD}"}}"#);
    let request = format!(
        "POST /api/v1/account/sign-in HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nOrigin: {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        server.port,
        server.base_url,
        body.len()
    );
    let response = exchange(server.port, &request).ok_or("the server did not answer")?;
    response
        .lines()
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.split_once(':'))
        .filter(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
        .find_map(|(_, value)| value.trim().strip_prefix("quanzi_session="))
        .and_then(|value| value.split(';').next())
        .map(str::to_owned)
        .ok_or_else(|| format!("signing in the demo member failed:\n{response}"))
}

pub fn run() -> Result {
    setup()?;
    let server = TestServer::start(Profile::Test)?;
    let session = sign_in(&server)?;
    let config = root().join("xtask/contract/schemathesis.toml");
    let document = format!("{}/api/openapi.json", server.base_url);
    let mut st = command(
        &st().to_string_lossy(),
        &[
            "--config-file",
            &config.to_string_lossy(),
            "run",
            &document,
            "--url",
            &server.base_url,
            "--exclude-path",
            "/api/v1/account/sign-out",
            // An event stream never ends: there is no response to check. The server's own
            // tests read it over a real connection (`notifications.rs`).
            "--exclude-path",
            "/api/v1/events",
            "--max-examples",
            MAX_EXAMPLES,
            "--seed",
            SEED,
            // One worker: CPython 3.11's AST constructor is not safe to run from two
            // threads at once (hypothesis parses sources while it generates), and fails as
            // "AST constructor recursion depth mismatch" now and then.
            "--workers",
            "1",
        ],
    );
    st.current_dir(root().join("target"))
        .env("QUANZI_ORIGIN", &server.base_url)
        .env("QUANZI_SESSION", session)
        // Its own reports stay under target/.
        .env("NO_COLOR", "1");
    cmd::run(st)
}
