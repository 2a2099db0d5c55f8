//! Types every resource uses: money, images, pages and the error envelope.

use serde::{Deserialize, Serialize};

/// An amount of money in integer minor units (fen for CNY). Never a float.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Money {
    /// Minor units, e.g. 1990 for ¥19.90.
    pub amount: i64,
    /// ISO 4217 code, e.g. `CNY`.
    pub currency: String,
}

impl Money {
    pub fn cny(amount: i64) -> Self {
        Self {
            amount,
            currency: "CNY".to_owned(),
        }
    }
}

/// `19.90` (`-19.90` below zero): the amount in major units. Integer arithmetic only.
pub fn plain_amount(money: &Money) -> String {
    format!("{}{}", sign(money), units(money))
}

fn sign(money: &Money) -> &'static str {
    if money.amount < 0 {
        "-"
    } else {
        ""
    }
}

/// The unsigned amount in major units; `unsigned_abs` holds even `i64::MIN`.
fn units(money: &Money) -> String {
    let abs = money.amount.unsigned_abs();
    format!("{}.{:02}", abs / 100, abs % 100)
}

/// `¥19.90` for CNY, other currencies as `USD 19.90`; the app and the link previews say
/// prices the same way.
pub fn format_money(money: &Money) -> String {
    let (sign, units) = (sign(money), units(money));
    match money.currency.as_str() {
        "CNY" => format!("{sign}¥{units}"),
        other => format!("{sign}{other} {units}"),
    }
}

/// A picture with its intrinsic size, so the page reserves its box before it loads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Image {
    /// Absolute path or absolute URL.
    pub url: String,
    pub width: u32,
    pub height: u32,
    /// Text alternative, in the response's language.
    pub alt: String,
}

