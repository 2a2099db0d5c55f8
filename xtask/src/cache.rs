//! Build steps done once per input. Each step's output is kept in
//! `target/app-cache/<step>/<key>/`, its key a hash of everything the output depends on (the
//! input's bytes, the tools' versions, the flags, the xtask code that makes it), beside a
//! stamp with a hash of every file it wrote. A step whose key matches and whose files are intact is reused; a changed
//! input, tool or flag, or a missing or altered file, runs it again. `install` then lays
//! the steps' outputs into `dist/`, writing only what differs.
//!
//! The hashes are std's `DefaultHasher`: stable within one Rust toolchain; a new toolchain
//! may change them, which costs one rebuild and can never reuse stale output.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use crate::cmd::{target_dir, Result};

/// Where the steps keep their output: `target/` (or CARGO_TARGET_DIR), so `cargo clean`
/// clears it with everything else that is built.
pub fn dir() -> PathBuf {
    target_dir().join("app-cache")
}

/// What a step's output depends on, added piece by piece.
pub struct Key(DefaultHasher);

impl Key {
    pub fn new(step: &str) -> Key {
        let mut key = Key(DefaultHasher::new());
        key.add(step);
        key
    }

    /// Adds one piece; its length goes first, so ("ab", "c") and ("a", "bc") differ.
    pub fn add(&mut self, piece: impl AsRef<[u8]>) -> &mut Key {
        let piece = piece.as_ref();
        self.0.write_usize(piece.len());
        self.0.write(piece);
        self
    }

    /// Adds every file under `dir`: its path inside `dir` and its bytes.
    pub fn add_tree(&mut self, dir: &Path) -> Result<&mut Key> {
        for (name, path) in files(dir)? {
            self.add(name).add(read(&path)?);
        }
        Ok(self)
    }

    fn hex(&self) -> String {
        format!("{:016x}", self.0.finish())
    }
}

/// What a step did.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Reused,
    Rebuilt(Duration),
}

impl Outcome {
    /// `reused: wasm` or `rebuilt: wasm in 312.4 s`.
    pub fn describe(&self, what: &str) -> String {
        match self {
            Outcome::Reused => format!("reused: {what}"),
            Outcome::Rebuilt(took) => format!("rebuilt: {what} in {:.1} s", took.as_secs_f64()),
        }
    }
}

/// How many results of a step are kept: a change and its revert both cost nothing after
/// the first build of each.
const KEPT: usize = 3;

/// The result of `key` in `dir/<key>/`: reused when it is there and intact, else made by
/// `build` into an empty folder. Results not used lately, beyond [`KEPT`], are removed.
pub fn step(
    dir: &Path,
    key: &Key,
    build: impl FnOnce(&Path) -> Result,
) -> Result<(PathBuf, Outcome)> {
    let hex = key.hex();
    let entry = dir.join(&hex);
    let stamp_path = dir.join(format!("{hex}.stamp"));
    // A file that cannot be read counts as altered.
    let reused = entry.is_dir()
        && std::fs::read_to_string(&stamp_path)
            .is_ok_and(|stamp| files_stamp(&entry).is_ok_and(|now| now == stamp));
    let outcome = if reused {
        // Marks it used, for pruning; a stamp that cannot be touched is pruned a little early.
        let _ = std::fs::File::options()
            .append(true)
            .open(&stamp_path)
            .and_then(|f| f.set_modified(SystemTime::now()));
        Outcome::Reused
    } else {
        let started = Instant::now();
        // No stamp while the step runs: an interrupted build is never taken for a finished one.
        let _ = std::fs::remove_file(&stamp_path);
        let _ = std::fs::remove_dir_all(&entry);
        std::fs::create_dir_all(&entry)
            .map_err(|e| format!("cannot create {}: {e}", entry.display()))?;
        build(&entry)?;
        std::fs::write(&stamp_path, files_stamp(&entry)?)
            .map_err(|e| format!("cannot write {}: {e}", stamp_path.display()))?;
        Outcome::Rebuilt(started.elapsed())
    };
    prune(dir, &hex);
    Ok((entry, outcome))
}

/// Keeps the [`KEPT`] results used last (`current` among them) and removes the rest, and
/// any folder without a stamp (a build that was interrupted).
fn prune(dir: &Path, current: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut stamps = Vec::new();
    let mut folders = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        match name.strip_suffix(".stamp") {
            Some(key) => {
                let used = entry.metadata().and_then(|m| m.modified()).ok();
                stamps.push((key != current, std::cmp::Reverse(used), key.to_owned()));
            }
            None if path.is_dir() => folders.push(name),
            None => {}
        }
    }
    stamps.sort();
    let kept: BTreeSet<String> = stamps.into_iter().take(KEPT).map(|(_, _, k)| k).collect();
    for folder in folders.iter().filter(|f| !kept.contains(*f)) {
        let _ = std::fs::remove_dir_all(dir.join(folder));
        let _ = std::fs::remove_file(dir.join(format!("{folder}.stamp")));
    }
    // Stamps whose folder is gone.
    for key in kept.iter().filter(|k| !folders.contains(k)) {
        let _ = std::fs::remove_file(dir.join(format!("{key}.stamp")));
    }
}

