//! Members: accounts, sign-in sessions and their extractors, profile pictures.

pub mod account;
pub mod avatar;
pub mod limits;
pub mod session;

use std::sync::Arc;

use axum::extract::FromRef;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::content::upload;
use crate::http::forwarded::TrustedProxies;
use crate::http::origin::Scheme;
use crate::storage::db::Db;
use limits::Limits;

/// What accounts need of the state: the database, the cookie scheme and the limits.
#[derive(Clone)]
pub struct Accounts {
    pub db: Db,
    pub scheme: Scheme,
    pub limits: Limits,
}

impl<S> FromRef<S> for Accounts
where
    Db: FromRef<S>,
    Scheme: FromRef<S>,
    Limits: FromRef<S>,
{
    fn from_ref(state: &S) -> Self {
        Accounts {
            db: Db::from_ref(state),
            scheme: Scheme::from_ref(state),
            limits: Limits::from_ref(state),
        }
    }
}

/// `/account/*`: sign-up, sign-in, sign-out, who is signed in, the profile picture.
pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Db: FromRef<S>,
    Scheme: FromRef<S>,
    Limits: FromRef<S>,
    Arc<TrustedProxies>: FromRef<S>,
    Arc<upload::Store>: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(account::sign_up))
        .routes(routes!(account::sign_in))
        .routes(routes!(account::sign_out))
        .routes(routes!(account::me))
        .routes(routes!(avatar::set_avatar, avatar::remove_avatar))
}
