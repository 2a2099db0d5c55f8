//! Flash sales (秒杀): a product at a lower price in a time slot, a limited number of units,
//! a limit per member. Before the slot the product page counts down to it (from the server's
//! clock) and members may ask to be told when it starts.

use serde::{Deserialize, Serialize};

use crate::{Money, ProductCard};

/// The longest slot: a week, in ms.
pub const FLASH_SLOT_MAX_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// A product's flash sale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlashSale {
    pub id: i64,
    pub product_id: i64,
    pub price: Money,
    /// RFC 3339 UTC; with `server_time`, for the countdown.
    pub starts_at: String,
    pub ends_at: String,
    pub quantity: u32,
    /// Units not taken: those of unpaid orders come back when their hold runs out.
    pub left: u32,
    /// Units one member may buy in all.
    pub per_member: u32,
    pub server_time: String,
}

/// `POST /staff/flash-sales`: a sale to schedule. The price is below the solo price
/// (`bad_price`); the slot ends after it starts, lasts at most a week and overlaps no other
/// sale of the product (`bad_flash_slot`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewFlashSale {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::id))]
    #[serde(deserialize_with = "crate::whole::i64")]
    pub product_id: i64,
    /// Minor units of the product's currency.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::price))]
    #[serde(deserialize_with = "crate::whole::i64")]
    pub price: i64,
    /// RFC 3339.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::instant))]
    pub starts_at: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::instant))]
    pub ends_at: String,
    /// Units on sale: 1 to the product's stock at most (`bad_stock`).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::flash_quantity))]
    #[serde(deserialize_with = "crate::whole::i64")]
    pub quantity: i64,
    /// 1 to 20.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::quantity))]
    #[serde(deserialize_with = "crate::whole::u32")]
    pub per_member: u32,
}

/// A sale as the console lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffFlashSale {
    pub sale: FlashSale,
    pub product: ProductCard,
    /// Called off by the store.
    pub cancelled: bool,
    /// Members who asked to be told when it starts.
    pub reminders: u32,
}

/// `GET|PUT|DELETE /flash-sales/{id}/reminder`: whether the member is told when it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlashReminder {
    pub reminded: bool,
    /// Units the member's live orders hold of it.
    pub taken: u32,
}
