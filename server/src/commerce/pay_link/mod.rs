//! Pay-for-me (找人代付): a member asks a friend to pay their unpaid order through a link
//! (`/pay/{token}`), with a note. The token is 18 random bytes (base64url): the link is its
//! own key, and nothing in it can be guessed. A link lives as long as the order's hold.
//!
//! The friend may be a guest or a member (never the requester). Their payment is the
//! order's payment, made through the same two steps (`order::run_payment`), under the
//! order's lock: of two friends paying at once, the second finds the first's payment under
//! way and is told the order is paid (`already_paid`), and only one is ever charged. The
//! payment remembers its link: a refund goes back to the charge the friend made.
//!
//! The link's page shows the items, the total, the note and the requester's name and
//! picture; never the delivery address, the phone or the pickup contact.

pub mod link;

use axum::extract::{FromRef, Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::Json;
use quanzi_api::params::is_pay_token;
use quanzi_api::{
    check, ErrorCode, NewPayLink, Order, OrderPayLink, OrderStatus, Pay, PayLink, PayLinkState,
};
use sqlx::{AnyConnection, AssertSqlSafe};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::commerce::context::Commerce;
use crate::commerce::order::machine::charge_order;
use crate::commerce::order::rows::{
    lines_of, lock_order, lock_own_order, order_row, owned_order, Note, OrderRow,
};
use crate::commerce::order::run_payment;
use crate::http::body::JsonBody;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::origin::Scheme;
use crate::http::params::PathId;
use crate::members::session::{SignedIn, Viewer};
use crate::storage::db::{for_update, now_ms, Db};
use crate::storage::idempotency::{Answer, IdemKey, IdempotencyKeyHeader};
use crate::storage::names::random_base64url;
use crate::storage::rows::{author, rfc3339, AUTHOR_COLUMNS};
use link::{link_row, state_of, Standing};

/// A new token: 18 random bytes as 24 characters of base64url.
fn new_token() -> Result<String, AppError> {
    random_base64url::<18>().map_err(AppError::internal)
}

/// What of an order its link's standing depends on.
fn standing(order: &OrderRow) -> Standing {
    Standing {
        id: order.id,
        status: order.status,
        payment: order.payment,
        hold_until_ms: order.hold_until_ms,
    }
}

/// The pay-for-me routes: making and taking back a link, reading it, paying it.
pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Db: FromRef<S>,
    Scheme: FromRef<S>,
    Commerce: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(create_link, cancel_link))
        .routes(routes!(get_link))
        .routes(routes!(pay_link))
}

