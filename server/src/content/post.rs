//! Content posts: `GET /posts/{id}`, `POST /posts` (a member's post in their community),
//! `DELETE /posts/{id}`, and how a post is read from the database (the feed and the
//! product page reuse these readers).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use quanzi_api::post::{POST_MAX_IMAGES, POST_MAX_PRODUCTS};
use quanzi_api::{CommunityRef, ErrorCode, Image, NewPost, Post, PostSummary, ProductCard};
use rusqlite::{params, Connection, OptionalExtension};

use crate::communities::membership::legacy::{community_by_slug, may_delete, role_of};
use crate::content::upload;
use crate::content::ContentState;
use crate::http::body::JsonBody;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::{parse_slug, PathId};
use crate::members::session::{SignedIn, Viewer};
use crate::storage::db::{now_ms, write_tx};
use crate::storage::rows::{author, image, optional_image, product_card, rfc3339, AUTHOR_COLUMNS};

/// A post's like count: the base it arrived with plus members' likes (see migration 0002).
const LIKE_COUNT: &str =
    "p.like_count + (SELECT count(*) FROM post_likes l WHERE l.post_id = p.id)";
const COMMENT_COUNT: &str =
    "p.comment_count + (SELECT count(*) FROM comments k WHERE k.post_id = p.id)";

/// A post with its author, pictures and the products it features.
#[utoipa::path(
    get,
    path = "/posts/{id}",
    tag = "posts",
    params(
        PathId,
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
    State(state): State<ContentState>,
    lang: Lang,
    Viewer(viewer): Viewer,
    PathId(id): PathId,
) -> Result<Json<Post>, AppError> {
    let post = state
        .db
        .run(move |conn| load_post(conn, id, lang, viewer))
        .await?;
    post.map(Json)
        .ok_or_else(|| AppError::not_found("no such post"))
}

/// Reads one post in full, as `viewer` sees it (their like, whether they may delete it);
/// `None` when there is no such post.
pub fn load_post(
    conn: &Connection,
    id: i64,
    lang: Lang,
    viewer: Option<i64>,
) -> Result<Option<Post>, AppError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT p.id, p.title, p.body, p.title_en, p.body_en, {LIKE_COUNT}, {COMMENT_COUNT},
                p.created_ms, c.slug, c.name_zh, c.name_en, c.id,
                {AUTHOR_COLUMNS}
         FROM posts p
         JOIN communities c ON c.id = p.community_id
         JOIN members m ON m.id = p.author_id
         WHERE p.id = ?1"
    ))?;
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
                r.get::<_, i64>(11)?,
                author(r, 12, lang)?,
            ))
        })
        .optional()?;
    let Some((
        id,
        title,
        body,
        like_count,
        comment_count,
        created_ms,
        community,
        community_id,
        author,
    )) = row
    else {
        return Ok(None);
    };
    let body: Vec<String> = serde_json::from_str(&body)?;
    let viewer_liked = match viewer {
        Some(viewer) => conn
            .prepare_cached("SELECT 1 FROM post_likes WHERE post_id = ?1 AND member_id = ?2")?
            .query_row(params![id, viewer], |_| Ok(()))
            .optional()?
            .is_some(),
        None => false,
    };
    let can_delete = may_delete(conn, community_id, author.id, viewer)?;
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
        viewer_liked,
        can_delete,
    }))
}

/// A post as checked: every text trimmed and within bounds, ids de-duplicated.
#[derive(Debug, PartialEq, Eq)]
pub struct CheckedPost {
    pub community: String,
    pub title: String,
    pub body: Vec<String>,
    pub images: Vec<i64>,
    pub products: Vec<i64>,
}

/// Checks a new post's text and counts, before anything touches the database.
pub fn check_new_post(post: NewPost) -> Result<CheckedPost, AppError> {
    let community = parse_slug(&post.community)?.to_owned();
    let title = quanzi_api::check::title(&post.title)?;
    let body = quanzi_api::check::paragraphs(&post.body)?;
    if post.images.len() > POST_MAX_IMAGES {
        return Err(AppError::bad_request(
            ErrorCode::TooManyImages,
            "a post has at most 9 photos",
        ));
    }
    let mut images = Vec::with_capacity(post.images.len());
    for id in post.images {
        // One photo cannot be shown twice: a repeat is not "your unpublished upload" any more.
        if images.contains(&id) {
            return Err(upload::not_yours());
        }
        images.push(id);
    }
    let mut products: Vec<i64> = Vec::with_capacity(post.products.len());
    for id in post.products {
        if !products.contains(&id) {
            products.push(id);
        }
    }
    if products.len() > POST_MAX_PRODUCTS {
        return Err(AppError::bad_request(
            ErrorCode::TooManyProducts,
            "a post features at most 6 products",
        ));
    }
    Ok(CheckedPost {
        community,
        title,
        body,
        images,
        products,
    })
}

