//! Share posters (issue 15): for chats where links do not unfurl, a picture a member saves
//! or long-presses into the chat. `GET /posters/{p|g|s}/{key}?lang=` draws a 1080×1440
//! JPEG: the item's picture, its title, the group and solo prices (a shop: how many
//! picks), who shares it (the signed-in member: nobody draws one in another's name, and
//! the posters kept are bounded by what members share), and a QR code of the link with
//! their code.
//!
//! The text is set in the system's Noto Sans CJK (Debian's `fonts-noto-cjk`, which `cargo
//! xtask setup` installs); without it the poster is `503 unavailable`, never a poster with
//! empty boxes. Posters are kept in the preview store, named after the item, code and
//! language and a hash of everything drawn (title, prices, picture, link): a new price
//! draws a new one, and the old file of that item, code and language is removed.

use std::path::{Path as FsPath, PathBuf};
use std::sync::{Arc, OnceLock};

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRef, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{Rgb, RgbImage};
use quanzi_api::{format_money, href, href_with, ErrorCode, Money, Route};
use sha2::{Digest, Sha256};
use sqlx::{AssertSqlSafe, Row};
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::IntoParams;

use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::{PathCode, PathId};
use crate::members::session::Viewer;
use crate::site::preview;
use crate::site::shell::Web;
use crate::storage::db::{u32_at, Db};
use crate::storage::names::hex;

pub const WIDTH: u32 = 1080;
pub const HEIGHT: u32 = 1440;
/// The picture's square at the top.
const PICTURE: u32 = WIDTH;
const MARGIN: f32 = 56.0;
const QR_SIZE: u32 = 260;
const INK: [u8; 3] = [0x1f, 0x1f, 0x1f];
const MUTED: [u8; 3] = [0x6b, 0x6b, 0x6b];
const RED: [u8; 3] = [0xc8, 0x35, 0x2b];
/// Part of every poster's file name: bump it when the drawing changes.
const DRAWING_VERSION: &str = "1";
/// Where Debian puts Noto Sans CJK; index 2 of each collection is Simplified Chinese.
const FONT_FILES: [&str; 2] = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
];
const FONT_INDEX: u32 = 2;

/// The two faces, read once on the first poster; `None` when they are not installed.
fn fonts() -> Option<&'static (Vec<u8>, Vec<u8>)> {
    static FONTS: OnceLock<Option<(Vec<u8>, Vec<u8>)>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let read = |path: &str| match std::fs::read(path) {
                Ok(bytes) => Some(bytes),
                Err(err) => {
                    tracing::warn!(error = %err, path, "no poster font (install fonts-noto-cjk)");
                    None
                }
            };
            Some((read(FONT_FILES[0])?, read(FONT_FILES[1])?))
        })
        .as_ref()
}

/// `?lang=` of a poster.
#[derive(Debug, serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PosterQuery {
    /// `en` for English; Chinese otherwise.
    #[param(schema_with = quanzi_api::schema::poster_lang)]
    pub lang: Option<String>,
}

/// What a poster shows, read from the database.
#[derive(Debug)]
struct Content {
    route: Route,
    title: String,
    /// The big line: the group price, or a shop's count of picks.
    headline: String,
    /// Beside it: the group's size and the solo price, or a group's seats left.
    detail: String,
    picture: Option<String>,
    sharer: Option<String>,
    /// The link the QR code holds.
    link: String,
}

fn words(lang: Lang) -> [&'static str; 6] {
    match lang {
        Lang::Zh => [
            "{size}人团",
            "单买 {price}",
            "{name} 推荐",
            "长按识别二维码",
            "{name}的小店",
            "{n} 件精选好物",
        ],
        Lang::En => [
            "Group of {size}",
            "Solo {price}",
            "Shared by {name}",
            "Scan or press and hold",
            "{name}'s shop",
            "{n} picks",
        ],
    }
}

fn fill(text: &str, key: &str, value: &str) -> String {
    text.replace(&format!("{{{key}}}"), value)
}

