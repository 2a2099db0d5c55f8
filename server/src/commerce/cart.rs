//! The member's cart: `GET /cart`, `PUT /cart/items/{product_id}` (set a quantity, 0
//! removes) and `POST /cart/merge` (a guest's browser cart joins the member's on sign-in);
//! an order's lines come back into it with [`put_back`]. The cart holds product ids and
//! quantities only; it is priced when read, and it reserves nothing: the order takes the
//! stock. A solo order's lines leave it when the order is paid.

use axum::extract::State;
use axum::Json;
use quanzi_api::order::CART_LINES_MAX;
use quanzi_api::{Cart, CartLine, CartMerge, ErrorCode, Money, QUANTITY_MAX};
use sqlx::{AnyConnection, AssertSqlSafe};

use crate::catalog::product::on_shelf;
use crate::http::body::JsonBody;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::PathId;
use crate::members::session::SignedIn;
use crate::storage::db::{now_ms, u32_at, Db};
use crate::storage::rows::product_card;
use crate::storage::rows::{CARD_COLUMNS, CARD_JOIN, CARD_WIDTH};

/// The body of `PUT /cart/items/{product_id}`. A whole `LineRequest` is accepted too; its
/// `product_id`, if sent, must be the one in the path.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct SetQuantity {
    /// 0 removes the line; otherwise 1 to 20.
    #[schema(schema_with = quanzi_api::schema::cart_quantity)]
    #[serde(deserialize_with = "quanzi_api::whole::i64")]
    pub quantity: i64,
    /// Accepted for old clients that send a whole line; when sent it must be the path's,
    /// so new clients leave it out.
    #[serde(default, deserialize_with = "quanzi_api::whole::option_i64")]
    #[schema(read_only)]
    pub product_id: Option<i64>,
}

/// A quantity of one product in an order or a cart line: 1 to 20.
pub fn check_quantity(quantity: i64) -> Result<u32, AppError> {
    match u32::try_from(quantity) {
        Ok(q) if (1..=QUANTITY_MAX).contains(&q) => Ok(q),
        _ => Err(AppError::bad_request(
            ErrorCode::BadQuantity,
            "a quantity is 1 to 20",
        )),
    }
}

fn too_many_lines() -> AppError {
    AppError::bad_request(
        ErrorCode::BadQuantity,
        "a cart holds at most 30 different products",
    )
}

async fn product_exists(conn: &mut AnyConnection, id: i64) -> Result<bool, AppError> {
    Ok(sqlx::query("SELECT 1 FROM products WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?
        .is_some())
}

/// The member's cart, priced now, in the order lines were added.
pub async fn load_cart(
    conn: &mut AnyConnection,
    member_id: i64,
    lang: Lang,
) -> Result<Cart, AppError> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {CARD_COLUMNS}, c.quantity,
                CASE WHEN pr.published = 1 THEN pr.stock ELSE 0 END
         FROM cart_items c
         JOIN products pr ON pr.id = c.product_id
         {CARD_JOIN}
         WHERE c.member_id = $1
         ORDER BY c.added_ms, c.product_id"
    )))
    .bind(member_id)
    .fetch_all(conn)
    .await?;
    let mut total = 0i64;
    let mut currency = None;
    let mut lines = Vec::with_capacity(rows.len());
    for r in &rows {
        let (product, quantity, stock) = (
            product_card(r, lang)?,
            u32_at(r, CARD_WIDTH)?,
            u32_at(r, CARD_WIDTH + 1)?,
        );
        let amount = product.solo_price.amount * i64::from(quantity);
        total += amount;
        currency.get_or_insert_with(|| product.solo_price.currency.clone());
        let subtotal = Money {
            amount,
            currency: product.solo_price.currency.clone(),
        };
        lines.push(CartLine {
            product,
            quantity,
            subtotal,
            stock,
        });
    }
    Ok(Cart {
        lines,
        total: Money {
            amount: total,
            currency: currency.unwrap_or_else(|| "CNY".to_owned()),
        },
    })
}

