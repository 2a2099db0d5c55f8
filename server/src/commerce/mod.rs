//! Buying: carts, orders, group-buys, payments, pickup points, and settling what is due
//! (expired holds and groups, refunds), and an order's life after it is paid.

pub mod cart;
pub mod commission;
pub mod context;
pub mod expiry;
pub mod flash_sale;
pub mod fulfilment;
pub mod group_buy;
pub mod ledger;
pub mod order;
pub mod pay_link;
pub mod payment;
pub mod payout;
pub mod pickup;

use axum::extract::FromRef;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::origin::Scheme;
use crate::storage::db::Db;
use context::Commerce;

/// Group-buys, pickup points, the cart, orders and paying for them.
pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Db: FromRef<S>,
    Scheme: FromRef<S>,
    Commerce: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(pickup::list_pickup_points))
        .routes(routes!(cart::get_cart))
        .routes(routes!(cart::set_item))
        .routes(routes!(cart::merge))
        .merge(flash_sale::router())
        .merge(settled())
}

/// Groups and orders: what they answer is settled first (a group that ended unseen is closed
/// before anyone tries to join it; a failed group's orders are refunded before they show).
fn settled<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Db: FromRef<S>,
    Scheme: FromRef<S>,
    Commerce: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(group_buy::list_product_groups))
        .routes(routes!(group_buy::get_group))
        .routes(routes!(order::list_orders, order::create_order))
        .routes(routes!(order::get_order))
        .routes(routes!(order::pay))
        .routes(routes!(order::reorder))
        .routes(routes!(order::confirm_receipt))
        .routes(routes!(order::order_counts))
        .merge(pay_link::router())
        .route_layer(axum::middleware::from_fn(expiry::settle_first))
}
