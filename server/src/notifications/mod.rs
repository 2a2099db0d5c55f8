//! Notifications (`/me/notifications`): what happened to a member's orders, groups, flash
//! sales and earnings while they were away, written in the transaction that makes it happen
//! ([`notify`]) so that nobody is told of a change that was rolled back. Each is also a
//! change on the feed ([`events`]), so an open tab's badge follows at once.

pub mod events;

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRef, Query, State};
use axum::Json;
use quanzi_api::{ErrorCode, Money, Notification, NotificationKind, Page, Unread};
use sqlx::{AnyConnection, AssertSqlSafe, Row};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::{keyset_page, parse_limit, Cursor, PageQuery};
use crate::members::session::SignedIn;
use crate::storage::db::{now_ms, Db};
use crate::storage::rows::{product_card, rfc3339, CARD_COLUMNS, CARD_JOIN, CARD_WIDTH};
use events::{Hub, Topic};

/// What a notification is about; each part optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct About {
    pub product_id: Option<i64>,
    pub order_id: Option<i64>,
    pub group_id: Option<i64>,
    pub amount: Option<Money>,
}

impl About {
    /// An order: its first product and its total.
    pub async fn order(conn: &mut AnyConnection, order_id: i64) -> Result<About, AppError> {
        let (product_id, total, currency, group_id): (Option<i64>, i64, String, Option<i64>) =
            sqlx::query_as(
                "SELECT (SELECT product_id FROM order_lines WHERE order_id = o.id
                         ORDER BY position LIMIT 1),
                        o.total, o.currency, o.group_id
                 FROM orders o WHERE o.id = $1",
            )
            .bind(order_id)
            .fetch_one(conn)
            .await?;
        Ok(About {
            product_id,
            order_id: Some(order_id),
            group_id,
            amount: Some(Money {
                amount: total,
                currency,
            }),
        })
    }
}

/// Tells a member something, in the caller's transaction.
pub async fn notify(
    conn: &mut AnyConnection,
    member_id: i64,
    kind: NotificationKind,
    about: About,
) -> Result<(), AppError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO notifications (member_id, kind, product_id, order_id, group_id, amount,
             currency, created_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         RETURNING id",
    )
    .bind(member_id)
    .bind(kind.as_str())
    .bind(about.product_id)
    .bind(about.order_id)
    .bind(about.group_id)
    .bind(about.amount.as_ref().map(|m| m.amount))
    .bind(about.amount.map(|m| m.currency))
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await?;
    events::publish(conn, Some(member_id), Topic::Notification, id).await
}

/// Tells an order's member something about it.
pub async fn notify_order(
    conn: &mut AnyConnection,
    order_id: i64,
    kind: NotificationKind,
) -> Result<(), AppError> {
    let member_id: i64 = sqlx::query_scalar("SELECT member_id FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_one(&mut *conn)
        .await?;
    let about = About::order(conn, order_id).await?;
    notify(conn, member_id, kind, about).await
}

/// Notifications and the event stream.
pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Db: FromRef<S>,
    Hub: FromRef<S>,
    crate::http::origin::Scheme: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(list_notifications))
        .routes(routes!(unread))
        .routes(routes!(mark_read))
        .routes(routes!(events::stream))
}

/// The member's notifications, newest first.
#[utoipa::path(
    get,
    path = "/notifications",
    tag = "notifications",
    params(
        PageQuery,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "A page of notifications, newest first", body = Page<Notification>),
        (status = 400, description = "`bad_limit`, `bad_cursor` or `bad_request`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn list_notifications(
    State(db): State<Db>,
    lang: Lang,
    SignedIn(member_id): SignedIn,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<Page<Notification>>, AppError> {
    let Query(query) = query.map_err(|_| {
        AppError::bad_request(ErrorCode::BadRequest, "the query string is malformed")
    })?;
    let limit = parse_limit(query.limit.as_deref())?;
    let after = Cursor::parse(query.cursor.as_deref())?.unwrap_or(Cursor {
        created_ms: i64::MAX,
        id: i64::MAX,
    });
    // The product's card when there is one: the card's own joins, left-joined as a whole.
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {CARD_COLUMNS}, n.id, n.kind, n.created_ms, n.read_ms, n.order_id, n.group_id,
                n.amount, n.currency, n.product_id
         FROM notifications n
         LEFT JOIN (products pr {CARD_JOIN}) ON pr.id = n.product_id
         WHERE n.member_id = $1 AND (n.created_ms, n.id) < ($2, $3)
         ORDER BY n.created_ms DESC, n.id DESC LIMIT $4"
    )))
    .bind(member_id)
    .bind(after.created_ms)
    .bind(after.id)
    .bind(i64::from(limit) + 1)
    .fetch_all(db.pool())
    .await?;
    let w = CARD_WIDTH;
    let mut read = Vec::with_capacity(rows.len());
    for r in &rows {
        let kind: &str = r.try_get(w + 1)?;
        let amount: Option<i64> = r.try_get(w + 6)?;
        let currency: Option<String> = r.try_get(w + 7)?;
        let created_ms: i64 = r.try_get(w + 2)?;
        let notification = Notification {
            id: r.try_get(w)?,
            kind: NotificationKind::parse(kind)
                .ok_or_else(|| AppError::internal(format!("notifications.kind = {kind:?}")))?,
            created_at: rfc3339(created_ms)?,
            read: r.try_get::<Option<i64>, _>(w + 3)?.is_some(),
            order_id: r.try_get(w + 4)?,
            group_id: r.try_get(w + 5)?,
            amount: amount
                .zip(currency)
                .map(|(amount, currency)| Money { amount, currency }),
            product: match r.try_get::<Option<i64>, _>(w + 8)? {
                Some(_) => Some(product_card(r, lang)?),
                None => None,
            },
        };
        read.push((notification, created_ms));
    }
    let (page, next_cursor) = keyset_page(read, limit, |(n, created_ms)| Cursor {
        created_ms: *created_ms,
        id: n.id,
    });
    let items = page.into_iter().map(|(n, _)| n).collect();
    Ok(Json(Page { items, next_cursor }))
}

/// How many of the member's notifications are unread: the tab bar's badge.
#[utoipa::path(
    get,
    path = "/notifications/unread",
    tag = "notifications",
    responses(
        (status = 200, description = "The unread count", body = Unread),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn unread(
    State(db): State<Db>,
    SignedIn(member_id): SignedIn,
) -> Result<Json<Unread>, AppError> {
    Ok(Json(events::unread(&db, member_id).await?))
}

/// Marks every notification of the member's read (they opened the list); the badge clears
/// on their other tabs too.
#[utoipa::path(
    post,
    path = "/notifications/read",
    tag = "notifications",
    responses(
        (status = 200, description = "Nothing unread any more", body = Unread),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn mark_read(
    State(db): State<Db>,
    SignedIn(member_id): SignedIn,
) -> Result<Json<Unread>, AppError> {
    let mut tx = db.write().await?;
    let marked = sqlx::query(
        "UPDATE notifications SET read_ms = $2 WHERE member_id = $1 AND read_ms IS NULL",
    )
    .bind(member_id)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if marked > 0 {
        // Subject 0: no notification in particular; the streams send the count again.
        events::publish(&mut tx, Some(member_id), Topic::Notification, 0).await?;
    }
    tx.commit().await?;
    Ok(Json(Unread { unread: 0 }))
}
