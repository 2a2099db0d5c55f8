//! Shapes many resources share, read from rows the same way everywhere: an author's card,
//! a picture, a product card, a time as RFC 3339.

use quanzi_api::{Author, CommissionRule, FlashSale, GroupPrice, Image, Money, ProductCard};
use sqlx::any::AnyRow;
use sqlx::Row;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::storage::db::u32_at;

/// The columns [`product_card`] reads, for a query that calls the products table `pr` and
/// joins its card picture as `i` (see [`CARD_JOIN`]).
pub const CARD_COLUMNS: &str = "pr.id, pr.title_zh, pr.title_en, pr.currency, pr.solo_price, \
     pr.group_price, pr.group_size, i.url, i.width, i.height, i.alt_zh, i.alt_en, \
     pr.commission_bps, pr.commission_fixed, ss.commission_bps";

/// A product's commission rule and the store's default rate, for [`share_earn`], in a
/// query that joins `store_settings ss`.
pub const COMMISSION_COLUMNS: &str = "pr.commission_bps, pr.commission_fixed, ss.commission_bps";

/// How many columns [`CARD_COLUMNS`] are: a query's own columns follow from this index.
pub const CARD_WIDTH: usize = 15;

/// The join that brings a product's card picture (gallery position 0) and the store's
/// default commission rate.
pub const CARD_JOIN: &str = "JOIN product_images i ON i.product_id = pr.id AND i.position = 0 \
     JOIN store_settings ss ON ss.id = 1";

/// The columns [`author`] reads, for a query that calls the members table `m`.
pub const AUTHOR_COLUMNS: &str =
    "m.id, m.name, m.avatar_url, m.avatar_width, m.avatar_height, m.avatar_alt_zh, m.avatar_alt_en";

/// An image stored as five columns (url, width, height, alt_zh, alt_en) from `start`.
pub fn image(r: &AnyRow, start: usize, lang: Lang) -> Result<Image, sqlx::Error> {
    Ok(Image {
        url: r.try_get(start)?,
        width: u32_at(r, start + 1)?,
        height: u32_at(r, start + 2)?,
        alt: lang.pick(r.try_get(start + 3)?, r.try_get(start + 4)?),
    })
}

/// Like [`image`], for columns that may all be NULL.
pub fn optional_image(r: &AnyRow, start: usize, lang: Lang) -> Result<Option<Image>, sqlx::Error> {
    match r.try_get::<Option<String>, _>(start)? {
        Some(_) => image(r, start, lang).map(Some),
        None => Ok(None),
    }
}

/// A member stored as id, name and an optional five-column avatar from `start`.
pub fn author(r: &AnyRow, start: usize, lang: Lang) -> Result<Author, sqlx::Error> {
    Ok(Author {
        id: r.try_get(start)?,
        name: r.try_get(start + 1)?,
        avatar: optional_image(r, start + 2, lang)?,
    })
}

/// What a member earns on one unit sold at `lowest` (the lowest price on offer), from
/// [`COMMISSION_COLUMNS`] at `start`.
pub fn share_earn(
    r: &AnyRow,
    start: usize,
    lowest: i64,
    currency: &str,
) -> Result<Money, sqlx::Error> {
    let rule = CommissionRule::from_columns(r.try_get(start)?, r.try_get(start + 1)?);
    Ok(Money {
        amount: rule.per_unit(r.try_get(start + 2)?, lowest),
        currency: currency.to_owned(),
    })
}

/// A product card from a row selecting [`CARD_COLUMNS`].
pub fn product_card(r: &AnyRow, lang: Lang) -> Result<ProductCard, sqlx::Error> {
    let currency: String = r.try_get(3)?;
    let group = match (
        r.try_get::<Option<i64>, _>(5)?,
        r.try_get::<Option<i64>, _>(6)?,
    ) {
        (Some(amount), Some(_)) => Some(GroupPrice {
            price: Money {
                amount,
                currency: currency.clone(),
            },
            size: u32_at(r, 6)?,
        }),
        _ => None,
    };
    let lowest = r.try_get::<Option<i64>, _>(5)?.unwrap_or(r.try_get(4)?);
    Ok(ProductCard {
        share_earn: share_earn(r, 12, lowest, &currency)?,
        id: r.try_get(0)?,
        title: lang.pick(r.try_get(1)?, r.try_get(2)?),
        image: image(r, 7, lang)?,
        solo_price: Money {
            amount: r.try_get(4)?,
            currency,
        },
        group,
    })
}

/// Unix milliseconds as an RFC 3339 UTC string.
pub fn rfc3339(unix_ms: i64) -> Result<String, AppError> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_ms) * 1_000_000)
        .map_err(AppError::internal)?
        .format(&Rfc3339)
        .map_err(AppError::internal)
}

/// The columns [`flash_sale`] reads, of `flash_sales f`.
pub const SALE_COLUMNS: &str = "f.id, f.product_id, f.price, f.currency, f.starts_ms, \
     f.ends_ms, f.quantity, f.taken, f.per_member";

/// A flash sale from a row selecting [`SALE_COLUMNS`] from `at`.
pub fn flash_sale(r: &AnyRow, at: usize, now: i64) -> Result<FlashSale, AppError> {
    let quantity = u32_at(r, at + 6)?;
    Ok(FlashSale {
        id: r.try_get(at)?,
        product_id: r.try_get(at + 1)?,
        price: Money {
            amount: r.try_get(at + 2)?,
            currency: r.try_get(at + 3)?,
        },
        starts_at: rfc3339(r.try_get(at + 4)?)?,
        ends_at: rfc3339(r.try_get(at + 5)?)?,
        quantity,
        left: quantity.saturating_sub(u32_at(r, at + 7)?),
        per_member: u32_at(r, at + 8)?,
        server_time: rfc3339(now)?,
    })
}
