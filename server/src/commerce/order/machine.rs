//! The order's state machine: placing an order (stock and seat taken at once), the first
//! step of a payment, and applying the provider's answer. What a group's fate does to its
//! orders comes back from [`group_buy`] as outcomes for the [`ledger`].

use quanzi_api::check::Delivery;
use quanzi_api::{ErrorCode, Money, NewOrder, OrderStatus, PaymentState, Purchase};
use sqlx::{AnyConnection, AssertSqlSafe};

use crate::catalog::product::on_shelf;
use crate::commerce::context::OrderSettings;
use crate::commerce::group_buy::{self, GroupRow};
use crate::commerce::ledger::{self, refund_charge, set_status, take_stock, Outcome};
use crate::commerce::order::checks::{bad_fulfilment, check_fulfilment, check_solo_lines, Checked};
use crate::commerce::order::rows::{
    kind_str, lock_order, lock_own_order, order_lines, order_of, Kind, Note, OrderRow,
};
use crate::commerce::payment::{ChargeAnswer, ChargeRequest, ChargeState};
use crate::commerce::pickup::load_point;
use crate::commerce::{commission, flash_sale};
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::storage::db::{for_update, now_ms};
use crate::storage::idempotency::Answer;

/// A paid order the machine cannot carry on with goes back in full.
async fn refund(conn: &mut AnyConnection, order_id: i64, note: Note) -> Result<(), AppError> {
    ledger::apply(conn, [Outcome::Refund(order_id, note)]).await
}

pub fn out_of_stock() -> AppError {
    AppError::conflict(
        ErrorCode::OutOfStock,
        "there are fewer in stock than the order asks for",
    )
}

/// Why an order's stock could not be taken: a flash order's sale (the member's limit, or
/// sold out), else the product's stock.
async fn stock_refusal(conn: &mut AnyConnection, order_id: i64) -> Result<AppError, AppError> {
    let order = order_of(conn, order_id).await?;
    let Some(sale_id) = order.flash_sale_id else {
        return Ok(out_of_stock());
    };
    let units = order_lines(conn, order_id)
        .await?
        .iter()
        .map(|l| i64::from(l.1))
        .sum();
    Ok(flash_sale::refusal(conn, sale_id, order.member_id, units)
        .await?
        .unwrap_or_else(out_of_stock))
}

