//! Link previews: what a chat app shows when a link is pasted. Chat crawlers run no
//! JavaScript, so the server writes each shareable page's `<title>`, description, Open
//! Graph and Twitter tags into the HTML it returns for `/p/{id}`, `/posts/{id}`,
//! `/c/{slug}`, `/g/{id}` and `/s/{code}`, and draws the picture they point at: `GET
//! /og/{p|posts|c|s}/{key}.jpg`, a 1200×630 JPEG cut from the item's own picture with a
//! thin band of the brand's red (a group-buy shows its product's, a shop its first
//! product's, else its member's picture).
//!
//! The tags are the same for every client (no user-agent sniffing) and in Chinese, the
//! site's first language. Every URL in them is absolute and built from `--public-origin`,
//! never from the request's Host header; `og:url` is the canonical page, without `ref` or
//! any other query. All text is HTML-escaped: titles come from members.

use std::fmt::Write as _;
use std::path::{Component, Path as FsPath, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRef, Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, Rgb, RgbImage};
use quanzi_api::Money;
use quanzi_api::{format_money, plain_amount};
use sha2::{Digest, Sha256};
use sqlx::Row;
use tokio::sync::Semaphore;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::content::upload;
use crate::content::variant::write_atomically;
use crate::http::error::AppError;
use crate::http::params::{parse_id, parse_slug};
use crate::site::html::escape_html;
use crate::storage::db::{u32_at, Db};
use crate::storage::names::hex;

/// The preview picture's size: what Open Graph consumers crop to (1.91:1).
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;
/// Some chat apps drop previews whose picture is larger than this.
pub const MAX_BYTES: usize = 300 * 1024;
/// The brand's red (the app's `--brand` and the manifest's theme colour).
pub const BRAND: [u8; 3] = [0xe8, 0x45, 0x3c];
/// The band along the bottom edge, in pixels: thin, but enough to read as Quanzi.
pub const BAND: u32 = 16;
/// The canvas when an item's picture cannot be read: a pale tint of the brand.
const PLACEHOLDER: [u8; 3] = [0xfb, 0xe4, 0xe2];
/// Part of every cached file's name: bump it when the drawing changes, and old files are
/// no longer used.
const DRAWING_VERSION: &str = "1";
/// `og:site_name`, and the end of each page's `<title>`.
pub const SITE_NAME: &str = "圈子 Quanzi";
/// Pictures drawn at once; each holds a decoded source picture in memory.
const DRAWERS: usize = 2;
/// A source file larger than this is not a picture of ours.
const MAX_SOURCE_BYTES: u64 = 32 * 1024 * 1024;
/// Longest description, in characters; chat apps cut around here anyway.
const DESCRIPTION_MAX_CHARS: usize = 120;
/// Generated pictures may change (a new cover, a deleted photo), so a day, not forever.
const IMAGE_CACHE: &str = "public, max-age=86400";

/// A shareable item: the key in its URL, by kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Product(i64),
    Post(i64),
    Community(String),
    /// A group-buy, and the product whose picture it shows.
    Group {
        id: i64,
        product: i64,
    },
    /// A member's shop, by their referral code.
    Shop(String),
    /// A pay-for-me link, and the product whose picture it shows (its first line's).
    PayLink {
        token: String,
        product: i64,
    },
}

impl Item {
    /// The first segment of the item's page path (and of its picture's, under `/og/`).
    pub fn prefix(&self) -> &'static str {
        match self {
            Item::Product(_) => "p",
            Item::Post(_) => "posts",
            Item::Community(_) => "c",
            Item::Group { .. } => "g",
            Item::Shop(_) => "s",
            Item::PayLink { .. } => "pay",
        }
    }

    pub fn key(&self) -> String {
        match self {
            Item::Product(id) | Item::Post(id) | Item::Group { id, .. } => id.to_string(),
            Item::Community(slug) | Item::Shop(slug) | Item::PayLink { token: slug, .. } => {
                slug.clone()
            }
        }
    }

    /// The canonical page path: `/p/1`, `/posts/7`, `/c/coffee`.
    pub fn path(&self) -> String {
        format!("/{}/{}", self.prefix(), self.key())
    }

    /// The preview picture's path (a group-buy shows its product's picture).
    pub fn image_path(&self) -> String {
        match self {
            Item::Group { product, .. } | Item::PayLink { product, .. } => {
                Item::Product(*product).image_path()
            }
            _ => format!("/og/{}/{}.jpg", self.prefix(), self.key()),
        }
    }

    fn og_type(&self) -> &'static str {
        match self {
            Item::Product(_) | Item::Group { .. } => "product",
            Item::Post(_) => "article",
            Item::Community(_) | Item::Shop(_) | Item::PayLink { .. } => "website",
        }
    }
}

