//! Communities (圈子): `GET /communities` and `GET /communities/{slug}`.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::Json;
use quanzi_api::{Community, Image, Page};
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::error::AppError;
use crate::lang::Lang;
use crate::params::parse_slug;
use crate::post::image;
use crate::AppState;

const COLUMNS: &str = "slug, name_zh, name_en, description_zh, description_en,
     cover_url, cover_width, cover_height, cover_alt_zh, cover_alt_en, member_count";

fn community(r: &Row<'_>, lang: Lang) -> rusqlite::Result<Community> {
    let cover: Image = image(r, 5, lang)?;
    Ok(Community {
        slug: r.get(0)?,
        name: lang.pick(r.get(1)?, r.get(2)?),
        description: lang.pick(r.get(3)?, r.get(4)?),
        cover,
        member_count: r.get(10)?,
    })
}

/// All communities, in their curated order. A single page: `next_cursor` is always null.
#[utoipa::path(
    get,
    path = "/api/v1/communities",
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
    State(state): State<AppState>,
    lang: Lang,
) -> Result<Json<Page<Community>>, AppError> {
    let items = state
        .db(move |conn| {
            let items = conn
                .prepare_cached(&format!("SELECT {COLUMNS} FROM communities ORDER BY id"))?
                .query_map([], |r| community(r, lang))?
                .collect::<Result<_, _>>()?;
            Ok(items)
        })
        .await?;
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}

/// One community.
#[utoipa::path(
    get,
    path = "/api/v1/communities/{slug}",
    tag = "communities",
    params(
        ("slug" = String, Path, description = "Community slug: `[a-z0-9-]{1,64}`"),
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
    State(state): State<AppState>,
    lang: Lang,
    slug: Result<Path<String>, PathRejection>,
) -> Result<Json<Community>, AppError> {
    let slug = match slug {
        Ok(Path(raw)) => parse_slug(&raw)?.to_owned(),
        Err(_) => parse_slug("")?.to_owned(),
    };
    let found = state
        .db(move |conn| {
            Ok(conn
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM communities WHERE slug = ?1"
                ))?
                .query_row(params![slug], |r| community(r, lang))
                .optional()?)
        })
        .await?;
    found
        .map(Json)
        .ok_or_else(|| AppError::not_found("no such community"))
}

/// Whether a community exists (for the app's `/c/{slug}` status code).
pub fn exists(conn: &Connection, slug: &str) -> Result<bool, AppError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM communities WHERE slug = ?1")?
        .query_row(params![slug], |_| Ok(()))
        .optional()?
        .is_some())
}
