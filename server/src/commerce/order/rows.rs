//! Orders as stored: their rows and codes (kind, status, payment, note), and the order as
//! the API answers it.

use quanzi_api::{Fulfilment, Money, Order, OrderLine, OrderStatus, PaymentState};
use rusqlite::{params, Connection, OptionalExtension};

use crate::commerce::pickup::load_point;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::storage::rows::{product_card, rfc3339};
use crate::storage::rows::{CARD_COLUMNS, CARD_JOIN};

/// What an order buys, as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Solo,
    StartGroup,
    JoinGroup,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Solo => "solo",
            Kind::StartGroup => "start_group",
            Kind::JoinGroup => "join_group",
        }
    }

    pub fn parse(raw: &str) -> rusqlite::Result<Kind> {
        match raw {
            "solo" => Ok(Kind::Solo),
            "start_group" => Ok(Kind::StartGroup),
            "join_group" => Ok(Kind::JoinGroup),
            _ => Err(bad_column("orders.kind", raw)),
        }
    }
}

pub fn bad_column(column: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(
        0,
        format!("{column} = {value:?}"),
        rusqlite::types::Type::Text,
    )
}

pub fn status_str(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::PendingPayment => "pending_payment",
        OrderStatus::Paid => "paid",
        OrderStatus::AwaitingGroup => "awaiting_group",
        OrderStatus::ReadyForPickup => "ready_for_pickup",
        OrderStatus::Shipping => "shipping",
        OrderStatus::Completed => "completed",
        OrderStatus::Cancelled => "cancelled",
        OrderStatus::Refunded => "refunded",
    }
}

pub fn parse_status(raw: &str) -> rusqlite::Result<OrderStatus> {
    Ok(match raw {
        "pending_payment" => OrderStatus::PendingPayment,
        "paid" => OrderStatus::Paid,
        "awaiting_group" => OrderStatus::AwaitingGroup,
        "ready_for_pickup" => OrderStatus::ReadyForPickup,
        "shipping" => OrderStatus::Shipping,
        "completed" => OrderStatus::Completed,
        "cancelled" => OrderStatus::Cancelled,
        "refunded" => OrderStatus::Refunded,
        _ => return Err(bad_column("orders.status", raw)),
    })
}

pub fn parse_payment(raw: &str) -> rusqlite::Result<PaymentState> {
    Ok(match raw {
        "unpaid" => PaymentState::Unpaid,
        "processing" => PaymentState::Processing,
        "declined" => PaymentState::Declined,
        "approved" => PaymentState::Approved,
        "refunded" => PaymentState::Refunded,
        _ => return Err(bad_column("orders.payment", raw)),
    })
}

/// Why an order ended up as it is, stored as a code and put in words for the reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Note {
    /// Not paid within the hold; cancelled.
    HoldExpired,
    /// The group did not fill in time; the paid order was refunded.
    GroupFailedRefunded,
    /// The group did not fill in time; the unpaid order was cancelled.
    GroupFailedCancelled,
    /// The group filled with others; the unpaid order was cancelled.
    GroupFilledCancelled,
    /// The payment came after the hold, and the group had filled: refunded.
    LateGroupFull,
    /// The payment came after the hold, and the group had ended: refunded.
    LateGroupEnded,
    /// The payment came after the hold, and the stock was gone: refunded.
    LateSoldOut,
    /// The payment came after the hold, and the member had another seat by then: refunded.
    LateAlreadyInGroup,
    /// Declined, and not paid again before its deadline; cancelled.
    DeclinedExpired,
    /// A charge approved after the order had gone on without it (its answer came late, after
    /// it was taken as declined): that charge is refunded.
    LateChargeRefunded,
}

