//! Pay-for-me (找人代付): a member's unpaid order, paid by a friend through a link
//! (`/pay/{token}`). The link shows what the friend pays for (the items, the total, the
//! requester's name and note), never where it goes: no address, no phone.

use serde::{Deserialize, Serialize};

use crate::{Author, Money, OrderLine};

/// Longest note a requester leaves for their friend, in characters (after trimming).
pub const PAY_NOTE_MAX_CHARS: usize = 100;
/// A link's token: 24 characters of base64url (18 random bytes).
pub const PAY_TOKEN_LEN: usize = 24;

/// `POST /orders/{id}/pay-link`: ask a friend to pay; the note may be empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPayLink {
    /// At most 100 characters once trimmed.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::pay_note))]
    #[serde(default)]
    pub note: String,
}

/// Where a link stands, as its page shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PayLinkState {
    /// Waiting for a friend to pay.
    Open,
    /// A friend is paying it right now (the provider has not answered).
    Paying,
    Paid,
    /// The requester took it back.
    Cancelled,
    /// The order's hold ran out (or the order was cancelled) before anyone paid.
    Expired,
    /// Paid, then refunded in full (the store's refund, or a payment that came too late):
    /// the money went back to whoever paid.
    Refunded,
}

/// The requester's side of a link, on their order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderPayLink {
    pub token: String,
    pub note: String,
    pub state: PayLinkState,
}

/// `GET /pay-links/{token}`: what a friend sees, signed in or not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PayLink {
    pub token: String,
    pub state: PayLinkState,
    /// Who asks: their name and picture.
    pub requester: Author,
    pub note: String,
    pub lines: Vec<OrderLine>,
    /// What the friend pays: the lines and the delivery fee.
    pub total: Money,
    /// Until when it can be paid (the order's hold), RFC 3339 UTC; with `server_time`.
    pub expires_at: Option<String>,
    pub server_time: String,
    /// True when the signed-in viewer is the requester (they cannot pay it themselves).
    pub own: bool,
}
