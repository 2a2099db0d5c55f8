//! Photos from the phone: `POST /uploads` (multipart, one field `file`), `DELETE
//! /uploads/{id}` and `GET /media/{name}`.
//!
//! An upload is decoded whatever its name or declared type says (the bytes decide: JPEG,
//! PNG or WebP), scaled so its longest side is at most 1600 px, and re-encoded as a JPEG,
//! with its phone-sized WebP copies beside it (`crate::content::variant`).
//! Re-encoding drops everything but the pixels, EXIF and GPS position included, and means
//! we only ever serve files we wrote. It stays private to its owner until a post claims it,
//! or its owner makes it their profile picture (`crate::members::avatar`).

use std::io::Cursor;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, RgbImage};
use quanzi_api::upload::{IMAGE_MAX_SIDE, UPLOAD_MAX_BYTES};
use quanzi_api::variant::{variant_source, variant_url, VARIANT_WIDTHS};
use quanzi_api::{ErrorCode, Image, Upload};
use sqlx::{AnyConnection, AssertSqlSafe, Row};
use tokio::sync::Semaphore;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::content::variant::{self, Variant};
use crate::content::ContentState;
use crate::http::error::AppError;
use crate::http::middleware::photo_too_large as too_large;
use crate::http::params::PathId;
use crate::members::session::SignedIn;
use crate::storage::db::{now_ms, u32_at, Db};
use crate::storage::names::random_hex;

/// Larger pictures are refused before decoding: 40 megapixels is a 160 MB bitmap.
pub const MAX_PIXELS: u64 = 40_000_000;
pub const JPEG_QUALITY: u8 = 82;
/// Photos decoded at once; each may take a few hundred MB at the pixel limit.
const DECODERS: usize = 2;
/// `/media/` URLs: where stored files are served.
pub const MEDIA_PREFIX: &str = "/media/";
/// Photos a member may hold that no post has published yet: enough for a few drafts, not
/// enough to fill the disk.
pub const MAX_PENDING: i64 = 30;
/// An upload nothing uses yet: no post publishes it, it is nobody's profile picture, no
/// product or community shows it. Only these are swept, counted against [`MAX_PENDING`]
/// and claimable.
const PENDING: &str =
    "post_id IS NULL AND avatar = 0 AND product_id IS NULL AND community_id IS NULL";
/// Unpublished photos older than this are swept: the post they were for was abandoned.
pub const PENDING_TTL_MS: i64 = 24 * 60 * 60 * 1000;

/// The multipart form of `POST /uploads`, as the OpenAPI document shows it.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // read by hand from the multipart stream, never deserialised
pub struct UploadForm {
    /// The picture: JPEG, PNG or WebP, at most 8 MiB and 40 megapixels.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Where photos are kept, and the gate that bounds how many are decoded at once.
pub struct Store {
    dir: PathBuf,
    decoders: Arc<Semaphore>,
}

impl Store {
    /// Opens (creating) the uploads directory.
    pub fn open(dir: &FsPath) -> anyhow::Result<Store> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the uploads directory {}", dir.display()))?;
        Ok(Store {
            dir: dir.to_owned(),
            decoders: Arc::new(Semaphore::new(DECODERS)),
        })
    }

    /// Removes stored photos by name, and their copies, best effort: a failure is logged,
    /// not returned (the database no longer points at them, so a leftover is only wasted
    /// space).
    pub async fn remove_files(&self, names: Vec<String>) {
        let copies: Vec<String> = names.iter().flat_map(|name| copy_names(name)).collect();
        for name in names.into_iter().chain(copies) {
            if !is_media_name(&name) {
                continue;
            }
            if let Err(err) = tokio::fs::remove_file(self.dir.join(&name)).await {
                if err.kind() != std::io::ErrorKind::NotFound {
                    tracing::warn!(error = %err, file = name, "could not remove an upload");
                }
            }
        }
    }
}

fn not_an_image() -> AppError {
    AppError::bad_request(
        ErrorCode::NotAnImage,
        "the file is not a JPEG, PNG or WebP picture",
    )
}

fn too_many_pixels() -> AppError {
    AppError::bad_request(ErrorCode::ImageTooLarge, "a photo is at most 40 megapixels")
}

/// 400 `bad_upload`: a post names a photo that is not the author's own unpublished upload.
pub fn not_yours() -> AppError {
    AppError::bad_request(
        ErrorCode::BadUpload,
        "a post's photos must be your own, not yet published uploads",
    )
}

