//! The names the server makes for what it keeps: lowercase hex of bytes (hashes, tokens),
//! and random ones (file names, temporary files).

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_two_lowercase_digits_a_byte() {
        assert_eq!(hex(&[0, 0x0f, 0xab]), "000fab");
        let random = random_hex::<20>().unwrap_or_default();
        assert_eq!(random.len(), 40);
        assert_ne!(random, random_hex::<20>().unwrap_or_default());
    }
}
