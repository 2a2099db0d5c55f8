//! Orders and paying for them: `POST /orders`, `GET /orders`, `GET /orders/{id}` and
//! `POST /orders/{id}/pay`. The rows are in [`rows`], the checks of a new order in
//! [`checks`], the state machine in [`machine`]; what a decision does to an order is
//! written by the [`ledger`](crate::commerce::ledger).
//!
//! An order is placed `pending_payment` and takes its stock at once (and, joining a group,
//! a seat): both are held for it until `hold_until` (`--seat-hold-secs`). Paying goes
//! through the [`PaymentProvider`](crate::commerce::payment::PaymentProvider) in two steps around the
//! provider's call, so no transaction waits on it:
//!
//! 1. the order is checked and marked `processing` (taking stock and a seat again if its
//!    hold ran out while an earlier try was under way);
//! 2. the provider's answer is applied: approved → a solo order is `paid`, for the staff to
//!    hand over or ship (and its products leave the cart), a group start creates its group (the
//!    member leads it, awaiting the others), a seat becomes paid and may fill the group;
//!    declined → the order keeps its stock and seat and may be paid again until its hold
//!    runs out, after which the sweep cancels it; pending (slow) → it stays `processing` until the provider answers,
//!    polled by a timer and by the expiry sweep. A charge the provider never answered
//!    (it failed, or the server stopped) stays `processing` too, and the sweep looks it up
//!    by its payment id; it is never taken as declined without the provider's word. An
//!    approval that comes for a charge the order no longer waits for is refunded.
//!
//! A hold that runs out before the payment is asked for cancels the order. A payment that
//! arrives after its hold ran out (a slow one) takes a seat and stock again if there are
//! any, and is otherwise refunded, the order's `note` saying why.
//!
//! Every write here runs in a write transaction ([`Db::write`]): on SQLite one writer at a
//! time; on PostgreSQL, where several servers may share the database, each decision first
//! locks the rows it reads (the order's group, the order, its payment). Each take of stock
//! or a seat is still a conditional UPDATE, backed by the schema's CHECKs, so no bug and no
//! race can oversell.
//!
//! [`Db::write`]: crate::storage::db::Db::write

pub mod checks;
pub mod machine;
pub mod rows;

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRef, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::Json;
use quanzi_api::{ErrorCode, NewOrder, Order, OrderCounts, OrderShelf, Page, Pay, Reorder};
use sqlx::AssertSqlSafe;

use crate::commerce::cart;
use crate::commerce::context::Commerce;
use crate::commerce::expiry;
use crate::commerce::fulfilment;
use crate::commerce::payment::{ChargeRequest, ChargeState};
use crate::http::body::JsonBody;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::origin::Scheme;
use crate::http::params::{keyset_page, parse_limit, Cursor, PathId};
use crate::members::session::SignedIn;
use crate::referral;
use crate::storage::db::{attempt, now_ms};
use crate::storage::idempotency::{self, Answer, IdemKey, IdempotencyKeyHeader, Prior};
use machine::{apply_answer, place, prepare, Step};
use rows::{load_order, owned_order, parse_status, status_str};

/// How long a payment waits for the provider's answer before it is taken as unanswered
/// (and asked about again later): well inside [`idempotency::STALE_MS`].
const PROVIDER_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// What the order handlers need of the state: the commerce machinery (database, payment
/// provider, settings) and the cookie scheme (the referral cookie's name).
#[derive(Clone)]
pub struct OrderState {
    pub commerce: Commerce,
    pub scheme: Scheme,
}

impl<S> FromRef<S> for OrderState
where
    Commerce: FromRef<S>,
    Scheme: FromRef<S>,
{
    fn from_ref(state: &S) -> Self {
        OrderState {
            commerce: Commerce::from_ref(state),
            scheme: Scheme::from_ref(state),
        }
    }
}