async fn line_count(conn: &mut AnyConnection, member_id: i64) -> Result<usize, AppError> {
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM cart_items WHERE member_id = $1")
        .bind(member_id)
        .fetch_one(conn)
        .await?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// The signed-in member's cart, priced at today's solo prices, with the stock of each
/// product (the order checks it again).
#[utoipa::path(
    get,
    path = "/cart",
    tag = "orders",
    params(
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The cart, oldest line first", body = Cart),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn get_cart(
    State(db): State<Db>,
    lang: Lang,
    SignedIn(member_id): SignedIn,
) -> Result<Json<Cart>, AppError> {
    let cart = load_cart(&mut *db.pool().acquire().await?, member_id, lang).await?;
    Ok(Json(cart))
}

/// Sets how many of a product the cart holds: 1 to 20, or 0 to remove the line. A new line
/// goes at the end; a cart holds at most 30 lines.
#[utoipa::path(
    put,
    path = "/cart/items/{product_id}",
    tag = "orders",
    request_body = SetQuantity,
    params(
        ("product_id" = i64, Path, minimum = 1, maximum = 999_999_999_999_999_999_i64, description = "Product id: 1 to 18 digits, greater than 0"),
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The cart after the change", body = Cart),
        (status = 400, description = "`bad_id`, `bad_quantity` (not 0 to 20, or a 31st line), `bad_request` \
            (a body `product_id` other than the path's) or `bad_json`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such product", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`off_shelf`: the product is off the shelf (it may still be taken out of the cart)", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn set_item(
    State(db): State<Db>,
    lang: Lang,
    SignedIn(member_id): SignedIn,
    PathId(product_id): PathId,
    JsonBody(body): JsonBody<SetQuantity>,
) -> Result<Json<Cart>, AppError> {
    if body.product_id.is_some_and(|id| id != product_id) {
        return Err(AppError::bad_request(
            ErrorCode::BadRequest,
            "the body names another product than the path",
        ));
    }
    let quantity = match body.quantity {
        0 => None,
        q => Some(check_quantity(q)?),
    };
    let mut tx = db.write().await?;
    // The line count below decides whether a new line fits: one member's cart changes one
    // transaction at a time.
    db.lock_member(&mut tx, member_id).await?;
    // An off-shelf product may leave a cart, not enter it.
    if quantity.is_some() {
        on_shelf(&mut tx, product_id).await?;
    } else if !product_exists(&mut tx, product_id).await? {
        return Err(AppError::not_found("no such product"));
    }
    match quantity {
        None => {
            sqlx::query("DELETE FROM cart_items WHERE member_id = $1 AND product_id = $2")
                .bind(member_id)
                .bind(product_id)
                .execute(&mut *tx)
                .await?;
        }
        Some(quantity) => {
            let updated = sqlx::query(
                "UPDATE cart_items SET quantity = $3 WHERE member_id = $1 AND product_id = $2",
            )
            .bind(member_id)
            .bind(product_id)
            .bind(i64::from(quantity))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated == 0 {
                if line_count(&mut tx, member_id).await? >= CART_LINES_MAX {
                    return Err(too_many_lines());
                }
                sqlx::query(
                    "INSERT INTO cart_items (member_id, product_id, quantity, added_ms)
                     VALUES ($1, $2, $3, $4)
                     ON CONFLICT (member_id, product_id) DO UPDATE SET quantity = excluded.quantity",
                )
                .bind(member_id)
                .bind(product_id)
                .bind(i64::from(quantity))
                .bind(now_ms())
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    let cart = load_cart(&mut tx, member_id, lang).await?;
    tx.commit().await?;
    Ok(Json(cart))
}

/// Puts an order's lines back into the member's cart (in the caller's transaction, the
/// member locked): each product in stock at least as many as the order had; returns the
/// products that are sold out, which stay out. More than 30 lines in all: `bad_quantity`.
pub async fn put_back(
    conn: &mut AnyConnection,
    member_id: i64,
    lines: &[(i64, u32)],
) -> Result<Vec<i64>, AppError> {
    let mut sold_out = Vec::new();
    let now = now_ms();
    for (position, (product_id, quantity)) in lines.iter().enumerate() {
        // Off the shelf counts as sold out: it cannot be bought either.
        let stock: i64 = sqlx::query_scalar(
            "SELECT CASE WHEN published = 1 THEN stock ELSE 0 END FROM products WHERE id = $1",
        )
        .bind(product_id)
        .fetch_one(&mut *conn)
        .await?;
        if stock <= 0 {
            sold_out.push(*product_id);
            continue;
        }
        sqlx::query(
            "INSERT INTO cart_items (member_id, product_id, quantity, added_ms)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (member_id, product_id) DO UPDATE SET quantity =
                 CASE WHEN cart_items.quantity < excluded.quantity THEN excluded.quantity
                      ELSE cart_items.quantity END",
        )
        .bind(member_id)
        .bind(product_id)
        .bind(i64::from(*quantity))
        .bind(now + position as i64)
        .execute(&mut *conn)
        .await?;
    }
    if line_count(conn, member_id).await? > CART_LINES_MAX {
        return Err(too_many_lines());
    }
    Ok(sold_out)
}

/// Adds a guest's cart (kept in the browser) to the member's: quantities of a product add
/// up, capped at 20; new products go at the end in the order sent. All or nothing: an
/// unknown product or a bad quantity changes nothing.
#[utoipa::path(
    post,
    path = "/cart/merge",
    tag = "orders",
    request_body = CartMerge,
    params(
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The merged cart", body = Cart),
        (status = 400, description = "`bad_quantity` (a quantity not 1 to 20, or more than 30 lines after the merge) \
            or `bad_json`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: a product that does not exist", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn merge(
    State(db): State<Db>,
    lang: Lang,
    SignedIn(member_id): SignedIn,
    JsonBody(body): JsonBody<CartMerge>,
) -> Result<Json<Cart>, AppError> {
    if body.lines.len() > CART_LINES_MAX {
        return Err(too_many_lines());
    }
    // Repeats of one product in the request add up too.
    let mut lines: Vec<(i64, u32)> = Vec::with_capacity(body.lines.len());
    for line in &body.lines {
        let quantity = check_quantity(i64::from(line.quantity))?;
        match lines.iter_mut().find(|(id, _)| *id == line.product_id) {
            Some((_, q)) => *q = (*q + quantity).min(QUANTITY_MAX),
            None => lines.push((line.product_id, quantity)),
        }
    }
    let mut tx = db.write().await?;
    db.lock_member(&mut tx, member_id).await?;
    for (product_id, _) in &lines {
        if !product_exists(&mut tx, *product_id).await? {
            return Err(AppError::not_found(format!("no product {product_id}")));
        }
    }
    // A guest's cart may hold what has gone off the shelf since: left out, the rest merged.
    let mut on_sale = Vec::with_capacity(lines.len());
    for line in lines {
        let published: i64 = sqlx::query_scalar("SELECT published FROM products WHERE id = $1")
            .bind(line.0)
            .fetch_one(&mut *tx)
            .await?;
        if published == 1 {
            on_sale.push(line);
        }
    }
    let lines = on_sale;
    let now = now_ms();
    for (position, (product_id, quantity)) in lines.iter().enumerate() {
        // Later lines a millisecond apart each, so they keep the order sent. The cap is a
        // CASE: SQLite has no `least`, PostgreSQL no two-argument `min`.
        sqlx::query(
            "INSERT INTO cart_items (member_id, product_id, quantity, added_ms)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (member_id, product_id) DO UPDATE SET quantity =
                 CASE WHEN cart_items.quantity + excluded.quantity > $5 THEN $5
                      ELSE cart_items.quantity + excluded.quantity END",
        )
        .bind(member_id)
        .bind(product_id)
        .bind(i64::from(*quantity))
        .bind(now + position as i64)
        .bind(i64::from(QUANTITY_MAX))
        .execute(&mut *tx)
        .await?;
    }
    if line_count(&mut tx, member_id).await? > CART_LINES_MAX {
        // Dropping the transaction undoes the merge.
        return Err(too_many_lines());
    }
    let cart = load_cart(&mut tx, member_id, lang).await?;
    tx.commit().await?;
    Ok(Json(cart))
}
