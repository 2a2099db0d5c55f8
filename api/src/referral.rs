//! Referral codes, and what they earn the members who share them: visits, sign-ups and
//! (once orders exist) orders credited to them.

use serde::{Deserialize, Serialize};

use crate::Money;

/// A code is 8 Crockford base32 digits.
pub const REFERRAL_CODE_LEN: usize = 8;
/// How many days the referral dashboard shows, today included.
pub const REFERRAL_DAYS: usize = 30;
/// Crockford's base32: digits and letters without I, L, O and U.
pub const CROCKFORD_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Reads a code the way people copy and type it: case-insensitive, I and L read as 1, O as
/// 0, hyphens ignored. `None` unless that leaves exactly 8 Crockford digits: anything
/// else (too long, markup, look-alike letters from other scripts) is not a code.
pub fn parse_referral_code(raw: &str) -> Option<String> {
    // Long junk is refused before any work; a code with hyphens is far shorter.
    if raw.len() > 4 * REFERRAL_CODE_LEN {
        return None;
    }
    let mut code = String::with_capacity(REFERRAL_CODE_LEN);
    for byte in raw.bytes() {
        let digit = match byte.to_ascii_uppercase() {
            b'-' => continue,
            b'I' | b'L' => b'1',
            b'O' => b'0',
            other if CROCKFORD_ALPHABET.contains(&other) => other,
            _ => return None,
        };
        code.push(char::from(digit));
    }
    (code.len() == REFERRAL_CODE_LEN).then_some(code)
}

/// `GET /referrers/{code}`: who shared the link, as a page says "{name} 推荐给你". Their
/// display name and picture only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Referrer {
    pub name: String,
    /// Absent when the member has no picture; the app draws their initial.
    pub avatar: Option<crate::Image>,
}

/// `POST /referrals/visits`: a code the app found where the server cannot see it, such
/// as a host container's launch parameter in the URL's fragment (`#tgWebAppStartParam=…`).
/// Counted like a landing with `?ref=`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralVisit {
    /// The code as found, e.g. `7K3M9QXZ`; read as [`parse_referral_code`] reads it.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::referral_code))]
    pub code: String,
}

/// One day of a member's referral results (UTC).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralDay {
    /// `YYYY-MM-DD`, UTC.
    pub date: String,
    /// Visitors who landed with the member's code (one per visitor and day).
    pub visits: u32,
    /// Members who signed up after landing with the code.
    pub sign_ups: u32,
    /// Paid orders credited to the code (0 until orders exist).
    pub orders: u32,
    pub order_value: Money,
    /// Commissions earned that day (cancelled ones not counted; a refund's adjustment
    /// counts, negative, on the day of the refund).
    pub earnings: Money,
}

/// `GET /account/referrals`: the signed-in member's code and results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Referrals {
    pub code: String,
    /// Totals over all time.
    pub visits: u32,
    pub sign_ups: u32,
    pub orders: u32,
    pub order_value: Money,
    /// The last 30 days, oldest first, today last; days without results are zeros.
    pub days: Vec<ReferralDay>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_as_people_type_them() {
        assert_eq!(parse_referral_code("7K3M9QXZ").as_deref(), Some("7K3M9QXZ"));
        assert_eq!(
            parse_referral_code("7k3m-9qxz").as_deref(),
            Some("7K3M9QXZ")
        );
        assert_eq!(
            parse_referral_code("IL0O-abcd").as_deref(),
            Some("1100ABCD")
        );
    }

    #[test]
    fn anything_else_is_not_a_code() {
        for raw in [
            "",
            "7K3M9QX",
            "7K3M9QXZ1",
            "7K3M9QXU",
            "<b>7K3M9</b>",
            "７K3M9QXZ",
            "7K3M9QXΖ",
            &"A".repeat(10_000),
        ] {
            assert_eq!(parse_referral_code(raw), None, "{raw:?}");
        }
    }
}
