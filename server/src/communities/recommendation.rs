//! A community's recommendations: `GET /communities/{slug}/recommended`, the products its
//! posts tag, ranked by how many members tagged them.

use axum::extract::State;
use axum::Json;
use quanzi_api::{Page, Recommendation, RECOMMENDATIONS_MAX};
use sqlx::{AnyConnection, AssertSqlSafe};

use crate::communities::membership::community_by_slug;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::PathSlug;
use crate::storage::db::{u32_at, Db};
use crate::storage::rows::product_card;
use crate::storage::rows::{CARD_COLUMNS, CARD_JOIN, CARD_WIDTH};

/// The products a community's posts tag: most distinct recommenders first, then the most
/// recently tagged, then the newest product (so equal ranks keep one order); after them the
/// community's own products nobody has tagged yet, newest first, so a product the store
/// has just put on the shelf is found here. Off-shelf products are left out. Deleted posts
/// take their tags with them (`post_products` cascades), so they never count.
pub async fn recommended(
    conn: &mut AnyConnection,
    community_id: i64,
    lang: Lang,
) -> Result<Vec<Recommendation>, AppError> {
    // Grouped by every column shown, not by the product's id alone: PostgreSQL takes no
    // column that is not grouped or aggregated. A tag by a post of another community joins
    // no post (`p` is NULL), so it counts nobody.
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {CARD_COLUMNS},
                count(DISTINCT p.author_id) AS recommenders,
                coalesce(max(p.created_ms), 0) AS last_tagged_ms
         FROM products pr
         {CARD_JOIN}
         LEFT JOIN post_products pp ON pp.product_id = pr.id
         LEFT JOIN posts p ON p.id = pp.post_id AND p.community_id = $1
         WHERE pr.published = 1 AND (pr.community_id = $1 OR p.id IS NOT NULL)
         GROUP BY {CARD_COLUMNS}
         ORDER BY recommenders DESC, last_tagged_ms DESC, pr.id DESC
         LIMIT $2"
    )))
    .bind(community_id)
    .bind(RECOMMENDATIONS_MAX as i64)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Recommendation {
                product: product_card(r, lang)?,
                recommenders: u32_at(r, CARD_WIDTH)?,
            })
        })
        .collect()
}

/// What the community's members recommend: the products their posts tag, by how many
/// members tagged each, then its untagged products newest first; at most 12. A single
/// page: `next_cursor` is always null.
#[utoipa::path(
    get,
    path = "/communities/{slug}/recommended",
    tag = "communities",
    params(
        PathSlug,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "At most 12 products, most recommenders first, then the most recently tagged, \
            then the community's untagged products newest first (0 recommenders)",
         body = Page<Recommendation>),
        (status = 400, description = "`bad_slug`: the slug is malformed", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such community", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    )
)]
pub async fn list_recommended(
    State(db): State<Db>,
    lang: Lang,
    PathSlug(slug): PathSlug,
) -> Result<Json<Page<Recommendation>>, AppError> {
    let mut conn = db.pool().acquire().await?;
    let (community_id, _) = community_by_slug(&mut conn, &slug, lang).await?;
    let items = recommended(&mut conn, community_id, lang).await?;
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}