/// Places an order: the cart's lines at solo prices, or one product at the group price,
/// starting a group or taking a seat in one. The order takes its stock (and seat) at once
/// and holds them until `hold_until`; pay it with `POST /orders/{id}/pay`. A solo order's
/// products leave the cart once it is paid. Delivery costs `delivery_fee` (see the api
/// crate's rule), part of `total`. The order is credited (referral dashboard) to the code in the
/// referral cookie, else `referral_code`, else whoever referred the member; never the member.
#[utoipa::path(
    post,
    path = "/orders",
    tag = "orders",
    request_body = NewOrder,
    params(
        IdempotencyKeyHeader,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 201, description = "The order, `pending_payment`, holding its stock (and seat) until `hold_until`", body = Order),
        (status = 400, description = "`missing_idempotency_key`, `empty_cart`, `bad_quantity` (not 1 to 20 of a product, or \
            more than 30 products), `no_group_offer` (starting a group of a product without one), `bad_fulfilment` \
            (a name of 1 to 30 characters, a mainland mobile number, a delivery address of 5 to 200 characters, \
            or an existing pickup point), `bad_request` or `bad_json`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such product, group or flash sale", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`out_of_stock`, `off_shelf` (the store took the product off the shelf); joining a group: `group_full` (every seat paid or held), \
            `group_expired` (past its deadline, or failed), `group_closed` (it has succeeded), `already_in_group` \
            (the member leads it or has a seat in it) or `new_members_only` (a new-member group, and the member has paid \
            for an order before); a flash order: `flash_sale_not_started`, `flash_sale_ended` (over, or called off), \
            `flash_sale_sold_out` or `flash_sale_limit` (more than one member may buy)", body = quanzi_api::ApiErrorBody),
        (status = 422, description = "`idempotency_key_reused`: the key was used for another request", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
        (status = 503, description = "`unavailable`: the first request with this key is still being answered; retry",
         body = quanzi_api::ApiErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
    security(("session" = []))
)]
pub async fn create_order(
    State(state): State<OrderState>,
    lang: Lang,
    SignedIn(member_id): SignedIn,
    headers: HeaderMap,
    JsonBody(body): JsonBody<NewOrder>,
) -> Result<Response, AppError> {
    let key = IdemKey::from_request(&headers, member_id, &Method::POST, "/api/v1/orders", &body)?;
    let cookie_code = referral::cookie_code(&headers, state.scheme.secure());
    let settings = state.commerce.settings;
    let (answer, replayed) = idempotency::once(&state.commerce.db, &key, move |conn| {
        Box::pin(async move {
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
            )
            .await?;
            let id = place(conn, member_id, &body, referrer, now, settings).await?;
            let order = load_order(conn, id, lang, now)
                .await?
                .ok_or_else(|| AppError::internal("the new order vanished"))?;
            Answer::json(StatusCode::CREATED, &order)
        })
    })
    .await?;
    Ok(answer.into_response(replayed))
}

