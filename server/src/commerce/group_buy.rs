//! Group-buys (拼团): `GET /groups/{id}`, `GET /products/{id}/groups`, and the group's side
//! of the state machine.
//!
//! A group is created when its leader's order is paid, with the leader's seat paid and a
//! deadline of the product's window from then (`--group-window-secs` in tests). Members
//! join by placing an order, which takes a seat in the same transaction with a conditional
//! update (`seats_taken < size`), so two people can never take the last seat. A seat is
//! held until the order's hold runs out and paid with the order. The group is:
//!
//! - OPEN → SUCCEEDED when its `size`-th seat is paid: every member's order is ready;
//! - OPEN → FAILED at its deadline with seats unpaid: paid orders are refunded through the
//!   payment provider, unpaid ones cancelled (see `expiry.rs`, which runs this both on a
//!   timer and before every read, so a restart never leaves a stale open group).
//!
//! A group is of its product's offer's kind when it opens ([`GroupKind`]): a lottery draws
//! its winners when it fills ([`draw`]; the others are refunded), with a seed it chose and
//! committed to (published its SHA-256) when it opened; a new-member group seats only
//! members with no paid order (its leader excepted). Every change to a group is on the
//! change feed, for the pages that show it.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use quanzi_api::{
    Author, ErrorCode, GroupBuy, GroupKind, GroupState, Lottery, LotteryTicket, Money, Page,
};
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::commerce::context::OrderSettings;
use crate::commerce::ledger::Outcome;
use crate::commerce::order::rows::{bad_column, Note, OrderRow};
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::{keyset_page, parse_limit, GroupCursor, GroupPageQuery, PathId};
use crate::members::session::Viewer;
use crate::notifications::events::group_changed;
use crate::storage::db::{for_no_key_update, for_update, now_ms, u32_at, Db};
use crate::storage::names::{hex, random_hex};
use crate::storage::rows::{author, product_card};
use crate::storage::rows::{rfc3339, AUTHOR_COLUMNS, CARD_COLUMNS, CARD_JOIN, CARD_WIDTH};

const HOUR_MS: i64 = 60 * 60 * 1000;

fn parse_kind(raw: &str) -> Result<GroupKind, AppError> {
    GroupKind::parse(raw).ok_or_else(|| bad_column("group kind", raw))
}

/// SHA-256 of a text, in hex.
pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// A member's lottery ticket: SHA-256 of `"{seed}:{member_id}"`, in hex.
pub fn ticket(seed: &str, member_id: i64) -> String {
    sha256_hex(&format!("{seed}:{member_id}"))
}

/// The draw: every member's ticket, lowest first (ties by member id), the first `winners`
/// of them winning. Anyone with the revealed seed and the members' ids can do it again.
pub fn draw(seed: &str, members: &[i64], winners: u32) -> Vec<LotteryTicket> {
    let mut tickets: Vec<LotteryTicket> = members
        .iter()
        .map(|&member_id| LotteryTicket {
            member_id,
            ticket: ticket(seed, member_id),
            won: false,
        })
        .collect();
    tickets.sort_by(|a, b| (&a.ticket, a.member_id).cmp(&(&b.ticket, b.member_id)));
    for t in tickets.iter_mut().take(winners as usize) {
        t.won = true;
    }
    tickets
}

fn parse_state(raw: &str) -> Result<GroupState, AppError> {
    match raw {
        "open" => Ok(GroupState::Open),
        "succeeded" => Ok(GroupState::Succeeded),
        "failed" => Ok(GroupState::Failed),
        _ => Err(bad_column("group_buys.state", raw)),
    }
}

/// A group's row, as the state machine reads it.
#[derive(Clone, Debug)]
pub struct GroupRow {
    pub id: i64,
    pub product_id: i64,
    pub leader_id: i64,
    pub size: u32,
    pub currency: String,
    pub price: i64,
    pub state: GroupState,
    pub seats_taken: u32,
    pub deadline_ms: i64,
    pub kind: GroupKind,
    pub lottery_winners: Option<u32>,
}

