//! Orders and paying for them: `POST /orders`, `GET /orders`, `GET /orders/{id}` and
//! `POST /orders/{id}/pay`, and the order's side of the state machine.
//!
//! An order is placed `pending_payment` and takes its stock at once (and, joining a group,
//! a seat): both are held for it until `hold_until` (`--seat-hold-secs`). Paying goes
//! through the [`PaymentProvider`](crate::commerce::payment::PaymentProvider) in two steps around the
//! provider's call, so no transaction waits on it:
//!
//! 1. the order is checked and marked `processing` (taking stock and a seat again if a
//!    declined try had let them go);
//! 2. the provider's answer is applied: approved → a solo order is ready for pickup or
//!    shipping, a group start creates its group (the member leads it, awaiting the others),
//!    a seat becomes paid and may fill the group; declined → the order lets go of its stock
//!    and seat and may be paid again until a deadline (the hold's length), after which the
//!    sweep cancels it; pending (slow) → it stays `processing` until the provider answers,
//!    polled by a timer and by the expiry sweep. A charge the provider never answered
//!    (it failed, or the server stopped) stays `processing` too, and the sweep looks it up
//!    by its payment id; it is never taken as declined without the provider's word. An
//!    approval that comes for a charge the order no longer waits for is refunded.
//!
//! A hold that runs out before the payment is asked for cancels the order. A payment that
//! arrives after its hold ran out (a slow one) takes a seat and stock again if there are
//! any, and is otherwise refunded, the order's `note` saying why.
//!
//! Every write here runs in a `BEGIN IMMEDIATE` transaction, so stock and seats are changed
//! by one writer at a time; each take is still a conditional UPDATE, backed by the schema's
//! CHECKs, so no bug can oversell.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::Json;
use quanzi_api::order::{ADDRESS_CHARS, CART_LINES_MAX, DELIVERY_NAME_MAX_CHARS, PHONE_CHARS};
use quanzi_api::{
    ErrorCode, Fulfilment, Money, NewOrder, Order, OrderLine, OrderStatus, Page, Pay, PaymentState,
    Purchase, QUANTITY_MAX,
};
use rusqlite::{params, Connection, OptionalExtension};

use crate::commerce::cart::{check_quantity, CARD_COLUMNS, CARD_JOIN};
use crate::commerce::expiry;
use crate::commerce::group_buy::{self, GroupRow};
use crate::commerce::payment::{ChargeAnswer, ChargeRequest, ChargeState, PaymentProvider};
use crate::commerce::pickup::load_point;
use crate::content::post::{product_card, rfc3339};
use crate::http::body::JsonBody;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::{parse_limit, path_id, Cursor, PageQuery};
use crate::members::session::SignedIn;
use crate::storage::db::{now_ms, write_tx, Pool};
use crate::storage::idempotency::{self, Answer, IdemKey, Prior};
use crate::{referral, AppState};

/// How long an unpaid order holds its stock and seat when `--seat-hold-secs` is not given.
pub const DEFAULT_SEAT_HOLD_SECS: u64 = 120;

/// How orders and group-buys run (the server's settings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderSettings {
    /// How long an unpaid order holds its stock and seat, in ms.
    pub hold_ms: i64,
    /// A group's window in ms, in place of its product's `window_hours` (for tests).
    pub group_window_ms: Option<i64>,
}

/// What the order machinery needs, apart from the web: the database, the payment provider
/// and the settings. The expiry sweep and payment timers hold one of these (not the whole
/// [`AppState`]), so they outlive no router.
#[derive(Clone)]
pub struct Commerce {
    pub pool: Pool,
    pub payments: std::sync::Arc<dyn PaymentProvider>,
    pub settings: OrderSettings,
}

impl Commerce {
    /// Blocking database work on tokio's blocking pool, like [`AppState::db`].
    pub async fn db<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut Connection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        crate::storage::db::run(&self.pool, work).await
    }
}

/// What an order buys, as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Solo,
    StartGroup,
    JoinGroup,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Solo => "solo",
            Kind::StartGroup => "start_group",
            Kind::JoinGroup => "join_group",
        }
    }

    fn parse(raw: &str) -> rusqlite::Result<Kind> {
        match raw {
            "solo" => Ok(Kind::Solo),
            "start_group" => Ok(Kind::StartGroup),
            "join_group" => Ok(Kind::JoinGroup),
            _ => Err(bad_column("orders.kind", raw)),
        }
    }
}