/// "找人代付": a link a friend can pay the member's unpaid order through, with a note. The
/// order keeps one open link: asking again gives the same link with the new note.
#[utoipa::path(
    post,
    path = "/orders/{id}/pay-link",
    tag = "pay-for-me",
    params(PathId),
    request_body = NewPayLink,
    responses(
        (status = 200, description = "The order's open link", body = OrderPayLink),
        (status = 400, description = "`bad_id`, `bad_json`, or `text_too_long` (a note over 100 characters once \
            trimmed)", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such order of the member's", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`not_payable` (paid, cancelled or refunded, or a payment under way) or \
            `hold_expired`", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn create_link(
    State(db): State<Db>,
    SignedIn(member_id): SignedIn,
    PathId(order_id): PathId,
    JsonBody(body): JsonBody<NewPayLink>,
) -> Result<Json<OrderPayLink>, AppError> {
    let note = check::pay_note(&body.note)?;
    let mut tx = db.write().await?;
    let now = now_ms();
    let order = lock_own_order(&mut tx, order_id, member_id).await?;
    let ran_out = matches!(order.note, Some(Note::HoldExpired | Note::DeclinedExpired));
    match state_of("open", standing(&order), now) {
        PayLinkState::Open => {}
        // The order waited for its payment too long (it is, or is about to be, cancelled).
        PayLinkState::Expired if order.status == OrderStatus::PendingPayment || ran_out => {
            return Err(crate::commerce::order::machine::hold_expired())
        }
        _ => {
            return Err(crate::commerce::order::machine::not_payable(
                "the order is paid, cancelled or refunded already, or a payment is under way",
            ))
        }
    }
    let open: Option<String> =
        sqlx::query_scalar("SELECT token FROM pay_links WHERE order_id = $1 AND state = 'open'")
            .bind(order_id)
            .fetch_optional(&mut *tx)
            .await?;
    let token = match open {
        Some(token) => {
            sqlx::query("UPDATE pay_links SET note = $2 WHERE token = $1")
                .bind(&token)
                .bind(&note)
                .execute(&mut *tx)
                .await?;
            token
        }
        None => {
            let token = new_token()?;
            sqlx::query(
                "INSERT INTO pay_links (token, order_id, requester_id, note, state, created_ms)
                 VALUES ($1, $2, $3, $4, 'open', $5)",
            )
            .bind(&token)
            .bind(order_id)
            .bind(member_id)
            .bind(&note)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            token
        }
    };
    tx.commit().await?;
    Ok(Json(OrderPayLink {
        token,
        note,
        state: PayLinkState::Open,
    }))
}

/// Takes the order's open link back: a friend who opens it is told so, and cannot pay.
#[utoipa::path(
    delete,
    path = "/orders/{id}/pay-link",
    tag = "pay-for-me",
    params(
        PathId,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The order, with no open link", body = Order),
        (status = 400, description = "`bad_id`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such order of the member's, or it has no open link", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`already_paid`: a friend has paid, or is paying right now", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn cancel_link(
    State(db): State<Db>,
    lang: Lang,
    SignedIn(member_id): SignedIn,
    PathId(order_id): PathId,
) -> Result<Json<Order>, AppError> {
    let mut tx = db.write().await?;
    let now = now_ms();
    let order = lock_own_order(&mut tx, order_id, member_id).await?;
    let open: Option<String> =
        sqlx::query_scalar("SELECT token FROM pay_links WHERE order_id = $1 AND state = 'open'")
            .bind(order_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(token) = open else {
        return Err(AppError::not_found("the order has no open pay-for-me link"));
    };
    if matches!(
        state_of("open", standing(&order), now),
        PayLinkState::Paid | PayLinkState::Paying | PayLinkState::Refunded
    ) {
        return Err(already_paid());
    }
    sqlx::query("UPDATE pay_links SET state = 'cancelled', closed_ms = $2 WHERE token = $1")
        .bind(&token)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let order = owned_order(&mut tx, order_id, member_id, lang, now).await?;
    tx.commit().await?;
    Ok(Json(order))
}

fn already_paid() -> AppError {
    AppError::conflict(
        ErrorCode::AlreadyPaid,
        "this order is paid already, or someone is paying it right now",
    )
}

fn no_link() -> AppError {
    AppError::not_found("no such pay-for-me link")
}

/// The link's page: what it pays for and who asks.
async fn load_link(
    conn: &mut AnyConnection,
    token: &str,
    viewer: Option<i64>,
    lang: Lang,
    now: i64,
) -> Result<PayLink, AppError> {
    let link = link_row(conn, token, "").await?.ok_or_else(no_link)?;
    let order = order_row(conn, link.order_id).await?.ok_or_else(no_link)?;
    let requester = sqlx::query(AssertSqlSafe(format!(
        "SELECT {AUTHOR_COLUMNS} FROM members m WHERE m.id = $1"
    )))
    .bind(link.requester_id)
    .fetch_one(&mut *conn)
    .await?;
    let state = state_of(&link.state, standing(&order), now);
    Ok(PayLink {
        token: link.token,
        state,
        requester: author(&requester, 0, lang)?,
        note: link.note,
        lines: lines_of(conn, order.id, &order.currency, lang).await?,
        total: quanzi_api::Money {
            amount: order.total,
            currency: order.currency,
        },
        expires_at: match state {
            PayLinkState::Open | PayLinkState::Paying => {
                order.hold_until_ms.map(rfc3339).transpose()?
            }
            _ => None,
        },
        server_time: rfc3339(now)?,
        own: viewer == Some(link.requester_id),
    })
}

/// A pay-for-me link as the friend sees it (signed in or not): the items, the total, the
/// requester's name and note, until when it can be paid; never an address or a phone.
#[utoipa::path(
    get,
    path = "/pay-links/{token}",
    tag = "pay-for-me",
    params(
        ("token" = String, Path, pattern = r"^[A-Za-z0-9_-]{24}$", description = "The link's token"),
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The link", body = PayLink),
        (status = 404, description = "`not_found`: no such link", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    )
)]
pub async fn get_link(
    State(db): State<Db>,
    lang: Lang,
    Viewer(viewer): Viewer,
    Path(token): Path<String>,
) -> Result<Json<PayLink>, AppError> {
    if !is_pay_token(&token) {
        return Err(no_link());
    }
    let mut conn = db.pool().acquire().await?;
    Ok(Json(
        load_link(&mut conn, &token, viewer, lang, now_ms()).await?,
    ))
}

/// Pays a pay-for-me link (a guest or a member, never its requester) through the payment
/// provider, as `POST /orders/{id}/pay` does for the order's member: approved, the
/// requester's order is paid and they are told; declined, the link stays open.
#[utoipa::path(
    post,
    path = "/pay-links/{token}/pay",
    tag = "pay-for-me",
    request_body = Pay,
    params(
        ("token" = String, Path, pattern = r"^[A-Za-z0-9_-]{24}$", description = "The link's token"),
        IdempotencyKeyHeader,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The link after the payment's answer: `paid`, or `paying` (a slow payment)", body = PayLink),
        (status = 400, description = "`missing_idempotency_key` or `bad_json`", body = quanzi_api::ApiErrorBody),
        (status = 402, description = "`payment_declined`: nothing was charged; the link stays open", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such link", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`already_paid` (paid, or someone is paying it right now), `pay_link_cancelled`, \
            `pay_link_expired` (the order's hold ran out, or it was cancelled), `own_pay_link` (the requester: pay the order \
            itself), `hold_expired` (the hold ran out a moment ago), or after a declined try: `out_of_stock`, \
            `group_full`, `group_expired`, `group_closed`, `already_in_group`, `new_members_only`, \
            `flash_sale_sold_out`, `flash_sale_limit`", body = quanzi_api::ApiErrorBody),
        (status = 422, description = "`idempotency_key_reused`", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
        (status = 503, description = "`unavailable`: the provider did not answer, or the first request with this key is \
            still being answered", body = quanzi_api::ApiErrorBody,
         headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn pay_link(
    State(commerce): State<Commerce>,
    lang: Lang,
    Viewer(viewer): Viewer,
    headers: HeaderMap,
    Path(token): Path<String>,
    JsonBody(body): JsonBody<Pay>,
) -> Result<Response, AppError> {
    if !is_pay_token(&token) {
        return Err(no_link());
    }
    let requester: Option<i64> =
        sqlx::query_scalar("SELECT requester_id FROM pay_links WHERE token = $1")
            .bind(&token)
            .fetch_optional(commerce.db.pool())
            .await?;
    let requester = requester.ok_or_else(no_link)?;
    // Keys are kept per member: a link's payments keep theirs under its requester, bound
    // to the link's path (a guest has no member of their own).
    let path = format!("/api/v1/pay-links/{token}/pay");
    let key = IdemKey::from_request(&headers, requester, &Method::POST, &path, &body)?;
    let provider = commerce.payments.name();
    let outcome = body.outcome;
    let answer_token = token.clone();
    run_payment(
        commerce,
        key,
        move |conn, now| {
            Box::pin(async move {
                let link = link_row(conn, &token, "").await?.ok_or_else(no_link)?;
                // The order's lock decides between two friends paying at once.
                let order = lock_order(conn, link.order_id).await?.ok_or_else(no_link)?;
                let lock = for_update(conn);
                let link = link_row(conn, &token, lock).await?.ok_or_else(no_link)?;
                if viewer == Some(link.requester_id) {
                    return Err(AppError::conflict(
                        ErrorCode::OwnPayLink,
                        "this is your own pay-for-me link: pay the order itself",
                    ));
                }
                match state_of(&link.state, standing(&order), now_ms().max(now)) {
                    PayLinkState::Open => {}
                    PayLinkState::Paid | PayLinkState::Paying | PayLinkState::Refunded => {
                        return Err(already_paid())
                    }
                    PayLinkState::Cancelled => {
                        return Err(AppError::conflict(
                            ErrorCode::PayLinkCancelled,
                            "the friend who sent this link took it back",
                        ))
                    }
                    PayLinkState::Expired => {
                        return Err(AppError::conflict(
                            ErrorCode::PayLinkExpired,
                            "this link has expired: the order was not paid in time",
                        ))
                    }
                }
                charge_order(conn, order, outcome, now, provider, Some(&token)).await
            })
        },
        move |conn, now| {
            Box::pin(async move {
                let link = load_link(conn, &answer_token, viewer, lang, now).await?;
                Answer::json(StatusCode::OK, &link)
            })
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unguessable_and_of_their_shape() {
        let a = new_token().unwrap_or_default();
        let b = new_token().unwrap_or_default();
        assert!(is_pay_token(&a) && is_pay_token(&b));
        assert_ne!(a, b);
        assert!(!is_pay_token("short"));
        assert!(!is_pay_token("aaaaaaaaaaaaaaaaaaaaaaa/"));
    }
}