/// Reads what the poster of `route` shows; `None` when there is no such item.
async fn content(
    db: &Db,
    route: Route,
    sharer: Option<(String, String)>,
    lang: Lang,
    origin: &str,
) -> Result<Option<Content>, AppError> {
    let w = words(lang);
    let (title, headline, detail, picture) = match &route {
        Route::Product(id) | Route::GroupBuy(id) => {
            // A group shows its own price and size, a product its offer's: the same columns.
            const PICTURE: &str = "(SELECT i.url FROM product_images i WHERE i.product_id = pr.id
                                    ORDER BY i.position LIMIT 1)";
            let sql = match route {
                Route::Product(_) => format!(
                    "SELECT pr.title_zh, pr.title_en, pr.currency, pr.solo_price, pr.group_price,
                            pr.group_size, {PICTURE}
                     FROM products pr WHERE pr.id = $1"
                ),
                _ => format!(
                    "SELECT pr.title_zh, pr.title_en, g.currency, pr.solo_price, g.price, g.size,
                            {PICTURE}
                     FROM group_buys g JOIN products pr ON pr.id = g.product_id WHERE g.id = $1"
                ),
            };
            let Some(r) = sqlx::query(AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(db.pool())
                .await?
            else {
                return Ok(None);
            };
            let currency: String = r.try_get(2)?;
            let solo = Money {
                amount: r.try_get(3)?,
                currency: currency.clone(),
            };
            let (headline, detail) = match r.try_get::<Option<i64>, _>(4)? {
                Some(amount) => (
                    format_money(&Money { amount, currency }),
                    format!(
                        "{} · {}",
                        fill(w[0], "size", &u32_at(&r, 5)?.to_string()),
                        fill(w[1], "price", &format_money(&solo))
                    ),
                ),
                None => (format_money(&solo), String::new()),
            };
            (
                lang.pick(r.try_get(0)?, r.try_get(1)?),
                headline,
                detail,
                r.try_get(6)?,
            )
        }
        Route::Shop(code) => {
            let Some(r) = sqlx::query(
                "SELECT m.name,
                        (SELECT count(*) FROM shop_products s JOIN products pr ON pr.id = s.product_id
                          WHERE s.member_id = m.id AND pr.published = 1),
                        coalesce(
                         (SELECT i.url FROM shop_products s
                          JOIN products pr ON pr.id = s.product_id
                          JOIN product_images i ON i.product_id = pr.id AND i.position = 0
                          WHERE s.member_id = m.id AND pr.published = 1
                          ORDER BY s.position LIMIT 1),
                         m.avatar_url)
                 FROM members m WHERE m.referral_code = $1",
            )
            .bind(code)
            .fetch_optional(db.pool())
            .await?
            else {
                return Ok(None);
            };
            let name: String = r.try_get(0)?;
            (
                fill(w[4], "name", &name),
                fill(w[5], "n", &r.try_get::<i64, _>(1)?.to_string()),
                String::new(),
                r.try_get(2)?,
            )
        }
        _ => return Ok(None),
    };
    // The link as the app's share control makes it: the page, with the sharer's code.
    let path = match &sharer {
        Some((code, _)) => href_with(route.clone(), &[("ref", code)]),
        None => href(route.clone()),
    };
    Ok(Some(Content {
        route,
        title,
        headline,
        detail,
        picture,
        sharer: sharer.map(|(_, name)| fill(w[2], "name", &name)),
        link: format!("{origin}{path}"),
    }))
}

/// Lines of `text` at `scale` no wider than `width`, at most `max` of them (the last cut
/// with `…`).
fn wrap(font: &FontRef<'_>, scale: PxScale, text: &str, width: f32, max: usize) -> Vec<String> {
    let scaled = font.as_scaled(scale);
    let advance = |c: char| scaled.h_advance(scaled.glyph_id(c));
    let mut lines = vec![String::new()];
    let mut used = 0.0;
    for c in text.chars().filter(|c| !c.is_control()) {
        let step = advance(c);
        if used + step > width {
            if lines.len() == max {
                if let Some(last) = lines.last_mut() {
                    last.pop();
                    last.push('…');
                }
                return lines;
            }
            lines.push(String::new());
            used = 0.0;
        }
        if let Some(line) = lines.last_mut() {
            line.push(c);
        }
        used += step;
    }
    lines
}

