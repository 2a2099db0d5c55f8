//! The app's wasm: compiled by cargo, split at its `#[wasm_split]` points into a main module
//! and modules fetched on demand, bound by wasm-bindgen, shrunk by wasm-opt, packed one file
//! per split point, and put in a folder named by the hash of its content (`dist/app-<hash>/`).
//! All of that only when the cargo-built wasm, a tool or this code changed (see `cache`).
//!
//! Trunk builds everything else (html, css, static files); it cannot split a wasm, and the
//! first-load budget needs the split: a first visit loads the feed and the shell, not every
//! page.
//!
//! `wasm_split` puts the code that several split points share into one module per set of
//! sharers: 89 small modules, of which the product page fetched 41, six at a time over
//! HTTP/1.1, each a round trip on a phone. So each split point's modules (the shared ones it
//! needs, then its own) are concatenated into one `<split>.pack`, and our loader replaces
//! wasm_split's: one request per page, each module instantiated once, whichever pack brought
//! it. Packing rather than merging the modules: a shared module instantiated twice would
//! write its data segments over memory a running page already uses.

use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};

use crate::bundle;
use crate::cache::{self, Key, Outcome};
use crate::cmd::{self, command, Result};

/// The module the split chunks call back into, as its file is named in the folder.
pub const MAIN_JS: &str = "quanzi.js";
pub const MAIN_WASM: &str = "quanzi_bg.wasm";
/// What the chunks' loader is called; the main module imports it by this name.
pub const LOADER_JS: &str = "__wasm_split.js";
/// A split point's modules in one file: `product.pack`.
pub const PACK_EXTENSION: &str = "pack";
/// What the server reads to preload a page's pack: the folder and the packs it has.
pub const MANIFEST: &str = "app-manifest.json";
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

/// Builds the wasm with cargo, then splits, binds, shrinks, packs and compresses it into
/// `target/app-cache/wasm/app-<hash>/` (with the manifest beside it), unless that holds the
/// result for this very wasm, these tools and this code already. Returns the folder's name,
/// the cache entry that holds it, and what was done.
pub fn build() -> Result<(String, PathBuf, Outcome)> {
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
    let target = cmd::target_dir();
    let input = target.join("wasm32-unknown-unknown/release/quanzi.wasm");
    let wasm =
        std::fs::read(&input).map_err(|e| format!("cannot read {}: {e}", input.display()))?;
    let mut key = Key::new("wasm");
    key.add(&wasm)
        .add(cmd::output("wasm-bindgen", &["--version"]).unwrap_or_default())
        .add(cmd::output("wasm-opt", &["--version"]).unwrap_or_default())
        .add(WASM_OPT.join(" "))
        // The code that splits, packs and compresses: a change to it is a change of output.
        .add(include_str!("wasm.rs"))
        .add(format!("brotli {:?}", bundle::BROTLI));
    for route in quanzi_api::Route::one_of_each() {
        key.add(route.pack().unwrap_or_default());
    }
    let (dir, outcome) = cache::step(&cache::dir().join("wasm"), &key, |dir| {
        make(&input, &target.join("app-split"), dir)
    })?;
    let folder = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .find(|name| name.starts_with("app-"))
        .ok_or_else(|| format!("{} has no app-<hash> folder", dir.display()))?;
    Ok((folder, dir, outcome))
}

/// The steps themselves, in `work`, with the result moved to `dest/app-<hash>/`.
fn make(input: &Path, work: &Path, dest: &Path) -> Result {
    let out = work.join("out");
    let _ = std::fs::remove_dir_all(work);
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;

    let main = work.join("quanzi.wasm");
    let (chunks, packs) = split(input, &out, &main)?;
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
    let packed = pack(&out, &packs)?;

    let folder = format!("app-{:016x}", content_hash(&out)?);
    let app = dest.join(&folder);
    std::fs::rename(&out, &app)
        .or_else(|_| copy_dir(&out, &app))
        .map_err(|e| format!("cannot move {} to {}: {e}", out.display(), app.display()))?;
    write_manifest(dest, &folder, &packed)?;
    bundle::precompress(&app)
}

/// Each split point's modules by file stem, in loading order (shared ones first, its own
/// last); a split point whose code all lives elsewhere has none.
type Packs = std::collections::HashMap<String, Vec<String>>;

/// Splits `input` at its split points: `main` for wasm-bindgen, the modules and their
/// loader into `out`. Returns the modules and which split point needs which.
fn split(input: &Path, out: &Path, main: &Path) -> Result<(Vec<PathBuf>, Packs)> {
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
        "split the wasm into the main module and {} modules",
        split.split_modules.len()
    );
    Ok((split.split_modules, split.prefetch_map))
}

