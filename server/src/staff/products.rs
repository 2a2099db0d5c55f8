//! The catalogue in the console: owners create and edit products (title and story in both
//! languages, gallery and story pictures uploaded through `/uploads`, solo price, group
//! offer, stock) and take them off the shelf or put them back. Every change is checked with
//! its own code (`check::product_numbers`) and made in one transaction with its audit
//! record. Staff read the whole catalogue, off-shelf products included.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use quanzi_api::post::BODY_MAX_CHARS;
use quanzi_api::product::{ALT_MAX_CHARS, GALLERY_MAX, STORY_MAX_BLOCKS};
use quanzi_api::{
    check, CommissionRule, CommunityRef, DraftBlock, DraftOffer, DraftPicture, ErrorCode,
    GroupKind, Page, ProductDraft, StaffProduct, StaffProductRow,
};
use serde_json::json;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::catalog::product::SOLD;
use crate::communities::membership::community_by_slug;
use crate::content::upload::{self, Claimant, MEDIA_PREFIX};
use crate::content::ContentState;
use crate::http::body::JsonBody;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::{parse_slug, PathId};
use crate::staff::{audit, Staff};
use crate::storage::db::{for_update, now_ms, u32_at};
use crate::storage::rows::{product_card, CARD_COLUMNS, CARD_JOIN, CARD_WIDTH};

