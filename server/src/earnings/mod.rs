//! A sharer's earnings (issue 15): the balance and the earnings of `GET /account/earnings`,
//! and `POST /account/withdrawals`. How commissions are earned, settled and reversed is
//! the order's business (`commerce::commission`); paying a withdrawal out is the payout
//! provider's (`commerce::payout`), once an owner has approved it (`staff::earnings`).
//!
//! What is available is what has settled, less every withdrawal paid, being paid or asked
//! for. A withdrawal is taken from it under a lock on the member's row (SQLite's write
//! lock, PostgreSQL's `FOR NO KEY UPDATE`), so two requests at once for the same money cannot both
//! have it.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::Json;
use quanzi_api::{
    check, Earning, EarningKind, EarningState, Earnings, EarningsBalance, ErrorCode, Money,
    NewWithdrawal, Withdrawal, WithdrawalState,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::commerce::context::Commerce;
use crate::commerce::expiry;
use crate::http::body::JsonBody;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::{keyset_page, parse_limit, Cursor, PageQuery};
use crate::members::session::SignedIn;
use crate::storage::db::{for_no_key_update, now_ms, u32_at};
use crate::storage::idempotency::{self, Answer, IdemKey, IdempotencyKeyHeader};
use crate::storage::rows::{product_card, rfc3339, CARD_COLUMNS, CARD_JOIN, CARD_WIDTH};

/// A member's four sums (see [`EarningsBalance`]).
pub async fn balance(
    conn: &mut AnyConnection,
    member_id: i64,
) -> Result<EarningsBalance, AppError> {
    // Sums are cast back to integers: PostgreSQL sums integers as numeric.
    let (pending, settled): (i64, i64) = sqlx::query_as(
        "SELECT CAST(coalesce(sum(CASE WHEN state = 'pending' THEN amount END), 0) AS BIGINT),
                CAST(coalesce(sum(CASE WHEN state = 'settled' THEN amount END), 0) AS BIGINT)
         FROM earnings WHERE member_id = $1",
    )
    .bind(member_id)
    .fetch_one(&mut *conn)
    .await?;
    let (withdrawn, taken): (i64, i64) = sqlx::query_as(
        "SELECT CAST(coalesce(sum(CASE WHEN state = 'paid' THEN amount END), 0) AS BIGINT),
                CAST(coalesce(sum(CASE WHEN state IN ('requested', 'paying', 'paid')
                                       THEN amount END), 0) AS BIGINT)
         FROM withdrawals WHERE member_id = $1",
    )
    .bind(member_id)
    .fetch_one(conn)
    .await?;
    Ok(EarningsBalance {
        pending: Money::cny(pending),
        settled: Money::cny(settled),
        withdrawn: Money::cny(withdrawn),
        available: Money::cny(settled - taken),
        minimum_withdrawal: Money::cny(quanzi_api::earning::WITHDRAWAL_MIN),
    })
}

/// What a member's settled earnings still cover beyond what is paid out or being paid: a
/// withdrawal asked for may be approved only within it (a refund may have taken back part
/// of what it was asked from).
pub async fn uncommitted(conn: &mut AnyConnection, member_id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT CAST(coalesce((SELECT sum(amount) FROM earnings
                                WHERE member_id = $1 AND state = 'settled'), 0)
                   - coalesce((SELECT sum(amount) FROM withdrawals
                                WHERE member_id = $1 AND state IN ('paying', 'paid')), 0)
                AS BIGINT)",
    )
    .bind(member_id)
    .fetch_one(conn)
    .await?)
}

