//! The app's release build, and what a first visit downloads: wasm + js + css, brotli.

use std::path::PathBuf;

use crate::cmd::{self, command, root, Result};

/// The first-load budget: wasm + js + css of the built app after brotli.
pub const FIRST_LOAD_BUDGET: u64 = 170_000;

pub fn build_app() -> Result {
    println!("== building the app (release, wasm-opt -Oz)");
    // --offline: prove Trunk downloads no tool; everything comes from `setup`.
    cmd::run(command("trunk", &["build", "--release", "--offline"]))
}

pub struct Asset {
    pub name: String,
    pub raw: u64,
    pub brotli: u64,
}

/// The files a first visit loads, with their sizes.
pub fn first_load() -> Result<Vec<Asset>> {
    let dist = root().join("dist");
    let entries = std::fs::read_dir(&dist)
        .map_err(|e| format!("cannot read {}: {e} (build the app first)", dist.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("wasm" | "js" | "css")
            )
        })
        .collect();
    files.sort();
    if !files
        .iter()
        .any(|f| f.extension().is_some_and(|e| e == "wasm"))
    {
        return Err("dist has no .wasm file: the build did not finish".into());
    }
    files
        .into_iter()
        .map(|path| {
            let bytes =
                std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Ok(Asset {
                name: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                raw: bytes.len() as u64,
                brotli: brotli_size(&bytes),
            })
        })
        .collect()
}

/// Size after brotli at the quality a server precompresses with (11).
pub fn brotli_size(bytes: &[u8]) -> u64 {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    match brotli::BrotliCompress(&mut &bytes[..], &mut out, &params) {
        Ok(_) => out.len() as u64,
        Err(_) => bytes.len() as u64,
    }
}

/// Prints the table and returns the total brotli bytes.
pub fn report(assets: &[Asset]) -> u64 {
    println!("{:<48} {:>10} {:>10}", "first load", "raw B", "brotli B");
    for asset in assets {
        println!("{:<48} {:>10} {:>10}", asset.name, asset.raw, asset.brotli);
    }
    let total: u64 = assets.iter().map(|a| a.brotli).sum();
    let raw: u64 = assets.iter().map(|a| a.raw).sum();
    println!("{:<48} {:>10} {:>10}", "total", raw, total);
    println!(
        "budget: {total} of {FIRST_LOAD_BUDGET} bytes brotli ({:.0}%)",
        total as f64 * 100.0 / FIRST_LOAD_BUDGET as f64
    );
    total
}

pub fn check_budget() -> Result {
    let total = report(&first_load()?);
    if total > FIRST_LOAD_BUDGET {
        return Err(format!(
            "first load is {total} bytes brotli, over the {FIRST_LOAD_BUDGET} byte budget"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::brotli_size;

    #[test]
    fn brotli_shrinks_repetitive_bytes() {
        let bytes = vec![b'a'; 10_000];
        let size = brotli_size(&bytes);
        assert!(size > 0 && size < 100, "{size}");
    }
}
