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
        (status = 503, description = "`unavailable`: the database does not answer", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    )
)]
pub async fn health(State(db): State<Db>) -> Result<Json<Health>, AppError> {
    sqlx::query("SELECT 1").execute(db.pool()).await?;
    Ok(Json(Health {
        status: "ok".to_owned(),
    }))
}
