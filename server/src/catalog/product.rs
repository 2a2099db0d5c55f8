//! Products: `GET /products/{id}` with gallery, story, prices, group offer and the posts
//! that feature it.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use quanzi_api::{
    CommunityRef, ErrorCode, FlashSale, GroupKind, GroupOffer, Money, Page, Product, ProductCard,
    ProductQuery, StoryBlock,
};
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::communities::membership::community_by_slug;
use crate::content::post::summaries_for_product;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::{parse_slug, PathId};
use crate::storage::db::{now_ms, u32_at, Db};
use crate::storage::rows::SALE_COLUMNS;
use crate::storage::rows::{flash_sale, image, product_card, share_earn, COMMISSION_COLUMNS};
use crate::storage::rows::{CARD_COLUMNS, CARD_JOIN};

/// Products on the shelf as cards, by id: one community's (for tagging them in a post) or
/// all of them.
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
    let mut conn = db.pool().acquire().await?;
    let community_id = match community {
        None => None,
        Some(slug) => Some(community_by_slug(&mut conn, &slug, lang).await?.0),
    };
    let items = sqlx::query(AssertSqlSafe(format!(
        "SELECT {CARD_COLUMNS} FROM products pr {CARD_JOIN}
         WHERE pr.published = 1 AND ($1 IS NULL OR pr.community_id = $1)
         ORDER BY pr.id"
    )))
    .bind(community_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| product_card(r, lang))
    .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}

/// A product in full; one off the shelf too (`published` is false), since links to it
/// live on in chats.
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
    let product = load_product(&mut *db.pool().acquire().await?, id, lang).await?;
    product
        .map(Json)
        .ok_or_else(|| AppError::not_found("no such product"))
}

/// Units of the product `pr` in paid orders (refunded ones not counted), as a column.
pub const SOLD: &str = "(SELECT CAST(coalesce(sum(l.quantity), 0) AS BIGINT)
    FROM order_lines l JOIN orders o ON o.id = l.order_id
    WHERE l.product_id = pr.id AND o.payment = 'approved')";

pub async fn load_product(
    conn: &mut AnyConnection,
    id: i64,
    lang: Lang,
) -> Result<Option<Product>, AppError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT pr.title_zh, pr.title_en, pr.subtitle_zh, pr.subtitle_en, pr.currency,
                pr.solo_price, pr.group_price, pr.group_size, pr.window_hours, pr.stock,
                c.slug, c.name_zh, c.name_en, {SOLD},
                (SELECT count(*) FROM group_buys g
                  WHERE g.product_id = pr.id AND g.state = 'succeeded'),
                (SELECT count(*) FROM post_products pp WHERE pp.product_id = pr.id),
                pr.published, {COMMISSION_COLUMNS}, pr.group_kind, pr.lottery_winners
         FROM products pr JOIN communities c ON c.id = pr.community_id
         JOIN store_settings ss ON ss.id = 1
         WHERE pr.id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else {
        return Ok(None);
    };
    let currency: String = r.try_get(4)?;
    let group_offer = match r.try_get::<Option<i64>, _>(6)? {
        Some(amount) => Some(GroupOffer {
            price: Money {
                amount,
                currency: currency.clone(),
            },
            size: u32_at(&r, 7)?,
            window_hours: u32_at(&r, 8)?,
            kind: GroupKind::parse(r.try_get(20)?)
                .ok_or_else(|| AppError::internal("products.group_kind"))?,
            lottery_winners: r
                .try_get::<Option<i64>, _>(21)?
                .and_then(|n| u32::try_from(n).ok()),
        }),
        // The schema keeps an offer's three columns all there or all missing.
        None => None,
    };
    let lowest = group_offer
        .as_ref()
        .map_or(r.try_get(5)?, |o| o.price.amount);
    let share_earn = share_earn(&r, 17, lowest, &currency)?;
    let solo_price = Money {
        amount: r.try_get(5)?,
        currency,
    };
    let community = CommunityRef {
        slug: r.try_get(10)?,
        name: lang.pick(r.try_get(11)?, r.try_get(12)?),
    };

    let gallery = sqlx::query(
        "SELECT url, width, height, alt_zh, alt_en FROM product_images
         WHERE product_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| image(r, 0, lang))
    .collect::<Result<_, _>>()?;

    let mut story = Vec::new();
    let blocks = sqlx::query(
        "SELECT kind, text_zh, text_en,
                image_url, image_width, image_height, image_alt_zh, image_alt_en
         FROM product_story_blocks WHERE product_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    for b in &blocks {
        match b.try_get::<String, _>(0)?.as_str() {
            "text" => story.push(StoryBlock::Text {
                text: lang.pick(b.try_get(1)?, b.try_get(2)?),
            }),
            "image" => story.push(StoryBlock::Image {
                image: image(b, 3, lang)?,
            }),
            // The schema allows only the two; a newer kind is skipped, not fatal.
            _ => {}
        }
    }

    Ok(Some(Product {
        id,
        title: lang.pick(r.try_get(0)?, r.try_get(1)?),
        subtitle: lang.pick(r.try_get(2)?, r.try_get(3)?),
        gallery,
        story,
        solo_price,
        group_offer,
        flash_sale: flash_sale_of(conn, id, now_ms()).await?,
        share_earn,
        stock: u32_at(&r, 9)?,
        published: r.try_get::<i64, _>(16)? == 1,
        sold: u32_at(&r, 13)?,
        groups_formed: u32_at(&r, 14)?,
        shows: u32_at(&r, 15)?,
        posts: summaries_for_product(conn, id, lang).await?,
        community,
    }))
}

/// A product's flash sale running now, else its next one.
async fn flash_sale_of(
    conn: &mut AnyConnection,
    product_id: i64,
    now: i64,
) -> Result<Option<FlashSale>, AppError> {
    sqlx::query(AssertSqlSafe(format!(
        "SELECT {SALE_COLUMNS} FROM flash_sales f
         WHERE f.product_id = $1 AND f.cancelled_ms IS NULL AND f.ends_ms > $2
         ORDER BY f.starts_ms LIMIT 1"
    )))
    .bind(product_id)
    .bind(now)
    .fetch_optional(conn)
    .await?
    .map(|r| flash_sale(&r, 0, now))
    .transpose()
}

/// Whether a product may be bought now: 404 `not_found` when there is no such product, 409
/// `off_shelf` when the store has taken it off the shelf.
pub async fn on_shelf(conn: &mut AnyConnection, id: i64) -> Result<(), AppError> {
    let published: Option<i64> = sqlx::query_scalar("SELECT published FROM products WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    match published {
        None => Err(AppError::not_found(format!("no product {id}"))),
        Some(1) => Ok(()),
        Some(_) => Err(AppError::conflict(
            ErrorCode::OffShelf,
            "this product is off the shelf; it cannot be bought now",
        )),
    }
}
