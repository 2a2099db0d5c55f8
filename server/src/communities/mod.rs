//! Communities: the list, one community's page, joining and leaving, members and roles,
//! and what members recommend there.

pub mod community;
pub mod membership;
pub mod recommendation;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

/// `/communities…`: the list, one community, membership, members, recommendations.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(community::list_communities))
        .routes(routes!(community::get_community))
        .routes(routes!(membership::join, membership::leave))
        .routes(routes!(membership::list_members))
        .routes(routes!(recommendation::list_recommended))
}