/// Locks a member's row for work on their money: every request about it waits here for
/// the one before it. Not FOR UPDATE: an idempotency key's row already holds a key-share
/// lock on the member (its foreign key), and two of those would deadlock against it.
pub async fn lock_money(conn: &mut AnyConnection, member_id: i64) -> Result<(), AppError> {
    let lock = for_no_key_update(conn);
    sqlx::query(AssertSqlSafe(format!(
        "SELECT id FROM members WHERE id = $1{lock}"
    )))
    .bind(member_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The columns [`withdrawal`] reads, of `withdrawals w`.
pub const WITHDRAWAL_COLUMNS: &str =
    "w.id, w.amount, w.currency, w.state, w.created_ms, w.decided_ms, w.reason";

fn withdrawal_state(raw: &str) -> Result<WithdrawalState, AppError> {
    Ok(match raw {
        "requested" => WithdrawalState::Requested,
        "refused" => WithdrawalState::Refused,
        "paying" => WithdrawalState::Paying,
        "paid" => WithdrawalState::Paid,
        "declined" => WithdrawalState::Declined,
        other => return Err(AppError::internal(format!("withdrawals.state = {other:?}"))),
    })
}

/// A withdrawal from a row selecting [`WITHDRAWAL_COLUMNS`].
pub fn withdrawal(r: &AnyRow) -> Result<Withdrawal, AppError> {
    Ok(Withdrawal {
        id: r.try_get(0)?,
        amount: Money {
            amount: r.try_get(1)?,
            currency: r.try_get(2)?,
        },
        state: withdrawal_state(r.try_get(3)?)?,
        created_at: rfc3339(r.try_get(4)?)?,
        decided_at: r.try_get::<Option<i64>, _>(5)?.map(rfc3339).transpose()?,
        reason: r.try_get(6)?,
    })
}

pub async fn load_withdrawal(conn: &mut AnyConnection, id: i64) -> Result<Withdrawal, AppError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {WITHDRAWAL_COLUMNS} FROM withdrawals w WHERE w.id = $1"
    )))
    .bind(id)
    .fetch_one(conn)
    .await?;
    withdrawal(&row)
}

/// One earning from a row of [`earnings`]'s query.
fn earning(r: &AnyRow, lang: Lang, return_window_ms: i64) -> Result<Earning, AppError> {
    let at = CARD_WIDTH;
    let state = match r.try_get::<&str, _>(at + 2)? {
        "pending" => EarningState::Pending,
        "settled" => EarningState::Settled,
        "cancelled" => EarningState::Cancelled,
        other => return Err(AppError::internal(format!("earnings.state = {other:?}"))),
    };
    let completed_ms: Option<i64> = r.try_get(at + 7)?;
    let settles_at = match (state, completed_ms) {
        (EarningState::Pending, Some(done)) => {
            Some(rfc3339(done.saturating_add(return_window_ms))?)
        }
        _ => None,
    };
    Ok(Earning {
        id: r.try_get(at)?,
        kind: match r.try_get::<&str, _>(at + 1)? {
            "adjustment" => EarningKind::Adjustment,
            _ => EarningKind::Commission,
        },
        state,
        amount: Money {
            amount: r.try_get(at + 3)?,
            currency: r.try_get(at + 4)?,
        },
        product: product_card(r, lang)?,
        units: u32_at(r, at + 6)?,
        created_at: rfc3339(r.try_get(at + 5)?)?,
        settles_at,
    })
}