impl GroupRow {
    /// Open and before its deadline (the sweep may not have closed a group that just ran
    /// out; every decision goes by the clock, not by whether it has).
    pub fn is_open_at(&self, now: i64) -> bool {
        self.state == GroupState::Open && self.deadline_ms > now
    }
}

fn group_from(r: &AnyRow) -> Result<GroupRow, AppError> {
    Ok(GroupRow {
        id: r.try_get(0)?,
        product_id: r.try_get(1)?,
        leader_id: r.try_get(2)?,
        size: u32_at(r, 3)?,
        currency: r.try_get(4)?,
        price: r.try_get(5)?,
        state: parse_state(r.try_get(6)?)?,
        seats_taken: u32_at(r, 7)?,
        deadline_ms: r.try_get(8)?,
        kind: parse_kind(r.try_get(9)?)?,
        lottery_winners: r
            .try_get::<Option<i64>, _>(10)?
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
    })
}

/// A group, locked until the transaction ends when it is to be decided on (see
/// [`for_update`]).
pub async fn group_row(conn: &mut AnyConnection, id: i64) -> Result<Option<GroupRow>, AppError> {
    let lock = for_update(conn);
    sqlx::query(AssertSqlSafe(format!(
        "SELECT id, product_id, leader_id, size, currency, price, state, seats_taken,
                deadline_ms, kind, lottery_winners
         FROM group_buys WHERE id = $1{lock}"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .map(|r| group_from(&r))
    .transpose()
}

/// A group that must exist (an order refers to it), locked.
pub async fn group_of(conn: &mut AnyConnection, id: i64) -> Result<GroupRow, AppError> {
    group_row(conn, id)
        .await?
        .ok_or_else(|| AppError::internal(format!("group {id} vanished")))
}

/// Refuses a member who has paid for another order (or is paying one right now) a seat
/// in a new-member group (`new_members_only`); anyone may sit in other groups. The member's
/// row is locked first, so of two orders paid at once by one newcomer only the first is
/// new: the second finds the first's payment under way.
pub async fn check_newcomer(
    conn: &mut AnyConnection,
    group: &GroupRow,
    member_id: i64,
    order_id: i64,
) -> Result<(), AppError> {
    if group.kind != GroupKind::NewMember {
        return Ok(());
    }
    let lock = for_no_key_update(conn);
    sqlx::query(AssertSqlSafe(format!(
        "SELECT id FROM members WHERE id = $1{lock}"
    )))
    .bind(member_id)
    .execute(&mut *conn)
    .await?;
    let paid_before = sqlx::query(
        "SELECT 1 FROM orders
         WHERE member_id = $1 AND id <> $2 AND (paid_ms IS NOT NULL OR payment = 'processing')
         LIMIT 1",
    )
    .bind(member_id)
    .bind(order_id)
    .fetch_optional(conn)
    .await?
    .is_some();
    if paid_before {
        return Err(AppError::conflict(
            ErrorCode::NewMembersOnly,
            "this group is for new members: only members who have never paid for an order \
             may join it",
        ));
    }
    Ok(())
}

/// Takes a seat for an order, held until the order is paid or its hold runs out. Refused
/// with `group_closed` (succeeded), `group_expired` (past its deadline, or failed),
/// `already_in_group` (the leader, or a member with a seat), `new_members_only` or
/// `group_full`; a refusal changes nothing.
pub async fn take_seat(
    conn: &mut AnyConnection,
    group: &GroupRow,
    member_id: i64,
    order_id: i64,
    now: i64,
) -> Result<(), AppError> {
    if group.state == GroupState::Succeeded {
        return Err(AppError::conflict(
            ErrorCode::GroupClosed,
            "this group has already filled",
        ));
    }
    if !group.is_open_at(now) {
        return Err(AppError::conflict(
            ErrorCode::GroupExpired,
            "this group's time ran out",
        ));
    }
    let already = || {
        AppError::conflict(
            ErrorCode::AlreadyInGroup,
            "you already have a seat in this group",
        )
    };
    let seated = sqlx::query("SELECT 1 FROM group_seats WHERE group_id = $1 AND member_id = $2")
        .bind(group.id)
        .bind(member_id)
        .fetch_optional(&mut *conn)
        .await?
        .is_some();
    if group.leader_id == member_id || seated {
        return Err(already());
    }
    check_newcomer(conn, group, member_id, order_id).await?;
    // The one statement that decides who gets the last seat: it counts and takes at once.
    let taken = sqlx::query(
        "UPDATE group_buys SET seats_taken = seats_taken + 1
         WHERE id = $1 AND state = 'open' AND deadline_ms > $2 AND seats_taken < size",
    )
    .bind(group.id)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if taken == 0 {
        return Err(AppError::conflict(
            ErrorCode::GroupFull,
            "every seat of this group is taken",
        ));
    }
    // One seat per member and group (the key): of two orders by one member at once
    // (two servers), the second finds the first's seat here.
    let seated = sqlx::query(
        "INSERT INTO group_seats (group_id, member_id, order_id, state, taken_ms)
         VALUES ($1, $2, $3, 'held', $4)
         ON CONFLICT (group_id, member_id) DO NOTHING",
    )
    .bind(group.id)
    .bind(member_id)
    .bind(order_id)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if seated == 0 {
        sqlx::query("UPDATE group_buys SET seats_taken = seats_taken - 1 WHERE id = $1")
            .bind(group.id)
            .execute(conn)
            .await?;
        return Err(already());
    }
    group_changed(conn, group.id).await
}

/// Whether an order holds an unpaid seat.
pub async fn holds_seat(conn: &mut AnyConnection, order_id: i64) -> Result<bool, AppError> {
    Ok(
        sqlx::query("SELECT 1 FROM group_seats WHERE order_id = $1 AND state = 'held'")
            .bind(order_id)
            .fetch_optional(conn)
            .await?
            .is_some(),
    )
}

/// An order's held seat, paid.
pub async fn pay_seat(conn: &mut AnyConnection, order_id: i64, now: i64) -> Result<(), AppError> {
    let paid = sqlx::query(
        "UPDATE group_seats SET state = 'paid', paid_ms = $2
         WHERE order_id = $1 AND state = 'held'",
    )
    .bind(order_id)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if paid != 1 {
        return Err(AppError::internal(format!(
            "order {order_id} has no held seat to pay"
        )));
    }
    let group_id: i64 = sqlx::query_scalar("SELECT group_id FROM group_seats WHERE order_id = $1")
        .bind(order_id)
        .fetch_one(&mut *conn)
        .await?;
    group_changed(conn, group_id).await
}

/// Opens the group of a paid group-start order: its leader's seat paid, its deadline the
/// window from now. `None` when the product has no group offer any more.
pub async fn create(
    conn: &mut AnyConnection,
    order: &OrderRow,
    now: i64,
    settings: OrderSettings,
) -> Result<Option<i64>, AppError> {
    type Offer = (i64, i64, Option<i64>, Option<i64>, String, Option<i64>);
    let found: Option<Offer> = sqlx::query_as(
        "SELECT l.product_id, l.unit_price, pr.group_size, pr.window_hours, pr.group_kind,
                pr.lottery_winners
         FROM order_lines l JOIN products pr ON pr.id = l.product_id
         WHERE l.order_id = $1 ORDER BY l.position LIMIT 1",
    )
    .bind(order.id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((product_id, price, Some(size), Some(window_hours), kind, winners)) = found else {
        return Ok(None);
    };
    let kind = parse_kind(&kind)?;
    // A lottery commits to its seed (32 random bytes) now: its hash is public from the start.
    let (winners, seed) = match (kind, winners) {
        (GroupKind::Lottery, Some(winners)) => (
            Some(winners),
            Some(random_hex::<32>().map_err(AppError::internal)?),
        ),
        _ => (None, None),
    };
    let kind = match (kind, winners) {
        (GroupKind::Lottery, None) => GroupKind::Standard,
        (kind, _) => kind,
    };
    let window_ms = settings
        .group_window_ms
        .unwrap_or(window_hours.saturating_mul(HOUR_MS));
    let group_id: i64 = sqlx::query_scalar(
        "INSERT INTO group_buys (product_id, leader_id, size, currency, price, state,
             seats_taken, created_ms, deadline_ms, kind, lottery_winners, seed, seed_hash)
         VALUES ($1, $2, $3, $4, $5, 'open', 1, $6, $7, $8, $9, $10, $11)
         RETURNING id",
    )
    .bind(product_id)
    .bind(order.member_id)
    .bind(size)
    .bind(&order.currency)
    .bind(price)
    .bind(now)
    .bind(now.saturating_add(window_ms.max(1)))
    .bind(kind.as_str())
    .bind(winners)
    .bind(seed.as_deref())
    .bind(seed.as_deref().map(sha256_hex))
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO group_seats (group_id, member_id, order_id, state, taken_ms, paid_ms)
         VALUES ($1, $2, $3, 'paid', $4, $4)",
    )
    .bind(group_id)
    .bind(order.member_id)
    .bind(order.id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE orders SET group_id = $2 WHERE id = $1")
        .bind(order.id)
        .bind(group_id)
        .execute(&mut *conn)
        .await?;
    group_changed(conn, group_id).await?;
    Ok(Some(group_id))
}

/// OPEN → SUCCEEDED once every seat is paid: every member's order is ready (a lottery's
/// winners' only: it draws now, and the others are refunded), and orders that waited
/// without a seat (a declined try) are cancelled. The caller holds the group's lock, so the
/// last two seats paid at once cannot both miss that the group is full.
pub async fn check_filled(
    conn: &mut AnyConnection,
    group_id: i64,
    now: i64,
) -> Result<Vec<Outcome>, AppError> {
    let group = group_of(conn, group_id).await?;
    if group.state != GroupState::Open {
        return Ok(Vec::new());
    }
    let paid: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM group_seats WHERE group_id = $1 AND state = 'paid'",
    )
    .bind(group_id)
    .fetch_one(&mut *conn)
    .await?;
    if paid < i64::from(group.size) {
        return Ok(Vec::new());
    }
    sqlx::query(
        "UPDATE group_buys SET state = 'succeeded', closed_ms = $2 WHERE id = $1 AND state = 'open'",
    )
    .bind(group_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    group_changed(conn, group_id).await?;
    let seated: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT order_id, member_id FROM group_seats
         WHERE group_id = $1 AND state = 'paid' ORDER BY order_id",
    )
    .bind(group_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut outcomes = match group.lottery_winners {
        Some(winners) if group.kind == GroupKind::Lottery => {
            draw_lottery(conn, group_id, &seated, winners, now).await?
        }
        _ => seated
            .iter()
            .map(|&(order_id, _)| Outcome::Fulfil(order_id))
            .collect(),
    };
    let waiting: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM orders
         WHERE group_id = $1 AND status = 'pending_payment' AND payment IN ('unpaid', 'declined')
         ORDER BY id",
    )
    .bind(group_id)
    .fetch_all(conn)
    .await?;
    outcomes.extend(
        waiting
            .into_iter()
            .map(|order_id| Outcome::Cancel(order_id, Note::GroupFilledCancelled)),
    );
    Ok(outcomes)
}

/// A filled lottery's draw: the seed revealed, each seat marked won or not; the winners'
/// orders go on, the others are refunded.
async fn draw_lottery(
    conn: &mut AnyConnection,
    group_id: i64,
    seated: &[(i64, i64)],
    winners: u32,
    now: i64,
) -> Result<Vec<Outcome>, AppError> {
    let seed: Option<String> = sqlx::query_scalar("SELECT seed FROM group_buys WHERE id = $1")
        .bind(group_id)
        .fetch_one(&mut *conn)
        .await?;
    let seed = seed.ok_or_else(|| AppError::internal(format!("lottery {group_id} has no seed")))?;
    let members: Vec<i64> = seated.iter().map(|&(_, member)| member).collect();
    let tickets = draw(&seed, &members, winners);
    sqlx::query("UPDATE group_buys SET drawn_ms = $2 WHERE id = $1")
        .bind(group_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    let mut outcomes = Vec::with_capacity(seated.len());
    for t in tickets {
        let Some(&(order_id, _)) = seated.iter().find(|&&(_, m)| m == t.member_id) else {
            continue;
        };
        sqlx::query("UPDATE group_seats SET won = $2 WHERE group_id = $1 AND member_id = $3")
            .bind(group_id)
            .bind(i64::from(t.won))
            .bind(t.member_id)
            .execute(&mut *conn)
            .await?;
        outcomes.push(if t.won {
            Outcome::Fulfil(order_id)
        } else {
            Outcome::Refund(order_id, Note::LotteryNotDrawn)
        });
    }
    Ok(outcomes)
}

/// OPEN → FAILED (its deadline passed with seats unpaid): paid orders are refunded, unpaid
/// ones cancelled, and an order whose payment is still under way lets go of its hold (its
/// payment, when it comes, is refunded as late). The conditional update is the group's
/// lock: a second sweep at once finds it failed already and does nothing.
pub async fn fail(conn: &mut AnyConnection, group_id: i64) -> Result<Vec<Outcome>, AppError> {
    let closed = sqlx::query(
        "UPDATE group_buys SET state = 'failed', closed_ms = deadline_ms
         WHERE id = $1 AND state = 'open'",
    )
    .bind(group_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if closed == 0 {
        return Ok(Vec::new());
    }
    group_changed(conn, group_id).await?;
    let lock = for_update(conn);
    let orders: Vec<(i64, String)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT id, payment FROM orders
         WHERE group_id = $1 AND status IN ('pending_payment', 'paid', 'awaiting_group')
         ORDER BY id{lock}"
    )))
    .bind(group_id)
    .fetch_all(conn)
    .await?;
    Ok(orders
        .into_iter()
        .map(|(order_id, payment)| match payment.as_str() {
            "approved" => Outcome::Refund(order_id, Note::GroupFailedRefunded),
            "processing" => Outcome::ReleaseHold(order_id),
            _ => Outcome::Cancel(order_id, Note::GroupFailedCancelled),
        })
        .collect())
}

/// A group as its page shows it, to `viewer`; `None` when there is no such group.
pub async fn load_group(
    conn: &mut AnyConnection,
    id: i64,
    lang: Lang,
    viewer: Option<i64>,
    now: i64,
) -> Result<Option<GroupBuy>, AppError> {
    let Some(r) = sqlx::query(AssertSqlSafe(format!(
        "SELECT {CARD_COLUMNS}, g.size, g.state, g.seats_taken, g.deadline_ms, g.price,
                g.currency, g.kind, g.lottery_winners, g.seed, g.seed_hash, g.drawn_ms,
                {AUTHOR_COLUMNS}
         FROM group_buys g
         JOIN products pr ON pr.id = g.product_id
         {CARD_JOIN}
         JOIN members m ON m.id = g.leader_id
         WHERE g.id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let product = product_card(&r, lang)?;
    let size = u32_at(&r, CARD_WIDTH)?;
    let state = parse_state(r.try_get(CARD_WIDTH + 1)?)?;
    let seats_taken = u32_at(&r, CARD_WIDTH + 2)?;
    let deadline_ms: i64 = r.try_get(CARD_WIDTH + 3)?;
    let price = Money {
        amount: r.try_get(CARD_WIDTH + 4)?,
        currency: r.try_get(CARD_WIDTH + 5)?,
    };
    let kind = parse_kind(r.try_get(CARD_WIDTH + 6)?)?;
    let winners: Option<i64> = r.try_get(CARD_WIDTH + 7)?;
    let seed: Option<String> = r.try_get(CARD_WIDTH + 8)?;
    let seed_hash: Option<String> = r.try_get(CARD_WIDTH + 9)?;
    let drawn_ms: Option<i64> = r.try_get(CARD_WIDTH + 10)?;
    let leader = author(&r, CARD_WIDTH + 11, lang)?;
    let members: Vec<Author> = sqlx::query(AssertSqlSafe(format!(
        "SELECT {AUTHOR_COLUMNS}
         FROM group_seats s JOIN members m ON m.id = s.member_id
         WHERE s.group_id = $1 AND s.state = 'paid'
         ORDER BY s.member_id <> $2, s.paid_ms, s.member_id"
    )))
    .bind(id)
    .bind(leader.id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|m| author(m, 0, lang))
    .collect::<Result<_, _>>()?;
    let viewer_order_id = match viewer {
        Some(viewer) => {
            sqlx::query_scalar(
                "SELECT id FROM orders WHERE group_id = $1 AND member_id = $2
                 ORDER BY status = 'cancelled', id DESC LIMIT 1",
            )
            .bind(id)
            .bind(viewer)
            .fetch_optional(conn)
            .await?
        }
        None => None,
    };
    let seats_left = match state {
        GroupState::Succeeded => 0,
        _ => size.saturating_sub(seats_taken),
    };
    let lottery = match (kind, winners, seed_hash) {
        (GroupKind::Lottery, Some(winners), Some(seed_hash)) => {
            // The seed stays secret until the draw; then every ticket can be checked.
            let drawn = drawn_ms.zip(seed);
            let tickets = match &drawn {
                Some((_, seed)) => {
                    let ids: Vec<i64> = members.iter().map(|m| m.id).collect();
                    draw(seed, &ids, u32::try_from(winners).unwrap_or(u32::MAX))
                }
                None => Vec::new(),
            };
            Some(Lottery {
                winners: u32::try_from(winners).unwrap_or(u32::MAX),
                seed_hash,
                drawn_at: drawn.as_ref().map(|(ms, _)| rfc3339(*ms)).transpose()?,
                seed: drawn.map(|(_, seed)| seed),
                tickets,
            })
        }
        _ => None,
    };
    Ok(Some(GroupBuy {
        id,
        product,
        leader,
        members,
        size,
        price,
        seats_left,
        state,
        deadline: rfc3339(deadline_ms)?,
        server_time: rfc3339(now)?,
        viewer_order_id,
        kind,
        lottery,
    }))
}

/// A group-buy: its product, leader, paid members (the leader first), seats left and
/// deadline, with `server_time` for the countdown. A group past its deadline reads as
/// failed (its orders refunded) even if nothing has looked at it since.
#[utoipa::path(
    get,
    path = "/groups/{id}",
    tag = "group-buys",
    params(
        PathId,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The group; `viewer_order_id` is the signed-in member's order in it", body = GroupBuy),
        (status = 400, description = "`bad_id`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such group", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    )
)]
pub async fn get_group(
    State(db): State<Db>,
    lang: Lang,
    Viewer(viewer): Viewer,
    PathId(id): PathId,
) -> Result<Json<GroupBuy>, AppError> {
    let group = load_group(&mut *db.pool().acquire().await?, id, lang, viewer, now_ms()).await?;
    group
        .map(Json)
        .ok_or_else(|| AppError::not_found("no such group"))
}

/// A product's open groups with a seat left, closest to full first, then the soonest
/// deadline: the ones worth joining.
#[utoipa::path(
    get,
    path = "/products/{id}/groups",
    tag = "group-buys",
    params(
        PathId,
        GroupPageQuery,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "A page of open groups, closest to full first, then soonest deadline", body = Page<GroupBuy>),
        (status = 400, description = "`bad_id`, `bad_limit`, `bad_cursor` or `bad_request`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found` (no such product) or `no_group_offer` (the product sells solo only, \
            so it has no groups)", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    )
)]
pub async fn list_product_groups(
    State(db): State<Db>,
    lang: Lang,
    Viewer(viewer): Viewer,
    PathId(product_id): PathId,
    query: Result<Query<GroupPageQuery>, QueryRejection>,
) -> Result<Json<Page<GroupBuy>>, AppError> {
    let Query(query) = query.map_err(|_| {
        AppError::bad_request(ErrorCode::BadRequest, "the query string is malformed")
    })?;
    let limit = parse_limit(query.limit.as_deref())?;
    let cursor = GroupCursor::parse(query.cursor.as_deref())?;
    let now = now_ms();
    let mut conn = db.pool().acquire().await?;
    let offer: Option<Option<i64>> =
        sqlx::query_scalar("SELECT group_price FROM products WHERE id = $1")
            .bind(product_id)
            .fetch_optional(&mut *conn)
            .await?;
    match offer {
        None => return Err(AppError::not_found("no such product")),
        Some(None) => {
            return Err(AppError::new(
                axum::http::StatusCode::NOT_FOUND,
                ErrorCode::NoGroupOffer,
                "this product sells solo only; it has no groups",
            ))
        }
        Some(Some(_)) => {}
    }
    let page = open_groups(
        &mut conn,
        Some(product_id),
        cursor,
        limit,
        lang,
        viewer,
        now,
    )
    .await?;
    Ok(Json(page))
}

/// Open groups with a seat left and time left, closest to full first (还差1人), then the
/// soonest deadline: of one product, or of the whole store (the staff's list). The cursor is
/// the last group seen, by (seats left, deadline, id); seats change while someone pages, so
/// a page may repeat or skip a group that moved, as any live list does.
pub async fn open_groups(
    conn: &mut AnyConnection,
    product: Option<i64>,
    cursor: Option<GroupCursor>,
    limit: u32,
    lang: Lang,
    viewer: Option<i64>,
    now: i64,
) -> Result<Page<GroupBuy>, AppError> {
    let after = cursor.unwrap_or(GroupCursor {
        seats_left: -1,
        deadline_ms: 0,
        id: 0,
    });
    // A condition of its own for each, so a product's list keeps its index.
    let of = if product.is_some() {
        "product_id = $1"
    } else {
        "$1 = $1"
    };
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT id, size - seats_taken, deadline_ms FROM group_buys
         WHERE {of} AND state = 'open' AND deadline_ms > $2
           AND seats_taken < size AND (size - seats_taken, deadline_ms, id) > ($3, $4, $5)
         ORDER BY size - seats_taken, deadline_ms, id LIMIT $6"
    )))
    .bind(product.unwrap_or(0))
    .bind(now)
    .bind(after.seats_left)
    .bind(after.deadline_ms)
    .bind(after.id)
    .bind(i64::from(limit) + 1)
    .fetch_all(&mut *conn)
    .await?;
    let (rows, next_cursor) =
        keyset_page(rows, limit, |&(id, seats_left, deadline_ms)| GroupCursor {
            seats_left,
            deadline_ms,
            id,
        });
    let mut items = Vec::with_capacity(rows.len());
    for (id, _, _) in rows {
        if let Some(group) = load_group(conn, id, lang, viewer, now).await? {
            items.push(group);
        }
    }
    Ok(Page { items, next_cursor })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draw_is_the_lowest_tickets_and_can_be_done_again() {
        let seed = "00".repeat(32);
        let members = [7, 3, 12, 5];
        let tickets = draw(&seed, &members, 2);
        assert_eq!(tickets.len(), 4);
        assert_eq!(tickets.iter().filter(|t| t.won).count(), 2);
        assert!(tickets.windows(2).all(|w| w[0].ticket <= w[1].ticket));
        assert!(tickets[0].won && tickets[1].won && !tickets[2].won);
        // The ticket is SHA-256 of "{seed}:{id}", so anyone can recompute it.
        let t = tickets
            .iter()
            .find(|t| t.member_id == 7)
            .map(|t| t.ticket.clone());
        assert_eq!(t, Some(sha256_hex(&format!("{seed}:7"))));
        // Known answer: SHA-256("abc").
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // The same seed and members, in any order, draw the same.
        let again = draw(&seed, &[5, 12, 3, 7], 2);
        assert_eq!(again, tickets);
    }

    #[test]
    fn kinds_round_trip() {
        for kind in [
            GroupKind::Standard,
            GroupKind::Lottery,
            GroupKind::NewMember,
        ] {
            assert_eq!(parse_kind(kind.as_str()).ok(), Some(kind));
        }
        assert!(parse_kind("raffle").is_err());
    }

    #[test]
    fn states_round_trip() {
        // As the schema's CHECK spells them, and as the API's JSON does.
        for state in [GroupState::Open, GroupState::Succeeded, GroupState::Failed] {
            let json = serde_json::to_string(&state).unwrap_or_default();
            assert_eq!(parse_state(json.trim_matches('"')).ok(), Some(state));
        }
        assert!(parse_state("paused").is_err());
    }
}
