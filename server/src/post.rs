//! Content posts: `GET /posts/{id}`, and how a post is read from the database (the feed
//! and the product page reuse these readers).

use axum::extract::{Path, State};
use axum::Json;
use quanzi_api::{Author, CommunityRef, GroupPrice, Image, Money, Post, PostSummary, ProductCard};
use rusqlite::{params, Connection, OptionalExtension, Row};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::error::AppError;
use crate::lang::Lang;
use crate::params::parse_id;
use crate::AppState;

/// A post with its author, pictures and the products it features.
#[utoipa::path(
    get,
    path = "/api/v1/posts/{id}",
    tag = "posts",
    params(
        ("id" = String, Path, description = "Post id: 1 to 18 digits, greater than 0"),
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The post", body = Post),
        (status = 400, description = "`bad_id`: the id is malformed", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such post", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    )
)]
pub async fn get_post(
    State(state): State<AppState>,
    lang: Lang,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Json<Post>, AppError> {
    // A path that is not even valid UTF-8 once decoded is as malformed as "abc".
    let id = match id {
        Ok(Path(raw)) => parse_id(&raw)?,
        Err(_) => parse_id("")?,
    };
    let post = state.db(move |conn| load_post(conn, id, lang)).await?;
    post.map(Json)
        .ok_or_else(|| AppError::not_found("no such post"))
}

/// Reads one post in full; `None` when there is no such post.
pub fn load_post(conn: &Connection, id: i64, lang: Lang) -> Result<Option<Post>, AppError> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.title, p.body, p.title_en, p.body_en, p.like_count, p.comment_count,
                p.created_ms, c.slug, c.name_zh, c.name_en,
                m.id, m.name, m.avatar_url, m.avatar_width, m.avatar_height,
                m.avatar_alt_zh, m.avatar_alt_en
         FROM posts p
         JOIN communities c ON c.id = p.community_id
         JOIN members m ON m.id = p.author_id
         WHERE p.id = ?1",
    )?;
    let row = stmt
        .query_row(params![id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                pick_text(lang, r.get(1)?, r.get(3)?),
                pick_text(lang, r.get(2)?, r.get(4)?),
                r.get::<_, u32>(5)?,
                r.get::<_, u32>(6)?,
                r.get::<_, i64>(7)?,
                CommunityRef {
                    slug: r.get(8)?,
                    name: lang.pick(r.get(9)?, r.get(10)?),
                },
                author(r, 11, lang)?,
            ))
        })
        .optional()?;
    let Some((id, title, body, like_count, comment_count, created_ms, community, author)) = row
    else {
        return Ok(None);
    };
    let body: Vec<String> = serde_json::from_str(&body)?;
    Ok(Some(Post {
        id,
        author,
        title,
        body,
        images: post_images(conn, id, lang)?,
        community,
        like_count,
        comment_count,
        created_at: rfc3339(created_ms)?,
        products: product_cards(conn, id, lang)?,
    }))
}

/// Posts that feature a product, newest first, as summaries. Bounded, so a popular product
/// cannot make its page unbounded.
pub fn summaries_for_product(
    conn: &Connection,
    product_id: i64,
    lang: Lang,
) -> Result<Vec<PostSummary>, AppError> {
    const MAX_SUMMARIES: i64 = 50;
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.title, p.title_en, p.like_count, p.created_ms,
                m.id, m.name, m.avatar_url, m.avatar_width, m.avatar_height,
                m.avatar_alt_zh, m.avatar_alt_en,
                i.url, i.width, i.height, i.alt_zh, i.alt_en
         FROM post_products pp
         JOIN posts p ON p.id = pp.post_id
         JOIN members m ON m.id = p.author_id
         LEFT JOIN post_images i ON i.post_id = p.id AND i.position = 0
         WHERE pp.product_id = ?1
         ORDER BY p.created_ms DESC, p.id DESC
         LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![product_id, MAX_SUMMARIES], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            pick_text(lang, r.get(1)?, r.get(2)?),
            r.get::<_, u32>(3)?,
            r.get::<_, i64>(4)?,
            author(r, 5, lang)?,
            optional_image(r, 12, lang)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, title, like_count, created_ms, author, image) = row?;
        out.push(PostSummary {
            id,
            title,
            author,
            image,
            like_count,
            created_at: rfc3339(created_ms)?,
        });
    }
    Ok(out)
}