/// Every product, on the shelf or off it, by id.
#[utoipa::path(
    get,
    path = "/staff/products",
    tag = "staff",
    params(
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The catalogue (one page: a store has tens of products)", body = Page<StaffProductRow>),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not staff", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn list_products(
    State(content): State<ContentState>,
    lang: Lang,
    _staff: Staff,
) -> Result<Json<Page<StaffProductRow>>, AppError> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {CARD_COLUMNS}, c.slug, c.name_zh, c.name_en, pr.published, pr.stock, {SOLD}
         FROM products pr {CARD_JOIN} JOIN communities c ON c.id = pr.community_id
         ORDER BY pr.id DESC"
    )))
    .fetch_all(content.db.pool())
    .await?;
    let items = rows
        .iter()
        .map(|r| {
            Ok(StaffProductRow {
                card: product_card(r, lang)?,
                commission: CommissionRule::from_columns(r.try_get(12)?, r.try_get(13)?),
                community: CommunityRef {
                    slug: r.try_get(CARD_WIDTH)?,
                    name: lang.pick(r.try_get(CARD_WIDTH + 1)?, r.try_get(CARD_WIDTH + 2)?),
                },
                published: r.try_get::<i64, _>(CARD_WIDTH + 3)? == 1,
                stock: u32_at(r, CARD_WIDTH + 4)?,
                sold: u32_at(r, CARD_WIDTH + 5)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}

/// One product as the console edits it.
#[utoipa::path(
    get,
    path = "/staff/products/{id}",
    tag = "staff",
    params(PathId),
    responses(
        (status = 200, description = "The product in both languages", body = StaffProduct),
        (status = 400, description = "`bad_id`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not staff", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such product", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn get_product(
    State(content): State<ContentState>,
    _staff: Staff,
    PathId(id): PathId,
) -> Result<Json<StaffProduct>, AppError> {
    let mut conn = content.db.pool().acquire().await?;
    Ok(Json(load(&mut conn, id).await?))
}

/// A new product, off the shelf until it is published. Owners only.
#[utoipa::path(
    post,
    path = "/staff/products",
    tag = "staff",
    request_body = ProductDraft,
    responses(
        (status = 201, description = "Created, off the shelf", body = StaffProduct),
        (status = 400, description = "`bad_price`, `group_price_too_high`, `bad_group_size`, `bad_window`, `too_many_winners`, `bad_stock`, \
            `empty_text`, `text_too_long`, `too_many_images` (none, or more than 9 in the gallery; more than 20 story blocks), \
            `bad_upload` (a picture that is not your unused upload nor one the product shows), `bad_slug`, `bad_json` or `bad_request`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not the store's owner, or `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such community", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn create_product(
    State(content): State<ContentState>,
    staff: Staff,
    JsonBody(draft): JsonBody<ProductDraft>,
) -> Result<(StatusCode, Json<StaffProduct>), AppError> {
    staff.owner()?;
    let checked = check_draft(draft)?;
    let mut tx = content.db.write().await?;
    let community_id = community_by_slug(&mut tx, &checked.community, Lang::Zh)
        .await?
        .0;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO products (community_id, title_zh, title_en, subtitle_zh, subtitle_en,
                               solo_price, stock, published, updated_ms)
         VALUES ($1, $2, $3, '', '', $4, $5, 0, $6) RETURNING id",
    )
    .bind(community_id)
    .bind(&checked.title_zh)
    .bind(&checked.title_en)
    .bind(checked.solo_price)
    .bind(checked.stock)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    let files = write(&mut tx, &staff, id, community_id, &checked).await?;
    let product = load(&mut tx, id).await?;
    audit::record(
        &mut tx,
        &staff,
        "product.create",
        &subject(id),
        json!(null),
        json!(product.draft),
    )
    .await?;
    tx.commit().await?;
    content.uploads.remove_files(files).await;
    Ok((StatusCode::CREATED, Json(product)))
}

/// Changes a product: everything the draft says replaces what it was. Owners only.
#[utoipa::path(
    put,
    path = "/staff/products/{id}",
    tag = "staff",
    request_body = ProductDraft,
    params(PathId),
    responses(
        (status = 200, description = "The product as saved", body = StaffProduct),
        (status = 400, description = "`bad_id`, `bad_price`, `group_price_too_high`, `bad_group_size`, `bad_window`, `too_many_winners`, `bad_stock`, \
            `empty_text`, `text_too_long`, `too_many_images`, `bad_upload`, `bad_slug`, `bad_json` or `bad_request`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not the store's owner, or `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such product or community", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn update_product(
    State(content): State<ContentState>,
    staff: Staff,
    PathId(id): PathId,
    JsonBody(draft): JsonBody<ProductDraft>,
) -> Result<Json<StaffProduct>, AppError> {
    staff.owner()?;
    let checked = check_draft(draft)?;
    let mut tx = content.db.write().await?;
    lock(&mut tx, id).await?;
    let before = load(&mut tx, id).await?;
    let community_id = community_by_slug(&mut tx, &checked.community, Lang::Zh)
        .await?
        .0;
    let files = write(&mut tx, &staff, id, community_id, &checked).await?;
    let product = load(&mut tx, id).await?;
    audit::record(
        &mut tx,
        &staff,
        "product.edit",
        &subject(id),
        json!(before.draft),
        json!(product.draft),
    )
    .await?;
    tx.commit().await?;
    content.uploads.remove_files(files).await;
    Ok(Json(product))
}

/// Puts a product on the shelf: it can be bought again. Owners only.
#[utoipa::path(
    post,
    path = "/staff/products/{id}/publish",
    tag = "staff",
    params(PathId),
    responses(
        (status = 200, description = "The product, on the shelf (publishing twice changes nothing)", body = StaffProduct),
        (status = 400, description = "`bad_id`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not the store's owner, or `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such product", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn publish(
    State(content): State<ContentState>,
    staff: Staff,
    PathId(id): PathId,
) -> Result<Json<StaffProduct>, AppError> {
    set_published(&content, staff, id, true).await.map(Json)
}

/// Takes a product off the shelf: its page and links still answer and say so; nobody can
/// buy it, start or join a group of it. Owners only.
#[utoipa::path(
    post,
    path = "/staff/products/{id}/unpublish",
    tag = "staff",
    params(PathId),
    responses(
        (status = 200, description = "The product, off the shelf (twice changes nothing)", body = StaffProduct),
        (status = 400, description = "`bad_id`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not the store's owner, or `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such product", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn unpublish(
    State(content): State<ContentState>,
    staff: Staff,
    PathId(id): PathId,
) -> Result<Json<StaffProduct>, AppError> {
    set_published(&content, staff, id, false).await.map(Json)
}

async fn set_published(
    content: &ContentState,
    staff: Staff,
    id: i64,
    published: bool,
) -> Result<StaffProduct, AppError> {
    staff.owner()?;
    let mut tx = content.db.write().await?;
    lock(&mut tx, id).await?;
    let before = load(&mut tx, id).await?;
    if before.published != published {
        sqlx::query("UPDATE products SET published = $2, updated_ms = $3 WHERE id = $1")
            .bind(id)
            .bind(i64::from(published))
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        let action = if published {
            "product.publish"
        } else {
            "product.unpublish"
        };
        audit::record(
            &mut tx,
            &staff,
            action,
            &subject(id),
            json!({ "published": before.published }),
            json!({ "published": published }),
        )
        .await?;
    }
    let product = load(&mut tx, id).await?;
    tx.commit().await?;
    Ok(product)
}

pub(super) fn subject(id: i64) -> String {
    format!("product:{id}")
}

/// Locks the product's row for the edit; `not_found` when there is none.
pub(super) async fn lock(conn: &mut AnyConnection, id: i64) -> Result<(), AppError> {
    let lock = for_update(conn);
    sqlx::query(AssertSqlSafe(format!(
        "SELECT id FROM products WHERE id = $1{lock}"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .map(|_| ())
    .ok_or_else(|| AppError::not_found("no such product"))
}

/// A draft as checked: texts trimmed, numbers in range.
struct Checked {
    community: String,
    title_zh: String,
    title_en: String,
    subtitle_zh: String,
    subtitle_en: String,
    gallery: Vec<DraftPicture>,
    story: Vec<DraftBlock>,
    solo_price: i64,
    offer: Option<DraftOffer>,
    stock: i64,
}

fn check_draft(draft: ProductDraft) -> Result<Checked, AppError> {
    let community = parse_slug(&draft.community)?.to_owned();
    check::product_numbers(draft.solo_price, draft.group_offer, draft.stock)?;
    if draft.gallery.is_empty() || draft.gallery.len() > GALLERY_MAX {
        return Err(AppError::bad_request(
            ErrorCode::TooManyImages,
            "a product shows 1 to 9 gallery pictures",
        ));
    }
    if draft.story.len() > STORY_MAX_BLOCKS {
        return Err(AppError::bad_request(
            ErrorCode::TooManyImages,
            "a story has at most 20 paragraphs and pictures",
        ));
    }
    let title_zh = check::product_title(&draft.title_zh)?;
    let title_en = check::product_title(&draft.title_en)?;
    let alt = |p: DraftPicture| -> Result<DraftPicture, AppError> {
        Ok(DraftPicture {
            alt_zh: check::optional_line(&p.alt_zh, ALT_MAX_CHARS)?,
            alt_en: check::optional_line(&p.alt_en, ALT_MAX_CHARS)?,
            ..p
        })
    };
    let story = draft
        .story
        .into_iter()
        .map(|block| match block {
            DraftBlock::Text { text_zh, text_en } => Ok(DraftBlock::Text {
                text_zh: check::story_text(&text_zh)?,
                text_en: check::story_text(&text_en)?,
            }),
            DraftBlock::Image { picture } => Ok(DraftBlock::Image {
                picture: alt(picture)?,
            }),
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    // A story is as long as a post at most, in each language: the whole draft stays well
    // inside the request body limit (64 KiB) in Chinese too.
    let length = |of: fn(&DraftBlock) -> &str| -> usize {
        story.iter().map(|b| of(b).chars().count()).sum()
    };
    let zh = length(|b| match b {
        DraftBlock::Text { text_zh, .. } => text_zh,
        DraftBlock::Image { .. } => "",
    });
    let en = length(|b| match b {
        DraftBlock::Text { text_en, .. } => text_en,
        DraftBlock::Image { .. } => "",
    });
    if zh.max(en) > BODY_MAX_CHARS {
        return Err(AppError::bad_request(
            ErrorCode::TextTooLong,
            "a story is at most 2000 characters in each language",
        ));
    }
    Ok(Checked {
        community,
        subtitle_zh: check::optional_line(&draft.subtitle_zh, 60)?,
        subtitle_en: check::optional_line(&draft.subtitle_en, 60)?,
        gallery: draft
            .gallery
            .into_iter()
            .map(alt)
            .collect::<Result<_, _>>()?,
        story,
        solo_price: draft.solo_price,
        offer: draft.group_offer,
        stock: draft.stock,
        title_zh,
        title_en,
    })
}

/// A picture as a product row stores it.
struct Stored {
    url: String,
    width: i64,
    height: i64,
    alt_zh: String,
    alt_en: String,
}

/// A story block as a product row stores it.
enum StoredBlock<'a> {
    Text(&'a str, &'a str),
    Image(Stored),
}

/// Where a draft's picture comes from: the member's unused upload (claimed for the product
/// now), or a picture the product shows already. Anything else: `bad_upload`.
async fn resolve(
    conn: &mut AnyConnection,
    staff: &Staff,
    product_id: i64,
    picture: &DraftPicture,
    checked: &Checked,
) -> Result<Stored, AppError> {
    let (url, width, height) = match (picture.upload_id, picture.url.as_deref()) {
        (Some(upload_id), None) => {
            let claimed = upload::claim(
                conn,
                upload_id,
                staff.member_id,
                Claimant::Product(product_id),
            )
            .await?;
            (
                claimed.url,
                i64::from(claimed.width),
                i64::from(claimed.height),
            )
        }
        (None, Some(url)) => {
            let found: Option<(i64, i64)> = sqlx::query_as(
                "SELECT width, height FROM product_images WHERE product_id = $1 AND url = $2
                 UNION ALL
                 SELECT image_width, image_height FROM product_story_blocks
                  WHERE product_id = $1 AND image_url = $2",
            )
            .bind(product_id)
            .bind(url)
            .fetch_optional(&mut *conn)
            .await?;
            let (width, height) = found.ok_or_else(upload::not_yours)?;
            (url.to_owned(), width, height)
        }
        _ => {
            return Err(AppError::bad_request(
                ErrorCode::BadUpload,
                "a picture is an upload_id or the url of one the product shows, not both",
            ))
        }
    };
    let or_title = |alt: &str, title: &str| {
        if alt.is_empty() {
            title.to_owned()
        } else {
            alt.to_owned()
        }
    };
    Ok(Stored {
        url,
        width,
        height,
        alt_zh: or_title(&picture.alt_zh, &checked.title_zh),
        alt_en: or_title(&picture.alt_en, &checked.title_en),
    })
}

/// Writes a checked draft over the product's row, gallery and story; returns the files of
/// the uploads it no longer shows, to remove after the commit.
async fn write(
    conn: &mut AnyConnection,
    staff: &Staff,
    id: i64,
    community_id: i64,
    checked: &Checked,
) -> Result<Vec<String>, AppError> {
    // Every picture is resolved before the old rows go: a kept one is found among them.
    let mut gallery = Vec::with_capacity(checked.gallery.len());
    for picture in &checked.gallery {
        gallery.push(resolve(conn, staff, id, picture, checked).await?);
    }
    let mut story = Vec::with_capacity(checked.story.len());
    for block in &checked.story {
        story.push(match block {
            DraftBlock::Text { text_zh, text_en } => StoredBlock::Text(text_zh, text_en),
            DraftBlock::Image { picture } => {
                StoredBlock::Image(resolve(conn, staff, id, picture, checked).await?)
            }
        });
    }
    sqlx::query(
        "UPDATE products SET community_id = $2, title_zh = $3, title_en = $4, subtitle_zh = $5,
                subtitle_en = $6, solo_price = $7, group_price = $8, group_size = $9,
                window_hours = $10, stock = $11, updated_ms = $12, group_kind = $13,
                lottery_winners = $14
         WHERE id = $1",
    )
    .bind(id)
    .bind(community_id)
    .bind(&checked.title_zh)
    .bind(&checked.title_en)
    .bind(&checked.subtitle_zh)
    .bind(&checked.subtitle_en)
    .bind(checked.solo_price)
    .bind(checked.offer.map(|o| o.price))
    .bind(checked.offer.map(|o| o.size))
    .bind(checked.offer.map(|o| o.window_hours))
    .bind(checked.stock)
    .bind(now_ms())
    .bind(
        checked
            .offer
            .map_or(GroupKind::Standard, |o| o.kind)
            .as_str(),
    )
    // Winners belong to a lottery only (the check made sure a lottery has them).
    .bind(
        checked
            .offer
            .filter(|o| o.kind == GroupKind::Lottery)
            .and_then(|o| o.lottery_winners),
    )
    .execute(&mut *conn)
    .await?;
    for table in ["product_images", "product_story_blocks"] {
        sqlx::query(AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE product_id = $1"
        )))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    }
    for (position, p) in gallery.iter().enumerate() {
        sqlx::query(
            "INSERT INTO product_images (product_id, position, url, width, height, alt_zh, alt_en)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(&p.url)
        .bind(p.width)
        .bind(p.height)
        .bind(&p.alt_zh)
        .bind(&p.alt_en)
        .execute(&mut *conn)
        .await?;
    }
    for (position, block) in story.iter().enumerate() {
        let (kind, text, picture) = match block {
            StoredBlock::Text(zh, en) => ("text", Some((zh, en)), None),
            StoredBlock::Image(p) => ("image", None, Some(p)),
        };
        sqlx::query(
            "INSERT INTO product_story_blocks (product_id, position, kind, text_zh, text_en,
                 image_url, image_width, image_height, image_alt_zh, image_alt_en)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(kind)
        .bind(text.map(|t| t.0))
        .bind(text.map(|t| t.1))
        .bind(picture.map(|p| p.url.as_str()))
        .bind(picture.map(|p| p.width))
        .bind(picture.map(|p| p.height))
        .bind(picture.map(|p| p.alt_zh.as_str()))
        .bind(picture.map(|p| p.alt_en.as_str()))
        .execute(&mut *conn)
        .await?;
    }
    let kept: Vec<String> = gallery
        .iter()
        .chain(story.iter().filter_map(|b| match b {
            StoredBlock::Image(p) => Some(p),
            StoredBlock::Text(..) => None,
        }))
        .filter_map(|p| p.url.strip_prefix(MEDIA_PREFIX).map(str::to_owned))
        .collect();
    upload::release_for_product(conn, id, &kept).await
}

/// A product in both languages, as the editor shows it.
async fn load(conn: &mut AnyConnection, id: i64) -> Result<StaffProduct, AppError> {
    let r = sqlx::query(AssertSqlSafe(format!(
        "SELECT c.slug, pr.title_zh, pr.title_en, pr.subtitle_zh, pr.subtitle_en,
                pr.solo_price, pr.group_price, pr.group_size, pr.window_hours, pr.stock,
                pr.published, {SOLD}, pr.group_kind, pr.lottery_winners
         FROM products pr JOIN communities c ON c.id = pr.community_id WHERE pr.id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::not_found("no such product"))?;
    let group_offer = match (
        r.try_get::<Option<i64>, _>(6)?,
        r.try_get::<Option<i64>, _>(7)?,
        r.try_get::<Option<i64>, _>(8)?,
    ) {
        (Some(price), Some(size), Some(window_hours)) => Some(DraftOffer {
            price,
            size,
            window_hours,
            kind: GroupKind::parse(r.try_get(12)?)
                .ok_or_else(|| AppError::internal("products.group_kind"))?,
            lottery_winners: r.try_get(13)?,
        }),
        _ => None,
    };
    let picture = |r: &sqlx::any::AnyRow, at: usize| -> Result<DraftPicture, sqlx::Error> {
        Ok(DraftPicture {
            upload_id: None,
            url: Some(r.try_get(at)?),
            alt_zh: r.try_get(at + 1)?,
            alt_en: r.try_get(at + 2)?,
        })
    };
    let gallery = sqlx::query(
        "SELECT url, alt_zh, alt_en FROM product_images WHERE product_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| picture(r, 0))
    .collect::<Result<_, _>>()?;
    let story = sqlx::query(
        "SELECT kind, text_zh, text_en, image_url, image_alt_zh, image_alt_en
         FROM product_story_blocks WHERE product_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|b| {
        Ok(match b.try_get::<String, _>(0)?.as_str() {
            "text" => DraftBlock::Text {
                text_zh: b.try_get(1)?,
                text_en: b.try_get(2)?,
            },
            _ => DraftBlock::Image {
                picture: picture(b, 3)?,
            },
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    Ok(StaffProduct {
        id,
        published: r.try_get::<i64, _>(10)? == 1,
        sold: u32_at(&r, 11)?,
        draft: ProductDraft {
            community: r.try_get(0)?,
            title_zh: r.try_get(1)?,
            title_en: r.try_get(2)?,
            subtitle_zh: r.try_get(3)?,
            subtitle_en: r.try_get(4)?,
            gallery,
            story,
            solo_price: r.try_get(5)?,
            group_offer,
            stock: r.try_get(9)?,
        },
    })
}
