//! Pictures sized for phones: the 400 and 800 px WebP copies of each picture, named by
//! `quanzi_api::variant`, made once — when a photo is uploaded, and for the demo store's
//! pictures in `dist/img/` when the server starts and finds them missing (every build
//! writes `dist/` anew; the database, loaded once, does not notice). A copy that is not
//! there (an upload from before copies, one still being made) is answered with its
//! original, so a `srcset` never shows a broken picture.
//!
//! Lossy WebP from libwebp (the `webp` crate). Measured on the demo's 212 pictures: the
//! 800 px copies take 0.95 MB at quality 75, against 3.9 MB as JPEG at quality 80 and
//! 2.2 MB for the originals; the 400 px copies 0.42 MB against 1.5 MB. The `image` crate
//! encodes WebP losslessly only, and lossless photos are 2.7× the JPEG's bytes.

use std::path::{Path, PathBuf};
use std::sync::Weak;
use std::time::Instant;

use anyhow::Context;
use axum::extract::Request;
use axum::http::Method;
use image::imageops::FilterType;
use image::RgbImage;
use quanzi_api::variant::{variant_source, variant_url, variant_widths};

use crate::storage::names::random_hex;

/// libwebp's quality (0–100): 75 keeps the demo's photos free of visible artefacts at phone
/// sizes; 80 costs 17 % more bytes.
pub const WEBP_QUALITY: f32 = 75.0;

/// A copy of a picture: its width, height and WebP bytes.
#[derive(Debug)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    pub webp: Vec<u8>,
}

/// The copies of a picture, one for each of `quanzi_api::variant::VARIANT_WIDTHS` no wider
/// than it. CPU-heavy: run it on the blocking pool.
pub fn make_copies(picture: &RgbImage) -> anyhow::Result<Vec<Variant>> {
    variant_widths(picture.width())
        .map(|width| {
            let height = scaled_height(picture.width(), picture.height(), width);
            let resized;
            let pixels = if width == picture.width() {
                picture
            } else {
                resized = image::imageops::resize(picture, width, height, FilterType::CatmullRom);
                &resized
            };
            let webp = webp::Encoder::from_rgb(pixels.as_raw(), width, height)
                .encode_simple(false, WEBP_QUALITY)
                .map_err(|err| anyhow::anyhow!("WebP encoding failed: {err:?}"))?;
            Ok(Variant {
                width,
                height,
                webp: webp.to_vec(),
            })
        })
        .collect()
}

/// The height of a copy `width` px wide, to the nearest pixel (at least 1).
pub fn scaled_height(width: u32, height: u32, copy_width: u32) -> u32 {
    let scaled = (u64::from(height) * u64::from(copy_width) + u64::from(width) / 2)
        / u64::from(width.max(1));
    u32::try_from(scaled).unwrap_or(u32::MAX).max(1)
}

/// Writes `bytes` to `path` under a name nothing serves, then renames it: a reader never
/// sees half a file, and two writers at once (two servers sharing the data directory)
/// each write a whole file of their own, the last rename winning.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("copy");
    let suffix = random_hex::<8>().map_err(|e| std::io::Error::other(e.to_string()))?;
    let partial = path.with_file_name(format!(".{name}.{suffix}.partial"));
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&partial);
    })
}

/// The file under `dist` that serves `url` (an absolute path such as `/img/…`).
fn dist_path(dist: &Path, url: &str) -> Option<PathBuf> {
    let relative = url.strip_prefix('/')?;
    // Demo URLs are plain paths; anything that could climb out is not ours to write.
    if relative
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return None;
    }
    Some(dist.join(relative))
}

/// Makes the copies that are missing for the demo store's pictures (`urls` with their
/// widths) in `dist`, one picture at a time on one thread, so the server answers meanwhile.
/// Stops once `alive` is gone (the server is shutting down).
pub fn spawn_demo_copies(dist: PathBuf, pictures: Vec<(String, u32)>, alive: Weak<()>) {
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let mut made = 0;
        for (url, width) in pictures {
            if alive.strong_count() == 0 {
                return;
            }
            match make_missing(&dist, &url, width) {
                Ok(true) => made += 1,
                Ok(false) => {}
                Err(err) => {
                    // Most likely a read-only dist/: the originals are served instead.
                    tracing::warn!(error = %format!("{err:#}"), url, "cannot make picture copies");
                    return;
                }
            }
        }
        if made > 0 {
            tracing::info!(
                pictures = made,
                seconds = started.elapsed().as_secs_f32(),
                "made the demo pictures' phone-sized copies"
            );
        }
    });
}

/// Makes the missing copies of one picture in `dist`; whether it made any. A picture that
/// is not there is skipped (a build without the demo's pictures).
pub fn make_missing(dist: &Path, url: &str, width: u32) -> anyhow::Result<bool> {
    let Some(original) = dist_path(dist, url) else {
        return Ok(false);
    };
    let missing: Vec<(u32, PathBuf)> = variant_widths(width)
        .filter_map(|w| {
            let copy = dist_path(dist, &variant_url(url, w)?)?;
            (!copy.exists()).then_some((w, copy))
        })
        .collect();
    if missing.is_empty() || !original.exists() {
        return Ok(false);
    }
    let picture = image::open(&original)
        .with_context(|| format!("reading {}", original.display()))?
        .to_rgb8();
    for copy in make_copies(&picture)? {
        if let Some((_, path)) = missing.iter().find(|(w, _)| *w == copy.width) {
            write_atomically(path, &copy.webp)
                .with_context(|| format!("writing {}", path.display()))?;
        }
    }
    Ok(true)
}

/// For a request of a copy, the same request of its original: what answers while the copy
/// is missing. `None` for any other request.
pub fn original_request(req: &Request) -> Option<Request> {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return None;
    }
    let (original, _) = variant_source(req.uri().path())?;
    let mut fallback = Request::new(axum::body::Body::empty());
    *fallback.method_mut() = req.method().clone();
    *fallback.uri_mut() = original.parse().ok()?;
    *fallback.headers_mut() = req.headers().clone();
    Some(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_keep_the_aspect_ratio() {
        assert_eq!(scaled_height(800, 1000, 400), 500);
        assert_eq!(scaled_height(1600, 1200, 800), 600);
        assert_eq!(scaled_height(1200, 480, 400), 160);
        assert_eq!(scaled_height(1600, 533, 400), 133);
        assert_eq!(scaled_height(1600, 1, 400), 1);
    }

    #[test]
    fn only_plain_paths_map_into_dist() {
        let dist = Path::new("/d");
        assert_eq!(
            dist_path(dist, "/img/a/b.jpg"),
            Some(PathBuf::from("/d/img/a/b.jpg"))
        );
        for bad in ["img/a.jpg", "/img/../x.jpg", "/img//a.jpg", "/img/./a.jpg"] {
            assert_eq!(dist_path(dist, bad), None, "{bad}");
        }
    }
}
