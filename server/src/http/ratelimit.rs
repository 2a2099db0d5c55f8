//! The rate limiters. Sign-in: at most 5 failed sign-ins per email and 20 per client
//! address in any 15 minutes. Sign-up: at most 10 per client address in any hour. In
//! memory: they reset when the server restarts, which is acceptable for one reference
//! process (a fleet would share them in a store).
//!
//! Only failures count against an address at sign-in: many people share one address (a
//! campus, a mobile carrier's NAT, the e2e suite on 127.0.0.1), and their successful
//! sign-ins are no attack. Guessing is what the limit stops, and guesses fail. At sign-up,
//! new accounts are what a flood produces, so every well-formed sign-up counts.
//!
//! The client address is the TCP peer's, or behind a trusted proxy the one it forwards
//! (see [`crate::http::forwarded`]).

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};

use crate::http::forwarded::TrustedProxies;
use axum::http::request::Parts;
use axum::http::StatusCode;
use quanzi_api::ErrorCode;
use sha2::{Digest, Sha256};

use crate::http::error::AppError;

pub const WINDOW: Duration = Duration::from_secs(15 * 60);
pub const MAX_FAILURES_PER_EMAIL: usize = 5;
pub const MAX_FAILURES_PER_ADDRESS: usize = 20;
/// Sign-ups per client address in any [`SIGN_UP_WINDOW`] unless configured otherwise
/// (`--sign-ups-per-hour`): a family or a small office behind one address fits, a script
/// making accounts by the hundred does not.
pub const MAX_SIGN_UPS_PER_ADDRESS: usize = 10;
pub const SIGN_UP_WINDOW: Duration = Duration::from_secs(60 * 60);
/// Expired entries are swept when the maps have grown past this many keys.
const SWEEP_ABOVE: usize = 10_000;

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
/// usually holds a whole /64 and could otherwise step through it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum AddrKey {
    Unknown,
    V4(u32),
    V6Net(u64),
}

impl AddrKey {
    fn of(addr: Option<IpAddr>) -> AddrKey {
        match addr {
            None => AddrKey::Unknown,
            Some(IpAddr::V4(v4)) => AddrKey::V4(u32::from(v4)),
            Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
                Some(v4) => AddrKey::V4(u32::from(v4)),
                None => AddrKey::V6Net((u128::from(v6) >> 64) as u64),
            },
        }
    }
}

/// Emails are kept only as a hash: the limiter's memory holds no addresses of people.
type EmailKey = [u8; 32];

fn email_key(email: &str) -> EmailKey {
    Sha256::digest(email.as_bytes()).into()
}

#[derive(Default)]
struct Inner {
    by_email: HashMap<EmailKey, VecDeque<Instant>>,
    by_addr: HashMap<AddrKey, VecDeque<Instant>>,
}

#[derive(Default)]
pub struct SignInLimiter {
    inner: Mutex<Inner>,
}

/// A sign-in attempt that passed the limiter. It counts as a failure until
/// [`SignInLimiter::succeeded`] says otherwise, so parallel guesses cannot slip past the
/// limit while their password checks run.
#[must_use]
pub struct Attempt {
    email: EmailKey,
    addr: AddrKey,
}

fn forget_old(times: &mut VecDeque<Instant>, window: Duration, now: Instant) {
    while times
        .front()
        .is_some_and(|t| now.saturating_duration_since(*t) >= window)
    {
        times.pop_front();
    }
}

/// When the oldest of the events that keep `times` at `max` leaves the window.
fn wait(times: &VecDeque<Instant>, max: usize, window: Duration, now: Instant) -> Option<Duration> {
    if times.len() < max {
        return None;
    }
    let freeing = times.get(times.len() - max)?;
    Some((*freeing + window).saturating_duration_since(now))
}

impl SignInLimiter {
    /// Lets an attempt through, or says how long to wait. `email` is as the client typed
    /// it, normalised (trimmed, lowercased).
    pub fn begin(
        &self,
        email: &str,
        addr: Option<IpAddr>,
        now: Instant,
    ) -> Result<Attempt, Duration> {
        let email = email_key(email);
        let addr = AddrKey::of(addr);
        let mut guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let inner = &mut *guard;
        if inner.by_email.len() + inner.by_addr.len() > SWEEP_ABOVE {
            inner.by_email.retain(|_, times| {
                forget_old(times, WINDOW, now);
                !times.is_empty()
            });
            inner.by_addr.retain(|_, times| {
                forget_old(times, WINDOW, now);
                !times.is_empty()
            });
        }
        let email_times = inner.by_email.entry(email).or_default();
        forget_old(email_times, WINDOW, now);
        let email_wait = wait(email_times, MAX_FAILURES_PER_EMAIL, WINDOW, now);
        let addr_times = inner.by_addr.entry(addr).or_default();
        forget_old(addr_times, WINDOW, now);
        let addr_wait = wait(addr_times, MAX_FAILURES_PER_ADDRESS, WINDOW, now);
        if let Some(longest) = email_wait.into_iter().chain(addr_wait).max() {
            return Err(longest);
        }
        addr_times.push_back(now);
        email_times.push_back(now);
        Ok(Attempt { email, addr })
    }

    /// The attempt's password was right: the email's failures are forgiven, and the
    /// attempt no longer counts against the address.
    pub fn succeeded(&self, attempt: Attempt) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.by_email.remove(&attempt.email);
        if let Some(times) = inner.by_addr.get_mut(&attempt.addr) {
            times.pop_back();
        }
    }

    /// The attempt failed; it already counts. Spelled out so call sites read as intended.
    pub fn failed(&self, attempt: Attempt) {
        let _ = attempt;
    }
}

