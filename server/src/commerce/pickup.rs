//! Pickup points: where an order can be collected instead of delivered
//! (`GET /pickup-points`). The demo store ships a few; they are read-only here.

use axum::extract::State;
use axum::Json;
use quanzi_api::{Page, PickupPoint};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::storage::db::Db;

const COLUMNS: &str = "id, name_zh, name_en, address_zh, address_en, hours_zh, hours_en";

fn point(r: &AnyRow, lang: Lang) -> Result<PickupPoint, sqlx::Error> {
    Ok(PickupPoint {
        id: r.try_get(0)?,
        name: lang.pick(r.try_get(1)?, r.try_get(2)?),
        address: lang.pick(r.try_get(3)?, r.try_get(4)?),
        hours: lang.pick(r.try_get(5)?, r.try_get(6)?),
    })
}

/// One pickup point, in the reader's language; `None` when there is no such point.
pub async fn load_point(
    conn: &mut AnyConnection,
    id: i64,
    lang: Lang,
) -> Result<Option<PickupPoint>, AppError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM pickup_points WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| point(&r, lang)).transpose()?)
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
    let items = list_points(&mut *db.pool().acquire().await?, lang).await?;
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}

/// Every pickup point, by id.
pub async fn list_points(
    conn: &mut AnyConnection,
    lang: Lang,
) -> Result<Vec<PickupPoint>, AppError> {
    points_where(conn, "$1 = $1", 0, lang).await
}

/// The pickup points a clerk serves, by id.
pub async fn points_served_by(
    conn: &mut AnyConnection,
    member_id: i64,
    lang: Lang,
) -> Result<Vec<PickupPoint>, AppError> {
    let served = "id IN (SELECT point_id FROM staff_points WHERE member_id = $1)";
    points_where(conn, served, member_id, lang).await
}

/// The points meeting `condition` (on `$1`, bound to `param`), by id.
async fn points_where(
    conn: &mut AnyConnection,
    condition: &str,
    param: i64,
    lang: Lang,
) -> Result<Vec<PickupPoint>, AppError> {
    Ok(sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM pickup_points WHERE {condition} ORDER BY id"
    )))
    .bind(param)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| point(r, lang))
    .collect::<Result<Vec<_>, _>>()?)
}
