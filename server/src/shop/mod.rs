//! A member's shop (`/s/{code}`): `GET /shops/{code}` for anyone (its featured products on
//! the shelf, in the member's order, and their latest posts that tag products), and the
//! member's own list: `GET /account/shop`, `PUT` and `DELETE /account/shop/products/{id}`.
//!
//! A product is added at the end (`position` one past the last, under a lock on the
//! member's row, and a unique index backs it); adding it again changes nothing, nor does
//! removing one that is not there.

use axum::extract::{FromRef, State};
use axum::Json;
use quanzi_api::shop::SHOP_POSTS;
use quanzi_api::{ErrorCode, MyShop, Shop, SHOP_MAX};
use sqlx::{AnyConnection, AssertSqlSafe};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::catalog::product::on_shelf;
use crate::content::post::load_posts;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::origin::Scheme;
use crate::http::params::{PathCode, PathId};
use crate::members::session::SignedIn;
use crate::referral::code_of;
use crate::storage::db::{for_no_key_update, now_ms, Db};
use crate::storage::rows::{author, product_card, AUTHOR_COLUMNS, CARD_COLUMNS, CARD_JOIN};

/// A member's shop, as anyone sees it: their featured products on the shelf, in their
/// order, and their latest posts that tag products.
#[utoipa::path(
    get,
    path = "/shops/{code}",
    tag = "shops",
    params(
        PathCode,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The shop", body = Shop),
        (status = 400, description = "`bad_referral_code`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: nobody has this code", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    )
)]
pub async fn get_shop(
    State(db): State<Db>,
    lang: Lang,
    PathCode(code): PathCode,
) -> Result<Json<Shop>, AppError> {
    let mut conn = db.pool().acquire().await?;
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {AUTHOR_COLUMNS} FROM members m WHERE m.referral_code = $1"
    )))
    .bind(&code)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::not_found("nobody has this code"))?;
    let owner = author(&row, 0, lang)?;
    let products = sqlx::query(AssertSqlSafe(format!(
        "SELECT {CARD_COLUMNS} FROM shop_products s
         JOIN products pr ON pr.id = s.product_id
         {CARD_JOIN}
         WHERE s.member_id = $1 AND pr.published = 1
         ORDER BY s.position"
    )))
    .bind(owner.id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| product_card(r, lang))
    .collect::<Result<_, _>>()?;
    let post_ids: Vec<i64> = sqlx::query_scalar(
        "SELECT p.id FROM posts p
         WHERE p.author_id = $1
           AND EXISTS (SELECT 1 FROM post_products pp WHERE pp.post_id = p.id)
         ORDER BY p.created_ms DESC, p.id DESC LIMIT $2",
    )
    .bind(owner.id)
    .bind(SHOP_POSTS as i64)
    .fetch_all(&mut *conn)
    .await?;
    // Read as a guest sees them: the answer is the same for everyone (and goes into the
    // page's shell as its first data).
    let posts = load_posts(&mut conn, &post_ids, lang, None).await?;
    Ok(Json(Shop {
        code,
        member: owner,
        products,
        posts,
    }))
}

async fn my_shop(conn: &mut AnyConnection, member_id: i64) -> Result<MyShop, AppError> {
    let product_ids = sqlx::query_scalar(
        "SELECT product_id FROM shop_products WHERE member_id = $1 ORDER BY position",
    )
    .bind(member_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(MyShop {
        code: code_of(conn, member_id).await?,
        product_ids,
    })
}

/// The signed-in member's shop: its code and the products featured, in order.
#[utoipa::path(
    get,
    path = "/account/shop",
    tag = "account",
    responses(
        (status = 200, description = "The member's shop", body = MyShop),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn get_my_shop(
    State(db): State<Db>,
    SignedIn(member_id): SignedIn,
) -> Result<Json<MyShop>, AppError> {
    let mut conn = db.pool().acquire().await?;
    Ok(Json(my_shop(&mut conn, member_id).await?))
}

/// Features a product in the member's shop, after the others; one already there stays
/// where it is.
#[utoipa::path(
    put,
    path = "/account/shop/products/{id}",
    tag = "account",
    params(PathId),
    responses(
        (status = 200, description = "The member's shop, with the product", body = MyShop),
        (status = 400, description = "`bad_id`, or `too_many_products`: a shop features at most 30", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such product", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`off_shelf`: the store took it off the shelf", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn add_product(
    State(db): State<Db>,
    SignedIn(member_id): SignedIn,
    PathId(product_id): PathId,
) -> Result<Json<MyShop>, AppError> {
    let mut tx = db.write().await?;
    let lock = for_no_key_update(&tx);
    sqlx::query(AssertSqlSafe(format!(
        "SELECT id FROM members WHERE id = $1{lock}"
    )))
    .bind(member_id)
    .execute(&mut *tx)
    .await?;
    on_shelf(&mut tx, product_id).await?;
    let (count, last): (i64, Option<i64>) =
        sqlx::query_as("SELECT count(*), max(position) FROM shop_products WHERE member_id = $1")
            .bind(member_id)
            .fetch_one(&mut *tx)
            .await?;
    let there: Option<i64> = sqlx::query_scalar(
        "SELECT position FROM shop_products WHERE member_id = $1 AND product_id = $2",
    )
    .bind(member_id)
    .bind(product_id)
    .fetch_optional(&mut *tx)
    .await?;
    if there.is_none() {
        if count >= SHOP_MAX as i64 {
            return Err(AppError::bad_request(
                ErrorCode::TooManyProducts,
                "a shop features at most 30 products",
            ));
        }
        sqlx::query(
            "INSERT INTO shop_products (member_id, product_id, position, added_ms)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(member_id)
        .bind(product_id)
        .bind(last.map_or(0, |p| p + 1))
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    }
    let shop = my_shop(&mut tx, member_id).await?;
    tx.commit().await?;
    Ok(Json(shop))
}

/// Takes a product out of the member's shop; one that is not there changes nothing.
#[utoipa::path(
    delete,
    path = "/account/shop/products/{id}",
    tag = "account",
    params(PathId),
    responses(
        (status = 200, description = "The member's shop, without the product", body = MyShop),
        (status = 400, description = "`bad_id`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn remove_product(
    State(db): State<Db>,
    SignedIn(member_id): SignedIn,
    PathId(product_id): PathId,
) -> Result<Json<MyShop>, AppError> {
    let mut tx = db.write().await?;
    sqlx::query("DELETE FROM shop_products WHERE member_id = $1 AND product_id = $2")
        .bind(member_id)
        .bind(product_id)
        .execute(&mut *tx)
        .await?;
    let shop = my_shop(&mut tx, member_id).await?;
    tx.commit().await?;
    Ok(Json(shop))
}

/// `/shops/{code}` and the member's own `/account/shop`.
pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Db: FromRef<S>,
    Scheme: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(get_shop))
        .routes(routes!(get_my_shop))
        .routes(routes!(add_product, remove_product))
}
