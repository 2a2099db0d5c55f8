//! Members: accounts, sign-in sessions and their extractors, profile pictures.

pub mod account;
pub mod avatar;
pub mod session;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

/// `/account/*`: sign-up, sign-in, sign-out, who is signed in, the profile picture.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(account::sign_up))
        .routes(routes!(account::sign_in))
        .routes(routes!(account::sign_out))
        .routes(routes!(account::me))
        .routes(routes!(avatar::set_avatar, avatar::remove_avatar))
}
