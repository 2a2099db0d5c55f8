//! Orders as stored: their rows and codes (kind, status, payment, note), and the order as
//! the API answers it.

use quanzi_api::{
    Carrier, Fulfilment, Money, Order, OrderKind, OrderLine, OrderStatus, PaymentState, Shipment,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Connection, Row};

use crate::commerce::pay_link::link;
use crate::commerce::pickup::load_point;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::storage::db::{for_update, u32_at};
use crate::storage::rows::product_card;
use crate::storage::rows::{rfc3339, CARD_COLUMNS, CARD_JOIN, CARD_WIDTH};

/// What an order buys, as the API names it.
pub use quanzi_api::OrderKind as Kind;

pub fn kind_str(kind: Kind) -> &'static str {
    match kind {
        Kind::Solo => "solo",
        Kind::StartGroup => "start_group",
        Kind::JoinGroup => "join_group",
    }
}

pub fn parse_kind(raw: &str) -> Result<Kind, AppError> {
    match raw {
        "solo" => Ok(Kind::Solo),
        "start_group" => Ok(Kind::StartGroup),
        "join_group" => Ok(Kind::JoinGroup),
        _ => Err(bad_column("orders.kind", raw)),
    }
}

/// A stored code this server does not know (the schema's CHECKs make it a bug).
pub fn bad_column(column: &str, value: &str) -> AppError {
    AppError::internal(format!("{column} = {value:?}"))
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

pub fn parse_status(raw: &str) -> Result<OrderStatus, AppError> {
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

pub fn parse_payment(raw: &str) -> Result<PaymentState, AppError> {
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
    /// The store refunded the paid order (its reason is the order's `refund_reason`).
    RefundedByStore,
    /// A lottery group's draw did not pick the member: refunded in full.
    LotteryNotDrawn,
}

impl Note {
    pub const ALL: [Note; 12] = [
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
        Note::RefundedByStore,
        Note::LotteryNotDrawn,
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
            Note::RefundedByStore => "refunded_by_store",
            Note::LotteryNotDrawn => "lottery_not_drawn",
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
            Note::RefundedByStore => lang.pick(
                "商家已为你办理退款，货款原路全额退回。",
                "The store has refunded this order; the payment goes back to where it came from, \
                 in full.",
            ),
            Note::LotteryNotDrawn => lang.pick(
                "拼团成功，但本次抽奖未抽中你，货款已原路全额退回。开奖依据见拼团页。",
                "The group filled, but the draw did not pick you; your payment has been refunded \
                 in full. The group's page shows how the draw went.",
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
    /// A flash order's sale.
    pub flash_sale_id: Option<i64>,
}

const ORDER_COLUMNS: &str = "id, member_id, kind, status, payment, currency, total, \
     fulfilment, group_id, stock_held, hold_until_ms, note, flash_sale_id";

fn order_from(r: &AnyRow) -> Result<OrderRow, AppError> {
    Ok(OrderRow {
        id: r.try_get(0)?,
        member_id: r.try_get(1)?,
        kind: parse_kind(r.try_get(2)?)?,
        status: parse_status(r.try_get(3)?)?,
        payment: parse_payment(r.try_get(4)?)?,
        currency: r.try_get(5)?,
        total: r.try_get(6)?,
        pickup: r.try_get::<&str, _>(7)? == "pickup",
        group_id: r.try_get(8)?,
        stock_held: r.try_get::<i64, _>(9)? != 0,
        hold_until_ms: r.try_get(10)?,
        note: r.try_get::<Option<&str>, _>(11)?.and_then(Note::parse),
        flash_sale_id: r.try_get(12)?,
    })
}

async fn read_order(
    conn: &mut AnyConnection,
    id: i64,
    lock: &str,
) -> Result<Option<OrderRow>, AppError> {
    sqlx::query(AssertSqlSafe(format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1{lock}"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .map(|r| order_from(&r))
    .transpose()
}

pub async fn order_row(conn: &mut AnyConnection, id: i64) -> Result<Option<OrderRow>, AppError> {
    read_order(conn, id, "").await
}

/// An order read for a decision about it, locked until the transaction ends: its group
/// first (the lock order, see [`for_update`]), then the order.
pub async fn lock_order(conn: &mut AnyConnection, id: i64) -> Result<Option<OrderRow>, AppError> {
    let lock = for_update(conn);
    if lock.is_empty() {
        return order_row(conn, id).await;
    }
    // A group-start order gets its group when its payment is approved, under the order's
    // lock: if that happened while this waited for the lock, the group is not locked yet.
    // The savepoint lets go of the order, and the next try locks both in order (a group,
    // once given, stays: the second try holds).
    for _ in 0..2 {
        let mut savepoint = conn.begin().await?;
        let group: Option<i64> = sqlx::query_scalar("SELECT group_id FROM orders WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *savepoint)
            .await?
            .flatten();
        if let Some(group_id) = group {
            sqlx::query("SELECT id FROM group_buys WHERE id = $1 FOR UPDATE")
                .bind(group_id)
                .execute(&mut *savepoint)
                .await?;
        }
        let order = read_order(&mut savepoint, id, lock).await?;
        if order.as_ref().is_none_or(|o| o.group_id == group) {
            savepoint.commit().await?;
            return Ok(order);
        }
        savepoint.rollback().await?;
    }
    Err(AppError::internal(format!(
        "order {id} kept changing its group"
    )))
}

/// One of `member_id`'s orders, locked ([`lock_order`]); anyone else's is `not_found`.
pub async fn lock_own_order(
    conn: &mut AnyConnection,
    id: i64,
    member_id: i64,
) -> Result<OrderRow, AppError> {
    lock_order(conn, id)
        .await?
        .filter(|o| o.member_id == member_id)
        .ok_or_else(|| AppError::not_found("no such order"))
}

pub async fn order_of(conn: &mut AnyConnection, id: i64) -> Result<OrderRow, AppError> {
    order_row(conn, id)
        .await?
        .ok_or_else(|| AppError::internal(format!("order {id} vanished")))
}

pub async fn order_lines(
    conn: &mut AnyConnection,
    order_id: i64,
) -> Result<Vec<(i64, u32)>, AppError> {
    sqlx::query(
        "SELECT product_id, quantity FROM order_lines WHERE order_id = $1 ORDER BY position",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, u32_at(r, 1)?)))
    .collect()
}

/// One order as its owner sees it; `None` when there is no such order.
pub async fn load_order(
    conn: &mut AnyConnection,
    id: i64,
    lang: Lang,
    now: i64,
) -> Result<Option<Order>, AppError> {
    let Some(r) = sqlx::query(
        "SELECT status, payment, currency, total, fulfilment, delivery_name, delivery_phone,
                delivery_address, pickup_point_id, group_id, hold_until_ms, note, created_ms,
                kind, delivery_fee, contact_name, contact_phone, carrier, tracking_number,
                shipped_ms, auto_complete_ms, pickup_code, refund_reason, completed_ms
         FROM orders WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let status = parse_status(r.try_get(0)?)?;
    let payment = parse_payment(r.try_get(1)?)?;
    let currency: String = r.try_get(2)?;
    let total: i64 = r.try_get(3)?;
    let point_id: Option<i64> = r.try_get(8)?;
    let hold_until_ms: Option<i64> = r.try_get(10)?;
    let kind: OrderKind = parse_kind(r.try_get(13)?)?;
    let delivery_fee: i64 = r.try_get(14)?;
    let (fulfilment, pickup_point) = match (r.try_get::<&str, _>(4)?, point_id) {
        // Orders picked up before schema v8 have no contact.
        ("pickup", Some(point_id)) => (
            Fulfilment::Pickup {
                point_id,
                name: r.try_get::<Option<String>, _>(15)?.unwrap_or_default(),
                phone: r.try_get::<Option<String>, _>(16)?.unwrap_or_default(),
            },
            load_point(conn, point_id, lang).await?,
        ),
        _ => (
            Fulfilment::Delivery {
                name: r.try_get::<Option<String>, _>(5)?.unwrap_or_default(),
                phone: r.try_get::<Option<String>, _>(6)?.unwrap_or_default(),
                address: r.try_get::<Option<String>, _>(7)?.unwrap_or_default(),
            },
            None,
        ),
    };
    let lines = lines_of(conn, id, &currency, lang).await?;
    let shipment = match (
        r.try_get::<Option<&str>, _>(17)?.and_then(Carrier::parse),
        r.try_get::<Option<String>, _>(18)?,
        r.try_get::<Option<i64>, _>(19)?,
        r.try_get::<Option<i64>, _>(20)?,
    ) {
        (Some(carrier), Some(tracking_number), Some(shipped), Some(completes)) => Some(Shipment {
            carrier,
            tracking_number,
            shipped_at: rfc3339(shipped)?,
            completes_at: rfc3339(completes)?,
        }),
        _ => None,
    };
    // The code opens the counter only while the parcel waits there.
    let pickup_code = match status {
        OrderStatus::ReadyForPickup => r.try_get::<Option<String>, _>(21)?,
        _ => None,
    };
    // A hold means something only while the order waits for its payment.
    let hold_until = match (status, hold_until_ms) {
        (OrderStatus::PendingPayment, Some(ms)) => Some(rfc3339(ms)?),
        _ => None,
    };
    Ok(Some(Order {
        id,
        kind,
        status,
        payment,
        lines,
        delivery_fee: Money {
            amount: delivery_fee,
            currency: currency.clone(),
        },
        total: Money {
            amount: total,
            currency,
        },
        fulfilment,
        pickup_point,
        group_id: r.try_get(9)?,
        hold_until,
        note: r
            .try_get::<Option<&str>, _>(11)?
            .and_then(Note::parse)
            .map(|n| n.text(lang).to_owned()),
        shipment,
        pickup_code,
        refund_reason: r.try_get(22)?,
        created_at: rfc3339(r.try_get(12)?)?,
        completed_at: r.try_get::<Option<i64>, _>(23)?.map(rfc3339).transpose()?,
        pay_link: link::of_order(
            conn,
            link::Standing {
                id,
                status,
                payment,
                hold_until_ms,
            },
            now,
        )
        .await?,
        server_time: rfc3339(now)?,
    }))
}

/// An order's lines as its pages show them.
pub async fn lines_of(
    conn: &mut AnyConnection,
    id: i64,
    currency: &str,
    lang: Lang,
) -> Result<Vec<OrderLine>, AppError> {
    let money = |amount: i64| Money {
        amount,
        currency: currency.to_owned(),
    };
    let lines = sqlx::query(AssertSqlSafe(format!(
        "SELECT {CARD_COLUMNS}, l.quantity, l.unit_price
         FROM order_lines l
         JOIN products pr ON pr.id = l.product_id
         {CARD_JOIN}
         WHERE l.order_id = $1
         ORDER BY l.position"
    )))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|l| {
        let quantity = u32_at(l, CARD_WIDTH)?;
        let unit: i64 = l.try_get(CARD_WIDTH + 1)?;
        Ok(OrderLine {
            product: product_card(l, lang)?,
            quantity,
            unit_price: money(unit),
            subtotal: money(unit * i64::from(quantity)),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(lines)
}

/// An order of `member_id`'s; anyone else's is `not_found` (as if it did not exist).
pub async fn owned_order(
    conn: &mut AnyConnection,
    id: i64,
    member_id: i64,
    lang: Lang,
    now: i64,
) -> Result<Order, AppError> {
    let owner: Option<i64> = sqlx::query_scalar("SELECT member_id FROM orders WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    if owner != Some(member_id) {
        return Err(AppError::not_found("no such order"));
    }
    load_order(conn, id, lang, now)
        .await?
        .ok_or_else(|| AppError::not_found("no such order"))
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