/// What a page's preview says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    pub item: Item,
    pub title: String,
    pub description: String,
    /// The text alternative of the picture the preview image is cut from.
    pub image_alt: String,
    /// A product's price (the group price when there is one), for `product:price:*`.
    pub price: Option<Money>,
}

/// Text on one line: runs of whitespace and control characters become one space.
fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// At most `max` characters, with `…` when cut.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn description(text: &str) -> String {
    clip(&one_line(text), DESCRIPTION_MAX_CHARS)
}

/// A product's preview: its title, and the group price and size before its subtitle
/// (`3人团 ¥59.00（单买 ¥79.00）· …`), or its price alone when it sells solo only; `已下架`
/// (off the shelf) or `已售罄` (sold out) first when it cannot be bought.
pub async fn product(db: &Db, id: i64) -> Result<Option<Preview>, AppError> {
    let row = sqlx::query(
        "SELECT pr.title_zh, pr.subtitle_zh, pr.currency, pr.solo_price, pr.group_price,
                pr.group_size,
                (SELECT i.alt_zh FROM product_images i WHERE i.product_id = pr.id
                 ORDER BY i.position LIMIT 1),
                pr.published, pr.stock
         FROM products pr WHERE pr.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    let Some(r) = row else {
        return Ok(None);
    };
    // An old link in a chat says at once that there is nothing to buy.
    let shelf = match (r.try_get::<i64, _>(7)?, r.try_get::<i64, _>(8)?) {
        (0, _) => Some("已下架"),
        (_, 0) => Some("已售罄"),
        _ => None,
    };
    let (title, subtitle, currency, solo): (String, String, String, i64) =
        (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?);
    let (group_price, alt): (Option<i64>, Option<String>) = (r.try_get(4)?, r.try_get(6)?);
    let group_size = match r.try_get::<Option<i64>, _>(5)? {
        Some(_) => Some(u32_at(&r, 5)?),
        None => None,
    };
    let solo = Money {
        amount: solo,
        currency: currency.clone(),
    };
    let subtitle = one_line(&subtitle);
    let (offer, price) = match (group_price, group_size) {
        (Some(amount), Some(size)) => {
            let group = Money { amount, currency };
            (
                format!(
                    "{size}人团 {}（单买 {}）",
                    format_money(&group),
                    format_money(&solo)
                ),
                group,
            )
        }
        _ => (format_money(&solo), solo),
    };
    // A full-width bracket brings its own space, as Chinese typesetting has it.
    let text = match (subtitle.is_empty(), offer.ends_with('）')) {
        (true, _) => offer,
        (false, true) => format!("{offer}· {subtitle}"),
        (false, false) => format!("{offer} · {subtitle}"),
    };
    let text = match shelf {
        Some(shelf) => format!("{shelf} · {text}"),
        None => text,
    };
    Ok(Some(Preview {
        item: Item::Product(id),
        title: one_line(&title),
        description: description(&text),
        image_alt: one_line(&alt.unwrap_or_default()),
        price: shelf.is_none().then_some(price),
    }))
}

/// A group-buy's preview: its product's title with 拼团, the group price and size, and how
/// it stands (`3人团 ¥59.00（单买 ¥79.00）· 还差 2 人`), on its product's picture.
pub async fn group(db: &Db, id: i64) -> Result<Option<Preview>, AppError> {
    let row = sqlx::query(
        "SELECT g.product_id, g.size, g.currency, g.price, g.state, g.seats_taken,
                pr.title_zh, pr.solo_price,
                (SELECT i.alt_zh FROM product_images i WHERE i.product_id = pr.id
                 ORDER BY i.position LIMIT 1)
         FROM group_buys g JOIN products pr ON pr.id = g.product_id
         WHERE g.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    let Some(r) = row else {
        return Ok(None);
    };
    let (product, size, currency, price): (i64, u32, String, i64) =
        (r.try_get(0)?, u32_at(&r, 1)?, r.try_get(2)?, r.try_get(3)?);
    let (state, seats_taken, title, solo): (String, u32, String, i64) =
        (r.try_get(4)?, u32_at(&r, 5)?, r.try_get(6)?, r.try_get(7)?);
    let alt: Option<String> = r.try_get(8)?;
    let price = Money {
        amount: price,
        currency: currency.clone(),
    };
    let solo = Money {
        amount: solo,
        currency,
    };
    let standing = match state.as_str() {
        "succeeded" => "已成团".to_owned(),
        "failed" => "未成团，已结束".to_owned(),
        _ => match size.saturating_sub(seats_taken) {
            0 => "名额已满，等待付款".to_owned(),
            left => format!("还差 {left} 人，快来一起拼"),
        },
    };
    let text = format!(
        "{size}人团 {}（单买 {}）· {standing}",
        format_money(&price),
        format_money(&solo)
    );
    Ok(Some(Preview {
        item: Item::Group { id, product },
        title: format!("{} 拼团", one_line(&title)),
        description: description(&text),
        image_alt: one_line(&alt.unwrap_or_default()),
        price: Some(price),
    }))
}

/// A post's preview: its title (as written) and the start of its text.
pub async fn post(db: &Db, id: i64) -> Result<Option<Preview>, AppError> {
    let row = sqlx::query(
        "SELECT p.title, p.body, c.name_zh,
                coalesce((SELECT i.alt_zh FROM post_images i WHERE i.post_id = p.id
                          ORDER BY i.position LIMIT 1), c.cover_alt_zh)
         FROM posts p JOIN communities c ON c.id = p.community_id
         WHERE p.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    let Some(r) = row else {
        return Ok(None);
    };
    let (title, body, community, alt): (String, String, String, String) =
        (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?);
    let paragraphs: Vec<String> = serde_json::from_str(&body)?;
    let text = format!("「{}」{}", one_line(&community), paragraphs.join(" "));
    Ok(Some(Preview {
        item: Item::Post(id),
        title: one_line(&title),
        description: description(&text),
        image_alt: one_line(&alt),
        price: None,
    }))
}

/// A shop's preview: "{name}的小店" and the products it features, on its first product's
/// picture (or the member's).
pub async fn shop(db: &Db, code: &str) -> Result<Option<Preview>, AppError> {
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM members WHERE referral_code = $1")
            .bind(code)
            .fetch_optional(db.pool())
            .await?;
    let Some(name) = name else {
        return Ok(None);
    };
    let products: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT pr.title_zh, (SELECT i.alt_zh FROM product_images i
                               WHERE i.product_id = pr.id ORDER BY i.position LIMIT 1)
         FROM shop_products s
         JOIN members m ON m.id = s.member_id
         JOIN products pr ON pr.id = s.product_id
         WHERE m.referral_code = $1 AND pr.published = 1
         ORDER BY s.position",
    )
    .bind(code)
    .fetch_all(db.pool())
    .await?;
    let name = one_line(&name);
    let text = match products.len() {
        0 => format!("{name}在圈子分享的好物"),
        n => {
            let titles: Vec<String> = products.iter().map(|(t, _)| one_line(t)).collect();
            format!("{n} 件精选好物：{}", titles.join("、"))
        }
    };
    let alt = products
        .first()
        .and_then(|(_, alt)| alt.clone())
        .unwrap_or_else(|| name.clone());
    Ok(Some(Preview {
        item: Item::Shop(code.to_owned()),
        title: format!("{name}的小店"),
        description: description(&text),
        image_alt: one_line(&alt),
        price: None,
    }))
}

/// A pay-for-me link's preview: "{name}请你帮忙付款", the note, the total and what it
/// buys, on the first product's picture. Never the address, the phone or the pickup
/// contact. `None` for no such link (and the page says so).
pub async fn pay_link(db: &Db, token: &str) -> Result<Option<Preview>, AppError> {
    let row: Option<(String, String, i64, String, i64)> = sqlx::query_as(
        "SELECT m.name, l.note, o.total, o.currency, o.id
         FROM pay_links l JOIN members m ON m.id = l.requester_id
         JOIN orders o ON o.id = l.order_id
         WHERE l.token = $1",
    )
    .bind(token)
    .fetch_optional(db.pool())
    .await?;
    let Some((name, note, total, currency, order_id)) = row else {
        return Ok(None);
    };
    let lines: Vec<(i64, String, i64, Option<String>)> = sqlx::query_as(
        "SELECT l.product_id, pr.title_zh, l.quantity,
                (SELECT i.alt_zh FROM product_images i WHERE i.product_id = pr.id
                 ORDER BY i.position LIMIT 1)
         FROM order_lines l JOIN products pr ON pr.id = l.product_id
         WHERE l.order_id = $1 ORDER BY l.position",
    )
    .bind(order_id)
    .fetch_all(db.pool())
    .await?;
    let Some((product, _, _, alt)) = lines.first().cloned() else {
        return Ok(None);
    };
    let items: Vec<String> = lines
        .iter()
        .map(|(_, title, quantity, _)| format!("{}×{quantity}", one_line(title)))
        .collect();
    let total = Money {
        amount: total,
        currency,
    };
    let note = one_line(&note);
    let text = match note.is_empty() {
        true => format!("共 {}：{}", format_money(&total), items.join("、")),
        false => format!("“{note}” 共 {}：{}", format_money(&total), items.join("、")),
    };
    Ok(Some(Preview {
        item: Item::PayLink {
            token: token.to_owned(),
            product,
        },
        title: format!("{}请你帮忙付款", one_line(&name)),
        description: description(&text),
        image_alt: one_line(&alt.unwrap_or_default()),
        price: None,
    }))
}

/// A community's preview: its name, description and size.
pub async fn community(db: &Db, slug: &str) -> Result<Option<Preview>, AppError> {
    let row = sqlx::query(
        "SELECT name_zh, description_zh, member_count, cover_alt_zh
         FROM communities WHERE slug = $1",
    )
    .bind(slug)
    .fetch_optional(db.pool())
    .await?;
    let Some(r) = row else {
        return Ok(None);
    };
    let (name, about, members, alt): (String, String, u32, String) =
        (r.try_get(0)?, r.try_get(1)?, u32_at(&r, 2)?, r.try_get(3)?);
    // The size first: a long description is cut at its end, never the count.
    let text = format!("{members} 位成员 · {}", one_line(&about));
    Ok(Some(Preview {
        item: Item::Community(slug.to_owned()),
        title: one_line(&name),
        description: description(&text),
        image_alt: one_line(&alt),
        price: None,
    }))
}

impl Preview {
    /// The tags for the page's `<head>`, in place of the shell's own title and description.
    /// `origin` is the validated public origin (`https://shop.example`, no trailing slash).
    pub fn head(&self, origin: &str) -> String {
        let url = format!("{origin}{}", self.item.path());
        let image = format!("{origin}{}", self.item.image_path());
        let mut out = String::with_capacity(2048);
        let mut property = |name: &str, content: &str| {
            let _ = write!(
                out,
                "<meta property=\"{name}\" content=\"{}\" />\n    ",
                escape_html(content)
            );
        };
        property("og:site_name", SITE_NAME);
        property("og:locale", "zh_CN");
        property("og:locale:alternate", "en_US");
        property("og:type", self.item.og_type());
        property("og:title", &self.title);
        property("og:description", &self.description);
        property("og:url", &url);
        property("og:image", &image);
        property("og:image:type", "image/jpeg");
        property("og:image:width", &WIDTH.to_string());
        property("og:image:height", &HEIGHT.to_string());
        if !self.image_alt.is_empty() {
            property("og:image:alt", &self.image_alt);
        }
        if let Some(price) = &self.price {
            property("product:price:amount", &plain_amount(price));
            property("product:price:currency", &price.currency);
        }
        let mut head = format!(
            "<title>{} - {SITE_NAME}</title>\n    \
             <meta name=\"description\" content=\"{}\" />\n    \
             <link rel=\"canonical\" href=\"{}\" />\n    ",
            escape_html(&self.title),
            escape_html(&self.description),
            escape_html(&url),
        );
        head.push_str(&out);
        let _ = write!(
            head,
            "<meta name=\"twitter:card\" content=\"summary_large_image\" />\n    \
             <meta name=\"twitter:title\" content=\"{}\" />\n    \
             <meta name=\"twitter:description\" content=\"{}\" />\n    \
             <meta name=\"twitter:image\" content=\"{}\" />",
            escape_html(&self.title),
            escape_html(&self.description),
            escape_html(&image),
        );
        head
    }
}

/// Where preview pictures are drawn from and kept.
pub struct Store {
    /// `previews/` in the data directory: generated files, safe to delete at any time.
    dir: PathBuf,
    /// The app's `dist/` (demo pictures are `/img/…` there) and the members' uploads.
    dist: PathBuf,
    uploads: PathBuf,
    drawers: Arc<Semaphore>,
    /// The posters' own turns (`site::poster`).
    poster_drawers: Arc<Semaphore>,
}

impl Store {
    pub fn open(dir: &FsPath, dist: &FsPath, uploads: &FsPath) -> anyhow::Result<Store> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the previews directory {}", dir.display()))?;
        Ok(Store {
            dir: dir.to_owned(),
            dist: dist.to_owned(),
            uploads: uploads.to_owned(),
            drawers: Arc::new(Semaphore::new(DRAWERS)),
            poster_drawers: Arc::new(Semaphore::new(DRAWERS)),
        })
    }

    /// A generated file's path in the store.
    pub(crate) fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// A turn at drawing: a few at once, the rest wait. The permit travels with the work,
    /// so a client that hangs up frees no slot early.
    pub(crate) async fn drawer(&self) -> Result<tokio::sync::OwnedSemaphorePermit, AppError> {
        Arc::clone(&self.drawers)
            .acquire_owned()
            .await
            .map_err(AppError::internal)
    }

    /// A turn at drawing a poster, or `unavailable` at once when as many as there are
    /// turns are being drawn: a poster is asked for by a member waiting on a button, and
    /// a queue of them must not hold up the link previews' turns.
    pub(crate) fn poster_drawer(&self) -> Result<tokio::sync::OwnedSemaphorePermit, AppError> {
        Arc::clone(&self.poster_drawers)
            .try_acquire_owned()
            .map_err(|_| {
                AppError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    quanzi_api::ErrorCode::Unavailable,
                    "posters are being drawn; try again in a moment",
                )
            })
    }

    /// Removes the files named `{stem}…` but `keep`: the older drawings of the same thing.
    pub(crate) fn remove_older(&self, keep: &str, stem: &str) {
        if let Ok(entries) = std::fs::read_dir(&self.dir) {
            for entry in entries.flatten() {
                let file = entry.file_name();
                let Some(file) = file.to_str() else { continue };
                if file.starts_with(stem) && file != keep {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
    }

    /// The file behind a picture URL the database holds: `/media/{name}` in the uploads,
    /// `/img/…` and other plain paths in `dist/`. `None` for anything else (an absolute URL
    /// elsewhere, a path that climbs out with `..`, odd characters).
    pub(crate) fn source_path(&self, url: &str) -> Option<PathBuf> {
        if let Some(name) = url.strip_prefix(upload::MEDIA_PREFIX) {
            return upload::is_media_name(name).then(|| self.uploads.join(name));
        }
        let relative = url.strip_prefix('/')?;
        let plain = |segment: &str| {
            !segment.is_empty()
                && !segment.starts_with('.')
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        };
        if !relative.split('/').all(plain) {
            return None;
        }
        let path = FsPath::new(relative);
        path.components()
            .all(|c| matches!(c, Component::Normal(_)))
            .then(|| self.dist.join(path))
    }
}

/// Reads an item's main picture URL: a product's first gallery picture, a post's first
/// photo (else its community's cover), a community's cover. `None` when there is no such
/// item; `Some(None)` for an item without any picture (drawn as a plain canvas).
async fn source_url(db: &Db, item: &Item) -> Result<Option<Option<String>>, AppError> {
    let query = match item {
        Item::Product(id) | Item::Group { product: id, .. } | Item::PayLink { product: id, .. } => {
            sqlx::query_scalar(
                "SELECT (SELECT i.url FROM product_images i WHERE i.product_id = pr.id
                     ORDER BY i.position LIMIT 1)
             FROM products pr WHERE pr.id = $1",
            )
            .bind(*id)
        }
        Item::Post(id) => sqlx::query_scalar(
            "SELECT coalesce((SELECT i.url FROM post_images i WHERE i.post_id = p.id
                              ORDER BY i.position LIMIT 1), c.cover_url)
             FROM posts p JOIN communities c ON c.id = p.community_id WHERE p.id = $1",
        )
        .bind(*id),
        Item::Community(slug) => {
            sqlx::query_scalar("SELECT cover_url FROM communities WHERE slug = $1")
                .bind(slug.clone())
        }
        Item::Shop(code) => sqlx::query_scalar(
            "SELECT coalesce(
                 (SELECT i.url FROM shop_products s
                  JOIN products pr ON pr.id = s.product_id
                  JOIN product_images i ON i.product_id = pr.id AND i.position = 0
                  WHERE s.member_id = m.id AND pr.published = 1
                  ORDER BY s.position LIMIT 1),
                 m.avatar_url)
             FROM members m WHERE m.referral_code = $1",
        )
        .bind(code.clone()),
    };
    Ok(query.fetch_optional(db.pool()).await?)
}

