//! The sign-in and sign-up limits. Sign-in: at most 5 failed sign-ins per email and 20 per
//! client address in any 15 minutes. Sign-up: at most 10 per client address in any hour
//! (`--sign-ups-per-hour`). Counted in the database (`limit_events`), so they hold across
//! server instances and restarts; each check and its count are one transaction, under a
//! lock of the bucket on PostgreSQL, so parallel tries on several servers cannot slip past.
//!
//! Only failures count against an address at sign-in: many people share one address (a
//! campus, a mobile carrier's NAT, the e2e suite on 127.0.0.1), and their successful
//! sign-ins are no attack. Guessing is what the limit stops, and guesses fail. At sign-up,
//! new accounts are what a flood produces, so every well-formed sign-up counts.
//!
//! The client address is the TCP peer's, or behind a trusted proxy the one it forwards
//! (see [`crate::http::forwarded`]).

use std::net::IpAddr;

use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::http::error::AppError;
use crate::http::ratelimit::{addr_key, rate_limited};
use crate::storage::db::{Db, Engine};
use crate::storage::names::hex;

pub const WINDOW_MS: i64 = 15 * 60 * 1000;
pub const MAX_FAILURES_PER_EMAIL: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
/// Sign-ups per client address in any [`SIGN_UP_WINDOW_MS`] unless configured otherwise
/// (`--sign-ups-per-hour`): a family or a small office behind one address fits, a script
/// making accounts by the hundred does not.
pub const MAX_SIGN_UPS_PER_ADDRESS: usize = 10;
pub const SIGN_UP_WINDOW_MS: i64 = 60 * 60 * 1000;

/// The limits as configured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub sign_ups_per_hour: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            sign_ups_per_hour: MAX_SIGN_UPS_PER_ADDRESS,
        }
    }
}

/// A sign-in attempt that passed the limit. It counts as a failure until
/// [`Limits::signed_in`] says otherwise, so parallel guesses cannot slip past the limit
/// while their password checks run.
#[must_use]
pub struct Attempt {
    /// Emails are kept only as a hash: the database holds no addresses of people here.
    email_bucket: String,
    /// The address's count of this attempt.
    addr_event: i64,
}

fn email_bucket(email: &str) -> String {
    format!("sign_in_email:{}", hex(&Sha256::digest(email.as_bytes())))
}

impl Limits {
    /// Lets a sign-in attempt through, or answers `429 rate_limited` with how long to
    /// wait. `email` is as the client typed it, normalised (trimmed, lowercased).
    pub async fn sign_in(
        &self,
        db: &Db,
        email: &str,
        addr: Option<IpAddr>,
        now_ms: i64,
    ) -> Result<Attempt, AppError> {
        let email_bucket = email_bucket(email);
        let addr_bucket = format!("sign_in_addr:{}", addr_key(addr));
        forget_expired(db, now_ms).await;
        let mut tx = db.write().await?;
        lock(&mut tx, db.engine(), [&email_bucket, &addr_bucket]).await?;
        let email_wait = wait(
            &mut tx,
            &email_bucket,
            MAX_FAILURES_PER_EMAIL,
            WINDOW_MS,
            now_ms,
        )
        .await?;
        let addr_wait = wait(
            &mut tx,
            &addr_bucket,
            MAX_FAILURES_PER_ADDRESS,
            WINDOW_MS,
            now_ms,
        )
        .await?;
        if let Some(longest) = email_wait.into_iter().chain(addr_wait).max() {
            return Err(rate_limited(longest, "too many failed sign-ins"));
        }
        count(&mut tx, &email_bucket, now_ms).await?;
        let addr_event = count(&mut tx, &addr_bucket, now_ms).await?;
        tx.commit().await?;
        Ok(Attempt {
            email_bucket,
            addr_event,
        })
    }

    /// The attempt's password was right: the email's failures are forgiven, and the attempt
    /// no longer counts against the address.
    pub async fn signed_in(&self, db: &Db, attempt: Attempt) -> Result<(), AppError> {
        sqlx::query("DELETE FROM limit_events WHERE bucket = $1 OR id = $2")
            .bind(&attempt.email_bucket)
            .bind(attempt.addr_event)
            .execute(db.pool())
            .await?;
        Ok(())
    }

    /// The attempt failed; it already counts. Spelled out so call sites read as intended.
    pub fn failed(&self, attempt: Attempt) {
        let _ = attempt;
    }

