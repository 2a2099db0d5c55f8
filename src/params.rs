//! Reading ids and slugs from the URL. Anything malformed is simply "not found".

/// A positive decimal id of at most 18 digits (fits i64), as the server accepts.
pub fn parse_id(raw: &str) -> Option<i64> {
    if raw.is_empty() || raw.len() > 18 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse().ok().filter(|id| *id > 0)
}

/// A community slug: lowercase ASCII letters, digits and hyphens, 1 to 64 long.
pub fn parse_slug(raw: &str) -> Option<String> {
    let ok = !raw.is_empty()
        && raw.len() <= 64
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    ok.then(|| raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_positive_bounded_digits() {
        assert_eq!(parse_id("42"), Some(42));
        assert_eq!(parse_id("0"), None);
        assert_eq!(parse_id("-1"), None);
        assert_eq!(parse_id("1e3"), None);
        assert_eq!(parse_id(""), None);
        assert_eq!(parse_id("9999999999999999999"), None);
        assert_eq!(
            parse_id("999999999999999999"),
            Some(999_999_999_999_999_999)
        );
    }

    #[test]
    fn slugs_are_lowercase_ascii() {
        assert_eq!(parse_slug("cycling"), Some("cycling".into()));
        assert_eq!(parse_slug("Cycling"), None);
        assert_eq!(parse_slug("骑行"), None);
        assert_eq!(parse_slug(&"a".repeat(65)), None);
    }
}