/// A stored file name: `[a-z0-9]{20,64}.jpg`, or one of its copies' names
/// (`….400w.webp`). Nothing else is ever looked up on disk, so no path can climb out of
/// the directory.
pub fn is_media_name(name: &str) -> bool {
    let original = match variant_source(&media_url(name)) {
        Some((url, _)) => url.strip_prefix(MEDIA_PREFIX).map(str::to_owned),
        None => Some(name.to_owned()),
    };
    original.is_some_and(|name| {
        name.strip_suffix(".jpg").is_some_and(|stem| {
            (20..=64).contains(&stem.len())
                && stem
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
    })
}

/// The file name of a stored photo's copy `width` px wide.
fn copy_name(name: &str, width: u32) -> Option<String> {
    variant_url(&media_url(name), width)?
        .strip_prefix(MEDIA_PREFIX)
        .map(str::to_owned)
}

/// The file names of a stored photo's copies, whether or not they were made.
fn copy_names(name: &str) -> Vec<String> {
    VARIANT_WIDTHS
        .into_iter()
        .filter_map(|w| copy_name(name, w))
        .collect()
}

pub fn media_url(name: &str) -> String {
    format!("{MEDIA_PREFIX}{name}")
}

/// A photo as re-encoded, and its copies.
#[derive(Debug)]
pub struct Processed {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub variants: Vec<Variant>,
}

/// The size a picture is stored at: unchanged when it fits, else scaled so the longest side
/// is [`IMAGE_MAX_SIDE`], the other rounded to the nearest pixel (at least 1).
pub fn fitted(width: u32, height: u32) -> (u32, u32) {
    let max = IMAGE_MAX_SIDE;
    if width <= max && height <= max {
        return (width, height);
    }
    let scale = |short: u32, long: u32| {
        let scaled = (u64::from(short) * u64::from(max) + u64::from(long) / 2) / u64::from(long);
        u32::try_from(scaled).unwrap_or(max).max(1)
    };
    if width >= height {
        (max, scale(height, width))
    } else {
        (scale(width, height), max)
    }
}

/// Decodes, turns upright (EXIF orientation, which re-encoding would otherwise lose),
/// scales and re-encodes a photo, and makes its copies. CPU-heavy: run it on the blocking
/// pool.
pub fn process(bytes: &[u8]) -> Result<Processed, AppError> {
    let mut picture = decode(bytes)?;
    let (w, h) = fitted(picture.width(), picture.height());
    if (w, h) != (picture.width(), picture.height()) {
        picture = picture.resize_exact(w, h, FilterType::CatmullRom);
    }
    let rgb = flatten(&picture);
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
        .encode_image(&rgb)
        .map_err(AppError::internal)?;
    let variants =
        variant::make_copies(&rgb).map_err(|err| AppError::internal(format!("{err:#}")))?;
    Ok(Processed {
        jpeg,
        width: rgb.width(),
        height: rgb.height(),
        variants,
    })
}

/// Decodes a JPEG, PNG or WebP picture (whatever its name says: the bytes decide) and turns
/// it upright by its EXIF orientation. Pictures over [`MAX_PIXELS`] are refused from their
/// header, before any pixel is decoded. CPU-heavy: run it on the blocking pool.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, AppError> {
    let reader = || -> Result<ImageReader<Cursor<&[u8]>>, AppError> {
        let reader = ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|_| not_an_image())?;
        match reader.format() {
            Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) => Ok(reader),
            _ => Err(not_an_image()),
        }
    };
    // The header first: a tiny file may claim a gigantic picture.
    let (width, height) = reader()?.into_dimensions().map_err(|_| not_an_image())?;
    if width == 0 || height == 0 {
        return Err(not_an_image());
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(too_many_pixels());
    }
    let mut reader = reader()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    reader.limits(limits);
    let decode_error = |err: ImageError| match err {
        ImageError::Limits(_) => too_many_pixels(),
        _ => not_an_image(),
    };
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    picture.apply_orientation(orientation);
    Ok(picture)
}

/// RGB pixels, transparent parts laid over white (JPEG has no alpha; without this they
/// would turn black).
pub fn flatten(picture: &DynamicImage) -> RgbImage {
    if !picture.color().has_alpha() {
        return picture.to_rgb8();
    }
    let rgba = picture.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over_white = |c: u8| {
            let (c, a) = (u16::from(c), u16::from(a));
            ((c * a + 255 * (255 - a) + 127) / 255) as u8
        };
        image::Rgb([over_white(r), over_white(g), over_white(b)])
    })
}

