//! How an order's state reads, on the list and on the order, and its shelves on `/me`.

use quanzi_api::{OrderShelf, OrderStatus};

use crate::i18n::Strings;

/// An order's state in words: a paid order waits to be shipped, or is being prepared at
/// its pickup point.
pub fn status_label(t: &'static Strings, status: OrderStatus, pickup: bool) -> &'static str {
    match status {
        OrderStatus::PendingPayment => t.status_pending_payment,
        OrderStatus::Paid if pickup => t.status_preparing,
        OrderStatus::Paid => t.status_to_ship,
        OrderStatus::AwaitingGroup => t.status_awaiting_group,
        OrderStatus::ReadyForPickup => t.status_ready_for_pickup,
        OrderStatus::Shipping => t.status_shipping,
        OrderStatus::Completed => t.status_completed,
        OrderStatus::Cancelled => t.status_cancelled,
        OrderStatus::Refunded => t.status_refunded,
    }
}

/// A shelf of the member's orders, as `/me` and the orders page name it.
pub fn shelf_label(t: &'static Strings, shelf: OrderShelf) -> &'static str {
    match shelf {
        OrderShelf::PendingPayment => t.status_pending_payment,
        OrderShelf::AwaitingGroup => t.status_awaiting_group,
        OrderShelf::ToShip => t.to_ship,
        OrderShelf::Completed => t.status_completed,
    }
}