/// Places an order (see `create_order`); returns its id. Refusals leave the caller to undo
/// whatever was written (the idempotency savepoint does).
pub async fn place(
    conn: &mut AnyConnection,
    member_id: i64,
    new: &NewOrder,
    referrer: Option<i64>,
    mut now: i64,
    settings: OrderSettings,
) -> Result<i64, AppError> {
    let solo_lines = match &new.purchase {
        Purchase::Solo { lines } => Some(check_solo_lines(lines)?),
        _ => None,
    };
    let fulfilment = check_fulfilment(&new.fulfilment)?;
    if let Checked::Pickup(point_id, ..) = &fulfilment {
        if load_point(conn, *point_id, Lang::Zh).await?.is_none() {
            return Err(bad_fulfilment("no such pickup point"));
        }
    }
    // Lines as (product, quantity, unit price), the currency, the kind and the group.
    let mut priced: Vec<(i64, u32, i64)> = Vec::new();
    let mut currency: Option<String> = None;
    let (kind, group): (Kind, Option<GroupRow>) = match &new.purchase {
        Purchase::Solo { .. } => {
            for (product_id, quantity) in solo_lines.unwrap_or_default() {
                on_shelf(conn, product_id).await?;
                let (price, cur): (i64, String) =
                    sqlx::query_as("SELECT solo_price, currency FROM products WHERE id = $1")
                        .bind(product_id)
                        .fetch_optional(&mut *conn)
                        .await?
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
            on_shelf(conn, *product_id).await?;
            let (group_price, cur): (Option<i64>, String) =
                sqlx::query_as("SELECT group_price, currency FROM products WHERE id = $1")
                    .bind(product_id)
                    .fetch_optional(&mut *conn)
                    .await?
                    .ok_or_else(|| AppError::not_found("no such product"))?;
            let price = group_price.ok_or_else(|| {
                AppError::bad_request(ErrorCode::NoGroupOffer, "this product has no group price")
            })?;
            currency = Some(cur);
            priced.push((*product_id, 1, price));
            (Kind::StartGroup, None)
        }
        Purchase::JoinGroup { group_id } => {
            let group = group_buy::group_row(conn, *group_id)
                .await?
                .ok_or_else(|| AppError::not_found("no such group"))?;
            on_shelf(conn, group.product_id).await?;
            // Its seat is decided by the clock after the group's lock.
            now = now_ms().max(now);
            currency = Some(group.currency.clone());
            priced.push((group.product_id, 1, group.price));
            (Kind::JoinGroup, Some(group))
        }
        Purchase::Flash {
            flash_sale_id,
            quantity,
        } => {
            if !(1..=quanzi_api::QUANTITY_MAX).contains(quantity) {
                return Err(AppError::bad_request(
                    ErrorCode::BadQuantity,
                    "a flash order is 1 to 20 units",
                ));
            }
            let offer = flash_sale::open_offer(conn, *flash_sale_id, *quantity, now).await?;
            on_shelf(conn, offer.product_id).await?;
            currency = Some(offer.currency);
            priced.push((offer.product_id, *quantity, offer.price));
            (Kind::Solo, None)
        }
    };
    let flash_sale_id = match &new.purchase {
        Purchase::Flash { flash_sale_id, .. } => Some(*flash_sale_id),
        _ => None,
    };
    let items: i64 = priced
        .iter()
        .map(|(_, quantity, price)| price * i64::from(*quantity))
        .sum();
    let (delivery, pickup) = match fulfilment {
        Checked::Delivery(Delivery {
            name,
            phone,
            address,
        }) => (Some((name, phone, address)), None),
        Checked::Pickup(point, name, phone) => (None, Some((point, name, phone))),
    };
    let fee = quanzi_api::order::delivery_fee(kind, delivery.is_some(), items);
    // Fixed now: what the sharer was shown is what they earn, whatever the rule becomes.
    let commission = match referrer {
        Some(_) => Some(commission::order_commission(conn, &priced).await?),
        None => None,
    };
    let order_id: i64 = sqlx::query_scalar(
        "INSERT INTO orders (member_id, kind, status, payment, currency, total, fulfilment,
             delivery_name, delivery_phone, delivery_address, pickup_point_id, group_id,
             stock_held, hold_until_ms, referrer_id, created_ms, delivery_fee, contact_name,
             contact_phone, commission, flash_sale_id)
         VALUES ($1, $2, 'pending_payment', 'unpaid', $3, $4, $5, $6, $7, $8, $9, $10, 0, $11,
             $12, $13, $14, $15, $16, $17, $18)
         RETURNING id",
    )
    .bind(member_id)
    .bind(kind_str(kind))
    .bind(currency.unwrap_or_else(|| "CNY".to_owned()))
    .bind(items + fee)
    .bind(if pickup.is_some() {
        "pickup"
    } else {
        "delivery"
    })
    .bind(delivery.as_ref().map(|d| d.0.clone()))
    .bind(delivery.as_ref().map(|d| d.1.clone()))
    .bind(delivery.as_ref().map(|d| d.2.clone()))
    .bind(pickup.as_ref().map(|p| p.0))
    .bind(group.as_ref().map(|g| g.id))
    .bind(now + settings.hold_ms)
    .bind(referrer)
    .bind(now)
    .bind(fee)
    .bind(pickup.as_ref().map(|p| p.1.clone()))
    .bind(pickup.as_ref().map(|p| p.2.clone()))
    .bind(commission)
    .bind(flash_sale_id)
    .fetch_one(&mut *conn)
    .await?;
    for (position, (product_id, quantity, price)) in priced.iter().enumerate() {
        sqlx::query(
            "INSERT INTO order_lines (order_id, position, product_id, quantity, unit_price)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(order_id)
        .bind(position as i64)
        .bind(product_id)
        .bind(i64::from(*quantity))
        .bind(price)
        .execute(&mut *conn)
        .await?;
    }
    if let Some(group) = &group {
        // The seat first: a full group says `group_full`, whatever the stock.
        group_buy::take_seat(conn, group, member_id, order_id, now).await?;
    }
    if !take_stock(conn, order_id).await? {
        return Err(stock_refusal(conn, order_id).await?);
    }
    if let Some(sale_id) = flash_sale_id {
        // Read again now that this transaction holds the sale's row: called off or ended
        // meanwhile, the order is not placed.
        flash_sale::still_open(conn, sale_id, now_ms()).await?;
    }
    Ok(order_id)
}

/// A paid solo order's products leave the member's cart. Not before: a shopper whose order
/// runs out unpaid still has the cart they made.
async fn leave_cart(
    conn: &mut AnyConnection,
    order_id: i64,
    member_id: i64,
) -> Result<(), AppError> {
    for (product_id, _) in order_lines(conn, order_id).await? {
        sqlx::query("DELETE FROM cart_items WHERE member_id = $1 AND product_id = $2")
            .bind(member_id)
            .bind(product_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A payment approved: the order moves on (see the module's notes).
async fn approve(
    conn: &mut AnyConnection,
    payment_id: i64,
    order_id: i64,
    now: i64,
    settings: OrderSettings,
) -> Result<(), AppError> {
    let order = order_of(conn, order_id).await?;
    if order.payment != PaymentState::Processing {
        // The order is not waiting for this charge (another try was decided meanwhile):
        // the money goes back.
        return refund_charge(conn, payment_id, order_id).await;
    }
    sqlx::query(
        "UPDATE orders SET payment = 'approved', paid_ms = $2, hold_until_ms = NULL WHERE id = $1",
    )
    .bind(order_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if order.status != OrderStatus::PendingPayment {
        // Nothing left to pay for (the sweep does not cancel an order whose payment is
        // under way, so this is a safety net).
        return refund(conn, order_id, Note::LateGroupEnded).await;
    }
    match order.kind {
        Kind::Solo => {
            if !order.stock_held && !take_stock(conn, order_id).await? {
                return refund(conn, order_id, Note::LateSoldOut).await;
            }
            // A flash order was never the cart's.
            if order.flash_sale_id.is_none() {
                leave_cart(conn, order_id, order.member_id).await?;
            }
            commission::accrue(conn, order_id, now).await?;
            set_status(conn, order_id, OrderStatus::Paid, None).await
        }
        Kind::StartGroup => {
            if !order.stock_held && !take_stock(conn, order_id).await? {
                return refund(conn, order_id, Note::LateSoldOut).await;
            }
            match group_buy::create(conn, &order, now, settings).await? {
                Some(_) => set_status(conn, order_id, OrderStatus::AwaitingGroup, None).await,
                // The product lost its group offer while the payment was under way.
                None => refund(conn, order_id, Note::LateGroupEnded).await,
            }
        }
        Kind::JoinGroup => {
            let group_id = order
                .group_id
                .ok_or_else(|| AppError::internal("a group order without its group"))?;
            let group = group_buy::group_of(conn, group_id).await?;
            if !group.is_open_at(now) {
                let note = match group.state {
                    quanzi_api::GroupState::Succeeded => Note::LateGroupFull,
                    _ => Note::LateGroupEnded,
                };
                return refund(conn, order_id, note).await;
            }
            if !group_buy::holds_seat(conn, order_id).await? {
                // A late payment: its hold ran out and the seat was let go. It takes a
                // free seat if there is one, else it is refunded.
                if let Err(err) =
                    group_buy::take_seat(conn, &group, order.member_id, order_id, now).await
                {
                    let note = match err.code {
                        // Not the group's answer but ours (the database): nothing is decided.
                        _ if !err.status.is_client_error() => return Err(err),
                        ErrorCode::GroupFull | ErrorCode::GroupClosed => Note::LateGroupFull,
                        ErrorCode::AlreadyInGroup => Note::LateAlreadyInGroup,
                        _ => Note::LateGroupEnded,
                    };
                    return refund(conn, order_id, note).await;
                }
                if !order.stock_held && !take_stock(conn, order_id).await? {
                    return refund(conn, order_id, Note::LateSoldOut).await;
                }
            }
            group_buy::pay_seat(conn, order_id, now).await?;
            set_status(conn, order_id, OrderStatus::AwaitingGroup, None).await?;
            let filled = group_buy::check_filled(conn, group.id, now).await?;
            ledger::apply(conn, filled).await
        }
    }
}

/// A payment declined: the order keeps what it holds and may be paid again until its hold
/// runs out (a hold that ran out while the payment was under way starts again from now),
/// after which the sweep cancels it; unless its group has ended meanwhile.
async fn decline(
    conn: &mut AnyConnection,
    order_id: i64,
    now: i64,
    settings: OrderSettings,
) -> Result<(), AppError> {
    let order = order_of(conn, order_id).await?;
    if order.payment != PaymentState::Processing {
        return Ok(());
    }
    sqlx::query("UPDATE orders SET payment = 'declined' WHERE id = $1")
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    crate::notifications::events::order_changed(conn, order_id).await?;
    if let (Kind::JoinGroup, Some(group_id)) = (order.kind, order.group_id) {
        let group = group_buy::group_of(conn, group_id).await?;
        if !group.is_open_at(now) && order.status == OrderStatus::PendingPayment {
            let note = match group.state {
                quanzi_api::GroupState::Succeeded => Note::GroupFilledCancelled,
                _ => Note::GroupFailedCancelled,
            };
            ledger::apply(&mut *conn, [Outcome::Cancel(order_id, note)]).await?;
        }
    }
    sqlx::query(
        "UPDATE orders SET hold_until_ms = $2
         WHERE id = $1 AND status = 'pending_payment'
           AND (hold_until_ms IS NULL OR hold_until_ms <= $3)",
    )
    .bind(order_id)
    .bind(now.saturating_add(settings.hold_ms))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Applies the provider's answer about a payment (once: a payment already decided is left
/// alone, so a timer and the sweep may both bring the same answer). The one exception: an
/// approval of a charge that was taken as declined (its answer came too late) sends that
/// charge to the refund outbox.
pub async fn apply_answer(
    conn: &mut AnyConnection,
    payment_id: i64,
    answer: &ChargeAnswer,
    now: i64,
    settings: OrderSettings,
) -> Result<(), AppError> {
    let order_id: Option<i64> = sqlx::query_scalar("SELECT order_id FROM payments WHERE id = $1")
        .bind(payment_id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(order_id) = order_id else {
        return Err(AppError::internal(format!("payment {payment_id} vanished")));
    };
    // The lock order: the order's group and the order, then the payment, read again under
    // the lock (a timer and a sweep on two servers may bring the same answer at once).
    lock_order(conn, order_id).await?;
    // Decided by the clock after the locks: a wait for them must not make it look earlier.
    let now = now_ms().max(now);
    let lock = for_update(conn);
    let state: String = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT state FROM payments WHERE id = $1{lock}"
    )))
    .bind(payment_id)
    .fetch_one(&mut *conn)
    .await?;
    if state == "declined" && answer.state == ChargeState::Approved {
        sqlx::query("UPDATE payments SET reference = $2, answered_ms = $3 WHERE id = $1")
            .bind(payment_id)
            .bind(&answer.reference)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        return refund_charge(conn, payment_id, order_id).await;
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
    sqlx::query(
        "UPDATE payments SET reference = nullif($2, ''), state = $3, poll_ms = $4,
             answered_ms = $5
         WHERE id = $1",
    )
    .bind(payment_id)
    .bind(&answer.reference)
    .bind(state)
    .bind(poll_ms)
    .bind(answered)
    .execute(&mut *conn)
    .await?;
    match answer.state {
        ChargeState::Approved => {
            approve(conn, payment_id, order_id, now, settings).await?;
            // A friend's payment the order kept (not one refunded as late): the link is
            // paid, and its requester told.
            let kept: String = sqlx::query_scalar("SELECT state FROM payments WHERE id = $1")
                .bind(payment_id)
                .fetch_one(&mut *conn)
                .await?;
            if kept == "approved" {
                crate::commerce::pay_link::link::paid(conn, payment_id, now).await?;
            }
            Ok(())
        }
        ChargeState::Declined => decline(conn, order_id, now, settings).await,
        ChargeState::Pending { .. } => Ok(()),
    }
}

/// What the first step of a payment leads to.
pub enum Step {
    /// An answer already: a replay, or a refusal (stored with the key).
    Answered(Answer, bool),
    /// Ask the provider.
    Charge(ChargeRequest),
}

pub fn not_payable(message: &'static str) -> AppError {
    AppError::conflict(ErrorCode::NotPayable, message)
}

pub fn hold_expired() -> AppError {
    AppError::conflict(
        ErrorCode::HoldExpired,
        "the order waited for its payment longer than it is held, and was cancelled",
    )
}

/// The first step of paying: checks the order can be paid, takes its stock and seat again
/// if a declined try's hold had let them go, and records the try as `processing`.
pub async fn prepare(
    conn: &mut AnyConnection,
    member_id: i64,
    order_id: i64,
    outcome: quanzi_api::TestPayment,
    now: i64,
    provider: &str,
) -> Result<ChargeRequest, AppError> {
    // Locked: two tries at paying one order at once (two keys, two servers) cannot both
    // find it payable.
    let order = lock_own_order(conn, order_id, member_id).await?;
    charge_order(conn, order, outcome, now, provider, None).await
}

/// [`prepare`] for an order its caller has locked and may pay: the order's member, or a
/// friend through its pay-for-me link (`pay_link`, kept with the payment).
pub async fn charge_order(
    conn: &mut AnyConnection,
    order: OrderRow,
    outcome: quanzi_api::TestPayment,
    now: i64,
    provider: &str,
    pay_link: Option<&str>,
) -> Result<ChargeRequest, AppError> {
    let order_id = order.id;
    let now = now_ms().max(now);
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
    if let (Kind::JoinGroup, Some(group_id)) = (order.kind, order.group_id) {
        // A member who has paid for another order since joining a new-member group.
        let group = group_buy::group_of(conn, group_id).await?;
        group_buy::check_newcomer(conn, &group, order.member_id, order_id).await?;
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
            // A declined try keeps what the order holds, unless its hold ran out while that
            // try was under way (the sweep let go of it; the decline gave a new hold): take
            // it again.
            if let (Kind::JoinGroup, Some(group_id)) = (order.kind, order.group_id) {
                if !group_buy::holds_seat(conn, order_id).await? {
                    let group = group_buy::group_of(conn, group_id).await?;
                    group_buy::take_seat(conn, &group, order.member_id, order_id, now).await?;
                }
            }
            if !order.stock_held && !take_stock(conn, order_id).await? {
                return Err(stock_refusal(conn, order_id).await?);
            }
        }
        PaymentState::Processing => {
            return Err(not_payable("a payment of this order is under way"))
        }
        PaymentState::Approved | PaymentState::Refunded => {
            return Err(not_payable("the order is paid already"))
        }
    }
    let payment_id: i64 = sqlx::query_scalar(
        "INSERT INTO payments (order_id, provider, currency, amount, state, created_ms, pay_link)
         VALUES ($1, $2, $3, $4, 'processing', $5, $6)
         RETURNING id",
    )
    .bind(order_id)
    .bind(provider)
    .bind(&order.currency)
    .bind(order.total)
    .bind(now)
    .bind(pay_link)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("UPDATE orders SET payment = 'processing' WHERE id = $1")
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    crate::notifications::events::order_changed(conn, order_id).await?;
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