/// Draws `text` with its baseline at `y`, from `x`; returns where it ends.
fn text(
    canvas: &mut RgbImage,
    font: &FontRef<'_>,
    size: f32,
    x: f32,
    y: f32,
    colour: [u8; 3],
    text: &str,
) -> f32 {
    let scale = PxScale::from(size);
    let scaled = font.as_scaled(scale);
    let mut pen = x;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        let glyph = id.with_scale_and_position(scale, ab_glyph::point(pen, y));
        if let Some(outline) = font.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                let px = bounds.min.x as i64 + i64::from(gx);
                let py = bounds.min.y as i64 + i64::from(gy);
                let (Ok(px), Ok(py)) = (u32::try_from(px), u32::try_from(py)) else {
                    return;
                };
                if px >= canvas.width() || py >= canvas.height() {
                    return;
                }
                let under = canvas.get_pixel(px, py).0;
                let mix = |i: usize| {
                    (f32::from(under[i]) * (1.0 - coverage) + f32::from(colour[i]) * coverage) as u8
                };
                canvas.put_pixel(px, py, Rgb([mix(0), mix(1), mix(2)]));
            });
        }
        pen += scaled.h_advance(id);
    }
    pen
}

/// The link's QR code, `QR_SIZE` pixels square with its quiet zone, at (x, y).
fn qr(canvas: &mut RgbImage, link: &str, x: u32, y: u32) -> Result<(), AppError> {
    let code = qrcode::QrCode::with_error_correction_level(link, qrcode::EcLevel::M)
        .map_err(AppError::internal)?;
    let modules = code.width() as u32;
    let colours = code.to_colors();
    // Four modules of quiet zone each side, as scanners expect.
    let cell = QR_SIZE / (modules + 8);
    let offset = (QR_SIZE - cell * modules) / 2;
    for (i, colour) in colours.iter().enumerate() {
        if *colour != qrcode::Color::Dark {
            continue;
        }
        let (mx, my) = (i as u32 % modules, i as u32 / modules);
        for dy in 0..cell {
            for dx in 0..cell {
                canvas.put_pixel(
                    x + offset + mx * cell + dx,
                    y + offset + my * cell + dy,
                    Rgb([0, 0, 0]),
                );
            }
        }
    }
    Ok(())
}

