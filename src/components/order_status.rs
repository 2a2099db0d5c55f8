//! How an order's state reads, on the list and on the order, and its shelves on `/me`.

use quanzi_api::{OrderShelf, OrderStatus};

use crate::i18n::Strings;

pub fn status_label(t: &'static Strings, status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::PendingPayment => t.status_pending_payment,
        OrderStatus::Paid => t.status_paid,
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