/// One page of a list, newest first. `next_cursor` is null on the last page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Stable error codes. Clients branch on these; the message is for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotFound,
    BadId,
    BadLimit,
    BadCursor,
    BadSlug,
    BadRequest,
    BadJson,
    MethodNotAllowed,
    /// Not signed in.
    Unauthenticated,
    /// Signed in, but not allowed (not the author, not a moderator, not a member).
    Forbidden,
    /// A state-changing request from another site.
    BadOrigin,
    RateLimited,
    /// Wrong email or password: one answer for both, so emails cannot be probed.
    InvalidCredentials,
    EmailTaken,
    BadName,
    BadEmail,
    WeakPassword,
    EmptyText,
    TextTooLong,
    TooManyImages,
    TooManyProducts,
    BadUpload,
    /// The upload is published in a post or is a profile picture, so it cannot be removed.
    UploadInUse,
    NotAnImage,
    ImageTooLarge,
    NotAMember,
    OwnerCannotLeave,
    /// A quantity outside 1 to 20, or a cart of more than 30 lines.
    BadQuantity,
    /// Fewer in stock than asked for.
    OutOfStock,
    /// The product has no group price.
    NoGroupOffer,
    /// Every seat of the group is paid for or held.
    GroupFull,
    /// The group's window has ended.
    GroupExpired,
    /// The group has already succeeded or failed.
    GroupClosed,
    /// The member (or the leader) already has a seat in this group.
    AlreadyInGroup,
    /// A delivery address or pickup point that does not hold up.
    BadFulfilment,
    /// The payment provider said no; nothing is held.
    PaymentDeclined,
    /// The order is paid, cancelled or refunded already.
    NotPayable,
    /// The seat (or stock) waited for payment longer than it is held.
    HoldExpired,
    /// An order or payment write without an Idempotency-Key.
    MissingIdempotencyKey,
    /// The same Idempotency-Key with a different request.
    IdempotencyKeyReused,
    /// A solo order with no lines.
    EmptyCart,
    /// What the app reported as a referral code is not one (8 Crockford base32 digits).
    BadReferralCode,
    /// The order is not in a state that allows this: shipping an unpaid, refunded or pickup
    /// order, marking a delivery order ready, refunding an unpaid or refunded one.
    WrongOrderState,
    /// The order is completed already (a second hand-over, receipt confirmed twice).
    AlreadyCompleted,
    /// No order waits for this pickup code.
    PickupCodeWrong,
    /// The code's order has been handed over already.
    PickupCodeUsed,
    /// The code's order waits at another pickup point.
    PickupOtherPoint,
    /// Too many wrong codes at this point lately: hand-over by code pauses for a while.
    HandoverLocked,
    /// A tracking number is 8 to 30 letters and digits.
    BadTrackingNumber,
    /// The store always keeps an owner: the last one cannot leave or become a clerk.
    LastOwner,
    /// A price outside 1 fen to ¥1,000,000.
    BadPrice,
    /// A group price must be below the solo price.
    GroupPriceTooHigh,
    /// A group takes 2 to 50 people.
    BadGroupSize,
    /// A group stays open 1 to 168 hours.
    BadWindow,
    /// Stock is 0 to 1,000,000 units.
    BadStock,
    /// The product is off the shelf (unpublished): its page shows, nobody can buy it.
    OffShelf,
    /// Another community has this slug.
    SlugTaken,
    /// A commission rate outside 0 to 50 %, or a negative fixed commission.
    BadCommission,
    /// A fixed commission above the product's lowest price.
    CommissionAbovePrice,
    /// A withdrawal below the minimum (¥1.00).
    WithdrawalTooSmall,
    /// More than the available earnings (another withdrawal may have taken them).
    InsufficientEarnings,
    /// The withdrawal was decided the other way already (approving a refused one).
    WithdrawalDecided,
    /// A lottery group with as many winners as seats or more.
    TooManyWinners,
    /// A new-member group (老带新) takes members with no paid order only (its leader excepted).
    NewMembersOnly,
    /// A pay-for-me link whose order's hold ran out, or whose order was cancelled.
    PayLinkExpired,
    /// A pay-for-me link its requester took back.
    PayLinkCancelled,
    /// The order of a pay-for-me link is paid, or someone is paying it right now.
    AlreadyPaid,
    /// Paying one's own pay-for-me link (pay the order itself instead).
    OwnPayLink,
    /// A flash sale not started yet.
    FlashSaleNotStarted,
    /// A flash sale that has ended (or that the store called off).
    FlashSaleEnded,
    /// Every unit of the flash sale is taken (an unpaid one may come back after its hold).
    FlashSaleSoldOut,
    /// More units of the flash sale than one member may buy.
    FlashSaleLimit,
    /// A flash sale's slot overlaps another of the same product, or does not hold up (it
    /// ends before it starts, or runs longer than a week).
    BadFlashSlot,
    PayloadTooLarge,
    Internal,
    Unavailable,
    /// A code this client does not know yet (a newer server).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::BadId => "bad_id",
            Self::BadLimit => "bad_limit",
            Self::BadCursor => "bad_cursor",
            Self::BadSlug => "bad_slug",
            Self::BadRequest => "bad_request",
            Self::BadJson => "bad_json",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::BadOrigin => "bad_origin",
            Self::RateLimited => "rate_limited",
            Self::InvalidCredentials => "invalid_credentials",
            Self::EmailTaken => "email_taken",
            Self::BadName => "bad_name",
            Self::BadEmail => "bad_email",
            Self::WeakPassword => "weak_password",
            Self::EmptyText => "empty_text",
            Self::TextTooLong => "text_too_long",
            Self::TooManyImages => "too_many_images",
            Self::TooManyProducts => "too_many_products",
            Self::BadUpload => "bad_upload",
            Self::UploadInUse => "upload_in_use",
            Self::BadQuantity => "bad_quantity",
            Self::OutOfStock => "out_of_stock",
            Self::NoGroupOffer => "no_group_offer",
            Self::GroupFull => "group_full",
            Self::GroupExpired => "group_expired",
            Self::GroupClosed => "group_closed",
            Self::AlreadyInGroup => "already_in_group",
            Self::BadFulfilment => "bad_fulfilment",
            Self::PaymentDeclined => "payment_declined",
            Self::NotPayable => "not_payable",
            Self::HoldExpired => "hold_expired",
            Self::MissingIdempotencyKey => "missing_idempotency_key",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::EmptyCart => "empty_cart",
            Self::BadReferralCode => "bad_referral_code",
            Self::NotAnImage => "not_an_image",
            Self::ImageTooLarge => "image_too_large",
            Self::NotAMember => "not_a_member",
            Self::OwnerCannotLeave => "owner_cannot_leave",
            Self::WrongOrderState => "wrong_order_state",
            Self::AlreadyCompleted => "already_completed",
            Self::PickupCodeWrong => "pickup_code_wrong",
            Self::PickupCodeUsed => "pickup_code_used",
            Self::PickupOtherPoint => "pickup_other_point",
            Self::HandoverLocked => "handover_locked",
            Self::BadTrackingNumber => "bad_tracking_number",
            Self::LastOwner => "last_owner",
            Self::BadPrice => "bad_price",
            Self::GroupPriceTooHigh => "group_price_too_high",
            Self::BadGroupSize => "bad_group_size",
            Self::BadWindow => "bad_window",
            Self::BadStock => "bad_stock",
            Self::OffShelf => "off_shelf",
            Self::SlugTaken => "slug_taken",
            Self::BadCommission => "bad_commission",
            Self::CommissionAbovePrice => "commission_above_price",
            Self::WithdrawalTooSmall => "withdrawal_too_small",
            Self::InsufficientEarnings => "insufficient_earnings",
            Self::WithdrawalDecided => "withdrawal_decided",
            Self::TooManyWinners => "too_many_winners",
            Self::NewMembersOnly => "new_members_only",
            Self::PayLinkExpired => "pay_link_expired",
            Self::PayLinkCancelled => "pay_link_cancelled",
            Self::AlreadyPaid => "already_paid",
            Self::OwnPayLink => "own_pay_link",
            Self::FlashSaleNotStarted => "flash_sale_not_started",
            Self::FlashSaleEnded => "flash_sale_ended",
            Self::FlashSaleSoldOut => "flash_sale_sold_out",
            Self::FlashSaleLimit => "flash_sale_limit",
            Self::BadFlashSlot => "bad_flash_slot",
            Self::PayloadTooLarge => "payload_too_large",
            Self::Internal => "internal",
            Self::Unavailable => "unavailable",
            Self::Unknown => "unknown",
        }
    }
}

/// The body of every error response: `{"error":{"code":"not_found","message":"…"}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiErrorBody {
    pub error: ApiError,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_envelope_has_the_documented_shape() {
        let body = ApiErrorBody {
            error: ApiError {
                code: ErrorCode::NotFound,
                message: "no such product".into(),
            },
        };
        let json = serde_json::to_string(&body).unwrap();
        assert_eq!(
            json,
            r#"{"error":{"code":"not_found","message":"no such product"}}"#
        );
    }

    #[test]
    fn unknown_codes_from_a_newer_server_still_parse() {
        let body: ApiErrorBody =
            serde_json::from_str(r#"{"error":{"code":"wishlist_full","message":"x"}}"#).unwrap();
        assert_eq!(body.error.code, ErrorCode::Unknown);
    }

    #[test]
    fn codes_serialize_as_their_str() {
        for code in [
            ErrorCode::BadCursor,
            ErrorCode::PayloadTooLarge,
            ErrorCode::BadId,
            ErrorCode::InvalidCredentials,
            ErrorCode::OwnerCannotLeave,
            ErrorCode::NotAnImage,
            ErrorCode::UploadInUse,
            ErrorCode::BadReferralCode,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }
}
