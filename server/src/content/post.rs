//! Content posts: `GET /posts/{id}`, `POST /posts` (a member's post in their community),
//! `DELETE /posts/{id}`, and how a post is read from the database (the feed and the
//! product page reuse these readers).

use std::collections::{HashMap, HashSet};

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use quanzi_api::post::{POST_MAX_IMAGES, POST_MAX_PRODUCTS};
use quanzi_api::{CommunityRef, ErrorCode, Image, NewPost, Post, PostSummary, ProductCard};
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::communities::membership::{community_by_slug, may_delete, moderated_by, role_of};
use crate::content::upload;
use crate::content::ContentState;
use crate::http::body::JsonBody;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::{parse_slug, PathId};
use crate::members::session::{SignedIn, Viewer};
use crate::storage::db::{now_ms, u32_at};
use crate::storage::rows::{author, image, optional_image, product_card};
use crate::storage::rows::{rfc3339, AUTHOR_COLUMNS, CARD_COLUMNS, CARD_JOIN, CARD_WIDTH};

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
    let mut conn = state.db.pool().acquire().await?;
    let post = load_post(&mut conn, id, lang, viewer).await?;
    post.map(Json)
        .ok_or_else(|| AppError::not_found("no such post"))
}

/// Reads one post in full, as `viewer` sees it (their like, whether they may delete it);
/// `None` when there is no such post.
pub async fn load_post(
    conn: &mut AnyConnection,
    id: i64,
    lang: Lang,
    viewer: Option<i64>,
) -> Result<Option<Post>, AppError> {
    Ok(load_posts(conn, &[id], lang, viewer).await?.pop())
}

