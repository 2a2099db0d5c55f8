//! Communities: the list, one community's page, joining and leaving, members and roles,
//! what members recommend there, and the reports its moderators decide on.

pub mod community;
pub mod membership;
pub mod recommendation;
pub mod report;

use std::sync::Arc;

use axum::extract::FromRef;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::content::upload::Store;
use crate::http::origin::Scheme;
use crate::storage::db::Db;

/// `/communities…`: the list, one community, membership, members, recommendations.
pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Db: FromRef<S>,
    Scheme: FromRef<S>,
    Arc<Store>: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(community::list_communities))
        .routes(routes!(community::get_community))
        .routes(routes!(membership::join, membership::leave))
        .routes(routes!(membership::list_members))
        .routes(routes!(recommendation::list_recommended))
        .routes(routes!(report::report_post))
        .routes(routes!(report::report_comment))
        .routes(routes!(report::list_reports))
        .routes(routes!(report::keep))
        .routes(routes!(report::remove))
}