/// Reads the `file` field, refusing it once it passes the byte limit.
async fn read_file(mut multipart: Multipart) -> Result<Vec<u8>, AppError> {
    let body_error = |err: axum::extract::multipart::MultipartError| {
        if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            AppError::bad_request(ErrorCode::BadRequest, "the multipart body is malformed")
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(body_error)? {
        if field.name() != Some("file") {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(body_error)? {
            if bytes.len() + chunk.len() > UPLOAD_MAX_BYTES {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(bytes);
    }
    Err(AppError::bad_request(
        ErrorCode::BadRequest,
        "send the photo as a multipart field named `file`",
    ))
}

/// A random file name: 20 bytes as 40 lowercase hex digits, `.jpg`.
fn new_name() -> Result<String, AppError> {
    let stem = random_hex::<20>().map_err(AppError::internal)?;
    Ok(format!("{stem}.jpg"))
}

/// Uploads a photo for a coming post. The answer's image is the stored one: its URL, and
/// its width and height after scaling.
#[utoipa::path(
    post,
    path = "/uploads",
    tag = "posts",
    request_body(content = UploadForm, content_type = "multipart/form-data", description = "One field `file`: a JPEG, PNG or WebP picture, at most 8 MiB and 40 megapixels"),
    responses(
        (status = 201, description = "Stored: scaled to at most 1600 px on its longest side, re-encoded as JPEG. \
            Unpublished, it is kept for 24 hours.", body = Upload),
        (status = 400, description = "`not_an_image`, `image_too_large` (over 40 megapixels), `too_many_images` \
            (30 photos already waiting for a post) or `bad_request` (no `file` field)", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 413, description = "`image_too_large`: over 8 MiB", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn create_upload(
    State(state): State<ContentState>,
    SignedIn(member_id): SignedIn,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<Upload>), AppError> {
    let multipart = multipart.map_err(|_| {
        AppError::bad_request(
            ErrorCode::BadRequest,
            "send the photo as multipart/form-data",
        )
    })?;
    let pending = sweep_and_count_pending(&state.db, member_id).await?;
    state.uploads.remove_files(pending.swept).await;
    if pending.count >= MAX_PENDING {
        return Err(too_many_pending());
    }
    let bytes = read_file(multipart).await?;
    let permit = Arc::clone(&state.uploads.decoders)
        .acquire_owned()
        .await
        .map_err(AppError::internal)?;
    // The permit travels with the work: a client that hangs up does not free a slot while
    // its picture is still being decoded.
    let processed = tokio::task::spawn_blocking(move || {
        let processed = process(&bytes);
        drop(permit);
        processed
    })
    .await
    .map_err(AppError::internal)??;
    let name = new_name()?;
    let (width, height) = (processed.width, processed.height);
    // The copies first: once the original is there, a post may show it with its srcset.
    let mut files: Vec<(String, Vec<u8>)> = processed
        .variants
        .into_iter()
        .filter_map(|v| Some((copy_name(&name, v.width)?, v.webp)))
        .collect();
    files.push((name.clone(), processed.jpeg));
    let dir = state.uploads.dir.clone();
    let written = tokio::task::spawn_blocking(move || {
        files
            .iter()
            .try_for_each(|(file, bytes)| variant::write_atomically(&dir.join(file), bytes))
    })
    .await
    .map_err(AppError::internal)?;
    if let Err(err) = written {
        state.uploads.remove_files(vec![name]).await;
        return Err(AppError::internal(err));
    }
    // The cap is checked again inside the insert itself, with the member's uploads locked
    // (`lock_member`): parallel uploads that all passed the early check cannot push a
    // member past it.
    let inserted = insert_upload(&state.db, member_id, &name, width, height).await;
    let id = match inserted {
        Ok(id) => id,
        Err(err) => {
            state.uploads.remove_files(vec![name]).await;
            return Err(err);
        }
    };
    Ok((
        StatusCode::CREATED,
        Json(Upload {
            id,
            image: Image {
                url: media_url(&name),
                width,
                height,
                alt: String::new(),
            },
        }),
    ))
}

/// The new photo's row, unless the member already has [`MAX_PENDING`] waiting; its id.
async fn insert_upload(
    db: &Db,
    member_id: i64,
    name: &str,
    width: u32,
    height: u32,
) -> Result<i64, AppError> {
    let mut tx = db.write().await?;
    db.lock_member(&mut tx, member_id).await?;
    let id: Option<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
        "INSERT INTO uploads (owner_id, name, width, height, created_ms)
         SELECT $1, $2, $3, $4, $5
         WHERE (SELECT COUNT(*) FROM uploads WHERE owner_id = $1 AND {PENDING}) < $6
         RETURNING id"
    )))
    .bind(member_id)
    .bind(name)
    .bind(i64::from(width))
    .bind(i64::from(height))
    .bind(now_ms())
    .bind(MAX_PENDING)
    .fetch_optional(&mut *tx)
    .await?;
    let id = id.ok_or_else(too_many_pending)?;
    tx.commit().await?;
    Ok(id)
}

fn too_many_pending() -> AppError {
    AppError::bad_request(
        ErrorCode::TooManyImages,
        "30 photos are already waiting for a post; publish or wait a day",
    )
}

struct Pending {
    /// The member's unpublished photos.
    count: i64,
    /// Files of abandoned photos (anyone's), to remove.
    swept: Vec<String>,
}

/// Forgets a few abandoned uploads (anyone's: the sweep rides on uploads, so it costs
/// nothing when nobody uploads) and counts the member's own pending ones.
async fn sweep_and_count_pending(db: &Db, member_id: i64) -> Result<Pending, AppError> {
    const SWEEP_BATCH: i64 = 20;
    let mut tx = db.write().await?;
    // The conditions again outside: PostgreSQL rechecks a row that a claim changed
    // meanwhile against the outer WHERE only.
    let swept = sqlx::query_scalar(AssertSqlSafe(format!(
        "DELETE FROM uploads WHERE id IN (
             SELECT id FROM uploads WHERE {PENDING} AND created_ms < $1 LIMIT $2)
           AND {PENDING}
         RETURNING name"
    )))
    .bind(now_ms() - PENDING_TTL_MS)
    .bind(SWEEP_BATCH)
    .fetch_all(&mut *tx)
    .await?;
    let count = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT count(*) FROM uploads WHERE owner_id = $1 AND {PENDING}"
    )))
    .bind(member_id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Pending { count, swept })
}

