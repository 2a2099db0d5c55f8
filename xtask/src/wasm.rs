//! The app's wasm: compiled by cargo, split at its `#[wasm_split]` points into a main module
//! and chunks fetched on demand, bound by wasm-bindgen, shrunk by wasm-opt, and put in a
//! folder named by the hash of its content (`dist/app-<hash>/`).
//!
//! Trunk builds everything else (html, css, static files); it cannot split a wasm, and the
//! first-load budget needs the split: a first visit loads the feed and the shell, not every
//! page.

use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};

use crate::cmd::{self, command, root, Result};

/// The module the split chunks call back into, as its file is named in the folder.
const MAIN_JS: &str = "quanzi.js";
pub const MAIN_WASM: &str = "quanzi_bg.wasm";
/// What the chunks' loader is called; the main module imports it by this name.
const LOADER_JS: &str = "__wasm_split.js";
/// wasm-opt's flags: size first, and the features every browser we serve has had for years.
const WASM_OPT: &[&str] = &[
    "-Oz",
    "--converge",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-reference-types",
    "--enable-multivalue",
    "--enable-mutable-globals",
];

/// The built app's wasm and js: where they are, for the html that loads them.
pub struct AppModule {
    /// `app-<hash>`, under `dist/`.
    pub folder: String,
}

impl AppModule {
    /// The script that starts the app, and the hints that fetch the main module early.
    pub fn head_tags(&self) -> String {
        let folder = &self.folder;
        format!(
            "<link rel=modulepreload href=/{folder}/{MAIN_JS}>\
             <link rel=preload as=fetch type=application/wasm crossorigin href=/{folder}/{MAIN_WASM}>\
             <script type=module>import init from '/{folder}/{MAIN_JS}';\
             await init({{module_or_path:'/{folder}/{MAIN_WASM}'}});</script>"
        )
    }
}

/// Builds the wasm into `dist/app-<hash>/`.
pub fn build(dist: &Path) -> Result<AppModule> {
    cmd::run(command(
        "cargo",
        &[
            "build",
            "--release",
            "--locked",
            "--package",
            "quanzi",
            "--target",
            "wasm32-unknown-unknown",
        ],
    ))?;
    // Where cargo put it: CARGO_TARGET_DIR when set (a shared cache), else ./target.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    let input = target.join("wasm32-unknown-unknown/release/quanzi.wasm");
    let work = target.join("app-split");
    let out = work.join("out");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;

    let main = work.join("quanzi.wasm");
    let chunks = split(&input, &out, &main)?;
    let mut bindgen = command(
        "wasm-bindgen",
        &["--target", "web", "--keep-lld-exports", "--no-demangle"],
    );
    bindgen.arg("--out-dir").arg(&out).arg(&main);
    cmd::run(bindgen)?;
    for wasm in chunks.iter().chain([&out.join(MAIN_WASM)]) {
        let mut opt = command("wasm-opt", WASM_OPT);
        opt.arg(wasm).arg("-o").arg(wasm);
        cmd::run(opt)?;
    }

    let folder = format!("app-{:016x}", content_hash(&out)?);
    let dest = dist.join(&folder);
    let _ = std::fs::remove_dir_all(&dest);
    std::fs::rename(&out, &dest)
        .or_else(|_| copy_dir(&out, &dest))
        .map_err(|e| format!("cannot move {} to {}: {e}", out.display(), dest.display()))?;
    Ok(AppModule { folder })
}

/// Splits `input` at its split points: `main` for wasm-bindgen, the chunks and their loader
/// into `out`. Returns the chunks.
fn split(input: &Path, out: &Path, main: &Path) -> Result<Vec<PathBuf>> {
    let wasm = std::fs::read(input).map_err(|e| format!("cannot read {}: {e}", input.display()))?;
    let mut opts = wasm_split_cli_support::Options::new(&wasm);
    opts.output_dir = out;
    opts.main_out_path = main;
    let main_module = format!("./{MAIN_JS}");
    let link_name = format!("./{LOADER_JS}");
    opts.main_module = &main_module;
    opts.link_name = &link_name;
    let split = wasm_split_cli_support::transform(opts)
        .map_err(|e| format!("cannot split {}: {e:#}", input.display()))?;
    println!(
        "split the wasm into the main module and {} chunks",
        split.split_modules.len()
    );
    Ok(split.split_modules)
}

/// A hash of every file's name and bytes, in name order: the folder's name changes exactly
/// when its content does, so it may be cached forever.
fn content_hash(dir: &Path) -> Result<u64> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    names.sort();
    let mut hasher = DefaultHasher::new();
    for path in names {
        let bytes =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        hasher.write(
            path.file_name()
                .map(|n| n.as_encoded_bytes())
                .unwrap_or_default(),
        );
        hasher.write(&bytes);
    }
    Ok(hasher.finish())
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        std::fs::copy(entry.path(), to.join(entry.file_name()))?;
    }
    Ok(())
}