fn bad_column(column: &str, value: &str) -> rusqlite::Error {
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

fn parse_status(raw: &str) -> rusqlite::Result<OrderStatus> {
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

fn parse_payment(raw: &str) -> rusqlite::Result<PaymentState> {
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
    fn fulfilled(&self) -> OrderStatus {
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

fn order_of(conn: &Connection, id: i64) -> Result<OrderRow, AppError> {
    order_row(conn, id)?.ok_or_else(|| AppError::internal(format!("order {id} vanished")))
}

fn set_status(
    conn: &Connection,
    id: i64,
    status: OrderStatus,
    note: Option<Note>,
) -> Result<(), AppError> {
    conn.prepare_cached("UPDATE orders SET status = ?2, note = coalesce(?3, note) WHERE id = ?1")?
        .execute(params![id, status_str(status), note.map(Note::as_str)])?;
    Ok(())
}

fn order_lines(conn: &Connection, order_id: i64) -> Result<Vec<(i64, u32)>, AppError> {
    Ok(conn
        .prepare_cached(
            "SELECT product_id, quantity FROM order_lines WHERE order_id = ?1 ORDER BY position",
        )?
        .query_map(params![order_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<Vec<_>, _>>()?)
}

/// Takes an order's lines out of stock, all or none; `false` (nothing changed) when any
/// product has fewer than the order asks for.
pub fn take_stock(conn: &Connection, order_id: i64) -> Result<bool, AppError> {
    let lines = order_lines(conn, order_id)?;
    for (product_id, quantity) in &lines {
        let stock: i64 = conn
            .prepare_cached("SELECT stock FROM products WHERE id = ?1")?
            .query_row(params![product_id], |r| r.get(0))?;
        if stock < i64::from(*quantity) {
            return Ok(false);
        }
    }
    for (product_id, quantity) in &lines {
        // Already checked under the write lock; the condition is the guard that makes
        // overselling impossible even so.
        let taken = conn
            .prepare_cached("UPDATE products SET stock = stock - ?2 WHERE id = ?1 AND stock >= ?2")?
            .execute(params![product_id, quantity])?;
        if taken != 1 {
            return Err(AppError::internal(format!(
                "stock of product {product_id} changed under the write lock"
            )));
        }
    }
    conn.prepare_cached("UPDATE orders SET stock_held = 1 WHERE id = ?1")?
        .execute(params![order_id])?;
    Ok(true)
}

/// Gives an order's stock back, if it holds any.
fn return_stock(conn: &Connection, order_id: i64) -> Result<(), AppError> {
    let held = conn
        .prepare_cached("UPDATE orders SET stock_held = 0 WHERE id = ?1 AND stock_held = 1")?
        .execute(params![order_id])?;
    if held == 1 {
        for (product_id, quantity) in order_lines(conn, order_id)? {
            conn.prepare_cached("UPDATE products SET stock = stock + ?2 WHERE id = ?1")?
                .execute(params![product_id, quantity])?;
        }
    }
    Ok(())
}

/// Lets go of what an unpaid order holds: its stock and its held seat (a paid seat stays).
pub fn release_hold(conn: &Connection, order_id: i64) -> Result<(), AppError> {
    return_stock(conn, order_id)?;
    group_buy::release_seat(conn, order_id)?;
    conn.prepare_cached("UPDATE orders SET hold_until_ms = NULL WHERE id = ?1")?
        .execute(params![order_id])?;
    Ok(())
}

/// Cancels an unpaid order, letting go of what it holds.
pub fn cancel(conn: &Connection, order_id: i64, note: Note) -> Result<(), AppError> {
    release_hold(conn, order_id)?;
    set_status(conn, order_id, OrderStatus::Cancelled, Some(note))
}

/// Refunds a paid order in full: the order says so at once, its stock goes back, and the
/// payment joins the refund outbox, which asks the provider until it confirms.
pub fn refund(conn: &Connection, order_id: i64, note: Note) -> Result<(), AppError> {
    release_hold(conn, order_id)?;
    conn.prepare_cached(
        "UPDATE orders SET status = 'refunded', payment = 'refunded', note = ?2 WHERE id = ?1",
    )?
    .execute(params![order_id, note.as_str()])?;
    conn.prepare_cached(
        "UPDATE payments SET state = 'refunding' WHERE order_id = ?1 AND state = 'approved'",
    )?
    .execute(params![order_id])?;
    Ok(())
}

/// A paid seat's order, once its group has filled.
pub fn group_filled(conn: &Connection, order_id: i64) -> Result<(), AppError> {
    let order = order_of(conn, order_id)?;
    if order.status == OrderStatus::AwaitingGroup {
        set_status(conn, order_id, order.fulfilled(), None)?;
    }
    Ok(())
}

/// Sends one approved charge that its order cannot take (the order went on without it) to
/// the refund outbox, the order noting it. The order itself is left as it is.
fn refund_charge(conn: &Connection, payment_id: i64, order_id: i64) -> Result<(), AppError> {
    conn.prepare_cached(
        "UPDATE payments SET state = 'refunding'
         WHERE id = ?1 AND state IN ('approved', 'declined')",
    )?
    .execute(params![payment_id])?;
    conn.prepare_cached("UPDATE orders SET note = ?2 WHERE id = ?1")?
        .execute(params![order_id, Note::LateChargeRefunded.as_str()])?;
    tracing::warn!(
        payment_id,
        order_id,
        "a charge came too late to be used; refunding it"
    );
    Ok(())
}

/// A payment approved: the order moves on (see the module's notes).
fn approve(
    conn: &Connection,
    payment_id: i64,
    order_id: i64,
    now: i64,
    settings: OrderSettings,
) -> Result<(), AppError> {
    let order = order_of(conn, order_id)?;
    if order.payment != PaymentState::Processing {
        // The order is not waiting for this charge (another try was decided meanwhile):
        // the money goes back.
        return refund_charge(conn, payment_id, order_id);
    }
    conn.prepare_cached(
        "UPDATE orders SET payment = 'approved', paid_ms = ?2, hold_until_ms = NULL WHERE id = ?1",
    )?
    .execute(params![order_id, now])?;
    if order.status != OrderStatus::PendingPayment {
        // Nothing left to pay for (the sweep does not cancel an order whose payment is
        // under way, so this is a safety net).
        return refund(conn, order_id, Note::LateGroupEnded);
    }
    match order.kind {
        Kind::Solo => {
            if !order.stock_held && !take_stock(conn, order_id)? {
                return refund(conn, order_id, Note::LateSoldOut);
            }
            set_status(conn, order_id, order.fulfilled(), None)
        }
        Kind::StartGroup => {
            if !order.stock_held && !take_stock(conn, order_id)? {
                return refund(conn, order_id, Note::LateSoldOut);
            }
            match group_buy::create(conn, &order, now, settings)? {
                Some(_) => set_status(conn, order_id, OrderStatus::AwaitingGroup, None),
                // The product lost its group offer while the payment was under way.
                None => refund(conn, order_id, Note::LateGroupEnded),
            }
        }
        Kind::JoinGroup => {
            let group = order
                .group_id
                .map(|id| group_buy::group_of(conn, id))
                .transpose()?
                .ok_or_else(|| AppError::internal("a group order without its group"))?;
            if !group.is_open_at(now) {
                let note = match group.state {
                    quanzi_api::GroupState::Succeeded => Note::LateGroupFull,
                    _ => Note::LateGroupEnded,
                };
                return refund(conn, order_id, note);
            }
            if !group_buy::holds_seat(conn, order_id)? {
                // A late payment: its hold ran out and the seat was let go. It takes a
                // free seat if there is one, else it is refunded.
                if let Err(err) = group_buy::take_seat(conn, &group, order.member_id, order_id, now)
                {
                    let note = match err.code {
                        ErrorCode::GroupFull | ErrorCode::GroupClosed => Note::LateGroupFull,
                        ErrorCode::AlreadyInGroup => Note::LateAlreadyInGroup,
                        ErrorCode::Internal => return Err(err),
                        _ => Note::LateGroupEnded,
                    };
                    return refund(conn, order_id, note);
                }
                if !order.stock_held && !take_stock(conn, order_id)? {
                    return refund(conn, order_id, Note::LateSoldOut);
                }
            }
            group_buy::pay_seat(conn, order_id, now)?;
            set_status(conn, order_id, OrderStatus::AwaitingGroup, None)?;
            group_buy::check_filled(conn, group.id, now)
        }
    }
}

/// A payment declined: the order lets go of what it holds and may be paid again, unless its
/// group has ended meanwhile, until a deadline (the hold's length from now) after which the
/// sweep cancels it.
fn decline(
    conn: &Connection,
    order_id: i64,
    now: i64,
    settings: OrderSettings,
) -> Result<(), AppError> {
    let order = order_of(conn, order_id)?;
    if order.payment != PaymentState::Processing {
        return Ok(());
    }
    conn.prepare_cached("UPDATE orders SET payment = 'declined' WHERE id = ?1")?
        .execute(params![order_id])?;
    release_hold(conn, order_id)?;
    if let (Kind::JoinGroup, Some(group_id)) = (order.kind, order.group_id) {
        let group = group_buy::group_of(conn, group_id)?;
        if !group.is_open_at(now) && order.status == OrderStatus::PendingPayment {
            let note = match group.state {
                quanzi_api::GroupState::Succeeded => Note::GroupFilledCancelled,
                _ => Note::GroupFailedCancelled,
            };
            set_status(conn, order_id, OrderStatus::Cancelled, Some(note))?;
        }
    }
    conn.prepare_cached(
        "UPDATE orders SET hold_until_ms = ?2 WHERE id = ?1 AND status = 'pending_payment'",
    )?
    .execute(params![order_id, now.saturating_add(settings.hold_ms)])?;
    Ok(())
}

/// Applies the provider's answer about a payment (once: a payment already decided is left
/// alone, so a timer and the sweep may both bring the same answer). The one exception: an
/// approval of a charge that was taken as declined (its answer came too late) sends that
/// charge to the refund outbox.
pub fn apply_answer(
    conn: &Connection,
    payment_id: i64,
    answer: &ChargeAnswer,
    now: i64,
    settings: OrderSettings,
) -> Result<(), AppError> {
    let found: Option<(i64, String)> = conn
        .prepare_cached("SELECT order_id, state FROM payments WHERE id = ?1")?
        .query_row(params![payment_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((order_id, state)) = found else {
        return Err(AppError::internal(format!("payment {payment_id} vanished")));
    };
    if state == "declined" && answer.state == ChargeState::Approved {
        conn.prepare_cached("UPDATE payments SET reference = ?2, answered_ms = ?3 WHERE id = ?1")?
            .execute(params![payment_id, answer.reference, now])?;
        return refund_charge(conn, payment_id, order_id);
    }
    if state != "processing" {
        return Ok(());
    }
    let (state, poll_ms) = match answer.state {
        ChargeState::Approved => ("approved", None),
        ChargeState::Declined => ("declined", None),
        ChargeState::Pending { poll_at_ms } => ("processing", Some(poll_at_ms)),
    };
    let answered = (state != "processing").then_some(now);
    conn.prepare_cached(
        "UPDATE payments SET reference = nullif(?2, ''), state = ?3, poll_ms = ?4,
             answered_ms = ?5
         WHERE id = ?1",
    )?
    .execute(params![
        payment_id,
        answer.reference,
        state,
        poll_ms,
        answered
    ])?;
    match answer.state {
        ChargeState::Approved => approve(conn, payment_id, order_id, now, settings),
        ChargeState::Declined => decline(conn, order_id, now, settings),
        ChargeState::Pending { .. } => Ok(()),
    }
}

/// A fulfilment as checked.
enum Checked {
    Delivery {
        name: String,
        phone: String,
        address: String,
    },
    Pickup(i64),
}

fn bad_fulfilment(message: &'static str) -> AppError {
    AppError::bad_request(ErrorCode::BadFulfilment, message)
}

fn has_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
}

/// Checks a delivery address's fields, trimmed (the pickup point is checked against the
/// database later).
fn check_fulfilment(fulfilment: &Fulfilment) -> Result<Checked, AppError> {
    match fulfilment {
        Fulfilment::Pickup { point_id } => Ok(Checked::Pickup(*point_id)),
        Fulfilment::Delivery {
            name,
            phone,
            address,
        } => {
            let name = name.trim();
            let name_len = name.chars().count();
            if name_len == 0 || name_len > DELIVERY_NAME_MAX_CHARS || has_control(name) {
                return Err(bad_fulfilment("a recipient's name is 1 to 30 characters"));
            }
            let phone = phone.trim();
            if !PHONE_CHARS.contains(&phone.len())
                || !phone
                    .bytes()
                    .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b' '))
            {
                return Err(bad_fulfilment(
                    "a phone number is 5 to 20 of the digits 0-9, +, - and spaces",
                ));
            }
            let address = address.trim();
            if !ADDRESS_CHARS.contains(&address.chars().count()) || has_control(address) {
                return Err(bad_fulfilment("an address is 5 to 200 characters"));
            }
            Ok(Checked::Delivery {
                name: name.to_owned(),
                phone: phone.to_owned(),
                address: address.to_owned(),
            })
        }
    }
}

/// A solo order's lines, checked before anything is looked up: 1 to 30 products, each
/// 1 to 20 (repeats of a product add up, within 20).
fn check_solo_lines(lines: &[quanzi_api::LineRequest]) -> Result<Vec<(i64, u32)>, AppError> {
    if lines.is_empty() {
        return Err(AppError::bad_request(
            ErrorCode::EmptyCart,
            "an order needs at least one product",
        ));
    }
    if lines.len() > CART_LINES_MAX {
        return Err(AppError::bad_request(
            ErrorCode::BadQuantity,
            "an order has at most 30 different products",
        ));
    }
    let mut out: Vec<(i64, u32)> = Vec::with_capacity(lines.len());
    for line in lines {
        let quantity = check_quantity(i64::from(line.quantity))?;
        match out.iter_mut().find(|(id, _)| *id == line.product_id) {
            Some((_, q)) => {
                *q += quantity;
                if *q > QUANTITY_MAX {
                    return Err(AppError::bad_request(
                        ErrorCode::BadQuantity,
                        "at most 20 of one product in an order",
                    ));
                }
            }
            None => out.push((line.product_id, quantity)),
        }
    }
    Ok(out)
}

fn out_of_stock() -> AppError {
    AppError::conflict(
        ErrorCode::OutOfStock,
        "there are fewer in stock than the order asks for",
    )
}

/// Places an order (see `create_order`); returns its id. Refusals leave the caller to undo
/// whatever was written (the idempotency savepoint does).
fn place(
    conn: &Connection,
    member_id: i64,
    new: &NewOrder,
    referrer: Option<i64>,
    now: i64,
    settings: OrderSettings,
) -> Result<i64, AppError> {
    let solo_lines = match &new.purchase {
        Purchase::Solo { lines } => Some(check_solo_lines(lines)?),
        _ => None,
    };
    let fulfilment = check_fulfilment(&new.fulfilment)?;
    if let Checked::Pickup(point_id) = &fulfilment {
        if load_point(conn, *point_id, Lang::Zh)?.is_none() {
            return Err(bad_fulfilment("no such pickup point"));
        }
    }
    // Lines as (product, quantity, unit price), the currency, the kind and the group.
    let mut priced: Vec<(i64, u32, i64)> = Vec::new();
    let mut currency: Option<String> = None;
    let (kind, group): (Kind, Option<GroupRow>) = match &new.purchase {
        Purchase::Solo { .. } => {
            for (product_id, quantity) in solo_lines.unwrap_or_default() {
                let (price, cur): (i64, String) = conn
                    .prepare_cached("SELECT solo_price, currency FROM products WHERE id = ?1")?
                    .query_row(params![product_id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?
                    .ok_or_else(|| AppError::not_found(format!("no product {product_id}")))?;
                if currency.get_or_insert_with(|| cur.clone()) != &cur {
                    return Err(AppError::bad_request(
                        ErrorCode::BadRequest,
                        "an order is paid in one currency",
                    ));
                }
                priced.push((product_id, quantity, price));
            }
            (Kind::Solo, None)
        }
        Purchase::StartGroup { product_id } => {
            let (group_price, cur): (Option<i64>, String) = conn
                .prepare_cached("SELECT group_price, currency FROM products WHERE id = ?1")?
                .query_row(params![product_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .ok_or_else(|| AppError::not_found("no such product"))?;
            let price = group_price.ok_or_else(|| {
                AppError::bad_request(ErrorCode::NoGroupOffer, "this product has no group price")
            })?;
            currency = Some(cur);
            priced.push((*product_id, 1, price));
            (Kind::StartGroup, None)
        }
        Purchase::JoinGroup { group_id } => {
            let group = group_buy::group_row(conn, *group_id)?
                .ok_or_else(|| AppError::not_found("no such group"))?;
            currency = Some(group.currency.clone());
            priced.push((group.product_id, 1, group.price));
            (Kind::JoinGroup, Some(group))
        }
    };
    let total: i64 = priced
        .iter()
        .map(|(_, quantity, price)| price * i64::from(*quantity))
        .sum();
    let (delivery, pickup) = match fulfilment {
        Checked::Delivery {
            name,
            phone,
            address,
        } => (Some((name, phone, address)), None),
        Checked::Pickup(point) => (None, Some(point)),
    };
    conn.prepare_cached(
        "INSERT INTO orders (member_id, kind, status, payment, currency, total, fulfilment,
             delivery_name, delivery_phone, delivery_address, pickup_point_id, group_id,
             stock_held, hold_until_ms, referrer_id, created_ms)
         VALUES (?1, ?2, 'pending_payment', 'unpaid', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11,
             ?12, ?13)",
    )?
    .execute(params![
        member_id,
        kind.as_str(),
        currency.unwrap_or_else(|| "CNY".to_owned()),
        total,
        if pickup.is_some() {
            "pickup"
        } else {
            "delivery"
        },
        delivery.as_ref().map(|d| &d.0),
        delivery.as_ref().map(|d| &d.1),
        delivery.as_ref().map(|d| &d.2),
        pickup,
        group.as_ref().map(|g| g.id),
        now + settings.hold_ms,
        referrer,
        now,
    ])?;
    let order_id = conn.last_insert_rowid();
    for (position, (product_id, quantity, price)) in priced.iter().enumerate() {
        conn.prepare_cached(
            "INSERT INTO order_lines (order_id, position, product_id, quantity, unit_price)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            order_id,
            position as i64,
            product_id,
            quantity,
            price
        ])?;
    }
    if let Some(group) = &group {
        // The seat first: a full group says `group_full`, whatever the stock.
        group_buy::take_seat(conn, group, member_id, order_id, now)?;
    }
    if !take_stock(conn, order_id)? {
        return Err(out_of_stock());
    }
    if kind == Kind::Solo {
        for (product_id, _, _) in &priced {
            conn.prepare_cached("DELETE FROM cart_items WHERE member_id = ?1 AND product_id = ?2")?
                .execute(params![member_id, product_id])?;
        }
    }
    Ok(order_id)
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
fn owned_order(
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

/// Places an order: the cart's lines at solo prices, or one product at the group price,
/// starting a group or taking a seat in one. The order takes its stock (and seat) at once
/// and holds them until `hold_until`; pay it with `POST /orders/{id}/pay`. A solo order's
/// products leave the cart. The order is credited (referral dashboard) to the code in the
/// referral cookie, else `referral_code`, else whoever referred the member; never the member.
#[utoipa::path(
    post,
    path = "/orders",
    tag = "orders",
    request_body = NewOrder,
    params(
        ("Idempotency-Key" = String, Header, description = "Required: 1 to 200 printable ASCII characters, new for each \
            order the member means to place (a UUID). A retry with the same key and body gets the first answer back \
            (status and body, with `Idempotent-Replayed: true`) and places nothing."),
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 201, description = "The order, `pending_payment`, holding its stock (and seat) until `hold_until`", body = Order),
        (status = 400, description = "`missing_idempotency_key`, `empty_cart`, `bad_quantity` (not 1 to 20 of a product, or \
            more than 30 products), `no_group_offer` (starting a group of a product without one), `bad_fulfilment` \
            (a delivery name of 1 to 30 characters, a phone of 5 to 20 of `0-9+- `, an address of 5 to 200 characters, \
            or an existing pickup point), `bad_request` or `bad_json`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such product or group", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`out_of_stock`; joining a group: `group_full` (every seat paid or held), \
            `group_expired` (past its deadline, or failed), `group_closed` (it has succeeded) or `already_in_group` \
            (the member leads it or has a seat in it)", body = quanzi_api::ApiErrorBody),
        (status = 422, description = "`idempotency_key_reused`: the key was used for another request", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
        (status = 503, description = "`unavailable`: the first request with this key is still being answered; retry",
         body = quanzi_api::ApiErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
    security(("session" = []))
)]
pub async fn create_order(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(member_id): SignedIn,
    headers: HeaderMap,
    JsonBody(body): JsonBody<NewOrder>,
) -> Result<Response, AppError> {
    let key = IdemKey::from_request(&headers, member_id, &Method::POST, "/api/v1/orders", &body)?;
    // A group that ended unseen is closed before anyone tries to join it.
    expiry::settle(&state.commerce).await?;
    let cookie_code = referral::cookie_code(&headers, state.secure_cookies);
    let settings = state.commerce.settings;
    let (answer, replayed) = state
        .db(move |conn| {
            idempotency::once(conn, &key, |conn| {
                let now = now_ms();
                let body_code = body
                    .referral_code
                    .as_deref()
                    .and_then(quanzi_api::parse_referral_code);
                let referrer = referral::referrer_for_order(
                    conn,
                    member_id,
                    cookie_code.as_deref(),
                    body_code.as_deref(),
                )?;
                let id = place(conn, member_id, &body, referrer, now, settings)?;
                let order = load_order(conn, id, lang, now)?
                    .ok_or_else(|| AppError::internal("the new order vanished"))?;
                Answer::json(StatusCode::CREATED, &order)
            })
        })
        .await?;
    Ok(answer.into_response(replayed))
}

/// What the first step of a payment leads to.
enum Step {
    /// An answer already: a replay, or a refusal (stored with the key).
    Answered(Answer, bool),
    /// Ask the provider.
    Charge(ChargeRequest),
}

fn not_payable(message: &'static str) -> AppError {
    AppError::conflict(ErrorCode::NotPayable, message)
}

fn hold_expired() -> AppError {
    AppError::conflict(
        ErrorCode::HoldExpired,
        "the order waited for its payment longer than it is held, and was cancelled",
    )
}

/// The first step of paying: checks the order can be paid, takes its stock and seat again
/// after a declined try, and records the try as `processing`.
fn prepare(
    conn: &Connection,
    member_id: i64,
    order_id: i64,
    outcome: quanzi_api::TestPayment,
    now: i64,
    settings: OrderSettings,
    provider: &str,
) -> Result<ChargeRequest, AppError> {
    let order = order_row(conn, order_id)?
        .filter(|o| o.member_id == member_id)
        .ok_or_else(|| AppError::not_found("no such order"))?;
    match order.status {
        OrderStatus::PendingPayment => {}
        OrderStatus::Cancelled
            if matches!(order.note, Some(Note::HoldExpired | Note::DeclinedExpired)) =>
        {
            return Err(hold_expired())
        }
        _ => {
            return Err(not_payable(
                "the order is paid, cancelled or refunded already",
            ))
        }
    }
    match order.payment {
        PaymentState::Unpaid => {
            if order.hold_until_ms.is_some_and(|until| until <= now) {
                return Err(hold_expired());
            }
        }
        PaymentState::Declined => {
            if order.hold_until_ms.is_some_and(|until| until <= now) {
                return Err(hold_expired());
            }
            // A declined try let go of everything: take it again, with a fresh hold.
            if let (Kind::JoinGroup, Some(group_id)) = (order.kind, order.group_id) {
                let group = group_buy::group_of(conn, group_id)?;
                group_buy::take_seat(conn, &group, member_id, order_id, now)?;
            }
            if !order.stock_held && !take_stock(conn, order_id)? {
                return Err(out_of_stock());
            }
            conn.prepare_cached("UPDATE orders SET hold_until_ms = ?2 WHERE id = ?1")?
                .execute(params![order_id, now + settings.hold_ms])?;
        }
        PaymentState::Processing => {
            return Err(not_payable("a payment of this order is under way"))
        }
        PaymentState::Approved | PaymentState::Refunded => {
            return Err(not_payable("the order is paid already"))
        }
    }
    conn.prepare_cached(
        "INSERT INTO payments (order_id, provider, currency, amount, state, created_ms)
         VALUES (?1, ?2, ?3, ?4, 'processing', ?5)",
    )?
    .execute(params![
        order_id,
        provider,
        order.currency,
        order.total,
        now
    ])?;
    let payment_id = conn.last_insert_rowid();
    conn.prepare_cached("UPDATE orders SET payment = 'processing' WHERE id = ?1")?
        .execute(params![order_id])?;
    Ok(ChargeRequest {
        payment_id,
        order_id,
        amount: Money {
            amount: order.total,
            currency: order.currency,
        },
        test_outcome: outcome,
    })
}

/// Pays an order through the payment provider (the reference server's is the test provider:
/// `outcome` says how it answers). Approved: a solo order is ready for pickup or shipping;
/// a group start opens its group (deadline = now + the window) and awaits the others; a
/// seat is paid, and the last paid seat fills the group, readying every member's order.
/// Declined: 402, and the order lets go of its stock and seat; it may be paid again (with a
/// new key) until `hold_until`, taking them again if they are still there. Slow: `processing` now, decided
/// later (`--test-payment-delay-secs`); a payment that arrives after the hold ran out takes
/// a free seat if there is one, else it is refunded and `note` says so.
#[utoipa::path(
    post,
    path = "/orders/{id}/pay",
    tag = "orders",
    request_body = Pay,
    params(
        ("id" = String, Path, description = "Order id"),
        ("Idempotency-Key" = String, Header, description = "Required: new for each try at paying. A retry with the same \
            key and body gets the first answer back (status and body) and charges nothing."),
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The order after the payment's answer: paid (`awaiting_group`, `ready_for_pickup`, \
            `shipping`), `processing` (a slow payment), or `refunded` with a `note` (a late payment with no seat left)", body = Order),
        (status = 400, description = "`bad_id`, `missing_idempotency_key` or `bad_json`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 402, description = "`payment_declined`: nothing was charged, and the order holds no stock or seat now; \
            it may be paid again until `hold_until`, and is cancelled after", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such order of the member's", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`not_payable` (paid, cancelled or refunded, or a payment under way), `hold_expired` \
            (the hold ran out before paying; the order is cancelled), or after a declined try: `out_of_stock`, \
            `group_full`, `group_expired`, `group_closed`, `already_in_group`", body = quanzi_api::ApiErrorBody),
        (status = 422, description = "`idempotency_key_reused`", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
        (status = 503, description = "`unavailable`: the provider did not answer (whether it charged is not known yet: \
            the order stays `processing` until the provider is asked again, and a charge it cannot use is refunded), \
            or the first request with this key is still being answered", body = quanzi_api::ApiErrorBody,
         headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
    security(("session" = []))
)]
pub async fn pay(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(member_id): SignedIn,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
    JsonBody(body): JsonBody<Pay>,
) -> Result<Response, AppError> {
    let order_id = path_id(id)?;
    let path = format!("/api/v1/orders/{order_id}/pay");
    let key = IdemKey::from_request(&headers, member_id, &Method::POST, &path, &body)?;
    expiry::settle(&state.commerce).await?;
    let commerce = state.commerce.clone();
    let settings = commerce.settings;
    let provider = commerce.payments.name();
    let first_key = key.clone();
    let step = state
        .db(move |conn| {
            let key = first_key;
            let now = now_ms();
            let mut tx = write_tx(conn)?;
            match idempotency::lookup(&tx, &key, now)? {
                Prior::Answered(answer) => return Ok(Step::Answered(answer, true)),
                Prior::Busy => return Err(idempotency::busy()),
                Prior::Fresh => {}
            }
            let prepared = {
                let sp = tx.savepoint()?;
                let prepared = prepare(
                    &sp,
                    member_id,
                    order_id,
                    body.outcome,
                    now,
                    settings,
                    provider,
                );
                if prepared.is_ok() {
                    sp.commit()?;
                }
                prepared
            };
            let step = match prepared {
                Ok(request) => {
                    idempotency::begin(&tx, &key, now)?;
                    Step::Charge(request)
                }
                Err(err) => {
                    let answer = idempotency::answer_of(Err(err))?;
                    idempotency::finish(&tx, &key, &answer, now)?;
                    Step::Answered(answer, false)
                }
            };
            tx.commit()?;
            Ok(step)
        })
        .await?;
    let request = match step {
        Step::Answered(answer, replayed) => return Ok(answer.into_response(replayed)),
        Step::Charge(request) => request,
    };
    let payment_id = request.payment_id;
    let charged = commerce.payments.charge(&request).await;
    let charge = match charged {
        Ok(charge) => charge,
        Err(err) => {
            tracing::error!(error = %err, payment_id, "the payment provider failed");
            // Nothing is known: the charge may have gone through. The payment stays
            // `processing` and the sweep soon asks the provider about it by its id (it is
            // never taken as declined without the provider's word). The key is let go.
            state
                .db(move |conn| {
                    let tx = write_tx(conn)?;
                    tx.prepare_cached(
                        "UPDATE payments SET poll_ms = ?2
                         WHERE id = ?1 AND state = 'processing' AND reference IS NULL",
                    )?
                    .execute(params![payment_id, now_ms() + expiry::POLL_RETRY_MS])?;
                    idempotency::abandon(&tx, &key)?;
                    tx.commit()?;
                    Ok(())
                })
                .await?;
            let mut err = AppError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Unavailable,
                "the payment service did not answer, so whether the payment went through is \
                 not known yet; the order shows it once the service has been asked again",
            );
            err.retry_after = Some(5);
            return Err(err);
        }
    };
    let pending = match charge.state {
        ChargeState::Pending { poll_at_ms } => Some(poll_at_ms),
        _ => None,
    };
    let declined = charge.state == ChargeState::Declined;
    let answer = state
        .db(move |conn| {
            let now = now_ms();
            let tx = write_tx(conn)?;
            apply_answer(&tx, payment_id, &charge, now, settings)?;
            let answer = if declined {
                Answer::error(&AppError::new(
                    StatusCode::PAYMENT_REQUIRED,
                    ErrorCode::PaymentDeclined,
                    "the payment was declined; nothing was charged",
                ))
            } else {
                let order = load_order(&tx, order_id, lang, now)?
                    .ok_or_else(|| AppError::internal("the paid order vanished"))?;
                Answer::json(StatusCode::OK, &order)?
            };
            idempotency::finish(&tx, &key, &answer, now)?;
            tx.commit()?;
            Ok(answer)
        })
        .await?;
    if let Some(poll_at_ms) = pending {
        expiry::poll_later(commerce.clone(), payment_id, poll_at_ms);
    }
    // A late payment may have been refunded: tell the provider now.
    expiry::flush_refunds_soon(commerce);
    Ok(answer.into_response(false))
}

/// One of the member's orders.
#[utoipa::path(
    get,
    path = "/orders/{id}",
    tag = "orders",
    params(
        ("id" = String, Path, description = "Order id"),
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The order", body = Order),
        (status = 400, description = "`bad_id`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such order of the member's", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn get_order(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(member_id): SignedIn,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<Order>, AppError> {
    let id = path_id(id)?;
    expiry::settle(&state.commerce).await?;
    let order = state
        .db(move |conn| owned_order(conn, id, member_id, lang, now_ms()))
        .await?;
    Ok(Json(order))
}

/// The member's orders, newest first.
#[utoipa::path(
    get,
    path = "/orders",
    tag = "orders",
    params(
        PageQuery,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "A page of orders, newest first", body = Page<Order>),
        (status = 400, description = "`bad_limit`, `bad_cursor` or `bad_request`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn list_orders(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(member_id): SignedIn,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<Page<Order>>, AppError> {
    let Query(query) = query.map_err(|_| {
        AppError::bad_request(ErrorCode::BadRequest, "the query string is malformed")
    })?;
    let limit = parse_limit(query.limit.as_deref())?;
    let cursor = Cursor::parse(query.cursor.as_deref())?;
    expiry::settle(&state.commerce).await?;
    let page = state
        .db(move |conn| {
            let now = now_ms();
            let after = cursor.unwrap_or(Cursor {
                created_ms: i64::MAX,
                id: i64::MAX,
            });
            let rows: Vec<(i64, i64)> = conn
                .prepare_cached(
                    "SELECT id, created_ms FROM orders
                     WHERE member_id = ?1 AND (created_ms, id) < (?2, ?3)
                     ORDER BY created_ms DESC, id DESC LIMIT ?4",
                )?
                .query_map(
                    params![member_id, after.created_ms, after.id, i64::from(limit) + 1],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?
                .collect::<Result<_, _>>()?;
            let has_more = rows.len() > limit as usize;
            let rows = &rows[..rows.len().min(limit as usize)];
            let next_cursor = match rows.last() {
                Some(&(id, created_ms)) if has_more => Some(Cursor { created_ms, id }.encode()),
                _ => None,
            };
            let mut items = Vec::with_capacity(rows.len());
            for &(id, _) in rows {
                if let Some(order) = load_order(conn, id, lang, now)? {
                    items.push(order);
                }
            }
            Ok(Page { items, next_cursor })
        })
        .await?;
    Ok(Json(page))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(name: &str, phone: &str, address: &str) -> Fulfilment {
        Fulfilment::Delivery {
            name: name.to_owned(),
            phone: phone.to_owned(),
            address: address.to_owned(),
        }
    }

    #[test]
    fn delivery_addresses_are_checked() {
        assert!(check_fulfilment(&delivery(
            "小鹿",
            "+86 138-0000-0000",
            "杭州市西湖区文三路 1 号"
        ))
        .is_ok());
        for bad in [
            delivery("", "13800000000", "杭州市西湖区"),
            delivery(&"名".repeat(31), "13800000000", "杭州市西湖区"),
            delivery("a\u{0}b", "13800000000", "杭州市西湖区"),
            delivery("小鹿", "1234", "杭州市西湖区"),
            delivery("小鹿", "138000000001380000000", "杭州市西湖区"),
            delivery("小鹿", "138(000)0000", "杭州市西湖区"),
            delivery("小鹿", "１３８００００００００", "杭州市西湖区"),
            delivery("小鹿", "13800000000", "杭州"),
            delivery("小鹿", "13800000000", &"路".repeat(201)),
        ] {
            let err = check_fulfilment(&bad).err();
            assert_eq!(
                err.map(|e| e.code),
                Some(ErrorCode::BadFulfilment),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn solo_lines_are_checked_and_repeats_add_up() {
        use quanzi_api::LineRequest;
        let line = |product_id, quantity| LineRequest {
            product_id,
            quantity,
        };
        assert_eq!(
            check_solo_lines(&[line(1, 2), line(2, 1), line(1, 3)]).ok(),
            Some(vec![(1, 5), (2, 1)])
        );
        let code = |lines: &[LineRequest]| check_solo_lines(lines).err().map(|e| e.code);
        assert_eq!(code(&[]), Some(ErrorCode::EmptyCart));
        assert_eq!(code(&[line(1, 0)]), Some(ErrorCode::BadQuantity));
        assert_eq!(code(&[line(1, 21)]), Some(ErrorCode::BadQuantity));
        assert_eq!(
            code(&[line(1, 15), line(1, 6)]),
            Some(ErrorCode::BadQuantity)
        );
        let many: Vec<LineRequest> = (1..=31).map(|id| line(id, 1)).collect();
        assert_eq!(code(&many), Some(ErrorCode::BadQuantity));
    }

    #[test]
    fn notes_round_trip_and_speak_both_languages() {
        for note in Note::ALL {
            assert_eq!(Note::parse(note.as_str()), Some(note));
            assert_ne!(note.text(Lang::Zh), note.text(Lang::En));
        }
        assert_eq!(Note::parse("nonsense"), None);
    }
}