impl Note {
    pub const ALL: [Note; 10] = [
        Note::HoldExpired,
        Note::GroupFailedRefunded,
        Note::GroupFailedCancelled,
        Note::GroupFilledCancelled,
        Note::LateGroupFull,
        Note::LateGroupEnded,
        Note::LateSoldOut,
        Note::LateAlreadyInGroup,
        Note::DeclinedExpired,
        Note::LateChargeRefunded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Note::HoldExpired => "hold_expired",
            Note::GroupFailedRefunded => "group_failed_refunded",
            Note::GroupFailedCancelled => "group_failed_cancelled",
            Note::GroupFilledCancelled => "group_filled_cancelled",
            Note::LateGroupFull => "late_group_full",
            Note::LateGroupEnded => "late_group_ended",
            Note::LateSoldOut => "late_sold_out",
            Note::LateAlreadyInGroup => "late_already_in_group",
            Note::DeclinedExpired => "declined_expired",
            Note::LateChargeRefunded => "late_charge_refunded",
        }
    }

    pub fn parse(raw: &str) -> Option<Note> {
        Note::ALL.into_iter().find(|n| n.as_str() == raw)
    }

    pub fn text(self, lang: Lang) -> &'static str {
        match self {
            Note::HoldExpired => lang.pick(
                "未在保留时间内付款，订单已取消，保留的库存和拼团名额已释放。",
                "The order was not paid within its hold time, so it was cancelled and the stock \
                 and group seat held for it were released.",
            ),
            Note::GroupFailedRefunded => lang.pick(
                "拼团在截止时间前未能成团，货款已原路全额退回。",
                "The group did not fill before its deadline; your payment has been refunded in full.",
            ),
            Note::GroupFailedCancelled => lang.pick(
                "拼团在截止时间前未能成团，订单已取消，未扣款。",
                "The group did not fill before its deadline; the order was cancelled and nothing \
                 was charged.",
            ),
            Note::GroupFilledCancelled => lang.pick(
                "该团已由其他成员拼满，订单已取消，未扣款。可以发起一个新团。",
                "The group filled with other members; the order was cancelled and nothing was \
                 charged. You can start a new group.",
            ),
            Note::LateGroupFull => lang.pick(
                "付款到账时该团名额已满，货款已原路全额退回。可以发起一个新团。",
                "Your payment arrived after the group had filled, so it has been refunded in \
                 full. You can start a new group.",
            ),
            Note::LateGroupEnded => lang.pick(
                "付款到账时该团已结束，货款已原路全额退回。",
                "Your payment arrived after the group had ended, so it has been refunded in full.",
            ),
            Note::LateSoldOut => lang.pick(
                "付款到账时商品已售罄，货款已原路全额退回。",
                "Your payment arrived after the item had sold out, so it has been refunded in full.",
            ),
            Note::LateAlreadyInGroup => lang.pick(
                "付款到账时你已在该团中占有名额，这笔货款已原路全额退回。",
                "Your payment arrived when you already had a seat in this group, so it has been \
                 refunded in full.",
            ),
            Note::DeclinedExpired => lang.pick(
                "付款未成功，且未在期限内重新付款，订单已取消。",
                "The payment did not go through and the order was not paid again in time, so it \
                 was cancelled.",
            ),
            Note::LateChargeRefunded => lang.pick(
                "支付服务在本次付款被视为未成功之后才确认扣款，这笔款项已原路全额退回。",
                "The payment service confirmed a charge after that payment had been given up, so \
                 that charge has been refunded in full.",
            ),
        }
    }
}

/// An order's row, as the state machine reads it.
#[derive(Clone, Debug)]
pub struct OrderRow {
    pub id: i64,
    pub member_id: i64,
    pub kind: Kind,
    pub status: OrderStatus,
    pub payment: PaymentState,
    pub currency: String,
    pub total: i64,
    pub pickup: bool,
    pub group_id: Option<i64>,
    pub stock_held: bool,
    pub hold_until_ms: Option<i64>,
    pub note: Option<Note>,
}

impl OrderRow {
    /// Where a paid order goes once there is nothing to wait for.
    pub fn fulfilled(&self) -> OrderStatus {
        if self.pickup {
            OrderStatus::ReadyForPickup
        } else {
            OrderStatus::Shipping
        }
    }
}

pub fn order_row(conn: &Connection, id: i64) -> Result<Option<OrderRow>, AppError> {
    let row = conn
        .prepare_cached(
            "SELECT id, member_id, kind, status, payment, currency, total, fulfilment, group_id,
                    stock_held, hold_until_ms, note
             FROM orders WHERE id = ?1",
        )?
        .query_row(params![id], |r| {
            Ok(OrderRow {
                id: r.get(0)?,
                member_id: r.get(1)?,
                kind: Kind::parse(&r.get::<_, String>(2)?)?,
                status: parse_status(&r.get::<_, String>(3)?)?,
                payment: parse_payment(&r.get::<_, String>(4)?)?,
                currency: r.get(5)?,
                total: r.get(6)?,
                pickup: r.get::<_, String>(7)? == "pickup",
                group_id: r.get(8)?,
                stock_held: r.get(9)?,
                hold_until_ms: r.get(10)?,
                note: r
                    .get::<_, Option<String>>(11)?
                    .as_deref()
                    .and_then(Note::parse),
            })
        })
        .optional()?;
    Ok(row)
}

