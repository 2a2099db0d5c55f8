//! Readiness for load balancers and the test harness: the server answers once its
//! database does.

use axum::extract::State;
use axum::Json;

use crate::http::error::AppError;
use crate::storage::db::Db;

/// Readiness: answers once the database answers.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: String,
}

/// Is the server up and its database reachable?
#[utoipa::path(
    get,
    path = "/health",
    tag = "meta",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 500, description = "The database is unreachable", body = quanzi_api::ApiErrorBody),
    )
)]
pub async fn health(State(db): State<Db>) -> Result<Json<Health>, AppError> {
    db.run(|conn| {
        conn.query_row("SELECT 1", [], |_| Ok(()))?;
        Ok(())
    })
    .await?;
    Ok(Json(Health {
        status: "ok".to_owned(),
    }))
}