/// Writes each split point's modules into `<split>.pack` and the loader that reads them
/// over wasm_split's; removes the single modules. Returns the split points that have a pack.
fn pack(out: &Path, packs: &Packs) -> Result<Vec<String>> {
    let loader_path = out.join(LOADER_JS);
    let generated = std::fs::read_to_string(&loader_path)
        .map_err(|e| format!("cannot read {}: {e}", loader_path.display()))?;
    let loader = Loader::read(&generated)?;
    // The server preloads each page's pack by the name the URL table gives it.
    for route in quanzi_api::Route::one_of_each() {
        if let Some(pack) = route.pack() {
            if !loader.splits.iter().any(|s| s == pack) {
                return Err(format!(
                    "Route::pack names `{pack}` for {}, but the app has no such split point",
                    route.path()
                ));
            }
        }
    }
    let mut names: Vec<&String> = packs.keys().collect();
    names.sort();
    let mut table = String::new();
    for split in &names {
        let mut bytes = Vec::new();
        let mut parts = Vec::new();
        for stem in &packs[*split] {
            let path = out.join(format!("{stem}.wasm"));
            let module =
                std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            parts.push(format!("[\"{stem}\",{}]", module.len()));
            bytes.extend_from_slice(&module);
        }
        let path = out.join(format!("{split}.{PACK_EXTENSION}"));
        std::fs::write(&path, bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        table.push_str(&format!("{split}:[{}],", parts.join(",")));
    }
    for stem in packs.values().flatten() {
        // A shared module is in several packs: gone already after the first.
        let _ = std::fs::remove_file(out.join(format!("{stem}.wasm")));
    }
    std::fs::write(&loader_path, loader.write(&table))
        .map_err(|e| format!("cannot write {}: {e}", loader_path.display()))?;
    for split in &loader.splits {
        let packed = packs.contains_key(split);
        println!(
            "  {split}: {}",
            if packed {
                "one pack"
            } else {
                "no code of its own"
            }
        );
    }
    Ok(names.into_iter().cloned().collect())
}

/// What our loader takes from the one wasm_split wrote: the main module's exports that the
/// split modules import, and the split points the main module calls a loader for.
struct Loader {
    shared: String,
    splits: Vec<String>,
}

impl Loader {
    fn read(generated: &str) -> Result<Loader> {
        const SHARED_START: &str = "const { ";
        const SHARED_END: &str = " } = initSync(undefined, undefined);";
        const EXPORT: &str = "export const __wasm_split_load_";
        let shared = generated
            .split_once(SHARED_START)
            .and_then(|(_, rest)| rest.split_once(SHARED_END))
            .map(|(names, _)| names.trim().trim_end_matches(',').to_owned())
            .ok_or("wasm_split's loader has no shared imports: has its output changed?")?;
        let splits: Vec<String> = generated
            .lines()
            .filter_map(|line| line.strip_prefix(EXPORT))
            .filter_map(|rest| rest.split_once(' ').map(|(name, _)| name.to_owned()))
            .collect();
        if splits.is_empty() || generated.contains("__canary") {
            return Err("wasm_split's loader is not the release one we replace".into());
        }
        Ok(Loader { shared, splits })
    }

    /// The loader: `packs` is the table `split:[["stem",bytes],…],…`.
    fn write(&self, packs: &str) -> String {
        let shared = &self.shared;
        let mut js = format!(
            r#"import {{ initSync }} from "./{MAIN_JS}";
// Written by `cargo xtask build` (xtask/src/wasm.rs): each split point's modules come in one
// file, its shared ones first; each module is instantiated once, whichever pack brought it.
const PACKS = {{{packs}}};
let shared;
const imports = () => shared ??= (({{ {shared} }}) => ({{ __wasm_split: {{ {shared} }} }}))(initSync(undefined, undefined));
const modules = new Map();
function instantiate(name, bytes) {{
  let module = modules.get(name);
  if (!module) {{
    module = WebAssembly.instantiate(bytes, imports());
    module.catch(() => modules.delete(name));
    modules.set(name, module);
  }}
  return module;
}}
const loads = new Map();
function load(split) {{
  let loading = loads.get(split);
  if (!loading) {{
    loading = (async () => {{
      const parts = PACKS[split];
      if (!parts) return;
      const response = await fetch(new URL(`./${{split}}.{PACK_EXTENSION}`, import.meta.url));
      if (!response.ok) throw new Error(`${{split}}.{PACK_EXTENSION}: HTTP ${{response.status}}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      let at = 0;
      const shared = [];
      let own;
      for (const [name, length] of parts) {{
        const module = bytes.subarray(at, at += length);
        if (name.startsWith("split_")) own = module;
        else shared.push(instantiate(name, module));
      }}
      if (at !== bytes.length) throw new Error(`${{split}}.{PACK_EXTENSION} is ${{bytes.length}} bytes, not ${{at}}`);
      await Promise.all(shared);
      if (own) await WebAssembly.instantiate(own, imports());
    }})();
    // A failed load is forgotten, so that a retry fetches again.
    loading.catch(() => {{ if (loads.get(split) === loading) loads.delete(split); }});
    loads.set(split, loading);
  }}
  return loading;
}}
// The main module calls back with whether the split point's code is in.
const loader = (split) => async (callback, data) => {{
  let success = false;
  try {{
    await load(split);
    success = true;
  }} catch (e) {{
    console.error(e);
  }}
  imports().__wasm_split.__indirect_function_table.get(callback)(data, success);
}};
"#
        );
        for split in &self.splits {
            js.push_str(&format!(
                "export const __wasm_split_load_{split} = loader(\"{split}\");\n"
            ));
        }
        js
    }
}

/// `app-manifest.json` (installed in `dist/`):
/// `{"folder":"app-…","main":"quanzi_bg.wasm","packs":["product",…]}`, read by the server to
/// preload the main module and the pack of the page it answers.
fn write_manifest(dir: &Path, folder: &str, packs: &[String]) -> Result {
    let packs: Vec<String> = packs.iter().map(|p| format!("\"{p}\"")).collect();
    let json = format!(
        "{{\"folder\":\"{folder}\",\"main\":\"{MAIN_WASM}\",\"packs\":[{}]}}\n",
        packs.join(",")
    );
    let path = dir.join(MANIFEST);
    std::fs::write(&path, json).map_err(|e| format!("cannot write {}: {e}", path.display()))
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
