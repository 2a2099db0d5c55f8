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

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use quanzi_api::{Author, ErrorCode, GroupBuy, GroupState, Money, Page};
use rusqlite::{params, Connection, OptionalExtension};

use crate::commerce::context::OrderSettings;
use crate::commerce::ledger::Outcome;
use crate::commerce::order::rows::{Note, OrderRow};
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::{parse_limit, Cursor, PageQuery, PathId};
use crate::members::session::Viewer;
use crate::storage::db::{now_ms, Db};
use crate::storage::rows::{author, product_card, rfc3339, AUTHOR_COLUMNS};
use crate::storage::rows::{CARD_COLUMNS, CARD_JOIN};

const HOUR_MS: i64 = 60 * 60 * 1000;

fn parse_state(raw: &str) -> rusqlite::Result<GroupState> {
    match raw {
        "open" => Ok(GroupState::Open),
        "succeeded" => Ok(GroupState::Succeeded),
        "failed" => Ok(GroupState::Failed),
        _ => Err(rusqlite::Error::InvalidColumnType(
            0,
            format!("group_buys.state = {raw:?}"),
            rusqlite::types::Type::Text,
        )),
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
}

impl GroupRow {
    /// Open and before its deadline (the sweep may not have closed a group that just ran
    /// out; every decision goes by the clock, not by whether it has).
    pub fn is_open_at(&self, now: i64) -> bool {
        self.state == GroupState::Open && self.deadline_ms > now
    }
}

pub fn group_row(conn: &Connection, id: i64) -> Result<Option<GroupRow>, AppError> {
    Ok(conn
        .prepare_cached(
            "SELECT id, product_id, leader_id, size, currency, price, state, seats_taken,
                    deadline_ms
             FROM group_buys WHERE id = ?1",
        )?
        .query_row(params![id], |r| {
            Ok(GroupRow {
                id: r.get(0)?,
                product_id: r.get(1)?,
                leader_id: r.get(2)?,
                size: r.get(3)?,
                currency: r.get(4)?,
                price: r.get(5)?,
                state: parse_state(&r.get::<_, String>(6)?)?,
                seats_taken: r.get(7)?,
                deadline_ms: r.get(8)?,
            })
        })
        .optional()?)
}

/// A group that must exist (an order refers to it).
pub fn group_of(conn: &Connection, id: i64) -> Result<GroupRow, AppError> {
    group_row(conn, id)?.ok_or_else(|| AppError::internal(format!("group {id} vanished")))
}

/// Takes a seat for an order, held until the order is paid or its hold runs out. Refused
/// with `group_closed` (succeeded), `group_expired` (past its deadline, or failed),
/// `already_in_group` (the leader, or a member with a seat) or `group_full`.
pub fn take_seat(
    conn: &Connection,
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
    let seated = conn
        .prepare_cached("SELECT 1 FROM group_seats WHERE group_id = ?1 AND member_id = ?2")?
        .query_row(params![group.id, member_id], |_| Ok(()))
        .optional()?
        .is_some();
    if group.leader_id == member_id || seated {
        return Err(AppError::conflict(
            ErrorCode::AlreadyInGroup,
            "you already have a seat in this group",
        ));
    }
    // The one statement that decides who gets the last seat: it counts and takes at once.
    let taken = conn
        .prepare_cached(
            "UPDATE group_buys SET seats_taken = seats_taken + 1
             WHERE id = ?1 AND state = 'open' AND deadline_ms > ?2 AND seats_taken < size",
        )?
        .execute(params![group.id, now])?;
    if taken == 0 {
        return Err(AppError::conflict(
            ErrorCode::GroupFull,
            "every seat of this group is taken",
        ));
    }
    conn.prepare_cached(
        "INSERT INTO group_seats (group_id, member_id, order_id, state, taken_ms)
         VALUES (?1, ?2, ?3, 'held', ?4)",
    )?
    .execute(params![group.id, member_id, order_id, now])?;
    Ok(())
}

/// Whether an order holds an unpaid seat.
pub fn holds_seat(conn: &Connection, order_id: i64) -> Result<bool, AppError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM group_seats WHERE order_id = ?1 AND state = 'held'")?
        .query_row(params![order_id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// An order's held seat, paid.
pub fn pay_seat(conn: &Connection, order_id: i64, now: i64) -> Result<(), AppError> {
    let paid = conn
        .prepare_cached(
            "UPDATE group_seats SET state = 'paid', paid_ms = ?2
             WHERE order_id = ?1 AND state = 'held'",
        )?
        .execute(params![order_id, now])?;
    if paid != 1 {
        return Err(AppError::internal(format!(
            "order {order_id} has no held seat to pay"
        )));
    }
    Ok(())
}

/// Opens the group of a paid group-start order: its leader's seat paid, its deadline the
/// window from now. `None` when the product has no group offer any more.
pub fn create(
    conn: &Connection,
    order: &OrderRow,
    now: i64,
    settings: OrderSettings,
) -> Result<Option<i64>, AppError> {
    let found: Option<(i64, i64, Option<u32>, Option<i64>)> = conn
        .prepare_cached(
            "SELECT l.product_id, l.unit_price, pr.group_size, pr.window_hours
             FROM order_lines l JOIN products pr ON pr.id = l.product_id
             WHERE l.order_id = ?1 ORDER BY l.position LIMIT 1",
        )?
        .query_row(params![order.id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let Some((product_id, price, Some(size), Some(window_hours))) = found else {
        return Ok(None);
    };
    let window_ms = settings
        .group_window_ms
        .unwrap_or(window_hours.saturating_mul(HOUR_MS));
    conn.prepare_cached(
        "INSERT INTO group_buys (product_id, leader_id, size, currency, price, state,
             seats_taken, created_ms, deadline_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, 'open', 1, ?6, ?7)",
    )?
    .execute(params![
        product_id,
        order.member_id,
        size,
        order.currency,
        price,
        now,
        now.saturating_add(window_ms.max(1))
    ])?;
    let group_id = conn.last_insert_rowid();
    conn.prepare_cached(
        "INSERT INTO group_seats (group_id, member_id, order_id, state, taken_ms, paid_ms)
         VALUES (?1, ?2, ?3, 'paid', ?4, ?4)",
    )?
    .execute(params![group_id, order.member_id, order.id, now])?;
    conn.prepare_cached("UPDATE orders SET group_id = ?2 WHERE id = ?1")?
        .execute(params![order.id, group_id])?;
    Ok(Some(group_id))
}

fn orders_of_group(
    conn: &Connection,
    group_id: i64,
    sql_filter: &str,
) -> Result<Vec<i64>, AppError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT id FROM orders WHERE group_id = ?1 AND {sql_filter} ORDER BY id"
        ))?
        .query_map(params![group_id], |r| r.get(0))?
        .collect::<Result<Vec<_>, _>>()?)
}