/// Cuts `picture` to fill 1200×630 (scaled to cover, the overflow trimmed evenly from both
/// sides, like CSS `object-fit: cover`) and lays the brand band along the bottom. Without a
/// picture, the canvas is a pale brand tint.
pub fn render(picture: Option<&DynamicImage>) -> RgbImage {
    let mut canvas = match picture {
        Some(picture) => {
            upload::flatten(&picture.resize_to_fill(WIDTH, HEIGHT, FilterType::Triangle))
        }
        None => RgbImage::from_pixel(WIDTH, HEIGHT, Rgb(PLACEHOLDER)),
    };
    for y in HEIGHT - BAND..HEIGHT {
        for x in 0..WIDTH {
            canvas.put_pixel(x, y, Rgb(BRAND));
        }
    }
    canvas
}

/// The canvas as a JPEG under [`MAX_BYTES`]: a photo fits at the first quality, and noisier
/// pictures step down until one fits. A picture that is nearly all fine detail (noise, a
/// dense pattern) is softened, its detail given up to keep the preview at all.
pub fn encode(canvas: &RgbImage) -> Result<Vec<u8>, AppError> {
    const QUALITIES: [u8; 4] = [82, 70, 55, 40];
    let mut jpeg = Vec::new();
    let mut softened: Option<RgbImage> = None;
    for scale in [1, 2, 4, 8] {
        let picture = if scale == 1 {
            canvas
        } else {
            let small = image::imageops::resize(
                canvas,
                WIDTH / scale,
                HEIGHT / scale,
                FilterType::Triangle,
            );
            softened.insert(image::imageops::resize(
                &small,
                WIDTH,
                HEIGHT,
                FilterType::Triangle,
            ))
        };
        for quality in QUALITIES {
            jpeg.clear();
            JpegEncoder::new_with_quality(&mut jpeg, quality)
                .encode_image(picture)
                .map_err(AppError::internal)?;
            if jpeg.len() < MAX_BYTES {
                return Ok(jpeg);
            }
        }
    }
    Err(AppError::internal(format!(
        "a preview picture stays at {} bytes however it is encoded",
        jpeg.len()
    )))
}