/// One line per file under `dir`: its hash and its path inside `dir`.
fn files_stamp(dir: &Path) -> Result<String> {
    let mut stamp = String::new();
    for (name, path) in files(dir)? {
        let mut hasher = DefaultHasher::new();
        hasher.write(&read(&path)?);
        stamp += &format!("{:016x} {name}\n", hasher.finish());
    }
    Ok(stamp)
}

/// Every file under `dir`, recursively, by its `/`-separated path inside `dir`, sorted.
pub fn files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let entries = std::fs::read_dir(&folder)
            .map_err(|e| format!("cannot read {}: {e}", folder.display()))?;
        for entry in entries {
            let path = entry
                .map_err(|e| format!("cannot read {}: {e}", folder.display()))?
                .path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(inside) = path.strip_prefix(dir) {
                let name: Vec<String> = inside
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                found.push((name.join("/"), path));
            }
        }
    }
    found.sort();
    Ok(found)
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// What `install` changed in `dist/`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Installed {
    pub written: usize,
    pub removed: usize,
}

/// Makes `dist` hold the files of `layers` (a later layer's file over an earlier one's) and
/// `generated`, writing only files whose bytes differ, and removing every other file but
/// the phone-sized copies the server made of a picture that is still there, unchanged.
pub fn install(dist: &Path, layers: &[&Path], generated: &[(&str, Vec<u8>)]) -> Result<Installed> {
    let mut wanted: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for layer in layers {
        for (name, path) in files(layer)? {
            wanted.insert(name, read(&path)?);
        }
    }
    for (name, bytes) in generated {
        wanted.insert((*name).to_owned(), bytes.clone());
    }
    let mut installed = Installed::default();
    let mut rewritten = BTreeSet::new();
    for (name, bytes) in &wanted {
        let path = dist.join(name);
        if std::fs::read(&path).is_ok_and(|old| old == *bytes) {
            continue;
        }
        write_atomically(&path, bytes)?;
        rewritten.insert(name.clone());
        installed.written += 1;
    }
    let present = if dist.is_dir() {
        files(dist)?
    } else {
        Vec::new()
    };
    for (name, path) in present {
        if wanted.contains_key(&name) {
            continue;
        }
        let copy_of_kept = quanzi_api::variant::variant_source(&format!("/{name}"))
            .and_then(|(source, _)| source.strip_prefix('/').map(str::to_owned))
            .is_some_and(|source| wanted.contains_key(&source) && !rewritten.contains(&source));
        if !copy_of_kept {
            std::fs::remove_file(&path)
                .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
            installed.removed += 1;
        }
    }
    remove_empty_folders(dist);
    Ok(installed)
}

/// Writes through a temporary file and a rename, so a server reading `dist/` meanwhile
/// never sees half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".xtask-new");
    std::fs::write(&temporary, bytes)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Removes the folders under `dir` left empty (an old `app-<hash>/`).