/// Publishes a post in a community the author belongs to, with their uploaded photos and
/// products as cards. All or nothing: a post is never published with a missing photo.
#[utoipa::path(
    post,
    path = "/posts",
    tag = "posts",
    request_body = NewPost,
    params(
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 201, description = "The published post", body = Post),
        (status = 400, description = "`empty_text`, `text_too_long`, `too_many_images`, `too_many_products`, \
            `bad_upload` (a photo that is not your own unpublished upload), `bad_slug` or `bad_json`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`not_a_member` of the community, or `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such community or product", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn create_post(
    State(state): State<ContentState>,
    lang: Lang,
    SignedIn(member_id): SignedIn,
    JsonBody(post): JsonBody<NewPost>,
) -> Result<(StatusCode, Json<Post>), AppError> {
    let post = check_new_post(post)?;
    let created = state
        .db
        .run(move |conn| {
            let (community_id, _) = community_by_slug(conn, &post.community, lang)?;
            let tx = write_tx(conn)?;
            if role_of(&tx, community_id, member_id)?.is_none() {
                return Err(AppError::forbidden(
                    ErrorCode::NotAMember,
                    "join the community to post in it",
                ));
            }
            let now = now_ms();
            tx.prepare_cached(
                "INSERT INTO posts (author_id, community_id, created_ms, title, body)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                member_id,
                community_id,
                now,
                post.title,
                serde_json::to_string(&post.body)?
            ])?;
            let post_id = tx.last_insert_rowid();
            for (position, upload_id) in post.images.iter().enumerate() {
                let photo = upload::claim(&tx, *upload_id, member_id, post_id)?;
                let n = position + 1;
                tx.prepare_cached(
                    "INSERT INTO post_images (post_id, position, url, width, height, alt_zh, alt_en)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?
                .execute(params![
                    post_id,
                    position as i64,
                    photo.url,
                    photo.width,
                    photo.height,
                    format!("{}（图 {n}）", post.title),
                    format!("{} (photo {n})", post.title),
                ])?;
            }
            for (position, product_id) in post.products.iter().enumerate() {
                let known = tx
                    .prepare_cached("SELECT 1 FROM products WHERE id = ?1")?
                    .query_row(params![product_id], |_| Ok(()))
                    .optional()?
                    .is_some();
                if !known {
                    return Err(AppError::not_found(format!("no product {product_id}")));
                }
                tx.prepare_cached(
                    "INSERT INTO post_products (post_id, position, product_id) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![post_id, position as i64, product_id])?;
            }
            tx.commit()?;
            load_post(conn, post_id, lang, Some(member_id))?
                .ok_or_else(|| AppError::internal("the new post vanished"))
        })
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Deletes a post: its author may, and so may the owner and moderators of its community.
/// Its likes, comments, product cards and photos go with it.
#[utoipa::path(
    delete,
    path = "/posts/{id}",
    tag = "posts",
    params(PathId),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "`bad_id`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: neither the author nor a moderator; or `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such post", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn delete_post(
    State(state): State<ContentState>,
    SignedIn(member_id): SignedIn,
    PathId(id): PathId,
) -> Result<StatusCode, AppError> {
    let files = state
        .db
        .run(move |conn| {
            let tx = write_tx(conn)?;
            let (author_id, community_id): (i64, i64) = tx
                .prepare_cached("SELECT author_id, community_id FROM posts WHERE id = ?1")?
                .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .ok_or_else(|| AppError::not_found("no such post"))?;
            if !may_delete(&tx, community_id, author_id, Some(member_id))? {
                return Err(AppError::forbidden(
                    ErrorCode::Forbidden,
                    "only the author or a moderator may delete this post",
                ));
            }
            let files = upload::release_for_post(&tx, id)?;
            // Likes, comments, pictures and product cards cascade (schema v1 and v2).
            tx.prepare_cached("DELETE FROM posts WHERE id = ?1")?
                .execute(params![id])?;
            tx.commit()?;
            Ok(files)
        })
        .await?;
    // After the commit: a file left behind by a failed removal is garbage, not a broken post.
    state.uploads.remove_files(files).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Posts that feature a product, newest first, as summaries. Bounded, so a popular product
/// cannot make its page unbounded.
pub fn summaries_for_product(
    conn: &Connection,
    product_id: i64,
    lang: Lang,
) -> Result<Vec<PostSummary>, AppError> {
    const MAX_SUMMARIES: i64 = 50;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT p.id, p.title, p.title_en, {LIKE_COUNT}, p.created_ms,
                {AUTHOR_COLUMNS},
                i.url, i.width, i.height, i.alt_zh, i.alt_en
         FROM post_products pp
         JOIN posts p ON p.id = pp.post_id
         JOIN members m ON m.id = p.author_id
         LEFT JOIN post_images i ON i.post_id = p.id AND i.position = 0
         WHERE pp.product_id = ?1
         ORDER BY p.created_ms DESC, p.id DESC
         LIMIT ?2"
    ))?;
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
        .query_map(params![post_id], |r| product_card(r, lang))?
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