/// The signed-in member's earnings: what is pending, settled, withdrawn and available; a
/// page of earnings, newest first (an order's commission, and a refund's adjustment), each
/// with the order's first product and never its buyer; and the latest withdrawals.
#[utoipa::path(
    get,
    path = "/account/earnings",
    tag = "account",
    params(
        PageQuery,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The balance, a page of earnings and the 20 latest withdrawals", body = Earnings),
        (status = 400, description = "`bad_limit`, `bad_cursor` or `bad_request`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn earnings(
    State(commerce): State<Commerce>,
    lang: Lang,
    SignedIn(member_id): SignedIn,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<Earnings>, AppError> {
    let Query(query) = query.map_err(|_| {
        AppError::bad_request(ErrorCode::BadRequest, "the query string is malformed")
    })?;
    let limit = parse_limit(query.limit.as_deref())?;
    let after = Cursor::parse(query.cursor.as_deref())?.unwrap_or(Cursor {
        created_ms: i64::MAX,
        id: i64::MAX,
    });
    let mut conn = commerce.db.pool().acquire().await?;
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {CARD_COLUMNS}, e.id, e.kind, e.state, e.amount, e.currency, e.created_ms,
                (SELECT CAST(sum(q.quantity) AS BIGINT) FROM order_lines q
                  WHERE q.order_id = o.id),
                CASE WHEN o.status = 'completed' THEN o.completed_ms END
         FROM earnings e
         JOIN orders o ON o.id = e.order_id
         JOIN order_lines l ON l.order_id = o.id AND l.position = 0
         JOIN products pr ON pr.id = l.product_id
         {CARD_JOIN}
         WHERE e.member_id = $1 AND (e.created_ms, e.id) < ($2, $3)
         ORDER BY e.created_ms DESC, e.id DESC LIMIT $4"
    )))
    .bind(member_id)
    .bind(after.created_ms)
    .bind(after.id)
    .bind(i64::from(limit) + 1)
    .fetch_all(&mut *conn)
    .await?;
    let (rows, next_cursor) = keyset_page(rows, limit, |r| Cursor {
        created_ms: r.try_get(CARD_WIDTH + 5).unwrap_or(0),
        id: r.try_get(CARD_WIDTH).unwrap_or(0),
    });
    let items = rows
        .iter()
        .map(|r| earning(r, lang, commerce.settings.return_window_ms))
        .collect::<Result<_, _>>()?;
    let withdrawals = sqlx::query(AssertSqlSafe(format!(
        "SELECT {WITHDRAWAL_COLUMNS} FROM withdrawals w WHERE w.member_id = $1
         ORDER BY w.created_ms DESC, w.id DESC LIMIT $2"
    )))
    .bind(member_id)
    .bind(quanzi_api::earning::WITHDRAWALS_SHOWN as i64)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(withdrawal)
    .collect::<Result<_, _>>()?;
    Ok(Json(Earnings {
        balance: balance(&mut conn, member_id).await?,
        items,
        next_cursor,
        withdrawals,
    }))
}

/// Asks for a withdrawal of available earnings, for the store's owner to approve. The
/// amount leaves what is available at once; a refusal or a declined payout gives it back.
#[utoipa::path(
    post,
    path = "/account/withdrawals",
    tag = "account",
    request_body = NewWithdrawal,
    params(IdempotencyKeyHeader),
    responses(
        (status = 201, description = "Asked for, `requested`", body = Withdrawal),
        (status = 400, description = "`withdrawal_too_small` (below ¥1.00), `missing_idempotency_key`, `bad_json` \
            or `bad_request`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`insufficient_earnings`: more than is available (another withdrawal may have \
            taken it)", body = quanzi_api::ApiErrorBody),
        (status = 422, description = "`idempotency_key_reused`", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
        (status = 503, description = "`unavailable`: the first request with this key is still being answered; retry",
         body = quanzi_api::ApiErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
    security(("session" = []))
)]
pub async fn request_withdrawal(
    State(commerce): State<Commerce>,
    SignedIn(member_id): SignedIn,
    headers: HeaderMap,
    JsonBody(body): JsonBody<NewWithdrawal>,
) -> Result<Response, AppError> {
    check::withdrawal_amount(body.amount)?;
    let key = IdemKey::from_request(
        &headers,
        member_id,
        &Method::POST,
        "/api/v1/account/withdrawals",
        &body,
    )?;
    let (answer, replayed) = idempotency::once(&commerce.db, &key, move |conn| {
        Box::pin(async move {
            lock_money(conn, member_id).await?;
            let available = balance(conn, member_id).await?.available.amount;
            if body.amount > available {
                return Err(AppError::conflict(
                    ErrorCode::InsufficientEarnings,
                    "that is more than your available earnings",
                ));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO withdrawals (member_id, currency, amount, state, created_ms)
                 VALUES ($1, 'CNY', $2, 'requested', $3) RETURNING id",
            )
            .bind(member_id)
            .bind(body.amount)
            .bind(now_ms())
            .fetch_one(&mut *conn)
            .await?;
            Answer::json(StatusCode::CREATED, &load_withdrawal(conn, id).await?)
        })
    })
    .await?;
    Ok(answer.into_response(replayed))
}

/// `/account/earnings` (its sums settle what is due first) and `/account/withdrawals`.
pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Commerce: axum::extract::FromRef<S>,
    crate::storage::db::Db: axum::extract::FromRef<S>,
    crate::http::origin::Scheme: axum::extract::FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(earnings))
        .routes(routes!(request_withdrawal))
        .route_layer(axum::middleware::from_fn(expiry::settle_first))
}
