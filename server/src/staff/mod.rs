//! The store's staff: who they are ([`Staff`], checked on every `/staff/*` request), what
//! they do to orders ([`orders`]), the open group-buys ([`groups`]), who is staff
//! ([`team`], the owners' business), the catalogue ([`products`]), the communities and
//! their moderators ([`communities`]), sharers' commission and withdrawals
//! ([`earnings`]), flash sales ([`flash_sales`]), and the audit log of it all ([`audit`]). A member
//! who is not staff gets 403 `forbidden` from each of these; a clerk gets it from what
//! only an owner may do, and at a pickup point they do not serve.

pub mod audit;
pub mod communities;
pub mod earnings;
pub mod flash_sales;
pub mod groups;
pub mod orders;
pub mod products;
pub mod team;

use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts, State};
use axum::http::request::Parts;
use axum::Json;
use quanzi_api::{ErrorCode, PickupPoint, StaffMe, StaffRole};
use sqlx::AnyConnection;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::commerce::context::Commerce;
use crate::commerce::pickup::{list_points, points_served_by};
use crate::content::upload::Store;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::origin::Scheme;
use crate::members::session::SignedIn;
use crate::storage::db::Db;

/// `/staff/*`: the console's API.
pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Db: FromRef<S>,
    Scheme: FromRef<S>,
    Commerce: FromRef<S>,
    Arc<Store>: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(orders::list_orders))
        .routes(routes!(orders::get_order))
        .routes(routes!(orders::mark_ready))
        .routes(routes!(orders::ship))
        .routes(routes!(orders::refund))
        .routes(routes!(orders::hand_over))
        .routes(routes!(groups::list_groups))
        .routes(routes!(team::list_team, team::set_member))
        .routes(routes!(team::remove_member))
        .routes(routes!(audit::list_audit))
        .routes(routes!(products::list_products, products::create_product))
        .routes(routes!(products::get_product, products::update_product))
        .routes(routes!(products::publish))
        .routes(routes!(products::unpublish))
        .routes(routes!(communities::create_community))
        .routes(routes!(communities::add_moderator))
        .routes(routes!(communities::remove_moderator))
        .routes(routes!(earnings::get_commission, earnings::set_commission))
        .routes(routes!(earnings::set_product_commission))
        .routes(routes!(earnings::list_withdrawals))
        .routes(routes!(earnings::approve_withdrawal))
        .routes(routes!(earnings::refuse_withdrawal))
        .routes(routes!(
            flash_sales::list_flash_sales,
            flash_sales::create_flash_sale
        ))
        .routes(routes!(flash_sales::cancel_flash_sale))
}

/// A signed-in member of staff. Anyone else: 401 `unauthenticated` (a guest) or 403
/// `forbidden` (a member who is not staff).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Staff {
    pub member_id: i64,
    pub role: StaffRole,
}

impl<S> FromRequestParts<S> for Staff
where
    Db: FromRef<S>,
    Scheme: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let SignedIn(member_id) = SignedIn::from_request_parts(parts, state).await?;
        let db = Db::from_ref(state);
        let mut conn = db.pool().acquire().await?;
        match staff_role(&mut conn, member_id).await? {
            Some(role) => Ok(Staff { member_id, role }),
            None => Err(AppError::forbidden(
                ErrorCode::Forbidden,
                "only the store's staff may do this",
            )),
        }
    }
}

/// A member's staff role, if they are staff.
pub async fn staff_role(
    conn: &mut AnyConnection,
    member_id: i64,
) -> Result<Option<StaffRole>, AppError> {
    let role: Option<String> = sqlx::query_scalar("SELECT role FROM staff WHERE member_id = $1")
        .bind(member_id)
        .fetch_optional(conn)
        .await?;
    role.map(|role| {
        StaffRole::parse(&role).ok_or_else(|| AppError::internal(format!("staff.role = {role:?}")))
    })
    .transpose()
}

impl Staff {
    /// Only an owner may go on.
    pub fn owner(&self) -> Result<(), AppError> {
        match self.role {
            StaffRole::Owner => Ok(()),
            StaffRole::Clerk => Err(AppError::forbidden(
                ErrorCode::Forbidden,
                "only the store's owner may do this",
            )),
        }
    }

    /// Whether they serve the pickup point (an owner serves every one).
    pub async fn serves(&self, conn: &mut AnyConnection, point_id: i64) -> Result<bool, AppError> {
        if self.role == StaffRole::Owner {
            return Ok(true);
        }
        let serves: Option<i64> = sqlx::query_scalar(
            "SELECT point_id FROM staff_points WHERE member_id = $1 AND point_id = $2",
        )
        .bind(self.member_id)
        .bind(point_id)
        .fetch_optional(conn)
        .await?;
        Ok(serves.is_some())
    }

    /// Only at a pickup point they serve.
    pub async fn at_point(&self, conn: &mut AnyConnection, point_id: i64) -> Result<(), AppError> {
        if self.serves(conn, point_id).await? {
            Ok(())
        } else {
            Err(AppError::forbidden(
                ErrorCode::Forbidden,
                "this is not a pickup point you serve",
            ))
        }
    }

    /// The pickup points they serve, by id.
    async fn points(
        &self,
        conn: &mut AnyConnection,
        lang: Lang,
    ) -> Result<Vec<PickupPoint>, AppError> {
        match self.role {
            StaffRole::Owner => list_points(conn, lang).await,
            StaffRole::Clerk => points_served_by(conn, self.member_id, lang).await,
        }
    }
}

/// Who the signed-in member is as staff: the console asks this first.
#[utoipa::path(
    get,
    path = "/staff/me",
    tag = "staff",
    params(
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "Their role and the pickup points they serve", body = StaffMe),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not staff", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn me(State(db): State<Db>, lang: Lang, staff: Staff) -> Result<Json<StaffMe>, AppError> {
    let mut conn = db.pool().acquire().await?;
    let name: String = sqlx::query_scalar("SELECT name FROM members WHERE id = $1")
        .bind(staff.member_id)
        .fetch_one(&mut *conn)
        .await?;
    let points = staff.points(&mut conn, lang).await?;
    Ok(Json(StaffMe {
        member_id: staff.member_id,
        name,
        role: staff.role,
        points,
    }))
}