/// A claimed photo, as the post (or the profile) shows it.
pub struct Claimed {
    pub url: String,
    pub width: u32,
    pub height: u32,
}

/// What claims an upload.
#[derive(Clone, Copy, Debug)]
pub enum Claimant {
    Post(i64),
    /// A product's gallery or story (the store's staff).
    Product(i64),
    /// A community's cover (the store's owner).
    Community(i64),
}

/// Attaches an upload to a post, a product or a community's cover, inside its transaction: only the member's
/// own upload that nothing uses yet; `bad_upload` otherwise (whoever else's it is, and
/// whether it exists, is not told).
pub async fn claim(
    conn: &mut AnyConnection,
    upload_id: i64,
    member_id: i64,
    claimant: Claimant,
) -> Result<Claimed, AppError> {
    // One conditional update: two claiming one photo at once cannot both have it.
    let column = match claimant {
        Claimant::Post(_) => "post_id",
        Claimant::Product(_) => "product_id",
        Claimant::Community(_) => "community_id",
    };
    let (Claimant::Post(id) | Claimant::Product(id) | Claimant::Community(id)) = claimant;
    let row = sqlx::query(AssertSqlSafe(format!(
        "UPDATE uploads SET {column} = $2
         WHERE id = $1 AND owner_id = $3 AND {PENDING}
         RETURNING name, width, height"
    )))
    .bind(upload_id)
    .bind(id)
    .bind(member_id)
    .fetch_optional(conn)
    .await?
    .ok_or_else(not_yours)?;
    Ok(Claimed {
        url: media_url(&row.try_get::<String, _>(0)?),
        width: u32_at(&row, 1)?,
        height: u32_at(&row, 2)?,
    })
}

/// Forgets a post's uploads inside the deleting transaction; returns their file names, to
/// remove once it has committed.
pub async fn release_for_post(
    conn: &mut AnyConnection,
    post_id: i64,
) -> Result<Vec<String>, AppError> {
    let names = sqlx::query_scalar("DELETE FROM uploads WHERE post_id = $1 RETURNING name")
        .bind(post_id)
        .fetch_all(conn)
        .await?;
    Ok(names)
}