/// The cached file for an item drawn from a source: named after the item and a hash of
/// the source's URL, size and modification time, so a new picture, or a file replaced
/// under the same URL, is drawn anew. `.` separates the parts: neither ids nor slugs
/// contain one, so one item's files never look like another's.
fn cache_name(item: &Item, source: Option<&str>, stamp: Option<(u64, u128)>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(DRAWING_VERSION.as_bytes());
    hasher.update([0]);
    hasher.update(source.unwrap_or("").as_bytes());
    if let Some((len, modified)) = stamp {
        hasher.update(len.to_le_bytes());
        hasher.update(modified.to_le_bytes());
    }
    let hash = hex(&hasher.finalize()[..8]);
    format!("{}.{}.{hash}.jpg", item.prefix(), item.key())
}

/// Size and modification time of a source file, if it is there.
pub(crate) fn stamp(path: &FsPath) -> Option<(u64, u128)> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    Some((meta.len(), modified))
}

/// Reads and decodes a source picture; `None` (logged) when it is missing or unreadable,
/// and the preview is drawn without it rather than not at all.
pub(crate) fn load_source(path: &FsPath) -> Option<DynamicImage> {
    let too_big = std::fs::metadata(path).is_ok_and(|m| m.len() > MAX_SOURCE_BYTES);
    if too_big {
        tracing::warn!(file = %path.display(), "a preview source is too large to read");
        return None;
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            tracing::warn!(error = %err, file = %path.display(), "cannot read a preview source");
            return None;
        }
    };
    match upload::decode(&bytes) {
        Ok(picture) => Some(picture),
        Err(err) => {
            tracing::warn!(code = err.code.as_str(), file = %path.display(), "cannot decode a preview source");
            None
        }
    }
}