fn remove_empty_folders(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            remove_empty_folders(&path);
            // Fails, as it should, while the folder still has files.
            let _ = std::fs::remove_dir(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-cache-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// A step that copies `input` and counts its runs.
    fn copy_step(dir: &Path, input: &Path, runs: &mut u32) -> (PathBuf, Outcome) {
        let mut key = Key::new("copy");
        key.add_tree(input).unwrap();
        step(dir, &key, |out| {
            *runs += 1;
            for (name, path) in files(input)? {
                write_atomically(&out.join(name), &read(&path)?)?;
            }
            Ok(())
        })
        .unwrap()
    }

    #[test]
    fn a_step_runs_again_exactly_when_its_input_or_output_changed() {
        let base = scratch("step");
        let (input, cache) = (base.join("in"), base.join("cache/copy"));
        write(&input.join("page.txt"), "旧的一行");
        let mut runs = 0;
        let (old, outcome) = copy_step(&cache, &input, &mut runs);
        assert!(matches!(outcome, Outcome::Rebuilt(_)));
        assert_eq!(
            copy_step(&cache, &input, &mut runs),
            (old.clone(), Outcome::Reused)
        );
        assert_eq!(runs, 1);

        // A changed source: the step runs and its output has the new text.
        write(&input.join("page.txt"), "新的一行");
        let (new, outcome) = copy_step(&cache, &input, &mut runs);
        assert!(matches!(outcome, Outcome::Rebuilt(_)));
        assert_ne!(new, old);
        assert_eq!(
            std::fs::read_to_string(new.join("page.txt")).unwrap(),
            "新的一行"
        );

        // A cached file altered or removed behind the step's back: built again.
        write(&new.join("page.txt"), "corrupt");
        assert!(matches!(
            copy_step(&cache, &input, &mut runs).1,
            Outcome::Rebuilt(_)
        ));
        std::fs::remove_file(new.join("page.txt")).unwrap();
        assert!(matches!(
            copy_step(&cache, &input, &mut runs).1,
            Outcome::Rebuilt(_)
        ));
        assert_eq!(runs, 4);
        assert_eq!(copy_step(&cache, &input, &mut runs).1, Outcome::Reused);

        // Back to the old source: its result is still kept.
        write(&input.join("page.txt"), "旧的一行");
        assert_eq!(copy_step(&cache, &input, &mut runs), (old, Outcome::Reused));
        assert_eq!(runs, 4);
        let _ = std::fs::remove_dir_all(base);
    }

    #[test]
    fn only_the_results_used_last_are_kept() {
        let base = scratch("prune");
        let (input, cache) = (base.join("in"), base.join("cache/copy"));
        let mut runs = 0;
        let mut made = Vec::new();
        for version in 0..KEPT + 2 {
            write(&input.join("page.txt"), &version.to_string());
            made.push(copy_step(&cache, &input, &mut runs).0);
        }
        let kept: Vec<bool> = made.iter().map(|dir| dir.exists()).collect();
        assert_eq!(kept, [false, false, true, true, true]);
        assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 2 * KEPT);
        let _ = std::fs::remove_dir_all(base);
    }

    #[test]
    fn a_failed_step_leaves_nothing_to_reuse() {
        let base = scratch("failed");
        let cache = base.join("cache/broken");
        let key = Key::new("broken");
        let failed = step(&cache, &key, |dir| {
            write(&dir.join("half.wasm"), "half");
            Err("wasm-opt failed".to_owned())
        });
        assert!(failed.is_err());
        let (_, again) = step(&cache, &key, |_| Ok(())).unwrap();
        assert!(matches!(again, Outcome::Rebuilt(_)));
        let _ = std::fs::remove_dir_all(base);
    }

    #[test]
    fn keys_differ_in_any_piece() {
        let hex = |pieces: &[&str]| {
            let mut key = Key::new("wasm");
            for piece in pieces {
                key.add(piece);
            }
            key.hex()
        };
        assert_eq!(hex(&["wasm-opt 132", "-Oz"]), hex(&["wasm-opt 132", "-Oz"]));
        assert_ne!(hex(&["wasm-opt 132", "-Oz"]), hex(&["wasm-opt 133", "-Oz"]));
        assert_ne!(hex(&["ab", "c"]), hex(&["a", "bc"]));
    }

    #[test]
    fn install_serves_the_new_app_folder_only() {
        let base = scratch("install");
        let (web, app, dist) = (base.join("web"), base.join("app"), base.join("dist"));
        write(&web.join("main.css"), "body{}");
        write(&web.join("img/products/3-1.jpg"), "jpeg");
        write(&web.join("img/posts/1-1.jpg"), "jpeg");
        write(&app.join("app-0001/quanzi_bg.wasm"), "old wasm");
        let index = |folder: &str| {
            vec![(
                "index.html",
                format!("<script src=/{folder}/>").into_bytes(),
            )]
        };
        let first = install(&dist, &[&web, &app], &index("app-0001")).unwrap();
        assert_eq!(
            first,
            Installed {
                written: 5,
                removed: 0
            }
        );
        // The server's copies of the pictures, and one of a picture that will change.
        write(&dist.join("img/products/3-1.400w.webp"), "webp");
        write(&dist.join("img/posts/1-1.400w.webp"), "webp");
        write(&dist.join("stray.txt"), "left by hand");

        // A new build: another app folder, one picture changed.
        std::fs::remove_dir_all(&app).unwrap();
        write(&app.join("app-0002/quanzi_bg.wasm"), "new wasm");
        write(&web.join("img/posts/1-1.jpg"), "another jpeg");
        let second = install(&dist, &[&web, &app], &index("app-0002")).unwrap();
        assert_eq!(
            second,
            Installed {
                written: 3,
                removed: 3
            }
        );
        assert!(
            !dist.join("app-0001").exists(),
            "the old app folder is gone"
        );
        assert!(dist.join("app-0002/quanzi_bg.wasm").exists());
        assert!(
            dist.join("img/products/3-1.400w.webp").exists(),
            "copy of an unchanged picture kept"
        );
        assert!(
            !dist.join("img/posts/1-1.400w.webp").exists(),
            "copy of a changed picture removed"
        );
        assert!(!dist.join("stray.txt").exists());
        assert_eq!(
            std::fs::read_to_string(dist.join("index.html")).unwrap(),
            "<script src=/app-0002/>"
        );
        // Nothing changed: nothing written.
        let third = install(&dist, &[&web, &app], &index("app-0002")).unwrap();
        assert_eq!(third, Installed::default());
        let _ = std::fs::remove_dir_all(base);
    }
}