fn post_images(conn: &Connection, post_id: i64, lang: Lang) -> Result<Vec<Image>, AppError> {
    let mut stmt = conn.prepare_cached(
        "SELECT url, width, height, alt_zh, alt_en FROM post_images
         WHERE post_id = ?1 ORDER BY position",
    )?;
    let images = stmt
        .query_map(params![post_id], |r| image(r, 0, lang))?
        .collect::<Result<_, _>>()?;
    Ok(images)
}

fn product_cards(
    conn: &Connection,
    post_id: i64,
    lang: Lang,
) -> Result<Vec<ProductCard>, AppError> {
    let mut stmt = conn.prepare_cached(
        "SELECT pr.id, pr.title_zh, pr.title_en, pr.currency, pr.solo_price,
                pr.group_price, pr.group_size,
                i.url, i.width, i.height, i.alt_zh, i.alt_en
         FROM post_products pp
         JOIN products pr ON pr.id = pp.product_id
         JOIN product_images i ON i.product_id = pr.id AND i.position = 0
         WHERE pp.post_id = ?1
         ORDER BY pp.position",
    )?;
    let cards = stmt
        .query_map(params![post_id], |r| {
            let currency: String = r.get(3)?;
            let group = match (r.get::<_, Option<i64>>(5)?, r.get::<_, Option<u32>>(6)?) {
                (Some(amount), Some(size)) => Some(GroupPrice {
                    price: Money {
                        amount,
                        currency: currency.clone(),
                    },
                    size,
                }),
                _ => None,
            };
            Ok(ProductCard {
                id: r.get(0)?,
                title: lang.pick(r.get(1)?, r.get(2)?),
                image: image(r, 7, lang)?,
                solo_price: Money {
                    amount: r.get(4)?,
                    currency,
                },
                group,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(cards)
}

/// The original text, or its English translation when English is wanted and there is one.
fn pick_text(lang: Lang, original: String, english: Option<String>) -> String {
    match (lang, english) {
        (Lang::En, Some(en)) if !en.is_empty() => en,
        _ => original,
    }
}

/// An image stored as five columns (url, width, height, alt_zh, alt_en) from `start`.
pub fn image(r: &Row<'_>, start: usize, lang: Lang) -> rusqlite::Result<Image> {
    Ok(Image {
        url: r.get(start)?,
        width: r.get(start + 1)?,
        height: r.get(start + 2)?,
        alt: lang.pick(r.get(start + 3)?, r.get(start + 4)?),
    })
}

/// Like [`image`], for columns that may all be NULL.
pub fn optional_image(r: &Row<'_>, start: usize, lang: Lang) -> rusqlite::Result<Option<Image>> {
    match r.get::<_, Option<String>>(start)? {
        Some(_) => image(r, start, lang).map(Some),
        None => Ok(None),
    }
}

/// A member stored as id, name and an optional five-column avatar from `start`.
pub fn author(r: &Row<'_>, start: usize, lang: Lang) -> rusqlite::Result<Author> {
    Ok(Author {
        id: r.get(start)?,
        name: r.get(start + 1)?,
        avatar: optional_image(r, start + 2, lang)?,
    })
}

/// Unix milliseconds as an RFC 3339 UTC string.
pub fn rfc3339(unix_ms: i64) -> Result<String, AppError> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_ms) * 1_000_000)
        .map_err(AppError::internal)?
        .format(&Rfc3339)
        .map_err(AppError::internal)
}

/// Whether a post exists (for the app's `/posts/{id}` status code).
pub fn exists(conn: &Connection, id: i64) -> Result<bool, AppError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM posts WHERE id = ?1")?
        .query_row(params![id], |_| Ok(()))
        .optional()?
        .is_some())
}