/// The poster of `content`, with `picture` (its source, decoded) across the top.
fn draw(
    content: &Content,
    picture: Option<&image::DynamicImage>,
    lang: Lang,
) -> Result<Vec<u8>, AppError> {
    let (regular, bold) = fonts().ok_or_else(no_font)?;
    let regular =
        FontRef::try_from_slice_and_index(regular, FONT_INDEX).map_err(AppError::internal)?;
    let bold = FontRef::try_from_slice_and_index(bold, FONT_INDEX).map_err(AppError::internal)?;
    let mut canvas = RgbImage::from_pixel(WIDTH, HEIGHT, Rgb([255, 255, 255]));
    match picture {
        Some(picture) => {
            let top = crate::content::upload::flatten(&picture.resize_to_fill(
                PICTURE,
                PICTURE,
                FilterType::Triangle,
            ));
            image::imageops::replace(&mut canvas, &top, 0, 0);
        }
        None => {
            for y in 0..PICTURE {
                for x in 0..WIDTH {
                    canvas.put_pixel(x, y, Rgb([0xfb, 0xe4, 0xe2]));
                }
            }
        }
    }
    let below = PICTURE as f32;
    let text_width = (WIDTH - QR_SIZE) as f32 - MARGIN * 2.5;
    let mut y = below + 78.0;
    for line in wrap(&bold, PxScale::from(44.0), &content.title, text_width, 2) {
        text(&mut canvas, &bold, 44.0, MARGIN, y, INK, &line);
        y += 58.0;
    }
    y += 34.0;
    let end = text(&mut canvas, &bold, 64.0, MARGIN, y, RED, &content.headline);
    if !content.detail.is_empty() {
        for (i, line) in wrap(
            &regular,
            PxScale::from(30.0),
            &content.detail,
            text_width - (end - MARGIN) - 20.0,
            1,
        )
        .iter()
        .enumerate()
        {
            text(
                &mut canvas,
                &regular,
                30.0,
                end + 20.0,
                y - 4.0 + i as f32 * 36.0,
                MUTED,
                line,
            );
        }
    }
    if let Some(sharer) = &content.sharer {
        let line = wrap(&regular, PxScale::from(32.0), sharer, text_width, 1);
        text(
            &mut canvas,
            &regular,
            32.0,
            MARGIN,
            HEIGHT as f32 - 64.0,
            INK,
            &line.concat(),
        );
    }
    let qr_x = WIDTH - QR_SIZE - MARGIN as u32;
    let qr_y = PICTURE + 40;
    qr(&mut canvas, &content.link, qr_x, qr_y)?;
    let hint = words(lang)[3];
    let hint_width = {
        let scaled = regular.as_scaled(PxScale::from(24.0));
        hint.chars()
            .map(|c| scaled.h_advance(scaled.glyph_id(c)))
            .sum::<f32>()
    };
    let hint_x = qr_x as f32 + (QR_SIZE as f32 - hint_width) / 2.0;
    text(
        &mut canvas,
        &regular,
        24.0,
        hint_x,
        (qr_y + QR_SIZE) as f32 + 36.0,
        MUTED,
        hint,
    );
    // Sharp edges (the QR code, the text) want a high quality; a poster is saved, not streamed.
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&canvas)
        .map_err(AppError::internal)?;
    Ok(jpeg)
}

fn no_font() -> AppError {
    AppError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::Unavailable,
        "posters need the Noto CJK font (Debian's fonts-noto-cjk); `cargo xtask setup` installs it",
    )
}

/// What the poster handler needs of the state.
#[derive(Clone)]
pub struct PosterState {
    pub db: Db,
    pub web: Arc<Web>,
    pub previews: Arc<preview::Store>,
}

impl<S> FromRef<S> for PosterState
where
    Db: FromRef<S>,
    Arc<Web>: FromRef<S>,
    Arc<preview::Store>: FromRef<S>,
{
    fn from_ref(state: &S) -> Self {
        PosterState {
            db: Db::from_ref(state),
            web: Arc::from_ref(state),
            previews: Arc::from_ref(state),
        }
    }
}

/// A shop poster's `{code}` as the document states it: the code as shop links carry it
/// (the server also reads a code as people type it, as [`PathCode`] does).
struct ShopCode;

impl IntoParams for ShopCode {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![crate::http::params::parameter(
            "code",
            ParameterIn::Path,
            "The shop's member's referral code",
            quanzi_api::schema::shop_code(),
        )]
    }
}

/// What each poster route answers, in the OpenAPI document.
macro_rules! poster_route {
    ($name:ident, $path:literal, $what:literal, $key:ty, $documented:ty, $route:expr) => {
        #[doc = concat!("The share poster of ", $what, ": its picture, title and prices, the signed-in \
            member's name and a QR code of the link with their code (a guest's has neither), as a \
            1080×1440 JPEG.")]
        #[utoipa::path(
            get,
            path = $path,
            tag = "shops",
            params($documented, PosterQuery),
            responses(
                (status = 200, description = "The poster, `image/jpeg`, 1080×1440; drawn again when what it shows \
                    changes", content_type = "image/jpeg", body = Vec<u8>),
                (status = 400, description = "`bad_id`, `bad_referral_code` or `bad_request` (a `lang` other than \
                    `zh-CN` or `en`)", body = quanzi_api::ApiErrorBody),
                (status = 404, description = "`not_found`: no such item", body = quanzi_api::ApiErrorBody),
                (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
                (status = 503, description = "`unavailable`: the font posters are set in is not installed, or \
                    too many posters are being drawn; retry", body = quanzi_api::ApiErrorBody),
            )
        )]
        pub async fn $name(
            State(state): State<PosterState>,
            Viewer(viewer): Viewer,
            key: $key,
            query: Result<Query<PosterQuery>, QueryRejection>,
            req: Request,
        ) -> Response {
            #[allow(clippy::redundant_closure_call)]
            let route = ($route)(key);
            match poster_file(&state, route, viewer, query).await {
                // The member's own (their name and code), and asked again each time (a
                // price may have changed); unchanged, the answer is a 304.
                Ok(path) => preview::serve_jpeg(path, req, "private, no-cache").await,
                Err(err) => err.into_response(),
            }
        }
    };
}