/// OPEN → SUCCEEDED once every seat is paid: every member's order is ready, and orders that
/// waited without a seat (a declined try) are cancelled.
pub fn check_filled(conn: &Connection, group_id: i64, now: i64) -> Result<Vec<Outcome>, AppError> {
    let group = group_of(conn, group_id)?;
    if group.state != GroupState::Open {
        return Ok(Vec::new());
    }
    let paid: u32 = conn
        .prepare_cached("SELECT count(*) FROM group_seats WHERE group_id = ?1 AND state = 'paid'")?
        .query_row(params![group_id], |r| r.get(0))?;
    if paid < group.size {
        return Ok(Vec::new());
    }
    conn.prepare_cached(
        "UPDATE group_buys SET state = 'succeeded', closed_ms = ?2 WHERE id = ?1 AND state = 'open'",
    )?
    .execute(params![group_id, now])?;
    let seated: Vec<i64> = conn
        .prepare_cached(
            "SELECT order_id FROM group_seats WHERE group_id = ?1 AND state = 'paid' ORDER BY order_id",
        )?
        .query_map(params![group_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut outcomes: Vec<Outcome> = seated.into_iter().map(Outcome::Fulfil).collect();
    let waiting = orders_of_group(
        conn,
        group_id,
        "status = 'pending_payment' AND payment IN ('unpaid', 'declined')",
    )?;
    outcomes.extend(
        waiting
            .into_iter()
            .map(|order_id| Outcome::Cancel(order_id, Note::GroupFilledCancelled)),
    );
    Ok(outcomes)
}

/// OPEN → FAILED (its deadline passed with seats unpaid): paid orders are refunded, unpaid
/// ones cancelled, and an order whose payment is still under way lets go of its hold (its
/// payment, when it comes, is refunded as late).
pub fn fail(conn: &Connection, group_id: i64) -> Result<Vec<Outcome>, AppError> {
    let closed = conn
        .prepare_cached(
            "UPDATE group_buys SET state = 'failed', closed_ms = deadline_ms
             WHERE id = ?1 AND state = 'open'",
        )?
        .execute(params![group_id])?;
    if closed == 0 {
        return Ok(Vec::new());
    }
    let orders: Vec<(i64, String)> = conn
        .prepare_cached(
            "SELECT id, payment FROM orders
             WHERE group_id = ?1 AND status IN ('pending_payment', 'paid', 'awaiting_group')
             ORDER BY id",
        )?
        .query_map(params![group_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
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
pub fn load_group(
    conn: &Connection,
    id: i64,
    lang: Lang,
    viewer: Option<i64>,
    now: i64,
) -> Result<Option<GroupBuy>, AppError> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT {CARD_COLUMNS}, g.size, g.state, g.seats_taken, g.deadline_ms, g.price,
                    g.currency, {AUTHOR_COLUMNS}
             FROM group_buys g
             JOIN products pr ON pr.id = g.product_id
             {CARD_JOIN}
             JOIN members m ON m.id = g.leader_id
             WHERE g.id = ?1"
        ))?
        .query_row(params![id], |r| {
            Ok((
                product_card(r, lang)?,
                r.get::<_, u32>(12)?,
                parse_state(&r.get::<_, String>(13)?)?,
                r.get::<_, u32>(14)?,
                r.get::<_, i64>(15)?,
                Money {
                    amount: r.get(16)?,
                    currency: r.get(17)?,
                },
                author(r, 18, lang)?,
            ))
        })
        .optional()?;
    let Some((product, size, state, seats_taken, deadline_ms, price, leader)) = found else {
        return Ok(None);
    };
    let members: Vec<Author> = conn
        .prepare_cached(&format!(
            "SELECT {AUTHOR_COLUMNS}
             FROM group_seats s JOIN members m ON m.id = s.member_id
             WHERE s.group_id = ?1 AND s.state = 'paid'
             ORDER BY s.member_id <> ?2, s.paid_ms, s.member_id"
        ))?
        .query_map(params![id, leader.id], |r| author(r, 0, lang))?
        .collect::<Result<_, _>>()?;
    let viewer_order_id = match viewer {
        Some(viewer) => conn
            .prepare_cached(
                "SELECT id FROM orders WHERE group_id = ?1 AND member_id = ?2
                 ORDER BY status = 'cancelled', id DESC LIMIT 1",
            )?
            .query_row(params![id, viewer], |r| r.get(0))
            .optional()?,
        None => None,
    };
    let seats_left = match state {
        GroupState::Succeeded => 0,
        _ => size.saturating_sub(seats_taken),
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
    let group = db
        .run(move |conn| load_group(conn, id, lang, viewer, now_ms()))
        .await?;
    group
        .map(Json)
        .ok_or_else(|| AppError::not_found("no such group"))
}

/// A product's open groups with a seat left, the soonest deadline first: the ones worth
/// joining.
#[utoipa::path(
    get,
    path = "/products/{id}/groups",
    tag = "group-buys",
    params(
        PathId,
        PageQuery,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "A page of open groups, soonest deadline first", body = Page<GroupBuy>),
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
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<Page<GroupBuy>>, AppError> {
    let Query(query) = query.map_err(|_| {
        AppError::bad_request(ErrorCode::BadRequest, "the query string is malformed")
    })?;
    let limit = parse_limit(query.limit.as_deref())?;
    let cursor = Cursor::parse(query.cursor.as_deref())?;
    let page = db
        .run(move |conn| {
            let now = now_ms();
            let offer: Option<Option<i64>> = conn
                .prepare_cached("SELECT group_price FROM products WHERE id = ?1")?
                .query_row(params![product_id], |r| r.get(0))
                .optional()?;
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
            // The cursor is the last group seen, by (deadline, id), ascending.
            let after = cursor.unwrap_or(Cursor {
                created_ms: 0,
                id: 0,
            });
            let rows: Vec<(i64, i64)> = conn
                .prepare_cached(
                    "SELECT id, deadline_ms FROM group_buys
                     WHERE product_id = ?1 AND state = 'open' AND deadline_ms > ?2
                       AND seats_taken < size AND (deadline_ms, id) > (?3, ?4)
                     ORDER BY deadline_ms, id LIMIT ?5",
                )?
                .query_map(
                    params![
                        product_id,
                        now,
                        after.created_ms,
                        after.id,
                        i64::from(limit) + 1
                    ],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?
                .collect::<Result<_, _>>()?;
            let has_more = rows.len() > limit as usize;
            let rows = &rows[..rows.len().min(limit as usize)];
            let next_cursor = match rows.last() {
                Some(&(id, deadline_ms)) if has_more => Some(
                    Cursor {
                        created_ms: deadline_ms,
                        id,
                    }
                    .encode(),
                ),
                _ => None,
            };
            let mut items = Vec::with_capacity(rows.len());
            for &(id, _) in rows {
                if let Some(group) = load_group(conn, id, lang, viewer, now)? {
                    items.push(group);
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
