//! Pickup points: where an order can be collected instead of delivered
//! (`GET /pickup-points`). The demo store ships a few; they are read-only here.

use axum::extract::State;
use axum::Json;
use quanzi_api::{Page, PickupPoint};
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::storage::db::Db;

const COLUMNS: &str = "id, name_zh, name_en, address_zh, address_en, hours_zh, hours_en";

fn point(r: &Row<'_>, lang: Lang) -> rusqlite::Result<PickupPoint> {
    Ok(PickupPoint {
        id: r.get(0)?,
        name: lang.pick(r.get(1)?, r.get(2)?),
        address: lang.pick(r.get(3)?, r.get(4)?),
        hours: lang.pick(r.get(5)?, r.get(6)?),
    })
}

/// One pickup point, in the reader's language; `None` when there is no such point.
pub fn load_point(conn: &Connection, id: i64, lang: Lang) -> Result<Option<PickupPoint>, AppError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM pickup_points WHERE id = ?1"
        ))?
        .query_row(params![id], |r| point(r, lang))
        .optional()?)
}

/// Every pickup point, by id. A store has a handful, so this is one page (`next_cursor` is
/// null).
#[utoipa::path(
    get,
    path = "/pickup-points",
    tag = "orders",
    params(
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The pickup points, with address and opening hours", body = Page<PickupPoint>),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    )
)]
pub async fn list_pickup_points(
    State(db): State<Db>,
    lang: Lang,
) -> Result<Json<Page<PickupPoint>>, AppError> {
    let items = db
        .run(move |conn| {
            let points = conn
                .prepare_cached(&format!("SELECT {COLUMNS} FROM pickup_points ORDER BY id"))?
                .query_map([], |r| point(r, lang))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(points)
        })
        .await?;
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}
