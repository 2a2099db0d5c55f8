//! What the public URLs accept as ids and slugs. One definition, so the app and the server
//! always agree on which `/p/{id}` or `/c/{slug}` can exist.

/// Longest id: 18 digits always fits an i64.
pub const MAX_ID_DIGITS: usize = 18;
pub const MAX_SLUG_LEN: usize = 64;

/// Whether a text is a pay-for-me token's shape: 24 characters of base64url.
pub fn is_pay_token(raw: &str) -> bool {
    raw.len() == crate::pay_link::PAY_TOKEN_LEN
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The JSON Schema patterns the OpenAPI document declares for these checks (utoipa takes
/// only literals in its attributes; tests hold the two together).
pub mod patterns {
    /// [`super::is_slug`].
    pub const SLUG: &str = r"^[a-z0-9-]{1,64}$";
    /// A page cursor: `{unix_ms}-{id}`, or empty for the first page.
    pub const CURSOR: &str = r"^(?:[0-9]{1,16}-(?=[0-9]{1,18}$)0*[1-9][0-9]*)?$";
    /// A list of open groups' cursor: `{seats_left}-{deadline_ms}-{group_id}`, or empty.
    pub const GROUP_CURSOR: &str = r"^(?:[0-9]{1,2}-[0-9]{1,16}-(?=[0-9]{1,18}$)0*[1-9][0-9]*)?$";
    /// A member list's cursor: `{rank}-{joined_ms}-{member_id}`, or empty.
    pub const MEMBER_CURSOR: &str = r"^(?:[0-2]-[0-9]{1,16}-(?=[0-9]{1,18}$)0*[1-9][0-9]*)?$";
    /// [`crate::parse_referral_code`]: 8 Crockford base32 digits, any case, hyphens anywhere,
    /// the look-alikes I, L and O forgiven.
    pub const REFERRAL_CODE: &str = r"^(?=.{8,32}$)-*(?:[0-9A-TV-Za-tv-z]-*){8}$";
    /// A display or delivery name: 1 to 30 characters once trimmed, no control characters
    /// or bidi overrides.
    pub const NAME: &str = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069](?:[^\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]{0,28}[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069])?[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$";
    /// An email: one `@`, a dotted domain, no white space or control characters (trimmed).
    pub const EMAIL: &str = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000@\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]+@[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000@.\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]+(?:\.[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000@.\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]+)+[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$";
    /// A post's title: 1 to 60 characters once trimmed.
    pub const TITLE: &str = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000](?:[\s\S]{0,58}[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$";
    /// A paragraph of a post: 1 to 2000 characters once trimmed.
    pub const PARAGRAPH: &str = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000](?:[\s\S]{0,1998}[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$";
    /// A comment: 1 to 500 characters once trimmed.
    pub const COMMENT: &str = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000](?:[\s\S]{0,498}[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$";
    /// A delivery address: 5 to 200 characters once trimmed, no control characters.
    pub const ADDRESS: &str = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069][^\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]{3,198}[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069][\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$";
    /// A mainland mobile number ([`crate::check::phone`]): `1[3-9]` and nine digits, each
    /// of those after at most one space or hyphen, maybe `+86` first, trimmed.
    pub const PHONE: &str = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*(?:\+86[ -]?)?1[3-9](?:[ -]?[0-9]){9}[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$";
    /// A refund's reason: 1 to 200 characters once trimmed.
    pub const REFUND_REASON: &str = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000](?:[\s\S]{0,198}[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$";
    /// A tracking number ([`crate::check::tracking_number`]): 8 to 30 letters and digits.
    pub const TRACKING_NUMBER: &str = r"^[A-Za-z0-9]{8,30}$";
    /// A pickup code: 6 digits.
    pub const PICKUP_CODE: &str = r"^[0-9]{6}$";
    /// The staff console's search: an order number or a phone number, digits only (empty:
    /// no search).
    pub const ORDER_SEARCH: &str = r"^[0-9]{0,18}$";
    /// An RFC 3339 instant, as the server parses it (a real date is checked after).
    pub const INSTANT: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})$";
    /// A pay-for-me token ([`super::is_pay_token`]): 24 characters of base64url. The
    /// handlers' `#[utoipa::path]` spell it out (literals only); a test holds them together.
    pub const PAY_TOKEN: &str = r"^[A-Za-z0-9_-]{24}$";
    /// `Idempotency-Key`: 1 to 200 printable ASCII characters.
    pub const IDEMPOTENCY_KEY: &str = r"^[\x21-\x7e]{1,200}$";
}

/// An id is 1 to 18 ASCII digits and greater than zero.
pub fn parse_id(raw: &str) -> Option<i64> {
    if raw.is_empty() || raw.len() > MAX_ID_DIGITS || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse().ok().filter(|id| *id > 0)
}

/// A community slug: `[a-z0-9-]{1,64}`.
pub fn is_slug(raw: &str) -> bool {
    !raw.is_empty()
        && raw.len() <= MAX_SLUG_LEN
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_positive_bounded_digits() {
        assert_eq!(parse_id("42"), Some(42));
        assert_eq!(
            parse_id("999999999999999999"),
            Some(999_999_999_999_999_999)
        );
        for raw in [
            "0",
            "-1",
            "+1",
            "1e3",
            " 1",
            "",
            "9999999999999999999",
            "１",
        ] {
            assert_eq!(parse_id(raw), None, "{raw:?}");
        }
    }

    #[test]
    fn slugs_are_lowercase_ascii() {
        assert!(is_slug("cycling"));
        assert!(is_slug("new-mothers-2"));
        for raw in ["Cycling", "骑行", "", "a b", "a/b", "a%20b"] {
            assert!(!is_slug(raw), "{raw:?}");
        }
        assert!(!is_slug(&"a".repeat(65)));
    }
}