/// Forgets a product's uploads that it no longer shows (`kept`: the names it still
/// does), inside the editing transaction; returns their file names, to remove once it has
/// committed.
pub async fn release_for_product(
    conn: &mut AnyConnection,
    product_id: i64,
    kept: &[String],
) -> Result<Vec<String>, AppError> {
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM uploads WHERE product_id = $1")
        .bind(product_id)
        .fetch_all(&mut *conn)
        .await?;
    let gone: Vec<String> = names.into_iter().filter(|n| !kept.contains(n)).collect();
    for name in &gone {
        sqlx::query("DELETE FROM uploads WHERE name = $1")
            .bind(name)
            .execute(&mut *conn)
            .await?;
    }
    Ok(gone)
}

/// Makes an upload its owner's profile picture, inside the caller's transaction, and
/// forgets the one it replaces; returns the photo and the replaced file names, to remove
/// once the transaction has committed. Someone else's upload is `not_found`, exactly like
/// one that does not exist; one a post has published is `bad_upload`. Claiming the current
/// picture again changes nothing.
pub async fn claim_avatar(
    conn: &mut AnyConnection,
    upload_id: i64,
    member_id: i64,
) -> Result<(Claimed, Vec<String>), AppError> {
    let found = sqlx::query(
        "SELECT name, width, height, post_id FROM uploads WHERE id = $1 AND owner_id = $2",
    )
    .bind(upload_id)
    .bind(member_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(no_such_upload)?;
    if found.try_get::<Option<i64>, _>(3)?.is_some() {
        return Err(AppError::bad_request(
            ErrorCode::BadUpload,
            "a photo published in a post cannot be a profile picture; upload it again",
        ));
    }
    // The old picture goes first: a member has one at most (a unique index says so).
    let replaced = release_avatar_except(conn, member_id, Some(upload_id)).await?;
    sqlx::query("UPDATE uploads SET avatar = 1 WHERE id = $1")
        .bind(upload_id)
        .execute(&mut *conn)
        .await?;
    Ok((
        Claimed {
            url: media_url(&found.try_get::<String, _>(0)?),
            width: u32_at(&found, 1)?,
            height: u32_at(&found, 2)?,
        },
        replaced,
    ))
}

/// Forgets a member's uploaded profile picture inside the caller's transaction; returns its
/// file name (if there was one), to remove once the transaction has committed.
pub async fn release_avatar(
    conn: &mut AnyConnection,
    member_id: i64,
) -> Result<Vec<String>, AppError> {
    release_avatar_except(conn, member_id, None).await
}

async fn release_avatar_except(
    conn: &mut AnyConnection,
    member_id: i64,
    keep: Option<i64>,
) -> Result<Vec<String>, AppError> {
    let names = sqlx::query_scalar(
        "DELETE FROM uploads WHERE owner_id = $1 AND avatar = 1 AND ($2 IS NULL OR id <> $2)
         RETURNING name",
    )
    .bind(member_id)
    .bind(keep)
    .fetch_all(conn)
    .await?;
    Ok(names)
}

/// 404 for an upload that is not the member's: whether someone else's exists is not told.
fn no_such_upload() -> AppError {
    AppError::not_found("no such upload")
}

/// Removes one of the member's own uploads that nothing uses yet (a photo they picked and
/// then took out of a draft): its row and its file. Someone else's upload is a 404, as if
/// it did not exist; so is one already removed.
#[utoipa::path(
    delete,
    path = "/uploads/{id}",
    tag = "posts",
    params(PathId),
    responses(
        (status = 204, description = "Removed, file and all"),
        (status = 400, description = "`bad_id`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such upload of yours (or already removed)", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`upload_in_use`: a post, a product or a community's cover shows it, or it is your profile picture", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn delete_upload(
    State(state): State<ContentState>,
    SignedIn(member_id): SignedIn,
    PathId(id): PathId,
) -> Result<StatusCode, AppError> {
    // The delete decides, so a post claiming the photo at that moment keeps it; only when
    // nothing was deleted is the row read, to tell "not yours" from "in use".
    let deleted: Option<String> = sqlx::query_scalar(AssertSqlSafe(format!(
        "DELETE FROM uploads WHERE id = $1 AND owner_id = $2 AND {PENDING} RETURNING name"
    )))
    .bind(id)
    .bind(member_id)
    .fetch_optional(state.db.pool())
    .await?;
    let Some(name) = deleted else {
        let exists = sqlx::query("SELECT 1 FROM uploads WHERE id = $1 AND owner_id = $2")
            .bind(id)
            .bind(member_id)
            .fetch_optional(state.db.pool())
            .await?
            .is_some();
        return Err(if exists {
            AppError::conflict(
                ErrorCode::UploadInUse,
                "this photo is in use: in a post, a product, a community's cover, or your profile picture",
            )
        } else {
            no_such_upload()
        });
    };
    // After the commit, as when a post is deleted: a leftover file is garbage, not a hole.
    state.uploads.remove_files(vec![name]).await;
    Ok(StatusCode::NO_CONTENT)
}

/// A stored photo (`/media/{name}`) or one of its copies, or `None` when there is no such
/// file (the site answers with its 404 page). Names are random and never reused, so the
/// file may be cached forever. A copy that was never made (a photo uploaded before copies
/// were) is answered with its original.
pub async fn serve_media(store: &Store, name: &str, req: Request) -> Option<Response> {
    if !is_media_name(name) {
        return None;
    }
    let original = variant_source(&media_url(name))
        .and_then(|(url, _)| url.strip_prefix(MEDIA_PREFIX).map(str::to_owned));
    let (file, cache) = match original {
        Some(original)
            if !tokio::fs::try_exists(store.dir.join(name))
                .await
                .unwrap_or(false) =>
        {
            // Not forever: a copy made later should replace it.
            (original, "public, max-age=86400")
        }
        _ => (name.to_owned(), "public, max-age=31536000, immutable"),
    };
    let res = match ServeFile::new(store.dir.join(&file)).oneshot(req).await {
        Ok(res) => res,
        Err(never) => match never {},
    };
    if res.status() == StatusCode::NOT_FOUND {
        return None;
    }
    let mut res = res.map(Body::new);
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        let headers = res.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        let kind = if file.ends_with(".webp") {
            "image/webp"
        } else {
            "image/jpeg"
        };
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
        // Even opened directly, the file can run nothing.
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; sandbox"),
        );
    }
    Some(res.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_names() {
        assert!(is_media_name(&format!("{}.jpg", "a1".repeat(20))));
        assert!(is_media_name(&format!("{}.400w.webp", "a1".repeat(20))));
        assert!(is_media_name(&format!("{}.800w.webp", "a1".repeat(20))));
        assert!(is_media_name(&format!("{}.jpg", "a".repeat(20))));
        assert!(is_media_name(&format!("{}.jpg", "a".repeat(64))));
        for bad in [
            format!("{}.jpg", "a".repeat(19)),
            format!("{}.jpg", "a".repeat(65)),
            format!("{}.JPG", "a".repeat(30)),
            format!("{}.png", "a".repeat(30)),
            format!("{}A.jpg", "a".repeat(30)),
            format!("../{}.jpg", "a".repeat(30)),
            format!(".{}.jpg.partial", "a".repeat(30)),
            format!("{}.300w.webp", "a".repeat(30)),
            format!("{}.400w.webp", "a".repeat(19)),
            format!("{}.webp", "a".repeat(30)),
            format!("../{}.400w.webp", "a".repeat(30)),
        ] {
            assert!(!is_media_name(&bad), "{bad}");
        }
    }

    #[test]
    fn fitting() {
        assert_eq!(fitted(800, 600), (800, 600));
        assert_eq!(fitted(1600, 1600), (1600, 1600));
        assert_eq!(fitted(3000, 1000), (1600, 533));
        assert_eq!(fitted(1000, 3000), (533, 1600));
        assert_eq!(fitted(100_000, 1), (1600, 1));
        assert_eq!(fitted(4032, 3024), (1600, 1200));
    }

    #[test]
    fn transparent_pixels_turn_white() {
        let mut rgba = image::RgbaImage::new(2, 1);
        rgba.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
        rgba.put_pixel(1, 0, image::Rgba([10, 20, 30, 255]));
        let rgb = flatten(&DynamicImage::ImageRgba8(rgba));
        assert_eq!(rgb.get_pixel(0, 0).0, [255, 255, 255]);
        assert_eq!(rgb.get_pixel(1, 0).0, [10, 20, 30]);
    }

    #[test]
    fn junk_is_not_an_image() {
        for junk in [&b""[..], b"hello", b"\x89PNG\r\n\x1a\nbroken"] {
            let err = process(junk).err().map(|e| e.code);
            assert_eq!(err, Some(ErrorCode::NotAnImage));
        }
    }
}
