//! Installs what is missing, and only that: every step first checks what is there, so a
//! second run costs seconds. Tools come from the registries this project may use (rustup,
//! crates.io, npm, Debian); nothing downloads a browser or a prebuilt binary of its own.

use std::path::Path;

use crate::cmd::{self, command, output, root, Result};
use crate::postgres;

pub const TRUNK_VERSION: &str = "0.21.14";
pub const WASM_OPT_VERSION: &str = "version 132";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Chinese glyphs, so screenshots and real users' pages do not show empty boxes, and the
/// face the server sets its share posters in (`server/src/site/poster.rs`).
const CJK_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Build and serve the app.
    Serve,
    /// Also the browser and its test runner.
    Everything,
}

pub fn run(need: Need) -> Result {
    println!("== setup: checking tools");
    wasm_target()?;
    cmd::run(command("cargo", &["fetch", "--locked"]))?;
    trunk()?;
    wasm_bindgen()?;
    npm_packages()?;
    // The server draws posters with it: not only the tests need it. Without root, a note
    // (the server then answers posters with 503 and says why).
    if let Err(message) = cjk_font() {
        match need {
            Need::Serve => println!("note: {message} (share posters need it)"),
            Need::Everything => return Err(message),
        }
    }
    for test_tool in [chromium, postgresql] {
        match (need, test_tool()) {
            (_, Ok(())) => {}
            (Need::Serve, Err(message)) => println!("note: {message} (only the tests need it)"),
            (Need::Everything, Err(message)) => return Err(message),
        }
    }
    println!("== setup: all tools present");
    Ok(())
}

fn wasm_target() -> Result {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        println!("ok: rust target {WASM_TARGET}");
        return Ok(());
    }
    println!("installing: rust target {WASM_TARGET}");
    cmd::run(command("rustup", &["target", "add", WASM_TARGET]))
}

fn trunk() -> Result {
    let version = output("trunk", &["--version"]).unwrap_or_default();
    if version.split_whitespace().any(|word| word == TRUNK_VERSION) {
        println!("ok: trunk {TRUNK_VERSION}");
        return Ok(());
    }
    // 0.22 needs a newer rustc than this machine has; the build takes ~13 min on 2 cores.
    println!("installing: trunk {TRUNK_VERSION} (once; about 13 minutes on 2 cores)");
    cmd::run(command(
        "cargo",
        &["install", "--locked", &format!("trunk@{TRUNK_VERSION}")],
    ))
}

/// The wasm-bindgen version the app links, read from Cargo.lock.
pub fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    version_in_lock(&lock, "wasm-bindgen").ok_or_else(|| "wasm-bindgen is not in Cargo.lock".into())
}

pub fn version_in_lock(lock: &str, package: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{package}\"") {
            let version = lines.next()?.trim().strip_prefix("version = \"")?;
            return Some(version.trim_end_matches('"').to_owned());
        }
    }
    None
}

fn wasm_bindgen() -> Result {
    let locked = locked_wasm_bindgen()?;
    let version = output("wasm-bindgen", &["--version"]).unwrap_or_default();
    if version.split_whitespace().any(|word| word == locked) {
        println!("ok: wasm-bindgen {locked}");
        return Ok(());
    }
    // Without --locked: the CLI's own lock file may name crates this registry lacks.
    println!("installing: wasm-bindgen-cli {locked} (once; about 6 minutes on 2 cores)");
    cmd::run(command(
        "cargo",
        &["install", "wasm-bindgen-cli", "--version", &locked],
    ))
}

/// The file that records which package.json and lock node_modules was installed from: a
/// changed version or override reinstalls, an unchanged one skips npm.
const NPM_STAMP: &str = "node_modules/.quanzi-installed-from";

fn npm_packages() -> Result {
    let e2e = root().join("e2e");
    let read = |name: &str| {
        std::fs::read_to_string(e2e.join(name)).map_err(|e| format!("cannot read e2e/{name}: {e}"))
    };
    let wanted = read("package.json")? + &read("package-lock.json")?;
    let wasm_opt = output("wasm-opt", &["--version"]).unwrap_or_default();
    let installed = std::fs::read_to_string(e2e.join(NPM_STAMP)).is_ok_and(|s| s == wanted);
    if installed && wasm_opt.contains(WASM_OPT_VERSION) {
        println!("ok: wasm-opt ({WASM_OPT_VERSION}) and the e2e packages in e2e/node_modules");
        return Ok(());
    }
    println!("installing: e2e npm packages (binaryen for wasm-opt, @playwright/test, …)");
    let mut npm = command("npm", &["ci", "--no-audit", "--no-fund"]);
    // The tests drive Debian's Chromium; never let Playwright fetch a browser.
    npm.current_dir(&e2e)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    cmd::run(npm)?;
    std::fs::write(e2e.join(NPM_STAMP), wanted)
        .map_err(|e| format!("cannot write e2e/{NPM_STAMP}: {e}"))
}

fn cjk_font() -> Result {
    if Path::new(CJK_FONT).exists() {
        println!("ok: Debian fonts-noto-cjk");
        return Ok(());
    }
    apt_install(&["fonts-noto-cjk"])
}

fn chromium() -> Result {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        println!("ok: Debian chromium, chromium-driver");
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver"])
}

/// PostgreSQL 15 for the server tests on the second engine (see `postgres.rs`).
fn postgresql() -> Result {
    if Path::new(postgres::BIN_DIR).join("initdb").exists() {
        println!("ok: Debian postgresql-15");
        return Ok(());
    }
    apt_install(&["postgresql-15"])
}

/// Installs Debian packages with apt; only root can, so anyone else is told the command.
fn apt_install(packages: &[&str]) -> Result {
    let list = packages.join(" ");
    if !cmd::is_root() || output("apt-get", &["--version"]).is_none() {
        return Err(format!(
            "missing Debian packages: install them as root with `apt-get install -y {list}`"
        ));
    }
    println!("installing: {list} (apt)");
    cmd::run(command("apt-get", &["update"]))?;
    let mut install = command("apt-get", &["install", "-y"]);
    install
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive");
    cmd::run(install)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_package_version_in_a_lock_file() {
        let lock = "[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"9\"\n\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(
            version_in_lock(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(version_in_lock(lock, "trunk"), None);
    }
}
