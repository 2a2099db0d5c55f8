//! Products: `GET /products/{id}` with gallery, story, prices, group offer and the posts
//! that feature it.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use quanzi_api::{
    CommunityRef, ErrorCode, GroupOffer, Money, Page, Product, ProductCard, ProductQuery,
    StoryBlock,
};
use rusqlite::{params, Connection, OptionalExtension};

use crate::communities::membership::legacy::community_by_slug;
use crate::content::post::summaries_for_product;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::{parse_slug, PathId};
use crate::storage::db::Db;
use crate::storage::rows::{image, product_card};

/// Products as cards, by id: one community's (for tagging them in a post) or all of them.
/// A community has tens of products, so this is one page (`next_cursor` is null).
#[utoipa::path(
    get,
    path = "/products",
    tag = "products",
    params(
        ProductQuery,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The products", body = Page<ProductCard>),
        (status = 400, description = "`bad_slug`, or `bad_request` (a malformed query string)", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such community", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    )
)]
pub async fn list_products(
    State(db): State<Db>,
    lang: Lang,
    query: Result<Query<ProductQuery>, QueryRejection>,
) -> Result<Json<Page<ProductCard>>, AppError> {
    let Query(query) = query.map_err(|_| {
        AppError::bad_request(ErrorCode::BadRequest, "the query string is malformed")
    })?;
    let community = query.community.as_deref().map(parse_slug).transpose()?;
    let community = community.map(str::to_owned);
    let items = db
        .run(move |conn| {
            let community_id = match community {
                None => None,
                Some(slug) => Some(community_by_slug(conn, &slug, lang)?.0),
            };
            let mut stmt = conn.prepare_cached(
                "SELECT pr.id, pr.title_zh, pr.title_en, pr.currency, pr.solo_price,
                        pr.group_price, pr.group_size,
                        i.url, i.width, i.height, i.alt_zh, i.alt_en
                 FROM products pr
                 JOIN product_images i ON i.product_id = pr.id AND i.position = 0
                 WHERE ?1 IS NULL OR pr.community_id = ?1
                 ORDER BY pr.id",
            )?;
            let cards = stmt
                .query_map(params![community_id], |r| product_card(r, lang))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(cards)
        })
        .await?;
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}

/// A product in full.
#[utoipa::path(
    get,
    path = "/products/{id}",
    tag = "products",
    params(
        PathId,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The product", body = Product),
        (status = 400, description = "`bad_id`: the id is malformed", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such product", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    )
)]
pub async fn get_product(
    State(db): State<Db>,
    lang: Lang,
    PathId(id): PathId,
) -> Result<Json<Product>, AppError> {
    let product = db.run(move |conn| load_product(conn, id, lang)).await?;
    product
        .map(Json)
        .ok_or_else(|| AppError::not_found("no such product"))
}

pub fn load_product(conn: &Connection, id: i64, lang: Lang) -> Result<Option<Product>, AppError> {
    let row = conn
        .prepare_cached(
            "SELECT pr.title_zh, pr.title_en, pr.subtitle_zh, pr.subtitle_en, pr.currency,
                    pr.solo_price, pr.group_price, pr.group_size, pr.window_hours, pr.stock,
                    c.slug, c.name_zh, c.name_en
             FROM products pr JOIN communities c ON c.id = pr.community_id
             WHERE pr.id = ?1",
        )?
        .query_row(params![id], |r| {
            let currency: String = r.get(4)?;
            let group_offer = match (
                r.get::<_, Option<i64>>(6)?,
                r.get::<_, Option<u32>>(7)?,
                r.get::<_, Option<u32>>(8)?,
            ) {
                (Some(amount), Some(size), Some(window_hours)) => Some(GroupOffer {
                    price: Money {
                        amount,
                        currency: currency.clone(),
                    },
                    size,
                    window_hours,
                }),
                _ => None,
            };
            Ok((
                lang.pick(r.get::<_, String>(0)?, r.get(1)?),
                lang.pick(r.get::<_, String>(2)?, r.get(3)?),
                Money {
                    amount: r.get(5)?,
                    currency,
                },
                group_offer,
                r.get::<_, u32>(9)?,
                CommunityRef {
                    slug: r.get(10)?,
                    name: lang.pick(r.get(11)?, r.get(12)?),
                },
            ))
        })
        .optional()?;
    let Some((title, subtitle, solo_price, group_offer, stock, community)) = row else {
        return Ok(None);
    };

    let gallery = conn
        .prepare_cached(
            "SELECT url, width, height, alt_zh, alt_en FROM product_images
             WHERE product_id = ?1 ORDER BY position",
        )?
        .query_map(params![id], |r| image(r, 0, lang))?
        .collect::<Result<_, _>>()?;

    let story = conn
        .prepare_cached(
            "SELECT kind, text_zh, text_en,
                    image_url, image_width, image_height, image_alt_zh, image_alt_en
             FROM product_story_blocks WHERE product_id = ?1 ORDER BY position",
        )?
        .query_map(params![id], |r| {
            Ok(match r.get::<_, String>(0)?.as_str() {
                "text" => Some(StoryBlock::Text {
                    text: lang.pick(r.get(1)?, r.get(2)?),
                }),
                "image" => Some(StoryBlock::Image {
                    image: image(r, 3, lang)?,
                }),
                // The schema allows only the two; a newer kind is skipped, not fatal.
                _ => None,
            })
        })?
        .filter_map(Result::transpose)
        .collect::<Result<_, _>>()?;

    Ok(Some(Product {
        id,
        title,
        subtitle,
        gallery,
        story,
        solo_price,
        group_offer,
        stock,
        posts: summaries_for_product(conn, id, lang)?,
        community,
    }))
}
