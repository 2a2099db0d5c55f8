//! The app's release build, and what a first visit downloads: wasm + js + css, brotli.

use std::path::PathBuf;

use crate::cmd::{self, command, root, Result};

/// The first-load budget: wasm + js + css of the built app after brotli.
pub const FIRST_LOAD_BUDGET: u64 = 170_000;

pub fn build_app() -> Result {
    println!("== building the app (release, wasm-opt -Oz)");
    // --offline: prove Trunk downloads no tool; everything comes from `setup`.
    cmd::run(command("trunk", &["build", "--release", "--offline"]))?;
    precompress()
}

/// Writes `name.br` beside each first-load file, so the server sends the best compression
/// without spending it on every request.
fn precompress() -> Result {
    for path in first_load_files()? {
        let bytes =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut target = path.clone().into_os_string();
        target.push(".br");
        std::fs::write(&target, brotli(&bytes))
            .map_err(|e| format!("cannot write {}: {e}", target.to_string_lossy()))?;
    }
    Ok(())
}

pub struct Asset {
    pub name: String,
    pub raw: u64,
    pub brotli: u64,
}

fn first_load_files() -> Result<Vec<PathBuf>> {
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
    Ok(files)
}

/// The files a first visit loads, with their sizes: raw, and the `.br` copy that the
/// server actually sends.
pub fn first_load() -> Result<Vec<Asset>> {
    let size = |path: &std::path::Path| {
        std::fs::metadata(path)
            .map(|m| m.len())
            .map_err(|e| format!("cannot read {}: {e} (build the app first)", path.display()))
    };
    first_load_files()?
        .into_iter()
        .map(|path| {
            let mut br = path.clone().into_os_string();
            br.push(".br");
            Ok(Asset {
                name: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                raw: size(&path)?,
                brotli: size(std::path::Path::new(&br))?,
            })
        })
        .collect()
}

/// Brotli at its best quality (11): what the server sends for these files.
pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        // The largest window the format allows: every browser decodes it, and the 500 KB
        // wasm compresses better when all of it is in view.
        lgwin: 24,
        ..Default::default()
    };
    // Compressing from memory into memory cannot fail on I/O.
    match brotli::BrotliCompress(&mut &bytes[..], &mut out, &params) {
        Ok(_) => out,
        Err(_) => bytes.to_vec(),
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
    use super::brotli;

    #[test]
    fn brotli_shrinks_and_round_trips() {
        let bytes = b"group-buy ".repeat(1_000);
        let packed = brotli(&bytes);
        assert!(!packed.is_empty() && packed.len() < 100, "{}", packed.len());
        let mut unpacked = Vec::new();
        brotli::BrotliDecompress(&mut &packed[..], &mut unpacked).unwrap();
        assert_eq!(unpacked, bytes);
    }
}
