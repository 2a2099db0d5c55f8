//! The names the server makes for what it keeps: lowercase hex of bytes (hashes, tokens),
//! and random ones (file names, temporary files, session and pay-for-me tokens).

use base64::Engine as _;

/// Bytes as lowercase hex, two digits each.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `N` random bytes as hex (`2 * N` digits).
pub fn random_hex<const N: usize>() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)?;
    Ok(hex(&bytes))
}

/// `N` random bytes in unpadded base64url (`4 * N / 3` characters): a token for a URL or a
/// cookie.
pub fn random_base64url<const N: usize>() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_two_lowercase_digits_a_byte() {
        assert_eq!(hex(&[0, 0x0f, 0xab]), "000fab");
        let random = random_hex::<20>().unwrap_or_default();
        assert_eq!(random.len(), 40);
        assert_ne!(random, random_hex::<20>().unwrap_or_default());
        let token = random_base64url::<18>().unwrap_or_default();
        assert_eq!(token.len(), 24);
        assert!(token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    }
}