/// Draws, encodes and stores a preview, written atomically (a reader never sees half a
/// file, and two requests drawing at once both leave a whole one). Older files of the same
/// item are removed afterwards.
fn draw(store: &Store, item: &Item, source: Option<&FsPath>, name: &str) -> Result<(), AppError> {
    let picture = source.and_then(load_source);
    let jpeg = encode(&render(picture.as_ref()))?;
    write_atomically(&store.dir.join(name), &jpeg).map_err(AppError::internal)?;
    store.remove_older(name, &format!("{}.{}.", item.prefix(), item.key()));
    Ok(())
}

/// The item a `/og/{kind}/{file}` request names: `{key}.jpg`, the key checked like the
/// API's (`bad_id`, `bad_slug`); any other file name is `not_found`.
fn parse_item(prefix: &str, file: Result<Path<String>, PathRejection>) -> Result<Item, AppError> {
    let no_such = || AppError::not_found("no such preview picture");
    let Ok(Path(file)) = file else {
        return Err(no_such());
    };
    let key = file.strip_suffix(".jpg").ok_or_else(no_such)?;
    match prefix {
        "p" => Ok(Item::Product(parse_id(key)?)),
        "posts" => Ok(Item::Post(parse_id(key)?)),
        "s" => quanzi_api::parse_referral_code(key)
            .filter(|code| code == key)
            .map(Item::Shop)
            .ok_or_else(no_such),
        _ => Ok(Item::Community(parse_slug(key)?.to_owned())),
    }
}