    /// Counts a sign-up from `addr`, or answers `429 rate_limited`. Called once the form is
    /// well-formed (a typo costs nothing) and before the email is looked up, so a taken
    /// email counts too: sign-up must not become an unlimited way to test which emails have
    /// accounts.
    pub async fn sign_up(
        &self,
        db: &Db,
        addr: Option<IpAddr>,
        now_ms: i64,
    ) -> Result<(), AppError> {
        let bucket = format!("sign_up_addr:{}", addr_key(addr));
        let max = i64::try_from(self.sign_ups_per_hour).unwrap_or(i64::MAX);
        forget_expired(db, now_ms).await;
        let mut tx = db.write().await?;
        lock(&mut tx, db.engine(), [&bucket]).await?;
        if let Some(wait) = wait(&mut tx, &bucket, max, SIGN_UP_WINDOW_MS, now_ms).await? {
            return Err(rate_limited(wait, "too many sign-ups from this address"));
        }
        count(&mut tx, &bucket, now_ms).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Deletes every event older than the longest window. A statement of its own, outside the
/// limits' transactions; if it fails, the next attempt deletes them.
async fn forget_expired(db: &Db, now_ms: i64) {
    let forgotten = sqlx::query("DELETE FROM limit_events WHERE at_ms <= $1")
        .bind(now_ms - WINDOW_MS.max(SIGN_UP_WINDOW_MS))
        .execute(db.pool())
        .await;
    if let Err(err) = forgotten {
        tracing::warn!(error = %err, "could not forget old limit events; next time");
    }
}

/// On PostgreSQL, holds the buckets' locks until the transaction ends (in one order, so two
/// attempts never wait for each other); SQLite's write transaction excludes other writers.
async fn lock<const N: usize>(
    conn: &mut AnyConnection,
    engine: Engine,
    mut buckets: [&String; N],
) -> Result<(), AppError> {
    if engine == Engine::Postgres {
        buckets.sort();
        for bucket in buckets {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind(bucket)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// How long until a bucket with `max` events inside the window has room again (the `max`-th
/// newest event leaving the window); `None` when it has room now.
async fn wait(
    conn: &mut AnyConnection,
    bucket: &str,
    max: i64,
    window_ms: i64,
    now_ms: i64,
) -> Result<Option<std::time::Duration>, AppError> {
    let freeing: Option<i64> = sqlx::query_scalar(
        "SELECT at_ms FROM limit_events WHERE bucket = $1 AND at_ms > $2
         ORDER BY at_ms DESC LIMIT 1 OFFSET $3",
    )
    .bind(bucket)
    .bind(now_ms - window_ms)
    .bind(max.saturating_sub(1).max(0))
    .fetch_optional(conn)
    .await?;
    Ok(freeing.map(|at| {
        let ms = (at + window_ms - now_ms).max(0);
        std::time::Duration::from_millis(u64::try_from(ms).unwrap_or(0))
    }))
}

/// Counts one event in a bucket; returns its id.
async fn count(conn: &mut AnyConnection, bucket: &str, now_ms: i64) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar("INSERT INTO limit_events (bucket, at_ms) VALUES ($1, $2) RETURNING id")
            .bind(bucket)
            .bind(now_ms)
            .fetch_one(conn)
            .await?,
    )
}

#[cfg(test)]
mod tests {
    use std::net::Ipv6Addr;

    use quanzi_api::ErrorCode;

    use super::*;
    use crate::storage::db::PoolSettings;

    const MINUTE: i64 = 60 * 1000;

    async fn db() -> anyhow::Result<(tempfile::TempDir, Db)> {
        let dir = tempfile::tempdir()?;
        let db = Db::sqlite(&dir.path().join("q.sqlite"), PoolSettings::default()).await?;
        Ok((dir, db))
    }

    fn fail(err: AppError) -> anyhow::Error {
        anyhow::anyhow!("{}", err.message)
    }

    /// The wait a refusal asks for.
    fn waited(result: Result<impl Sized, AppError>) -> Option<u64> {
        match result {
            Err(err) if err.code == ErrorCode::RateLimited => err.retry_after,
            _ => None,
        }
    }

    #[tokio::test]
    async fn five_failures_lock_an_email_for_the_rest_of_the_window() -> anyhow::Result<()> {
        let (_dir, db) = db().await?;
        let limits = Limits::default();
        let start = 1_000_000_000;
        for i in 0..5 {
            let attempt = limits
                .sign_in(&db, "a@x.cn", None, start + i * MINUTE)
                .await
                .map_err(fail)?;
            limits.failed(attempt);
        }
        let now = start + 5 * MINUTE;
        // The first failure leaves the window 15 minutes after it happened.
        assert_eq!(
            waited(limits.sign_in(&db, "a@x.cn", None, now).await),
            Some(10 * 60)
        );
        // Another email from the same address is still allowed.
        assert!(limits.sign_in(&db, "b@x.cn", None, now).await.is_ok());
        // Once the first failure is old enough, one more try is allowed.
        let later = start + WINDOW_MS + 1000;
        assert!(limits.sign_in(&db, "a@x.cn", None, later).await.is_ok());
        Ok(())
    }

    #[tokio::test]
    async fn a_success_clears_the_email() -> anyhow::Result<()> {
        let (_dir, db) = db().await?;
        let limits = Limits::default();
        let now = 1_000_000_000;
        for _ in 0..4 {
            limits.failed(
                limits
                    .sign_in(&db, "a@x.cn", None, now)
                    .await
                    .map_err(fail)?,
            );
        }
        let attempt = limits
            .sign_in(&db, "a@x.cn", None, now)
            .await
            .map_err(fail)?;
        limits.signed_in(&db, attempt).await.map_err(fail)?;
        for _ in 0..5 {
            limits.failed(
                limits
                    .sign_in(&db, "a@x.cn", None, now)
                    .await
                    .map_err(fail)?,
            );
        }
        assert!(waited(limits.sign_in(&db, "a@x.cn", None, now).await).is_some());
        Ok(())
    }

    #[tokio::test]
    async fn twenty_failures_lock_an_address_and_ipv6_counts_by_its_64() -> anyhow::Result<()> {
        let (_dir, db) = db().await?;
        let limits = Limits::default();
        let now = 1_000_000_000;
        let net = |last: u16| {
            Some(IpAddr::V6(Ipv6Addr::new(
                0x2001, 0xdb8, 1, 2, 0, 0, 0, last,
            )))
        };
        for i in 0..20u16 {
            let email = format!("user{i}@x.cn");
            limits.failed(
                limits
                    .sign_in(&db, &email, net(i), now)
                    .await
                    .map_err(fail)?,
            );
        }
        assert!(waited(limits.sign_in(&db, "new@x.cn", net(999), now).await).is_some());
        let other = Some(IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 1, 3, 0, 0, 0, 1)));
        assert!(limits.sign_in(&db, "new@x.cn", other, now).await.is_ok());
        Ok(())
    }

    #[tokio::test]
    async fn successes_do_not_use_up_an_address() -> anyhow::Result<()> {
        let (_dir, db) = db().await?;
        let limits = Limits::default();
        for _ in 0..50 {
            let attempt = limits
                .sign_in(&db, "a@x.cn", None, 1_000_000_000)
                .await
                .map_err(fail)?;
            limits.signed_in(&db, attempt).await.map_err(fail)?;
        }
        Ok(())
    }

    #[tokio::test]
    async fn ten_sign_ups_an_hour_per_address() -> anyhow::Result<()> {
        let (_dir, db) = db().await?;
        let limits = Limits::default();
        let start = 1_000_000_000;
        let addr = Some(IpAddr::from([203, 0, 113, 7]));
        for i in 0..10 {
            assert!(limits.sign_up(&db, addr, start + i * MINUTE).await.is_ok());
        }
        let now = start + 10 * MINUTE;
        // The first sign-up leaves the window an hour after it happened.
        assert_eq!(waited(limits.sign_up(&db, addr, now).await), Some(50 * 60));
        // Another address is not held back by it.
        let neighbour = Some(IpAddr::from([203, 0, 113, 8]));
        assert!(limits.sign_up(&db, neighbour, now).await.is_ok());
        let hour_on = start + SIGN_UP_WINDOW_MS;
        assert!(limits.sign_up(&db, addr, hour_on).await.is_ok());
        assert!(waited(limits.sign_up(&db, addr, hour_on).await).is_some());
        // Old events are forgotten as the limits are used.
        let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM limit_events WHERE at_ms < $1")
            .bind(hour_on - SIGN_UP_WINDOW_MS)
            .fetch_one(db.pool())
            .await?;
        assert_eq!(kept, 0);
        Ok(())
    }

    #[tokio::test]
    async fn every_address_counts_this_machine_and_unknown_ones_too() -> anyhow::Result<()> {
        let (_dir, db) = db().await?;
        let limits = Limits {
            sign_ups_per_hour: 3,
        };
        let now = 1_000_000_000;
        for addr in [Some("127.0.0.1".parse()?), None] {
            for _ in 0..3 {
                assert!(limits.sign_up(&db, addr, now).await.is_ok(), "{addr:?}");
            }
            assert!(waited(limits.sign_up(&db, addr, now).await).is_some());
        }
        Ok(())
    }

    #[test]
    fn emails_are_kept_as_hashes() {
        let bucket = email_bucket("a@x.cn");
        assert!(!bucket.contains("a@x.cn"));
        assert_eq!(bucket.len(), "sign_in_email:".len() + 64);
    }
}
