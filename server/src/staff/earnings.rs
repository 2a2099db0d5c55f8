//! Sharers' commission and withdrawals in the console, the owners' business: the store's
//! default rate, a product's own rule, and the queue of withdrawals to approve (paid out
//! through the payout provider) or refuse. Every change is audited in its transaction.

use axum::extract::State;
use axum::Json;
use quanzi_api::{
    check, ApproveWithdrawal, CommissionRule, ErrorCode, Page, RefuseWithdrawal, StaffWithdrawal,
    StoreCommission, TestPayout, Withdrawal,
};
use serde_json::json;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::commerce::commission::{default_bps, product_rule};
use crate::commerce::context::Commerce;
use crate::commerce::payout;
use crate::earnings::{
    balance, load_withdrawal, lock_money, uncommitted, withdrawal, WITHDRAWAL_COLUMNS,
};
use crate::http::body::JsonBody;
use crate::http::error::AppError;
use crate::http::params::PathId;
use crate::staff::{audit, products, Staff};
use crate::storage::db::{for_update, now_ms, Db};

/// The store's default commission rate.
#[utoipa::path(
    get,
    path = "/staff/commission",
    tag = "staff",
    responses(
        (status = 200, description = "The default rate, for products without a rule of their own", body = StoreCommission),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not the store's owner", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn get_commission(
    State(db): State<Db>,
    staff: Staff,
) -> Result<Json<StoreCommission>, AppError> {
    staff.owner()?;
    let mut conn = db.pool().acquire().await?;
    Ok(Json(StoreCommission {
        rate_bps: default_bps(&mut conn).await?,
    }))
}

/// Sets the store's default commission rate (orders already placed keep theirs). Owners
/// only.
#[utoipa::path(
    put,
    path = "/staff/commission",
    tag = "staff",
    request_body = StoreCommission,
    responses(
        (status = 200, description = "The rate as saved", body = StoreCommission),
        (status = 400, description = "`bad_commission` (outside 0 to 5000 basis points), `bad_json` or `bad_request`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not the store's owner, or `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn set_commission(
    State(db): State<Db>,
    staff: Staff,
    JsonBody(body): JsonBody<StoreCommission>,
) -> Result<Json<StoreCommission>, AppError> {
    staff.owner()?;
    check::commission_rate(body.rate_bps)?;
    let mut tx = db.write().await?;
    let before = default_bps(&mut tx).await?;
    sqlx::query("UPDATE store_settings SET commission_bps = $1 WHERE id = 1")
        .bind(body.rate_bps)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &staff,
        "commission.default",
        "store",
        json!({ "rate_bps": before }),
        json!({ "rate_bps": body.rate_bps }),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(body))
}