poster_route!(
    product_poster,
    "/posters/p/{id}",
    "a product",
    PathId,
    PathId,
    |PathId(id)| Route::Product(id)
);
poster_route!(
    group_poster,
    "/posters/g/{id}",
    "a group-buy",
    PathId,
    PathId,
    |PathId(id)| Route::GroupBuy(id)
);
poster_route!(
    shop_poster,
    "/posters/s/{code}",
    "a member's shop",
    PathCode,
    ShopCode,
    |PathCode(code)| Route::Shop(code)
);

async fn poster_file(
    state: &PosterState,
    route: Route,
    viewer: Option<i64>,
    query: Result<Query<PosterQuery>, QueryRejection>,
) -> Result<PathBuf, AppError> {
    let Query(query) = query.map_err(|_| {
        AppError::bad_request(ErrorCode::BadRequest, "the query string is malformed")
    })?;
    let lang = match query.lang.as_deref() {
        None | Some("zh-CN") => Lang::Zh,
        Some("en") => Lang::En,
        Some(_) => {
            return Err(AppError::bad_request(
                ErrorCode::BadRequest,
                "lang is zh-CN or en",
            ))
        }
    };
    // The sharer is the member asking: nobody draws a poster in someone else's name.
    let sharer = match viewer {
        Some(member) => sqlx::query_as::<_, (Option<String>, String)>(
            "SELECT referral_code, name FROM members WHERE id = $1",
        )
        .bind(member)
        .fetch_optional(state.db.pool())
        .await?
        .and_then(|(code, name)| code.map(|code| (code, name))),
        None => None,
    };
    let content = content(&state.db, route, sharer, lang, state.web.public_origin())
        .await?
        .ok_or_else(|| AppError::not_found("no such item"))?;
    if fonts().is_none() {
        return Err(no_font());
    }
    let store = Arc::clone(&state.previews);
    let source = content
        .picture
        .as_deref()
        .and_then(|url| store.source_path(url));
    let name = file_name(&content, source.as_deref(), lang);
    let path = store.file(&name);
    if tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Ok(path);
    }
    let permit = store.poster_drawer()?;
    tokio::task::spawn_blocking(move || {
        if !path.is_file() {
            let picture = source.as_deref().and_then(preview::load_source);
            let jpeg = draw(&content, picture.as_ref(), lang)?;
            crate::content::variant::write_atomically(&path, &jpeg).map_err(AppError::internal)?;
            store.remove_older(&name, &stem(&content, lang));
        }
        drop(permit);
        Ok(path)
    })
    .await
    .map_err(AppError::internal)?
}

/// The part of a poster's file name that stays while what it shows changes.
fn stem(content: &Content, lang: Lang) -> String {
    let page = href(content.route.clone()).replace('/', ".");
    let code = content
        .link
        .rsplit_once("ref=")
        .map_or("-", |(_, code)| code);
    format!("poster{page}.{code}.{}.", lang.tag())
}

fn file_name(content: &Content, source: Option<&FsPath>, lang: Lang) -> String {
    let mut hasher = Sha256::new();
    hasher.update(DRAWING_VERSION.as_bytes());
    hasher.update(format!("{content:?}").as_bytes());
    if let Some((len, modified)) = source.and_then(preview::stamp) {
        hasher.update(len.to_le_bytes());
        hasher.update(modified.to_le_bytes());
    }
    format!(
        "{}{}.jpg",
        stem(content, lang),
        hex(&hasher.finalize()[..8])
    )
}