/// What the preview pictures need of the state: the database and the picture store.
#[derive(Clone)]
pub struct PreviewState {
    pub db: Db,
    pub previews: Arc<Store>,
}

impl<S> FromRef<S> for PreviewState
where
    Db: FromRef<S>,
    Arc<Store>: FromRef<S>,
{
    fn from_ref(state: &S) -> Self {
        PreviewState {
            db: Db::from_ref(state),
            previews: Arc::from_ref(state),
        }
    }
}

/// The path of an item's preview picture on disk, drawn first if it is not there yet.
async fn picture_file(state: &PreviewState, item: Item) -> Result<PathBuf, AppError> {
    let source = source_url(&state.db, &item)
        .await?
        .ok_or_else(|| AppError::not_found("no such item"))?;
    let store = Arc::clone(&state.previews);
    // File system calls block: they run on the blocking pool, like the drawing.
    let (source_path, name, cached) = {
        let store = Arc::clone(&store);
        let item = item.clone();
        tokio::task::spawn_blocking(move || {
            let source_path = source.as_deref().and_then(|url| store.source_path(url));
            let stamp = source_path.as_deref().and_then(stamp);
            let name = cache_name(&item, source.as_deref(), stamp);
            let cached = store.dir.join(&name).is_file();
            (source_path, name, cached)
        })
        .await
        .map_err(AppError::internal)?
    };
    let path = store.dir.join(&name);
    if cached {
        return Ok(path);
    }
    // Drawing is the costly part: a few at once, the rest wait their turn.
    let permit = store.drawer().await?;
    tokio::task::spawn_blocking(move || {
        // Another request may have drawn it while this one waited.
        if !store.dir.join(&name).is_file() {
            draw(&store, &item, source_path.as_deref(), &name)?;
        }
        drop(permit);
        Ok(path)
    })
    .await
    .map_err(AppError::internal)?
}

