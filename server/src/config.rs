//! How the server is set up ([`Config`], filled from the command line by the binary) and the
//! bounds every setting is checked against at startup.

use std::path::PathBuf;

use crate::commerce::{context, expiry};
use crate::members::limits;
use crate::referral;
use crate::site::shell;
use crate::storage::db::PoolSettings;

/// How long the test payment provider takes over a "slow" payment, unless configured.
pub const DEFAULT_TEST_PAYMENT_DELAY_SECS: u64 = 20;
/// Bounds of the order settings, checked at startup.
pub const MAX_SEAT_HOLD_SECS: u64 = 24 * 60 * 60;
pub const MAX_GROUP_WINDOW_SECS: u64 = 30 * 24 * 60 * 60;
pub const MAX_TEST_PAYMENT_DELAY_SECS: u64 = 60 * 60;
/// Orders complete by themselves at most this many days after shipping.
pub const MAX_AUTO_COMPLETE_DAYS: u32 = 60;
/// Bounds of the database settings.
pub const MAX_POOL_SIZE: u32 = 100;
pub const MAX_STATEMENT_TIMEOUT_SECS: u64 = 600;

/// How the server is set up; the binary fills it from its command line.
#[derive(Clone, Debug)]
pub struct Config {
    /// The SQLite file; created (with its parent directory) and filled with the demo store
    /// when it does not exist or is empty. Unused when `database_url` is set.
    pub db_path: PathBuf,
    /// A PostgreSQL database (`postgres://user:password@host:5432/db`) in place of the
    /// SQLite file: several server instances may share it. Migrated at start, and filled
    /// with the demo store when empty, like the file.
    pub database_url: Option<String>,
    /// The connection pool's size and statement timeout.
    pub pool: PoolSettings,
    /// Trunk's output directory (`index.html`, hashed JS/wasm/CSS, `img/`, `icons/` …).
    pub dist_dir: PathBuf,
    /// Where the app should find the JSON API, if not at `/api/v1` on this origin: a path
    /// starting with `/` or an absolute `http(s)` URL (whose origin joins `connect-src`).
    pub api_base: Option<String>,
    /// Where members' files go (`uploads/` inside it); `None` means the database file's
    /// directory, so `data/quanzi.sqlite` keeps its photos in `data/uploads/`.
    pub data_dir: Option<PathBuf>,
    /// The site is served over HTTPS: the session cookie gets `Secure` and the `__Host-`
    /// prefix, and the Origin check expects `https://`. Off for the plain-http reference
    /// server on 127.0.0.1, where a `Secure` cookie would never be sent back.
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client for the rate limiters;
    /// from any other peer the header is ignored (see [`crate::http::forwarded`]).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Sign-ups allowed per client address in an hour.
    pub sign_ups_per_hour: usize,
    /// Where people reach the site (`https://shop.example`): share links and link previews'
    /// absolute URLs are built from it, never from a request's Host header. `None` means
    /// [`shell::DEFAULT_PUBLIC_ORIGIN`]; the binary derives it from its address instead.
    pub public_origin: Option<String>,
    /// Host pages allowed to embed the app in a frame (`https://host.example`, each an
    /// origin like `public_origin`): they join the shell's CSP `frame-ancestors`, and the
    /// app learns them to talk to its parent. Empty: only the site itself may frame it.
    pub embed_origins: Vec<String>,
    /// Serve the host example page at `/dev/embed-host/` (a developer's tool).
    pub embed_example: bool,
    /// How many days a referral cookie credits the member whose link was followed (1 to
    /// 400; browsers keep no cookie longer).
    pub referral_days: u32,
    /// How long an unpaid order holds its stock and group seat, in seconds (1 to 86400).
    pub seat_hold_secs: u64,
    /// A new group's window in seconds, in place of its product's `window_hours`: for
    /// tests that watch a group run out. `None` in production.
    pub group_window_secs: Option<u64>,
    /// Days after shipping that a delivery order completes by itself when its shopper has
    /// not confirmed receipt (1 to 60).
    pub auto_complete_days: u32,
    /// Days after an order completes before its commission settles (the return window, 0
    /// to 60).
    pub return_window_days: u32,
    /// The return window in seconds, in place of the days: for tests that watch a
    /// commission settle. `None` in production.
    pub return_window_secs: Option<u64>,
    /// How long the test payment provider takes to approve a "slow" payment, in seconds
    /// (0 to 3600).
    pub test_payment_delay_secs: u64,
    /// How often the background sweep expires holds and groups; `None` runs no sweep (then
    /// only requests settle what is due, which tests of that use).
    pub expiry_sweep: Option<std::time::Duration>,
}