pub fn order_of(conn: &Connection, id: i64) -> Result<OrderRow, AppError> {
    order_row(conn, id)?.ok_or_else(|| AppError::internal(format!("order {id} vanished")))
}

pub fn order_lines(conn: &Connection, order_id: i64) -> Result<Vec<(i64, u32)>, AppError> {
    Ok(conn
        .prepare_cached(
            "SELECT product_id, quantity FROM order_lines WHERE order_id = ?1 ORDER BY position",
        )?
        .query_map(params![order_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<Vec<_>, _>>()?)
}

/// One order as its owner sees it; `None` when there is no such order.
pub fn load_order(
    conn: &Connection,
    id: i64,
    lang: Lang,
    now: i64,
) -> Result<Option<Order>, AppError> {
    type Row = (
        String,
        String,
        String,
        i64,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<String>,
        i64,
    );
    let row: Option<Row> = conn
        .prepare_cached(
            "SELECT status, payment, currency, total, fulfilment, delivery_name, delivery_phone,
                    delivery_address, pickup_point_id, group_id, hold_until_ms, note, created_ms
             FROM orders WHERE id = ?1",
        )?
        .query_row(params![id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
                r.get(12)?,
            ))
        })
        .optional()?;
    let Some((
        status,
        payment,
        currency,
        total,
        fulfilment,
        name,
        phone,
        address,
        point_id,
        group_id,
        hold_until_ms,
        note,
        created_ms,
    )) = row
    else {
        return Ok(None);
    };
    let status = parse_status(&status)?;
    let (fulfilment, pickup_point) = match (fulfilment.as_str(), point_id) {
        ("pickup", Some(point_id)) => (
            Fulfilment::Pickup { point_id },
            load_point(conn, point_id, lang)?,
        ),
        _ => (
            Fulfilment::Delivery {
                name: name.unwrap_or_default(),
                phone: phone.unwrap_or_default(),
                address: address.unwrap_or_default(),
            },
            None,
        ),
    };
    let lines = conn
        .prepare_cached(&format!(
            "SELECT {CARD_COLUMNS}, l.quantity, l.unit_price
             FROM order_lines l
             JOIN products pr ON pr.id = l.product_id
             {CARD_JOIN}
             WHERE l.order_id = ?1
             ORDER BY l.position"
        ))?
        .query_map(params![id], |r| {
            let quantity: u32 = r.get(12)?;
            let unit: i64 = r.get(13)?;
            Ok(OrderLine {
                product: product_card(r, lang)?,
                quantity,
                unit_price: Money {
                    amount: unit,
                    currency: currency.clone(),
                },
                subtotal: Money {
                    amount: unit * i64::from(quantity),
                    currency: currency.clone(),
                },
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    // A hold means something only while the order waits for its payment.
    let hold_until = match (status, hold_until_ms) {
        (OrderStatus::PendingPayment, Some(ms)) => Some(rfc3339(ms)?),
        _ => None,
    };
    Ok(Some(Order {
        id,
        status,
        payment: parse_payment(&payment)?,
        lines,
        total: Money {
            amount: total,
            currency,
        },
        fulfilment,
        pickup_point,
        group_id,
        hold_until,
        note: note
            .as_deref()
            .and_then(Note::parse)
            .map(|n| n.text(lang).to_owned()),
        created_at: rfc3339(created_ms)?,
        server_time: rfc3339(now)?,
    }))
}

/// An order of `member_id`'s; anyone else's is `not_found` (as if it did not exist).
pub fn owned_order(
    conn: &Connection,
    id: i64,
    member_id: i64,
    lang: Lang,
    now: i64,
) -> Result<Order, AppError> {
    let owner: Option<i64> = conn
        .prepare_cached("SELECT member_id FROM orders WHERE id = ?1")?
        .query_row(params![id], |r| r.get(0))
        .optional()?;
    if owner != Some(member_id) {
        return Err(AppError::not_found("no such order"));
    }
    load_order(conn, id, lang, now)?.ok_or_else(|| AppError::not_found("no such order"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_round_trip_and_speak_both_languages() {
        for note in Note::ALL {
            assert_eq!(Note::parse(note.as_str()), Some(note));
            assert_ne!(note.text(Lang::Zh), note.text(Lang::En));
        }
        assert_eq!(Note::parse("nonsense"), None);
    }
}
