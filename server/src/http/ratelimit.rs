//! Who a limit counts and how a refusal reads: the client's address (the TCP peer's, or
//! behind a trusted proxy the one it forwards, see [`crate::http::forwarded`]), the key an
//! address is counted under, and `429 rate_limited` with `Retry-After`. The limits
//! themselves are the capabilities' (sign-in and sign-up: `members::limits`).

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};

use crate::http::forwarded::TrustedProxies;
use axum::http::request::Parts;
use axum::http::StatusCode;
use quanzi_api::ErrorCode;

use crate::http::error::AppError;

/// The client's address: the peer's, or the one a trusted proxy forwards. Known when the
/// server was started with connect info (the binary is; tests calling the router directly
/// are not, and count as one unknown address).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub Option<IpAddr>);

impl<S> FromRequestParts<S> for ClientAddr
where
    Arc<TrustedProxies>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        Ok(ClientAddr(
            Arc::<TrustedProxies>::from_ref(state).client(peer, &parts.headers),
        ))
    }
}

/// What an address is counted as: IPv4 as it is; IPv6 by its /64, because one subscriber
/// usually holds a whole /64 and could otherwise step through it; `unknown` when the
/// server does not know it.
pub fn addr_key(addr: Option<IpAddr>) -> String {
    match addr {
        None => String::from("unknown"),
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => format!("{:x}/64", u128::from(v6) >> 64),
        },
    }
}

/// Seconds for `Retry-After`: rounded up, at least 1.
pub fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

/// 429 `rate_limited` with `Retry-After`; `what` says what there was too much of.
pub fn rate_limited(wait: Duration, what: &str) -> AppError {
    let secs = retry_after_secs(wait);
    let minutes = secs.div_ceil(60);
    let mut err = AppError::new(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::RateLimited,
        format!("{what}; try again in {minutes} min"),
    );
    err.retry_after = Some(secs);
    err
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv6Addr;

    #[test]
    fn addresses_count_as_themselves_and_ipv6_by_its_64() {
        let v6 = |last: u16| {
            Some(IpAddr::V6(Ipv6Addr::new(
                0x2001, 0xdb8, 1, 2, 0, 0, 0, last,
            )))
        };
        assert_eq!(addr_key(v6(1)), addr_key(v6(999)));
        assert_ne!(
            addr_key(v6(1)),
            addr_key(Some(IpAddr::V6(Ipv6Addr::new(
                0x2001, 0xdb8, 1, 3, 0, 0, 0, 1
            ))))
        );
        let mapped = Some(IpAddr::V6(Ipv6Addr::from([
            0, 0, 0, 0, 0, 0xffff, 0xcb00, 0x7107,
        ])));
        assert_eq!(addr_key(mapped), "203.0.113.7");
        assert_eq!(
            addr_key(Some(IpAddr::from([203, 0, 113, 7]))),
            "203.0.113.7"
        );
        assert_eq!(addr_key(None), "unknown");
    }

    #[test]
    fn rate_limited_carries_retry_after() {
        let err = rate_limited(Duration::from_secs(61), "too many sign-ups");
        assert_eq!(err.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(err.code, ErrorCode::RateLimited);
        assert_eq!(err.retry_after, Some(61));
        assert_eq!(err.message, "too many sign-ups; try again in 2 min");
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1500)), 2);
        assert_eq!(retry_after_secs(Duration::from_secs(600)), 600);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
    }
}