/// Sets a product's own commission rule, or gives it back to the store's default (orders
/// already placed keep theirs). Owners only.
#[utoipa::path(
    put,
    path = "/staff/products/{id}/commission",
    tag = "staff",
    request_body = CommissionRule,
    params(PathId),
    responses(
        (status = 200, description = "The rule as saved", body = CommissionRule),
        (status = 400, description = "`bad_commission` (a rate outside 0 to 5000 basis points, a negative amount), \
            `commission_above_price` (a fixed amount above the product's lowest price), `bad_id`, `bad_json` or \
            `bad_request`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not the store's owner, or `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such product", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn set_product_commission(
    State(db): State<Db>,
    staff: Staff,
    PathId(id): PathId,
    JsonBody(rule): JsonBody<CommissionRule>,
) -> Result<Json<CommissionRule>, AppError> {
    staff.owner()?;
    let mut tx = db.write().await?;
    products::lock(&mut tx, id).await?;
    let lowest: i64 =
        sqlx::query_scalar("SELECT coalesce(group_price, solo_price) FROM products WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    check::commission(rule, lowest)?;
    let before = product_rule(&mut tx, id).await?;
    let (rate, fixed) = match rule {
        CommissionRule::Default => (None, None),
        CommissionRule::Rate { rate_bps } => (Some(rate_bps), None),
        CommissionRule::Fixed { amount } => (None, Some(amount)),
    };
    sqlx::query("UPDATE products SET commission_bps = $2, commission_fixed = $3 WHERE id = $1")
        .bind(id)
        .bind(rate)
        .bind(fixed)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &staff,
        "product.commission",
        &products::subject(id),
        json!(before),
        json!(rule),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(rule))
}

/// The withdrawals members asked for: those waiting first (oldest first), then the latest
/// decided ones. Owners only.
#[utoipa::path(
    get,
    path = "/staff/withdrawals",
    tag = "staff",
    responses(
        (status = 200, description = "Every waiting withdrawal and the 50 latest decided (one page)", body = Page<StaffWithdrawal>),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not the store's owner", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn list_withdrawals(
    State(db): State<Db>,
    staff: Staff,
) -> Result<Json<Page<StaffWithdrawal>>, AppError> {
    staff.owner()?;
    let select = |which: &str| {
        format!(
            "SELECT {WITHDRAWAL_COLUMNS}, m.id, m.name, a.email
             FROM withdrawals w JOIN members m ON m.id = w.member_id
             LEFT JOIN accounts a ON a.member_id = m.id
             {which}"
        )
    };
    let mut rows = sqlx::query(AssertSqlSafe(select(
        "WHERE w.state = 'requested' ORDER BY w.created_ms, w.id",
    )))
    .fetch_all(db.pool())
    .await?;
    rows.extend(
        sqlx::query(AssertSqlSafe(select(
            "WHERE w.state <> 'requested' ORDER BY w.decided_ms DESC, w.id DESC LIMIT 50",
        )))
        .fetch_all(db.pool())
        .await?,
    );
    let mut conn = db.pool().acquire().await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in &rows {
        let member_id: i64 = r.try_get(7)?;
        items.push(StaffWithdrawal {
            withdrawal: withdrawal(r)?,
            member_id,
            member_name: r.try_get(8)?,
            member_email: r.try_get(9)?,
            member_available: balance(&mut conn, member_id).await?.available,
        });
    }
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}

/// A withdrawal's state, member and amount, its row locked for the decision; `not_found`
/// when there is none.
async fn locked(conn: &mut AnyConnection, id: i64) -> Result<(String, i64, i64), AppError> {
    let lock = for_update(conn);
    sqlx::query_as(AssertSqlSafe(format!(
        "SELECT state, member_id, amount FROM withdrawals WHERE id = $1{lock}"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| AppError::not_found("no such withdrawal"))
}

fn decided() -> AppError {
    AppError::conflict(
        ErrorCode::WithdrawalDecided,
        "this withdrawal was decided the other way already",
    )
}

fn subject(id: i64) -> String {
    format!("withdrawal:{id}")
}

/// Approves a withdrawal and pays it out through the payout provider: `paid`, or
/// `declined` by the provider (the amount is available again). Approving again changes
/// nothing and pays nothing twice. Owners only.
#[utoipa::path(
    post,
    path = "/staff/withdrawals/{id}/approve",
    tag = "staff",
    request_body = ApproveWithdrawal,
    params(PathId),
    responses(
        (status = 200, description = "The withdrawal: `paid`, `declined`, or `paying` while the provider has not answered", body = Withdrawal),
        (status = 400, description = "`bad_id`, `bad_json` or `bad_request`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not the store's owner, or `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such withdrawal", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`withdrawal_decided`: refused, or declined by the provider; \
            `insufficient_earnings`: a refund has taken back part of what it was asked from", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn approve_withdrawal(
    State(commerce): State<Commerce>,
    staff: Staff,
    PathId(id): PathId,
    JsonBody(body): JsonBody<ApproveWithdrawal>,
) -> Result<Json<Withdrawal>, AppError> {
    staff.owner()?;
    let db = &commerce.db;
    let mut tx = db.write().await?;
    let (state, member_id, amount) = locked(&mut tx, id).await?;
    match state.as_str() {
        "requested" => {}
        "paying" | "paid" => return Ok(Json(load_withdrawal(&mut tx, id).await?)),
        _ => return Err(decided()),
    }
    // A refund since it was asked for may have taken back what it was asked from: then
    // it is not paid (the owner refuses it, or waits for new earnings).
    lock_money(&mut tx, member_id).await?;
    if uncommitted(&mut tx, member_id).await? < amount {
        return Err(AppError::conflict(
            ErrorCode::InsufficientEarnings,
            "a refund has taken back part of what this withdrawal was asked from",
        ));
    }
    let now = now_ms();
    sqlx::query(
        "UPDATE withdrawals SET state = 'paying', decided_by = $2, decided_ms = $3,
             payout_test = $4, payout_claim_ms = $3
         WHERE id = $1 AND state = 'requested'",
    )
    .bind(id)
    .bind(staff.member_id)
    .bind(now)
    .bind(match body.test_payout {
        TestPayout::Approve => "approve",
        TestPayout::Decline => "decline",
    })
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        &staff,
        "withdrawal.approve",
        &subject(id),
        json!({ "state": "requested" }),
        json!({ "state": "paying" }),
    )
    .await?;
    tx.commit().await?;
    payout::pay(db, commerce.payouts.as_ref(), id).await?;
    let mut conn = db.pool().acquire().await?;
    Ok(Json(load_withdrawal(&mut conn, id).await?))
}

/// Refuses a withdrawal with a reason the member reads; the amount is available again.
/// Refusing again changes nothing. Owners only.
#[utoipa::path(
    post,
    path = "/staff/withdrawals/{id}/refuse",
    tag = "staff",
    request_body = RefuseWithdrawal,
    params(PathId),
    responses(
        (status = 200, description = "The withdrawal, `refused`", body = Withdrawal),
        (status = 400, description = "`empty_text`, `text_too_long` (a reason is 1 to 200 characters), `bad_id`, \
            `bad_json` or `bad_request`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not the store's owner, or `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such withdrawal", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`withdrawal_decided`: approved already", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn refuse_withdrawal(
    State(db): State<Db>,
    staff: Staff,
    PathId(id): PathId,
    JsonBody(body): JsonBody<RefuseWithdrawal>,
) -> Result<Json<Withdrawal>, AppError> {
    staff.owner()?;
    let reason = check::refund_reason(&body.reason)?;
    let mut tx = db.write().await?;
    match locked(&mut tx, id).await?.0.as_str() {
        "requested" => {}
        "refused" => return Ok(Json(load_withdrawal(&mut tx, id).await?)),
        _ => return Err(decided()),
    }
    sqlx::query(
        "UPDATE withdrawals SET state = 'refused', decided_by = $2, decided_ms = $3, reason = $4
         WHERE id = $1 AND state = 'requested'",
    )
    .bind(id)
    .bind(staff.member_id)
    .bind(now_ms())
    .bind(&reason)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        &staff,
        "withdrawal.refuse",
        &subject(id),
        json!({ "state": "requested" }),
        json!({ "state": "refused", "reason": reason }),
    )
    .await?;
    let refused = load_withdrawal(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Json(refused))
}