/// Pays an order through the payment provider (the reference server's is the test provider:
/// `outcome` says how it answers). Approved: a solo order is ready for pickup or shipping;
/// a group start opens its group (deadline = now + the window) and awaits the others; a
/// seat is paid, and the last paid seat fills the group, readying every member's order.
/// Declined: 402, and the order keeps its stock and seat; it may be paid again (with a new
/// key) until `hold_until`. Slow: `processing` now, decided
/// later (`--test-payment-delay-secs`); a payment that arrives after the hold ran out takes
/// a free seat if there is one, else it is refunded and `note` says so.
#[utoipa::path(
    post,
    path = "/orders/{id}/pay",
    tag = "orders",
    request_body = Pay,
    params(
        PathId,
        IdempotencyKeyHeader,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The order after the payment's answer: paid (`awaiting_group`, or `paid` for the \
            store to hand over or ship), `processing` (a slow payment), or `refunded` with a `note` (a late payment with no seat left)", body = Order),
        (status = 400, description = "`bad_id`, `missing_idempotency_key` or `bad_json`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 402, description = "`payment_declined`: nothing was charged; the order keeps its stock and seat and \
            may be paid again until `hold_until`, and is cancelled after", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such order of the member's", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`not_payable` (paid, cancelled or refunded, or a payment under way), `hold_expired` \
            (the hold ran out before paying; the order is cancelled), `new_members_only` (a seat in a new-member group, \
            and the member has paid for another order since), or after a declined try: `out_of_stock`, \
            `group_full`, `group_expired`, `group_closed`, `already_in_group`, `flash_sale_sold_out`, \
            `flash_sale_limit`", body = quanzi_api::ApiErrorBody),
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
    State(state): State<OrderState>,
    lang: Lang,
    SignedIn(member_id): SignedIn,
    headers: HeaderMap,
    PathId(order_id): PathId,
    JsonBody(body): JsonBody<Pay>,
) -> Result<Response, AppError> {
    let path = format!("/api/v1/orders/{order_id}/pay");
    let key = IdemKey::from_request(&headers, member_id, &Method::POST, &path, &body)?;
    let provider = state.commerce.payments.name();
    let outcome = body.outcome;
    run_payment(
        state.commerce,
        key,
        move |conn, now| Box::pin(prepare(conn, member_id, order_id, outcome, now, provider)),
        move |conn, now| {
            Box::pin(async move {
                let order = load_order(conn, order_id, lang, now)
                    .await?
                    .ok_or_else(|| AppError::internal("the paid order vanished"))?;
                Answer::json(StatusCode::OK, &order)
            })
        },
    )
    .await
}

/// A payment's two steps around the provider's call, under an idempotency key: `prepare`
/// checks what is paid for and records the try as `processing` (its refusal is the
/// answer), the provider is asked with no transaction open, and its answer is applied;
/// `answer` then says what the payer sees (a decline is 402 `payment_declined`).
pub async fn run_payment<P, A>(
    commerce: Commerce,
    key: IdemKey,
    prepare: P,
    answer: A,
) -> Result<Response, AppError>
where
    P: for<'c> FnOnce(
            &'c mut sqlx::AnyConnection,
            i64,
        )
            -> crate::storage::db::BoxFuture<'c, Result<ChargeRequest, AppError>>
        + Send
        + 'static,
    A: for<'c> FnOnce(
            &'c mut sqlx::AnyConnection,
            i64,
        ) -> crate::storage::db::BoxFuture<'c, Result<Answer, AppError>>
        + Send,
{
    let settings = commerce.settings;
    let now = now_ms();
    let mut tx = commerce.db.write().await?;
    let step = match idempotency::claim(&mut tx, &key, now).await? {
        Prior::Answered(answer) => Step::Answered(answer, true),
        Prior::Busy => return Err(idempotency::busy()),
        Prior::Fresh => {
            let prepared = attempt(&mut tx, move |conn| prepare(conn, now)).await;
            match prepared {
                // The key stays marked at work while the provider is asked.
                Ok(request) => Step::Charge(request),
                Err(err) => {
                    let answer = idempotency::answer_of(Err(err))?;
                    idempotency::finish(&mut tx, &key, &answer, now).await?;
                    Step::Answered(answer, false)
                }
            }
        }
    };
    tx.commit().await?;
    let request = match step {
        Step::Answered(answer, replayed) => return Ok(answer.into_response(replayed)),
        Step::Charge(request) => request,
    };
    let payment_id = request.payment_id;
    // Bounded well inside the key's staleness: a retry must never take the key over while
    // this request is still waiting for the provider.
    let charged = tokio::time::timeout(PROVIDER_WAIT, commerce.payments.charge(&request)).await;
    let charge = match charged {
        Ok(Ok(charge)) => charge,
        failed => {
            let why = match failed {
                Ok(Err(err)) => err.to_string(),
                _ => format!("no answer within {} s", PROVIDER_WAIT.as_secs()),
            };
            tracing::error!(error = %why, payment_id, "the payment provider failed");
            // Nothing is known: the charge may have gone through. The payment stays
            // `processing` and the sweep soon asks the provider about it by its id (it is
            // never taken as declined without the provider's word). The key is let go
            // (first: keys are locked before the rows their requests change).
            let mut tx = commerce.db.write().await?;
            idempotency::abandon(&mut tx, &key).await?;
            expiry::ask_again_later(&mut tx, payment_id, now_ms()).await?;
            tx.commit().await?;
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
    let mut tx = commerce.db.write().await?;
    idempotency::lock(&mut tx, &key).await?;
    apply_answer(&mut tx, payment_id, &charge, now_ms(), settings).await?;
    let now = now_ms();
    let answer = if declined {
        Answer::error(&AppError::new(
            StatusCode::PAYMENT_REQUIRED,
            ErrorCode::PaymentDeclined,
            "the payment was declined; nothing was charged",
        ))
    } else {
        answer(&mut tx, now).await?
    };
    idempotency::finish(&mut tx, &key, &answer, now).await?;
    tx.commit().await?;
    if let Some(poll_at_ms) = pending {
        expiry::poll_later(commerce.clone(), payment_id, poll_at_ms);
    }
    // A late payment may have been refunded: tell the provider now.
    expiry::flush_refunds_soon(commerce);
    Ok(answer.into_response(false))
}

/// Buys again: puts the order's lines back into the member's cart, each product at least as
/// many as the order had (a cancelled order's shopper finds their cart as it was). Sold-out
/// products stay out and are named in `unavailable`.
#[utoipa::path(
    post,
    path = "/orders/{id}/reorder",
    tag = "orders",
    params(
        PathId,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The cart with the order's lines, and what could not go back", body = Reorder),
        (status = 400, description = "`bad_id`, or `bad_quantity`: the cart would hold more than 30 products", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such order of the member's", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn reorder(
    State(state): State<OrderState>,
    lang: Lang,
    SignedIn(member_id): SignedIn,
    PathId(id): PathId,
) -> Result<Json<Reorder>, AppError> {
    let db = &state.commerce.db;
    let mut tx = db.write().await?;
    // The cart's line count decides whether the lines fit: one change at a time.
    db.lock_member(&mut tx, member_id).await?;
    let order = owned_order(&mut tx, id, member_id, lang, now_ms()).await?;
    let lines: Vec<(i64, u32)> = order
        .lines
        .iter()
        .map(|l| (l.product.id, l.quantity))
        .collect();
    let sold_out = cart::put_back(&mut tx, member_id, &lines).await?;
    let cart = cart::load_cart(&mut tx, member_id, lang).await?;
    tx.commit().await?;
    let unavailable = order
        .lines
        .into_iter()
        .filter(|l| sold_out.contains(&l.product.id))
        .map(|l| l.product)
        .collect();
    Ok(Json(Reorder { cart, unavailable }))
}

/// One of the member's orders.
/// The shopper says their parcel arrived: a shipped order completes.
#[utoipa::path(
    post,
    path = "/orders/{id}/receipt",
    tag = "orders",
    params(
        PathId,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The order, `completed`", body = Order),
        (status = 400, description = "`bad_id`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such order of the member's", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`already_completed`, or `wrong_order_state`: the order is not shipped", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn confirm_receipt(
    State(state): State<OrderState>,
    lang: Lang,
    SignedIn(member_id): SignedIn,
    PathId(id): PathId,
) -> Result<Json<Order>, AppError> {
    let mut tx = state.commerce.db.write().await?;
    let now = now_ms();
    fulfilment::confirm_receipt(&mut tx, id, member_id, now).await?;
    let order = owned_order(&mut tx, id, member_id, lang, now).await?;
    tx.commit().await?;
    Ok(Json(order))
}

#[utoipa::path(
    get,
    path = "/orders/{id}",
    tag = "orders",
    params(
        PathId,
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
    State(state): State<OrderState>,
    lang: Lang,
    SignedIn(member_id): SignedIn,
    PathId(id): PathId,
) -> Result<Json<Order>, AppError> {
    let mut conn = state.commerce.db.pool().acquire().await?;
    let order = owned_order(&mut conn, id, member_id, lang, now_ms()).await?;
    Ok(Json(order))
}

/// The query of the member's orders: a page, of one shelf or all.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrdersQuery {
    /// Opaque: the `next_cursor` of the previous page. Absent (or empty) for the first page.
    #[param(schema_with = quanzi_api::schema::cursor)]
    pub cursor: Option<String>,
    /// 1 to 50, default 10.
    #[param(schema_with = quanzi_api::schema::limit)]
    pub limit: Option<String>,
    /// Only the orders on this shelf.
    #[param(value_type = Option<OrderShelf>)]
    pub shelf: Option<String>,
}

/// The statuses of a shelf as a SQL list of literals (from the fixed set of status codes).
fn status_list(shelf: OrderShelf) -> String {
    shelf
        .statuses()
        .iter()
        .map(|s| format!("'{}'", status_str(*s)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How many of the member's orders are on each shelf: the shortcuts of `/me`.
#[utoipa::path(
    get,
    path = "/orders/counts",
    tag = "orders",
    responses(
        (status = 200, description = "The member's orders counted by shelf", body = OrderCounts),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn order_counts(
    State(state): State<OrderState>,
    SignedIn(member_id): SignedIn,
) -> Result<Json<OrderCounts>, AppError> {
    let mut conn = state.commerce.db.pool().acquire().await?;
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, count(*) FROM orders WHERE member_id = $1 GROUP BY status")
            .bind(member_id)
            .fetch_all(&mut *conn)
            .await?;
    let mut counts = OrderCounts::default();
    for (status, n) in rows {
        counts.add(parse_status(&status)?, u32::try_from(n).unwrap_or(u32::MAX));
    }
    Ok(Json(counts))
}

/// The member's orders, newest first; of one shelf with `shelf`.
#[utoipa::path(
    get,
    path = "/orders",
    tag = "orders",
    params(
        OrdersQuery,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "A page of orders, newest first", body = Page<Order>),
        (status = 400, description = "`bad_limit`, `bad_cursor` or `bad_request` (a malformed query, or a shelf \
            other than `pending_payment`, `awaiting_group`, `to_ship`, `completed`)", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn list_orders(
    State(state): State<OrderState>,
    lang: Lang,
    SignedIn(member_id): SignedIn,
    query: Result<Query<OrdersQuery>, QueryRejection>,
) -> Result<Json<Page<Order>>, AppError> {
    let Query(query) = query.map_err(|_| {
        AppError::bad_request(ErrorCode::BadRequest, "the query string is malformed")
    })?;
    let shelf = match query.shelf.as_deref() {
        None => None,
        Some(raw) => Some(OrderShelf::parse(raw).ok_or_else(|| {
            AppError::bad_request(
                ErrorCode::BadRequest,
                "a shelf is pending_payment, awaiting_group, to_ship or completed",
            )
        })?),
    };
    let on_shelf = shelf.map_or_else(String::new, |s| {
        format!(" AND status IN ({})", status_list(s))
    });
    let limit = parse_limit(query.limit.as_deref())?;
    let cursor = Cursor::parse(query.cursor.as_deref())?;
    let now = now_ms();
    let after = cursor.unwrap_or(Cursor {
        created_ms: i64::MAX,
        id: i64::MAX,
    });
    let mut conn = state.commerce.db.pool().acquire().await?;
    let rows: Vec<(i64, i64)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT id, created_ms FROM orders
         WHERE member_id = $1 AND (created_ms, id) < ($2, $3){on_shelf}
         ORDER BY created_ms DESC, id DESC LIMIT $4"
    )))
    .bind(member_id)
    .bind(after.created_ms)
    .bind(after.id)
    .bind(i64::from(limit) + 1)
    .fetch_all(&mut *conn)
    .await?;
    let (rows, next_cursor) =
        keyset_page(rows, limit, |&(id, created_ms)| Cursor { created_ms, id });
    let mut items = Vec::with_capacity(rows.len());
    for (id, _) in rows {
        if let Some(order) = load_order(&mut conn, id, lang, now).await? {
            items.push(order);
        }
    }
    let page = Page { items, next_cursor };
    Ok(Json(page))
}