async fn serve_picture(
    state: PreviewState,
    prefix: &str,
    file: Result<Path<String>, PathRejection>,
    req: Request,
) -> Response {
    let item = match parse_item(prefix, file) {
        Ok(item) => item,
        Err(err) => return err.into_response(),
    };
    let path = match picture_file(&state, item).await {
        Ok(path) => path,
        Err(err) => return err.into_response(),
    };
    serve_jpeg(path, req, IMAGE_CACHE).await
}

/// A generated JPEG from the store (a preview picture, a poster), with its caching, type
/// and a CSP that lets it do nothing. Removed between drawing and serving (someone cleared
/// the cache), it is `not_found`: asked again, it is drawn again.
pub(crate) async fn serve_jpeg(
    path: PathBuf,
    req: Request,
    cache_control: &'static str,
) -> Response {
    let res = match ServeFile::new(path).oneshot(req).await {
        Ok(res) => res,
        Err(never) => match never {},
    };
    if res.status() == StatusCode::NOT_FOUND {
        return AppError::not_found("no such picture").into_response();
    }
    let mut res = res.map(Body::new);
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        let headers = res.headers_mut();
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control),
        );
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; sandbox"),
        );
    }
    res
}

/// `GET /og/p/{id}.jpg`.
pub async fn product_picture(
    State(state): State<PreviewState>,
    file: Result<Path<String>, PathRejection>,
    req: Request,
) -> Response {
    serve_picture(state, "p", file, req).await
}

