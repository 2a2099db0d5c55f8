//! The OpenAPI schemas of constrained values, built from the same limits and patterns the
//! checks use (utoipa's attributes take only literals; `schema_with` takes these), so the
//! document says exactly what the server enforces. Only with the `openapi` feature: the
//! app never links it.

use utoipa::openapi::schema::{ArrayBuilder, Object, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::KnownFormat;

use crate::params::{patterns, MAX_ID_DIGITS};

/// The largest id: 18 nines.
pub const ID_MAX: i64 = 10_i64.pow(MAX_ID_DIGITS as u32) - 1;

fn text(pattern: &str, description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(pattern))
        .description(Some(description))
}

/// An id: 1 to 18 digits, greater than 0.
pub fn id() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(1))
        .maximum(Some(ID_MAX))
        .build()
}

pub fn slug() -> Object {
    text(
        patterns::SLUG,
        "A community slug: 1 to 64 of a-z, 0-9 and -",
    )
    .build()
}

/// A list's page size.
pub fn limit() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(1))
        .maximum(Some(crate::FEED_LIMIT_MAX))
        .description(Some("1 to 50; 10 when absent"))
        .build()
}

pub fn cursor() -> Object {
    text(
        patterns::CURSOR,
        "Opaque: the `next_cursor` of the previous page; absent or empty for the first",
    )
    .build()
}

pub fn group_cursor() -> Object {
    text(
        patterns::GROUP_CURSOR,
        "Opaque: the `next_cursor` of the previous page; absent or empty for the first",
    )
    .build()
}

pub fn member_cursor() -> Object {
    text(
        patterns::MEMBER_CURSOR,
        "Opaque: the `next_cursor` of the previous page; absent or empty for the first",
    )
    .build()
}

pub fn referral_code() -> Object {
    text(
        patterns::REFERRAL_CODE,
        "A referral code: 8 Crockford base32 digits (case, hyphens and the look-alikes I, L \
         and O are forgiven)",
    )
    .build()
}

/// A referral code as the server writes it (a shop's address): 8 Crockford base32 digits
/// in capitals.
pub fn shop_code() -> Object {
    text(
        "^[0-9A-HJKMNP-TV-Z]{8}$",
        "A referral code as the server writes it: 8 Crockford base32 digits",
    )
    .build()
}

pub fn name() -> Object {
    text(
        patterns::NAME,
        "1 to 30 characters once trimmed, without control characters",
    )
    .build()
}

pub fn email() -> Object {
    text(patterns::EMAIL, "An email such as name@example.com")
        .max_length(Some(crate::account::EMAIL_MAX_CHARS))
        .build()
}

pub fn password() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(crate::account::PASSWORD_MIN_CHARS))
        .max_length(Some(crate::account::PASSWORD_MAX_CHARS))
        .description(Some("8 to 128 characters"))
        .build()
}

pub fn title() -> Object {
    text(patterns::TITLE, "1 to 60 characters once trimmed").build()
}

/// A post's paragraphs: at least one. The server also drops blank ones and refuses more
/// than 2000 characters in all, which no JSON Schema can say; the description does.
pub fn paragraphs() -> utoipa::openapi::schema::Array {
    ArrayBuilder::new()
        .items(text(
            patterns::PARAGRAPH,
            "A paragraph: 1 to 2000 characters once trimmed",
        ))
        .min_items(Some(1))
        .description(Some(
            "Paragraphs of plain text, 1 to 2000 characters in all once trimmed",
        ))
        .build()
}

/// Ids, at most `max` of them.
fn ids(max: usize) -> utoipa::openapi::schema::Array {
    ArrayBuilder::new().items(id()).max_items(Some(max)).build()
}

/// A whole number from `min` to `max`.
fn whole(min: i64, max: i64) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(min))
        .maximum(Some(max))
        .build()
}

/// A price in minor units: 1 fen to ¥1,000,000 (`bad_price`).
pub fn price() -> Object {
    whole(1, crate::product::PRICE_MAX)
}

/// A commission rate in basis points, 0 to 50 % (`bad_commission`).
pub fn commission_bps() -> Object {
    whole(0, crate::earning::COMMISSION_BPS_MAX)
}

/// A fixed commission per unit in minor units, at most the product's lowest price
/// (`commission_above_price`).
pub fn commission_amount() -> Object {
    whole(0, crate::product::PRICE_MAX)
}

/// A poster's language.
pub fn poster_lang() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(["zh-CN", "en"]))
        .description(Some("`en` for English; Chinese (`zh-CN`) when absent"))
        .build()
}

/// A withdrawal in minor units: at least ¥1.00 (`withdrawal_too_small`), at most what is
/// available (`insufficient_earnings`).
pub fn withdrawal_amount() -> Object {
    whole(crate::earning::WITHDRAWAL_MIN, i64::from(i32::MAX))
}

/// Units in stock (`bad_stock`).
pub fn stock() -> Object {
    whole(0, crate::product::STOCK_MAX)
}

/// People a group offer needs (`bad_group_size`).
pub fn group_size() -> Object {
    let sizes = crate::product::GROUP_SIZES;
    whole(*sizes.start(), *sizes.end())
}

