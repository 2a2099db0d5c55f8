//! Communities (圈子): `GET /communities` and `GET /communities/{slug}`, each with a few
//! members' faces and the viewer's role. Joining and the member list are in `membership`.

use axum::extract::State;
use axum::Json;
use quanzi_api::{Community, Image, Page};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::communities::membership::{faces, role_of};
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::PathSlug;
use crate::members::session::Viewer;
use crate::storage::db::{u32_at, Db};
use crate::storage::rows::image;

const COLUMNS: &str = "slug, name_zh, name_en, description_zh, description_en,
     cover_url, cover_width, cover_height, cover_alt_zh, cover_alt_en, member_count, id";

/// A community row and its id; faces and the viewer's role are filled by [`complete`].
fn community(r: &AnyRow, lang: Lang) -> Result<(i64, Community), sqlx::Error> {
    let cover: Image = image(r, 5, lang)?;
    Ok((
        r.try_get(11)?,
        Community {
            slug: r.try_get(0)?,
            name: lang.pick(r.try_get(1)?, r.try_get(2)?),
            description: lang.pick(r.try_get(3)?, r.try_get(4)?),
            cover,
            member_count: u32_at(r, 10)?,
            faces: Vec::new(),
            viewer_role: None,
        },
    ))
}

/// Adds the faces and, for a signed-in viewer, their role.
async fn complete(
    conn: &mut AnyConnection,
    (id, mut community): (i64, Community),
    lang: Lang,
    viewer: Option<i64>,
) -> Result<Community, AppError> {
    community.faces = faces(conn, id, lang).await?;
    community.viewer_role = match viewer {
        Some(viewer) => role_of(conn, id, viewer).await?,
        None => None,
    };
    Ok(community)
}

/// All communities, in their curated order. A single page: `next_cursor` is always null.
#[utoipa::path(
    get,
    path = "/communities",
    tag = "communities",
    params(
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "Every community", body = Page<Community>),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    )
)]
pub async fn list_communities(
    State(db): State<Db>,
    lang: Lang,
    Viewer(viewer): Viewer,
) -> Result<Json<Page<Community>>, AppError> {
    let mut conn = db.pool().acquire().await?;
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM communities ORDER BY id"
    )))
    .fetch_all(&mut *conn)
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        items.push(complete(&mut conn, community(row, lang)?, lang, viewer).await?);
    }
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}

/// One community.
#[utoipa::path(
    get,
    path = "/communities/{slug}",
    tag = "communities",
    params(
        PathSlug,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The community", body = Community),
        (status = 400, description = "`bad_slug`: the slug is malformed", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such community", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    )
)]
pub async fn get_community(
    State(db): State<Db>,
    lang: Lang,
    Viewer(viewer): Viewer,
    PathSlug(slug): PathSlug,
) -> Result<Json<Community>, AppError> {
    let mut conn = db.pool().acquire().await?;
    load_community(&mut conn, &slug, lang, viewer)
        .await
        .map(Json)
}

/// One community by its slug, as `GET /communities/{slug}` answers; `not_found` when there
/// is none.
pub async fn load_community(
    conn: &mut AnyConnection,
    slug: &str,
    lang: Lang,
    viewer: Option<i64>,
) -> Result<Community, AppError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM communities WHERE slug = $1"
    )))
    .bind(slug)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::not_found("no such community"))?;
    complete(conn, community(&row, lang)?, lang, viewer).await
}