/// `GET /og/posts/{id}.jpg`.
pub async fn post_picture(
    State(state): State<PreviewState>,
    file: Result<Path<String>, PathRejection>,
    req: Request,
) -> Response {
    serve_picture(state, "posts", file, req).await
}

/// `GET /og/c/{slug}.jpg`.
pub async fn community_picture(
    State(state): State<PreviewState>,
    file: Result<Path<String>, PathRejection>,
    req: Request,
) -> Response {
    serve_picture(state, "c", file, req).await
}

/// `GET /og/s/{code}.jpg`.
pub async fn shop_picture(
    State(state): State<PreviewState>,
    file: Result<Path<String>, PathRejection>,
    req: Request,
) -> Response {
    serve_picture(state, "s", file, req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_as_people_write_it() {
        assert_eq!(format_money(&Money::cny(5900)), "¥59.00");
        assert_eq!(format_money(&Money::cny(5)), "¥0.05");
        assert_eq!(
            format_money(&Money {
                amount: 1250,
                currency: "USD".to_owned()
            }),
            "USD 12.50"
        );
    }

    #[test]
    fn text_is_one_line_and_clipped() {
        assert_eq!(one_line("  a\n\tb\u{0}c  "), "a b c");
        assert_eq!(clip("一二三四五", 5), "一二三四五");
        assert_eq!(clip("一二三四五六", 5), "一二三四…");
    }

    #[test]
    fn sources_stay_inside_their_directories() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let store = Store::open(
            &dir.path().join("previews"),
            &dir.path().join("dist"),
            &dir.path().join("uploads"),
        )?;
        assert_eq!(
            store.source_path("/img/products/1-1.jpg"),
            Some(dir.path().join("dist/img/products/1-1.jpg"))
        );
        let media = format!("/media/{}.jpg", "a".repeat(40));
        assert_eq!(
            store.source_path(&media),
            Some(dir.path().join(format!("uploads/{}.jpg", "a".repeat(40))))
        );
        for bad in [
            "img/x.jpg",
            "//evil.example/x.jpg",
            "https://evil.example/x.jpg",
            "/img/../../etc/passwd",
            "/img/./x.jpg",
            "/img//x.jpg",
            "/.hidden.jpg",
            "/media/../x.jpg",
            "/img/x.jpg?v=1",
            "/img/%2e%2e/x.jpg",
        ] {
            assert_eq!(store.source_path(bad), None, "{bad}");
        }
        Ok(())
    }

    #[test]
    fn a_picture_is_cut_to_cover_with_the_band() -> Result<(), AppError> {
        // Tall and two-coloured: the top and bottom quarters are cut away.
        let tall = RgbImage::from_fn(300, 600, |_, y| {
            if y < 300 {
                Rgb([0, 0, 255])
            } else {
                Rgb([0, 255, 0])
            }
        });
        let canvas = render(Some(&DynamicImage::ImageRgb8(tall)));
        assert_eq!(canvas.dimensions(), (WIDTH, HEIGHT));
        assert_eq!(canvas.get_pixel(600, 10).0, [0, 0, 255]);
        assert_eq!(canvas.get_pixel(600, HEIGHT - BAND - 10).0, [0, 255, 0]);
        assert_eq!(canvas.get_pixel(5, HEIGHT - 1).0, BRAND);
        // Noise is the worst case for JPEG; it still fits the budget.
        let mut seed = 1u32;
        let noise = RgbImage::from_fn(WIDTH, HEIGHT, |_, _| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let [a, b, c, _] = seed.to_le_bytes();
            Rgb([a, b, c])
        });
        assert!(encode(&noise)?.len() < MAX_BYTES);
        Ok(())
    }
}