impl Config {
    pub fn new(db_path: impl Into<PathBuf>, dist_dir: impl Into<PathBuf>) -> Self {
        Self {
            db_path: db_path.into(),
            database_url: None,
            pool: PoolSettings::default(),
            dist_dir: dist_dir.into(),
            api_base: None,
            data_dir: None,
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            sign_ups_per_hour: limits::MAX_SIGN_UPS_PER_ADDRESS,
            public_origin: None,
            embed_origins: Vec::new(),
            embed_example: false,
            referral_days: referral::DEFAULT_REFERRAL_DAYS,
            seat_hold_secs: context::DEFAULT_SEAT_HOLD_SECS,
            group_window_secs: None,
            auto_complete_days: quanzi_api::staff::AUTO_COMPLETE_DAYS,
            return_window_days: quanzi_api::earning::RETURN_WINDOW_DAYS,
            return_window_secs: None,
            test_payment_delay_secs: DEFAULT_TEST_PAYMENT_DELAY_SECS,
            expiry_sweep: Some(expiry::DEFAULT_SWEEP_EVERY),
        }
    }

    /// Checks every setting before anything is opened, so a typo leaves no fresh database
    /// file behind; returns the public origin to use.
    pub fn check(&self) -> anyhow::Result<&str> {
        if !(1..=referral::MAX_REFERRAL_DAYS).contains(&self.referral_days) {
            anyhow::bail!(
                "the referral window is 1 to {} days, not {}",
                referral::MAX_REFERRAL_DAYS,
                self.referral_days
            );
        }
        // Checked before the database is touched: a typo must not leave a fresh file behind.
        let public_origin = self
            .public_origin
            .as_deref()
            .unwrap_or(shell::DEFAULT_PUBLIC_ORIGIN);
        shell::parse_public_origin(public_origin)?;
        for origin in &self.embed_origins {
            shell::parse_embed_origin(origin)?;
        }
        if !(1..=MAX_SEAT_HOLD_SECS).contains(&self.seat_hold_secs) {
            anyhow::bail!(
                "the seat hold is 1 to {MAX_SEAT_HOLD_SECS} seconds, not {}",
                self.seat_hold_secs
            );
        }
        if let Some(window) = self.group_window_secs {
            if !(1..=MAX_GROUP_WINDOW_SECS).contains(&window) {
                anyhow::bail!(
                    "a group window is 1 to {MAX_GROUP_WINDOW_SECS} seconds, not {window}"
                );
            }
        }
        if !(1..=MAX_AUTO_COMPLETE_DAYS).contains(&self.auto_complete_days) {
            anyhow::bail!(
                "orders complete by themselves 1 to {MAX_AUTO_COMPLETE_DAYS} days after shipping, not {}",
                self.auto_complete_days
            );
        }
        if self.return_window_days > MAX_AUTO_COMPLETE_DAYS {
            anyhow::bail!(
                "the return window is 0 to {MAX_AUTO_COMPLETE_DAYS} days, not {}",
                self.return_window_days
            );
        }
        if self.test_payment_delay_secs > MAX_TEST_PAYMENT_DELAY_SECS {
            anyhow::bail!(
                "the test payment delay is at most {MAX_TEST_PAYMENT_DELAY_SECS} seconds, not {}",
                self.test_payment_delay_secs
            );
        }
        if !(1..=MAX_POOL_SIZE).contains(&self.pool.size) {
            anyhow::bail!(
                "the connection pool has 1 to {MAX_POOL_SIZE} connections, not {}",
                self.pool.size
            );
        }
        let timeout = self.pool.statement_timeout.as_secs();
        if !(1..=MAX_STATEMENT_TIMEOUT_SECS).contains(&timeout) {
            anyhow::bail!(
                "the statement timeout is 1 to {MAX_STATEMENT_TIMEOUT_SECS} seconds, not {timeout}"
            );
        }
        if let Some(url) = &self.database_url {
            if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                anyhow::bail!(
                    "the database URL must start with postgres:// (for SQLite give --db FILE)"
                );
            }
        }
        Ok(public_origin)
    }

    /// The data directory as configured, or the database file's directory.
    pub fn data_dir(&self) -> PathBuf {
        match &self.data_dir {
            Some(dir) => dir.clone(),
            None => match self.db_path.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
                _ => PathBuf::from("."),
            },
        }
    }
}
