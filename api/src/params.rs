//! What the public URLs accept as ids and slugs. One definition, so the app and the server
//! always agree on which `/p/{id}` or `/c/{slug}` can exist.

/// Longest id: 18 digits always fits an i64.
pub const MAX_ID_DIGITS: usize = 18;
pub const MAX_SLUG_LEN: usize = 64;

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