/// The sign-up limiter: at most `max` per client address in any [`SIGN_UP_WINDOW`].
pub struct SignUpLimiter {
    max: usize,
    by_addr: Mutex<HashMap<AddrKey, VecDeque<Instant>>>,
}

impl Default for SignUpLimiter {
    fn default() -> Self {
        SignUpLimiter::new(MAX_SIGN_UPS_PER_ADDRESS)
    }
}

impl SignUpLimiter {
    pub fn new(max: usize) -> SignUpLimiter {
        SignUpLimiter {
            max,
            by_addr: Mutex::default(),
        }
    }

    /// Counts a sign-up from `addr`, or says how long to wait. Called once the form is
    /// well-formed (a typo costs nothing) and before the email is looked up, so a taken
    /// email counts too: sign-up must not become an unlimited way to test which emails have
    /// accounts.
    pub fn begin(&self, addr: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        let key = AddrKey::of(addr);
        let mut by_addr = self.by_addr.lock().unwrap_or_else(PoisonError::into_inner);
        if by_addr.len() > SWEEP_ABOVE {
            by_addr.retain(|_, times| {
                forget_old(times, SIGN_UP_WINDOW, now);
                !times.is_empty()
            });
        }
        let times = by_addr.entry(key).or_default();
        forget_old(times, SIGN_UP_WINDOW, now);
        if let Some(wait) = wait(times, self.max, SIGN_UP_WINDOW, now) {
            return Err(wait);
        }
        times.push_back(now);
        Ok(())
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
    fn five_failures_lock_an_email_for_the_rest_of_the_window() {
        let limiter = SignInLimiter::default();
        let start = Instant::now();
        for i in 0..5 {
            let at = start + Duration::from_secs(i * 60);
            let attempt = limiter.begin("a@x.cn", None, at).expect("allowed");
            limiter.failed(attempt);
        }
        let now = start + Duration::from_secs(5 * 60);
        let wait = limiter.begin("a@x.cn", None, now).err().expect("limited");
        // The first failure leaves the window 15 minutes after it happened.
        assert_eq!(wait, Duration::from_secs(10 * 60));
        // Another email from the same address is still allowed.
        assert!(limiter.begin("b@x.cn", None, now).is_ok());
        // Once the first failure is old enough, one more try is allowed.
        assert!(limiter
            .begin("a@x.cn", None, start + WINDOW + Duration::from_secs(1))
            .is_ok());
    }

    #[test]
    fn a_success_clears_the_email() {
        let limiter = SignInLimiter::default();
        let now = Instant::now();
        for _ in 0..4 {
            let attempt = limiter.begin("a@x.cn", None, now).expect("allowed");
            limiter.failed(attempt);
        }
        let attempt = limiter.begin("a@x.cn", None, now).expect("allowed");
        limiter.succeeded(attempt);
        for _ in 0..5 {
            let attempt = limiter.begin("a@x.cn", None, now).expect("allowed again");
            limiter.failed(attempt);
        }
        assert!(limiter.begin("a@x.cn", None, now).is_err());
    }

    #[test]
    fn twenty_failures_lock_an_address_and_ipv6_counts_by_its_64() {
        let limiter = SignInLimiter::default();
        let now = Instant::now();
        let net = |last: u16| {
            Some(IpAddr::V6(Ipv6Addr::new(
                0x2001, 0xdb8, 1, 2, 0, 0, 0, last,
            )))
        };
        for i in 0..20u16 {
            let attempt = limiter
                .begin(&format!("user{i}@x.cn"), net(i), now)
                .expect("allowed");
            limiter.failed(attempt);
        }
        assert!(limiter.begin("new@x.cn", net(999), now).is_err());
        let other = Some(IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 1, 3, 0, 0, 0, 1)));
        assert!(limiter.begin("new@x.cn", other, now).is_ok());
    }

    #[test]
    fn successes_do_not_use_up_an_address() {
        let limiter = SignInLimiter::default();
        let now = Instant::now();
        for _ in 0..50 {
            let attempt = limiter.begin("a@x.cn", None, now).expect("allowed");
            limiter.succeeded(attempt);
        }
    }

    #[test]
    fn ten_sign_ups_an_hour_per_address() {
        let limiter = SignUpLimiter::default();
        let start = Instant::now();
        let addr = Some(IpAddr::from([203, 0, 113, 7]));
        for i in 0..10 {
            let at = start + Duration::from_secs(i * 60);
            assert!(limiter.begin(addr, at).is_ok(), "sign-up {i}");
        }
        let now = start + Duration::from_secs(10 * 60);
        // The first sign-up leaves the window an hour after it happened.
        assert_eq!(limiter.begin(addr, now), Err(Duration::from_secs(50 * 60)));
        // Another address is not held back by it.
        assert!(limiter
            .begin(Some(IpAddr::from([203, 0, 113, 8])), now)
            .is_ok());
        assert!(limiter.begin(addr, start + SIGN_UP_WINDOW).is_ok());
        assert!(limiter.begin(addr, start + SIGN_UP_WINDOW).is_err());
    }

    #[test]
    fn every_address_counts_this_machine_and_unknown_ones_too() {
        let limiter = SignUpLimiter::new(3);
        let now = Instant::now();
        for addr in [Some("127.0.0.1".parse().expect("address")), None] {
            for _ in 0..3 {
                assert!(limiter.begin(addr, now).is_ok(), "{addr:?}");
            }
            assert!(limiter.begin(addr, now).is_err(), "{addr:?}");
        }
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