/// Hours a group stays open (`bad_window`).
pub fn window_hours() -> Object {
    let hours = crate::product::WINDOW_HOURS;
    whole(*hours.start(), *hours.end())
}

/// A lottery's winners per group: at least 1, fewer than the group's size
/// (`too_many_winners`), so at most one fewer than the largest group.
pub fn lottery_winners() -> Object {
    whole(1, *crate::product::GROUP_SIZES.end() - 1)
}

/// Units a flash sale offers (`bad_stock` above the product's stock).
pub fn flash_quantity() -> Object {
    whole(1, crate::product::STOCK_MAX)
}

/// An instant: RFC 3339 with seconds and an offset (`Z` or `+08:00`).
pub fn instant() -> Object {
    text(
        patterns::INSTANT,
        "RFC 3339: 2026-12-12T20:00:00+08:00 or …Z, fractions of a second allowed",
    )
    .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
    .build()
}

/// A pay-for-me note: at most 100 characters once trimmed, possibly empty.
pub fn pay_note() -> Object {
    optional_line(crate::pay_link::PAY_NOTE_MAX_CHARS)
}

/// A product's one line under its title, or a picture's text alternative: at most `max`
/// characters once trimmed, possibly empty.
fn optional_line(max: usize) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(max))
        .build()
}

pub fn subtitle() -> Object {
    optional_line(crate::post::TITLE_MAX_CHARS)
}

pub fn alt() -> Object {
    optional_line(crate::product::ALT_MAX_CHARS)
}

/// A product's gallery: 1 to 9 pictures (`too_many_images`).
pub fn gallery() -> utoipa::openapi::schema::Array {
    ArrayBuilder::new()
        .items(utoipa::openapi::Ref::from_schema_name("DraftPicture"))
        .min_items(Some(1))
        .max_items(Some(crate::product::GALLERY_MAX))
        .build()
}

/// A product's story: at most 20 blocks (`too_many_images`), 2000 characters of text in
/// each language (`text_too_long`), which no JSON Schema can say; the description does.
pub fn story() -> utoipa::openapi::schema::Array {
    ArrayBuilder::new()
        .items(utoipa::openapi::Ref::from_schema_name("DraftBlock"))
        .max_items(Some(crate::product::STORY_MAX_BLOCKS))
        .description(Some(
            "Paragraphs and pictures, at most 20; at most 2000 characters of text in each language",
        ))
        .build()
}

pub fn post_images() -> utoipa::openapi::schema::Array {
    ids(crate::post::POST_MAX_IMAGES)
}

/// At most 6 entries. The server counts a repeat once, so it takes more entries with
/// repeats; a client that sends each product once needs no more.
pub fn post_products() -> utoipa::openapi::schema::Array {
    ids(crate::post::POST_MAX_PRODUCTS)
}

/// A paragraph of a product's story, in one language.
pub fn story_text() -> Object {
    text(patterns::PARAGRAPH, "1 to 2000 characters once trimmed").build()
}

pub fn comment() -> Object {
    text(patterns::COMMENT, "1 to 500 characters once trimmed").build()
}

pub fn address() -> Object {
    text(
        patterns::ADDRESS,
        "5 to 200 characters once trimmed, without control characters",
    )
    .build()
}

pub fn phone() -> Object {
    text(
        patterns::PHONE,
        "a mainland mobile number: 1[3-9] and nine digits (a space or hyphen between digits, +86 first, allowed)",
    )
    .build()
}

/// A community's description: the same rule as a refund's reason, 1 to 200 characters.
pub fn description() -> Object {
    text(patterns::REFUND_REASON, "1 to 200 characters once trimmed").build()
}

pub fn refund_reason() -> Object {
    text(patterns::REFUND_REASON, "1 to 200 characters once trimmed").build()
}

pub fn tracking_number() -> Object {
    text(patterns::TRACKING_NUMBER, "8 to 30 letters and digits").build()
}

pub fn pickup_code() -> Object {
    text(patterns::PICKUP_CODE, "6 digits").build()
}

/// A clerk's pickup points: ids, at most [`crate::staff::STAFF_POINTS_MAX`].
pub fn staff_points() -> utoipa::openapi::schema::Array {
    ArrayBuilder::new()
        .items(id())
        .max_items(Some(crate::staff::STAFF_POINTS_MAX))
        .build()
}

pub fn order_search() -> Object {
    text(
        patterns::ORDER_SEARCH,
        "an order number, or a phone number's 11 digits",
    )
    .build()
}

/// A line's quantity: 1 to 20 (0 removes a cart line where the operation says so).
pub fn quantity() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(1))
        .maximum(Some(crate::QUANTITY_MAX))
        .build()
}

/// A cart update's quantity: 0 removes the line.
pub fn cart_quantity() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(0))
        .maximum(Some(crate::QUANTITY_MAX))
        .build()
}

pub fn idempotency_key() -> Object {
    text(
        patterns::IDEMPOTENCY_KEY,
        "1 to 200 printable ASCII characters, new for each write the member means (a UUID)",
    )
    .build()
}
