//! The store's staff and what they do to orders: roles, the console's order lists, marking a
//! pickup order ready, handing it over for its code, shipping with a tracking number,
//! refunding with a reason, and the audit log of all of it (`/staff/*`). Every one of these
//! is refused with 403 `forbidden` to anyone who is not staff.

use serde::{Deserialize, Serialize};

use crate::{Author, Carrier, Order, PickupPoint};

/// Digits in a pickup code.
pub const PICKUP_CODE_DIGITS: usize = 6;
/// A refund's reason, in characters once trimmed.
pub const REFUND_REASON_MAX_CHARS: usize = 200;
/// A tracking number: 8 to 30 letters and digits (stored upper case).
pub const TRACKING_CHARS: std::ops::RangeInclusive<usize> = 8..=30;
/// Wrong pickup codes typed at one point in [`HANDOVER_WINDOW_MINUTES`] before hand-over by
/// code pauses there for the rest of that window.
pub const HANDOVER_FAILURES_MAX: u32 = 5;
pub const HANDOVER_WINDOW_MINUTES: u32 = 10;
/// Days after shipping that a delivery order completes by itself when its shopper has not
/// confirmed receipt (the server's `--auto-complete-days`).
pub const AUTO_COMPLETE_DAYS: u32 = 10;

/// What a member of staff may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// Everything: products, shipping, refunds, staff, the audit log.
    Owner,
    /// Reads orders; marks ready and hands over at the pickup points they serve.
    Clerk,
}

impl StaffRole {
    /// As stored and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Owner => "owner",
            StaffRole::Clerk => "clerk",
        }
    }

    pub fn parse(raw: &str) -> Option<StaffRole> {
        [StaffRole::Owner, StaffRole::Clerk]
            .into_iter()
            .find(|r| r.as_str() == raw)
    }
}

/// `GET /staff/me`: the signed-in member's staff role and the pickup points they serve
/// (every point for an owner).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffMe {
    pub member_id: i64,
    pub name: String,
    pub role: StaffRole,
    pub points: Vec<PickupPoint>,
}

/// Most pickup points one clerk serves.
pub const STAFF_POINTS_MAX: usize = 20;

/// One of the store's staff (`GET /staff/team`, owners only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffMember {
    pub member: Author,
    pub email: String,
    pub role: StaffRole,
    /// The pickup points a clerk serves, by id (none for an owner, who serves all).
    pub point_ids: Vec<i64>,
}

/// `PUT /staff/team`: makes the member with this email staff, or changes their role and
/// points. The store always keeps an owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffAssignment {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::email))]
    pub email: String,
    pub role: StaffRole,
    /// A clerk's pickup points (ignored for an owner), at most 20.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::staff_points))]
    #[serde(deserialize_with = "crate::whole::vec_i64")]
    pub point_ids: Vec<i64>,
}

/// The console's lists of orders by what they wait for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StaffShelf {
    /// Paid delivery orders, not shipped yet.
    ToShip,
    /// Shipped, waiting for the shopper's receipt.
    Shipped,
    /// Paid pickup orders: being prepared, or ready at their point.
    ToHandOver,
    /// Completed.
    Finished,
    Refunded,
}

impl StaffShelf {
    pub const ALL: [StaffShelf; 5] = [
        StaffShelf::ToShip,
        StaffShelf::Shipped,
        StaffShelf::ToHandOver,
        StaffShelf::Finished,
        StaffShelf::Refunded,
    ];

    /// As in the query string.
    pub fn as_str(self) -> &'static str {
        match self {
            StaffShelf::ToShip => "to_ship",
            StaffShelf::Shipped => "shipped",
            StaffShelf::ToHandOver => "to_hand_over",
            StaffShelf::Finished => "finished",
            StaffShelf::Refunded => "refunded",
        }
    }

    pub fn parse(raw: &str) -> Option<StaffShelf> {
        StaffShelf::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// An order as staff see it: the shopper's order (never its pickup code) and who bought it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffOrder {
    pub order: Order,
    pub buyer: Author,
}

/// `POST /staff/orders/{id}/ship`: a paid delivery order leaves with a carrier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ship {
    pub carrier: Carrier,
    /// 8 to 30 letters and digits ([`crate::check::tracking_number`]).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::tracking_number))]
    pub tracking_number: String,
}

/// `POST /staff/orders/{id}/refund`: the owner refunds a paid order in full.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Refund {
    /// Told to the shopper on their order: 1 to 200 characters once trimmed.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::refund_reason))]
    pub reason: String,
}

/// `POST /staff/points/{id}/handover`: the code a shopper shows at the counter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Handover {
    /// 6 digits.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::pickup_code))]
    pub code: String,
}

/// What a member of staff did (`GET /staff/audit`, owners only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub staff: Author,
    /// `order.ready`, `order.ship`, `order.handover`, `order.refund` …
    pub action: String,
    /// What it was done to: `order:12`.
    pub subject: String,
    /// The subject before and after, as JSON text.
    pub before: Option<String>,
    pub after: Option<String>,
    /// RFC 3339 UTC.
    pub at: String,
}

/// `POST /staff/communities`: a new community, in both languages, with a cover uploaded
/// through `POST /uploads`. Owners only.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewCommunity {
    /// Its address, `/c/{slug}`: 1 to 64 of a-z, 0-9 and `-`; refused with `slug_taken`
    /// when another community has it.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::slug))]
    pub slug: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name))]
    pub name_zh: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name))]
    pub name_en: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::description))]
    pub description_zh: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::description))]
    pub description_en: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::id))]
    #[serde(deserialize_with = "crate::whole::i64")]
    pub cover_upload_id: i64,
}

/// `PUT /staff/communities/{slug}/moderators`: the member with this email moderates the
/// community (joining it if need be). Owners only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Moderator {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::email))]
    pub email: String,
}
