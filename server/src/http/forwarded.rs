//! Which address a request comes from, for the rate limiters. The TCP peer, unless it is a
//! reverse proxy named with `--trusted-proxy`: then the right-most `X-Forwarded-For` entry
//! that is not itself a trusted proxy. Each proxy appends the address it was called from,
//! so the entries right of the client's were written by proxies we trust, and anything left
//! of it may be the client's own invention. From any other peer the header is ignored: a
//! client cannot pick its own address.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;

/// Not among `http`'s well-known names: it was never standardised (RFC 7239's `Forwarded`
/// was), yet it is what proxies send.
const X_FORWARDED_FOR: &str = "x-forwarded-for";
/// Entries read from the right of `X-Forwarded-For`; a real chain of proxies is far shorter.
const MAX_ENTRIES: usize = 32;

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpAddr>);

impl TrustedProxies {
    pub fn new(addrs: impl IntoIterator<Item = IpAddr>) -> Self {
        let mut list: Vec<IpAddr> = addrs.into_iter().map(|a| a.to_canonical()).collect();
        list.sort();
        list.dedup();
        TrustedProxies(list)
    }

    /// Compared canonically: a dual-stack listener sees `::ffff:10.0.0.1` for `10.0.0.1`.
    pub fn contains(&self, addr: IpAddr) -> bool {
        self.0.contains(&addr.to_canonical())
    }

    /// The client's address for a request from `peer` (`None`: unknown, as in tests that
    /// call the router without a connection).
    pub fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = peer?.to_canonical();
        if !self.contains(peer) {
            return Some(peer);
        }
        // Several header lines form one list, in order; read it from the right.
        let client = headers
            .get_all(X_FORWARDED_FOR)
            .iter()
            .rev()
            .flat_map(|value| value.as_bytes().rsplit(|b| *b == b','))
            .take(MAX_ENTRIES)
            .filter_map(parse_entry)
            .find(|addr| !self.contains(*addr));
        // Nothing usable (no header, only junk, only proxies): the proxy itself is the
        // client, which at worst puts everyone behind it in one bucket.
        Some(client.unwrap_or(peer))
    }
}

/// One `X-Forwarded-For` entry: an IPv4 or IPv6 address, optionally with a port
/// (`203.0.113.9:4711`, `[2001:db8::1]:443`) as some proxies write it. Anything else
/// (`unknown`, obfuscated names, bytes that are not text) is `None`.
fn parse_entry(raw: &[u8]) -> Option<IpAddr> {
    let text = std::str::from_utf8(raw).ok()?.trim();
    let addr = text
        .parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            // `[2001:db8::1]` without a port.
            let inner = text.strip_prefix('[')?.strip_suffix(']')?;
            inner.parse::<IpAddr>().ok()
        })?;
    Some(addr.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("an address")
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            let value = HeaderValue::from_str(v).expect("a header value");
            headers.append(X_FORWARDED_FOR, value);
        }
        headers
    }

    fn proxies() -> TrustedProxies {
        TrustedProxies::new([ip("10.0.0.1"), ip("10.0.0.2"), ip("2001:db8::a")])
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let none = TrustedProxies::default();
        let peer = Some(ip("198.51.100.7"));
        assert_eq!(
            none.client(peer, &forwarded(&["203.0.113.1"])),
            Some(ip("198.51.100.7"))
        );
        // A peer that is not one of the trusted proxies cannot choose its address either.
        assert_eq!(
            proxies().client(peer, &forwarded(&["203.0.113.1"])),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(none.client(None, &forwarded(&["203.0.113.1"])), None);
    }

    #[test]
    fn the_right_most_untrusted_entry_is_the_client() {
        let p = proxies();
        let peer = Some(ip("10.0.0.1"));
        assert_eq!(
            p.client(peer, &forwarded(&["203.0.113.9"])),
            Some(ip("203.0.113.9"))
        );
        // The client wrote the first entry itself; the proxies appended the rest.
        assert_eq!(
            p.client(peer, &forwarded(&["1.1.1.1, 203.0.113.9, 10.0.0.2"])),
            Some(ip("203.0.113.9"))
        );
        // Several header lines are one list.
        assert_eq!(
            p.client(peer, &forwarded(&["1.1.1.1", "203.0.113.9", "10.0.0.2"])),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            p.client(peer, &forwarded(&["2001:db8:1::5, 2001:db8::a"])),
            Some(ip("2001:db8:1::5"))
        );
    }

    #[test]
    fn ports_brackets_and_mapped_addresses_are_understood() {
        let p = proxies();
        let peer = Some(ip("::ffff:10.0.0.1"));
        assert_eq!(
            p.client(peer, &forwarded(&["203.0.113.9:4711"])),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            p.client(peer, &forwarded(&["[2001:db8:1::5]:443"])),
            Some(ip("2001:db8:1::5"))
        );
        assert_eq!(
            p.client(peer, &forwarded(&["[2001:db8:1::5]"])),
            Some(ip("2001:db8:1::5"))
        );
        assert_eq!(
            p.client(peer, &forwarded(&["::ffff:203.0.113.9, ::ffff:10.0.0.2"])),
            Some(ip("203.0.113.9"))
        );
    }

    #[test]
    fn malformed_entries_are_skipped() {
        let p = proxies();
        let peer = Some(ip("10.0.0.1"));
        assert_eq!(
            p.client(
                peer,
                &forwarded(&["203.0.113.9, unknown, , 999.1.1.1, _hidden"])
            ),
            Some(ip("203.0.113.9"))
        );
        let mut headers = forwarded(&["203.0.113.9"]);
        headers.append(
            X_FORWARDED_FOR,
            HeaderValue::from_bytes(b"\xff\xfe").expect("opaque bytes"),
        );
        assert_eq!(p.client(peer, &headers), Some(ip("203.0.113.9")));
    }

    #[test]
    fn with_nothing_usable_the_proxy_is_the_client() {
        let p = proxies();
        let peer = Some(ip("10.0.0.1"));
        assert_eq!(p.client(peer, &HeaderMap::new()), Some(ip("10.0.0.1")));
        assert_eq!(
            p.client(peer, &forwarded(&["garbage"])),
            Some(ip("10.0.0.1"))
        );
        assert_eq!(
            p.client(peer, &forwarded(&["10.0.0.2, 2001:db8::a"])),
            Some(ip("10.0.0.1"))
        );
        // A header longer than any real chain is read only so far from the right.
        let long = std::iter::once("203.0.113.9")
            .chain(std::iter::repeat_n("10.0.0.2", 40))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(p.client(peer, &forwarded(&[&long])), Some(ip("10.0.0.1")));
    }
}