/// `$start, $start+1, …` for `n` values, for `IN (…)`.
fn placeholders(start: usize, n: usize) -> String {
    (start..start + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads posts in full, in the order of `ids` (a missing one is left out), with a fixed
/// number of queries whatever their count: a page of the feed is five reads, not five per
/// post.
pub async fn load_posts(
    conn: &mut AnyConnection,
    ids: &[i64],
    lang: Lang,
    viewer: Option<i64>,
) -> Result<Vec<Post>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let among = placeholders(1, ids.len());
    // The statements are ours: fixed text and numbered parameters only.
    let bind_all = |sql: String| {
        ids.iter()
            .fold(sqlx::query(AssertSqlSafe(sql)), |q, id| q.bind(*id))
    };
    let rows = bind_all(format!(
        "SELECT p.id, p.title, p.body, p.title_en, p.body_en, {LIKE_COUNT}, {COMMENT_COUNT},
                p.created_ms, c.slug, c.name_zh, c.name_en, c.id,
                {AUTHOR_COLUMNS}
         FROM posts p
         JOIN communities c ON c.id = p.community_id
         JOIN members m ON m.id = p.author_id
         WHERE p.id IN ({among})"
    ))
    .fetch_all(&mut *conn)
    .await?;
    let mut images: HashMap<i64, Vec<Image>> = HashMap::new();
    for r in bind_all(format!(
        "SELECT url, width, height, alt_zh, alt_en, post_id FROM post_images
         WHERE post_id IN ({among}) ORDER BY post_id, position"
    ))
    .fetch_all(&mut *conn)
    .await?
    {
        images
            .entry(r.try_get(5)?)
            .or_default()
            .push(image(&r, 0, lang)?);
    }
    let mut products: HashMap<i64, Vec<ProductCard>> = HashMap::new();
    for r in bind_all(format!(
        "SELECT {CARD_COLUMNS}, pp.post_id FROM post_products pp
         JOIN products pr ON pr.id = pp.product_id
         {CARD_JOIN}
         WHERE pp.post_id IN ({among})
         ORDER BY pp.post_id, pp.position"
    ))
    .fetch_all(&mut *conn)
    .await?
    {
        products
            .entry(r.try_get(CARD_WIDTH)?)
            .or_default()
            .push(product_card(&r, lang)?);
    }
    let (liked, moderated) = match viewer {
        Some(viewer) => {
            let sql = format!(
                "SELECT post_id FROM post_likes WHERE post_id IN ({among}) AND member_id = ${}",
                ids.len() + 1
            );
            let liked: HashSet<i64> = ids
                .iter()
                .fold(sqlx::query_scalar(AssertSqlSafe(sql)), |q, id| q.bind(*id))
                .bind(viewer)
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .collect();
            (liked, moderated_by(conn, viewer).await?)
        }
        None => (HashSet::new(), HashSet::new()),
    };
    let mut posts: HashMap<i64, Post> = HashMap::with_capacity(rows.len());
    for r in &rows {
        let id: i64 = r.try_get(0)?;
        let body: Vec<String> =
            serde_json::from_str(&pick_text(lang, r.try_get(2)?, r.try_get(4)?))?;
        let community_id: i64 = r.try_get(11)?;
        let author = author(r, 12, lang)?;
        let can_delete =
            viewer.is_some_and(|v| v == author.id || moderated.contains(&community_id));
        posts.insert(
            id,
            Post {
                id,
                title: pick_text(lang, r.try_get(1)?, r.try_get(3)?),
                body,
                images: images.remove(&id).unwrap_or_default(),
                community: CommunityRef {
                    slug: r.try_get(8)?,
                    name: lang.pick(r.try_get(9)?, r.try_get(10)?),
                },
                like_count: u32_at(r, 5)?,
                comment_count: u32_at(r, 6)?,
                created_at: rfc3339(r.try_get(7)?)?,
                products: products.remove(&id).unwrap_or_default(),
                viewer_liked: liked.contains(&id),
                can_delete,
                author,
            },
        );
    }
    Ok(ids.iter().filter_map(|id| posts.remove(id)).collect())
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
    let mut tx = state.db.write().await?;
    let (community_id, _) = community_by_slug(&mut tx, &post.community, lang).await?;
    if role_of(&mut tx, community_id, member_id).await?.is_none() {
        return Err(AppError::forbidden(
            ErrorCode::NotAMember,
            "join the community to post in it",
        ));
    }
    let post_id: i64 = sqlx::query_scalar(
        "INSERT INTO posts (author_id, community_id, created_ms, title, body)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(member_id)
    .bind(community_id)
    .bind(now_ms())
    .bind(&post.title)
    .bind(serde_json::to_string(&post.body)?)
    .fetch_one(&mut *tx)
    .await?;
    for (position, upload_id) in post.images.iter().enumerate() {
        let photo = upload::claim(
            &mut tx,
            *upload_id,
            member_id,
            upload::Claimant::Post(post_id),
        )
        .await?;
        let n = position + 1;
        sqlx::query(
            "INSERT INTO post_images (post_id, position, url, width, height, alt_zh, alt_en)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(post_id)
        .bind(position as i64)
        .bind(photo.url)
        .bind(i64::from(photo.width))
        .bind(i64::from(photo.height))
        .bind(format!("{}（图 {n}）", post.title))
        .bind(format!("{} (photo {n})", post.title))
        .execute(&mut *tx)
        .await?;
    }
    for (position, product_id) in post.products.iter().enumerate() {
        // Only what is on the shelf can be recommended: a tag leads to buying it.
        let known = sqlx::query("SELECT 1 FROM products WHERE id = $1 AND published = 1")
            .bind(product_id)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if !known {
            return Err(AppError::not_found(format!("no product {product_id}")));
        }
        sqlx::query(
            "INSERT INTO post_products (post_id, position, product_id) VALUES ($1, $2, $3)",
        )
        .bind(post_id)
        .bind(position as i64)
        .bind(product_id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    let mut conn = state.db.pool().acquire().await?;
    let created = load_post(&mut conn, post_id, lang, Some(member_id))
        .await?
        .ok_or_else(|| AppError::internal("the new post vanished"))?;
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
    let mut tx = state.db.write().await?;
    let row = sqlx::query("SELECT author_id, community_id FROM posts WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::not_found("no such post"))?;
    let (author_id, community_id): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
    if !may_delete(&mut tx, community_id, author_id, Some(member_id)).await? {
        return Err(AppError::forbidden(
            ErrorCode::Forbidden,
            "only the author or a moderator may delete this post",
        ));
    }
    let files = remove_post(&mut tx, id).await?;
    tx.commit().await?;
    // After the commit: a file left behind by a failed removal is garbage, not a broken post.
    state.uploads.remove_files(files).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes a post inside the caller's transaction; returns the files of its pictures, to
/// remove once it has committed. Likes, comments, pictures, product cards and reports
/// cascade (schema v1, v2 and v10).
pub async fn remove_post(conn: &mut AnyConnection, id: i64) -> Result<Vec<String>, AppError> {
    let files = upload::release_for_post(conn, id).await?;
    sqlx::query("DELETE FROM posts WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(files)
}

/// Posts that feature a product, newest first, as summaries. Bounded, so a popular product
/// cannot make its page unbounded.
pub async fn summaries_for_product(
    conn: &mut AnyConnection,
    product_id: i64,
    lang: Lang,
) -> Result<Vec<PostSummary>, AppError> {
    const MAX_SUMMARIES: i64 = 50;
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT p.id, p.title, p.title_en, {LIKE_COUNT}, p.created_ms,
                {AUTHOR_COLUMNS},
                i.url, i.width, i.height, i.alt_zh, i.alt_en
         FROM post_products pp
         JOIN posts p ON p.id = pp.post_id
         JOIN members m ON m.id = p.author_id
         LEFT JOIN post_images i ON i.post_id = p.id AND i.position = 0
         WHERE pp.product_id = $1
         ORDER BY p.created_ms DESC, p.id DESC
         LIMIT $2"
    )))
    .bind(product_id)
    .bind(MAX_SUMMARIES)
    .fetch_all(conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(PostSummary {
            id: r.try_get(0)?,
            title: pick_text(lang, r.try_get(1)?, r.try_get(2)?),
            author: author(r, 5, lang)?,
            image: optional_image(r, 12, lang)?,
            like_count: u32_at(r, 3)?,
            created_at: rfc3339(r.try_get(4)?)?,
        });
    }
    Ok(out)
}

/// The original text, or its English translation when English is wanted and there is one.
fn pick_text(lang: Lang, original: String, english: Option<String>) -> String {
    match (lang, english) {
        (Lang::En, Some(en)) if !en.is_empty() => en,
        _ => original,
    }
}
